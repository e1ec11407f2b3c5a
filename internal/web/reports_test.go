package web_test

import (
	"bytes"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestReports(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		dsl := e.client()
		e.signIn(dsl, "ruth.adams@cradle.example")
		r := e.get(dsl, "/reports")
		if r.status != http.StatusOK {
			t.Fatalf("reports: %d\n%s", r.status, r.body)
		}
		// A page per section: the first by default, the others linked from
		// it with the filters kept, and each page only its own section.
		sections := regexp.MustCompile(`<li><a class="govuk-link" href="(/reports\?[^"]*section=([a-z-]+)[^"]*)">`).FindAllStringSubmatch(r.body, -1)
		if len(sections) < 7 || !strings.Contains(r.body, `<li aria-current="page"><strong>Referrals</strong></li>`) {
			t.Fatalf("the reports page links to %d other sections, and should mark Referrals as the current one", len(sections))
		}
		pages := map[string]string{"referrals": r.body}
		// The date fields show the default range the figures cover.
		today := e.clock.Now().UTC()
		from := time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
		for name, day := range map[string]time.Time{"from": from, "to": today} {
			for part, want := range map[string]int{"day": day.Day(), "month": int(day.Month()), "year": day.Year()} {
				if !strings.Contains(r.body, `name="`+name+`-`+part+`" type="text" inputmode="numeric" value="`+strconv.Itoa(want)+`"`) {
					t.Errorf("the %s date's %s field does not show %d", name, part, want)
				}
			}
		}
		if strings.Contains(sections[0][1], "from-day") {
			t.Error("the section links carry the default dates: the range would stop rolling with the day")
		}
		for _, m := range sections {
			p := e.get(dsl, html.UnescapeString(m[1]))
			if p.status != http.StatusOK || !strings.Contains(p.body, `<h2 class="govuk-heading-m govuk-!-margin-top-6" id="`+m[2]+`">`) ||
				!strings.Contains(p.body, `<input type="hidden" name="section" value="`+m[2]+`">`) {
				t.Errorf("section %s: %d; want its heading, and the filter form keeping the section", m[2], p.status)
			}
			pages[m[2]] = p.body
		}
		for key, wants := range map[string][]string{
			"referrals":           {"Referrals by source", `href="/reports/export/referrals-by-source.csv`, `role="img"`, "<title id="},
			"referrals-over-time": {"Referrals by month and source"},
			"referral-areas":      {"Referrals by month and area", `id="chart-referrals-by-month-and-area-title"`},
			"conversion":          {"From referral to completion"},
			"caseloads":           {"Open families by area"},
			"engagement":          {"Sessions offered and attended", "Families still in the programme as the baby grows", `id="chart-retention-title"`},
			"content":             {"Programme content delivered", "Inner child", "Parents completing the programme", `href="/reports/export/content.csv`},
			"safeguarding":        {"Safeguarding activity"},
			"outcomes":            {"Change in outcome measures"},
		} {
			for _, want := range wants {
				if !strings.Contains(pages[key], want) {
					t.Errorf("the reports' %s section lacks %q", key, want)
				}
			}
		}
		if strings.Contains(pages["referrals"], "Change in outcome measures") || strings.Contains(pages["outcomes"], "Referrals by source") {
			t.Error("a section's page holds another section's tables")
		}
		for key, body := range pages {
			for _, name := range []string{"Rivers", "Alex "} { // demo parents' names never appear in aggregates
				if strings.Contains(body, name) {
					t.Errorf("the reports' %s section contains a name %q", key, name)
				}
			}
		}
		// Every table's own download, from every section (each reads only
		// its section's figures).
		downloads := regexp.MustCompile(`href="(/reports/export/[a-z-]+\.csv[^"]*)"`)
		tables := 0
		for key, body := range pages {
			for _, m := range downloads.FindAllStringSubmatch(body, -1) {
				tables++
				if c := e.get(dsl, html.UnescapeString(m[1])); c.status != http.StatusOK || !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") {
					t.Errorf("the %s section's download %s: %d", key, m[1], c.status)
				}
			}
		}
		if tables < 15 {
			t.Errorf("%d tables downloaded from the sections, want every one", tables)
		}
		if p := e.get(dsl, "/reports?section=nonsense"); p.status != http.StatusNotFound || !strings.Contains(p.body, "There is no such section of the reports") {
			t.Errorf("an unknown section: %d; want a clear 404", p.status)
		}

		// An end before the start: a specific message, the typed dates kept, no figures.
		bad := e.get(dsl, "/reports?from-day=1&from-month=6&from-year=2026&to-day=1&to-month=1&to-year=2026")
		if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "The end date must be the same as or after the start date") ||
			!strings.Contains(bad.body, `href="#to"`) || !strings.Contains(bad.body, `value="2026"`) || strings.Contains(bad.body, "Referrals by month") {
			t.Errorf("end before start: %d\n%s", bad.status, bad.body)
		}
		if bad := e.get(dsl, "/reports?from-day=31&from-month=2&from-year=2026"); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "govuk-error-summary") {
			t.Errorf("impossible date: %d", bad.status)
		}

		// A period with nothing in it: the page says so, and exports are valid files with headers only.
		empty := "?from-day=1&from-month=1&from-year=2001&to-day=31&to-month=1&to-year=2001"
		if r := e.get(dsl, "/reports"+empty); r.status != http.StatusOK || !strings.Contains(r.body, "No referrals were received in this period and area.") {
			t.Errorf("empty period: %d", r.status)
		}
		csv := e.get(dsl, "/reports/export/referrals-by-source.csv"+empty)
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.body, "Source,Number,% of total") {
			t.Errorf("empty CSV: %d %q", csv.status, csv.body)
		}
		x := e.get(dsl, "/reports/export/dashboard.xlsx")
		if x.status != http.StatusOK {
			t.Fatalf("xlsx: %d", x.status)
		}
		book, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("reading the XLSX back: %v", err)
		}
		if sheets := book.GetSheetList(); len(sheets) < 10 {
			t.Errorf("sheets = %v", sheets)
		}
		if r := e.get(dsl, "/reports/export/nonsense.csv"); r.status != http.StatusNotFound {
			t.Errorf("unknown table: %d", r.status)
		}
		if r := e.get(dsl, "/reports/export/referrals-by-source.exe"); r.status != http.StatusNotFound {
			t.Errorf("unknown format: %d", r.status)
		}

		// Funder report: a PDF for a quarter; a made-up quarter is refused on the form.
		form := e.get(dsl, "/reports/funder")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Which quarter?") {
			t.Fatalf("funder form: %d", form.status)
		}
		i := strings.Index(form.body, `name="quarter" type="radio" value="`)
		quarter := form.body[i+len(`name="quarter" type="radio" value="`):][:10]
		pdf := e.get(dsl, "/reports/funder.pdf?quarter="+quarter)
		if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") || !strings.Contains(pdf.body, "Quarterly report to funders") {
			t.Errorf("funder PDF: %d %.40q", pdf.status, pdf.body)
		}
		if r := e.get(dsl, "/reports/funder.pdf?quarter=2026-02-30"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Choose a quarter from the list") {
			t.Errorf("bad quarter: %d", r.status)
		}

		// A team manager sees their own area, not another, and not "every area".
		mgr := e.client()
		e.signIn(mgr, manager)
		if r := e.get(mgr, "/reports"); r.status != http.StatusOK || !strings.Contains(r.body, "Blackpool") {
			t.Errorf("manager: %d", r.status)
		}
		page := e.get(dsl, "/reports")
		herts := optionValue(page.body, "Hertfordshire")
		if r := e.get(mgr, "/reports?area="+herts); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Choose an area from the list") {
			t.Errorf("manager asking for another area: %d", r.status)
		}
		if r := e.get(mgr, "/reports/export/dashboard.csv?area="+herts); r.status != http.StatusBadRequest {
			t.Errorf("manager exporting another area: %d", r.status)
		}

		// Analysts see aggregates; practitioners do not.
		analyst := e.client()
		e.signIn(analyst, "leah.morgan@cradle.example")
		if r := e.get(analyst, "/reports"); r.status != http.StatusOK {
			t.Errorf("analyst: %d", r.status)
		}
		prac := e.client()
		e.signIn(prac, practitioner)
		if r := e.get(prac, "/reports"); r.status != http.StatusForbidden {
			t.Errorf("practitioner: %d", r.status)
		}
		if r := e.get(prac, "/reports/export/dashboard.csv"); r.status != http.StatusForbidden {
			t.Errorf("practitioner export: %d", r.status)
		}
	})
}

// TestFunderReportForOneArea: the quarterly funder report for one area names
// that area, and no other: its title block, captions and area tables are
// that area's alone. A team manager gets their own area's and no other's.
func TestFunderReportForOneArea(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		dsl := e.client()
		e.signIn(dsl, "ruth.adams@cradle.example")
		form := e.get(dsl, "/reports/funder")
		if form.status != http.StatusOK {
			t.Fatalf("funder form: %d", form.status)
		}
		i := strings.Index(form.body, `name="quarter" type="radio" value="`)
		if i < 0 {
			t.Fatal("no quarter on the form")
		}
		quarter := form.body[i+len(`name="quarter" type="radio" value="`):][:10]
		areas := []string{"Blackpool", "Hertfordshire", "Bedfordshire", "Westminster", "Kensington and Chelsea", "Connect (remote)"}
		pdfFor := func(c *http.Client, area string) resp {
			t.Helper()
			id := optionValue(form.body, area)
			if id == "" {
				t.Fatalf("no %s on the funder form", area)
			}
			return e.get(c, "/reports/funder.pdf?area="+id+"&quarter="+quarter)
		}
		namesOnly := func(who string, pdf resp, area string) {
			t.Helper()
			if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") {
				t.Fatalf("%s, %s: %d %.40q", who, area, pdf.status, pdf.body)
			}
			// The PDF's streams are uncompressed, so its text can be searched.
			for _, want := range []string{"Quarterly report to funders", "Area: " + area, "in " + area + ", "} {
				if !strings.Contains(pdf.body, want) {
					t.Errorf("%s, %s: the PDF lacks %q", who, area, want)
				}
			}
			for _, other := range append(slices.DeleteFunc(slices.Clone(areas), func(a string) bool { return a == area }), "Every area", "every area") {
				if strings.Contains(pdf.body, other) {
					t.Errorf("%s, %s: the PDF names %q", who, area, other)
				}
			}
		}
		namesOnly("DSL", pdfFor(dsl, "Hertfordshire"), "Hertfordshire")

		mgr := e.client()
		e.signIn(mgr, manager) // Blackpool's team manager
		namesOnly("manager", pdfFor(mgr, "Blackpool"), "Blackpool")
		if r := pdfFor(mgr, "Hertfordshire"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Choose an area from the list") {
			t.Errorf("manager asking for another area's report: %d", r.status)
		}
	})
}

// optionValue finds the value of the <option> with the label.
func optionValue(body, label string) string {
	i := strings.Index(body, ">"+label+"</option>")
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(body[:i], `value="`)
	v := body[j+len(`value="`):]
	return v[:strings.Index(v, `"`)]
}

// The demo's referral history (accepted and not) shows in the queue and
// each referral opens.
func TestDemoReferralHistoryOpens(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mgr := e.client()
		e.signIn(mgr, manager)
		for _, status := range []string{"accepted", "not_accepted"} {
			q := e.get(mgr, "/referrals?status="+status)
			// A referral's link, not the one to record a new referral.
			m := regexp.MustCompile(`href="(/referrals/\d+)"`).FindStringSubmatch(q.body)
			if q.status != http.StatusOK || m == nil {
				t.Fatalf("%s queue: %d, no referral link", status, q.status)
			}
			href := m[1]
			if r := e.get(mgr, href); r.status != http.StatusOK || !strings.Contains(r.body, "Referral REF-") {
				t.Errorf("%s: %d\n%s", href, r.status, r.body)
			}
		}
	})
}

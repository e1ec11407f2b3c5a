package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/chart"
	"github.com/cradle-org/cradle/internal/export"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/store"
)

// dashboardData is the reports page: the filter form, the list of
// sections and the one shown. A page per section keeps each under 30 KB of
// HTML; the figures behind them are worked out together (and kept a while),
// so moving between sections is quick.
type dashboardData struct {
	Areas    []referral.Option
	AllAreas bool         // the "every area" choice is offered
	Query    template.URL // the filters, for export links
	Scope    string
	AsOf     time.Time
	Sections []sectionLink
	Section  *sectionView // the section shown; nil on a page of errors
	Current  string       // the shown section's key, kept by the filter form
}

// sectionLink is one entry in the list of the dashboard's sections.
type sectionLink struct {
	Heading, URL string
	Current      bool
}

type sectionView struct {
	report.Section
	Tables []tableView
}

type tableView struct {
	report.Table
	Chart template.HTML
	Wide  bool // too many columns to sit beside its chart: chart above, table below
	// DownloadOnly: too many columns to read on a page (a national
	// dashboard's table by area has one for each of a hundred areas, 190 KB
	// of HTML); the page offers its downloads and says why.
	DownloadOnly bool
	// AllRows is how many rows (besides the total) the whole table has when
	// the page shows only ShownRows of them: its largest, or for a table by
	// period (ByPeriod) its latest; 0 when it shows them all.
	AllRows, ShownRows int
	ByPeriod           bool
}

// maxPageColumns is the most columns a dashboard table shows on the page:
// a year's months plus label and total, or a dozen areas.
const maxPageColumns = 14

// maxPageRows is the most rows (besides the total) a dashboard table shows
// on the page: a table with a row for each of a hundred areas was 24 KB of
// HTML. The page shows the largest; the downloads have every row.
const maxPageRows = 20

// maxPagePeriods is the most rows a dashboard table by period shows on the
// page, the latest: a year of months (a table by year over a quarter of a
// century, ten sources wide, was 15 KB).
const maxPagePeriods = 12

// reportScope reads the dashboard's filters: a date range (default: the
// last twelve months to today) and an area the user may see. Mistakes come
// back as field problems with what was typed kept in the form.
func (s *Server) reportScope(r *http.Request, u *requestUser) (store.ReportScope, problem.Fields) {
	q := r.URL.Query()
	var fs problem.Fields
	today := s.cfg.Now().UTC()
	sc := store.ReportScope{From: time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0), To: today}
	if from := formDate(q, "from", &fs); !from.IsZero() {
		sc.From = from
	}
	if to := formDate(q, "to", &fs); !to.IsZero() {
		sc.To = to
	}
	if !fs.Has("from") && !fs.Has("to") && sc.To.Before(sc.From) {
		fs.Add("to", "The end date must be the same as or after the start date")
	}
	if !fs.Has("from") && sc.From.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		fs.Add("from", "The start date must be in or after 2000")
	}
	switch area := q.Get("area"); {
	case area == "" && u.staff.Role == policy.TeamManager:
		sc.AreaIDs = u.staff.AreaIDs() // a manager's own areas
	case area == "":
	default:
		id, err := strconv.ParseInt(area, 10, 64)
		if err != nil || !policy.Can(u.staff.Actor(), policy.ViewAggregates, policy.Target{AreaID: id}, s.cfg.Now()) {
			fs.Add("area", "Choose an area from the list")
		} else {
			sc.AreaIDs = []int64{id}
		}
	}
	return sc, fs
}

// areaOptions are the areas the user may choose on the dashboard.
func (s *Server) areaOptions(r *http.Request, u *requestUser) ([]referral.Option, bool, error) {
	areas, err := s.db.Areas(r.Context())
	if err != nil {
		return nil, false, err
	}
	actor := u.staff.Actor()
	var opts []referral.Option
	for _, a := range areas {
		if policy.Can(actor, policy.ViewAggregates, policy.Target{AreaID: a.ID}, s.cfg.Now()) {
			opts = append(opts, referral.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name})
		}
	}
	return opts, policy.Can(actor, policy.ViewAggregates, policy.Target{}, s.cfg.Now()), nil
}

// dashboardSections counts the figures of the parts asked for and lays out
// the sections they make.
func (s *Server) dashboardSections(r *http.Request, u *requestUser, sc store.ReportScope, parts report.Part) ([]report.Section, time.Time, error) {
	// The two reads are independent (each authorised and audited in its
	// own transaction); at national scale each reads hundreds of thousands
	// of rows the first time, so they run side by side.
	var outcomes report.Table
	var outcomesErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if parts&report.PartOutcomes != 0 {
			outcomes, outcomesErr = s.db.OutcomeChange(r.Context(), u.staff.Actor(), sc, s.outcomeInstruments())
		}
	}()
	var f report.Figures
	var err error
	if parts&report.FigureParts != 0 {
		f, err = s.db.FiguresFor(r.Context(), u.staff.Actor(), sc, parts&report.FigureParts)
	}
	<-done
	if err != nil {
		return nil, time.Time{}, err
	}
	if outcomesErr != nil {
		return nil, time.Time{}, outcomesErr
	}
	f.Parts |= parts & report.PartOutcomes
	f.Modules = s.cfg.Timeline.Modules
	return report.DashboardOf(f, outcomes), f.AsOf, nil
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !policy.Can(u.staff.Actor(), policy.ViewAggregates, policy.Target{AreaID: firstArea(u)}, s.cfg.Now()) &&
		!policy.Can(u.staff.Actor(), policy.ViewAggregates, policy.Target{}, s.cfg.Now()) {
		s.fail(w, r, problem.New(problem.Forbidden, "%s", policy.Decide(u.staff.Actor(), policy.ViewAggregates, policy.Target{AreaID: firstArea(u)}, s.cfg.Now()).Reason))
		return
	}
	d := dashboardData{Current: r.URL.Query().Get("section")}
	var err error
	if d.Areas, d.AllAreas, err = s.areaOptions(r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	sc, fs := s.reportScope(r, u)
	page := Page{Title: "Reports", Nav: "reports", Form: r.URL.Query(), Data: &d}
	if len(fs) > 0 {
		page.Errors = inPageOrder(fs, "from", "to", "area")
		s.render(w, r, http.StatusBadRequest, "reports", page)
		return
	}
	// Only the section shown is counted: each section's figures are read
	// (and kept a few minutes) when it is first looked at.
	if d.Current == "" {
		d.Current = report.Sections()[0].Key
	}
	info, ok := report.SectionFor(d.Current)
	if !ok {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such section of the reports. Choose one from the list on the reports page"))
		return
	}
	sections, asOf, err := s.dashboardSections(r, u, sc, info.Needs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	for _, sec := range report.Sections() {
		q.Set("section", sec.Key)
		d.Sections = append(d.Sections, sectionLink{Heading: sec.Heading, URL: "/reports?" + q.Encode(), Current: sec.Key == d.Current})
	}
	for _, sec := range sections {
		if sec.Key == d.Current {
			v := layOutSection(sec)
			d.Section = &v
			page.Title = sec.Heading + " – Reports"
		}
	}
	if d.Section == nil {
		s.fail(w, r, fmt.Errorf("reports: section %q was not laid out from its parts", d.Current))
		return
	}
	d.AsOf = asOf
	// The export links carry the filters but not the section: every
	// table's download is the same whichever section links to it.
	q.Del("section")
	// #nosec G203 -- Encode percent-escapes every key and value, and the template puts it after "?" on a fixed path
	d.Query = template.URL(q.Encode())
	d.Scope = scopeText(sc, d.Areas)
	// Show the dates the figures cover in the date fields, the default
	// range included, so changing one end starts from what is shown. The
	// links keep only what was asked for (page.Form is its own parse of
	// the query): a default range rolls with the day.
	for name, day := range map[string]time.Time{"from": sc.From, "to": sc.To} {
		if page.Form.Get(name+"-day")+page.Form.Get(name+"-month")+page.Form.Get(name+"-year") == "" {
			splitDate(page.Form, name, day.Format(time.DateOnly))
		}
	}
	s.render(w, r, http.StatusOK, "reports", page)
}

// layOutSection lays one of the dashboard's sections out for the page: which
// tables are charted, sit wide, or are too wide to show.
func layOutSection(sec report.Section) sectionView {
	v := sectionView{Section: sec}
	for i, t := range sec.Tables {
		tv := tableView{Table: t, Wide: len(t.Columns) > 4, DownloadOnly: len(t.Columns) > maxPageColumns}
		// A long table by period shows its latest periods; any other its
		// largest rows (report.Table.Latest and Largest).
		n := maxPageRows
		short, cut := t.Largest(n)
		if tv.ByPeriod = t.ByPeriod(); tv.ByPeriod {
			n = maxPagePeriods
			short, cut = t.Latest(n)
		}
		if cut && !tv.DownloadOnly {
			tv.Table, tv.AllRows, tv.ShownRows = short, len(t.Rows), n
			if len(short.Rows) > n {
				tv.AllRows-- // the row of totals, kept on the page too
			}
		}
		for _, h := range sec.Charts {
			// Drawn from the rows the page shows, beside it.
			if h.Table == i && !tv.Table.Empty() && !tv.DownloadOnly {
				tv.Chart = chartFor("chart-"+t.Key, tv.Table, h)
			}
		}
		v.Tables = append(v.Tables, tv)
	}
	return v
}

func firstArea(u *requestUser) int64 {
	if ids := u.staff.AreaIDs(); len(ids) > 0 {
		return ids[0]
	}
	return 0
}

// reportExport writes one dashboard table, or all of them, as CSV or XLSX:
// /reports/export/referrals-by-source.csv, /reports/export/dashboard.xlsx.
// A filter that matches nothing still gives a valid file with headers.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request, u *requestUser) {
	name := r.PathValue("file")
	key, ext, _ := strings.Cut(name, ".")
	if ext != "csv" && ext != "xlsx" {
		s.fail(w, r, problem.New(problem.NotFound, "Exports are CSV or XLSX files"))
		return
	}
	sc, fs := s.reportScope(r, u)
	if len(fs) > 0 {
		s.fail(w, r, &problem.Error{Code: problem.Invalid, Message: "There is a problem with the report's filters", Fields: fs})
		return
	}
	// One table's download reads only its section's figures.
	parts := report.AllParts
	if key != "dashboard" {
		var ok bool
		if parts, ok = report.TableParts(key); !ok {
			s.fail(w, r, problem.New(problem.NotFound, "There is no report table called %s", key))
			return
		}
	}
	sections, _, err := s.dashboardSections(r, u, sc, parts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tables := report.Tables(sections)
	if key != "dashboard" {
		t, err := report.Find(sections, key)
		if err != nil {
			s.fail(w, r, fmt.Errorf("reports: table %q not laid out from its parts: %w", key, err))
			return
		}
		tables = []report.Table{t}
	}
	if err := s.db.RecordEvent(r.Context(), "report.export", "", 0, 0, name+" "+r.URL.RawQuery); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if ext == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = export.CSV(w, tables...)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = export.XLSX(w, tables...)
	}
	if err != nil {
		s.log.Error("writing export", "request_id", requestID(r), "err", err)
	}
}

// chartFor draws a dashboard table as the hint says: the same figures as the
// table beside it, without any total row (it would dwarf the rest); nothing
// for a line chart of more than chart.MaxSeries lines.
func chartFor(id string, t report.Table, h report.ChartHint) template.HTML {
	var rows [][]report.Cell
	for _, r := range t.Rows {
		if len(r) > 0 && r[0].Text == "Total" {
			continue
		}
		rows = append(rows, r)
	}
	t.Rows = rows
	if h.Kind == "line" {
		spec := chart.LineSpec{ID: id, Title: t.Title, Desc: t.Caption}
		for _, r := range t.Rows {
			spec.Labels = append(spec.Labels, r[h.LabelCol].String())
		}
		for c := range t.Columns {
			if c == h.LabelCol || t.Columns[c].Key == "total" || !t.Columns[c].Numeric {
				continue
			}
			sr := chart.Series{Name: t.Columns[c].Label}
			for _, r := range t.Rows {
				sr.Values = append(sr.Values, chart.CellValue(r[c]))
			}
			spec.Series = append(spec.Series, sr)
		}
		if len(spec.Series) > chart.MaxSeries {
			// More lines than a reader can tell apart (a national
			// dashboard's hundred areas drew 200 KB of them): the table
			// beside it says it better.
			return ""
		}
		return chart.Line(spec)
	}
	spec := chart.FromTable(id, t, h.LabelCol, h.ValueCols)
	spec.Horizontal = true
	return chart.Bar(spec)
}

// funderForm asks which area and quarter the funder report covers.
func (s *Server) funderForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showFunderForm(w, r, u, http.StatusOK, nil)
}

type funderData struct {
	Areas    []referral.Option
	AllAreas bool
	Quarters []referral.Option
}

func (s *Server) showFunderForm(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	var d funderData
	var err error
	if d.Areas, d.AllAreas, err = s.areaOptions(r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Areas) == 0 && !d.AllAreas {
		s.fail(w, r, problem.New(problem.Forbidden, "%s", policy.Decide(u.staff.Actor(), policy.ViewAggregates, policy.Target{AreaID: firstArea(u)}, s.cfg.Now()).Reason))
		return
	}
	d.Quarters = quarterOptions(s.cfg.Now(), 8)
	page := Page{Title: "Quarterly funder report", Nav: "reports", Form: r.URL.Query(), Data: d, Errors: errs}
	s.render(w, r, status, "funder", page)
}

// quarterOptions are the last n calendar quarters, the current one first.
func quarterOptions(now time.Time, n int) []referral.Option {
	var out []referral.Option
	t := now.UTC()
	for range n {
		start, _, label := report.Quarter(t)
		out = append(out, referral.Option{Value: start.Format(time.DateOnly), Label: label})
		t = start.AddDate(0, 0, -1)
	}
	return out
}

// funderReport renders the quarterly funder report for one area (or every
// area, for roles that see them all) as a PDF of the dashboard's tables.
func (s *Server) funderReport(w http.ResponseWriter, r *http.Request, u *requestUser) {
	q := r.URL.Query()
	var fs problem.Fields
	start, err := time.Parse(time.DateOnly, q.Get("quarter"))
	if err != nil {
		fs.Add("quarter", "Choose a quarter from the list")
	}
	qs, qe, label := report.Quarter(start)
	if err == nil && !qs.Equal(start) {
		fs.Add("quarter", "Choose a quarter from the list")
	}
	sc := store.ReportScope{From: qs, To: qe}
	area := ""
	if a := q.Get("area"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || !policy.Can(u.staff.Actor(), policy.ViewAggregates, policy.Target{AreaID: id}, s.cfg.Now()) {
			fs.Add("area", "Choose an area from the list")
		} else {
			sc.AreaIDs = []int64{id}
		}
	} else if !policy.Can(u.staff.Actor(), policy.ViewAggregates, policy.Target{}, s.cfg.Now()) {
		fs.Add("area", "Choose an area")
	}
	if len(fs) > 0 {
		s.showFunderForm(w, r, u, http.StatusBadRequest, inPageOrder(fs, "area", "quarter"))
		return
	}
	sections, _, err := s.dashboardSections(r, u, sc, report.AllParts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	area = "Every area"
	if len(sc.AreaIDs) == 1 {
		area = areaName(r, s, sc.AreaIDs[0])
	}
	doc := export.Report{Title: "Quarterly report to funders", Organisation: s.cfg.OrgName, Area: area, Period: label, Generated: s.cfg.Now(),
		Intro: "Aggregate figures for the programme in " + area + ", " + label + ". No family or person is named; counts below 5 are suppressed, " +
			"and so is any other figure from which a suppressed count could be worked out (for example, from a total)."}
	for _, sec := range sections {
		doc.Sections = append(doc.Sections, export.Section{Heading: sec.Heading, Text: sec.Empty, Tables: sec.Tables})
	}
	if err := s.db.RecordEvent(r.Context(), "report.funder", "", 0, 0, area+", "+label); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="funder-report-`+qs.Format("2006-01")+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := export.PDF(w, doc); err != nil {
		s.log.Error("writing funder report", "request_id", requestID(r), "err", err)
	}
}

func areaName(r *http.Request, s *Server, id int64) string {
	areas, err := s.db.Areas(r.Context())
	if err == nil {
		for _, a := range areas {
			if a.ID == id {
				return a.Name
			}
		}
	}
	return "the area"
}

// outcomeInstruments are the measures whose change the reports summarise:
// every instrument with a total score, with the timeline's timepoints in
// order (the first is the baseline).
func (s *Server) outcomeInstruments() []store.OutcomeInstrument {
	var order []string
	for _, tp := range s.cfg.Timeline.Timepoints {
		order = append(order, tp.Key)
	}
	var out []store.OutcomeInstrument
	for _, in := range s.cfg.Instruments {
		if !in.HasTotal() {
			continue
		}
		better := "lower is better"
		if in.Direction == measure.HigherBetter {
			better = "higher is better"
		}
		out = append(out, store.OutcomeInstrument{Key: in.Key, Label: in.ShortName + " (" + better + ")",
			Direction: report.Direction(in.Direction), ReliableChange: in.ReliableChange, Order: order})
	}
	return out
}

// scopeText says what the figures cover, in words.
func scopeText(sc store.ReportScope, areas []referral.Option) string {
	where := "every area"
	if len(sc.AreaIDs) > 0 {
		var names []string
		for _, id := range sc.AreaIDs {
			for _, a := range areas {
				if a.Value == strconv.FormatInt(id, 10) {
					names = append(names, a.Label)
				}
			}
		}
		where = strings.Join(names, " and ")
	}
	return where + ", " + sc.From.Format("2 January 2006") + " to " + sc.To.Format("2 January 2006")
}

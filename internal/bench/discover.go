package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/referral"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

var (
	familyLink   = regexp.MustCompile(`href="/families/(\d+)"`)
	personLink   = regexp.MustCompile(`href="/people/(\d+)"`)
	personName   = regexp.MustCompile(`href="/people/\d+">([^<]+)</a>`)
	concernLink  = regexp.MustCompile(`href="/concerns/(\d+)"`)
	referralLink = regexp.MustCompile(`href="/referrals/(\d+)"`)
	measureLink  = regexp.MustCompile(`href="/people/\d+/measures\?measure=([a-z0-9_]+)"`)
	assetLink    = regexp.MustCompile(`(?:href|src)="(/assets/[^"?#]+)"`)
)

// discoverer finds, for each signed-in account, the pages it can open, by
// following links from its caseload, concerns, reports and referral queue
// as a person would. Each page is fetched once here; a page that does not
// answer 200 is not used. The first page of each route is weighed.
type discoverer struct {
	*runner
	w         *workload
	transfers map[string]*Transfer
	assets    map[string]*Asset
	dropped   map[string]bool // page types a check before the load left out
}

func (r *runner) discover(ctx context.Context, sessions []*session) (*workload, error) {
	d := &discoverer{runner: r, w: newWorkload(issueMix...), transfers: map[string]*Transfer{}, assets: map[string]*Asset{}, dropped: map[string]bool{}}
	began := time.Now()
	// The public form first: a referral it sends is one more for the
	// screeners to open, so search has something to screen on any data.
	if err := d.publicReferral(ctx); err != nil {
		return nil, err
	}
	for _, s := range sessions {
		r.progress(PhaseDiscover, time.Since(began), 0)
		if err := d.account(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := d.writes(ctx); err != nil {
		return nil, err
	}
	if d.w.has(TypeSearch) {
		r.note("Person search: GET /search (\"Find a person\") as practitioners, team managers and DSLs, for the full names and the family names of parents on their own caseloads, so every search finds someone (a full name also looks up spelling variants and sound-alikes).")
	}
	for _, t := range issueMix {
		if !d.w.has(t.name) && !d.dropped[t.name] {
			r.note("No account could reach any %s page, so that page type took no part and the others were scaled up.", t.name)
		}
	}
	if err := d.w.finish(); err != nil {
		return nil, err
	}
	r.progress(PhaseDiscover, time.Since(began), time.Since(began))
	for _, rt := range d.w.routes {
		if t, ok := d.transfers[rt.label]; ok {
			r.rep.Transfer = append(r.rep.Transfer, *t)
		}
	}
	for _, a := range d.assets {
		r.rep.Assets = append(r.rep.Assets, *a)
	}
	slices.SortFunc(r.rep.Assets, func(a, b Asset) int { return strings.Compare(a.Path, b.Path) })
	return d.w, nil
}

// account finds one account's pages.
func (d *discoverer) account(ctx context.Context, s *session) error {
	// open fetches a page as s; ok means it answered 200 and is in the mix.
	open := func(typ, label, path string) (response, bool, error) {
		resp, err := d.client.get(ctx, d.base+path, s.cookie)
		if err != nil {
			return resp, false, err
		}
		if resp.status != http.StatusOK {
			return resp, false, nil
		}
		if typ != "" {
			d.w.add(typ, label, http.StatusOK, vegeta.Target{Method: http.MethodGet, URL: d.base + path, Header: cookieHeader(s)})
			if err := d.weigh(ctx, typ, label, path, resp); err != nil {
				return resp, false, err
			}
			if err := d.countWork(ctx, label, path, s.cookie); err != nil {
				return resp, false, err
			}
		}
		return resp, true, nil
	}

	caseload, ok, err := open(TypeCaseload, "GET /caseload", "/caseload")
	if err != nil {
		return err
	}
	if ok {
		for _, name := range sample(dedupe(matches(personName, caseload.body)), d.cfg.Pages) {
			name = html.UnescapeString(name)
			queries := []string{name}
			if f := strings.Fields(name); len(f) > 1 {
				queries = append(queries, f[len(f)-1])
			}
			for _, q := range queries {
				if _, _, err := open(TypeSearch, "GET /search", "/search?q="+url.QueryEscape(q)); err != nil {
					return err
				}
			}
		}
		for _, id := range sample(ids(familyLink, caseload.body), d.cfg.Pages) {
			if _, _, err := open(TypeFamily, "GET /families/{id}", "/families/"+id); err != nil {
				return err
			}
			// Its chronology: each parent's risk history read at once.
			if _, _, err := open(TypeFamily, "GET /families/{id}/chronology", "/families/"+id+"/chronology"); err != nil {
				return err
			}
		}
		for _, id := range sample(ids(personLink, caseload.body), d.cfg.Pages) {
			page, ok, err := open(TypeFamily, "GET /people/{id}", "/people/"+id)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			// The page offers the session form (a link that opens it) only
			// to those who may record one (the parent's own practitioner,
			// a team manager) while the case is open.
			if bytes.Contains(page.body, []byte(`href="/people/`+id+`?form=session#session-form"`)) {
				d.w.add(TypeSession, "POST /people/{id}/sessions", http.StatusSeeOther, d.sessionTarget(s, id))
			}
			for _, p := range []struct{ typ, sub string }{{TypeFamily, "measures"}, {TypeRisk, "dash"}, {TypeRisk, "safety-plan"}} {
				page, ok, err := open(p.typ, "GET /people/{id}/"+p.sub, "/people/"+id+"/"+p.sub)
				if err != nil {
					return err
				}
				// The measures page lists each instrument's latest result,
				// linking to that instrument's results and chart: one of
				// those pages (the middle one listed) is in the load too.
				if ok && p.sub == "measures" {
					if keys := ids(measureLink, page.body); len(keys) > 0 {
						key := keys[len(keys)/2]
						if _, _, err := open(TypeFamily, "GET /people/{id}/measures?measure={key}", "/people/"+id+"/measures?measure="+key); err != nil {
							return err
						}
					}
				}
			}
		}
	}

	concerns, ok, err := open(TypeRisk, "GET /concerns", "/concerns")
	if err != nil {
		return err
	}
	if ok {
		for _, id := range sample(ids(concernLink, concerns.body), d.cfg.Pages) {
			if _, _, err := open(TypeRisk, "GET /concerns/{id}", "/concerns/"+id); err != nil {
				return err
			}
		}
	}

	if _, _, err := open(TypeDashboard, "GET /reports", "/reports"); err != nil {
		return err
	}

	var refs []string
	for _, status := range []string{"new", "screening"} {
		queue, ok, err := open("", "", "/referrals?status="+status)
		if err != nil {
			return err
		}
		if ok {
			if status == "new" {
				if err := d.weigh(ctx, "", "GET /referrals?status=new", "/referrals?status=new", queue); err != nil {
					return err
				}
			}
			refs = append(refs, ids(referralLink, queue.body)...)
		}
	}
	for _, id := range sample(dedupe(refs), d.cfg.Pages) {
		page, ok, err := open("", "", "/referrals/"+id)
		if err != nil {
			return err
		}
		// Only a screener sees the decision form, and only they get the
		// possible-match search.
		if ok && bytes.Contains(page.body, []byte(`action="/referrals/`+id+`/decision"`)) {
			if err := d.weigh(ctx, "", "GET /referrals/{id}", "/referrals/"+id, page); err != nil {
				return err
			}
		}
	}
	return nil
}

// sessionTarget is the "Record a session" form as the person's page sends
// it: an attended office session today, with a note.
func (d *discoverer) sessionTarget(s *session, personID string) vegeta.Target {
	today := d.cfg.Now().UTC()
	form := url.Values{
		"csrf_token":    {s.csrf},
		"held_on-day":   {strconv.Itoa(today.Day())},
		"held_on-month": {strconv.Itoa(int(today.Month()))},
		"held_on-year":  {strconv.Itoa(today.Year())},
		"minutes":       {"60"},
		"mode":          {"office"},
		"attendance":    {"attended"},
		"topic":         {"Routine session (cradle bench)"},
		"notes":         {"Synthetic session recorded by cradle bench run.\n\nTalked through the week and the plan for the next visit."},
		"confidential":  {"no"},
	}
	h := cookieHeader(s)
	h.Set("Content-Type", formType)
	return vegeta.Target{Method: http.MethodPost, URL: d.base + "/people/" + personID + "/sessions", Body: []byte(form.Encode()), Header: h}
}

// publicReferral sends one referral through the public professional form.
// The form allows few submissions per address per hour and the load comes
// from one address, so intake under load uses the partner API; this one
// submission checks the form and the limiter, and says which answered.
func (d *discoverer) publicReferral(ctx context.Context) error {
	public := d.publicForm()
	resp, err := d.client.post(ctx, d.base+"/refer/professional", public, "")
	if err != nil {
		return err
	}
	switch resp.status {
	case http.StatusSeeOther:
		d.note("Referral intake: one professional referral through the public form (/refer/professional) was accepted before the load; the form allows 10 submissions per address per hour and the load comes from one address, so intake under load is the partner API (POST /api/v1/referrals, token made for the run and revoked after).")
	case http.StatusTooManyRequests:
		d.note("Referral intake: the public form (/refer/professional) refused a submission before the load (429: its limit of 10 per address per hour was reached), as it would refuse the load, which comes from one address; intake under load is the partner API (POST /api/v1/referrals, token made for the run and revoked after).")
	default:
		d.note("Referral intake: the public form (/refer/professional) answered %d to a submission before the load; intake under load is the partner API (POST /api/v1/referrals, token made for the run and revoked after).", resp.status)
	}
	return nil
}

// writes adds referral intake, and checks one request of each write kind
// before the load, so a form that the server refuses is named now rather
// than counted as thousands of errors.
func (d *discoverer) writes(ctx context.Context) error {

	for i := range 16 {
		body, err := json.Marshal(d.partnerReferral(i))
		if err != nil {
			return err
		}
		h := http.Header{"Authorization": {"Bearer " + d.token}, "Content-Type": {"application/json"}}
		d.w.add(TypeIntake, "POST /api/v1/referrals", http.StatusCreated, vegeta.Target{Method: http.MethodPost, URL: d.base + "/api/v1/referrals", Body: body, Header: h})
	}

	for _, typ := range []string{TypeSession, TypeIntake} {
		pt := d.w.pageType(typ)
		if len(pt.routes) == 0 {
			continue
		}
		rt := pt.routes[0]
		t := rt.targets[0]
		resp, err := d.client.do(ctx, t.Method, t.URL, t.Body, t.Header)
		if err != nil {
			return err
		}
		if resp.status != rt.expect {
			d.note("%s was checked before the load and answered %d, not %d, so %s took no part: %s", rt.label, resp.status, rt.expect, typ, problemsIn(resp.body))
			d.w.drop(typ)
			d.dropped[typ] = true
		}
	}
	return nil
}

func (d *discoverer) publicForm() url.Values {
	edd := d.cfg.Now().UTC().AddDate(0, 0, 70)
	return url.Values{
		"referrer.name": {"Sam Social"}, "referrer.role": {"social_worker"}, "referrer.organisation": {"Blackpool Council"},
		"referrer.email": {"sam.social@example.org"}, "referrer.phone": {"01253 477000"},
		"parent1.given_name": {"Zoe"}, "parent1.family_name": {"Marsh"}, "parent1.postcode": {"FY1 1AA"}, "parent1.consent": {"yes"},
		"parent1.date_of_birth-day": {"3"}, "parent1.date_of_birth-month": {"4"}, "parent1.date_of_birth-year": {"1998"},
		"parent2.given_name": {"Dean"}, "parent2.family_name": {"Marsh"}, "parent2.consent": {"not_asked"},
		"parent2.consent_reason": {"Asking now would raise the risk"},
		"due_date-day":           {strconv.Itoa(edd.Day())}, "due_date-month": {strconv.Itoa(int(edd.Month()))}, "due_date-year": {strconv.Itoa(edd.Year())},
		"area": {"FY1 1AA"}, "relationship": {"intimate_relationship"}, "abuse_known": {"Synthetic referral sent by cradle bench run."},
		"safeguarding_status": {"child_in_need"}, "both_want_to_co_parent": {"yes"}, "both_want_best_start": {"yes"},
	}
}

// Fictional names for the partner referrals, so the possible-match search
// behind screening has more than one name to look for.
var (
	givenNames  = []string{"Ella", "Tom", "Aisha", "Kieran", "Megan", "Jamal", "Sophie", "Liam"}
	familyNames = []string{"Ng", "Hartley", "Begum", "Doyle", "Price", "Osei", "Kaur", "Walsh"}
	postcodes   = []string{"FY1 1AA", "FY2 0AA", "FY3 7AB", "FY4 2CD"}
)

func (d *discoverer) partnerReferral(i int) referral.Referral {
	edd := d.cfg.Now().UTC().AddDate(0, 0, 60+i)
	fam := familyNames[i%len(familyNames)]
	return referral.Referral{
		Referrer: referral.Referrer{Name: "Mo Midwife", Role: "midwife", Organisation: "Blackpool Teaching Hospitals", Email: "mo.midwife@example.org"},
		Parent1: referral.Parent{GivenName: givenNames[i%len(givenNames)], FamilyName: fam, Consent: "yes", Postcode: postcodes[i%len(postcodes)],
			DateOfBirth: fmt.Sprintf("199%d-0%d-1%d", i%10, 1+i%9, i%10)},
		Parent2:            referral.Parent{GivenName: givenNames[(i+3)%len(givenNames)], FamilyName: fam, Consent: "no"},
		DueDate:            edd.Format(time.DateOnly),
		Area:               postcodes[i%len(postcodes)],
		AbuseKnown:         "Synthetic referral sent by cradle bench run.",
		SafeguardingStatus: "none",
	}
}

// countWork loads a route's sample a second time, if it is the one
// weighed and its work is not yet counted, and records the statements and
// transactions the store ran for it.
func (d *discoverer) countWork(ctx context.Context, label, path, cookie string) error {
	t, ok := d.transfers[label]
	if !ok || t.Sample != path || t.Statements != 0 {
		return nil
	}
	w0 := d.cfg.DB.Work()
	resp, err := d.client.get(ctx, d.base+path, cookie)
	if err != nil {
		return err
	}
	w1 := d.cfg.DB.Work()
	if resp.status != http.StatusOK {
		return fmt.Errorf("loading %s again to count its statements: %d", path, resp.status)
	}
	t.Statements, t.Transactions, t.Alone = w1.Statements-w0.Statements, w1.Transactions-w0.Transactions, w1.Alone-w0.Alone
	return nil
}

// weigh records what the first page of a route weighs with an empty
// cache: the HTML, and the stylesheets, scripts and icons it loads.
func (d *discoverer) weigh(ctx context.Context, typ, label, path string, page response) error {
	if _, done := d.transfers[label]; done {
		return nil
	}
	t := &Transfer{Type: typ, Route: label, Sample: path, HTMLBytes: len(page.body), ContentEncoding: page.header.Get("Content-Encoding")}
	t.HTMLGzipBytes = page.wire
	if t.ContentEncoding == "" {
		t.HTMLGzipBytes = gzipSize(page.body)
	}
	for _, m := range dedupe(matches(assetLink, page.body)) {
		a, ok := d.assets[m]
		if !ok {
			resp, err := d.client.get(ctx, d.base+m, "")
			if err != nil {
				return err
			}
			a = &Asset{Path: m, Bytes: len(resp.body), ContentEncoding: resp.header.Get("Content-Encoding"), CacheControl: resp.header.Get("Cache-Control")}
			a.GzipBytes = resp.wire
			if a.ContentEncoding == "" {
				a.GzipBytes = gzipSize(resp.body)
			}
			d.assets[m] = a
		}
		t.AssetsBytes += a.Bytes
		t.AssetsGzipBytes += a.GzipBytes
	}
	t.FirstLoadGzipBytes = t.HTMLGzipBytes + t.AssetsGzipBytes
	d.transfers[label] = t
	return nil
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	// Into memory: a bytes.Buffer never fails, so neither can these.
	zw.Write(b) // #nosec G104 -- writes to a bytes.Buffer
	zw.Close()  // #nosec G104 -- writes to a bytes.Buffer
	return buf.Len()
}

func matches(re *regexp.Regexp, body []byte) []string {
	var out []string
	for _, m := range re.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func ids(re *regexp.Regexp, body []byte) []string { return dedupe(matches(re, body)) }

// dedupe keeps the first of each value, in order.
func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// sample picks up to n values spread evenly through the list (a caseload
// is sorted by urgency: the first n would all be the most urgent).
func sample(in []string, n int) []string {
	if len(in) <= n {
		return in
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, in[i*len(in)/n])
	}
	return out
}

var summaryItem = regexp.MustCompile(`href="#[\w-]+">([^<]+)</a>`)

// problemsIn is what a refused form or API call said: the error summary's
// messages, or the start of the body.
func problemsIn(body []byte) string {
	if msgs := matches(summaryItem, body); len(msgs) > 0 {
		return html.UnescapeString(strings.Join(msgs, "; "))
	}
	if len(body) > 300 {
		body = body[:300]
	}
	return string(body)
}

package web

import (
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/chart"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// measuresData is a person's outcome measures page: what is due, each
// instrument's latest result and the programme measures; or one
// instrument's results over time (table, small chart, change from baseline).
type measuresData struct {
	store.PersonRecord
	Due         []dueTimepoint
	Instruments []measure.Instrument
	Recorded    *recordedNotice
	Removing    int64 // the result whose removal form is open
	Programme   programmeView
	// Summary is each instrument's latest result (the page without
	// ?measure=); Shown the one instrument whose results it shows.
	Summary []measureSummary
	Shown   *measureGroup
	// RemovedShown are the shown measure's results removed as entered in
	// error, with their timepoints' labels.
	RemovedShown []removedRow
	// Rights are the summarised instruments' copyright lines, each once
	// (PHQ-9 and GAD-7 share theirs).
	Rights []string
}

// programmeView is the programme's own measures beside the questionnaires:
// the parent's engagement (not for the baby: sessions are with the
// parents) and the family's safeguarding status, at each outcome timepoint
// reached so far.
type programmeView struct {
	Engagement     []engagementRow
	ShowEngagement bool
	Statuses       []statusRow
	Current        string // the status today
}

// engagementRow is the sessions attended of those offered up to one
// timepoint's date, counted as the dashboard counts them.
type engagementRow struct {
	Timepoint         string
	Date              time.Time
	Provisional       bool
	Attended, Offered int
	Percent           string // "" when none were offered
	Change            string // percentage points from the baseline row; "" when it cannot be worked out
	Baseline          bool
}

// statusRow is the family's safeguarding status on one timepoint's date.
type statusRow struct {
	Timepoint   string
	Date        time.Time
	Provisional bool
	Status      string
}

type measureGroup struct {
	Instrument measure.Instrument
	Rows       []measureRow
	Chart      template.HTML
}

type measureRow struct {
	store.MeasureResult
	Timepoint string
	Score     string
	Change    string
	Reliable  string
	Domains   []measure.DomainResult
}

// removedRow is a result removed as entered in error, as its measure's
// page lists it.
type removedRow struct {
	store.RemovedMeasure
	Timepoint string
}

type dueTimepoint struct {
	Label       string
	Due         time.Time
	Overdue     bool
	Provisional bool
	Missing     []measure.Instrument
}

type recordedNotice struct {
	Instrument string
	Score      string
	Alerts     []string
	Safeguard  bool
}

// storedAnswers is what the sealed detail of a result holds.
type storedAnswers struct {
	Answers   map[int]int            `json:"answers,omitempty"`
	Domains   map[string]float64     `json:"domains,omitempty"`
	Subscales map[string]float64     `json:"subscales,omitempty"`
	Areas     []measure.DomainResult `json:"areas,omitempty"`
	Alerts    []string               `json:"alerts,omitempty"`
	Interval  int                    `json:"interval,omitempty"`
}

// instrument finds one instrument in use (Config.Instruments) by its key.
func (s *Server) instrument(key string) (measure.Instrument, bool) {
	for _, in := range s.cfg.Instruments {
		if in.Key == key {
			return in, true
		}
	}
	return measure.Instrument{}, false
}

// instrumentsFor lists the instruments for a kind of person.
func (s *Server) instrumentsFor(kind family.Kind) []measure.Instrument {
	subject := measure.SubjectParent
	if kind == family.Baby {
		subject = measure.SubjectBaby
	}
	var out []measure.Instrument
	for _, in := range s.cfg.Instruments {
		if in.Subject == subject {
			out = append(out, in)
		}
	}
	return out
}

// timepointLabel is a timepoint's short name: "6-month" from "6-month outcome measures".
func (s *Server) timepointLabel(key string) string {
	if tp, ok := s.cfg.Timeline.Timepoint(key); ok {
		return strings.TrimSuffix(tp.Label, " outcome measures")
	}
	return key
}

// measuresPage shows a person's outcome measures: what is due, the latest
// result of each instrument with its change from baseline, and the
// programme measures; or, with ?measure=KEY, one instrument's results over
// time (table and chart), each with its "entered in error" link. Every
// instrument's table and chart on one page made a parent's page 36–42 KB
// by the programme's end. A removal form is a link until asked for
// (?remove=ID, which opens that result's instrument).
func (s *Server) measuresPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	removing, _ := strconv.ParseInt(r.URL.Query().Get("remove"), 10, 64) // unreadable: no form open
	s.showMeasures(w, r, u, http.StatusOK, nil, removing)
}

// measureSummary is one instrument's line on the measures page: its latest
// result (with that result's change from baseline) and how many there are.
type measureSummary struct {
	Instrument measure.Instrument
	Latest     measureRow
	Results    int
}

// showMeasures renders the page, with a removal form's problems (and the
// typed reason) when there are any; removing names the result being
// removed, whose instrument's page is shown.
func (s *Server) showMeasures(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, removing int64) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The overview alone shows the programme measures: one measure's page
	// (a removal's included) neither reads nor audits them.
	shown := r.URL.Query().Get("measure")
	rec, pm, err := s.db.ReadPersonMeasures(r.Context(), u.staff.Actor(), id, shown == "" && removing == 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := measuresData{PersonRecord: rec, Instruments: s.instrumentsFor(rec.Person.Kind), Removing: removing}
	if removing != 0 {
		// A result removed a moment ago (the form sent twice) is shown on
		// its instrument's page, listed as removed, with no form.
		if i := slices.IndexFunc(rec.Measures, func(m store.MeasureResult) bool { return m.ID == removing }); i >= 0 {
			shown = rec.Measures[i].Instrument
		} else if i := slices.IndexFunc(rec.Removed, func(m store.RemovedMeasure) bool { return m.ID == removing }); i >= 0 {
			shown = rec.Removed[i].Instrument
		} else {
			s.fail(w, r, problem.New(problem.NotFound, "There is no such result for %s", rec.Person.Name()))
			return
		}
	}
	if shown != "" && !slices.ContainsFunc(d.Instruments, func(in measure.Instrument) bool { return in.Key == shown }) {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such outcome measure for %s", rec.Person.Name()))
		return
	}
	order := map[string]int{}
	for i, tp := range s.cfg.Timeline.Timepoints {
		order[tp.Key] = i
	}
	byInstrument := map[string][]store.MeasureResult{}
	for _, m := range rec.Measures {
		byInstrument[m.Instrument] = append(byInstrument[m.Instrument], m)
	}
	recordedID, _ := strconv.ParseInt(r.URL.Query().Get("recorded"), 10, 64)
	for _, in := range d.Instruments {
		results := byInstrument[in.Key]
		// A measure's page shows that measure alone; the overview every
		// measure with results.
		onItsPage := shown != ""
		if onItsPage && in.Key != shown {
			continue
		}
		if !onItsPage && len(results) == 0 {
			continue
		}
		sort.SliceStable(results, func(i, j int) bool { return order[results[i].Timepoint] < order[results[j].Timepoint] })
		g := s.measureGroupOf(in, rec, results, recordedID, &d, in.Key == shown)
		if in.Key == shown {
			d.Shown = &g
		}
		if shown == "" {
			d.Summary = append(d.Summary, measureSummary{Instrument: in, Latest: g.Rows[len(g.Rows)-1], Results: len(g.Rows)})
			if c := in.Copyright; c != "" && !slices.Contains(d.Rights, c) {
				d.Rights = append(d.Rights, c)
			}
		}
	}
	for _, m := range rec.Removed {
		if m.Instrument == shown {
			d.RemovedShown = append(d.RemovedShown, removedRow{RemovedMeasure: m, Timepoint: s.timepointLabel(m.Timepoint)})
		}
	}
	d.Due = s.dueMeasures(rec)
	title := "Outcome measures: " + rec.Person.Name()
	if d.Shown != nil {
		title = d.Shown.Instrument.ShortName + " results: " + rec.Person.Name()
	} else {
		d.Programme = s.programmeView(rec, pm, order)
	}
	page := Page{Title: title, Nav: "caseload", Data: d, Errors: errs, Form: r.PostForm}
	s.render(w, r, status, "measures", page)
}

// measureGroupOf is one instrument's results, oldest first, each with its
// change from the first (the baseline); with a chart when it is to be
// shown. The notice of a result just recorded goes on the page (d).
func (s *Server) measureGroupOf(in measure.Instrument, rec store.PersonRecord, results []store.MeasureResult, recordedID int64, d *measuresData, withChart bool) measureGroup {
	g := measureGroup{Instrument: in}
	var base *store.MeasureResult
	line := chart.Series{Name: in.ShortName}
	var labels []string
	for i := range results {
		m := results[i]
		row := measureRow{MeasureResult: m, Timepoint: s.timepointLabel(m.Timepoint)}
		if !m.Withheld {
			if in.HasTotal() {
				row.Score = in.ScoreLabel(m.Score)
			} else {
				row.Score = m.Band
			}
			var sa storedAnswers
			if json.Unmarshal([]byte(m.Detail), &sa) == nil {
				row.Domains = sa.Areas
				if m.ID == recordedID {
					d.Recorded = &recordedNotice{Instrument: in.ShortName, Score: row.Score, Alerts: sa.Alerts, Safeguard: m.Alert}
				}
			}
			if in.HasTotal() {
				if base == nil {
					base = &results[i]
				} else {
					c := in.ChangeBetween(base.Score, m.Score)
					row.Change = c.Text()
					switch {
					case in.ReliableChange == 0:
						row.Reliable = "Not defined for this measure"
					case c.Improved:
						row.Reliable = "Reliable improvement"
					case c.Deteriorated:
						row.Reliable = "Reliable deterioration"
					default:
						row.Reliable = "No reliable change"
					}
				}
				labels = append(labels, row.Timepoint)
				line.Values = append(line.Values, chart.V(m.Score))
			}
		}
		g.Rows = append(g.Rows, row)
	}
	if withChart && len(line.Values) > 0 {
		spec := chart.LineSpec{ID: "chart-" + in.Key, Title: in.ShortName + " over time", Desc: "Scores for " + rec.Person.Name() + " at each timepoint.",
			Labels: labels, Series: []chart.Series{line}, Width: 360, Height: 160, ValueLabels: true, Decimals: 0}
		if len(in.Bands) > 0 {
			spec.YFrom, spec.YTo = in.Bands[0].From, scoreMax(in)
			for _, b := range in.Bands {
				if b.Flag {
					spec.Reference = &chart.Reference{Value: b.From, Label: "Cut-off"}
					break
				}
			}
		}
		g.Chart = chart.Line(spec)
	}
	return g
}

// programmeView works out the programme measures at each outcome timepoint
// whose date has been reached (the timepoints the page lists as due, in the
// same order as the results), and the safeguarding status today.
func (s *Server) programmeView(rec store.PersonRecord, pm store.ProgrammeMeasures, order map[string]int) programmeView {
	v := programmeView{ShowEngagement: rec.Person.Kind == family.Parent}
	today := eligibility.DateOf(s.cfg.Now())
	var reached []timeline.Milestone
	for _, m := range timeline.Milestones(s.cfg.Timeline, s.timelineFacts(rec.Family)) {
		if m.Kind == timeline.KindMeasure && !eligibility.DateOf(m.Due).After(today) {
			reached = append(reached, m)
		}
	}
	sort.SliceStable(reached, func(i, j int) bool { return order[reached[i].Timepoint()] < order[reached[j].Timepoint()] })
	// The first row is the baseline; the change is in percentage points of
	// the sessions offered that were attended.
	var basePercent float64
	var baseOffered int
	for i, m := range reached {
		label := s.timepointLabel(m.Timepoint())
		status := "None recorded"
		if st, ok := pm.StatusOn(m.Due); ok {
			status = sharing.Label(sharing.Statuses(), st)
		}
		v.Statuses = append(v.Statuses, statusRow{Timepoint: label, Date: m.Due, Provisional: m.Provisional, Status: status})
		if !v.ShowEngagement {
			continue
		}
		f := pm.EngagementBy(m.Due)
		row := engagementRow{Timepoint: label, Date: m.Due, Provisional: m.Provisional, Attended: f.SessionsAttended, Offered: f.Offered()}
		var percent float64
		if row.Offered > 0 {
			percent = 100 * float64(row.Attended) / float64(row.Offered)
			row.Percent = oneDecimal(percent) + "%"
		}
		switch {
		case i == 0:
			row.Baseline, basePercent, baseOffered = true, percent, row.Offered
		case baseOffered > 0 && row.Offered > 0:
			row.Change = measure.SignedText(math.Round(10*(percent-basePercent)) / 10)
		}
		v.Engagement = append(v.Engagement, row)
	}
	v.Current = "None recorded"
	if st, ok := pm.StatusOn(today); ok {
		v.Current = sharing.Label(sharing.Statuses(), st)
	}
	return v
}

// oneDecimal writes a figure to one decimal place, dropping ".0".
func oneDecimal(x float64) string {
	return strconv.FormatFloat(math.Round(10*x)/10, 'f', -1, 64)
}

// scoreMax is the highest reported score an item instrument can give (for
// a chart's axis); 0 lets the chart choose.
func scoreMax(in measure.Instrument) float64 {
	if len(in.Conversion) > 0 {
		return in.Conversion[len(in.Conversion)-1].Score
	}
	if in.Entry != measure.EntryItems || in.TotalFrom != "" {
		return 0
	}
	total := 0
	for _, it := range in.Items {
		total += it.Max
	}
	return float64(total)
}

// dueMeasures lists the timepoints whose window has opened (or passed) with
// instruments still to record for this person.
func (s *Server) dueMeasures(rec store.PersonRecord) []dueTimepoint {
	// Nothing is due of a closed case, nor of a parent who has left the
	// programme (until they rejoin); their results can still be recorded.
	if rec.Family.Stage == family.Closed || rec.Person.Kind == family.Parent && !rec.Person.Active {
		return nil
	}
	have := map[string]map[string]bool{}
	for _, m := range rec.Measures {
		if have[m.Timepoint] == nil {
			have[m.Timepoint] = map[string]bool{}
		}
		have[m.Timepoint][m.Instrument] = true
	}
	now := s.cfg.Now()
	var out []dueTimepoint
	for _, m := range timeline.Milestones(s.cfg.Timeline, s.timelineFacts(rec.Family)) {
		if m.Kind != timeline.KindMeasure || m.WindowStart.After(now) {
			continue
		}
		tp, ok := s.cfg.Timeline.Timepoint(m.Timepoint())
		if !ok {
			continue
		}
		keys := tp.Parents
		if rec.Person.Kind == family.Baby {
			keys = tp.Baby
		}
		dt := dueTimepoint{Label: m.Label, Due: m.Due, Overdue: timeline.Overdue(m, now), Provisional: m.Provisional}
		for _, k := range keys {
			if in, ok := s.instrument(k); ok && !have[tp.Key][k] {
				dt.Missing = append(dt.Missing, in)
			}
		}
		if len(dt.Missing) > 0 {
			out = append(out, dt)
		}
	}
	return out
}

// measureFormData is the page for recording one instrument.
type measureFormData struct {
	Family     family.Family
	Person     family.Person
	Instrument measure.Instrument
	Timepoints []referral.Option
	AgeHint    string
	Intervals  []referral.Option
}

func (s *Server) measureForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showMeasureForm(w, r, u, http.StatusOK, nil)
}

func (s *Server) showMeasureForm(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	rec, ok := s.personParts(w, r, u, 0, "outcome measure form")
	if !ok {
		return
	}
	in, ok := s.instrumentFor(w, r, rec.Person)
	if !ok {
		return
	}
	if !s.mayRecordMeasure(w, r, rec) {
		return
	}
	s.renderMeasureForm(w, r, rec, in, status, errs)
}

// mayRecordMeasure answers for a reader who may see the person but not
// record their measures (the store refuses the save as well).
func (s *Server) mayRecordMeasure(w http.ResponseWriter, r *http.Request, rec store.PersonRecord) bool {
	if rec.CanRecordMeasures {
		return true
	}
	msg := "Only the parent's own practitioner or their team manager can record this parent's outcome measures"
	if rec.Person.Kind != family.Parent {
		msg = "Only the family's practitioners or their team manager can record the baby's outcome measures"
	}
	if rec.Family.Stage == family.Closed {
		msg = "The case is closed: re-open it before recording a measure"
	}
	s.fail(w, r, problem.New(problem.Forbidden, "%s", msg))
	return false
}

// renderMeasureForm shows the form for rec's person, as read for it: a
// save that fails shows its problems without reading the person again.
func (s *Server) renderMeasureForm(w http.ResponseWriter, r *http.Request, rec store.PersonRecord, in measure.Instrument, status int, errs problem.Fields) {
	d := measureFormData{Family: rec.Family, Person: rec.Person, Instrument: in}
	for _, m := range timeline.Milestones(s.cfg.Timeline, s.timelineFacts(rec.Family)) {
		if m.Kind != timeline.KindMeasure {
			continue
		}
		key := m.Timepoint()
		label := s.timepointLabel(key) + " (due " + m.Due.Format("2 January 2006") + ")"
		d.Timepoints = append(d.Timepoints, referral.Option{Value: key, Label: label})
	}
	if rec.Person.Kind == family.Baby && !rec.Person.DateOfBirth.IsZero() {
		d.AgeHint = "Born " + rec.Person.DateOfBirth.Format("2 January 2006") + ": the age at the date taken chooses the questionnaire interval unless you name it."
		for _, b := range in.AgeBands {
			d.Intervals = append(d.Intervals, referral.Option{Value: strconv.Itoa(b.Months), Label: strconv.Itoa(b.Months) + " month questionnaire"})
		}
	}
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	page := Page{Title: "Record " + in.ShortName + ": " + rec.Person.Name(), Nav: "caseload", Errors: errs, Form: form, Data: d}
	s.render(w, r, status, "measure-new", page)
}

// instrumentFor reads the instrument named in the path and checks it is for
// this person.
func (s *Server) instrumentFor(w http.ResponseWriter, r *http.Request, p family.Person) (measure.Instrument, bool) {
	in, ok := s.instrument(r.PathValue("instrument"))
	if !ok {
		s.fail(w, r, problem.New(problem.NotFound, "There is no outcome measure called %s", r.PathValue("instrument")))
		return in, false
	}
	want := measure.SubjectParent
	if p.Kind == family.Baby {
		want = measure.SubjectBaby
	}
	if in.Subject != want || p.Kind == family.Child {
		s.fail(w, r, problem.New(problem.NotFound, "%s is not recorded for this person", in.ShortName))
		return in, false
	}
	return in, true
}

func (s *Server) measureSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, 0, "outcome measure form")
	if !ok {
		return
	}
	in, ok := s.instrumentFor(w, r, rec.Person)
	if !ok || !s.mayRecordMeasure(w, r, rec) {
		return
	}
	f := r.PostForm
	var fs problem.Fields
	takenOn := formDate(f, "taken_on", &fs)
	if takenOn.IsZero() && !fs.Has("taken_on") {
		fs.Add("taken_on", "Enter the date the measure was taken")
	}
	tpKey := f.Get("timepoint")
	if tpKey == "" {
		fs.Add("timepoint", "Choose the timepoint this measure is for")
	}
	now := s.cfg.Now()
	if !takenOn.IsZero() {
		switch {
		case takenOn.After(now):
			fs.Add("taken_on", "The date taken must be today or in the past")
		case !rec.Family.AcceptedOn.IsZero() && takenOn.Before(rec.Family.AcceptedOn.Truncate(24*time.Hour)):
			fs.Add("taken_on", "The date taken must be on or after the family was accepted ("+rec.Family.AcceptedOn.Format("2 January 2006")+")")
		}
	}
	if tpKey != "" && !fs.Has("taken_on") && !takenOn.IsZero() {
		if msg := s.timepointProblem(rec.Family, tpKey, takenOn); msg != "" {
			fs.Add("timepoint", msg)
		}
	}
	res, sa, scoreErr := scoreForm(in, f, rec.Person, takenOn)
	fields := mergeFields(fs, scoreErr)
	for i := range fields {
		if fields[i].Name == measure.AgeField { // there is no age box: the interval is the way round it
			fields[i] = problem.Field{Name: measure.IntervalField, Message: fields[i].Message + ". Choose the questionnaire interval used"}
		}
	}
	if len(fields) > 0 {
		s.renderMeasureForm(w, r, rec, in, http.StatusUnprocessableEntity, inPageOrder(fields, measureFieldOrder(in)...))
		return
	}
	if scoreErr != nil {
		s.fail(w, r, scoreErr)
		return
	}
	detail, err := json.Marshal(sa)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := store.MeasureResult{PersonID: rec.Person.ID, Instrument: in.Key, Timepoint: tpKey, TakenOn: takenOn, Raw: res.Raw, Score: res.Score, NoScore: !in.HasTotal(),
		Band: res.Band, Flagged: res.Flagged, Alert: res.Safeguarding, AgeMonths: res.AgeMonths, Detail: string(detail)}
	kind := family.Parent
	if rec.Person.Kind == family.Baby {
		kind = family.Baby
	}
	id, err := s.db.SaveMeasure(r.Context(), u.staff.Actor(), m, kind)
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		fields := mergeFields(nil, err)
		if len(fields) == 0 {
			fields = []problem.Field{{Name: "timepoint", Message: p.Message}}
		}
		s.renderMeasureForm(w, r, rec, in, http.StatusUnprocessableEntity, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(rec.Person.ID, 10)+"/measures?measure="+in.Key+"&recorded="+strconv.FormatInt(id, 10)+"#recorded", http.StatusSeeOther)
}

// timepointProblem says why a measure cannot count for a timepoint on that
// date: the timepoint does not apply to the family, or is not due yet.
func (s *Server) timepointProblem(f family.Family, key string, takenOn time.Time) string {
	for _, m := range timeline.Milestones(s.cfg.Timeline, s.timelineFacts(f)) {
		if m.Kind != timeline.KindMeasure || m.Timepoint() != key {
			continue
		}
		if takenOn.Before(m.WindowStart) {
			return "The " + strings.ToLower(m.Label[:1]) + m.Label[1:] + " are not due until " + m.WindowStart.Format("2 January 2006") + ": choose a timepoint that is due, or check the date taken"
		}
		return ""
	}
	return "Choose a timepoint from the list"
}

// measureFieldOrder is the order of the form's fields, for the error summary.
func measureFieldOrder(in measure.Instrument) []string {
	order := []string{"timepoint", "taken_on"}
	for _, it := range in.Items {
		order = append(order, measure.ItemField(it.Number))
	}
	if in.Total != nil {
		order = append(order, measure.TotalField)
	}
	for _, d := range in.Domains {
		order = append(order, measure.DomainField(d.Key))
	}
	return append(order, measure.IntervalField, measure.AgeField)
}

// scoredResult is a scored form with what the store needs beyond the
// measure package's result.
type scoredResult struct {
	measure.Result
	AgeMonths int
}

// scoreForm reads the answers (or entered scores) from the form and scores
// them. Problems come back keyed by the form's field names.
func scoreForm(in measure.Instrument, f url.Values, p family.Person, takenOn time.Time) (scoredResult, storedAnswers, error) {
	var out scoredResult
	var sa storedAnswers
	var fs problem.Fields
	if in.Entry == measure.EntryItems {
		answers := map[int]int{}
		for _, it := range in.Items {
			name := measure.ItemField(it.Number)
			v := strings.TrimSpace(f.Get(name))
			if v == "" {
				continue // the measure package names every unanswered question
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				fs.Add(name, "Enter the score for question "+strconv.Itoa(it.Number)+" as a whole number")
				continue
			}
			answers[it.Number] = n
		}
		res, err := in.Score(answers)
		if err != nil || len(fs) > 0 {
			return out, sa, joinProblems(fs, err)
		}
		out.Result, sa.Answers, sa.Subscales = res, answers, res.Subscales
	} else {
		var total *float64
		domains := map[string]float64{}
		number := func(name, label string) (float64, bool) {
			v := strings.TrimSpace(f.Get(name))
			if v == "" {
				return 0, false
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fs.Add(name, "Enter the "+label+" score as a number, like 45")
				return 0, false
			}
			return x, true
		}
		if in.Total != nil {
			if x, ok := number(measure.TotalField, strings.ToLower(in.Total.Label)); ok {
				total = &x
			}
		}
		for _, d := range in.Domains {
			if x, ok := number(measure.DomainField(d.Key), d.Label); ok {
				domains[d.Key] = x
			}
		}
		var res measure.Result
		var err error
		interval := strings.TrimSpace(f.Get(measure.IntervalField))
		switch {
		case len(in.AgeBands) == 0:
			res, err = in.ScoreEntered(total, domains, 0)
		case interval != "":
			n, convErr := strconv.Atoi(interval)
			if convErr != nil {
				fs.Add(measure.IntervalField, "Choose the questionnaire interval from the list")
				break
			}
			res, err = in.ScoreEnteredAt(total, domains, n)
		case p.DateOfBirth.IsZero():
			fs.Add(measure.IntervalField, "The baby's date of birth is not recorded: choose the questionnaire interval used")
		case takenOn.IsZero():
			// the date's own problem is reported; nothing to score against
		default:
			out.AgeMonths = timeline.WholeMonths(p.DateOfBirth, takenOn)
			res, err = in.ScoreEntered(total, domains, out.AgeMonths)
		}
		if err != nil || len(fs) > 0 {
			return out, sa, joinProblems(fs, err)
		}
		out.Result, sa.Domains, sa.Areas, sa.Interval = res, domains, res.Domains, res.AgeBand
		if out.AgeMonths == 0 && !p.DateOfBirth.IsZero() && !takenOn.IsZero() {
			out.AgeMonths = timeline.WholeMonths(p.DateOfBirth, takenOn)
		}
	}
	for _, a := range out.Alerts {
		sa.Alerts = append(sa.Alerts, a.Message)
	}
	return out, sa, nil
}

// joinProblems merges the form's own problems with the scorer's.
func joinProblems(fs problem.Fields, err error) error {
	fields := mergeFields(fs, err)
	if len(fields) == 0 {
		return err
	}
	return &problem.Error{Code: problem.Invalid, Message: "There is a problem", Fields: fields}
}

// measureRemove marks a result as entered in error (with a reason), so the
// right one can be recorded. Errors reshow the measures page with the
// reason kept.
func (s *Server) measureRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rid, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil || rid <= 0 {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such result"))
		return
	}
	// Back to the result's instrument, named by the form (checked, as it
	// goes into the address).
	back := "/measures"
	if in, ok := s.instrument(r.PostFormValue("measure")); ok {
		back += "?measure=" + in.Key
	}
	may := func(id int64) error {
		return s.db.MayChangePerson(r.Context(), u.staff.Actor(), id, policy.RecordMeasure)
	}
	// Removed already, the result has no form to show the reason back in.
	reason := "reason-" + strconv.FormatInt(rid, 10)
	r = keepUnsaved(r, unsavedText{Field: reason, Label: "Why the result was entered in error", Text: r.PostFormValue(reason)})
	s.postAndRedirect(w, r, "reason", "/people/", back, may, func(id int64, f url.Values, fs *problem.Fields) error {
		return s.db.RemoveMeasure(r.Context(), u.staff.Actor(), id, rid, f.Get("reason-"+strconv.FormatInt(rid, 10)))
	}, func(status int, fields []problem.Field) {
		for i := range fields {
			fields[i].Name = "reason-" + strconv.FormatInt(rid, 10)
		}
		s.showMeasures(w, r, u, status, fields, rid)
	})
}

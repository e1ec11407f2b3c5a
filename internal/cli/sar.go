package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

// sarWithheld says what a subject access export leaves out, and why; it is
// printed in the document so nothing looks forgotten.
var sarWithheld = []string{
	"Everything about your baby's other parent: their details, sessions, risk assessments, safety plan and questionnaires.",
	"What other people told us, and their details: who reported an incident and what they said, the notes beside risk-assessment answers, safeguarding concerns and decisions, and the records of meetings with other agencies. A designated safeguarding lead reviews these separately and will tell you what can be shared.",
	"Your referral as the professional who referred you wrote it.",
	"Managers' supervision notes about our work with you, which are reviewed before release.",
}

// sar writes a parent's own record as JSON and PDF for a subject access
// request, for a designated safeguarding lead to review before release.
func (a *App) sar(ctx context.Context, args []string) error {
	fl := a.newFlags("sar --person ID --as EMAIL --out DIR", "Prepare a parent's own record for a subject access request, as JSON and PDF, for a designated safeguarding lead to review before it is released.\n"+
		"It holds only that parent's information: nothing about the other parent, and no third party's confidential material (each left-out kind is listed in the document). Audited.")
	d := a.addDBFlags(fl)
	person := fl.Int64("person", 0, "the parent's person `id` (from their page's address, /people/ID)")
	as := fl.String("as", "", "`email` of the designated safeguarding lead preparing it (required)")
	out := fl.String("out", ".", "`folder` to write the two files to")
	if err := a.parse(fl, args); err != nil {
		return err
	}
	switch {
	case *person <= 0:
		return &usageError{msg: "sar: say whose record: --person ID (the number in the parent's page address, /people/ID)"}
	case *as == "":
		return &usageError{msg: "sar: --as is required: the email of the designated safeguarding lead preparing it"}
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, staff, err := a.actingAs(ctx, db, "sar", *as, policy.ExportSubjectAccess)
	if err != nil {
		return err
	}
	actor := staff.Actor()
	now := a.now()
	rec, err := db.ReadPersonParts(ctx, actor, *person, store.PersonPage|store.PersonClosings, "")
	if err != nil {
		return fmt.Errorf("sar: %w", err)
	}
	if rec.Person.Kind != family.Parent {
		return fmt.Errorf("sar: person %d is not a parent: a child's record is requested through the parent with parental responsibility, and needs a separate review", *person)
	}
	v := subjectView(rec, now)
	base := filepath.Join(*out, "subject-access-"+rec.Family.Reference+"-"+strconv.FormatInt(*person, 10))
	for _, ext := range []string{".json", ".pdf"} {
		if _, err := os.Stat(base + ext); err == nil {
			return fmt.Errorf("%s already exists: nothing was written", base+ext)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	pdf, err := docs.PDF(docs.SubjectAccess(v))
	if err != nil {
		return fmt.Errorf("sar: making the PDF: %w", err)
	}
	if err := db.RecordEvent(ctx, "person.subject_access", "person", *person, rec.Family.ID, "prepared for review"); err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(js, '\n'), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(base+".pdf", pdf, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Wrote %s.json and %s.pdf: %d sessions, %d risk assessments, %d questionnaires.\n", base, base, len(v.Sessions), len(v.Risk), len(v.Measures))
	fmt.Fprintln(a.Stdout, "Review both before release. They hold this parent's own information only; what was left out is listed at the end.")
	return nil
}

// subjectView keeps only the parent's own information from what a DSL may
// see of their record: each list is filtered to rows that are this
// person's, so nothing of the other parent's can come through even if the
// record grew to carry it.
func subjectView(rec store.PersonRecord, now time.Time) docs.SubjectView {
	p := rec.Person
	v := docs.SubjectView{
		Generated: now, Name: p.Name(), KnownAs: p.KnownAs, Reference: rec.Family.Reference, Area: rec.Family.AreaName,
		Stage: rec.Family.Stage.Label(), Withheld: sarWithheld,
		Sessions: []docs.SessionView{}, Risk: []docs.RiskView{}, Incidents: []docs.IncidentView{}, Changes: []docs.ChangeView{}, SafetyPlan: []docs.Section{},
		Measures: []docs.MeasureView{}, Closings: []docs.ClosingView{},
	}
	if !p.DateOfBirth.IsZero() {
		v.DateOfBirth = p.DateOfBirth.Format("2 January 2006")
	}
	if c := p.Confidential; c != nil {
		v.Contact = &docs.Contact{Address: c.Address, Postcode: c.Postcode, Phone: c.Phone, Email: c.Email}
		v.SafeContact = c.SafeContact
	}
	if b, ok := rec.Family.Baby(); ok {
		bv := &docs.BabyView{Name: strings.TrimSpace(b.GivenName + " " + b.FamilyName)}
		if !b.DateOfBirth.IsZero() {
			bv.Born = b.DateOfBirth.Format("2 January 2006")
		} else if !rec.Family.EDD.IsZero() {
			bv.Due = rec.Family.EDD.Format("2 January 2006")
		}
		v.Baby = bv
	} else if !rec.Family.EDD.IsZero() {
		v.Baby = &docs.BabyView{Due: rec.Family.EDD.Format("2 January 2006")}
	}
	for _, s := range rec.Sessions {
		if s.PersonID != p.ID || s.Kind == "supervision" || s.Withheld {
			continue
		}
		v.Sessions = append(v.Sessions, docs.SessionView{Date: s.HeldOn.Format("2 January 2006"), With: s.StaffName,
			Mode: casework.Label(casework.Modes(), s.Mode), Attendance: casework.Label(casework.Attendances(), s.Attendance),
			Topic: s.Topic, Notes: s.Notes, Reason: s.Reason})
	}
	for _, r := range rec.Risk {
		if r.PersonID != p.ID || r.Status != "complete" {
			continue
		}
		rv := docs.RiskView{Date: r.AssessedOn.Format("2 January 2006"), Level: r.Level.Label(), Yes: r.Result.Yes}
		if r.Assessment != nil {
			rv.ParentView, rv.Judgement = r.Assessment.ParentView, r.Assessment.JudgementReason
		}
		v.Risk = append(v.Risk, rv)
	}
	for _, in := range rec.Incidents {
		if in.PersonID != p.ID {
			continue
		}
		v.Incidents = append(v.Incidents, docs.IncidentView{Date: in.OccurredOn.Format("2 January 2006"), PoliceInvolved: in.PoliceInvolved,
			Injuries: in.Injuries, ChildrenPresent: in.ChildrenPresent})
	}
	for _, c := range rec.Changes {
		if c.PersonID != p.ID {
			continue
		}
		v.Changes = append(v.Changes, docs.ChangeView{Date: c.ChangedOn.Format("2 January 2006"), Kind: risk.ChangeLabel(c.Kind), Note: c.Note})
	}
	if sp := rec.SafetyPlan; sp != nil && sp.PersonID == p.ID && sp.Sections != nil {
		text := map[string]string{"safe_contacts": sp.Sections.SafeContacts, "safe_places": sp.Sections.SafePlaces, "code_words": sp.Sections.CodeWords,
			"escape_plan": sp.Sections.EscapePlan, "baby_plan": sp.Sections.BabyPlan, "technology_safety": sp.Sections.TechnologySafety}
		for _, kv := range store.SafetyPlanSectionNames() {
			if t := strings.TrimSpace(text[kv[0]]); t != "" {
				v.SafetyPlan = append(v.SafetyPlan, docs.Section{Heading: kv[1], Lines: strings.Split(t, "\n")})
			}
		}
	}
	for _, m := range rec.Measures {
		if m.PersonID != p.ID {
			continue
		}
		score := strconv.FormatFloat(m.Score, 'f', -1, 64)
		if m.NoScore {
			score = "areas scored separately"
		}
		v.Measures = append(v.Measures, docs.MeasureView{Measure: strings.ToUpper(m.Instrument), Timepoint: m.Timepoint,
			Date: m.TakenOn.Format("2 January 2006"), Score: score, Band: m.Band})
	}
	for _, c := range rec.Closings { // read for this parent only
		v.Closings = append(v.Closings, docs.ClosingView{Date: c.ClosedOn.Format("2 January 2006"),
			Reason: casework.Label(casework.ClosureReasons(), c.Reason), Summary: c.Summary})
	}
	return v
}

// actingAs finds the member of staff a command acts for (--as), checks with
// the policy that they may do act, and returns a context whose audit entries
// name them.
func (a *App) actingAs(ctx context.Context, db *store.DB, cmd, email string, act policy.Action) (context.Context, org.Staff, error) {
	staff, err := db.StaffByEmail(ctx, email)
	if err != nil {
		return ctx, staff, fmt.Errorf("%s: no account %s: %w", cmd, email, err)
	}
	if dec := policy.Decide(staff.Actor(), act, policy.Target{}, a.now()); !dec.Allowed {
		return ctx, staff, fmt.Errorf("%s: %s cannot do this: %s", cmd, email, dec.Reason)
	}
	return audit.WithSource(ctx, audit.Source{ActorID: staff.ID, Actor: staff.Email, RequestID: "cli"}), staff, nil
}

// now is the command's clock.
func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

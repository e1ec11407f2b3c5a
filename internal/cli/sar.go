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
	"github.com/cradle-org/cradle/internal/referral"
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
	fl := a.newFlags("sar (--person ID | --referral ID --parent 1|2) --as EMAIL --out DIR", "Prepare a parent's own record for a subject access request, as JSON and PDF, for a designated safeguarding lead to review before it is released.\n"+
		"It holds only that parent's information: nothing about the other parent, and no third party's confidential material (each left-out kind is listed in the document). Audited.\n"+
		"A parent whose referral was never accepted has no record but the referral: --referral with --parent (1 for the parent named first, who made a self-referral; 2 for the other).")
	d := a.addDBFlags(fl)
	person := fl.Int64("person", 0, "the parent's person `id` (from their page's address, /people/ID)")
	ref := fl.Int64("referral", 0, "a referral never accepted: its `id` (from its page's address, /referrals/ID)")
	parent := fl.Int("parent", 0, "with --referral: which parent it names, `1` or 2")
	as := fl.String("as", "", "`email` of the designated safeguarding lead preparing it (required)")
	out := fl.String("out", ".", "`folder` to write the two files to")
	if err := a.parse(fl, args); err != nil {
		return err
	}
	switch {
	case *person > 0 && *ref > 0:
		return &usageError{msg: "sar: say one record: --person ID or --referral ID, not both"}
	case *ref > 0 && *parent != 1 && *parent != 2:
		return &usageError{msg: "sar: with --referral, say which parent: --parent 1 (named first; a self-referral's) or --parent 2"}
	case *ref <= 0 && *parent != 0:
		return &usageError{msg: "sar: --parent goes with --referral"}
	case *person <= 0 && *ref <= 0:
		return &usageError{msg: "sar: say whose record: --person ID (the number in the parent's page address, /people/ID), or --referral ID --parent 1|2 for a referral never accepted"}
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
	if *ref > 0 {
		return a.sarReferral(ctx, db, actor, *ref, *parent, *out)
	}
	rec, err := db.ReadPersonParts(ctx, actor, *person, store.PersonPage|store.PersonClosings, "")
	if err != nil {
		return fmt.Errorf("sar: %w", err)
	}
	if rec.Person.Kind != family.Parent {
		return fmt.Errorf("sar: person %d is not a parent: a child's record is requested through the parent with parental responsibility, and needs a separate review", *person)
	}
	v := subjectView(rec, now)
	base := filepath.Join(*out, "subject-access-"+rec.Family.Reference+"-"+strconv.FormatInt(*person, 10))
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	pdf, err := docs.PDF(docs.SubjectAccess(v))
	if err != nil {
		return fmt.Errorf("sar: making the PDF: %w", err)
	}
	if err := exists(base); err != nil {
		return err
	}
	if err := db.RecordEvent(ctx, "person.subject_access", "person", *person, rec.Family.ID, "prepared for review"); err != nil {
		return err
	}
	if err := writeNew(base, js, pdf); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Wrote %s.json and %s.pdf: %d sessions, %d risk assessments, %d questionnaires.\n", base, base, len(v.Sessions), len(v.Risk), len(v.Measures))
	fmt.Fprintln(a.Stdout, "Review both before release. They hold this parent's own information only; what was left out is listed at the end.")
	return nil
}

// sarReferral writes what a referral never accepted holds about one of the
// parents it names: their details as given, what became of it and, for a
// parent who referred themselves, their own answers. A referral that was
// accepted is the family's, and its parents' records are asked for by
// person.
func (a *App) sarReferral(ctx context.Context, db *store.DB, actor policy.Actor, id int64, parent int, out string) error {
	rec, err := db.ReferralForSubjectAccess(ctx, actor, id, parent)
	if err != nil {
		return fmt.Errorf("sar: %w", err)
	}
	if rec.FamilyID != 0 {
		return fmt.Errorf("sar: referral %s was accepted: its parents have records in the family's, so prepare each with --person ID (from their page's address)", rec.Reference)
	}
	if rec.Content == nil {
		return fmt.Errorf("sar: referral %s holds no details", rec.Reference)
	}
	v, ok := referralSubjectView(rec, parent, a.now())
	if !ok {
		return fmt.Errorf("sar: referral %s names no %s parent: there is nothing to prepare for --parent %d", rec.Reference, map[int]string{1: "first", 2: "second"}[parent], parent)
	}
	base := filepath.Join(out, "subject-access-"+rec.Reference+"-parent-"+strconv.Itoa(parent))
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	pdf, err := docs.PDF(docs.ReferralSubjectAccess(v))
	if err != nil {
		return fmt.Errorf("sar: making the PDF: %w", err)
	}
	if err := writeNew(base, js, pdf); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Wrote %s.json and %s.pdf: referral %s, %s.\n", base, base, rec.Reference, strings.ToLower(v.Status))
	fmt.Fprintln(a.Stdout, "Review both before release. They hold this parent's own information only; what was left out is listed at the end.")
	if v.Reasons != "" {
		fmt.Fprintln(a.Stdout, "The decision's reasons were written about the referral as a whole: check them for the other parent's information before release.")
	}
	return nil
}

// referralSubjectView keeps what a referral holds about parent 1 or 2 and
// nothing about the other; false when it names no such parent.
func referralSubjectView(rec store.ReferralRecord, parent int, now time.Time) (docs.ReferralSubjectView, bool) {
	c := rec.Content
	p := c.Parent1
	if parent == 2 {
		p = c.Parent2
	}
	if strings.TrimSpace(p.GivenName+p.FamilyName) == "" {
		return docs.ReferralSubjectView{}, false
	}
	self := rec.Source == referral.Self && parent == 1
	v := docs.ReferralSubjectView{Generated: now, Name: p.Name(), NHSNumber: p.NHSNumber, Reference: rec.Reference,
		Received: rec.ReceivedAt.Format("2 January 2006"), Area: rec.AreaName, Status: rec.Status.Label(),
		Withheld: []string{"Everything about the other parent named in the referral."}}
	if t, err := time.Parse("2006-01-02", p.DateOfBirth); err == nil {
		v.DateOfBirth = t.Format("2 January 2006")
	}
	if t, err := time.Parse("2006-01-02", c.DueDate); err == nil {
		v.DueDate = t.Format("2 January 2006")
	}
	if p.Phone != "" || p.Email != "" || p.Address != "" || p.Postcode != "" {
		v.Contact = &docs.Contact{Address: p.Address, Postcode: p.Postcode, Phone: p.Phone, Email: p.Email}
	}
	switch {
	case self:
		v.HowReferred = "You referred yourself"
	case rec.Source == referral.Self:
		v.HowReferred = "The baby's other parent referred themselves and named you"
	default:
		v.HowReferred = "A professional referred you"
		v.Withheld = append(v.Withheld, "The referral as the professional who referred you wrote it, beyond your own details. A designated safeguarding lead reviews it separately and will tell you what can be shared.")
	}
	if rec.Channel != "" {
		v.HowReferred += ", " + strings.ToLower(referral.Label(referral.Channels(), rec.Channel))
	}
	if parent == 1 && c.SafeContact != nil && c.SafeContact.SafeToContact == "yes" {
		v.SafeContact = joinSome(", ", c.SafeContact.Number, c.SafeContact.Times)
		if c.SafeContact.LeaveMessage == "no" {
			v.SafeContact = joinSome(", ", v.SafeContact, "no messages")
		}
	}
	switch rec.Status {
	case referral.NotAccepted:
		v.Decision, v.Reasons, v.Signposting = "Not accepted", rec.DecisionReason, rec.SignpostedTo
		if rec.Decision != "" {
			v.Decision += ": " + strings.ToLower(referral.Label(referral.DeclineReasons(), rec.Decision))
		}
	case referral.Withdrawn:
		v.Decision, v.Reasons = "Withdrawn", rec.DecisionReason
	}
	if self {
		for _, qa := range []docs.Answer{
			{Question: "How are you connected?", Answer: referral.Label(referral.Relationships(), c.Relationship)},
			{Question: "Do you both want to bring up the baby together?", Answer: referral.Label(referral.Answers(), c.BothWantToCoParent)},
			{Question: "Anything else", Answer: c.AnythingElse},
		} {
			if strings.TrimSpace(qa.Answer) != "" {
				v.YourAnswers = append(v.YourAnswers, qa)
			}
		}
	}
	v.Withheld = append(v.Withheld, "Safeguarding concerns raised about the referral, which hold what other people told us. A designated safeguarding lead reviews these separately.")
	return v, true
}

// joinSome joins the parts that are not empty.
func joinSome(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// exists refuses when base.json or base.pdf is already there: an earlier
// export is never overwritten.
func exists(base string) error {
	for _, ext := range []string{".json", ".pdf"} {
		if _, err := os.Stat(base + ext); err == nil {
			return fmt.Errorf("%s already exists: nothing was written", base+ext)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// writeNew writes base.json and base.pdf, neither of which may exist yet.
func writeNew(base string, js, pdf []byte) error {
	if err := exists(base); err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(js, '\n'), 0o600); err != nil {
		return err
	}
	return os.WriteFile(base+".pdf", pdf, 0o600)
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

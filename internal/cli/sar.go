package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/subjectaccess"
)

// sar writes a parent's own record as JSON and PDF for a subject access
// request, for a designated safeguarding lead to review before release.
func (a *App) sar(ctx context.Context, args []string) error {
	fl := a.newFlags("sar (--person ID [--dash-questions FILE] | --referral ID --parent 1|2) --as EMAIL --out DIR", "Prepare a parent's own record for a subject access request, as JSON and PDF, for a designated safeguarding lead to review before it is released.\n"+
		"It holds only that parent's information: nothing about the other parent, and no third party's confidential material (each left-out kind is listed in the document). Audited.\n"+
		"The parent's answers to their risk assessments (DASH) are given beside the questions in the wording serve uses: give sar the same --dash-questions file (or CRADLE_DASH_QUESTIONS_FILE) as serve.\n"+
		"A parent whose referral was never accepted has no record but the referral: --referral with --parent (1 for the parent named first, who made a self-referral; 2 for the other).")
	d := a.addDBFlags(fl)
	person := fl.Int64("person", 0, "the parent's person `id` (from their page's address, /people/ID)")
	ref := fl.Int64("referral", 0, "a referral never accepted: its `id` (from its page's address, /referrals/ID)")
	parent := fl.Int("parent", 0, "with --referral: which parent it names, `1` or 2")
	as := fl.String("as", "", "`email` of the designated safeguarding lead preparing it (required)")
	out := fl.String("out", ".", "`folder` to write the two files to")
	questionsFile := fl.String("dash-questions", a.Getenv("CRADLE_DASH_QUESTIONS_FILE"), "with --person: JSON `file` of DASH question wording, the same as serve's, for an organisation's licensed text (env CRADLE_DASH_QUESTIONS_FILE; default: the project's own neutral wording)")
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
	// Read before the database, so a wording file that will not load stops
	// the command before anything is audited. A referral has no DASH.
	var qs risk.QuestionSet
	if *person > 0 {
		var err error
		if qs, err = loadConfigFile(*questionsFile, "DASH questions", risk.DefaultQuestions, risk.ParseQuestions); err != nil {
			return fmt.Errorf("sar: %w", err)
		}
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
	rec, err := db.ReadPersonParts(ctx, actor, *person, store.PersonSubjectAccess, "")
	if err != nil {
		return fmt.Errorf("sar: %w", err)
	}
	if rec.Person.Kind != family.Parent {
		return fmt.Errorf("sar: person %d is not a parent: a child's record is requested through the parent with parental responsibility, and needs a separate review", *person)
	}
	v := subjectaccess.PersonView(rec, qs, now)
	base := filepath.Join(*out, "subject-access-"+rec.Family.Reference+"-"+strconv.FormatInt(*person, 10))
	js, pdf, err := exportFiles(v, docs.SubjectAccess(v))
	if err != nil {
		return err
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
	v, ok := subjectaccess.ReferralView(rec, parent, a.now())
	if !ok {
		return fmt.Errorf("sar: referral %s names no %s parent: there is nothing to prepare for --parent %d", rec.Reference, map[int]string{1: "first", 2: "second"}[parent], parent)
	}
	base := filepath.Join(out, "subject-access-"+rec.Reference+"-parent-"+strconv.Itoa(parent))
	js, pdf, err := exportFiles(v, docs.ReferralSubjectAccess(v))
	if err != nil {
		return err
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

// exportFiles renders view v as JSON and, laid out as doc, as a PDF.
func exportFiles(v any, doc docs.Document) (js, pdf []byte, err error) {
	j, err := subjectaccess.Render("json", v, doc)
	if err != nil {
		return nil, nil, fmt.Errorf("sar: %w", err)
	}
	p, err := subjectaccess.Render("pdf", v, doc)
	if err != nil {
		return nil, nil, fmt.Errorf("sar: %w", err)
	}
	return j.Body, p.Body, nil
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
	if err := os.WriteFile(base+".json", js, 0o600); err != nil {
		return err
	}
	return os.WriteFile(base+".pdf", pdf, 0o600)
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

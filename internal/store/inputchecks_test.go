package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// refusedOn checks that err is an Invalid problem naming exactly the
// fields given, in that order, each message containing the words given.
func refusedOn(t *testing.T, what string, err error, fieldsAndWords ...string) {
	t.Helper()
	p := problem.As(err)
	if p == nil || p.Code != problem.Invalid || len(p.Fields) != len(fieldsAndWords)/2 {
		t.Errorf("%s: %v, want fields %v refused", what, err, fieldsAndWords)
		return
	}
	for i := 0; i < len(fieldsAndWords); i += 2 {
		f := p.Fields[i/2]
		if f.Name != fieldsAndWords[i] || !strings.Contains(f.Message, fieldsAndWords[i+1]) {
			t.Errorf("%s: field %d is %s %q, want %s saying %q", what, i/2, f.Name, f.Message, fieldsAndWords[i], fieldsAndWords[i+1])
		}
	}
}

// An assessment of risk to the children holds the free-text rules every
// form shares: markup and text longer than the limit are refused on the
// field (concerns, plan), and nothing is saved.
func TestChildRiskTextChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		ok := risk.ChildRisk{Concerns: "Arguments at handover.", Level: risk.Medium, Plan: "Weekly visits."}
		for _, tt := range []struct {
			name string
			c    risk.ChildRisk
			want []string
		}{
			{"script in the concerns", risk.ChildRisk{Concerns: "<script>alert(1)</script>", Level: risk.High, Plan: ok.Plan}, []string{"concerns", "HTML"}},
			{"image in the plan", risk.ChildRisk{Concerns: ok.Concerns, Level: risk.High, Plan: `<img src=x onerror=alert(1)>`}, []string{"plan", "HTML"}},
			{"100,000 characters of each", risk.ChildRisk{Concerns: strings.Repeat("a", 100000), Level: risk.High, Plan: strings.Repeat("b", 100000)},
				[]string{"concerns", "20000 characters or fewer", "plan", "20000 characters or fewer"}},
		} {
			refusedOn(t, tt.name, db.RecordChildRisk(sctx, prac, fx.familyID, 0, tt.c), tt.want...)
		}
		if p := familyPageOf(t, db, sctx, prac, fx.familyID); len(p.ChildRisks) != 0 {
			t.Fatalf("refused assessments were saved: %+v", p.ChildRisks)
		}
		longest := strings.Repeat("x", risk.MaxChildRiskText)
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, risk.ChildRisk{Concerns: ok.Concerns, Level: risk.Medium, Plan: longest}); err != nil {
			t.Fatal(err)
		}
		if p := familyPageOf(t, db, sctx, prac, fx.familyID); len(p.ChildRisks) != 1 || p.ChildRisks[0].Concerns != ok.Concerns || p.ChildRisks[0].Plan != longest {
			t.Errorf("saved: %d assessments, concerns %q", len(p.ChildRisks), p.ChildRisks[0].Concerns)
		}
	})
}

// A new account and a changed one are held to the same rules for the name
// and job title: no markup, no more than 200 characters, one line. So an
// account made through AddStaff (or CreateStaff) can always be changed.
func TestStaffNameAndTitleChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		secrets := store.StaffSecrets{PasswordHash: "hash", TOTPSecret: "JBSWY3DPEHPK3PXP"} // #nosec G101 -- the RFC 6238 example secret, in a test
		newStaff := func(name, title string) org.NewStaff {
			return org.NewStaff{Email: "kim@example.org", Name: name, Role: "practitioner", JobTitle: title, AreaName: "Blackpool"}
		}
		long := strings.Repeat("a", 100000)
		for _, tt := range []struct {
			name        string
			n           org.NewStaff
			fieldsWords []string
		}{
			{"a script as the name", newStaff("<script>alert(1)</script>", ""), []string{"name", "HTML"}},
			{"an image as the job title", newStaff("Kim Lee", `<img src=x onerror=alert(1)>`), []string{"title", "HTML"}},
			{"100,000 characters of each", newStaff(long, long), []string{"name", "200 characters or fewer", "title", "200 characters or fewer"}},
			{"a job title on two lines", newStaff("Kim Lee", "Family\nworker"), []string{"title", "control characters"}},
			{"no name, and markup in the title", newStaff(" ", "</b>"), []string{"name", "Enter the person's full name", "title", "HTML"}},
		} {
			_, err := db.AddStaff(sctx, admin.Actor(), tt.n, secrets)
			refusedOn(t, "AddStaff, "+tt.name, err, tt.fieldsWords...)
			n := tt.n
			refusedOn(t, "NewStaff.Validate, "+tt.name, n.Validate(), tt.fieldsWords...)
			err = db.Update(sctx, func(tx *store.Tx) error { _, err := tx.CreateStaff(tt.n, secrets); return err })
			refusedOn(t, "CreateStaff, "+tt.name, err, tt.fieldsWords...)
		}
		if _, err := db.StaffByEmail(ctx, "kim@example.org"); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("a refused account was made: %v", err)
		}

		// The longest name and title made are changed with both kept.
		name, title := strings.Repeat("N", org.MaxStaffText), strings.Repeat("T", org.MaxStaffText)
		kim, err := db.AddStaff(sctx, admin.Actor(), newStaff("  "+name, title+" "), secrets)
		if err != nil {
			t.Fatal(err)
		}
		if kim.Name != name || kim.JobTitle != title {
			t.Fatalf("made %q, %q", kim.Name, kim.JobTitle)
		}
		change := org.StaffChange{Email: kim.Email, Name: kim.Name, JobTitle: kim.JobTitle, Role: "team_manager", Areas: []string{"Blackpool"}, Version: kim.Version}
		if _, changed, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, change, nil); err != nil || !changed {
			t.Fatalf("changing the account as made: %v (changed %v)", err, changed)
		}
		for _, tt := range []struct {
			name        string
			change      func(*org.StaffChange)
			fieldsWords []string
		}{
			{"an image as the job title", func(c *org.StaffChange) { c.JobTitle = `<img src=x onerror=alert(1)>` }, []string{"title", "HTML"}},
			{"a script as the name", func(c *org.StaffChange) { c.Name = "<script>x</script>" }, []string{"name", "HTML"}},
			{"a title too long", func(c *org.StaffChange) { c.JobTitle = title + "T" }, []string{"title", "200 characters or fewer"}},
		} {
			c := change
			c.Role = "practitioner"
			tt.change(&c)
			_, _, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, c, nil)
			refusedOn(t, "ChangeStaff, "+tt.name, err, tt.fieldsWords...)
		}
		if got, err := db.StaffByID(ctx, kim.ID); err != nil || got.Name != name || got.JobTitle != title || got.Role != "team_manager" {
			t.Errorf("after refused changes: %+v, %v", got, err)
		}
	})
}

// A parent's contact details are checked as the referral forms check
// them, with their messages: a real UK postcode (put in standard form), a
// UK phone number, an email address in the correct format. Each may be
// left empty. Nothing refused is saved.
func TestContactDetailsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac2.Actor()
		read := func() (int, family.Confidential) {
			t.Helper()
			rec, err := db.ReadPerson(sctx, prac, fx.parent2)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Person.Confidential == nil {
				t.Fatal("the parent's own practitioner does not see their contact details")
			}
			return rec.Person.Version, *rec.Person.Confidential
		}
		save := func(c family.Confidential) error {
			t.Helper()
			v, _ := read()
			return db.UpdateContact(sctx, prac, fx.parent2, store.ContactUpdate{Version: v, Details: c})
		}
		good := family.Confidential{Address: "2 Other Road", Postcode: "FY1 9ZZ", Phone: "07700 900102", Email: "sam@example.org"}
		for _, tt := range []struct {
			name        string
			change      func(*family.Confidential)
			fieldsWords []string
		}{
			{"postcode 12345", func(c *family.Confidential) { c.Postcode = "12345" }, []string{"postcode", "Enter a real UK postcode, like FY1 4AB"}},
			{"postcode with a <", func(c *family.Confidential) { c.Postcode = "SW1A 1AA<" }, []string{"postcode", "Enter a real UK postcode"}},
			{"an outward code alone", func(c *family.Confidential) { c.Postcode = "FY1" }, []string{"postcode", "Enter a real UK postcode"}},
			{"phone in words", func(c *family.Confidential) { c.Phone = "call me maybe" }, []string{"phone", "Enter a UK phone number, like 07700 900 982"}},
			{"phone -1", func(c *family.Confidential) { c.Phone = "-1" }, []string{"phone", "Enter a UK phone number"}},
			{"email without an @", func(c *family.Confidential) { c.Email = "not-an-email" }, []string{"email", "Enter an email address in the correct format, like name@example.org"}},
			{"email a@b", func(c *family.Confidential) { c.Email = "a@b" }, []string{"email", "Enter an email address in the correct format"}},
			{"all three", func(c *family.Confidential) { c.Postcode, c.Phone, c.Email = "12345", "-1", "a@b" },
				[]string{"postcode", "postcode", "phone", "phone number", "email", "email address"}},
			// The text rules come first, and say so once.
			{"markup in the postcode", func(c *family.Confidential) { c.Postcode = "<b>FY1" }, []string{"postcode", "HTML"}},
			{"phone too long", func(c *family.Confidential) { c.Phone = strings.Repeat("0", 41) }, []string{"phone", "40 characters or fewer"}},
		} {
			c := good
			tt.change(&c)
			refusedOn(t, tt.name, save(c), tt.fieldsWords...)
		}
		if _, c := read(); c.Postcode != "" || c.Phone != "" || c.Email != "" {
			t.Fatalf("refused details were saved: %+v", c)
		}
		// Typed any way, kept in the usual form.
		typed := family.Confidential{Address: "2 Other Road", Postcode: " fy19zz ", Phone: "+44 (0)7700 900102", Email: " Sam@Example.org"}
		if err := save(typed); err != nil {
			t.Fatal(err)
		}
		if _, c := read(); c.Postcode != "FY1 9ZZ" || c.Phone != "+44 (0)7700 900102" || c.Email != "sam@example.org" {
			t.Errorf("saved %+v", c)
		}
		// Each is optional.
		if err := save(family.Confidential{Address: "2 Other Road"}); err != nil {
			t.Fatal(err)
		}
		if _, c := read(); c.Postcode != "" || c.Phone != "" || c.Email != "" || c.Address != "2 Other Road" {
			t.Errorf("saved %+v", c)
		}
	})
}

// A safety plan's next review is today or later and within the next 12
// months: a date years ahead would put its "overdue for review" alert off
// for ever.
func TestSafetyPlanReviewWithinAYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().Truncate(24 * time.Hour)
		sec := store.SafetyPlanSections{CodeWords: "Blue kettle"}
		for _, tt := range []struct {
			name string
			on   time.Time
			want string
		}{
			{"the year 2999", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC), "The next review must be within the next 12 months"},
			{"12 months and a day ahead", today.AddDate(0, store.MaxSafetyPlanReviewMonths, 1), "within the next 12 months"},
			{"yesterday", today.AddDate(0, 0, -1), "today or later"},
		} {
			refusedOn(t, tt.name, db.SaveSafetyPlan(sctx, prac, fx.parent1, 0, sec, tt.on, ""), "review_on", tt.want)
		}
		rec, err := db.ReadPerson(sctx, prac, fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if rec.SafetyPlan != nil {
			t.Fatalf("a refused plan was saved: %+v", rec.SafetyPlan)
		}
		for i, on := range []time.Time{today.AddDate(0, store.MaxSafetyPlanReviewMonths, 0), today} {
			if err := db.SaveSafetyPlan(sctx, prac, fx.parent1, i, sec, on, "Reviewed"); err != nil {
				t.Fatalf("a review on %s: %v", on.Format(time.DateOnly), err)
			}
		}
	})
}

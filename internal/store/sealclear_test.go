package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Who reported an incident, a consent's scope and why consent was not
// sought are confidential: stored sealed, and values written in clear
// before migration 11 are sealed by it.
func TestClearConfidentialFieldsAreSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		dsl, _ := db.StaffByEmail(ctx, "ruth.adams@cradle.example")
		priyaStaff, _ := db.StaffByEmail(ctx, "priya.shah@cradle.example")
		priya := priyaStaff.Actor()
		hits, _, err := db.SearchPeople(ctx, dsl.Actor(), "Amy Foster")
		if err != nil || len(hits) != 1 {
			t.Fatal(err)
		}
		amy, fam := hits[0].Person, hits[0].Family
		now := time.Now()
		if err := db.RecordIncident(ctx, priya, store.Incident{PersonID: amy.ID, OccurredOn: now.Add(-time.Hour), ReportedBy: "CANARY-REPORTER", Details: "d"}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordConsent(ctx, priya, amy.ID, sharing.Consent{Scope: "CANARY-SCOPE", GivenOn: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordShare(ctx, priya, fam.ID, sharing.Share{PersonID: amy.ID, SharedOn: now, Recipient: "GP", What: "w", Why: "y", Method: "phone",
			LawfulBasis: "art9_2h", Consent: "not_sought", ConsentReason: "CANARY-REASON"}); err != nil {
			t.Fatal(err)
		}
		// Values as an older version wrote them: in the clear columns.
		for _, q := range []string{`UPDATE incidents SET reported_by = 'CANARY-OLD-REPORTER', reported_by_sealed = ''`,
			`INSERT INTO consents (person_id, scope, given_on, created_by, created_at) VALUES ($1, 'CANARY-OLD-SCOPE', $2, $3, $4)`} {
			args := []any{}
			if strings.HasPrefix(q, "INSERT") {
				args = []any{amy.ID, now.UTC(), priyaStaff.ID, now.UTC()}
			}
			if err := db.RawExec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SealClearFields(ctx); err != nil {
			t.Fatal(err)
		}
		// And migration 29's step, as an upgrade from before migration 11 runs both.
		if err := db.BindSealsToRows(ctx); err != nil {
			t.Fatal(err)
		}
		clean := true
		if err := db.EveryValueAsText(ctx, func(column, value string) {
			if strings.Contains(value, "CANARY") {
				clean = false
				t.Errorf("%s holds %q in clear", column, value)
			}
		}); err != nil {
			t.Fatal(err)
		}
		if !clean {
			return
		}
		// They read back for those who may see them.
		rec, err := db.ReadPerson(ctx, dsl.Actor(), amy.ID)
		if err != nil || len(rec.Incidents) == 0 || rec.Incidents[0].ReportedBy != "CANARY-OLD-REPORTER" {
			t.Fatalf("incident reporter after sealing: %+v %v", rec.Incidents, err)
		}
		page, err := db.ReadFamilyPage(ctx, dsl.Actor(), fam.ID, 8)
		if err != nil {
			t.Fatal(err)
		}
		f, consents := page.Family, page.Consents
		scopes := ""
		for _, c := range consents {
			scopes += c.Scope + ";"
		}
		if err != nil || !strings.Contains(scopes, "CANARY-SCOPE") || !strings.Contains(scopes, "CANARY-OLD-SCOPE") {
			t.Fatalf("consent scopes: %q %v", scopes, err)
		}
		shares, err := db.FamilyShares(ctx, dsl.Actor(), f)
		if err != nil || len(shares) == 0 || shares[0].ConsentReason != "CANARY-REASON" {
			t.Fatalf("shares: %+v %v", shares, err)
		}
	})
}

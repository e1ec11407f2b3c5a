package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// ReadFamilyPage reads everything a family's page shows under the one
// audited view ReadFamily makes, withholding a parent's consents and the
// sharing about them from the other parent's practitioner, and refuses a
// reader the policy refuses without reading or logging anything.
func TestReadFamilyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Now()
		if err := db.RecordConsent(ctx, fx.prac1.Actor(), fx.parent1, sharing.Consent{Scope: "CANARY-SCOPE", GivenOn: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordShare(ctx, fx.prac1.Actor(), fx.familyID, sharing.Share{PersonID: fx.parent1, SharedOn: now, Recipient: "GP",
			What: "CANARY-WHAT", Why: "CANARY-WHY", Method: "phone", LawfulBasis: "art9_2h", Consent: "not_sought", ConsentReason: "CANARY-REASON"}); err != nil {
			t.Fatal(err)
		}
		views := func() int {
			es, err := db.AuditEntries(ctx, store.AuditFilter{FamilyID: fx.familyID, Actions: []string{"family.view"}})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		own, err := db.ReadFamilyPage(ctx, fx.prac1.Actor(), fx.familyID, 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Consents) != 1 || own.Consents[0].Scope != "CANARY-SCOPE" || len(own.Shares) != 1 || own.Shares[0].What != "CANARY-WHAT" ||
			own.Family.ID != fx.familyID || len(own.Risk.Parents) != 2 {
			t.Errorf("the parent's practitioner's page: consents %+v, shares %+v, risk %+v", own.Consents, own.Shares, own.Risk)
		}
		if views() != 1 {
			t.Errorf("family views audited after one page: %d, want 1", views())
		}
		other, err := db.ReadFamilyPage(ctx, fx.prac2.Actor(), fx.familyID, 8)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%+v", other); strings.Contains(s, "CANARY") {
			t.Errorf("the other parent's practitioner's page holds a confidential value:\n%s", s)
		}
		if len(other.Consents) != 1 || !other.Consents[0].Withheld || len(other.Shares) != 1 || !other.Shares[0].Withheld {
			t.Errorf("the other parent's practitioner: consents %+v, shares %+v; want both withheld", other.Consents, other.Shares)
		}
		if _, err := db.ReadFamilyPage(ctx, fx.other.Actor(), fx.familyID, 8); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("an unallocated practitioner's page: %v, want Forbidden", err)
		}
		if views() != 2 {
			t.Errorf("family views audited after three reads, one refused: %d, want 2", views())
		}
	})
}

package demo

import (
	"context"
	"testing"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func TestDemoCoversEveryStageAndRole(t *testing.T) {
	stages := map[family.Stage]bool{}
	for _, f := range families {
		stages[f.stage] = true
		if f.prac[0] != "" && f.prac[0] == f.prac[1] {
			t.Errorf("family in %s has one practitioner for both parents", f.area)
		}
	}
	for _, s := range family.Stages() {
		if !stages[s] {
			t.Errorf("no demo family at stage %s", s)
		}
	}
	roles := map[string]bool{}
	for _, c := range Credentials() {
		roles[c.Role] = true
	}
	for _, r := range policy.Roles() {
		if !roles[string(r)] {
			t.Errorf("no demo account with role %s", r)
		}
	}
}

func TestLoadIsIdempotentAndRefusesRealData(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		first, loaded, err := Load(ctx, db)
		if err != nil || !loaded {
			t.Fatalf("first load: %v %v", loaded, err)
		}
		n1, _ := db.VerifyAudit(ctx)
		second, loaded, err := Load(ctx, db)
		if err != nil || loaded || len(second) != len(first) {
			t.Fatalf("second load: %v %v", loaded, err)
		}
		if n2, _ := db.VerifyAudit(ctx); n2 != n1 {
			t.Errorf("second load wrote %d audit entries; want none", n2-n1)
		}
		dsl := Credentials()[7]
		s, err := db.StaffByEmail(ctx, dsl.Email)
		if err != nil {
			t.Fatal(err)
		}
		// Cradle's own demo is hashed as any password is (LoadWith's cheaper
		// parameters are for tests only).
		if ok, rehash, err := credential.Verify(s.PasswordHash, Password); !ok || rehash || err != nil {
			t.Errorf("the demo password verifies %t, needs rehashing %t (%v): want the default parameters", ok, rehash, err)
		}
		list, err := db.Caseload(ctx, s.Actor())
		if err != nil || len(list) != len(families)-1 { // the closed family is not on a caseload
			t.Errorf("DSL caseload = %d families, %v; want %d", len(list), err, len(families)-1)
		}
	})
}

func TestLoadRefusesADatabaseWithRealAccounts(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	err := db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateArea("Blackpool", "", false); err != nil {
			return err
		}
		_, err := tx.CreateStaff(org.NewStaff{Email: "real@example.org", Name: "Real Person", Role: "admin", AreaName: "Blackpool"},
			store.StaffSecrets{PasswordHash: "h", TOTPSecret: "JBSWY3DPEHPK3PXP"}) // #nosec G101 -- the RFC 6238 example secret, in a test
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(ctx, db); err == nil {
		t.Fatal("demo data was loaded into a database holding a real account")
	}
}

// TestMain drops the PostgreSQL template storetest.Each copies.
func TestMain(m *testing.M) { storetest.Main(m) }

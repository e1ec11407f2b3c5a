package store_test

import (
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Two administrators change one account, each from the form as they opened
// it: the second save is a conflict and leaves the first's change whole,
// rather than undoing it unseen; saved again from the account as it is
// now, it goes through.
func TestStaffChangeFromAStaleForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		kim := seedStaff(t, db, "kim@example.org", "practitioner", "Blackpool")
		opened := kim.Version
		first := org.StaffChange{Email: kim.Email, Name: kim.Name, JobTitle: "Senior practitioner", Role: "practitioner", Areas: []string{"Blackpool"}, Version: opened}
		if _, changed, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, first, nil); err != nil || !changed {
			t.Fatalf("the first change: %v (changed %v)", err, changed)
		}
		second := first
		second.JobTitle, second.Name = "", "Kim Lee"
		if _, changed, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, second, nil); problem.CodeOf(err) != problem.Conflict || changed {
			t.Errorf("a change from a form opened before the first: %v (changed %v), want a conflict", err, changed)
		}
		now, err := db.StaffByID(ctx, kim.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.JobTitle != "Senior practitioner" || now.Name != kim.Name || now.Version != opened+1 {
			t.Fatalf("after the stale change: %+v", now)
		}
		second.Version = now.Version
		if _, changed, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, second, nil); err != nil || !changed {
			t.Errorf("the change saved again from the account as it is: %v (changed %v)", err, changed)
		}
		// A form saved with nothing changed moves nothing on, so the other
		// form stays good.
		now, _ = db.StaffByID(ctx, kim.ID)
		same := org.StaffChange{Email: now.Email, Name: now.Name, JobTitle: now.JobTitle, Role: "practitioner", Areas: []string{"Blackpool"}, Version: now.Version}
		if _, changed, err := db.ChangeStaff(sctx, admin.Actor(), kim.ID, same, nil); err != nil || changed {
			t.Errorf("saving the account as it is: %v (changed %v)", err, changed)
		}
		if again, _ := db.StaffByID(ctx, kim.ID); again.Version != now.Version {
			t.Errorf("saving no change moved the version from %d to %d", now.Version, again.Version)
		}
	})
}

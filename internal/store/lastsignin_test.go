package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestLastSignedIn: an accepted security code records when the account
// signed in, and the staff list reads it; an upgrade to migration 46 takes
// each account's latest sign-in from the audit log (none: never).
func TestLastSignedIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		priya, _ := db.StaffByEmail(ctx, "priya.shah@cradle.example")
		admin, _ := db.StaffByEmail(ctx, "sam.carter@cradle.example")
		lastOf := func(id int64) time.Time {
			t.Helper()
			list, err := db.StaffWithAreas(sctx, admin.Actor(), store.StaffFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list.Staff {
				if s.ID == id {
					return s.LastSignedInAt
				}
			}
			t.Fatalf("staff %d is not listed", id)
			return time.Time{}
		}
		if got := lastOf(priya.ID); !got.IsZero() {
			t.Fatalf("before any sign-in: %v, want none", got)
		}
		before := time.Now().Add(-time.Second)
		if err := db.Update(sctx, func(tx *store.Tx) error {
			if err := tx.UseTOTPStep(priya.ID, 100); err != nil {
				return err
			}
			tx.Audit("signin.success", "staff", priya.ID, 0, "")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		signedIn := lastOf(priya.ID)
		if signedIn.Before(before) || signedIn.After(time.Now().Add(time.Second)) {
			t.Fatalf("after a sign-in: %v, want about now", signedIn)
		}

		// As before migration 46: the column gone, then the upgrade.
		for _, q := range []string{`ALTER TABLE staff DROP COLUMN last_signed_in_at`, `DELETE FROM schema_migrations WHERE version = 46`} {
			if err := db.RawExec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("upgrading from 45: %d applied, %v", n, err)
		}
		if got := lastOf(priya.ID); got.Sub(signedIn).Abs() > time.Second {
			t.Errorf("after the upgrade: %v, want the audited sign-in %v", got, signedIn)
		}
		if got := lastOf(admin.ID); !got.IsZero() {
			t.Errorf("an account with no sign-in audited: %v, want none", got)
		}
	})
}

// TestStaffListFilters: the staff list narrows by area, role, status and a
// part of the name or email address (any case; the LIKE wildcards are
// plain characters), pages by name, and counts the unused accounts
// whatever the filter.
func TestStaffListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		admin, _ := db.StaffByEmail(ctx, "sam.carter@cradle.example")
		areas, err := db.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		areaID := map[string]int64{}
		for _, a := range areas {
			areaID[a.Name] = a.ID
		}
		if _, err := db.SetStaffDisabled(sctx, admin.Actor(), mustStaff(t, db, "tom.elliott@cradle.example"), true); err != nil {
			t.Fatal(err)
		}
		names := func(f store.StaffFilter) []string {
			t.Helper()
			list, err := db.StaffWithAreas(sctx, admin.Actor(), f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range list.Staff {
				out = append(out, s.Name)
			}
			return out
		}
		future := time.Now().Add(time.Hour) // every account made before it: all unused
		for _, tc := range []struct {
			name string
			f    store.StaffFilter
			want string
		}{
			{"everyone, by name", store.StaffFilter{}, "Daniel Okoro, Grace Adeyemi, Helen Whitaker, Leah Morgan, Megan Hughes, Priya Shah, Ravi Patel, Ruth Adams, Sam Carter, Tom Elliott"},
			{"an area", store.StaffFilter{AreaID: areaID["Hertfordshire"]}, "Daniel Okoro, Megan Hughes, Ravi Patel, Ruth Adams"},
			{"a role", store.StaffFilter{Role: "team_manager"}, "Helen Whitaker, Ravi Patel"},
			{"an area and a role", store.StaffFilter{AreaID: areaID["Blackpool"], Role: "practitioner"}, "Grace Adeyemi, Priya Shah, Tom Elliott"},
			{"disabled", store.StaffFilter{Status: "disabled"}, "Tom Elliott"},
			{"active", store.StaffFilter{Status: "active", Role: "practitioner"}, "Daniel Okoro, Grace Adeyemi, Megan Hughes, Priya Shah"},
			{"unused, none", store.StaffFilter{Status: "unused", UnusedBefore: time.Now().Add(-time.Hour)}, ""},
			{"unused, all active", store.StaffFilter{Status: "unused", UnusedBefore: future, Role: "team_manager"}, "Helen Whitaker, Ravi Patel"},
			{"a name, any case", store.StaffFilter{Query: "  oKoRo "}, "Daniel Okoro"},
			{"an email address", store.StaffFilter{Query: "ruth.adams@"}, "Ruth Adams"},
			{"a wildcard is a character", store.StaffFilter{Query: "%"}, ""},
			{"an underscore is a character", store.StaffFilter{Query: "a_a"}, ""},
			{"a page", store.StaffFilter{Offset: 3, Limit: 2}, "Leah Morgan, Megan Hughes"},
		} {
			if got := strings.Join(names(tc.f), ", "); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		list, err := db.StaffWithAreas(sctx, admin.Actor(), store.StaffFilter{Role: "dsl", Offset: 0, Limit: 1, UnusedBefore: future})
		if err != nil || list.Total != 1 || list.Unused != 9 || len(list.Staff) != 1 || list.Staff[0].AreaNames() != "Blackpool, Hertfordshire" {
			t.Errorf("the DSLs: total %d, unused %d, %+v, %v; want 1, every active account (9), Ruth with her two areas", list.Total, list.Unused, list.Staff, err)
		}
		priya, _ := db.StaffByEmail(ctx, "priya.shah@cradle.example")
		if _, err := db.StaffWithAreas(sctx, priya.Actor(), store.StaffFilter{}); err == nil {
			t.Error("a practitioner listed the staff")
		}
	})
}

func mustStaff(t *testing.T, db *store.DB, email string) int64 {
	t.Helper()
	s, err := db.StaffByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

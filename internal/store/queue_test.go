package store_test

import (
	"testing"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestReferralQueueAtScale: with thousands of older referrals (a few
// years of a programme), the newest referrals waiting to be screened are
// still listed and counted, for each role's own areas, a page at a time.
// (The queue once read the oldest 2,000 referrals of any status and area
// and filtered them, so a manager saw none of their new ones.)
func TestReferralQueueAtScale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db) // areas 1 (North) and 2 (South); ten referrals, none new or accepted
		mustExec(t, db, `INSERT INTO referrals (id, reference, source, referrer_role, area_id, status, received_at, content_sealed)
			SELECT 100 + n.i, 'OLD-' || CAST(n.i AS TEXT), 'professional', 'midwife', 1 + n.i % 2, 'accepted', $1, ''
			FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2600) SELECT i FROM c) n`, d(2020, 1, 1))
		for i, area := range []any{1, 1, 1, 2, nil} {
			mustExec(t, db, `INSERT INTO referrals (id, reference, source, referrer_role, area_id, status, received_at, content_sealed)
				VALUES ($1, $2, 'professional', 'midwife', $3, 'new', $4, '')`, 10000+i, "NEW-"+string(rune('A'+i)), area, at(2026, 6, 20+i, 9))
		}
		manager := policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}
		practitioner := policy.Actor{StaffID: 3, Role: policy.Practitioner, Areas: []int64{2}}
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		refs := func(q []store.QueueEntry) []string {
			var out []string
			for _, e := range q {
				out = append(out, e.Reference)
			}
			return out
		}
		for _, tc := range []struct {
			name     string
			actor    policy.Actor
			f        store.QueueFilter
			want     []string
			new      int
			accepted int
		}{
			{"the North's manager", manager, store.QueueFilter{Status: referral.New}, []string{"NEW-A", "NEW-B", "NEW-C"}, 3, 1300},
			{"a South practitioner", practitioner, store.QueueFilter{Status: referral.New}, []string{"NEW-D"}, 1, 1300},
			{"a DSL, outside every area too", dsl, store.QueueFilter{Status: referral.New}, []string{"NEW-A", "NEW-B", "NEW-C", "NEW-D", "NEW-E"}, 5, 2600},
			{"the second page", dsl, store.QueueFilter{Status: referral.New, Offset: 2, Limit: 2}, []string{"NEW-C", "NEW-D"}, 5, 2600},
			{"an area filter", dsl, store.QueueFilter{Status: referral.New, AreaID: 2}, []string{"NEW-D"}, 1, 1300},
			{"an administrator", policy.Actor{StaffID: 4, Role: policy.Admin}, store.QueueFilter{Status: referral.New}, nil, 0, 0},
		} {
			q, counts, err := db.ReferralQueue(ctx, tc.actor, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := refs(q); !equalStrings(got, tc.want) || counts[referral.New] != tc.new || counts[referral.Accepted] != tc.accepted {
				t.Errorf("%s: listed %v, counted %d new and %d accepted; want %v, %d and %d", tc.name, got, counts[referral.New], counts[referral.Accepted], tc.want, tc.new, tc.accepted)
			}
		}
		// The accepted, a page at a time from the oldest; no more than
		// QueueLimit in one call.
		q, _, err := db.ReferralQueue(ctx, dsl, store.QueueFilter{Status: referral.Accepted})
		if err != nil || len(q) != store.QueueLimit {
			t.Errorf("accepted: %d listed (%v), want %d", len(q), err, store.QueueLimit)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

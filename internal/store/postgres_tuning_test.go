package store

import (
	"slices"
	"testing"
)

// TestInList: one id is bound as itself; on PostgreSQL an array of fewer
// than pgPlanOnce ids is made up to that length with its last id (so the
// server keeps one plan), and the set of ids is never changed.
func TestInList(t *testing.T) {
	for _, tc := range []struct {
		dialect Dialect
		ids     []int64
		sql     string
		arg     any
	}{
		{Postgres, []int64{7}, `$1`, int64(7)},
		{SQLite, []int64{7}, `$1`, int64(7)},
		{Postgres, []int64{3, 5}, `SELECT unnest(CAST($1 AS BIGINT[]))`, []int64{3, 5, 5, 5, 5, 5, 5, 5}},
		{Postgres, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, `SELECT unnest(CAST($1 AS BIGINT[]))`, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{Postgres, []int64{}, `SELECT unnest(CAST($1 AS BIGINT[]))`, []int64{}},
		{SQLite, []int64{3, 5}, `SELECT value FROM json_each($1)`, "[3,5]"},
	} {
		db := &DB{dialect: tc.dialect}
		in := slices.Clone(tc.ids)
		sql, args := db.inList(in)
		if sql != tc.sql || len(args) != 1 {
			t.Errorf("%s %v: %q %v", tc.dialect, tc.ids, sql, args)
			continue
		}
		if !slices.Equal(in, tc.ids) {
			t.Errorf("%s %v: the caller's ids changed to %v", tc.dialect, tc.ids, in)
		}
		switch want := tc.arg.(type) {
		case []int64:
			got, _ := args[0].([]int64)
			if !slices.Equal(got, want) {
				t.Errorf("%s %v: array %v, want %v", tc.dialect, tc.ids, got, want)
			}
		default:
			if args[0] != want {
				t.Errorf("%s %v: arg %#v, want %#v", tc.dialect, tc.ids, args[0], want)
			}
		}
	}
}

// TestPGPoolSize: three connections a CPU, never fewer than four.
func TestPGPoolSize(t *testing.T) {
	for procs, want := range map[int]int{1: 4, 2: 6, 8: 24} {
		if got := pgPoolSize(procs); got != want {
			t.Errorf("pgPoolSize(%d) = %d, want %d", procs, got, want)
		}
	}
}

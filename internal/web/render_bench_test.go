package web

import (
	"bytes"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// BenchmarkCaseloadTemplate renders a manager's caseload page of 20 rows
// (html/template was a quarter of all CPU under the bench's mixed load).
func BenchmarkCaseloadTemplate(b *testing.B) {
	v := testViews(b)
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	d := caseloadData{ShowTeam: true, Families: 12, Parents: 20, Limit: store.CaseloadLimit}
	for i := range caseloadPageSize {
		d.Rows = append(d.Rows, caseRow{FamilyID: int64(100 + i), Reference: "FBS-2026-0100", Stage: family.Postnatal,
			Parent:      family.Person{ID: int64(200 + i), GivenName: "Amelia", FamilyName: "Okonkwo-Reid", PractitionerName: "Priya Shah"},
			LastContact: day, Shown: []string{"No contact for 21 days", "6-month outcome measures"}, More: 2,
			Next: &timeline.Milestone{Label: "12-month outcome measures", Due: day.AddDate(0, 2, 0)}})
	}
	u := &requestUser{staff: org.Staff{Name: "Ruth Manager", Role: policy.TeamManager}, session: store.LoginSession{Stage: "active", CSRFToken: "token"}}
	p := Page{Title: "Caseload", Nav: "caseload", User: u, CSRF: "masked", Data: d}
	t := v.pages["caseload"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := t.Execute(&buf, p); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

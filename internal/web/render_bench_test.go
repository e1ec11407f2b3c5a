package web

import (
	"bytes"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// BenchmarkCaseloadTemplate renders a manager's caseload page of 20 rows
// as the handler does (html/template was a quarter of all CPU under the
// bench's mixed load): "kept rows" finds the rows and the menu in the
// fragment cache, as a page shown again does; "nothing kept" renders them.
func BenchmarkCaseloadTemplate(b *testing.B) {
	v := testViews(b)
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	d := caseloadData{ShowTeam: true, ShowPractitioner: true, Families: 12, Parents: 20, Limit: store.CaseloadLimit}
	var rows []caseRow
	for i := range caseloadPageSize {
		rows = append(rows, caseRow{FamilyID: int64(100 + i), Reference: "FBS-2026-0100", Stage: family.Postnatal,
			Parent:      family.Person{ID: int64(200 + i), GivenName: "Amelia", FamilyName: "Okonkwo-Reid", PractitionerName: "Priya Shah"},
			LastContact: day, Shown: []string{"No contact for 21 days", "6-month outcome measures"}, More: 2,
			Next: &timeline.Milestone{Label: "12-month outcome measures", Due: day.AddDate(0, 2, 0)}})
	}
	u := &requestUser{staff: org.Staff{Name: "Ruth Manager", Role: policy.TeamManager}, session: store.LoginSession{Stage: "active", CSRFToken: "token"}}
	t := v.pages["caseload"]
	for _, kept := range []bool{true, false} {
		b.Run(map[bool]string{true: "kept rows", false: "nothing kept"}[kept], func(b *testing.B) {
			s := &Server{views: v}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				if !kept {
					s.fragments = fragmentCache{}
				}
				rowViews := make([]fragmentView, len(rows))
				for i, r := range rows {
					rowViews[i] = r.view(d.ShowPractitioner)
				}
				rows, err := s.renderFragments("caseload", "caseload-row", rowViews)
				if err != nil {
					b.Fatal(err)
				}
				d.RowHTML = rows
				menu, err := s.renderFragments("caseload", "menu", []fragmentView{navView{Signed: true, Role: string(u.staff.Role), Nav: "caseload"}})
				if err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if err := t.Execute(&buf, Page{Title: "Caseload", Nav: "caseload", User: u, CSRF: "masked", Data: d, Menu: menu[0]}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

// BenchmarkPersonTemplate renders a parent's page with a page of 20
// sessions, as their own practitioner sees it, each linked to its own page
// and two in three marked corrected.
func BenchmarkPersonTemplate(b *testing.B) {
	v := testViews(b)
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	f := family.Family{ID: 7, Reference: "FBS-2026-0100", Stage: family.Postnatal, AreaName: "Blackpool"}
	p := family.Person{ID: 70, Kind: family.Parent, ParentSlot: 1, GivenName: "Amelia", FamilyName: "Okonkwo-Reid", PractitionerName: "Priya Shah",
		Confidential: &family.Confidential{Address: "1 Safe Street"}}
	rec := store.PersonRecord{Family: f, Person: p, CanSeeConf: true, CanEdit: true, CanEditDetails: true, SessionsTotal: 80}
	for i := range personSessionsPageSize {
		rec.Sessions = append(rec.Sessions, casework.Session{ID: int64(1000 + i), PersonID: 70, StaffID: 5, StaffName: "Priya Shah",
			HeldOn: day.AddDate(0, 0, -7*i), Minutes: 60, Mode: "home", Attendance: "attended", Module: "", Notes: "Talked about sleep and feeding routines.",
			Version: 1 + i%3, Corrected: i%3 > 0, UpdatedAt: day})
	}
	d := personData{PersonRecord: rec, Pager: pager{Total: 80, Pages: 4}}
	u := &requestUser{staff: org.Staff{ID: 5, Name: "Priya Shah", Role: policy.Practitioner}, session: store.LoginSession{Stage: "active", CSRFToken: "token"}}
	t := v.pages["person"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := t.Execute(&buf, Page{Title: p.Name(), Nav: "caseload", User: u, CSRF: "masked", Data: d}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

package synth

import (
	"fmt"
	"slices"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
)

// The audit trail a family's history leaves. A national deployment's log
// holds tens of millions of entries, most of them practitioners looking
// at records before they write to them; a benchmark database without them
// measures every audited write against a near-empty log. Each recorded
// session, DASH and outcome measure here comes with the reads that led to
// it, as the application would have logged them, and so does each
// assessment of risk to the children, after a read of the family's page.

// Record is what an audit event is about.
type Record int

const (
	RecordNone      Record = iota // a list, such as the caseload
	RecordStaff                   // the acting account itself (a sign-in)
	RecordFamily                  // the family
	RecordPerson                  // People[Index]
	RecordSession                 // Sessions[Index]
	RecordRisk                    // Risks[Index]
	RecordMeasure                 // Measures[Index]
	RecordChildRisk               // ChildRisks[Index]
)

// Event is one audit entry of a family's history: Staff (an index into
// Generator.Staff) did Action at At, in its own request.
type Event struct {
	At        time.Time
	Staff     int
	Action    string
	Record    Record
	Index     int
	Detail    string
	RequestID string
}

// RecordType is the audit log's record type for the record kind, as the
// application writes it.
func (r Record) RecordType() string {
	switch r {
	case RecordStaff:
		return "staff"
	case RecordFamily:
		return "family"
	case RecordPerson:
		return "person"
	case RecordSession:
		return "session"
	case RecordRisk:
		return "risk_assessment"
	case RecordMeasure:
		return "measure_result"
	case RecordChildRisk:
		return "child_risk"
	}
	return ""
}

// ChildRiskHour is when, on its day, an assessment of risk to the children
// was recorded: its created time, and its audit entry's.
const ChildRiskHour = 16 * time.Hour

// StaffIP is the address a synthetic account works from: one private
// address each, as staff behind an organisation's network would appear.
func StaffIP(staff int) string {
	return fmt.Sprintf("10.%d.%d.%d", 16+staff>>16&0x3f, staff>>8&0xff, staff&0xff)
}

// auditTrail writes the family's events, in time order, from a stream of
// its own (added after the rest, so a family is otherwise as before).
func (d *details) auditTrail() {
	rng := d.g.rng(streamAudit, d.n)
	f := d.f
	var out []Event
	add := func(at time.Time, staff int, action string, rec Record, index int, detail string) {
		out = append(out, Event{At: at, Staff: staff, Action: action, Record: rec, Index: index, Detail: detail,
			RequestID: fmt.Sprintf("%016x", rng.Uint64())})
	}
	// Before writing about a co-parent a practitioner opens their page
	// (and, for a session, usually signs in and goes through the caseload
	// and the family's page first).
	for i, s := range f.Sessions {
		at := s.Recorded.Add(-time.Duration(3+rng.IntN(15)) * time.Minute)
		if rng.Float64() < 0.25 {
			add(at.Add(-2*time.Minute), s.Staff, "signin.success", RecordStaff, 0, "")
		}
		add(at.Add(-90*time.Second), s.Staff, "caseload.view", RecordNone, 0, fmt.Sprintf("%d families listed", 8+rng.IntN(24)))
		add(at.Add(-time.Minute), s.Staff, "family.view", RecordFamily, 0, "")
		add(at, s.Staff, "person.view", RecordPerson, s.Person, "")
		add(s.Recorded, s.Staff, "session.create", RecordSession, i, "")
	}
	for i, r := range f.Risks {
		at := r.On.Add(15 * time.Hour) // when the store says it was completed
		add(at.Add(-time.Duration(20+rng.IntN(40))*time.Minute), r.Staff, "person.view", RecordPerson, r.Person, "")
		add(at, r.Staff, "risk.save", RecordRisk, i, "complete")
	}
	for i, m := range f.Measures {
		at := m.TakenOn.Add(16 * time.Hour)
		add(at.Add(-time.Duration(5+rng.IntN(30))*time.Minute), m.By, "person.view", RecordPerson, m.Person, "")
		add(at, m.By, "measure.create", RecordMeasure, i, m.Instrument+" "+m.Timepoint)
	}
	// Drawn after the rest, so that the other entries' request ids are as
	// before assessments of risk to the children were added.
	for i, c := range f.ChildRisks {
		at := c.On.Add(ChildRiskHour)
		add(at.Add(-time.Duration(5+rng.IntN(20))*time.Minute), c.Staff, "family.view", RecordFamily, 0, "")
		add(at, c.Staff, "child_risk.create", RecordChildRisk, i, string(c.Level))
	}
	// Drawn after the rest too: a co-parent not taking part, recorded from
	// their page.
	for _, dep := range f.Departures {
		at := dep.On.Add(15 * time.Hour)
		action, detail := "person.leave", dep.Reason
		if dep.Reason == casework.JoiningLater {
			action, detail = "person.join_later", ""
		}
		add(at.Add(-time.Duration(2+rng.IntN(10))*time.Minute), dep.By, "person.view", RecordPerson, dep.Person, "")
		add(at, dep.By, action, RecordPerson, dep.Person, detail)
	}
	// And the next sessions booked, from the parent's page.
	for _, a := range f.Appointments {
		add(a.Booked.Add(-time.Duration(1+rng.IntN(5))*time.Minute), a.Staff, "person.view", RecordPerson, a.Person, "")
		add(a.Booked, a.Staff, "appointment.book", RecordPerson, a.Person, "")
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.At.Compare(b.At) })
	f.Audit = out
}

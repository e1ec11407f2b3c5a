package research

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/timeline"
)

// Roles of a person in the extract.
const (
	RoleParent = "parent"
	RoleBaby   = "baby"
)

// maxCategory is the longest category value accepted, in characters. Real
// categories ("health visitor", "Blackpool", "EPDS") are far shorter; the
// limit stops a sentence of free text being exported by mistake.
const maxCategory = 80

// Record is one outcome measure for one person, with the family's category
// data, as the caller reads it from the store. It holds ids, dates, numbers
// and category values only: there is deliberately no field for a name or
// any free text.
type Record struct {
	FamilyID int64
	PersonID int64  // a parent's or a baby's id, according to Role
	Role     string // RoleParent or RoleBaby

	// Person and family categories.
	Experience     string // a parent's category, e.g. "experiences", "uses"; "" for a baby
	Area           string
	ReferralSource string    // category key, e.g. "midwife"
	AcceptedOn     time.Time // zero if not known
	ClosureReason  string    // category key; "" while the family is open

	// The measure.
	Timepoint  string // e.g. "baseline", "6m"
	Instrument string // e.g. "EPDS"
	TakenOn    time.Time
	Score      float64
	HasScore   bool   // false: not scored (e.g. incomplete)
	Band       string // e.g. "above threshold"; "" if none

	BabyDOB time.Time // used only to work out the baby's age; never exported

	// Sessions attended and offered to this person up to the timepoint.
	SessionsAttended, SessionsOffered int
}

// Row is one row of the extract, as written. See Dictionary for each
// column's meaning; the fields are in column order.
type Row struct {
	Family           string // pseudonym, "f-..."
	Person           string // pseudonym, "p-..." or "b-..."
	Role             string
	Experience       string
	Area             string
	ReferralSource   string
	AcceptedOn       string // month or shifted date
	ClosureReason    string
	Timepoint        string
	Instrument       string
	TakenOn          string // month or shifted date
	BabyAgeMonths    string // whole months; "" if not known or before birth
	Score            string
	Band             string
	SessionsAttended string
	SessionsOffered  string
}

// Build turns records into extract rows: ids become pseudonyms, dates
// months or shifted dates (mode), and the baby's date of birth an age in
// whole months. There is one row per record; two records for the same
// person, timepoint and instrument are an error (the store keeps one result
// per timepoint, so a duplicate means the caller's query is wrong).
//
// Rows are sorted by family and person pseudonym, then date, timepoint and
// instrument. Sorting by pseudonym rather than id keeps the order from
// revealing which family was referred first.
func Build(key []byte, project string, mode DateMode, recs []Record) ([]Row, error) {
	if mode != Months && mode != Shifted {
		return nil, fmt.Errorf("research: unknown date mode %v", mode)
	}
	if _, err := keyedHash(key, pseudonymDomain, project, KindFamily, 0); err != nil {
		return nil, err
	}

	type dupKey struct {
		family, person       int64
		role, tp, instrument string
	}
	seen := make(map[dupKey]bool, len(recs))
	type sortable struct {
		row   Row
		taken time.Time
	}
	out := make([]sortable, 0, len(recs))
	for i, r := range recs {
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("research: record %d: %w", i+1, err)
		}
		k := dupKey{r.FamilyID, r.PersonID, r.Role, r.Timepoint, r.Instrument}
		if seen[k] {
			return nil, fmt.Errorf("research: record %d: a second %s result at timepoint %q for the same %s", i+1, r.Instrument, r.Timepoint, r.Role)
		}
		seen[k] = true

		row, err := r.row(key, project, mode)
		if err != nil {
			return nil, fmt.Errorf("research: record %d: %w", i+1, err)
		}
		out = append(out, sortable{row, r.TakenOn})
	}

	slices.SortFunc(out, func(a, b sortable) int {
		return cmp.Or(
			strings.Compare(a.row.Family, b.row.Family),
			strings.Compare(a.row.Person, b.row.Person),
			a.taken.Compare(b.taken),
			strings.Compare(a.row.Timepoint, b.row.Timepoint),
			strings.Compare(a.row.Instrument, b.row.Instrument),
		)
	})
	rows := make([]Row, len(out))
	for i, s := range out {
		rows[i] = s.row
	}
	return rows, nil
}

func (r Record) row(key []byte, project string, mode DateMode) (Row, error) {
	family, err := Pseudonym(key, project, KindFamily, r.FamilyID)
	if err != nil {
		return Row{}, err
	}
	person, err := Pseudonym(key, project, r.Role, r.PersonID)
	if err != nil {
		return Row{}, err
	}
	date := Month
	if mode == Shifted {
		days, err := ShiftDays(key, project, r.FamilyID)
		if err != nil {
			return Row{}, err
		}
		date = func(t time.Time) string { return shiftedDate(t, days) }
	}
	row := Row{
		Family:           family,
		Person:           person,
		Role:             r.Role,
		Experience:       r.Experience,
		Area:             r.Area,
		ReferralSource:   r.ReferralSource,
		AcceptedOn:       date(r.AcceptedOn),
		ClosureReason:    r.ClosureReason,
		Timepoint:        r.Timepoint,
		Instrument:       r.Instrument,
		TakenOn:          date(r.TakenOn),
		Band:             r.Band,
		SessionsAttended: strconv.Itoa(r.SessionsAttended),
		SessionsOffered:  strconv.Itoa(r.SessionsOffered),
	}
	if r.HasScore {
		row.Score = strconv.FormatFloat(r.Score, 'f', -1, 64)
	}
	if m, ok := wholeMonths(r.BabyDOB, r.TakenOn); ok {
		row.BabyAgeMonths = strconv.Itoa(m)
	}
	return row, nil
}

func (r Record) validate() error {
	if r.FamilyID <= 0 || r.PersonID <= 0 {
		return fmt.Errorf("family and person ids must be positive (got %d and %d)", r.FamilyID, r.PersonID)
	}
	if r.Role != RoleParent && r.Role != RoleBaby {
		return fmt.Errorf("role %q: want %q or %q", r.Role, RoleParent, RoleBaby)
	}
	if r.Timepoint == "" || r.Instrument == "" {
		return fmt.Errorf("timepoint and instrument are required")
	}
	for _, c := range []struct{ name, value string }{
		{"experience", r.Experience},
		{"area", r.Area},
		{"referral source", r.ReferralSource},
		{"closure reason", r.ClosureReason},
		{"timepoint", r.Timepoint},
		{"instrument", r.Instrument},
		{"band", r.Band},
	} {
		if err := checkCategory(c.value); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	if r.HasScore && (math.IsNaN(r.Score) || math.IsInf(r.Score, 0)) {
		return fmt.Errorf("score is %v", r.Score)
	}
	if r.SessionsAttended < 0 || r.SessionsOffered < 0 {
		return fmt.Errorf("negative session count (%d attended, %d offered)", r.SessionsAttended, r.SessionsOffered)
	}
	return nil
}

// checkCategory refuses what looks like free text rather than a category:
// anything long, or holding a line break or other control character.
func checkCategory(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxCategory {
		return fmt.Errorf("%d characters: a category value is at most %d (free text is never exported)", n, maxCategory)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("contains a line break or control character (free text is never exported)")
	}
	return nil
}

// wholeMonths is the age in completed months on the date taken, for a date
// of birth: false if either is unknown or taken is before birth (antenatal).
func wholeMonths(dob, taken time.Time) (int, bool) {
	if dob.IsZero() || taken.IsZero() {
		return 0, false
	}
	if taken.Before(dob) {
		return 0, false
	}
	return timeline.WholeMonths(dob, taken), true
}

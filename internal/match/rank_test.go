package match

import (
	"reflect"
	"testing"
	"time"
)

func dob(y, m, d int) time.Time {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// jane is a fully known person reused across cases.
var jane = Identity{
	GivenName:   "Jane",
	FamilyName:  "Smith",
	DateOfBirth: dob(1990, 3, 4),
	Phone:       "07700 900123",
	Email:       "jane@example.org",
	NHSNumber:   "943 476 5919",
	Postcode:    "FY1 1AA",
}

func TestRankSingle(t *testing.T) {
	tests := []struct {
		name        string
		query, cand Identity
		wantLevel   string // "" means dropped
		wantScore   int
		wantReasons []Reason
	}{
		{
			name: "identical person", query: jane, cand: jane,
			wantLevel: LevelStrong, wantScore: 250,
			wantReasons: []Reason{
				{FieldNHSNumber, StrengthExact}, {FieldDateOfBirth, StrengthExact},
				{FieldFamilyName, StrengthExact}, {FieldGivenName, StrengthExact},
				{FieldPhone, StrengthExact}, {FieldEmail, StrengthExact},
				{FieldPostcode, StrengthExact},
			},
		},
		{
			name:      "nickname, same date of birth and phone",
			query:     Identity{GivenName: "Bob", FamilyName: "Smith", DateOfBirth: dob(1985, 7, 21), Phone: "+44 7700 900456"},
			cand:      Identity{GivenName: "Robert", FamilyName: "Smith", DateOfBirth: dob(1985, 7, 21), Phone: "07700900456"},
			wantLevel: LevelStrong, wantScore: 110,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthVariant}, {FieldPhone, StrengthExact},
			},
		},
		{
			name:  "same name, different date of birth",
			query: Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			cand:  Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1972, 11, 30)},
		},
		{
			name:      "day and month of birth swapped",
			query:     Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			cand:      Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 4, 3)},
			wantLevel: LevelPossible, wantScore: 60,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthSwapped}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthExact},
			},
		},
		{
			name:  "postcode only",
			query: Identity{GivenName: "Jane", FamilyName: "Smith", Postcode: "FY1 1AA"},
			cand:  Identity{GivenName: "Ahmed", FamilyName: "Khan", Postcode: "fy11aa"},
		},
		{
			name:  "postcode only, no names",
			query: Identity{Postcode: "FY1 1AA"},
			cand:  Identity{Postcode: "FY1 1AA"},
		},
		{
			name:      "NHS number alone is decisive",
			query:     Identity{NHSNumber: "9434765919"},
			cand:      Identity{GivenName: "Someone", NHSNumber: "943-476-5919"},
			wantLevel: LevelStrong, wantScore: 100,
			wantReasons: []Reason{{FieldNHSNumber, StrengthExact}},
		},
		{
			name:      "NHS number decisive despite other differences",
			query:     Identity{GivenName: "Jane", NHSNumber: "9434765919", DateOfBirth: dob(1990, 3, 4)},
			cand:      Identity{GivenName: "Mary", NHSNumber: "9434765919", DateOfBirth: dob(1991, 3, 4)},
			wantLevel: LevelStrong, wantScore: 50,
			wantReasons: []Reason{
				{FieldNHSNumber, StrengthExact}, {FieldDateOfBirth, StrengthDifferent},
				{FieldGivenName, StrengthDifferent},
			},
		},
		{
			name:  "NHS conflict outweighs name and date of birth",
			query: Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), NHSNumber: "9434765919"},
			cand:  Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), NHSNumber: "4010232137"},
		},
		{
			name:      "NHS conflict caps an otherwise strong match at possible",
			query:     jane,
			cand:      func() Identity { c := jane; c.NHSNumber = "4010232137"; return c }(),
			wantLevel: LevelPossible, wantScore: 70,
			wantReasons: []Reason{
				{FieldNHSNumber, StrengthDifferent}, {FieldDateOfBirth, StrengthExact},
				{FieldFamilyName, StrengthExact}, {FieldGivenName, StrengthExact},
				{FieldPhone, StrengthExact}, {FieldEmail, StrengthExact},
				{FieldPostcode, StrengthExact},
			},
		},
		{
			name:      "twins share everything but a first name",
			query:     Identity{GivenName: "Amy", FamilyName: "Lee", DateOfBirth: dob(2015, 6, 1), Phone: "07700900123", Postcode: "FY1 1AA"},
			cand:      Identity{GivenName: "Beth", FamilyName: "Lee", DateOfBirth: dob(2015, 6, 1), Phone: "07700900123", Postcode: "FY1 1AA"},
			wantLevel: LevelPossible, wantScore: 80,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthDifferent}, {FieldPhone, StrengthExact},
				{FieldPostcode, StrengthExact},
			},
		},
		{
			name:      "known-as name matches a given name",
			query:     Identity{GivenName: "Rebecca", FamilyName: "Hill", DateOfBirth: dob(1988, 1, 20)},
			cand:      Identity{GivenName: "Matilda", KnownAs: "Becky", FamilyName: "Hill", DateOfBirth: dob(1988, 1, 20)},
			wantLevel: LevelStrong, wantScore: 80,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldKnownAs, StrengthVariant},
			},
		},
		{
			name:      "initial only",
			query:     Identity{GivenName: "J.", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			cand:      Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			wantLevel: LevelPossible, wantScore: 65,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthInitial},
			},
		},
		{
			name:      "phonetic names",
			query:     Identity{GivenName: "Jhon", FamilyName: "Smyth", DateOfBirth: dob(1979, 12, 25)},
			cand:      Identity{GivenName: "John", FamilyName: "Smith", DateOfBirth: dob(1979, 12, 25)},
			wantLevel: LevelPossible, wantScore: 60,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthPhonetic},
				{FieldGivenName, StrengthPhonetic},
			},
		},
		{
			name:      "Sam matches Samuel",
			query:     Identity{GivenName: "Sam", FamilyName: "Jones", DateOfBirth: dob(2001, 5, 5)},
			cand:      Identity{GivenName: "Samuel", FamilyName: "Jones", DateOfBirth: dob(2001, 5, 5)},
			wantLevel: LevelStrong, wantScore: 80,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthVariant},
			},
		},
		{
			name:      "Samantha is not Samuel",
			query:     Identity{GivenName: "Samantha", FamilyName: "Jones", DateOfBirth: dob(2001, 5, 5)},
			cand:      Identity{GivenName: "Samuel", FamilyName: "Jones", DateOfBirth: dob(2001, 5, 5)},
			wantLevel: LevelWeak, wantScore: 40,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
				{FieldGivenName, StrengthDifferent},
			},
		},
		{
			name:      "known by a middle name is not a conflict",
			query:     Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			cand:      Identity{GivenName: "Mary Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)},
			wantLevel: LevelPossible, wantScore: 60,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
			},
		},
		{
			name:      "unnamed baby is not a conflict",
			query:     Identity{GivenName: "Oliver", FamilyName: "Smith", DateOfBirth: dob(2024, 2, 29)},
			cand:      Identity{GivenName: "Baby", FamilyName: "Smith", DateOfBirth: dob(2024, 2, 29)},
			wantLevel: LevelPossible, wantScore: 60,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldFamilyName, StrengthExact},
			},
		},
		{
			name:      "shared household phone alone is weak",
			query:     Identity{GivenName: "Tom", FamilyName: "Brown", Phone: "07700900123"},
			cand:      Identity{Phone: "+447700900123"},
			wantLevel: LevelWeak, wantScore: 30,
			wantReasons: []Reason{{FieldPhone, StrengthExact}},
		},
		{
			name:      "changed family name still matches on the rest",
			query:     Identity{GivenName: "Aisha", FamilyName: "Khan", DateOfBirth: dob(1995, 8, 9), Email: "a.k@example.org"},
			cand:      Identity{GivenName: "Ayesha", FamilyName: "Begum", DateOfBirth: dob(1995, 8, 9), Email: "A.K@example.org"},
			wantLevel: LevelStrong, wantScore: 85,
			wantReasons: []Reason{
				{FieldDateOfBirth, StrengthExact}, {FieldGivenName, StrengthVariant},
				{FieldEmail, StrengthExact},
			},
		},
		{
			name:  "placeholder values are not evidence",
			query: Identity{NHSNumber: "1111111111", Email: "none", Phone: "n/a"},
			cand:  Identity{NHSNumber: "1111111111", Email: "none", Phone: "n/a"},
		},
		{
			name:  "nothing known",
			query: Identity{}, cand: Identity{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(tt.query, []Candidate{{PersonID: 7, Identity: tt.cand}})
			if tt.wantLevel == "" {
				if len(got) != 0 {
					t.Fatalf("want dropped, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			g := got[0]
			if g.PersonID != 7 || g.Level != tt.wantLevel || g.Score != tt.wantScore {
				t.Errorf("got id %d level %q score %d, want 7 %q %d", g.PersonID, g.Level, g.Score, tt.wantLevel, tt.wantScore)
			}
			if !reflect.DeepEqual(g.Reasons, tt.wantReasons) {
				t.Errorf("reasons\n got %v\nwant %v", g.Reasons, tt.wantReasons)
			}
		})
	}
}

func TestRankNHSConflictBeatsNameAndDOB(t *testing.T) {
	query := Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), NHSNumber: "9434765919"}
	cands := []Candidate{
		{PersonID: 1, Identity: Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), Phone: "07700900123", NHSNumber: "4010232137"}},
		{PersonID: 2, Identity: Identity{GivenName: "Jayne", FamilyName: "Smyth", NHSNumber: "9434765919"}},
	}
	got := Rank(query, cands)
	if len(got) == 0 || got[0].PersonID != 2 || got[0].Level != LevelStrong {
		t.Fatalf("want person 2 first and strong, got %+v", got)
	}
	for _, s := range got[1:] {
		if s.Level == LevelStrong {
			t.Errorf("person %d with a different NHS number is strong", s.PersonID)
		}
	}
}

func TestRankOrdering(t *testing.T) {
	query := Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), Phone: "07700900123"}
	same := Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4)} // 80
	cands := []Candidate{
		{PersonID: 30, Identity: same},
		{PersonID: 5, Identity: Identity{Phone: "07700900123"}}, // 30
		{PersonID: 10, Identity: same},
		{PersonID: 20, Identity: Identity{GivenName: "Jane", FamilyName: "Smith", DateOfBirth: dob(1990, 3, 4), Phone: "07700900123"}}, // 110
		{PersonID: 1, Identity: Identity{Postcode: "FY1 1AA"}},                                                                         // dropped
		{PersonID: 10, Identity: Identity{FamilyName: "Smith"}},                                                                        // duplicate, weaker
		{PersonID: 15, Identity: same},
	}
	before := make([]Candidate, len(cands))
	copy(before, cands)
	var ids []int64
	for _, s := range Rank(query, cands) {
		ids = append(ids, s.PersonID)
	}
	if want := []int64{20, 10, 15, 30, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if !reflect.DeepEqual(cands, before) {
		t.Error("Rank changed its input")
	}
	// Same answer whatever order the store returned candidates in.
	rev := make([]Candidate, len(cands))
	for i, c := range cands {
		rev[len(cands)-1-i] = c
	}
	if a, b := Rank(query, cands), Rank(query, rev); !reflect.DeepEqual(a, b) {
		t.Errorf("order depends on input order:\n%+v\n%+v", a, b)
	}
}

func TestRankEmpty(t *testing.T) {
	if got := Rank(jane, nil); len(got) != 0 {
		t.Errorf("Rank with no candidates = %+v", got)
	}
}

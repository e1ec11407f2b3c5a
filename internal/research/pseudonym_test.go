package research

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"
)

var (
	testKey  = bytes.Repeat([]byte("k3y!"), 8) // 32 bytes
	otherKey = bytes.Repeat([]byte("0th3"), 8)
)

var pseudonymRE = regexp.MustCompile(`^[fpb]-[a-z2-7]{16}$`)

func mustPseudonym(t *testing.T, key []byte, project, kind string, id int64) string {
	t.Helper()
	p, err := Pseudonym(key, project, kind, id)
	if err != nil {
		t.Fatalf("Pseudonym(%q, %q, %d): %v", project, kind, id, err)
	}
	return p
}

func TestPseudonym(t *testing.T) {
	base := mustPseudonym(t, testKey, "eval-2026", KindParent, 987654321)
	if !pseudonymRE.MatchString(base) || base[:2] != "p-" {
		t.Errorf("pseudonym %q has the wrong form", base)
	}
	if again := mustPseudonym(t, testKey, "eval-2026", KindParent, 987654321); again != base {
		t.Errorf("not stable: %q then %q", base, again)
	}
	for name, c := range map[string]struct {
		key           []byte
		project, kind string
		id            int64
		prefix        string
	}{
		"other project": {testKey, "eval-2027", KindParent, 987654321, "p-"},
		"other kind":    {testKey, "eval-2026", KindBaby, 987654321, "b-"},
		"family":        {testKey, "eval-2026", KindFamily, 987654321, "f-"},
		"other id":      {testKey, "eval-2026", KindParent, 987654322, "p-"},
		"other key":     {otherKey, "eval-2026", KindParent, 987654321, "p-"},
	} {
		p := mustPseudonym(t, c.key, c.project, c.kind, c.id)
		if p[:2] != c.prefix || !pseudonymRE.MatchString(p) {
			t.Errorf("%s: %q has the wrong form", name, p)
		}
		if p[2:] == base[2:] {
			t.Errorf("%s: same pseudonym %q", name, p)
		}
	}
}

func TestPseudonymKnownValue(t *testing.T) {
	// Pins the algorithm: changing it would break linkage with extracts
	// already sent to evaluators.
	if got, want := mustPseudonym(t, testKey, "eval-2026", KindFamily, 1), pinnedFamily1; got != want {
		t.Errorf("Pseudonym = %q, want %q", got, want)
	}
}

func TestKeyAndInputsRefused(t *testing.T) {
	short := testKey[:MinKeyLen-1]
	if _, err := Pseudonym(short, "p", KindParent, 1); !errors.Is(err, ErrShortKey) {
		t.Errorf("Pseudonym short key: err = %v", err)
	}
	if _, err := ShiftDays(short, "p", 1); !errors.Is(err, ErrShortKey) {
		t.Errorf("ShiftDays short key: err = %v", err)
	}
	if _, err := Build(short, "p", Months, Data{}); !errors.Is(err, ErrShortKey) {
		t.Errorf("Build short key: err = %v", err)
	}
	if _, err := Build(nil, "p", Months, Data{}); !errors.Is(err, ErrShortKey) {
		t.Errorf("Build nil key: err = %v", err)
	}
	if _, err := Pseudonym(testKey[:MinKeyLen], "p", KindParent, 1); err != nil {
		t.Errorf("32-byte key refused: %v", err)
	}
	if _, err := Pseudonym(testKey, "p", "carer", 1); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := Pseudonym(testKey, " ", KindParent, 1); err == nil {
		t.Error("blank project accepted")
	}
}

// The length prefixes keep the parts of the message apart.
func TestMessageUnambiguous(t *testing.T) {
	if bytes.Equal(message("d", "ab", "c", 1), message("d", "a", "bc", 1)) {
		t.Error("message(ab, c) == message(a, bc)")
	}
}

func TestShiftDays(t *testing.T) {
	lo, hi := 0, 0
	seen := map[int]bool{}
	for id := int64(1); id <= 3000; id++ {
		d, err := ShiftDays(testKey, "eval-2026", id)
		if err != nil {
			t.Fatal(err)
		}
		if d == 0 || d < -180 || d > 180 {
			t.Fatalf("family %d shift %d: want -180..-1 or 1..180", id, d)
		}
		lo, hi = min(lo, d), max(hi, d)
		seen[d] = true
	}
	if lo > -175 || hi < 175 || len(seen) < 300 {
		t.Errorf("shifts span %d..%d with %d distinct values: want the whole range", lo, hi, len(seen))
	}
	a, _ := ShiftDays(testKey, "eval-2026", 42)
	if b, _ := ShiftDays(testKey, "eval-2026", 42); a != b {
		t.Errorf("not stable: %d then %d", a, b)
	}
	same := 0
	for id := int64(1); id <= 100; id++ {
		x, _ := ShiftDays(testKey, "eval-2026", id)
		y, _ := ShiftDays(testKey, "eval-2027", id)
		if x == y {
			same++
		}
	}
	if same > 5 {
		t.Errorf("%d of 100 families have the same shift in two projects", same)
	}
}

func TestMonth(t *testing.T) {
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 3, 14, 23, 59, 0, 0, time.UTC), "2026-03"},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "2026-12"},
		{time.Time{}, ""},
	} {
		if got := Month(c.in); got != c.want {
			t.Errorf("Month(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShiftedDate(t *testing.T) {
	d := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for days, want := range map[int]string{0: "2026-03-14", 20: "2026-04-03", -180: "2025-09-15", 180: "2026-09-10"} {
		if got := shiftedDate(d, days); got != want {
			t.Errorf("shiftedDate(+%d) = %q, want %q", days, got, want)
		}
	}
	if got := shiftedDate(time.Time{}, 5); got != "" {
		t.Errorf("zero time = %q", got)
	}
}

func TestDateModeString(t *testing.T) {
	if Months.String() != "months" || Shifted.String() != "shifted" || DateMode(7).String() != "DateMode(7)" {
		t.Error("DateMode.String")
	}
}

// pinnedFamily1 was checked independently (Python hmac, hashlib, base64).
const pinnedFamily1 = "f-bqoye6bogeiv476r"

package web

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// browserPath is where a browser goes for a Location header on this site,
// following the WHATWG URL parser's first steps: leading and trailing
// control characters and spaces go, tabs and line breaks anywhere go, and a
// backslash is a slash. It returns "" if the location leaves the site.
func browserPath(location string) string {
	s := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, s)
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return ""
	}
	return s
}

// FuzzSafeNext checks the post-sign-in redirect: whatever "next" holds,
// the redirect the browser follows stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"/home", "/people/1?tab=risk#x", "", "home", "//evil.example", "/\\evil.example", "https://evil.example/",
		"/\t/evil.example", "/\n/evil.example", " //evil.example", "/%2F/evil.example", "/..//evil.example", "/./\t/x", "\x00/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/home" && got != next {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodPost, "/sign-in/code", nil), got, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); browserPath(loc) == "" {
			t.Fatalf("safeNext(%q) = %q: the browser is sent to %q, off the site", next, got, loc)
		}
	})
}

// FuzzUnmaskCSRF checks the per-page CSRF mask: any token unmasks to
// itself from a fresh mask each time, and any posted value either fails to
// unmask or gives a token half its decoded length.
func FuzzUnmaskCSRF(f *testing.F) {
	f.Add("k3Jq0wXbS9u1v4ZtQ2Yp8rLm", "")
	f.Add("x", "AAAA")
	f.Add("", "not base64!")
	f.Add("\x00\xff", "AA")
	f.Fuzz(func(t *testing.T, token, posted string) {
		if token != "" {
			m := maskCSRF(token)
			if got, ok := unmaskCSRF(m); !ok || got != token {
				t.Fatalf("unmaskCSRF(maskCSRF(%q)) = %q, %v", token, got, ok)
			}
			if strings.Contains(m, token) && len(token) >= 8 {
				t.Fatalf("mask %q shows the token %q", m, token)
			}
		}
		got, ok := unmaskCSRF(posted)
		if !ok {
			if got != "" {
				t.Fatalf("unmaskCSRF(%q) = %q with false", posted, got)
			}
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(posted)
		if err != nil || len(got)*2 != len(b) || len(got) == 0 {
			t.Fatalf("unmaskCSRF(%q) = %q from %d bytes", posted, got, len(b))
		}
	})
}

// FuzzDateField checks the three-box dates every form reads: all blank is
// no date and no problem; otherwise either a problem for the field or an
// ISO date that ParseDate agrees with, that formDate reads as the same day,
// and that the boxes shown back for it (splitDate) read back to it.
func FuzzDateField(f *testing.F) {
	for _, s := range [][3]string{
		{"5", "3", "2027"}, {" 05 ", "Mar", "2027"}, {"31", "2", "2027"}, {"29", "feb", "2028"}, {"", "", ""}, {"", "3", ""},
		{"x", "y", "z"}, {"1", "1", "999"}, {"1", "1", "0999"}, {"\x00", "\xff", "2027"}, {"٥", "3", "2027"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, d, m, y string) {
		form := url.Values{"held_on-day": {d}, "held_on-month": {m}, "held_on-year": {y}}
		var fs problem.Fields
		iso := dateField(form, "held_on", &fs)
		blank := strings.TrimSpace(d) == "" && strings.TrimSpace(m) == "" && strings.TrimSpace(y) == ""
		switch {
		case blank:
			if iso != "" || len(fs) != 0 {
				t.Fatalf("blank date gives %q, %v", iso, fs)
			}
			return
		case len(fs) > 0:
			if iso != "" || len(fs) != 1 || fs[0].Name != "held_on" || fs[0].Message == "" {
				t.Fatalf("dateField(%q, %q, %q) = %q, %+v", d, m, y, iso, fs)
			}
			return
		}
		want, err := eligibility.ParseDate(strings.TrimSpace(d), strings.TrimSpace(m), strings.TrimSpace(y))
		if err != nil || iso != want.Format(time.DateOnly) {
			t.Fatalf("dateField(%q, %q, %q) = %q; ParseDate gives %v, %v", d, m, y, iso, want, err)
		}
		var fs2 problem.Fields
		if got := formDate(form, "held_on", &fs2); !got.Equal(want) || len(fs2) > 0 {
			t.Fatalf("formDate = %v, %v", got, fs2)
		}
		shown := url.Values{}
		splitDate(shown, "held_on", iso)
		if again := dateField(shown, "held_on", &fs2); again != iso || len(fs2) > 0 {
			t.Fatalf("%s shown back as %v reads as %q, %v", iso, shown, again, fs2)
		}
	})
}

// referralField is every field a referral problem may name (the API's
// documented paths, which the forms use as input names and ids).
var referralField = regexp.MustCompile(`^(source|due_date|area|relationship|abuse_known|safeguarding_status|both_want_to_co_parent|both_want_best_start|anything_else|` +
	`referrer\.(name|role|organisation|email|phone)|` +
	`parent[12]\.(given_name|family_name|date_of_birth|phone|email|address|postcode|nhs_number|consent|consent_reason)|` +
	`safe_contact\.(safe_to_contact|number|times|leave_message))$`)

func fuzzReferralConfig(t testing.TB) referral.Config {
	e, err := eligibility.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return referral.Config{Eligibility: e, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
}

// storableReferral reports whether every text of a referral is valid
// UTF-8 without NUL, which PostgreSQL needs of any column it reaches.
func storableReferral(r referral.Referral) bool {
	ok := true
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			ok = ok && utf8.ValidString(v.String()) && !strings.ContainsRune(v.String(), 0)
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		}
	}
	walk(reflect.ValueOf(r))
	return ok
}

// FuzzProfessionalForm posts arbitrary form bodies to the professional
// referral form's reading and validation: problems name only the form's
// fields, each with a message, and an accepted referral is storable and
// has a due date the rules accept.
func FuzzProfessionalForm(f *testing.F) {
	good := url.Values{"referrer.name": {"Sam Social"}, "referrer.role": {"social_worker"}, "referrer.organisation": {"Blackpool Council"},
		"referrer.email": {"sam@example.org"}, "parent1.given_name": {"Amy"}, "parent1.consent": {"yes"}, "parent1.postcode": {"fy1 4ab"},
		"parent1.date_of_birth-day": {"27"}, "parent1.date_of_birth-month": {"3"}, "parent1.date_of_birth-year": {"2000"},
		"parent2.given_name": {"Jordan"}, "parent2.consent": {"not_asked"}, "parent2.consent_reason": {"Asking would put Amy at risk"},
		"due_date-day": {"15"}, "due_date-month": {"Feb"}, "due_date-year": {"2027"}, "area": {"FY1 4AB"},
		"abuse_known": {"Police called twice."}, "safeguarding_status": {"child_in_need"}}
	f.Add(good.Encode())
	f.Add("due_date-day=31&due_date-month=2&due_date-year=2027&referrer.email=zo%C3%AB%40example.org&parent1.nhs_number=943+476+5919")
	f.Add("referrer.name=%00&parent1.given_name=%3Cb%3E&area=%FF&anything_else=a%0D%0Ab")
	f.Add("")
	cfg := fuzzReferralConfig(f)
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the server answers 400 before reading any field
		}
		ref, fs := professionalReferral(form)
		err = ref.Validate(cfg)
		if all := mergeFields(fs, err); len(all) > 0 {
			for _, fd := range all {
				if !referralField.MatchString(fd.Name) || fd.Message == "" {
					t.Fatalf("problem %+v", fd)
				}
			}
			return
		}
		if !storableReferral(ref) {
			t.Fatalf("accepted %+v, which cannot be stored", ref)
		}
		edd, err := time.Parse(time.DateOnly, ref.DueDate)
		if err != nil || eligibility.CheckEDD(edd, cfg.Today, cfg.Eligibility) != nil {
			t.Fatalf("accepted due date %q", ref.DueDate)
		}
	})
}

// FuzzSelfReferralSteps posts arbitrary bodies to each page of the
// self-referral: what a page reads, shown back in its form, reads back to
// the same answers with no new problem, and validation names only the
// referral's fields.
func FuzzSelfReferralSteps(f *testing.F) {
	f.Add(uint8(0), "parent1.given_name=Amy&parent1.family_name=Foster&parent1.date_of_birth-day=1&parent1.date_of_birth-month=jan&parent1.date_of_birth-year=2000")
	f.Add(uint8(1), "parent2.given_name=Jo&relationship=married&both_want_to_co_parent=yes")
	f.Add(uint8(2), "due_date-day=15&due_date-month=2&due_date-year=2027")
	f.Add(uint8(3), "area=fy1+4ab")
	f.Add(uint8(4), "safe_contact.safe_to_contact=yes&safe_contact.number=07700+900123&safe_contact.leave_message=no")
	f.Add(uint8(5), "anything_else=%3Cscript%3E")
	cfg := fuzzReferralConfig(f)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		steps := selfSteps()
		st := steps[int(which)%len(steps)]
		d := referral.Referral{Source: referral.Self}
		var fs problem.Fields
		st.read(form, &d, &fs)
		for _, fd := range fs {
			if !slices.Contains(st.fields, fd.Name) || fd.Message == "" {
				t.Fatalf("%s: problem %+v", st.Slug, fd)
			}
		}
		shown := st.values(d)
		again := referral.Referral{Source: referral.Self}
		var fs2 problem.Fields
		st.read(shown, &again, &fs2)
		if len(fs2) > 0 || !reflect.DeepEqual(again, d) {
			t.Fatalf("%s: %+v shown back as %v reads as %+v, %v", st.Slug, d, shown, again, fs2)
		}
		if err := d.Validate(cfg); err != nil {
			for _, fd := range problem.As(err).Fields {
				if !referralField.MatchString(fd.Name) || fd.Message == "" {
					t.Fatalf("%s: problem %+v", st.Slug, fd)
				}
			}
		}
	})
}

// FuzzScoreForm posts arbitrary bodies to the outcome-measure form's
// scoring, for every built-in instrument, a baby born or not and a date
// taken. Problems name only the form's own fields (so the error summary's
// links land), each with a message; accepted answers are exactly the
// numbers typed, and score as the measure package scores them.
func FuzzScoreForm(f *testing.F) {
	items := url.Values{}
	for n := 1; n <= 30; n++ {
		items.Set(measure.ItemField(n), strconv.Itoa(n%4))
	}
	f.Add(uint8(0), items.Encode(), int16(200), int16(400))
	f.Add(uint8(1), "item-1=+2&item-2=%202%20&item-3=0x1&item-99=1", int16(0), int16(0))
	asq := url.Values{"domain-communication": {"50"}, "domain-gross_motor": {"45"}, "domain-fine_motor": {"40"},
		"domain-problem_solving": {"NaN"}, "domain-personal_social": {"1e400"}, "interval": {"12"}}
	for i := range measure.Builtin() {
		f.Add(uint8(i), asq.Encode(), int16(365), int16(730))
	}
	f.Add(uint8(0), "total=Inf&interval=x", int16(-1), int16(-1))
	f.Fuzz(func(t *testing.T, which uint8, body string, born, taken int16) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		ins := measure.Builtin()
		in := ins[int(which)%len(ins)]
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var p family.Person
		if born >= 0 {
			p.DateOfBirth = base.AddDate(0, 0, int(born)%1000)
		}
		var takenOn time.Time
		if taken >= 0 {
			takenOn = base.AddDate(0, 0, int(taken)%2000)
		}
		res, sa, err := scoreForm(in, form, p, takenOn)
		if err != nil {
			pr := problem.As(err)
			if pr == nil || pr.Code != problem.Invalid || len(pr.Fields) == 0 {
				t.Fatalf("%s: error %v is not an invalid problem with fields", in.Key, err)
			}
			order := measureFieldOrder(in)
			for _, fd := range pr.Fields {
				if !slices.Contains(order, fd.Name) || fd.Message == "" {
					t.Fatalf("%s: problem %+v is not one of the form's fields %v", in.Key, fd, order)
				}
			}
			return
		}
		if in.Entry == measure.EntryItems {
			for _, it := range in.Items {
				n, err := strconv.Atoi(strings.TrimSpace(form.Get(measure.ItemField(it.Number))))
				if err != nil || sa.Answers[it.Number] != n {
					t.Fatalf("%s: question %d typed %q, stored %d", in.Key, it.Number, form.Get(measure.ItemField(it.Number)), sa.Answers[it.Number])
				}
			}
			want, err := in.Score(sa.Answers)
			if err != nil || !reflect.DeepEqual(want, res.Result) {
				t.Fatalf("%s: form scored %+v, measure %+v, %v", in.Key, res.Result, want, err)
			}
			return
		}
		if takenOn.IsZero() && len(in.AgeBands) > 0 && strings.TrimSpace(form.Get(measure.IntervalField)) == "" {
			return // nothing to score against: the handler reports the missing date
		}
		for _, dm := range in.Domains {
			x, err := strconv.ParseFloat(strings.TrimSpace(form.Get(measure.DomainField(dm.Key))), 64)
			if err != nil || sa.Domains[dm.Key] != x {
				t.Fatalf("%s: area %s typed %q, stored %v", in.Key, dm.Key, form.Get(measure.DomainField(dm.Key)), sa.Domains[dm.Key])
			}
		}
		if len(in.AgeBands) > 0 && res.AgeBand == 0 {
			t.Fatalf("%s: scored without an interval", in.Key)
		}
	})
}

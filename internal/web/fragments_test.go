package web

import (
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/timeline"
)

// Every field of a fragment view must change its key: a field left out
// would let one row's kept HTML stand for another's.
func TestFragmentKeysCoverEveryField(t *testing.T) {
	for _, base := range []fragmentView{
		caseRowView{FamilyID: 1, ParentID: 2, Reference: "FBS-1", Name: "Amelia Reid", Practitioner: "Priya Shah", Stage: "Postnatal",
			LastContact: "2 November 2026", Paused: "", Shown: []string{"6-month outcome measures"}, More: 1, Next: "Review, 1 December 2026"},
		navView{Signed: true, Role: "dsl", Nav: "caseload"},
	} {
		rv := reflect.ValueOf(base)
		want := string(base.appendKey(nil))
		for i := range rv.NumField() {
			changed := reflect.New(rv.Type()).Elem()
			changed.Set(rv)
			f := changed.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(f.String() + "x")
			case reflect.Int, reflect.Int64:
				f.SetInt(f.Int() + 1)
			case reflect.Bool:
				f.SetBool(!f.Bool())
			case reflect.Slice:
				f.Set(reflect.Append(f, reflect.ValueOf("x")))
			default:
				t.Fatalf("%s.%s: a %s field; teach this test to change it", rv.Type(), rv.Type().Field(i).Name, f.Kind())
			}
			if got := string(changed.Interface().(fragmentView).appendKey(nil)); got == want {
				t.Errorf("%s.%s is not in the key", rv.Type(), rv.Type().Field(i).Name)
			}
		}
	}
	// Fields run together must not make the same key.
	a := caseRowView{Reference: "ab", Name: "c"}
	b := caseRowView{Reference: "a", Name: "bc"}
	if string(a.appendKey(nil)) == string(b.appendKey(nil)) {
		t.Error("two different views share a key")
	}
}

// A kept row is what rendering gives, escaped, and a changed row is
// rendered afresh rather than taken for the one kept before.
func TestCaseloadRowsKeptAsRendered(t *testing.T) {
	s := &Server{views: testViews(t)}
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	row := caseRow{FamilyID: 7, Reference: "FBS-2026-0007", Stage: family.Postnatal,
		Parent:      family.Person{ID: 9, GivenName: "Amelia <b>", FamilyName: `O'Reid "x"`, PractitionerName: "Priya & Shah"},
		LastContact: day, Shown: []string{"No contact for 21 days"}, More: 2,
		Next: &timeline.Milestone{Label: "12-month outcome measures", Due: day.AddDate(0, 2, 0)}}
	render := func(r caseRow, showPractitioner bool) template.HTML {
		t.Helper()
		out, err := s.renderFragments("caseload", "caseload-row", []fragmentView{r.view(showPractitioner)})
		if err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	first := render(row, true)
	for _, want := range []string{`href="/people/9"`, "Amelia &lt;b&gt; O&#39;Reid &#34;x&#34;", "Priya &amp; Shah", "2 November 2026",
		"No contact for 21 days", "and 2 more overdue", "12-month outcome measures, 2 January 2027", `href="/families/7#coming-up"`} {
		if !strings.Contains(string(first), want) {
			t.Errorf("row lacks %q:\n%s", want, first)
		}
	}
	if again := render(row, true); again != first {
		t.Errorf("kept row differs from the first rendering:\n%s\n%s", again, first)
	}
	if len(s.fragments.cur) != 1 {
		t.Errorf("%d rows kept; want 1", len(s.fragments.cur))
	}
	changed := row
	changed.LastContact = day.AddDate(0, 0, 1)
	if got := render(changed, true); !strings.Contains(string(got), "3 November 2026") {
		t.Errorf("a new last contact shows the kept row:\n%s", got)
	}
	if got := render(row, false); strings.Contains(string(got), "Priya") {
		t.Errorf("a practitioner's own row shows the practitioner column:\n%s", got)
	}
	never := row
	never.LastContact, never.Next, never.Shown, never.More, never.Paused = time.Time{}, nil, nil, 0, "Parent unwell"
	never.Parent.PractitionerName = ""
	got := string(render(never, true))
	for _, want := range []string{"None yet", "Paused: Parent unwell", "Nothing overdue", "Not allocated"} {
		if !strings.Contains(got, want) {
			t.Errorf("row lacks %q:\n%s", want, got)
		}
	}
}

// The cache is bounded: a full generation becomes the old one, and what
// is found there moves back.
func TestFragmentCacheGenerations(t *testing.T) {
	var c fragmentCache
	key := func(i int) string { return string(appendInt(nil, int64(i))) }
	for i := range maxFragments {
		c.put(key(i), "x")
	}
	c.put(key(maxFragments), "y")
	if len(c.cur) != 1 || len(c.old) != maxFragments {
		t.Fatalf("cur %d, old %d; want 1 and %d", len(c.cur), len(c.old), maxFragments)
	}
	if h, ok := c.get([]byte(key(0))); !ok || h != "x" || len(c.cur) != 2 {
		t.Errorf("an old fragment: %q %v, cur %d", h, ok, len(c.cur))
	}
	for i := range maxFragments {
		c.put(key(maxFragments+1+i), "z")
	}
	if _, ok := c.get([]byte(key(5))); ok {
		t.Error("a fragment two generations old is still kept")
	}
	if len(c.cur)+len(c.old) > 2*maxFragments {
		t.Errorf("%d fragments kept; the bound is %d", len(c.cur)+len(c.old), 2*maxFragments)
	}
}

// A published page's Markdown is rendered once and kept by its body; an
// edited body is rendered afresh, and the memo stays bounded.
func TestMarkdownMemo(t *testing.T) {
	var c markdownMemo
	first, err := c.render("# Welcome\n\nWe support **both** parents.")
	if err != nil || !strings.Contains(first, "<strong>both</strong>") {
		t.Fatalf("render: %q, %v", first, err)
	}
	if again, _ := c.render("# Welcome\n\nWe support **both** parents."); again != first || len(c.m) != 1 {
		t.Errorf("second render %q, %d kept; want the kept one", again, len(c.m))
	}
	edited, _ := c.render("# Welcome\n\nWe support *both* parents.")
	if edited == first || !strings.Contains(edited, "<em>both</em>") {
		t.Errorf("an edited page shows %q", edited)
	}
	for i := range 2 * maxMarkdown {
		if _, err := c.render("Page " + strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.m) > maxMarkdown {
		t.Errorf("%d renderings kept; the bound is %d", len(c.m), maxMarkdown)
	}
}

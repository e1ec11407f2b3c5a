package chart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/report"
)

// node is a parsed SVG element.
type node struct {
	name     string
	attr     map[string]string
	text     string // character data directly inside
	children []*node
}

// parse checks that out is one well-formed XML element and returns it.
func parse(t *testing.T, out template.HTML) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(out)))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else if root != nil {
				t.Fatalf("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			} else if strings.TrimSpace(string(tok)) != "" {
				t.Fatalf("text outside the root: %q", tok)
			}
		}
	}
	if root == nil || root.name != "svg" {
		t.Fatalf("root is not <svg>: %s", out)
	}
	return root
}

// all is every element under n (n included) called name.
func (n *node) all(name string) []*node {
	var out []*node
	if n.name == name {
		out = append(out, n)
	}
	for _, c := range n.children {
		out = append(out, c.all(name)...)
	}
	return out
}

// texts is the text of every <text> under n.
func (n *node) texts() []string {
	var out []string
	for _, t := range n.all("text") {
		out = append(out, t.text)
	}
	return out
}

// checkAccessible checks the parts every chart must have: role, the
// labelling ids, and a title and description that are its first children.
func checkAccessible(t *testing.T, root *node, id, title string) (desc string) {
	t.Helper()
	if root.attr["role"] != "img" {
		t.Errorf("role = %q, want img", root.attr["role"])
	}
	if got, want := root.attr["aria-labelledby"], id+"-title "+id+"-desc"; got != want {
		t.Errorf("aria-labelledby = %q, want %q", got, want)
	}
	if root.attr["viewBox"] == "" || root.attr["width"] == "" {
		t.Error("no viewBox or width")
	}
	if len(root.children) < 2 || root.children[0].name != "title" || root.children[1].name != "desc" {
		t.Fatalf("the first children are not <title> and <desc>")
	}
	if got := root.children[0].attr["id"]; got != id+"-title" {
		t.Errorf("title id = %q", got)
	}
	if got := root.children[1].attr["id"]; got != id+"-desc" {
		t.Errorf("desc id = %q", got)
	}
	if got := root.children[0].text; got != title {
		t.Errorf("title = %q, want %q", got, title)
	}
	return root.children[1].text
}

// checkClean checks what the Content-Security-Policy and the page need:
// no inline style, no script, no event handlers.
func checkClean(t *testing.T, out template.HTML) {
	t.Helper()
	s := strings.ToLower(string(out))
	for _, bad := range []string{"style=", "<script", " on", "javascript:", "nan", "inf"} {
		if bad == " on" {
			for _, attr := range []string{" onload=", " onclick=", " onmouseover="} {
				if strings.Contains(s, attr) {
					t.Errorf("output has %q", attr)
				}
			}
			continue
		}
		if strings.Contains(s, bad) {
			t.Errorf("output has %q:\n%s", bad, out)
		}
	}
}

func referralsSpec() BarSpec {
	return BarSpec{
		ID:         "referrals",
		Title:      "Referrals by source",
		Desc:       "Referrals received from April to June 2026, all areas",
		Categories: []string{"Social worker", "Midwife", "Self-referral", "Police", "Health visitor"},
		Series: []Series{{Name: "Referrals", Values: []Value{
			V(12), V(8), {Suppressed: true}, {Missing: true}, V(0),
		}}},
	}
}

func TestBarAccessibleAndWellFormed(t *testing.T) {
	out := Bar(referralsSpec())
	root := parse(t, out)
	desc := checkAccessible(t, root, "referrals", "Referrals by source")
	want := "Bar chart: Referrals by source. Referrals received from April to June 2026, all areas." +
		" Social worker 12, Midwife 8, Self-referral hidden, Police no data, Health visitor 0."
	if desc != want {
		t.Errorf("desc =\n%q\nwant\n%q", desc, want)
	}
	checkClean(t, out)
	if !strings.HasPrefix(string(out), `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="640" height="320" viewBox="0 0 640 320" role="img" aria-labelledby="referrals-title referrals-desc"`) {
		t.Errorf("unexpected opening: %.200s", out)
	}
	// Labels are measured by Arial's widths: where Arial is missing, a font
	// with the same widths must come before the generic one.
	if !strings.Contains(string(out), `font-family="arial, 'Liberation Sans', arimo, helvetica, sans-serif"`) {
		t.Errorf("the chart's fonts are not Arial and its metric twins: %.400s", out)
	}
}

func TestBarGapsAreNotBars(t *testing.T) {
	for _, horizontal := range []bool{false, true} {
		spec := referralsSpec()
		spec.Horizontal = horizontal
		root := parse(t, Bar(spec))
		var bars int
		for _, r := range root.all("rect") {
			if r.attr["class"] == "app-chart__bar" {
				bars++
			}
		}
		// 12 and 8 are bars; [c] and no data are not; 0 has no height.
		if bars != 2 {
			t.Errorf("horizontal %v: %d bars, want 2", horizontal, bars)
		}
		texts := root.texts()
		for _, want := range []string{"12", "8", "[c]", "no data", "0"} {
			if !slices.Contains(texts, want) {
				t.Errorf("horizontal %v: no text %q in %q", horizontal, want, texts)
			}
		}
	}
}

func TestBarBarHeightsFollowTheAxis(t *testing.T) {
	// One series of 5 and 10 on an axis to 10: the 10 bar is twice the 5.
	root := parse(t, Bar(BarSpec{ID: "h", Title: "t", Categories: []string{"a", "b"}, Series: []Series{{Values: []Value{V(5), V(10)}}}}))
	var heights []float64
	for _, r := range root.all("rect") {
		h, _ := strconv.ParseFloat(r.attr["height"], 64)
		heights = append(heights, h)
	}
	if len(heights) != 2 || math.Abs(heights[1]-2*heights[0]) > 0.2 {
		t.Errorf("bar heights %v, want the second twice the first", heights)
	}
}

func TestEscaping(t *testing.T) {
	nasty := `North <script>alert("x")</script> & 'East'`
	outputs := map[string]template.HTML{
		"bar": Bar(BarSpec{ID: "e", Title: nasty, Desc: nasty, Categories: []string{nasty, "Ok"},
			Series: []Series{{Name: nasty, Values: []Value{V(6), V(7)}}, {Name: "Other", Values: []Value{V(1), V(2)}}}}),
		"horizontal": Bar(BarSpec{ID: "e", Title: nasty, Horizontal: true, Categories: []string{nasty}, Series: []Series{{Values: []Value{V(6)}}}}),
		"line": Line(LineSpec{ID: "e", Title: nasty, Labels: []string{nasty, "b"},
			Series:    []Series{{Name: nasty, Values: []Value{V(1), V(2)}}, {Name: "x", Values: []Value{V(2), V(1)}}},
			Reference: &Reference{Value: 1.5, Label: nasty}}),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			s := string(out)
			if strings.Contains(s, "<script") || strings.Contains(s, `"x")`) {
				t.Errorf("markup got through:\n%s", s)
			}
			if !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "&amp;") {
				t.Errorf("not escaped as expected:\n%s", s)
			}
			root := parse(t, out)
			checkAccessible(t, root, "e", nasty) // the parsed title is the original text
			if !strings.Contains(root.children[1].text, nasty) {
				t.Errorf("desc lost the label: %q", root.children[1].text)
			}
		})
	}
}

func TestControlCharactersAndBadUTF8(t *testing.T) {
	out := Bar(BarSpec{ID: "c", Title: "a\x00b\x1bc\xffd\uFFFE", Categories: []string{"x\x07y"}, Series: []Series{{Values: []Value{V(5)}}}})
	root := parse(t, out)
	if got := root.children[0].text; got != "a b c\uFFFDd\uFFFD" {
		t.Errorf("title = %q", got)
	}
}

func TestIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"referrals", "referrals"},
		{"referrals by source", "referrals-by-source"},
		{`x" onload="alert(1)`, "x--onload--alert-1"},
		{"2026", "chart-2026"},
		{"", "chart"},
		{"é", "chart"},
	}
	for _, tt := range tests {
		if got := cleanID(tt.in); got != tt.want {
			t.Errorf("cleanID(%q) = %q, want %q", tt.in, got, tt.want)
		}
		root := parse(t, Bar(BarSpec{ID: tt.in, Title: "t", Categories: []string{"a"}, Series: []Series{{Values: []Value{V(1)}}}}))
		checkAccessible(t, root, tt.want, "t")
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   int
		whole  bool
		ticks  []float64
	}{
		{0, 7, 5, true, []float64{0, 2, 4, 6, 8}},
		{0, 93, 5, true, []float64{0, 20, 40, 60, 80, 100}},
		{0, 100, 5, true, []float64{0, 20, 40, 60, 80, 100}},
		{0, 0, 5, true, []float64{0, 1}},
		{0, 0, 5, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 1, 5, true, []float64{0, 1}},
		{0, 3, 5, true, []float64{0, 1, 2, 3}},
		{0, 12, 5, true, []float64{0, 5, 10, 15}},
		{0, 0.37, 5, false, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		{0, 1234, 5, true, []float64{0, 500, 1000, 1500}},
		{-3, 7, 5, true, []float64{-4, -2, 0, 2, 4, 6, 8}},
		{-4.2, 0, 5, false, []float64{-5, -4, -3, -2, -1, 0}},
		{5, 5, 5, true, []float64{0, 1, 2, 3, 4, 5}}, // a range of one value runs from 0
		{0, 27, 3, true, []float64{0, 10, 20, 30}},
		{7, 0, 5, true, []float64{0, 2, 4, 6, 8}},
		{0, math.NaN(), 5, true, []float64{0, 1}},
		{1e-300, 2e-300, 5, false, nil}, // any two or more, without a panic
	}
	for _, tt := range tests {
		got := ticks(tt.lo, tt.hi, tt.want, tt.whole)
		if tt.ticks == nil {
			if len(got) < 2 {
				t.Errorf("ticks(%v, %v) = %v, want at least two", tt.lo, tt.hi, got)
			}
			continue
		}
		if !slices.Equal(got, tt.ticks) {
			t.Errorf("ticks(%v, %v, %d, %v) = %v, want %v", tt.lo, tt.hi, tt.want, tt.whole, got, tt.ticks)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		unit     string
		want     string
	}{
		{12, 0, "", "12"},
		{1234, 0, "", "1,234"},
		{1234567.891, 1, "", "1,234,567.9"},
		{-1234, 0, "", "-1,234"},
		{-0.04, 1, "", "0.0"},
		{26.087, 1, "%", "26.1%"},
		{999.96, 1, "", "1,000.0"},
	}
	for _, tt := range tests {
		if got := format(tt.v, tt.decimals, tt.unit); got != tt.want {
			t.Errorf("format(%v, %d, %q) = %q, want %q", tt.v, tt.decimals, tt.unit, got, tt.want)
		}
	}
}

func TestPaletteContrast(t *testing.T) {
	// WCAG 2.x relative luminance and contrast ratio against white.
	lum := func(hex string) float64 {
		var c [3]float64
		for i := range c {
			v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			if err != nil {
				t.Fatalf("bad colour %q", hex)
			}
			s := float64(v) / 255
			if s <= 0.03928 {
				c[i] = s / 12.92
			} else {
				c[i] = math.Pow((s+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	contrast := func(hex string) float64 { return 1.05 / (lum(hex) + 0.05) }
	seen := map[string]bool{}
	for i := range 6 {
		c := colour(i)
		if seen[c] {
			t.Errorf("colour %d repeats %s", i, c)
		}
		seen[c] = true
		if r := contrast(c); r < 3 {
			t.Errorf("series colour %s is %.2f:1 on white, want at least 3:1 (WCAG 1.4.11)", c, r)
		}
	}
	for _, c := range []string{textColour, secondaryColour} {
		if r := contrast(c); r < 4.5 {
			t.Errorf("text colour %s is %.2f:1 on white, want at least 4.5:1 (WCAG 1.4.3)", c, r)
		}
	}
}

func TestGroupedBarsAndLegend(t *testing.T) {
	spec := BarSpec{ID: "sessions", Title: "Sessions by area", Categories: []string{"North", "South"},
		Series: []Series{
			{Name: "Attended", Values: []Value{V(40), V(35)}},
			{Name: "Missed", Values: []Value{V(8), {Suppressed: true}}},
			{Name: "Cancelled", Values: []Value{V(5)}}, // short: South is missing
		}}
	out := Bar(spec)
	root := parse(t, out)
	desc := checkAccessible(t, root, "sessions", "Sessions by area")
	if want := "Bar chart: Sessions by area. Attended: North 40, South 35. Missed: North 8, South hidden. Cancelled: North 5, South no data."; desc != want {
		t.Errorf("desc = %q, want %q", desc, want)
	}
	texts := root.texts()
	for _, want := range []string{"Attended", "Missed", "Cancelled", "[c]", "no data"} {
		if !slices.Contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	// The second and third series are told apart by pattern, not only colour.
	for _, want := range []string{`<pattern id="sessions-p1"`, `<pattern id="sessions-p2"`, `fill="url(#sessions-p1)"`, `fill="url(#sessions-p2)"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %s", want)
		}
	}
	if strings.Contains(string(Bar(referralsSpec())), "<pattern") {
		t.Error("one series should need no patterns")
	}
}

func TestBarNegativeValues(t *testing.T) {
	for _, horizontal := range []bool{false, true} {
		root := parse(t, Bar(BarSpec{ID: "n", Title: "Mean change", Decimals: 1, Horizontal: horizontal,
			Categories: []string{"PHQ-9", "SWEMWBS"}, Series: []Series{{Values: []Value{V(-4.26), V(2.6)}}}}))
		texts := root.texts()
		for _, want := range []string{"-4.3", "2.6", "0"} {
			if !slices.Contains(texts, want) {
				t.Errorf("horizontal %v: no %q in %q", horizontal, want, texts)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	spec := referralsSpec()
	spec.Series = append(spec.Series, Series{Name: "Last year", Values: []Value{V(3), V(9), V(11), V(6), V(2)}})
	line := LineSpec{ID: "l", Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Name: "x", Values: []Value{V(1), {Missing: true}, V(3)}}, {Name: "y", Values: []Value{V(2), V(2), V(2)}}}}
	for range 3 {
		bar1, bar2 := Bar(spec), Bar(spec)
		line1, line2 := Line(line), Line(line)
		if bar1 != bar2 || line1 != line2 {
			t.Fatal("the same spec gave different output")
		}
	}
}

func TestLine(t *testing.T) {
	spec := LineSpec{
		ID:          "phq9",
		Title:       "PHQ-9 score",
		Desc:        "Lower is better",
		Labels:      []string{"Baseline", "3 months", "6 months", "12 months", "24 months"},
		Series:      []Series{{Name: "PHQ-9", Values: []Value{V(18), V(14), {Missing: true}, V(9), V(6)}}},
		Reference:   &Reference{Value: 10, Label: "Clinical cut-off"},
		YFrom:       0,
		YTo:         27,
		Width:       360,
		Height:      160,
		ValueLabels: true,
	}
	out := Line(spec)
	root := parse(t, out)
	desc := checkAccessible(t, root, "phq9", "PHQ-9 score")
	want := "Line chart: PHQ-9 score. Lower is better. Baseline 18, 3 months 14, 6 months no data, 12 months 9, 24 months 6. Dashed line: Clinical cut-off, 10."
	if desc != want {
		t.Errorf("desc =\n%q\nwant\n%q", desc, want)
	}
	checkClean(t, out)
	texts := root.texts()
	for _, want := range []string{"Baseline", "24", "months", "no data", "18", "6", "0", "27", "Clinical cut-off 10"} {
		if !slices.Contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	// The missing point breaks the line: two pieces, one path.
	paths := 0
	for _, p := range root.all("path") {
		if p.attr["class"] == "app-chart__line" {
			paths++
			if got := strings.Count(p.attr["d"], "M"); got != 2 {
				t.Errorf("line has %d pieces, want 2: %s", got, p.attr["d"])
			}
		}
	}
	if paths != 1 {
		t.Errorf("%d lines, want 1", paths)
	}
	if got := len(root.all("circle")); got != 4 {
		t.Errorf("%d points, want 4 (no point where the value is missing)", got)
	}
	if !strings.Contains(string(out), `stroke-dasharray="6 4"`) {
		t.Error("no dashed reference line")
	}
}

func TestLineSeriesDifferByShapeAndDash(t *testing.T) {
	var series []Series
	for j := range 6 {
		series = append(series, Series{Name: "S" + strconv.Itoa(j), Values: []Value{V(float64(j)), V(float64(j + 1))}})
	}
	out := Line(LineSpec{ID: "six", Title: "Six", Labels: []string{"a", "b"}, Series: series})
	root := parse(t, out)
	// Legend keys and points: circles for the first series, squares for the
	// second, paths for the other four shapes.
	if got := len(root.all("circle")); got != 3 {
		t.Errorf("%d circles, want 3 (two points and a legend key)", got)
	}
	if got := len(root.all("rect")); got != 3 {
		t.Errorf("%d squares, want 3", got)
	}
	dashes := map[string]bool{}
	for _, p := range root.all("path") {
		if p.attr["class"] == "app-chart__line" {
			dashes[p.attr["stroke-dasharray"]] = true
		}
	}
	if len(dashes) != 6 {
		t.Errorf("%d different dashes for 6 series, want 6", len(dashes))
	}
	for j := range 6 {
		if !slices.Contains(root.texts(), "S"+strconv.Itoa(j)) {
			t.Errorf("legend lacks S%d", j)
		}
	}
}

func TestLineGapsAndSuppression(t *testing.T) {
	out := Line(LineSpec{ID: "m", Title: "By month", Labels: []string{"Jan 2026", "Feb 2026", "Mar 2026"},
		Series: []Series{{Name: "A", Values: []Value{V(7), {Suppressed: true}, V(9)}}, {Name: "B", Values: []Value{V(6), {Missing: true}, V(8)}}}})
	root := parse(t, out)
	desc := checkAccessible(t, root, "m", "By month")
	if want := "Line chart: By month. A: Jan 2026 7, Feb 2026 hidden, Mar 2026 9. B: Jan 2026 6, Feb 2026 no data, Mar 2026 8."; desc != want {
		t.Errorf("desc = %q", desc)
	}
	if !slices.Contains(root.texts(), "[c], no data") {
		t.Errorf("no gap label in %q", root.texts())
	}
	for _, p := range root.all("path") {
		if p.attr["class"] == "app-chart__line" {
			t.Errorf("a line drawn across the gap: %s", p.attr["d"])
		}
	}
}

func TestManyLabelsAreThinned(t *testing.T) {
	var labels []string
	var values []Value
	for _, m := range report.MonthKeys(mustDate("2025-01-01"), mustDate("2026-12-01")) {
		labels = append(labels, report.MonthLabel(m))
		values = append(values, V(float64(len(values))))
	}
	root := parse(t, Line(LineSpec{ID: "t", Title: "Two years", Labels: labels, Series: []Series{{Name: "n", Values: values}}}))
	texts := root.texts()
	if !slices.Contains(texts, "Jan") || slices.Contains(texts, "Feb") || !slices.Contains(texts, "Mar") {
		t.Errorf("want every second month, wrapped; got %q", texts)
	}
}

func TestSmallLabelsFitInASmallChart(t *testing.T) {
	// The person's measures page draws its charts 360px wide.
	root := parse(t, Line(LineSpec{ID: "s", Title: "t", Width: 360, Height: 160,
		Labels: []string{"Baseline", "3 months", "6 months", "12 months", "24 months"},
		Series: []Series{{Values: []Value{V(1), V(2), V(3), V(4), V(5)}}}}))
	texts := root.texts()
	for _, want := range []string{"Baseline", "3", "6", "12", "24"} {
		if !slices.Contains(texts, want) {
			t.Errorf("a 360px chart of five timepoints lacks %q: %q", want, texts)
		}
	}
}

func TestLongLabelsAreShortenedWithTheWholeInATooltip(t *testing.T) {
	long := "Independent domestic violence adviser from the hospital-based team"
	root := parse(t, Bar(BarSpec{ID: "l", Title: "t", Categories: []string{long, "b", "c", "d", "e", "f"}, Series: []Series{{Values: []Value{V(5), V(6), V(7), V(8), V(9), V(10)}}}}))
	found := false
	for _, tt := range root.all("title") {
		found = found || tt.text == long
	}
	if !found {
		t.Error("the shortened label's full text is not in a <title>")
	}
	for _, tx := range root.texts() {
		if textWidth(tx, fontSize) > 640/6 {
			t.Errorf("label %q is wider than its bar's band", tx)
		}
	}
}

func TestEmptyAndDegenerateSpecs(t *testing.T) {
	nan := math.NaN()
	outs := map[string]template.HTML{
		"bar, nothing":        Bar(BarSpec{ID: "a", Title: "Nothing"}),
		"bar, no series":      Bar(BarSpec{ID: "a", Title: "Nothing", Categories: []string{"x"}}),
		"bar, all suppressed": Bar(BarSpec{ID: "a", Title: "t", Categories: []string{"x", "y"}, Series: []Series{{Values: []Value{{Suppressed: true}, {Missing: true}}}}}),
		"bar, all zero":       Bar(BarSpec{ID: "a", Title: "t", Categories: []string{"x"}, Series: []Series{{Values: []Value{V(0)}}}}),
		"bar, NaN and Inf":    Bar(BarSpec{ID: "a", Title: "t", Categories: []string{"x", "y"}, Series: []Series{{Values: []Value{V(nan), V(math.Inf(1))}}}}),
		"bar, all negative":   Bar(BarSpec{ID: "a", Title: "t", Categories: []string{"x", "y"}, Series: []Series{{Values: []Value{V(-3), {Suppressed: true}}}}}),
		"bar, tiny":           Bar(BarSpec{ID: "a", Title: "t", Width: 40, Height: 20, Categories: []string{"x", "y"}, Series: []Series{{Values: []Value{V(3), V(4)}}}}),
		"bar, huge":           Bar(BarSpec{ID: "a", Title: "t", Categories: []string{"x"}, Series: []Series{{Values: []Value{V(1e12)}}}}),
		"horizontal, tiny":    Bar(BarSpec{ID: "a", Title: "t", Horizontal: true, Width: 40, Height: 20, Categories: []string{"x", "y"}, Series: []Series{{Values: []Value{V(3), V(-4)}}}}),
		"line, nothing":       Line(LineSpec{ID: "a", Title: "Nothing"}),
		"line, all missing":   Line(LineSpec{ID: "a", Title: "t", Labels: []string{"x"}, Series: []Series{{Values: []Value{{Missing: true}}}}}),
		"line, one point":     Line(LineSpec{ID: "a", Title: "t", Labels: []string{"x"}, Series: []Series{{Values: []Value{V(4)}}}}),
		"line, NaN reference": Line(LineSpec{ID: "a", Title: "t", Labels: []string{"x"}, Series: []Series{{Values: []Value{V(4)}}}, Reference: &Reference{Value: nan}}),
		"line, negative":      Line(LineSpec{ID: "a", Title: "t", Labels: []string{"x", "y"}, Series: []Series{{Values: []Value{V(-4), V(3)}}}}),
		"line, fixed axis":    Line(LineSpec{ID: "a", Title: "t", Labels: []string{"x"}, YFrom: 14, YTo: 70, Series: []Series{{Values: []Value{V(80)}}}}),
		"line, tiny":          Line(LineSpec{ID: "a", Title: "t", Width: 30, Height: 10, Labels: []string{"a long label", "y"}, Series: []Series{{Values: []Value{V(1), V(2)}}}}),
	}
	for name, out := range outs {
		t.Run(name, func(t *testing.T) {
			root := parse(t, out)
			checkAccessible(t, root, "a", root.children[0].text)
			checkClean(t, out)
		})
	}
	if !strings.Contains(string(outs["bar, nothing"]), "No data to show") {
		t.Error("an empty chart should say so")
	}
}

func TestFromTable(t *testing.T) {
	tbl := report.CountsTable("referrals-by-source", "Referrals by source", "Referrals received in 2026", "Source", []report.KeyCount{
		{Key: "sw", Label: "Social worker", N: 12}, {Key: "mw", Label: "Midwife", N: 8}, {Key: "self", Label: "Self-referral", N: 3}, {Key: "gp", Label: "GP", N: 2},
	})
	tbl.Rows = tbl.Rows[:len(tbl.Rows)-1] // no total row
	spec := FromTable("src", tbl, 0, []int{1})
	if spec.Title != "Referrals by source" || spec.Desc != "Referrals received in 2026" || spec.ID != "src" {
		t.Errorf("spec = %+v", spec)
	}
	if !slices.Equal(spec.Categories, []string{"Social worker", "Midwife", "Self-referral", "GP"}) {
		t.Errorf("categories = %q", spec.Categories)
	}
	if len(spec.Series) != 1 || spec.Series[0].Name != "Number" || spec.Unit != "" || spec.Decimals != 0 {
		t.Fatalf("series = %+v, unit %q, decimals %d", spec.Series, spec.Unit, spec.Decimals)
	}
	if want := []Value{V(12), V(8), {Suppressed: true}, {Suppressed: true}}; !slices.Equal(spec.Series[0].Values, want) {
		t.Errorf("values = %+v, want %+v", spec.Series[0].Values, want)
	}
	desc := checkAccessible(t, parse(t, Bar(spec)), "src", "Referrals by source")
	if want := "Bar chart: Referrals by source. Referrals received in 2026. Social worker 12, Midwife 8, Self-referral hidden, GP hidden."; desc != want {
		t.Errorf("desc = %q", desc)
	}

	// The percentage column: one decimal, "%", and suppressed alike.
	pct := FromTable("pct", tbl, 0, []int{2})
	if pct.Unit != "%" || pct.Decimals != 1 || !pct.Series[0].Values[2].Suppressed {
		t.Errorf("percentages: %+v", pct)
	}
	desc = checkAccessible(t, parse(t, Bar(pct)), "pct", "Referrals by source")
	if !strings.Contains(desc, "Social worker 48.0%") || !strings.Contains(desc, "Self-referral hidden") {
		t.Errorf("desc = %q", desc)
	}

	// Columns that are not there are missing, not zero.
	odd := FromTable("odd", tbl, 9, []int{0, 7})
	if odd.Categories[0] != "" || !odd.Series[0].Values[0].Missing || !odd.Series[1].Values[0].Missing {
		t.Errorf("out of range columns: %+v", odd)
	}
}

func TestCellValue(t *testing.T) {
	tests := []struct {
		in   report.Cell
		want Value
	}{
		{report.Count(7), V(7)},
		{report.Count(0), V(0)},
		{report.Count(3), Value{Suppressed: true}},
		{report.Number(2.5, 1, 2), Value{Suppressed: true}},
		{report.Number(2.5, 1, 0), Value{Missing: true}},
		{report.Label("x"), Value{Missing: true}},
	}
	for _, tt := range tests {
		if got := CellValue(tt.in); got != tt.want {
			t.Errorf("CellValue(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		width float64
		max   int
		want  []string
	}{
		{"Social worker", 200, 3, []string{"Social worker"}},
		{"Social worker", 60, 3, []string{"Social", "worker"}},
		{"Independent domestic violence adviser", 110, 2, []string{"Independent", "domestic vi…"}},
		{"Supercalifragilistic", 60, 3, []string{"Supe…"}},
		{"  ", 60, 3, nil},
	}
	for _, tt := range tests {
		got := wrap(tt.s, fontSize, tt.width, tt.max)
		if !slices.Equal(got, tt.want) {
			t.Errorf("wrap(%q, %v, %d) = %q, want %q", tt.s, tt.width, tt.max, got, tt.want)
		}
		for _, l := range got {
			if textWidth(l, fontSize) > tt.width {
				t.Errorf("wrap(%q): line %q is wider than %v", tt.s, l, tt.width)
			}
		}
	}
}

func mustDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Every marker of a line chart, in the plot and in the legend, is drawn in
// its series' colour, set on it or on a group around it (not the text
// colour the <svg> gives everything else).
func TestMarkersHaveTheirSeriesColour(t *testing.T) {
	var series []Series
	for j := range 3 {
		series = append(series, Series{Name: fmt.Sprintf("s%d", j), Values: []Value{V(float64(j)), V(float64(j + 1)), V(float64(j + 2))}})
	}
	root := parse(t, Line(LineSpec{ID: "m", Title: "t", Labels: []string{"a", "b", "c"}, Series: series, ValueLabels: true,
		Reference: &Reference{Value: 1, Label: "Ref"}}))
	colours := map[string]bool{}
	for j := range 3 {
		colours[colour(j)] = true
	}
	markers := 0
	var walk func(n *node, fill string)
	walk = func(n *node, fill string) {
		if f, ok := n.attr["fill"]; ok {
			fill = f
		}
		switch {
		case n.name == "circle" || n.name == "rect" || (n.name == "path" && n.attr["class"] != "app-chart__line" && n.attr["fill"] != "none"):
			markers++
			if !colours[fill] {
				t.Errorf("a %s marker filled %q, not a series colour", n.name, fill)
			}
		}
		for _, c := range n.children {
			walk(c, fill)
		}
	}
	walk(root, "")
	if want := 3*3 + 3; markers != want { // every point, and one in the legend for each series
		t.Errorf("%d markers, want %d", markers, want)
	}
}

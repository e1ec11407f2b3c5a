// Package chart draws Cradle's dashboard charts as inline SVG, on the
// server, with no JavaScript: bar charts of categories and line charts of
// scores or counts over time.
//
// The charts are built to be accessible. Each <svg> has role="img" and is
// labelled by its own <title> and a <desc> that gives the data in words; the
// same figures appear in a table beside the chart, which is the real
// alternative. Series are told apart by fill pattern (bars) or marker shape
// and dash (lines) as well as by colour (WCAG 1.4.1), every colour has at
// least 3:1 contrast with white (1.4.11), and text is #0b0c0c. A suppressed
// or missing figure is never drawn as zero: it has no bar or point, only the
// words "[c]" or "no data" where it would be.
//
// Text is escaped as it is written, so labels (which may be area names that
// users typed) cannot inject markup. The output uses presentation attributes
// only, no style attribute, as the Content-Security-Policy forbids inline
// styles. The <svg> has a width and height in pixels and a viewBox; to let a
// chart shrink with the page, the stylesheet needs
//
//	.app-chart { max-width: 100%; height: auto; }
//
// The package is pure: standard library only, no I/O, no global state, and
// the same spec always gives byte-for-byte the same SVG.
package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/report"
)

// Value is one figure in a chart. A suppressed figure (a small count, or one
// derived from few people) or a missing one (no figure exists) is drawn as a
// gap labelled "[c]" or "no data", never as zero.
type Value struct {
	V          float64
	Suppressed bool
	Missing    bool
}

// V is a value that is there to draw.
func V(v float64) Value { return Value{V: v} }

// CellValue is a report table cell as a chart value: suppressed as the cell
// is, missing if the cell is missing or not a number.
func CellValue(c report.Cell) Value {
	switch {
	case c.Suppressed:
		return Value{Suppressed: true}
	case c.Missing, !c.Numeric, math.IsNaN(c.Value), math.IsInf(c.Value, 0):
		return Value{Missing: true}
	}
	return Value{V: c.Value}
}

// drawn reports whether v is a figure to draw.
func (v Value) drawn() bool {
	return !v.Suppressed && !v.Missing && !math.IsNaN(v.V) && !math.IsInf(v.V, 0)
}

// Series is one named set of values, one per category or time point.
type Series struct {
	Name   string
	Values []Value
}

// at is the series' value for category i; a short series is missing the rest.
func (s Series) at(i int) Value {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return Value{Missing: true}
}

// Text and line colours (GOV.UK Frontend), and sizes in SVG pixels.
const (
	textColour      = "#0b0c0c" // GOV.UK text: 19.6:1 on white
	secondaryColour = "#505a5f" // GOV.UK secondary text: 7.1:1, for "[c]", "no data" and reference lines
	gridColour      = "#b1b4b6" // GOV.UK mid-grey: gridlines are not needed to read the chart
	// Arial, as GOV.UK Frontend's pages, then fonts with Arial's widths;
	// textWidth also allows for DejaVu Sans, where none of them is installed.
	fontFamily = "arial, 'Liberation Sans', arimo, helvetica, sans-serif"
	fontSize   = 16 // category labels, legend
	smallSize  = 14 // ticks, value labels, gap labels
	lineHeight = 20 // for 16px text
)

// MaxSeries is how many series a chart tells apart: after it the colours
// repeat, and so do the patterns and markers that go with them, so a table
// with more is better shown as a table alone.
const MaxSeries = 6

// colour is series i's colour: GOV.UK Frontend colours, each at least 3:1
// on white. (GOV.UK orange, #f47738, is 2.8:1 and is left out.) After
// MaxSeries they repeat.
func colour(i int) string {
	c := [...]string{
		"#1d70b8", // blue 5.2:1
		"#00703c", // green 6.2:1
		"#912b88", // purple 7.2:1
		"#d4351c", // red 4.9:1
		"#28a197", // turquoise 3.2:1
		"#b58840", // brown 3.2:1
	}
	return c[i%len(c)]
}

// buf builds the SVG text.
type buf struct{ strings.Builder }

// WriteString appends s. It hides strings.Builder's, whose error is always
// nil, so that the many calls below have no error to drop.
func (b *buf) WriteString(s string) { b.Builder.WriteString(s) }

// open writes the <svg> element with its title and description.
func (b *buf) open(id string, w, h int, title, desc string) {
	ws, hs := strconv.Itoa(w), strconv.Itoa(h)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="` + ws + `" height="` + hs +
		`" viewBox="0 0 ` + ws + ` ` + hs + `" role="img" aria-labelledby="` + id + `-title ` + id + `-desc"` +
		` font-family="` + fontFamily + `" font-size="` + strconv.Itoa(fontSize) + `" fill="` + textColour + `">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + `</desc>`)
}

func (b *buf) close() template.HTML {
	b.WriteString("</svg>")
	// Safe: built here from escaped text, numbers and fixed markup only.
	// #nosec G203 -- every text goes through esc, ids through cleanID, the rest is numbers and constant markup; TestEscaping feeds it markup
	return template.HTML(b.String())
}

// text writes a <text> element. anchor is "start", "middle" or "end"; attrs
// are extra attributes, already safe.
func (b *buf) text(x, y float64, size int, anchor, s, attrs string) {
	b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if size != fontSize {
		b.WriteString(` font-size="` + strconv.Itoa(size) + `"`)
	}
	if anchor != "start" {
		b.WriteString(` text-anchor="` + anchor + `"`)
	}
	b.WriteString(attrs + `>` + esc(s) + `</text>`)
}

// lines writes text over several lines, the first baseline at y.
func (b *buf) lines(x, y float64, size int, anchor string, ls []string, full string) {
	for i, l := range ls {
		b.text(x, y+float64(i)*lineSpacing(size), size, anchor, l, "")
	}
	if full != "" && strings.Join(ls, " ") != full {
		// Shortened: the whole label is in the description, and a tooltip.
		b.WriteString(`<title>` + esc(full) + `</title>`)
	}
}

// lineSpacing is the distance between lines of text at size.
func lineSpacing(size int) float64 { return math.Round(float64(size) * lineHeight / fontSize) }

// halo is the attributes of text drawn over lines: a white outline keeps
// it readable where it crosses one.
const halo = ` stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"`

// esc makes s safe as SVG text or a quoted attribute value: invalid UTF-8
// and characters XML forbids are replaced, control characters become
// spaces, and markup characters are escaped.
func esc(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\uFFFE' || r == '\uFFFF':
			return '\uFFFD'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
	return template.HTMLEscapeString(s)
}

// cleanID makes id safe as an XML id and in a space-separated list of ids.
func cleanID(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "chart-" + s
	}
	return strings.TrimRight(s, "-")
}

// num writes a coordinate to a tenth of a pixel, without "-0".
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// format writes a figure for people to read: to the given decimals, with
// commas between thousands, and unit after it ("%").
func format(v float64, decimals int, unit string) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // not "-0.0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String() + unit
}

// Gap labels: what is drawn, and said, in place of a figure.
const (
	suppressedText = report.SuppressedText
	missingText    = "no data"
)

// gapText is what a chart writes in place of a value that is not drawn.
func gapText(v Value) string {
	if v.Suppressed {
		return suppressedText
	}
	return missingText
}

// textWidth estimates the width of s in px at size. Each character takes
// the wider of Arial's advance and DejaVu Sans's (the sans-serif of many
// Linux machines, which have no Arial or metric twin and where it is about
// 13% wider): a label sized by Arial alone was clipped there. It errs a
// little wide, so on Arial a label has room to spare rather than too little.
func textWidth(s string, size int) float64 {
	// Advance widths in thousandths of an em for ASCII 32 to 126: the larger
	// of Arial's and DejaVu Sans's (measured in Chromium's canvas at 1000px).
	ascii := [...]int{
		318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, // space to /
		636, 636, 636, 636, 636, 636, 636, 636, 636, 636, // 0 to 9
		337, 337, 838, 838, 838, 556, 1015, // : to @
		684, 686, 722, 770, 667, 611, 778, 752, 295, 500, 667, 557, 863, // A to M
		748, 787, 667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, // N to Z
		390, 337, 390, 838, 556, 500, // [ to `
		613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, // a to m
		634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, // n to z
		636, 337, 636, 838, // { to ~
	}
	em := 0
	for _, r := range s {
		switch {
		case r >= 32 && r <= 126:
			em += ascii[r-32] // #nosec G602 -- r is 32..126 here and ascii has one entry for each
		case r < 0x2e80: // other alphabets: about an average capital
			em += 700
		default: // CJK and the like: a full em
			em += 1000
		}
	}
	return float64(em) * float64(size) / 1000 * 1.04
}

// wrap breaks s into at most maxLines lines no wider than width at size,
// shortening the last with an ellipsis if it does not all fit.
func wrap(s string, size int, width float64, maxLines int) []string {
	words := strings.Fields(s)
	var out []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case textWidth(line+" "+w, size) <= width:
			line += " " + w
		default:
			out = append(out, line)
			line = w
		}
	}
	if line != "" {
		out = append(out, line)
	}
	if len(out) > maxLines {
		out[maxLines-1] = strings.Join(out[maxLines-1:], " ")
		out = out[:maxLines]
	}
	for i, l := range out {
		if textWidth(l, size) > width {
			out[i] = shorten(l, size, width)
		}
	}
	return out
}

// shorten cuts s to fit width with an ellipsis.
func shorten(s string, size int, width float64) string {
	for s != "" && textWidth(s+"…", size) > width {
		_, n := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-n], " ")
	}
	return s + "…"
}

// describe is a chart's description: what kind of chart, its title, the
// caller's note on what is counted, and then every figure in words.
func describe(kind, title, note string, labels []string, series []Series, decimals int, unit string) string {
	var b strings.Builder
	b.WriteString(kind + ": " + sentence(title))
	if note = strings.TrimSpace(note); note != "" {
		b.WriteString(" " + sentence(note))
	}
	// A hidden figure may be a small count or a larger one hidden so that a
	// small one cannot be worked out, so the words do not say which.
	small := "hidden"
	for _, s := range series {
		b.WriteString(" ")
		if len(series) > 1 {
			b.WriteString(strings.TrimSpace(s.Name) + ": ")
		}
		for i, l := range labels {
			if i > 0 {
				b.WriteString(", ")
			}
			v := s.at(i)
			b.WriteString(strings.TrimSpace(l) + " ")
			switch {
			case v.Suppressed:
				b.WriteString(small)
			case !v.drawn():
				b.WriteString(missingText)
			default:
				b.WriteString(format(v.V, decimals, unit))
			}
		}
		b.WriteString(".")
	}
	return b.String()
}

// sentence ends s with a full stop unless it has one.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// legendItem is one entry of a legend.
type legendItem struct {
	name   string
	key    float64                    // the key's width; it is 16px high
	swatch func(b *buf, x, y float64) // draws the key with its top left at x, y
}

// legend lays out items in rows across width from x0, y0, and returns the
// height used (0 for no items). With draw false it only measures.
func legend(b *buf, items []legendItem, x0, y0, width float64, draw bool) float64 {
	if len(items) == 0 {
		return 0
	}
	const gap, space = 8.0, 24.0
	x, y := 0.0, 0.0
	for _, it := range items {
		name := it.name
		if w := it.key + gap + textWidth(name, fontSize); w > width {
			name = shorten(name, fontSize, width-it.key-gap)
		}
		w := it.key + gap + textWidth(name, fontSize)
		if x > 0 && x+w > width {
			x, y = 0, y+lineHeight+6
		}
		if draw {
			it.swatch(b, x0+x, y0+y+2)
			b.text(x0+x+it.key+gap, y0+y+15, fontSize, "start", name, "")
		}
		x += w + space
	}
	return y + lineHeight + 6
}

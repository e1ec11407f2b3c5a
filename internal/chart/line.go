package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// LineSpec describes a line chart: one or more series across the same
// points, such as a parent's score at each timepoint (a small chart, say
// 320 × 160) or referrals by month (a dashboard trend, 640 × 280).
type LineSpec struct {
	ID        string   // unique on the page; the title and description ids are ID+"-title" and ID+"-desc"
	Title     string   // the chart's accessible name
	Desc      string   // what is shown, over which period; follows the title in the description
	Labels    []string // the points along the bottom, in order: "Baseline", "6 months", or months
	Series    []Series // a legend is drawn when there is more than one
	Reference *Reference
	// YFrom and YTo fix the vertical axis, e.g. 0 to 27 for PHQ-9; it is
	// stretched if a value or the reference line falls outside. When both
	// are 0 the axis runs from 0 (or below, for negative values) to a round
	// number at or above the highest value.
	YFrom, YTo  float64
	Width       int    // in px; 0 means 640
	Height      int    // in px; 0 means 280
	Decimals    int    // digits after the point in values
	Unit        string // written after each value, e.g. "%"
	ValueLabels bool   // write each point's value above it: for one series of a few points
}

// Reference is a horizontal line across a line chart, such as a clinical
// cut-off, drawn dashed and labelled at its right-hand end.
type Reference struct {
	Value float64
	Label string // e.g. "Clinical cut-off"
}

// Line draws a line chart. Each series has its own colour, dash and marker
// shape. A suppressed or missing value breaks the line: there is no point,
// and "[c]" or "no data" is written at the foot of the chart there. A chart
// too small for its labels is made taller.
func Line(spec LineSpec) template.HTML {
	id := cleanID(spec.ID)
	w, h := float64(spec.Width), float64(spec.Height)
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 280
	}
	n, m := len(spec.Labels), len(spec.Series)
	desc := describe("Line chart", spec.Title, spec.Desc, spec.Labels, spec.Series, spec.Decimals, spec.Unit)
	ref := spec.Reference
	if ref != nil && (math.IsNaN(ref.Value) || math.IsInf(ref.Value, 0)) {
		ref = nil
	}
	if ref != nil {
		desc += " Dashed line: " + strings.TrimSpace(ref.Label) + ", " + format(ref.Value, spec.Decimals, spec.Unit) + "."
	}
	if n == 0 || m == 0 {
		return empty(id, int(w), spec.Height, spec.Title, desc)
	}

	var items []legendItem
	if m > 1 || ref != nil {
		for j, s := range spec.Series {
			items = append(items, legendItem{name: s.Name, key: 28, swatch: func(b *buf, x, y float64) {
				b.WriteString(`<line x1="` + num(x) + `" x2="` + num(x+28) + `" y1="` + num(y+8) + `" y2="` + num(y+8) + `"` + lineStroke(j) + `/>`)
				marker(b, j, x+14, y+8, markerAttrs(j))
			}})
		}
	}
	if m == 1 && ref != nil {
		items = nil // one series needs no key; the reference line does
	}
	if ref != nil {
		items = append(items, legendItem{name: strings.TrimSpace(ref.Label + " " + format(ref.Value, spec.Decimals, spec.Unit)), key: 28, swatch: func(b *buf, x, y float64) {
			b.WriteString(`<line x1="` + num(x) + `" x2="` + num(x+28) + `" y1="` + num(y+8) + `" y2="` + num(y+8) + `"` + refStroke + `/>`)
		}})
	}
	legendH := legend(nil, items, 0, 0, w, false)

	// The vertical range: the data, the reference line, and any fixed axis.
	lo, hi := math.Inf(1), math.Inf(-1)
	whole := spec.Decimals == 0
	for _, s := range spec.Series {
		for i := range n {
			if v := s.at(i); v.drawn() {
				lo, hi = math.Min(lo, v.V), math.Max(hi, v.V)
				whole = whole && v.V == math.Trunc(v.V)
			}
		}
	}
	if ref != nil {
		lo, hi = math.Min(lo, ref.Value), math.Max(hi, ref.Value)
	}
	fixed := spec.YTo > spec.YFrom
	if fixed {
		lo, hi = math.Min(lo, spec.YFrom), math.Max(hi, spec.YTo)
	} else {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}

	top := legendH + 12
	if spec.ValueLabels {
		top = legendH + 24
	}
	want := min(max(int((h-top-48)/50)+1, 3), 6) // ticks about 50px apart on a plot of about h−top−48
	tk := ticks(lo, hi, want, whole)
	step := tk[1] - tk[0]
	alo, ahi := tk[0], tk[len(tk)-1] // the axis' ends
	if fixed {
		alo, ahi = lo, hi
		var inside []float64
		for _, t := range tk {
			if t >= alo-1e-9 && t <= ahi+1e-9 {
				inside = append(inside, t)
			}
		}
		tk = inside
	}
	dec := stepDecimals(step)
	tickW := 0.0
	for _, t := range append([]float64{alo, ahi}, tk...) {
		tickW = math.Max(tickW, textWidth(format(t, max(dec, spec.Decimals), spec.Unit), smallSize))
	}
	left, right := math.Ceil(tickW)+10, 8.0
	plotW := w - left - right
	band := plotW / float64(n)
	x := func(i int) float64 { return left + (float64(i)+0.5)*band }

	// Labels along the bottom: every one if they fit (on two lines at
	// most), otherwise every second, third and so on.
	every, xSize, xl, lines := xLabels(spec.Labels, band, left, w)
	bottom := float64(lines)*lineSpacing(xSize) + 8
	plotH := h - top - bottom
	if plotH < 60 {
		h += 60 - plotH
		plotH = 60
	}
	plotBottom := top + plotH
	y := func(v float64) float64 { return plotBottom - (v-alo)/(ahi-alo)*plotH }

	var b buf
	b.open(id, int(w), int(math.Ceil(h)), spec.Title, desc)
	legend(&b, items, 0, 0, w, true)

	// Gridlines and their labels. A fixed axis has its ends labelled (the
	// questionnaire's range), and drops any tick too close to one.
	labelled := tk
	if fixed {
		labelled = []float64{alo, ahi}
		for _, t := range tk {
			if math.Abs(y(t)-y(alo)) >= 22 && math.Abs(y(t)-y(ahi)) >= 22 {
				labelled = append(labelled, t)
			}
		}
	}
	b.WriteString(`<g stroke="` + gridColour + `" stroke-width="1">`)
	for _, t := range labelled {
		if y(t) < plotBottom-0.5 {
			b.WriteString(`<line x1="` + num(left) + `" x2="` + num(w-right) + `" y1="` + num(y(t)) + `" y2="` + num(y(t)) + `"/>`)
		}
	}
	b.WriteString(`</g>`)
	for _, t := range labelled {
		d := dec
		if t != math.Round(t) {
			d = max(dec, spec.Decimals)
		}
		b.text(left-8, y(t)+5, smallSize, "end", format(t, d, spec.Unit), "")
	}
	b.WriteString(`<line x1="` + num(left) + `" x2="` + num(w-right) + `" y1="` + num(plotBottom) + `" y2="` + num(plotBottom) + `" stroke="` + textColour + `" stroke-width="1"/>`)
	if alo < 0 && ahi > 0 {
		b.WriteString(`<line x1="` + num(left) + `" x2="` + num(w-right) + `" y1="` + num(y(0)) + `" y2="` + num(y(0)) + `" stroke="` + textColour + `" stroke-width="1"/>`)
	}
	for i, ls := range xl {
		if i%every == 0 {
			b.lines(x(i), plotBottom+20, xSize, "middle", ls, spec.Labels[i])
		}
	}

	if ref != nil {
		// Labelled in the legend: a label on the line would sit on the data.
		yr := y(ref.Value)
		b.WriteString(`<line x1="` + num(left) + `" x2="` + num(w-right) + `" y1="` + num(yr) + `" y2="` + num(yr) + `"` + refStroke + `/>`)
	}

	// The lines, broken wherever a value is not drawn, then the points.
	for j, s := range spec.Series {
		var d strings.Builder
		pen := false
		for i := range n {
			v := s.at(i)
			if !v.drawn() {
				pen = false
				continue
			}
			if pen {
				d.WriteString(" L")
			} else {
				d.WriteString(" M")
			}
			d.WriteString(num(x(i)) + " " + num(y(v.V)))
			pen = true
		}
		if path := strings.TrimSpace(d.String()); strings.Contains(path, "L") {
			b.WriteString(`<path class="app-chart__line" d="` + path + `" fill="none"` + lineStroke(j) + ` stroke-linejoin="round"/>`)
		}
	}
	// Each series' markers, and the value labels, share their attributes
	// in a group: a page of charts repeats them at every point otherwise.
	for j, s := range spec.Series {
		b.WriteString(`<g` + markerAttrs(j) + `>`)
		for i := range n {
			if v := s.at(i); v.drawn() {
				marker(&b, j, x(i), y(v.V), "")
			}
		}
		b.WriteString(`</g>`)
	}
	if spec.ValueLabels {
		b.WriteString(`<g font-size="` + strconv.Itoa(smallSize) + `" text-anchor="middle"` + halo + `>`)
		for _, s := range spec.Series {
			for i := range n {
				if v := s.at(i); v.drawn() {
					b.WriteString(`<text x="` + num(x(i)) + `" y="` + num(y(v.V)-11) + `">` + esc(format(v.V, spec.Decimals, spec.Unit)) + `</text>`)
				}
			}
		}
		b.WriteString(`</g>`)
	}

	// Gaps: at the foot of the chart, what is missing there. With several
	// series, the broken line shows which.
	for i := range n {
		var kinds []string
		for _, s := range spec.Series {
			if v := s.at(i); !v.drawn() {
				if t := gapText(v); !contains(kinds, t) {
					kinds = append(kinds, t)
				}
			}
		}
		if len(kinds) == 0 {
			continue
		}
		t := strings.Join(kinds, ", ")
		fill := ` fill="` + secondaryColour + `"` + halo
		if textWidth(t, smallSize) > band-4 {
			b.text(x(i)+5, plotBottom-6, smallSize, "start", t, fill+` transform="rotate(-90 `+num(x(i)+5)+` `+num(plotBottom-6)+`)"`)
		} else {
			b.text(x(i), plotBottom-6, smallSize, "middle", t, fill)
		}
	}
	return b.close()
}

// xLabels lays out the labels along the bottom of a chart whose points are
// band apart and centred in their bands, across a plot from left to right
// in a chart width wide. It wraps each label to two lines at most, and
// checks that neighbours do not touch and the ends stay inside the chart;
// if they would, it tries smaller text, then a label at every second point,
// every third, and so on. It returns how often a label is written, its
// text size, the wrapped labels and the most lines one takes.
func xLabels(labels []string, band, left, width float64) (every, size int, wrapped [][]string, lines int) {
	n := len(labels)
	wrapped = make([][]string, n)
	widths := make([]float64, n)
	for every = 1; every <= n; every++ {
		for _, size = range []int{fontSize, smallSize} {
			fits := true
			lines = 1
			prev := -1
			for i := 0; i < n && fits; i += every {
				wrapped[i] = wrapLoose(labels[i], size, float64(every)*band-8, 2)
				widths[i] = 0
				for _, l := range wrapped[i] {
					widths[i] = math.Max(widths[i], textWidth(l, size))
				}
				lines = max(lines, len(wrapped[i]))
				x := left + (float64(i)+0.5)*band
				switch {
				case len(wrapped[i]) > 2:
					fits = false
				case prev < 0 && x-widths[i]/2 < 0:
					fits = false
				case prev >= 0 && (widths[prev]+widths[i])/2+4 > float64(i-prev)*band:
					fits = false
				case i+every >= n && x+widths[i]/2 > width:
					fits = false
				}
				prev = i
			}
			if fits {
				return every, size, wrapped, lines
			}
		}
	}
	// Not even the first label fits alone: shorten it.
	wrapped[0] = wrap(labels[0], smallSize, width-left, 2)
	return n, smallSize, wrapped, len(wrapped[0])
}

// wrapLoose breaks s into lines no wider than width where it can, leaving a
// word that is wider on a line of its own rather than shortening it; the
// caller checks the result.
func wrapLoose(s string, size int, width float64, maxLines int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
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
	if len(out) > maxLines+1 {
		out = out[:maxLines+1] // enough to tell the caller it does not fit
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

// refStroke is a reference line's: dashed grey, thinner than the series.
const refStroke = ` stroke="` + secondaryColour + `" stroke-width="2" stroke-dasharray="6 4"`

// lineStroke is series j's line: its colour, 3px, and its dash.
func lineStroke(j int) string {
	dash := [...]string{"", "8 5", "2 4", "12 4 2 4", "16 6", "4 3 4 9"}[j%6]
	s := ` stroke="` + colour(j) + `" stroke-width="3"`
	if dash != "" {
		s += ` stroke-dasharray="` + dash + `"`
	}
	return s
}

// marker draws series j's point marker centred on x, y: a circle, square,
// triangle, diamond, upside-down triangle or plus, so that series differ in
// shape and not only in colour. The white outline parts it from lines.
// markerAttrs are series j's marker colours: on each marker, or on a group
// of them.
func markerAttrs(j int) string {
	return ` fill="` + colour(j) + `" stroke="#ffffff" stroke-width="1.5"`
}

func marker(b *buf, j int, x, y float64, attrs string) {
	pts := func(p ...float64) {
		b.WriteString(`<path d="M`)
		for k := 0; k < len(p); k += 2 {
			if k > 0 {
				b.WriteString(" L")
			}
			b.WriteString(num(x+p[k]) + " " + num(y+p[k+1]))
		}
		b.WriteString(` Z"` + attrs + `/>`)
	}
	switch j % 6 {
	case 0:
		b.WriteString(`<circle cx="` + num(x) + `" cy="` + num(y) + `" r="5.5"` + attrs + `/>`)
	case 1:
		b.WriteString(`<rect x="` + num(x-5) + `" y="` + num(y-5) + `" width="10" height="10"` + attrs + `/>`)
	case 2:
		pts(0, -7, 6.5, 4.5, -6.5, 4.5)
	case 3:
		pts(0, -7, 7, 0, 0, 7, -7, 0)
	case 4:
		pts(0, 7, 6.5, -4.5, -6.5, -4.5)
	case 5:
		pts(-2.5, -7, 2.5, -7, 2.5, -2.5, 7, -2.5, 7, 2.5, 2.5, 2.5, 2.5, 7, -2.5, 7, -2.5, 2.5, -7, 2.5, -7, -2.5, -2.5, -2.5)
	}
}

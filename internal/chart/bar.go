package chart

import (
	"html/template"
	"math"
	"strconv"
)

// BarSpec describes a bar chart: one bar per category and series, the
// series side by side in groups.
type BarSpec struct {
	ID         string // unique on the page; the title and description ids are ID+"-title" and ID+"-desc"
	Title      string // the chart's accessible name, e.g. "Referrals by source"
	Desc       string // what is counted, over which period and area; follows the title in the description
	Categories []string
	Series     []Series // a legend is drawn when there is more than one
	Horizontal bool     // bars across, categories down the side: best for long labels or many categories
	Width      int      // in px; 0 means 640
	Height     int      // in px; 0 means 320, or for horizontal bars as high as they need
	Decimals   int      // digits after the point in value labels
	Unit       string   // written after each value, e.g. "%"
}

// Bar draws a bar chart. Each bar is labelled with its value; a suppressed
// or missing value has no bar, only "[c]" or "no data" at the axis. Values
// may be negative (bars then go down, or left, from 0). A chart too small
// for its labels is made taller.
func Bar(spec BarSpec) template.HTML {
	id := cleanID(spec.ID)
	w := spec.Width
	if w <= 0 {
		w = 640
	}
	desc := describe("Bar chart", spec.Title, spec.Desc, spec.Categories, spec.Series, spec.Decimals, spec.Unit)
	if len(spec.Categories) == 0 || len(spec.Series) == 0 {
		return empty(id, w, spec.Height, spec.Title, desc)
	}
	var items []legendItem
	if len(spec.Series) > 1 {
		for j, s := range spec.Series {
			items = append(items, legendItem{name: s.Name, key: 16, swatch: func(b *buf, x, y float64) {
				b.WriteString(`<rect x="` + num(x+1) + `" y="` + num(y+1) + `" width="14" height="14"` + barFill(id, j) + `/>`)
			}})
		}
	}
	g := barGeometry{spec: spec, id: id, w: float64(w), items: items}
	g.scan()
	if spec.Horizontal {
		return g.horizontal(desc)
	}
	return g.vertical(desc)
}

// barGeometry holds what the two orientations share while drawing.
type barGeometry struct {
	spec   BarSpec
	id     string
	w      float64
	items  []legendItem
	lo, hi float64 // the drawn values' range, always including 0
	whole  bool    // every drawn value is a whole number
	neg    bool    // some value is below 0
}

func (g *barGeometry) scan() {
	g.whole = g.spec.Decimals == 0
	for _, s := range g.spec.Series {
		for i := range g.spec.Categories {
			v := s.at(i)
			if !v.drawn() {
				continue
			}
			g.lo, g.hi = math.Min(g.lo, v.V), math.Max(g.hi, v.V)
			if v.V != math.Trunc(v.V) {
				g.whole = false
			}
		}
	}
	g.neg = g.lo < 0
}

// label is what is written on bar (i, j): the value, or the gap text.
func (g *barGeometry) label(i, j int) string {
	v := g.spec.Series[j].at(i)
	if !v.drawn() {
		return gapText(v)
	}
	return format(v.V, g.spec.Decimals, g.spec.Unit)
}

// widest is the width of the widest value label (gaps false) or gap label
// (gaps true), and of the widest value label below zero.
func (g *barGeometry) widest(gaps bool) (all, negative float64) {
	for j, s := range g.spec.Series {
		for i := range g.spec.Categories {
			v := s.at(i)
			if v.drawn() == gaps {
				continue
			}
			tw := textWidth(g.label(i, j), smallSize)
			all = math.Max(all, tw)
			if v.drawn() && v.V < 0 {
				negative = math.Max(negative, tw)
			}
		}
	}
	return all, negative
}

// axis picks the ticks for a plot length in px and returns them with their
// labels and the widest label's width.
func (g *barGeometry) axis(length float64, spacing float64) (tk []float64, labels []string, widest float64) {
	want := min(max(int(length/spacing)+1, 3), 8)
	tk = ticks(g.lo, g.hi, want, g.whole)
	dec := 0
	if len(tk) > 1 {
		dec = stepDecimals(tk[1] - tk[0])
	}
	for _, t := range tk {
		l := format(t, dec, g.spec.Unit)
		labels = append(labels, l)
		widest = math.Max(widest, textWidth(l, smallSize))
	}
	return tk, labels, widest
}

func (g *barGeometry) vertical(desc string) template.HTML {
	spec, n, m := g.spec, len(g.spec.Categories), len(g.spec.Series)
	h := float64(spec.Height)
	if h <= 0 {
		h = 320
	}
	legendH := legend(nil, g.items, 0, 0, g.w, false)
	tk, tickLabels, tickW := g.axis(h-legendH-100, 50)
	left, right := math.Ceil(tickW)+10, 4.0
	band := (g.w - left - right) / float64(n)
	slot := math.Min(band*0.8/float64(m), 80) // one bar and its share of the gap between bars
	barW, room := slot, band-4                // room: how wide a label over a bar may be
	if m > 1 {
		barW, room = slot-2, slot
	}

	// Labels too wide for their bars are turned to run up the page: value
	// labels all together, so they line up; "[c]" and "no data" one by one.
	valueW, negW := g.widest(false)
	turnValues := valueW > room // all or none, so they line up
	head := 22.0                // room for a value label above the tallest bar
	if turnValues {
		head = valueW + 10
	}
	foot := 0.0 // and below the lowest
	if g.neg {
		foot = 22
		if turnValues {
			foot = negW + 10
		}
	}
	maxLines := 1
	cats := make([][]string, n)
	for i, c := range spec.Categories {
		cats[i] = wrap(c, fontSize, band-6, 3)
		maxLines = max(maxLines, len(cats[i]))
	}
	top := legendH + head
	bottom := float64(maxLines)*lineHeight + 8
	plotH := h - top - bottom - foot
	if plotH < 80 { // too small for its labels: taller
		h += 80 - plotH
		plotH = 80
	}
	plotBottom := top + plotH
	tlo, thi := tk[0], tk[len(tk)-1]
	y := func(v float64) float64 { return plotBottom - (v-tlo)/(thi-tlo)*plotH }
	y0 := y(0)

	var b buf
	b.open(g.id, int(g.w), int(math.Ceil(h)), spec.Title, desc)
	g.defs(&b)
	legend(&b, g.items, 0, 0, g.w, true)
	b.WriteString(`<g stroke="` + gridColour + `" stroke-width="1">`)
	for _, t := range tk {
		if t != 0 {
			b.WriteString(`<line x1="` + num(left) + `" x2="` + num(g.w-right) + `" y1="` + num(y(t)) + `" y2="` + num(y(t)) + `"/>`)
		}
	}
	b.WriteString(`</g>`)
	for k, t := range tk {
		b.text(left-8, y(t)+5, smallSize, "end", tickLabels[k], "")
	}
	groupW := slot * float64(m)
	for i := range n {
		gx := left + float64(i)*band + (band-groupW)/2
		for j := range m {
			v := spec.Series[j].at(i)
			xc := gx + (float64(j)+0.5)*slot
			if !v.drawn() {
				l := g.label(i, j)
				g.gapLabel(&b, xc, y0, textWidth(l, smallSize) > room, tlo < 0 && thi <= 0, l)
				continue
			}
			y1 := y(v.V)
			if math.Abs(y1-y0) >= 0.5 {
				b.WriteString(`<rect class="app-chart__bar" x="` + num(xc-barW/2) + `" y="` + num(math.Min(y0, y1)) +
					`" width="` + num(barW) + `" height="` + num(math.Abs(y1-y0)) + `"` + barFill(g.id, j) + `/>`)
			}
			switch l := g.label(i, j); {
			case v.V >= 0 && turnValues:
				b.text(xc+5, y1-6, smallSize, "start", l, ` transform="rotate(-90 `+num(xc+5)+` `+num(y1-6)+`)"`)
			case v.V >= 0:
				b.text(xc, y1-6, smallSize, "middle", l, "")
			case turnValues:
				b.text(xc+5, y1+6, smallSize, "end", l, ` transform="rotate(-90 `+num(xc+5)+` `+num(y1+6)+`)"`)
			default:
				b.text(xc, y1+17, smallSize, "middle", l, "")
			}
		}
	}
	b.WriteString(`<line x1="` + num(left) + `" x2="` + num(g.w-right) + `" y1="` + num(y0) + `" y2="` + num(y0) + `" stroke="` + textColour + `" stroke-width="1"/>`)
	for i, ls := range cats {
		b.lines(left+(float64(i)+0.5)*band, plotBottom+foot+20, fontSize, "middle", ls, spec.Categories[i])
	}
	return b.close()
}

func (g *barGeometry) horizontal(desc string) template.HTML {
	spec, n, m := g.spec, len(g.spec.Categories), len(g.spec.Series)
	legendH := legend(nil, g.items, 0, 0, g.w, false)

	// Category labels down the left, up to a third of the width.
	labelW := 0.0
	for _, c := range spec.Categories {
		labelW = math.Max(labelW, textWidth(c, fontSize))
	}
	labelW = math.Min(math.Ceil(labelW), math.Floor(g.w/3))
	cats := make([][]string, n)
	maxLines := 1
	for i, c := range spec.Categories {
		cats[i] = wrap(c, fontSize, labelW, 3)
		maxLines = max(maxLines, len(cats[i]))
	}

	valueW, negW := g.widest(false)
	gapW, _ := g.widest(true)
	negRoom := 0.0
	if g.neg {
		negRoom = math.Ceil(negW) + 10
	}
	left := 4 + labelW + 12 + negRoom
	right := math.Ceil(math.Max(valueW, gapW)) + 10
	tk, tickLabels, tickW := g.axis(g.w-left-right, 90)
	right = math.Max(right, math.Ceil(tickW/2)+4)
	plotW := g.w - left - right
	tlo, thi := tk[0], tk[len(tk)-1]
	x := func(v float64) float64 { return left + (v-tlo)/(thi-tlo)*plotW }
	x0 := x(0)

	thick := 24.0 // a bar's thickness
	if m > 1 {
		thick = 20
	}
	bandH := math.Max(float64(m)*thick+16, float64(maxLines)*lineHeight+8)
	const axisH = 28 // tick labels under the plot
	h := legendH + 8 + float64(n)*bandH + axisH
	if spec.Height > 0 && float64(spec.Height) > legendH+8+axisH+float64(n)*12 {
		h = float64(spec.Height)
		bandH = (h - legendH - 8 - axisH) / float64(n)
		thick = math.Min(thick, (bandH-8)/float64(m))
	}
	plotTop := legendH + 8
	plotBottom := plotTop + float64(n)*bandH

	var b buf
	b.open(g.id, int(g.w), int(math.Ceil(h)), spec.Title, desc)
	g.defs(&b)
	legend(&b, g.items, 0, 0, g.w, true)
	b.WriteString(`<g stroke="` + gridColour + `" stroke-width="1">`)
	for _, t := range tk {
		if t != 0 {
			b.WriteString(`<line x1="` + num(x(t)) + `" x2="` + num(x(t)) + `" y1="` + num(plotTop) + `" y2="` + num(plotBottom) + `"/>`)
		}
	}
	b.WriteString(`</g>`)
	for k, t := range tk {
		b.text(x(t), plotBottom+20, smallSize, "middle", tickLabels[k], "")
	}
	for i := range n {
		by := plotTop + float64(i)*bandH
		gy := by + (bandH-thick*float64(m))/2
		for j := range m {
			v := spec.Series[j].at(i)
			yc := gy + (float64(j)+0.5)*thick
			l := g.label(i, j)
			if !v.drawn() {
				b.text(x0+6, yc+5, smallSize, "start", l, ` fill="`+secondaryColour+`"`)
				continue
			}
			x1 := x(v.V)
			if math.Abs(x1-x0) >= 0.5 {
				b.WriteString(`<rect class="app-chart__bar" x="` + num(math.Min(x0, x1)) + `" y="` + num(yc-thick/2+1) +
					`" width="` + num(math.Abs(x1-x0)) + `" height="` + num(thick-2) + `"` + barFill(g.id, j) + `/>`)
			}
			if v.V >= 0 {
				b.text(x1+6, yc+5, smallSize, "start", l, "")
			} else {
				b.text(x1-6, yc+5, smallSize, "end", l, "")
			}
		}
		lines := cats[i]
		first := by + bandH/2 - float64(len(lines)-1)*lineHeight/2 + 6
		b.lines(left-negRoom-12, first, fontSize, "end", lines, spec.Categories[i])
	}
	b.WriteString(`<line x1="` + num(x0) + `" x2="` + num(x0) + `" y1="` + num(plotTop) + `" y2="` + num(plotBottom) + `" stroke="` + textColour + `" stroke-width="1"/>`)
	return b.close()
}

// gapLabel writes "[c]" or "no data" where a vertical bar would start,
// turned to run up the page if it is too wide (or down, when the bars hang
// from the top of the chart).
func (g *barGeometry) gapLabel(b *buf, xc, y0 float64, turn, down bool, s string) {
	fill := ` fill="` + secondaryColour + `"`
	switch {
	case turn && down:
		b.text(xc+5, y0+6, smallSize, "end", s, fill+` transform="rotate(-90 `+num(xc+5)+` `+num(y0+6)+`)"`)
	case turn:
		b.text(xc+5, y0-6, smallSize, "start", s, fill+` transform="rotate(-90 `+num(xc+5)+` `+num(y0-6)+`)"`)
	case down:
		b.text(xc, y0+17, smallSize, "middle", s, fill)
	default:
		b.text(xc, y0-6, smallSize, "middle", s, fill)
	}
}

// defs writes the fill patterns of the second and later series.
func (g *barGeometry) defs(b *buf) {
	m := len(g.spec.Series)
	if m < 2 {
		return
	}
	b.WriteString(`<defs>`)
	for j := 1; j < min(m, 6); j++ {
		c := colour(j)
		b.WriteString(`<pattern id="` + g.id + `-p` + strconv.Itoa(j) + `" width="8" height="8" patternUnits="userSpaceOnUse"`)
		white := `<rect width="8" height="8" fill="#ffffff"/>`
		switch j {
		case 1: // stripes, rising
			b.WriteString(` patternTransform="rotate(45)">` + white + `<rect width="4" height="8" fill="` + c + `"/>`)
		case 2: // dots
			b.WriteString(`>` + white + `<circle cx="4" cy="4" r="2.5" fill="` + c + `"/>`)
		case 3: // cross-hatch
			b.WriteString(` patternTransform="rotate(45)">` + white + `<rect width="3" height="8" fill="` + c + `"/><rect width="8" height="3" fill="` + c + `"/>`)
		case 4: // stripes across
			b.WriteString(`>` + white + `<rect width="8" height="4" fill="` + c + `"/>`)
		case 5: // stripes, falling
			b.WriteString(` patternTransform="rotate(-45)">` + white + `<rect width="4" height="8" fill="` + c + `"/>`)
		}
		b.WriteString(`</pattern>`)
	}
	b.WriteString(`</defs>`)
}

// barFill is the fill of series j's bars: the first solid, the others a
// pattern in their colour, outlined so the bar's edge is solid colour.
func barFill(id string, j int) string {
	if j%6 == 0 {
		return ` fill="` + colour(j) + `"`
	}
	return ` fill="url(#` + id + `-p` + strconv.Itoa(j%6) + `)" stroke="` + colour(j) + `" stroke-width="2"`
}

// empty is a chart with nothing to draw: it says so.
func empty(id string, w, h int, title, desc string) template.HTML {
	if h <= 0 {
		h = 120
	}
	var b buf
	b.open(id, w, h, title, desc+" No data.")
	b.text(float64(w)/2, float64(h)/2+6, fontSize, "middle", "No data to show", ` fill="`+secondaryColour+`"`)
	return b.close()
}

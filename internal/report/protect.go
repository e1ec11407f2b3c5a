package report

import (
	"math"
	"slices"
)

// A dashboard shows the same figure in more than one place and many figures
// that add up to others: a month's referrals by source add up to the month's
// total, the months add up to each source's total in another table, and so
// on. Hiding a small count in one cell is not enough when the figures around
// it give it back by subtraction. disclosure is the dashboard's model of
// that: which cells show which figure, the sums that hold between figures,
// and the cells worked out from figures (percentages, means). Dashboard fills
// it in while laying out its tables and then calls protect.
type disclosure struct {
	index   map[string]int // figure name → its place in figures
	figures []figure       // in the order first shown, so every choice is repeatable
	sums    []sumOf
	derived []derivedCell
}

type figure struct {
	name   string
	value  int
	cells  []*Cell // none: a figure the sums need that no cell shows
	hidden bool    // shown as SuppressedText wherever it is shown
}

// unknown reports whether a reader cannot read the figure off a cell:
// hidden, or not shown at all.
func (f figure) unknown() bool { return f.hidden || len(f.cells) == 0 }

// sumOf says that the parts add up to the total (all figure indexes).
type sumOf struct {
	total int
	parts []int
}

// derivedCell is a cell worked out from figures, such as n as a percentage
// of a total: given all but one of them, it gives that one back.
type derivedCell struct {
	cell *Cell
	from []string
}

func newDisclosure() *disclosure { return &disclosure{index: map[string]int{}} }

// figure returns the index of the named figure, adding it with the value
// the first time it is named.
func (d *disclosure) figure(name string, value int) int {
	if i, ok := d.index[name]; ok {
		return i
	}
	d.index[name] = len(d.figures)
	d.figures = append(d.figures, figure{name: name, value: value})
	return len(d.figures) - 1
}

// show records that the cell shows the named figure.
func (d *disclosure) show(name string, value int, c *Cell) {
	i := d.figure(name, value)
	d.figures[i].cells = append(d.figures[i].cells, c)
}

// sum records that the named parts add up to the named total. A figure not
// yet named is added, unshown, with the value the sum gives it (the total
// has the parts' sum; a part, 0).
func (d *disclosure) sum(total string, parts []string) {
	var s sumOf
	n := 0
	for _, p := range parts {
		i := d.figure(p, 0)
		s.parts = append(s.parts, i)
		n += d.figures[i].value
	}
	s.total = d.figure(total, n)
	d.sums = append(d.sums, s)
}

// derive records that the cell is worked out from the named figures. A
// name never declared (a category with no row, so 0) hides nothing.
func (d *disclosure) derive(c *Cell, from ...string) {
	d.derived = append(d.derived, derivedCell{cell: c, from: from})
}

// protect hides whatever a reader could otherwise work out, and marks the
// cells:
//
//  1. A figure is hidden if any cell showing it is already suppressed (a
//     count under MinCount, or a second count hidden by CountsTable or
//     MonthlyTable), so that it is hidden everywhere it is shown.
//  2. In every sum with exactly one hidden figure and every other figure
//     shown, the subtraction would give it back, so the smallest other
//     figure that is not 0 is hidden as well (a part before the total; the
//     first, on a tie). Repeated until no such sum is left.
//  3. Sums can also be combined (a month's row, a source's column, and the
//     source's total in another table): while any hidden figure is pinned
//     down to one value by the sums together (solved as linear equations,
//     see determined), one more figure is hidden beside it (see partner),
//     and steps 2 and 3 are repeated.
//  4. A derived cell is suppressed when any figure it is worked out from is
//     hidden: a percentage with a hidden count, or of a hidden total, would
//     give the count or the total back.
//
// Figures of 0 are never hidden: suppressing one reveals nothing. Only the
// sums are used, not that counts are whole and never negative, so a hidden
// figure may still be known to lie within a range (at most the total shown).
func (d *disclosure) protect() {
	for i := range d.figures {
		for _, c := range d.figures[i].cells {
			d.figures[i].hidden = d.figures[i].hidden || c.Suppressed
		}
	}
	for {
		d.hideSingles()
		found := d.determined()
		if len(found) == 0 {
			break
		}
		// One at a time: hiding one partner often settles the others too
		// (a figure hidden in one sum unpins every figure it is tied to).
		hid := false
		for _, x := range found {
			if c := d.partner(x); c >= 0 {
				d.figures[c].hidden, hid = true, true
				break
			}
		}
		if !hid {
			// Every figure tied to them is hidden or 0 already. With only
			// zeros known the sums could pin a hidden figure down only to
			// 0, which is never hidden, so this is reached only with
			// figures that do not add up; stop rather than loop.
			break
		}
	}
	for _, f := range d.figures {
		if f.hidden {
			for _, c := range f.cells {
				c.Suppressed = true
			}
		}
	}
	for _, dc := range d.derived {
		for _, name := range dc.from {
			if i, ok := d.index[name]; ok && d.figures[i].hidden {
				dc.cell.Suppressed = true
			}
		}
	}
}

// hideSingles is step 2 of protect.
func (d *disclosure) hideSingles() {
	for changed := true; changed; {
		changed = false
		for _, s := range d.sums {
			if d.hiddenIn(s) != 1 || d.unshownIn(s) {
				continue
			}
			if c := d.smallestShown(s); c >= 0 {
				d.figures[c].hidden, changed = true, true
			}
		}
	}
}

func (d *disclosure) hiddenIn(s sumOf) int {
	n := 0
	if d.figures[s.total].hidden {
		n++
	}
	for _, p := range s.parts {
		if d.figures[p].hidden {
			n++
		}
	}
	return n
}

func (d *disclosure) unshownIn(s sumOf) bool {
	if len(d.figures[s.total].cells) == 0 {
		return true
	}
	for _, p := range s.parts {
		if len(d.figures[p].cells) == 0 {
			return true
		}
	}
	return false
}

// smallestShown is the sum's smallest figure that is shown and not 0, a
// part before the total; -1 if there is none.
func (d *disclosure) smallestShown(s sumOf) int {
	best := -1
	for _, p := range s.parts {
		f := d.figures[p]
		if !f.unknown() && f.value != 0 && (best < 0 || f.value < d.figures[best].value) {
			best = p
		}
	}
	if t := d.figures[s.total]; best < 0 && !t.unknown() && t.value != 0 {
		best = s.total
	}
	return best
}

// partner is the figure to hide beside x, a hidden figure the sums pin
// down: the smallest shown figure (not 0) of the sums x is in or, when they
// hold none, of the sums one step further (those sharing an unknown figure
// with them), and so on out; -1 if there is none at all. Further out is
// needed when x's own sums are all hidden figures and zeros, and x is
// pinned down by what the others are tied to.
func (d *disclosure) partner(x int) int {
	seen := map[int]bool{x: true}
	used := make([]bool, len(d.sums))
	frontier := []int{x}
	for len(frontier) > 0 {
		best := -1
		var next []int
		for i, s := range d.sums {
			if used[i] || !slices.ContainsFunc(frontier, func(f int) bool { return s.total == f || slices.Contains(s.parts, f) }) {
				continue
			}
			used[i] = true
			if c := d.smallestShown(s); c >= 0 && (best < 0 || d.figures[c].value < d.figures[best].value) {
				best = c
			}
			for _, f := range append([]int{s.total}, s.parts...) {
				if !seen[f] && d.figures[f].unknown() {
					seen[f] = true
					next = append(next, f)
				}
			}
		}
		if best >= 0 {
			return best
		}
		frontier = next
	}
	return -1
}

// determined lists the hidden figures whose value follows from the shown
// figures and the sums. Each sum is an equation, total − parts = 0, in
// which the hidden and unshown figures are the unknowns and the shown ones
// constants; a hidden figure is determined when some combination of the equations leaves
// it alone, which Gauss–Jordan elimination finds: after it, an unknown is
// determined exactly when its pivot row holds no other unknown.
func (d *disclosure) determined() []int {
	col := map[int]int{} // figure → unknown
	var unknowns []int
	var rows [][]float64
	for _, s := range d.sums {
		for _, f := range append([]int{s.total}, s.parts...) {
			if _, ok := col[f]; !ok && d.figures[f].unknown() {
				col[f] = len(unknowns)
				unknowns = append(unknowns, f)
			}
		}
	}
	if len(unknowns) == 0 {
		return nil
	}
	for _, s := range d.sums {
		row := make([]float64, len(unknowns))
		used := false
		if c, ok := col[s.total]; ok {
			row[c], used = row[c]-1, true
		}
		for _, p := range s.parts {
			if c, ok := col[p]; ok {
				row[c], used = row[c]+1, true
			}
		}
		if used {
			rows = append(rows, row)
		}
	}
	const eps = 1e-9
	pivotRow := make([]int, len(unknowns)) // unknown → its pivot row, or -1
	r := 0
	for c := range unknowns {
		pivotRow[c] = -1
		best := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][c]) > eps && (best < 0 || math.Abs(rows[i][c]) > math.Abs(rows[best][c])) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		rows[r], rows[best] = rows[best], rows[r]
		p := rows[r][c]
		for j := range rows[r] {
			rows[r][j] /= p
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][c]) <= eps {
				continue
			}
			k := rows[i][c]
			for j := range rows[i] {
				rows[i][j] -= k * rows[r][j]
			}
		}
		pivotRow[c] = r
		r++
	}
	var out []int
	for c, pr := range pivotRow {
		if pr < 0 {
			continue
		}
		alone := true
		for j, v := range rows[pr] {
			if j != c && math.Abs(v) > eps {
				alone = false
				break
			}
		}
		if alone && d.figures[unknowns[c]].hidden {
			out = append(out, unknowns[c])
		}
	}
	return out
}

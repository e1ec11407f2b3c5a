// Package report holds the figures Cradle reports to managers, funders and
// evaluators: the table model every dashboard, chart and export shares, the
// small-number suppression rule, and the statistics of change (mean change,
// effect size, reliable improvement). It is pure: no I/O, no clock.
package report

import (
	"strconv"
	"strings"
)

// MinCount is the smallest count shown in an aggregate view or export.
// Smaller counts, and any figure derived from fewer people, are suppressed so
// that nobody can be recognised from a table.
const MinCount = 5

// SuppressedText is how a suppressed figure is written in every output.
const SuppressedText = "[c]"

// TotalLabel labels a table's row of totals.
const TotalLabel = "Total"

// Table is one dashboard table: the figures a chart draws, what the page
// shows beside it, and what the CSV, XLSX and PDF exports write.
type Table struct {
	Key     string // file-name safe, e.g. "referrals-by-source"
	Title   string
	Caption string // what is counted, over which period and area
	Columns []Column
	Rows    [][]Cell
}

// Column is one column's heading.
type Column struct {
	Key     string
	Label   string
	Numeric bool
}

// Cell is one figure or label.
type Cell struct {
	Text       string  // a label; for numeric cells, empty
	Value      float64 // numeric value
	Numeric    bool
	Decimals   int  // digits after the point when written
	Suppressed bool // a count under MinCount, or a figure derived from one
	Missing    bool // no figure exists (e.g. a mean of nothing)
}

// Label is a text cell.
func Label(s string) Cell { return Cell{Text: s} }

// Count is a whole-number cell, suppressed when 0 < n < MinCount.
func Count(n int) Cell {
	return Cell{Value: float64(n), Numeric: true, Suppressed: n > 0 && n < MinCount}
}

// Number is a numeric cell written with the given decimals; from is how many
// people it was computed from, and suppresses it when fewer than MinCount.
func Number(v float64, decimals, from int) Cell {
	if from == 0 {
		return Cell{Numeric: true, Missing: true}
	}
	return Cell{Value: v, Numeric: true, Decimals: decimals, Suppressed: from < MinCount}
}

// String is the cell as written in a table or a file.
func (c Cell) String() string {
	switch {
	case !c.Numeric:
		return c.Text
	case c.Suppressed:
		return SuppressedText
	case c.Missing:
		return ""
	}
	return strconv.FormatFloat(c.Value, 'f', c.Decimals, 64)
}

// Empty reports whether the table has no rows.
func (t Table) Empty() bool { return len(t.Rows) == 0 }

// FileName is the table's key with an extension, safe for a download.
func (t Table) FileName(ext string) string {
	var b strings.Builder
	for _, r := range t.Key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		b.WriteString("table")
	}
	return b.String() + "." + ext
}

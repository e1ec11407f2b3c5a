package report

import "math"

// Suppress returns a copy of t in which every count from 1 to MinCount−1 is
// suppressed, for a table built by hand rather than with Count. A count is a
// numeric cell with no decimals holding a whole number; a figure that is not
// a count but is written without decimals (say a median of 3 days) is
// suppressed too when it is that small, which errs on the safe side. Running
// it twice changes nothing more.
func Suppress(t Table) Table {
	t.Rows = copyRows(t.Rows)
	for _, row := range t.Rows {
		for j := range row {
			if c := row[j]; isCount(c) && c.Value > 0 && c.Value < MinCount {
				row[j].Suppressed = true
			}
		}
	}
	return t
}

// SecondarySuppression returns Suppress(t) with one more step for a table
// with a column keyed "total": in a row where exactly one count (other than
// the total) is suppressed, the total less the others would give it away, so
// the smallest other non-zero count in the row is suppressed as well (the
// leftmost, on a tie). Counts of 0 are left alone: suppressing one reveals
// nothing. A table without a total column is only Suppressed.
//
// Only totals across a row are dealt with, not a total row at the foot of
// the columns.
func SecondarySuppression(t Table) Table {
	t = Suppress(t)
	total := -1
	for j, c := range t.Columns {
		if c.Key == "total" {
			total = j
		}
	}
	if total < 0 {
		return t
	}
	for _, row := range t.Rows {
		suppressed, smallest := 0, -1
		for j, c := range row {
			if j == total || !isCount(c) {
				continue
			}
			switch {
			case c.Suppressed:
				suppressed++
			case c.Value > 0 && (smallest < 0 || c.Value < row[smallest].Value):
				smallest = j
			}
		}
		if suppressed == 1 && smallest >= 0 {
			row[smallest].Suppressed = true
		}
	}
	return t
}

// isCount reports whether c looks like a count: numeric, present, written
// without decimals, and whole.
func isCount(c Cell) bool {
	return c.Numeric && !c.Missing && c.Decimals == 0 && c.Value == math.Trunc(c.Value) && !math.IsInf(c.Value, 0)
}

// copyRows copies the rows so that a pass over a table never changes the
// caller's.
func copyRows(rows [][]Cell) [][]Cell {
	if rows == nil {
		return nil
	}
	out := make([][]Cell, len(rows))
	for i, r := range rows {
		out[i] = append([]Cell(nil), r...)
	}
	return out
}

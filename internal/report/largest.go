package report

import "slices"

// PeriodColumn keys the first column of a table whose rows are periods
// (months, quarters or years), oldest first (MonthlyTable).
const PeriodColumn = "month"

// ByPeriod says whether the table's rows are periods, oldest first.
func (t Table) ByPeriod() bool { return len(t.Columns) > 0 && t.Columns[0].Key == PeriodColumn }

// Latest is a table by period cut to its last n rows, the most recent
// periods, still oldest first; cut says whether any row was left out. As
// with Largest, leaving whole rows out states no new sum.
func (t Table) Latest(n int) (out Table, cut bool) {
	if len(t.Rows) <= n {
		return t, false
	}
	out = t
	out.Rows = t.Rows[len(t.Rows)-n:]
	return out, true
}

// Largest is the table cut to its n rows with the largest figure in the
// first numeric column, in that order, and its row of totals (kept last);
// cut says whether any row was left out. A page shows a long table this way
// (open families in each of a hundred areas), its download the whole.
//
// Only figures that are shown decide the order: a suppressed or missing
// figure sorts below every shown one, keeping the table's own order among
// them, so a row's place never tells more about a hidden figure than the
// table already does. Leaving rows out adds no sum to those the table
// states, so nothing hidden can be worked out from what is left.
func (t Table) Largest(n int) (out Table, cut bool) {
	rows := t.Rows
	var total []Cell
	if k := len(rows); k > 0 && len(rows[k-1]) > 0 && !rows[k-1][0].Numeric && rows[k-1][0].Text == TotalLabel {
		rows, total = rows[:k-1], rows[k-1]
	}
	if len(rows) <= n {
		return t, false
	}
	col := -1
	for i, c := range t.Columns {
		if c.Numeric {
			col = i
			break
		}
	}
	if col < 0 {
		return t, false // nothing to rank by: the table stays whole
	}
	shown := func(r []Cell) (float64, bool) {
		if col >= len(r) || r[col].Suppressed || r[col].Missing {
			return 0, false
		}
		return r[col].Value, true
	}
	ranked := slices.Clone(rows)
	slices.SortStableFunc(ranked, func(a, b []Cell) int {
		va, oka := shown(a)
		vb, okb := shown(b)
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case !oka || va == vb:
			return 0
		case va > vb:
			return -1
		}
		return 1
	})
	out = t
	if total == nil {
		out.Rows = ranked[:n:n]
	} else {
		out.Rows = append(ranked[:n:n], total)
	}
	return out, true
}

package chart

import (
	"strings"

	"github.com/cradle-org/cradle/internal/report"
)

// FromTable makes a bar chart of a dashboard table, so that the chart and
// the table beside it show the same figures, suppressed alike. Each row is
// a category, named by the cell in column labelCol; each of valueCols is a
// series, named by its heading. The title is the table's and the caption
// opens the description. Values are written with the most decimals any of
// the cells has, and with "%" when every series is a percentage (its heading
// starts "%").
//
// A total row would dwarf the rest: leave it out of the table given. Set
// Horizontal, Width or Height on the result as the page needs.
func FromTable(id string, t report.Table, labelCol int, valueCols []int) BarSpec {
	spec := BarSpec{ID: id, Title: t.Title, Desc: t.Caption}
	for _, row := range t.Rows {
		label := ""
		if labelCol >= 0 && labelCol < len(row) {
			label = row[labelCol].String()
		}
		spec.Categories = append(spec.Categories, label)
	}
	percent := len(valueCols) > 0
	for _, c := range valueCols {
		s := Series{}
		if c >= 0 && c < len(t.Columns) {
			s.Name = t.Columns[c].Label
		}
		percent = percent && strings.HasPrefix(s.Name, "%")
		for _, row := range t.Rows {
			v := Value{Missing: true}
			if c >= 0 && c < len(row) {
				v = CellValue(row[c])
				if row[c].Numeric && !v.Missing {
					spec.Decimals = max(spec.Decimals, row[c].Decimals)
				}
			}
			s.Values = append(s.Values, v)
		}
		spec.Series = append(spec.Series, s)
	}
	if percent {
		spec.Unit = "%"
	}
	return spec
}

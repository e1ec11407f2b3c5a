package report

// Stage is one step of a funnel and how many reached it.
type Stage struct {
	Label string
	N     int
}

// Funnel is a table of how many reached each stage (e.g. referred, accepted,
// engaged, completed), with each as a percentage of the first stage and of
// the stage before. A percentage is suppressed when either count behind it
// is, and missing when the count it is a percentage of is 0; the first stage
// has no stage before it.
func Funnel(key, title, caption string, stages []Stage) Table {
	t := Table{Key: key, Title: title, Caption: caption, Columns: []Column{
		{Key: "stage", Label: "Stage"},
		{Key: "count", Label: "Number", Numeric: true},
		{Key: "percent_of_first", Label: "% of first stage", Numeric: true},
		{Key: "percent_of_previous", Label: "% of previous stage", Numeric: true},
	}}
	for i, s := range stages {
		prev := Cell{Numeric: true, Missing: true}
		if i > 0 {
			prev = Percent(s.N, stages[i-1].N) // #nosec G602 -- i > 0, so i-1 is a stage
		}
		t.Rows = append(t.Rows, []Cell{Label(s.Label), Count(s.N), Percent(s.N, stages[0].N), prev})
	}
	return t
}

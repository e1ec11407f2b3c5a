package bench

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// GrowthLimit is the target: a page's p50 on the largest dataset
// is at most this many times its p50 on the smallest.
const GrowthLimit = 1.5

// GrowthSamples is the fewest requests of a page, in each report compared,
// for its growth to be judged: the p50 of three requests is the second of
// three, and the first of a page's requests is often its slowest (nothing
// prepared or cached yet), so a short run's rare pages "grow" by chance.
const GrowthSamples = 20

// Growth is a table of each page's p50 latency in reports made on
// datasets of growing size (reps in order, smallest first), with the ratio
// of the last to the first. A page missing from a report shows "-".
func Growth(reps []Report) string {
	var b strings.Builder
	if len(reps) == 0 {
		return ""
	}
	type key struct{ typ, route string }
	var keys []key
	seen := map[key]bool{}
	p50 := make([]map[key]float64, len(reps))
	fewest := map[key]uint64{}
	for i, r := range reps {
		p50[i] = map[key]float64{}
		for _, p := range r.Latency.Pages {
			k := key{p.Type, p.Route}
			p50[i][k] = p.P50MS
			if n, ok := fewest[k]; !ok || p.Requests < n {
				fewest[k] = p.Requests
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	fmt.Fprintf(&b, "p50 latency by dataset size (%s, latency run at", reps[0].Database)
	for i, r := range reps {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %d req/s", sep, r.Latency.Rate)
	}
	b.WriteString(")\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "Type\tRoute\t")
	for _, r := range reps {
		fmt.Fprintf(tw, "%s families\t", count(r.Families))
	}
	fmt.Fprint(tw, "Growth\t\t\n")
	over, few := 0, 0
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t", k.typ, k.route)
		for i := range reps {
			if v, ok := p50[i][k]; ok {
				fmt.Fprintf(tw, "%s\t", msText(v))
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		first, okF := p50[0][k]
		last, okL := p50[len(reps)-1][k]
		if okF && okL && first > 0 {
			g := last / first
			mark := ""
			switch {
			case fewest[k] < GrowthSamples:
				mark = fmt.Sprintf("not judged: %d requests", fewest[k])
				few++
			case g > GrowthLimit:
				mark = "over"
				over++
			}
			fmt.Fprintf(tw, "%.2f×\t%s\t\n", g, mark)
		} else {
			fmt.Fprint(tw, "-\t\t\n")
		}
	}
	tw.Flush() // #nosec G104 -- writes to a strings.Builder, which never fails
	fmt.Fprintf(&b, "%d of %d pages grew more than %.1f times from the smallest dataset to the largest.\n", over, len(keys)-few, GrowthLimit)
	if few > 0 {
		pages, are := "pages", "are"
		if few == 1 {
			pages, are = "page", "is"
		}
		fmt.Fprintf(&b, "%d %s had fewer than %d requests in a run and %s not judged: run longer (--duration) or at a higher --rate.\n", few, pages, GrowthSamples, are)
	}
	return b.String()
}

package bench

import (
	"strings"
	"testing"
)

// TestGrowthJudgesOnlyWellSampledPages: a page that grew past the limit is
// marked over; one with too few requests in a run is shown but not judged.
func TestGrowthJudgesOnlyWellSampledPages(t *testing.T) {
	rep := func(families int, caseload, concerns float64, concernRequests uint64) Report {
		return Report{Database: "sqlite", Families: families, Latency: LatencyRun{Rate: 25, Pages: []PageStats{
			{Type: TypeCaseload, Route: "GET /caseload", Requests: 100, P50MS: caseload},
			{Type: TypeRisk, Route: "GET /concerns", Requests: concernRequests, P50MS: concerns},
		}}}
	}
	line := func(out, route string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, route) {
				return l
			}
		}
		return ""
	}
	out := Growth([]Report{rep(1000, 4, 2, 3), rep(100000, 8, 7, 4)})
	if l := line(out, "/caseload"); !strings.Contains(l, "2.00×") || !strings.HasSuffix(strings.TrimSpace(l), "over") {
		t.Errorf("caseload: %q", l)
	}
	if l := line(out, "/concerns"); !strings.Contains(l, "3.50×") || !strings.Contains(l, "not judged: 3 requests") || strings.Contains(l, "over") {
		t.Errorf("concerns: %q", l)
	}
	for _, want := range []string{"1 of 1 pages grew more than 1.5 times", "1 page had fewer than 20 requests in a run and is not judged"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	out = Growth([]Report{rep(1000, 4, 2, 40), rep(100000, 5, 7, 40)})
	if l := line(out, "/concerns"); !strings.HasSuffix(strings.TrimSpace(l), "over") || !strings.Contains(out, "1 of 2 pages grew") || strings.Contains(out, "not judged") {
		t.Errorf("well-sampled pages:\n%s", out)
	}
}

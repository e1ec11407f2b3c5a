package bench

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
)

// Table writes the report for a person to read: the headline first, then
// latency per page, memory, page weights, and the notes on method.
func (r Report) Table(w io.Writer) {
	fams := "families not counted"
	if r.Families > 0 {
		fams = count(r.Families) + " families"
	}
	if r.AuditEntries > 0 {
		fams += ", " + count(int(r.AuditEntries)) + " audit entries"
	}
	fmt.Fprintf(w, "Cradle bench run, %s UTC: %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s, %s\n",
		r.Date.Format("2006-01-02 15:04"), r.Database, r.Machine.GOOS, r.Machine.GOARCH, r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.GoVersion, fams)
	var staff []string
	for _, role := range slices.Sorted(maps.Keys(r.Staff)) {
		staff = append(staff, fmt.Sprintf("%d %s", r.Staff[role], role))
	}
	fmt.Fprintf(w, "Signed in: %s\n", strings.Join(staff, ", "))
	if r.Machine.LoadAverage > 0 {
		fmt.Fprintf(w, "Load average when the run began: %.2f\n", r.Machine.LoadAverage)
	}
	if r.OpenMS > 0 {
		fmt.Fprintf(w, "Start-up: %s to open and migrate the database, then %s from web.New to the first 200 from /readyz\n\n", msText(r.OpenMS), msText(r.StartupMS))
	} else {
		fmt.Fprintf(w, "Start-up: %s (web.New to the first 200 from /readyz)\n\n", msText(r.StartupMS))
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Throughput with 0 errors\treq/s\tat offered rate\tclosed loop (%d workers)\n", r.Ceiling.Workers)
	for _, t := range []struct {
		name string
		t    Throughput
	}{{"Ceiling: GET /bench/ping", r.Ceiling}, {"Mixed workload", r.Mixed}} {
		closed := rate(t.t.ClosedLoopRPS)
		if t.t.ClosedLoopErrors > 0 {
			closed += fmt.Sprintf(" (%s errors)", count(t.t.ClosedLoopErrors))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.name, rate(t.t.RPS), count(t.t.Rate), closed)
	}
	basis := ""
	if r.RatioBasis == BasisClosedLoop {
		basis = "(closed loop: no open-loop rate was kept up with)"
	}
	fmt.Fprintf(tw, "  Mixed / ceiling\t%.1f%%\t%s\t\n", 100*r.RatioToCeiling, basis)
	tw.Flush() // #nosec G104 -- a report to the terminal: like the fmt.Fprint calls around it, a failed write has nowhere to go

	var mix []string
	for _, m := range r.Mix {
		mix = append(mix, fmt.Sprintf("%s %.0f%%", m.Type, m.Weight))
	}
	l := r.Latency
	fmt.Fprintf(w, "\nLatency at %d req/s, open loop, %.1fs: %s requests, %s errors, %s req/s answered\n",
		l.Rate, l.Seconds, count(l.Requests), count(l.Errors), rate(l.RPS))
	if l.CPUMicrosPerRequest > 0 {
		fmt.Fprintf(w, "CPU: %s µs per request (user and system, server and load generator together)\n", count(int(math.Round(l.CPUMicrosPerRequest))))
	}
	fmt.Fprintf(w, "Mix: %s\n", strings.Join(mix, ", "))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Type\tRoute\tShare\tRequests\tErrors\tp50\tp95\tp99\tMax\t")
	for _, ty := range l.Types {
		rows := 0
		for _, p := range l.Pages {
			if p.Type == ty.Type {
				fmt.Fprintf(tw, "%s\t%s\t%.1f%%\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Type, p.Route, 100*p.Share, count(p.Requests), count(p.Errors),
					msText(p.P50MS), msText(p.P95MS), msText(p.P99MS), msText(p.MaxMS))
				rows++
			}
		}
		if rows > 1 {
			fmt.Fprintf(tw, "%s\t(all)\t%.1f%%\t%s\t%s\t%s\t%s\t%s\t%s\t\n", ty.Type, 100*ty.Share, count(ty.Requests), count(ty.Errors),
				msText(ty.P50MS), msText(ty.P95MS), msText(ty.P99MS), msText(ty.MaxMS))
		}
	}
	tw.Flush() // #nosec G104 -- a report to the terminal: like the fmt.Fprint calls around it, a failed write has nowhere to go

	if d := r.Dashboard; d != nil {
		var times []string
		for _, t := range d.TimesMS {
			times = append(times, msText(t))
		}
		fmt.Fprintf(w, "\nOrganisation dashboard over the whole dataset (as %s, server idle): median %s of %d loads (%s), %s of HTML\n",
			d.Role, msText(d.MedianMS), len(d.TimesMS), strings.Join(times, ", "), size(float64(d.HTMLBytes)))
		var firsts []string
		for _, sec := range d.Sections {
			firsts = append(firsts, sec.Key+" "+msText(sec.FirstMS))
		}
		if len(firsts) > 0 {
			fmt.Fprintf(w, "Each section's first load: %s; slowest %s, all %s\n", strings.Join(firsts, ", "), msText(d.SlowestFirstMS), msText(d.AllFirstMS))
		}
	}

	m := r.Memory
	fmt.Fprintf(w, "\nMemory: %.0f allocations and %s allocated per request (server and load generator together), %d GC cycles in the latency run; peak RSS %s\n",
		m.AllocsPerRequest, size(m.AllocBytesPerRequest), m.GCCycles, size(float64(m.PeakRSSBytes)))

	fmt.Fprintln(w, "\nFirst load with an empty cache (gzip: as the server sent it if it compressed, else gzipped here)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Route\tSample\tHTML\tHTML gzip\tAssets gzip\tTotal gzip\t")
	for _, t := range r.Transfer {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", t.Route, t.Sample, size(float64(t.HTMLBytes)), size(float64(t.HTMLGzipBytes)),
			size(float64(t.AssetsGzipBytes)), size(float64(t.FirstLoadGzipBytes)))
	}
	tw.Flush() // #nosec G104 -- a report to the terminal: like the fmt.Fprint calls around it, a failed write has nowhere to go
	fmt.Fprintln(w, "\nDatabase work per page (a second load of the sample, the server otherwise idle)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Route\tStatements\tTransactions\tStatements outside one\t")
	for _, t := range r.Transfer {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", t.Route, t.Statements, t.Transactions, t.Alone)
	}
	tw.Flush() // #nosec G104 -- a report to the terminal: like the fmt.Fprint calls around it, a failed write has nowhere to go
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Asset\tBytes\tgzip\tServer encoding\tCache-Control")
	for _, a := range r.Assets {
		enc := a.ContentEncoding
		if enc == "" {
			enc = "none"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Path, size(float64(a.Bytes)), size(float64(a.GzipBytes)), enc, a.CacheControl)
	}
	tw.Flush() // #nosec G104 -- a report to the terminal: like the fmt.Fprint calls around it, a failed write has nowhere to go

	if len(r.Notes) > 0 {
		fmt.Fprintln(w, "\nNotes")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

// count writes n with thousands separators. It takes ints as they are, so
// no caller converts a signed count to unsigned.
func count[T int | uint64](n T) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func rate(rps float64) string { return count(uint64(rps + 0.5)) }

func msText(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	case v >= 10:
		return fmt.Sprintf("%.1fms", v)
	}
	return fmt.Sprintf("%.2fms", v)
}

func size(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

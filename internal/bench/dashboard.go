package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cradle-org/cradle/internal/report"
)

// Dashboard is the organisation dashboard over the whole dataset: every
// area, every date, as one member of staff who may see them all. The issue
// sets it a target of its own (one second), apart from the mixed workload,
// because it reads every family.
type Dashboard struct {
	Role string `json:"role"`
	URL  string `json:"url"`
	// TimesMS are the sequential loads of URL (the first section), the
	// first (cold) included; the server is otherwise idle.
	TimesMS []float64 `json:"times_ms"`
	// MedianMS is the median of TimesMS.
	MedianMS  float64 `json:"median_ms"`
	HTMLBytes int     `json:"html_bytes"`
	// Sections are each section's first load, in the dashboard's order,
	// after the loads above (the first section's is TimesMS[0]). A section
	// reads its figures when first looked at, so this is when each is read.
	Sections []DashboardSection `json:"sections"`
	// SlowestFirstMS is the slowest section's first load: the figure held
	// to the target. AllFirstMS adds them up: the whole dashboard read once.
	SlowestFirstMS float64 `json:"slowest_first_ms"`
	AllFirstMS     float64 `json:"all_first_ms"`
}

// DashboardSection is one section's first load.
type DashboardSection struct {
	Key       string  `json:"key"`
	FirstMS   float64 `json:"first_ms"`
	HTMLBytes int     `json:"html_bytes"`
}

// dashboardLoads is how many times the dashboard is loaded.
const dashboardLoads = 5

// dashboard times the organisation dashboard as the first account that may
// see every area (a DSL, an administrator or an analyst). It returns false
// if no such account signed in.
func (r *runner) dashboard(ctx context.Context, sessions []*session) (Dashboard, bool, error) {
	s := firstWithRole(sessions, "dsl", "admin", "analyst")
	if s == nil {
		return Dashboard{}, false, nil
	}
	// No area, and from 2000 (the earliest the form accepts) to today:
	// the whole organisation over all time.
	const whole = "/reports?from-day=1&from-month=1&from-year=2000"
	d := Dashboard{Role: s.acct.Role, URL: whole}
	sections := report.Sections()
	loads := dashboardLoads + len(sections) - 1
	load := func(i int, path string) (float64, int, error) {
		r.progress(PhaseDashboard, time.Duration(i), time.Duration(loads))
		start := time.Now()
		resp, err := r.client.get(ctx, r.base+path, s.cookie)
		took := time.Since(start)
		if err != nil {
			return 0, 0, fmt.Errorf("loading the organisation dashboard (%s): %w", path, err)
		}
		if resp.status != http.StatusOK {
			return 0, 0, fmt.Errorf("loading the organisation dashboard (%s) as %s: status %d", path, s.acct.Role, resp.status)
		}
		return ms(took), len(resp.body), nil
	}
	for i := range dashboardLoads {
		took, n, err := load(i, whole)
		if err != nil {
			return d, true, err
		}
		d.TimesMS = append(d.TimesMS, took)
		d.HTMLBytes = n
	}
	sorted := slices.Sorted(slices.Values(d.TimesMS))
	d.MedianMS = sorted[len(sorted)/2]
	// The page without a section shows the first; then each other's first.
	d.Sections = append(d.Sections, DashboardSection{Key: sections[0].Key, FirstMS: d.TimesMS[0], HTMLBytes: d.HTMLBytes})
	for i, sec := range sections[1:] {
		took, n, err := load(dashboardLoads+i, whole+"&section="+url.QueryEscape(sec.Key))
		if err != nil {
			return d, true, err
		}
		d.Sections = append(d.Sections, DashboardSection{Key: sec.Key, FirstMS: took, HTMLBytes: n})
	}
	for _, sec := range d.Sections {
		d.SlowestFirstMS = max(d.SlowestFirstMS, sec.FirstMS)
		d.AllFirstMS += sec.FirstMS
	}
	return d, true, nil
}

// firstWithRole is the first session of the first role (in the order
// given) that any session has, or nil.
func firstWithRole(sessions []*session, roles ...string) *session {
	for _, role := range roles {
		for _, c := range sessions {
			if c.acct.Role == role {
				return c
			}
		}
	}
	return nil
}

package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Dashboard is the organisation dashboard over the whole dataset: every
// area, every date, as one member of staff who may see them all. The issue
// sets it a target of its own (one second), apart from the mixed workload,
// because it reads every family.
type Dashboard struct {
	Role string `json:"role"`
	URL  string `json:"url"`
	// TimesMS are the sequential loads, the first (cold) included; the
	// server is otherwise idle.
	TimesMS []float64 `json:"times_ms"`
	// MedianMS is the median of TimesMS.
	MedianMS  float64 `json:"median_ms"`
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
	d := Dashboard{Role: s.acct.Role, URL: "/reports?from-day=1&from-month=1&from-year=2000"}
	for i := range dashboardLoads {
		r.progress(PhaseDashboard, time.Duration(i), dashboardLoads)
		start := time.Now()
		resp, err := r.client.get(ctx, r.base+d.URL, s.cookie)
		took := time.Since(start)
		if err != nil {
			return d, true, fmt.Errorf("loading the organisation dashboard: %w", err)
		}
		if resp.status != http.StatusOK {
			return d, true, fmt.Errorf("loading the organisation dashboard as %s: status %d", s.acct.Role, resp.status)
		}
		d.TimesMS = append(d.TimesMS, ms(took))
		d.HTMLBytes = len(resp.body)
	}
	sorted := slices.Sorted(slices.Values(d.TimesMS))
	d.MedianMS = sorted[len(sorted)/2]
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

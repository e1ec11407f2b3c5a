package bench

import (
	"errors"
	"net/http"
	"slices"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The page types of the mixed workload and their shares in percent, as
// the issue gives them.
const (
	TypeCaseload  = "caseload"  // GET /caseload
	TypeFamily    = "family"    // family, person and outcome-measure pages
	TypeSearch    = "search"    // person search: GET /search ("Find a person")
	TypeSession   = "session"   // recording a session (a real write)
	TypeRisk      = "risk"      // DASH, safety plan, safeguarding concerns
	TypeDashboard = "dashboard" // /reports
	TypeIntake    = "intake"    // a new referral through the partner API (a real write)
)

// share is a page type and its weight.
type share struct {
	name   string
	weight int
}

var issueMix = []share{
	{TypeCaseload, 40}, {TypeFamily, 25}, {TypeSearch, 10}, {TypeSession, 10},
	{TypeRisk, 5}, {TypeDashboard, 5}, {TypeIntake, 5},
}

// route is one kind of request (GET /families/{id}) with every concrete
// request of that kind the workload cycles through.
type route struct {
	typ     string
	label   string
	write   bool
	expect  int // the status of a good answer
	targets []vegeta.Target
}

type pageType struct {
	name   string
	weight int
	routes []*route
	next   atomic.Uint64
}

// workload is a weighted mix of page types. Its targeter is safe for
// vegeta's concurrent workers: it only advances atomic counters.
type workload struct {
	types    []*pageType
	routes   []*route
	byKey    map[string]int // method + " " + URL → index in routes
	schedule []int          // indices into types, one cycle of the weights
	n        atomic.Uint64
}

func newWorkload(weights ...share) *workload {
	w := &workload{byKey: map[string]int{}}
	for _, p := range weights {
		w.types = append(w.types, &pageType{name: p.name, weight: p.weight})
	}
	return w
}

func (w *workload) pageType(name string) *pageType {
	for _, t := range w.types {
		if t.name == name {
			return t
		}
	}
	return nil
}

// add puts one concrete request into the mix. Results are told apart by
// method and URL, so a URL belongs to one route whoever sends it.
//
// Each request asks for gzip itself, so the client reads the compressed
// answer whole and discards it without unzipping it (Go's transport unzips
// only what it asked for on its own). The server still compresses every
// page as for a browser; a browser unzips on its own machine, not the
// server's, and unzipping here was 3% of the run's CPU.
func (w *workload) add(typ, label string, expect int, t vegeta.Target) {
	t.Header = t.Header.Clone()
	if t.Header == nil {
		t.Header = http.Header{}
	}
	if t.Header.Get("Accept-Encoding") == "" {
		t.Header.Set("Accept-Encoding", "gzip")
	}
	pt := w.pageType(typ)
	i := slices.IndexFunc(w.routes, func(r *route) bool { return r.label == label })
	if i < 0 {
		rt := &route{typ: typ, label: label, write: t.Method != http.MethodGet, expect: expect}
		pt.routes = append(pt.routes, rt)
		w.routes = append(w.routes, rt)
		i = len(w.routes) - 1
	}
	w.routes[i].targets = append(w.routes[i].targets, t)
	w.byKey[t.Method+" "+t.URL] = i
}

func (w *workload) has(typ string) bool {
	pt := w.pageType(typ)
	return pt != nil && len(pt.routes) > 0
}

// drop removes a page type's requests (when a check showed they fail).
func (w *workload) drop(typ string) {
	w.pageType(typ).routes = nil
	w.routes = slices.DeleteFunc(w.routes, func(r *route) bool { return r.typ == typ })
	clear(w.byKey)
	for i, rt := range w.routes {
		for _, t := range rt.targets {
			w.byKey[t.Method+" "+t.URL] = i
		}
	}
}

// finish leaves out page types with nothing to request and lays out the
// schedule: a smooth weighted round-robin, so the types interleave evenly
// (caseload, family, caseload, search, ...) rather than in blocks.
func (w *workload) finish() error {
	w.types = slices.DeleteFunc(w.types, func(t *pageType) bool { return len(t.routes) == 0 })
	if len(w.types) == 0 {
		return errors.New("bench: the accounts could reach no pages to load")
	}
	total := 0
	for _, t := range w.types {
		total += t.weight
	}
	current := make([]int, len(w.types))
	w.schedule = w.schedule[:0]
	for range total {
		best := 0
		for i, t := range w.types {
			current[i] += t.weight
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		w.schedule = append(w.schedule, best)
	}
	return nil
}

// targeter hands out the next request: the schedule picks the page type;
// within it, routes take turns, and each route cycles through its
// requests (so every account and page is used).
func (w *workload) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		if t == nil {
			return vegeta.ErrNilTarget
		}
		i := w.n.Add(1) - 1
		pt := w.types[w.schedule[i%uint64(len(w.schedule))]]
		k := pt.next.Add(1) - 1
		rt := pt.routes[k%uint64(len(pt.routes))]
		*t = rt.targets[(k/uint64(len(pt.routes)))%uint64(len(rt.targets))]
		return nil
	}
}

// typeIndex is the index in w.types of a route's page type.
func (w *workload) typeIndex(rt *route) int {
	return slices.IndexFunc(w.types, func(t *pageType) bool { return t.name == rt.typ })
}

func (w *workload) shares() []MixShare {
	total := 0
	for _, t := range w.types {
		total += t.weight
	}
	var out []MixShare
	for _, t := range w.types {
		s := MixShare{Type: t.name, Weight: 100 * float64(t.weight) / float64(total)}
		for _, rt := range t.routes {
			s.Routes = append(s.Routes, rt.label)
			s.Targets += len(rt.targets)
		}
		out = append(out, s)
	}
	return out
}

// pingMix is the ceiling's workload: the trivial staff page, as each
// signed-in account in turn (so the session check reads real sessions).
func pingMix(sessions []*session, base string) (*workload, error) {
	w := newWorkload(share{"ping", 1})
	for _, s := range sessions {
		w.add("ping", "GET /bench/ping", http.StatusOK, vegeta.Target{Method: http.MethodGet, URL: base + "/bench/ping", Header: cookieHeader(s)})
	}
	return w, w.finish()
}

func cookieHeader(s *session) http.Header {
	return http.Header{"Cookie": {sessionCookie + "=" + s.cookie}}
}

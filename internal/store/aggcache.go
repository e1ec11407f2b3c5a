package store

import (
	"sync"
	"time"
)

// aggregateCache keeps dashboard figures by scope for a short time.
// Working out an organisation's figures reads every family; a dashboard is
// looked at by many people for the same scope (a manager's areas, the
// whole organisation) and figures a few minutes old serve them as well.
// Only the computation is shared: every request is still authorised for
// its scope and audited before the cached figures are returned.
type aggregateCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedAggregate
}

type cachedAggregate struct {
	at time.Time
	v  any
}

// maxAggregates bounds the cache: scopes are few (areas × date ranges
// people choose), and a flood of odd ranges must not grow it without end.
const maxAggregates = 256

// get returns the value cached for key if it is younger than the TTL,
// else computes it with fn (outside the lock: two people asking at once
// may both compute, which is harmless) and keeps it.
func (c *aggregateCache) get(key string, now time.Time, fn func() (any, error)) (any, error) {
	if c.ttl <= 0 {
		return fn()
	}
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl && !now.Before(e.at) {
		return e.v, nil
	}
	v, err := fn()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxAggregates {
		// Drop what has expired; if that is not enough, start again.
		for k, e := range c.m {
			if now.Sub(e.at) >= c.ttl {
				delete(c.m, k)
			}
		}
		if c.m == nil || len(c.m) >= maxAggregates {
			c.m = map[string]cachedAggregate{}
		}
	}
	c.m[key] = cachedAggregate{at: now, v: v}
	return v, nil
}

package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// fragmentCache keeps the HTML of small templates by the whole of the data
// they were rendered from. A caseload page renders twenty rows of a dozen
// escaped actions each, and html/template's reflective calls made that a
// seventh of all CPU under the bench's mixed load; the same rows are shown
// again and again. A fragment's template is executed on its own with a view
// of plain values (see caseRowView), so it can show nothing but those
// values, and the key spells every one of them out: a kept fragment is
// byte for byte what rendering would give, and finding one needs the very
// content it holds.
//
// It is bounded: when the current generation is full it becomes the old
// one and the one before is dropped; a hit in the old generation moves the
// fragment to the current one.
type fragmentCache struct {
	mu       sync.Mutex
	cur, old map[string]template.HTML
}

// maxFragments is one generation's size: a caseload row is about 1 KB of
// HTML, so the cache holds at most about 8 MB.
const maxFragments = 4096

func (c *fragmentCache) get(key []byte) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.cur[string(key)]; ok {
		return h, true
	}
	if h, ok := c.old[string(key)]; ok {
		c.putLocked(string(key), h)
		return h, true
	}
	return "", false
}

func (c *fragmentCache) put(key string, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, h)
}

func (c *fragmentCache) putLocked(key string, h template.HTML) {
	if len(c.cur) >= maxFragments {
		c.old, c.cur = c.cur, nil
	}
	if c.cur == nil {
		c.cur = map[string]template.HTML{}
	}
	c.cur[key] = h
}

// fragmentView is a fragment template's data: plain values with a key that
// includes every one of them (TestFragmentKeysCoverEveryField checks each
// view type).
type fragmentView interface {
	appendKey([]byte) []byte
}

// renderFragments renders each view with the named template of page,
// reusing what the cache keeps.
func (s *Server) renderFragments(page, name string, vs []fragmentView) ([]template.HTML, error) {
	t, ok := s.views.pages[page]
	if !ok {
		return nil, fmt.Errorf("rendering %s: no such view %s", name, page)
	}
	out := make([]template.HTML, len(vs))
	// The template's name starts the key, so two fragment templates never
	// share an entry.
	key := make([]byte, 0, 256)
	key = append(append(append(append(key, page...), '/'), name...), 0)
	base := len(key)
	var b strings.Builder
	for i, v := range vs {
		key = v.appendKey(key[:base])
		if h, ok := s.fragments.get(key); ok {
			out[i] = h
			continue
		}
		b.Reset()
		if err := t.ExecuteTemplate(&b, name, v); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", name, err)
		}
		out[i] = template.HTML(b.String()) // #nosec G203 -- html/template rendered and escaped it
		s.fragments.put(string(key), out[i])
	}
	return out, nil
}

// appendString and its kin write a length-prefixed field, so no two
// different views share a key.
func appendString(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

func appendInt(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n, 10)
	return append(b, ';')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}

func appendStrings(b []byte, ss []string) []byte {
	b = appendInt(b, int64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// navView is what the service navigation shows: the items depend on
// whether someone is signed in, their role and the page's section.
type navView struct {
	Signed    bool
	Role, Nav string
}

func (v navView) appendKey(b []byte) []byte {
	b = appendBool(b, v.Signed)
	b = appendString(b, v.Role)
	return appendString(b, v.Nav)
}

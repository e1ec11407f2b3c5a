package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// pager splits a list into numbered pages for the GOV.UK pagination
// component. The page comes from the "page" query parameter; a missing,
// unreadable or out-of-range one shows the nearest page that exists, as a
// list that has shrunk since its link was made should still open.
type pager struct {
	Page, Pages int
	From, To    int // 1-based, inclusive; From > To when the list is empty
	Total       int
	Prev, Next  string
	Items       []pagerItem
}

type pagerItem struct {
	Number   int
	URL      string
	Current  bool
	Ellipsis bool
}

func newPager(r *http.Request, path string, total, size int) pager {
	return newPagerTo(r, path, "", total, size)
}

// newPagerTo is newPager with links to fragment, the list's place on a
// page that shows more than the list.
func newPagerTo(r *http.Request, path, fragment string, total, size int) pager {
	p := pager{Total: total, Pages: max(1, (total+size-1)/size)}
	p.Page = min(pageAsked(r), p.Pages)
	p.From = (p.Page-1)*size + 1
	p.To = min(p.Page*size, total)
	if total == 0 {
		p.From, p.To = 1, 0
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return (&url.URL{Path: path, RawQuery: q.Encode(), Fragment: fragment}).String()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	// First, last, and the current page with its neighbours; gaps become
	// an ellipsis (the component's own pattern).
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < p.Page-1 || n > p.Page+1) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Items = append(p.Items, pagerItem{Ellipsis: true})
		}
		p.Items = append(p.Items, pagerItem{Number: n, URL: link(n), Current: n == p.Page})
		last = n
	}
	return p
}

// pageAsked is the page number in the request: 1 when there is none or it
// is unreadable or below 1, and at most maxPage, so that a page's offset
// (offsetAsked) cannot overflow: a larger one shows the last page, as any
// page past the end does.
func pageAsked(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil {
		return 1
	}
	return min(max(n, 1), maxPage)
}

// offsetAsked is where the page asked for starts in a list of pages of
// size: what a store's read of one page is given.
func offsetAsked(r *http.Request, size int) int {
	return (pageAsked(r) - 1) * size
}

// maxPage is the largest page number read from a request.
const maxPage = 1 << 20

package web

import (
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestPager(t *testing.T) {
	type item struct {
		n        int
		current  bool
		ellipsis bool
	}
	tests := []struct {
		query       string
		total       int
		page, pages int
		from, to    int
		prev, next  string
		items       []item
	}{
		{"", 0, 1, 1, 1, 0, "", "", []item{{1, true, false}}},
		{"", 50, 1, 1, 1, 50, "", "", []item{{1, true, false}}},
		{"", 51, 1, 2, 1, 50, "", "/caseload?page=2", []item{{1, true, false}, {2, false, false}}},
		{"page=2", 51, 2, 2, 51, 51, "/caseload?page=1", "", []item{{1, false, false}, {2, true, false}}},
		// Unreadable or out of range: the nearest page that exists.
		{"page=abc", 120, 1, 3, 1, 50, "", "/caseload?page=2", []item{{1, true, false}, {2, false, false}, {3, false, false}}},
		{"page=-4", 120, 1, 3, 1, 50, "", "/caseload?page=2", []item{{1, true, false}, {2, false, false}, {3, false, false}}},
		{"page=99", 120, 3, 3, 101, 120, "/caseload?page=2", "", []item{{1, false, false}, {2, false, false}, {3, true, false}}},
		{"page=461168601842738791", 120, 3, 3, 101, 120, "/caseload?page=2", "", []item{{1, false, false}, {2, false, false}, {3, true, false}}},
		// Gaps become an ellipsis; other query parameters are kept.
		{"page=5&area=2", 500, 5, 10, 201, 250, "/caseload?area=2&page=4", "/caseload?area=2&page=6",
			[]item{{1, false, false}, {0, false, true}, {4, false, false}, {5, true, false}, {6, false, false}, {0, false, true}, {10, false, false}}},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/caseload?"+tc.query, nil)
		if asked := pageAsked(r); asked > maxPage {
			t.Errorf("%q: page %d overflows an offset", tc.query, asked)
		}
		p := newPager(r, "/caseload", tc.total, 50)
		if p.Page != tc.page || p.Pages != tc.pages || p.From != tc.from || p.To != tc.to || p.Prev != tc.prev || p.Next != tc.next {
			t.Errorf("%q of %d: page %d of %d, %d to %d, prev %q, next %q; want page %d of %d, %d to %d, prev %q, next %q",
				tc.query, tc.total, p.Page, p.Pages, p.From, p.To, p.Prev, p.Next, tc.page, tc.pages, tc.from, tc.to, tc.prev, tc.next)
		}
		var got []item
		for _, it := range p.Items {
			got = append(got, item{it.Number, it.Current, it.Ellipsis})
		}
		if !reflect.DeepEqual(got, tc.items) {
			t.Errorf("%q of %d: items %v; want %v", tc.query, tc.total, got, tc.items)
		}
	}
}

package bench

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestRequestsAskForGzipThemselves: a page in the mix asks for gzip
// itself, so Go's transport hands back the compressed answer (read whole,
// not unzipped), and the header it was given is left as it was.
func TestRequestsAskForGzipThemselves(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write(bytes.Repeat([]byte("<p>A page.</p>\n"), 200)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" || r.Header.Get("Cookie") != "cradle_session=x" {
			http.Error(w, "unexpected headers", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		if _, err := w.Write(zipped.Bytes()); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()

	given := http.Header{"Cookie": {"cradle_session=x"}}
	w := newWorkload(share{TypeFamily, 1})
	w.add(TypeFamily, "GET /families/{id}", http.StatusOK, vegeta.Target{Method: http.MethodGet, URL: srv.URL + "/families/1", Header: given})
	if len(given) != 1 {
		t.Errorf("the given header was changed: %v", given)
	}
	req, err := w.routes[0].targets[0].Request()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Uncompressed || !bytes.Equal(body, zipped.Bytes()) {
		t.Errorf("status %d, unzipped by the transport %v, %d bytes read (%d sent)", resp.StatusCode, resp.Uncompressed, len(body), zipped.Len())
	}
}

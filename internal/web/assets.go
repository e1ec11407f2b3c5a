package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// assetSet is the static files, loaded once at start-up: each is served
// under a name holding a hash of its content (cradle.3f2a…9c.css) with a
// year's immutable caching, so a browser fetches it once per release, and
// a new release's pages name new files. The plain names still answer,
// with revalidation (no-cache and an ETag), for anything that has one
// saved. Text files are gzipped once here, not per request.
type assetSet struct {
	byName map[string]*asset // by the name that is requested, hashed or plain
	url    map[string]string // plain name -> /assets/hashed name
}

type asset struct {
	body, gz    []byte
	contentType string
	etag        string
	immutable   bool
}

// hashLen is how much of the SHA-256 goes in a name: 10 hex digits, a
// trillion possibilities, more than enough for one site's files.
const hashLen = 10

func loadAssets(static fs.FS) (*assetSet, error) {
	names, err := fs.Glob(static, "*")
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, n := range names {
		b, err := fs.ReadFile(static, n)
		if err != nil {
			return nil, fmt.Errorf("reading asset %s: %w", n, err)
		}
		files[n] = b
	}
	set := &assetSet{byName: map[string]*asset{}, url: map[string]string{}}
	// A file that names another (app.js imports govuk-frontend.min.js)
	// must name its hashed copy, so is hashed after it: files that name
	// no other asset first, then the rest, with the names rewritten.
	done := map[string]bool{}
	for pass := 0; len(done) < len(files); pass++ {
		if pass > len(files) {
			return nil, fmt.Errorf("assets name each other in a circle")
		}
		for _, n := range names { // fs.Glob sorts them
			if done[n] {
				continue
			}
			body, ready := files[n], true
			for _, other := range names {
				if other == n || !bytes.Contains(body, []byte(other)) {
					continue
				}
				if !done[other] {
					ready = false
					break
				}
				body = bytes.ReplaceAll(body, []byte(other), []byte(path.Base(set.url[other])))
			}
			if !ready {
				continue
			}
			if err := set.add(n, body); err != nil {
				return nil, err
			}
			done[n] = true
		}
	}
	return set, nil
}

func (set *assetSet) add(name string, body []byte) error {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + h + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	a := asset{body: body, contentType: ct, etag: `"` + h + `"`}
	if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "svg") || strings.Contains(ct, "json") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(body); err != nil {
			return fmt.Errorf("compressing %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("compressing %s: %w", name, err)
		}
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
	}
	plain, immutable := a, a
	immutable.immutable = true
	set.byName[name] = &plain
	set.byName[hashed] = &immutable
	set.url[name] = "/assets/" + hashed
	return nil
}

// URL is the hashed address of a static file, for templates. An unknown
// name is an error, which fails the page (every page is rendered in tests).
func (set *assetSet) URL(name string) (string, error) {
	u, ok := set.url[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// ServeHTTP serves /assets/{name}, already stripped to {name}.
func (set *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := set.byName[strings.TrimPrefix(r.URL.Path, "/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if a.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	send(w, body)
}

// acceptsGzip reports whether the client takes gzip (and has not refused
// it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

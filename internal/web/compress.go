package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"sync"

	// klauspost's gzip writes the same format as compress/gzip in half the
	// CPU at the fastest level (and slightly smaller); every page passes
	// through it.
	"github.com/klauspost/compress/gzip"
)

// pools reuse the buffers pages are rendered into and the gzip writers
// that compress them: a busy server renders thousands of pages a second,
// and both are large enough to be worth keeping.
type pools struct {
	buffers sync.Pool
	gzips   sync.Pool
}

// minGzip is the smallest page worth compressing: below it the gzip
// header and the CPU cost more than they save.
const minGzip = 1024

func (p *pools) buffer() *bytes.Buffer {
	if b, ok := p.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (p *pools) putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 { // let an unusually large page's buffer go
		return
	}
	b.Reset()
	p.buffers.Put(b)
}

// send writes a response body once the status and headers are set. An
// error means the client has gone: nothing more can reach it, and its next
// request starts afresh, so the error is dropped here, in one place.
func send(w io.Writer, body []byte) {
	w.Write(body) // #nosec G104 -- the client has gone, as the comment above says
}

// write sends a rendered page, gzipped (at the fastest level: most of the
// saving for a fraction of the work) when the client takes gzip and the
// page is big enough. The caller has set Content-Type.
func (p *pools) write(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) < minGzip || !acceptsGzip(r) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		send(w, body)
		return
	}
	out := p.buffer()
	defer p.putBuffer(out)
	zw, ok := p.gzips.Get().(*gzip.Writer)
	if ok {
		zw.Reset(out)
	} else {
		zw, _ = gzip.NewWriterLevel(out, gzip.BestSpeed)
	}
	// Into memory: a bytes.Buffer never fails, so neither can these.
	zw.Write(body) // #nosec G104 -- writes to a bytes.Buffer
	zw.Close()     // #nosec G104 -- writes to a bytes.Buffer
	zw.Reset(io.Discard)
	p.gzips.Put(zw)
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(status)
	send(w, out.Bytes())
}

package demo

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The demo's letter is a PDF a reader can open: every cross-reference
// offset points at its object, startxref at the table, and the text is
// there with its brackets escaped.
func TestOnePagePDF(t *testing.T) {
	b := string(onePagePDF([]string{"Dear Ms Morris,", "A (bracketed) word and a back\\slash"}))
	if !strings.HasPrefix(b, "%PDF-1.4\n") || !strings.HasSuffix(b, "%%EOF\n") {
		t.Fatalf("not a PDF:\n%s", b)
	}
	if !strings.Contains(b, `(A \(bracketed\) word and a back\\slash) Tj`) {
		t.Errorf("the text is not escaped:\n%s", b)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindStringSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	at, _ := strconv.Atoi(m[1])
	if !strings.HasPrefix(b[at:], "xref\n0 6\n") {
		t.Fatalf("startxref %d points at %q", at, b[at:min(len(b), at+20)])
	}
	for i, off := range regexp.MustCompile(`(\d{10}) 00000 n `).FindAllStringSubmatch(b[at:], -1) {
		o, _ := strconv.Atoi(off[1])
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !strings.HasPrefix(b[o:], want) {
			t.Errorf("object %d's offset %d points at %q", i+1, o, b[o:min(len(b), o+12)])
		}
	}
	stream := regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindStringSubmatchIndex(b)
	n, _ := strconv.Atoi(b[stream[2]:stream[3]])
	if !strings.HasPrefix(b[stream[1]+n:], "\nendstream") {
		t.Errorf("the stream's /Length %d is wrong", n)
	}
}

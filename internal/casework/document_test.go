package casework

import (
	"bytes"
	"reflect"
	"testing"
)

func TestDocumentValidate(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, 0xFF, 0xD9)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR....\x00\x00\x00\x00IEND\xaeB`\x82")
	big := append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), DocumentMaxBytes)...), []byte("\n%%EOF")...)
	for _, c := range []struct {
		name     string
		title    string
		content  []byte
		selected bool
		want     map[string]string
		kind     string
	}{
		{"a PDF", " Letter from children's social care ", pdf, true, nil, "pdf"},
		{"a JPEG photo", "Signed consent form", jpeg, true, nil, "jpeg"},
		{"a PNG", "Plan", png, true, nil, "png"},
		// Phones often write data after a photo's last marker.
		{"a phone's JPEG with data after its end", "Form", append(append([]byte(nil), jpeg...), "\x00\x00SEFT trailer"...), true, nil, "jpeg"},
		{"a PNG's signature alone", "Plan", []byte("\x89PNG\r\n\x1a\n"), true, map[string]string{"document_file": "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first"}, ""},
		{"a GIF", "Plan", []byte("GIF89a\x01\x00\x01\x00"), true, map[string]string{"document_file": "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first"}, ""},
		{"no title, no file", "", nil, false, map[string]string{"document_title": "Enter what the document is, like Letter from children's social care", "document_file": "Select the file to add"}, ""},
		{"an empty file", "Letter", []byte{}, true, map[string]string{"document_file": "The selected file is empty"}, ""},
		{"too large", "Letter", big, true, map[string]string{"document_file": "The selected file must be smaller than 5 MB"}, "pdf"},
		{"a Word document", "Letter", []byte("PK\x03\x04[Content_Types].xml"), true, map[string]string{"document_file": "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first"}, ""},
		{"a PDF cut short", "Letter", pdf[:20], true, map[string]string{"document_file": "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first"}, ""},
		{"HTML named PDF", "Letter", []byte("<html><script>alert(1)</script></html>%%EOF"), true, map[string]string{"document_file": "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first"}, ""},
		{"a title with HTML", "<b>Letter</b>", pdf, true, map[string]string{"document_title": "What the document is must not include HTML or code, such as < followed by a letter"}, "pdf"},
		{"a title on two lines", "Letter\nfrom CSC", pdf, true, map[string]string{"document_title": "What the document is must not include hidden control characters"}, "pdf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := Document{Title: c.title, Content: c.content}
			got := fieldsOf(d.Validate(c.selected))
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("problems %v, want %v", got, c.want)
			}
			if d.Kind != c.kind || d.Size != len(c.content) {
				t.Errorf("kind %q size %d, want %q %d", d.Kind, d.Size, c.kind, len(c.content))
			}
			if c.want == nil && d.Title != "Letter from children's social care" && c.name == "a PDF" {
				t.Errorf("title not cleaned: %q", d.Title)
			}
		})
	}
}

func TestDocumentKindWords(t *testing.T) {
	for _, c := range []struct{ kind, typ, ext string }{
		{"pdf", "application/pdf", ".pdf"}, {"jpeg", "image/jpeg", ".jpg"}, {"png", "image/png", ".png"}, {"exe", "application/octet-stream", ".exe"},
	} {
		if got := DocumentContentType(c.kind); got != c.typ {
			t.Errorf("DocumentContentType(%q) = %q, want %q", c.kind, got, c.typ)
		}
		if c.kind != "exe" && DocumentExtension(c.kind) != c.ext {
			t.Errorf("DocumentExtension(%q) = %q, want %q", c.kind, DocumentExtension(c.kind), c.ext)
		}
	}
	for n, want := range map[int]string{1: "1 KB", 900: "1 KB", 200 << 10: "200 KB", 3<<20 + 400<<10: "3.4 MB"} {
		if got := DocumentSize(n); got != want {
			t.Errorf("DocumentSize(%d) = %q, want %q", n, got, want)
		}
	}
}

package problem

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzText checks the free-text rule every form shares (session notes,
// referral answers, safeguarding concerns, shares and meetings): a value
// it accepts is trimmed, valid UTF-8, within the limit, free of control
// characters other than line breaks and tabs where allowed, free of
// anything tag-like, storable (no NUL), and accepted again unchanged; a
// refusal is one message for the field, starting with its label.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"Police called twice.\nChildren present.", "  padded  ", "<script>x</script>", "a < b and c > d", "<3", "<!-- x -->",
		"tab\there", "nul\x00", "line\u2028sep", "\xff", strings.Repeat("é", 21), "<?php", "</p>", "\r\n",
	} {
		f.Add(s, uint8(20), true)
		f.Add(s, uint8(200), false)
	}
	f.Fuzz(func(t *testing.T, v string, max uint8, multiline bool) {
		var fs Fields
		got := v
		fs.Text("notes", "Notes", &got, int(max), multiline)
		if got != strings.TrimSpace(v) {
			t.Fatalf("Text(%q) left %q, not the trimmed value", v, got)
		}
		if len(fs) > 0 {
			if len(fs) != 1 || fs[0].Name != "notes" || !strings.HasPrefix(fs[0].Message, "Notes ") {
				t.Fatalf("Text(%q) = %+v", v, fs)
			}
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > int(max) || strings.ContainsRune(got, 0) || tagLike.MatchString(got) {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("accepted %q with control character %U", got, r)
			}
		}
		again := got
		fs.Text("notes", "Notes", &again, int(max), multiline)
		if len(fs) > 0 || again != got {
			t.Fatalf("accepted %q, but not a second time: %+v", got, fs)
		}
	})
}

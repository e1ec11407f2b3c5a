package export

import "testing"

func TestSafeText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Midwife", "Midwife"},
		{"=1+1", "'=1+1"},
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+44 7700 900000", "'+44 7700 900000"},
		{"-3", "'-3"}, // text that looks like a number is still text
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠x", "'＠x"},
		{"'already quoted", "'already quoted"},
		{" =1+1", " =1+1"}, // spreadsheets do not evaluate a leading space
		{"a=b", "a=b"},
		{"<5", "<5"},
		{"Zoë", "Zoë"},
		{"\ncmd", "\ncmd"},
	} {
		if got := SafeText(c.in); got != c.want {
			t.Errorf("SafeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

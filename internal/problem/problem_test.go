package problem

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCodeAndMessage(t *testing.T) {
	base := New(NotFound, "No family with reference %s", "FAM-1")
	wrapped := fmt.Errorf("loading family: %w", base)
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantMsg  string
	}{
		{"problem", base, NotFound, "No family with reference FAM-1"},
		{"wrapped problem", wrapped, NotFound, "No family with reference FAM-1"},
		{"plain error is internal", errors.New("disk on fire"), Internal, "Sorry, there is a problem with the service. Try again later."},
		{"internal problem hides message", Wrap(Internal, errors.New("x"), "secret detail"), Internal, "Sorry, there is a problem with the service. Try again later."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.wantCode {
				t.Errorf("CodeOf = %q, want %q", got, tt.wantCode)
			}
			if got := MessageOf(tt.err); got != tt.wantMsg {
				t.Errorf("MessageOf = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestFields(t *testing.T) {
	var fs Fields
	if fs.Err() != nil {
		t.Fatal("empty fields should be no error")
	}
	fs.Add("email", "Enter an email address")
	fs.Add("email", "second message is ignored")
	fs.Add("name", "Enter a name")
	err := fs.Err()
	p := As(err)
	if p == nil || p.Code != Invalid {
		t.Fatalf("got %v, want an Invalid problem", err)
	}
	if len(p.Fields) != 2 || p.Fields[0].Message != "Enter an email address" {
		t.Errorf("fields = %+v, want email first with its first message", p.Fields)
	}
	if !fs.Has("name") || fs.Has("phone") {
		t.Error("Has gave the wrong answer")
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		in        string
		multiline bool
		want      string // part of the message, "" = fine
		cleaned   string
	}{
		{"  Amy  ", false, "", "Amy"},
		{"line one\nline two", true, "", "line one\nline two"},
		{"line one\nline two", false, "control characters", ""},
		{"nul\x00here", true, "control characters", ""},
		{"<script>alert(1)</script>", false, "HTML", ""},
		{"</b>", false, "HTML", ""},
		{"I <3 my baby", false, "", "I <3 my baby"},
		{"a < b", false, "", "a < b"},
		{"abcdef", false, "5 characters or fewer", ""},
		{"caf\xe9", false, "letters, numbers", ""},
		{"Zoë Łukasz", false, "", "Zoë Łukasz"},
	}
	for _, tt := range tests {
		var fs Fields
		v := tt.in
		max := 100
		if tt.in == "abcdef" {
			max = 5
		}
		fs.Text("f", "Field", &v, max, tt.multiline)
		got := ""
		if len(fs) > 0 {
			got = fs[0].Message
		}
		if (tt.want == "") != (got == "") || (tt.want != "" && !contains(got, tt.want)) {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.want == "" && v != tt.cleaned {
			t.Errorf("Text(%q) left %q, want %q", tt.in, v, tt.cleaned)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 parents"}, {1, "1 parent"}, {2, "2 parents"}, {12, "12 parents"}, {-1, "-1 parents"}} {
		if got := Plural(tt.n, "parent", "parents"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

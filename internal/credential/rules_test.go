package credential

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	person := []string{"Jane.Smith84@example.org", "Jane Smith"}
	tests := []struct {
		name     string
		password string
		personal []string
		want     Rule // "" means accepted
	}{
		{"empty", "", nil, RuleTooShort},
		{"11 characters", "abcdefghijk", nil, RuleTooShort},
		{"12 characters exactly", "tadpole-oven", nil, ""},
		{"12 characters but common", "abcdefghijkl", nil, RuleCommon},
		{"three random words", "purple-tadpole-oven", nil, ""},
		{"short three words", "cat dog owl", nil, RuleTooShort},
		{"no composition rules", "lowercaseonlyplease", nil, ""},
		{"unicode counted in characters", "日本語のパスワードです", nil, RuleTooShort}, // 11 runes, 33 bytes
		{"unicode 12 characters", "日本語のパスワードですよ", nil, ""},
		{"emoji", "🐈🐕🐇🐢🦊🐈🐕🐇🐢🦊🐈🐕", nil, ""},
		{"256 characters", strings.Repeat("abcdefgh", 32), nil, ""},
		{"257 characters", strings.Repeat("ab", 128) + "c", nil, RuleTooLong},
		{"256 multibyte characters", strings.Repeat("éèêëàâäç", 32), nil, ""},
		{"common", "qwertyuiopasdfgh", nil, RuleCommon},
		{"twelve spaces", "            ", nil, RuleRepetitive},
		{"one letter repeated", "aaaaaaaaaaaaaaaa", nil, RuleRepetitive},
		{"two letters repeated", "abababababababab", nil, RuleRepetitive},
		{"spaces around two letters", "  abab  abab  ", nil, RuleRepetitive},
		{"common any case", "QwertyUiopASDFGH", nil, RuleCommon},
		{"common with digits", "password1234", nil, RuleCommon},
		{"common with suffix", "Password123!", nil, RuleCommon},
		{"common with spaced suffix", "Iloveyou 2024!!", nil, RuleCommon},
		{"common word inside is fine", "my password is long", nil, ""},
		{"prefix not stripped", "123!password", nil, ""},
		{"contains email local part", "xjane.smith84x", person, RulePersonal},
		{"contains first name", "hello-JANE-doe-xyz", person, RulePersonal},
		{"contains surname", "blacksmithing-day", person, RulePersonal},
		{"contains email name part", "i am smith84 ok", []string{"j.smith84@example.org"}, RulePersonal},
		{"domain is not personal", "example-org-rocks", person, ""},
		{"short name parts ignored", "journey-to-the-moon", []string{"Jo Al", "al@example.org"}, ""},
		{"hyphenated name", "i-am-mary-poppins", []string{"Mary-Jane O'Neill"}, RulePersonal},
		{"apostrophe name", "neill-the-great", []string{"Mary-Jane O'Neill"}, RulePersonal},
		{"unicode name", "ÅNGSTRÖM-rules-ok", []string{"Åsa Ångström"}, RulePersonal},
		{"empty personal values", "a fine password", []string{"", "  ", "@"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.personal...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("CheckPassword(%q) = %v, want *RuleError %q", tt.password, err, tt.want)
			}
			if re.Rule != tt.want {
				t.Errorf("rule = %q, want %q", re.Rule, tt.want)
			}
			if re.Message == "" || !strings.HasPrefix(re.Message, "Password ") {
				t.Errorf("message %q is not fit to show", re.Message)
			}
		})
	}
}

func TestRuleMessages(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{RuleTooShort, "Password must be " + strconv.Itoa(MinPasswordLength) + " characters or more"},
		{RuleTooLong, "Password must be " + strconv.Itoa(MaxPasswordLength) + " characters or fewer"},
		{RuleCommon, "Password is too common. Choose a different one, for example three random words"},
		{RuleRepetitive, "Password repeats the same few characters. Choose a different one, for example three random words"},
		{RulePersonal, "Password must not contain your name or email address"},
	}
	for _, tt := range tests {
		e := ruleError(tt.rule)
		if e.Message != tt.want {
			t.Errorf("%s: message %q, want %q", tt.rule, e.Message, tt.want)
		}
		if got := e.Error(); got != strings.ToLower(got) {
			t.Errorf("%s: Error() %q is not lower-case", tt.rule, got)
		}
	}
}

// TestCommonPasswordList guards the embedded file's shape: the header
// comment, the minimum size and the normalisation the lookup relies on.
func TestCommonPasswordList(t *testing.T) {
	if !strings.HasPrefix(commonPasswordsFile, "# ") {
		t.Error("list has no source/licence header")
	}
	lines := listLines(commonPasswordsFile)
	if len(lines) < 10000 {
		t.Fatalf("list has %d entries, want at least 10000", len(lines))
	}
	if len(commonPasswords()) != len(lines) {
		t.Error("list has duplicates")
	}
	for i, l := range lines {
		if l != strings.ToLower(l) || strings.TrimSpace(l) != l || !utf8.ValidString(l) {
			t.Fatalf("entry %q is not lower-case, trimmed UTF-8", l)
		}
		if i > 0 && lines[i-1] >= l {
			t.Fatalf("entries %q, %q out of order", lines[i-1], l)
		}
	}
	for _, pw := range []string{"password", "qwertyuiop", "iloveyou", "12345678"} {
		if _, ok := commonPasswords()[pw]; !ok {
			t.Errorf("%q missing from list", pw)
		}
	}
}

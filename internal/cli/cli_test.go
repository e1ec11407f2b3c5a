package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/store/storetest"

	_ "modernc.org/sqlite"
)

// testPasswordParams are cheap argon2id costs for the tests' servers and
// demo data (they sign in often).
var testPasswordParams = storetest.PasswordParams

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cli.App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Version: "test", PasswordParams: testPasswordParams}
	code := app.Run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func TestHelpAndUsageErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{"no args", nil, 0, "Commands:", ""},
		{"help", []string{"help"}, 0, "serve", ""},
		{"help serve", []string{"help", "serve"}, 0, "-addr", ""},
		{"serve -h lists every flag", []string{"serve", "-h"}, 0, "-tls-key", ""},
		{"demo -h", []string{"demo", "-h"}, 0, "-json", ""},
		{"user add -h", []string{"user", "add", "-h"}, 0, "-role", ""},
		{"version", []string{"version"}, 0, "cradle test", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--colour"}, 2, "", "flag provided but not defined: -colour"},
		{"stray argument", []string{"migrate", "extra"}, 2, "", `unexpected argument "extra"`},
		{"user without verb", []string{"user"}, 2, "", "cradle user add"},
		{"audit without verb", []string{"audit"}, 2, "", "cradle audit verify"},
		{"bad database URL scheme", []string{"migrate", "--data", "DATA", "--database", "mysql://x"}, 2, "", "is not a postgres:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			for i, a := range args {
				if a == "DATA" {
					args[i] = t.TempDir()
				}
			}
			r := run(t, nil, args...)
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.wantOut) || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("got exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout containing %q, stderr containing %q",
					r.code, r.stdout, r.stderr, tt.wantCode, tt.wantOut, tt.wantErr)
			}
			if strings.Contains(r.stderr, "goroutine ") {
				t.Error("stack trace printed")
			}
		})
	}
}

func TestUnreachableDatabaseAndUnwritableData(t *testing.T) {
	r := run(t, nil, "migrate", "--data", t.TempDir(), "--database", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if r.code != 1 || !strings.Contains(r.stderr, "Cannot reach the postgres database") {
		t.Errorf("unreachable database: exit %d, stderr %q", r.code, r.stderr)
	}
	// A data folder beneath a plain file can never be created, even as root.
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, "migrate", "--data", filepath.Join(file, "data"))
	if r.code != 1 || !strings.Contains(r.stderr, "Cannot create the data folder") {
		t.Errorf("unwritable data: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestEnvironmentSelectsDataFolder(t *testing.T) {
	dir := t.TempDir()
	r := run(t, map[string]string{"CRADLE_DATA": dir}, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "schema version") {
		t.Fatalf("migrate: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "cradle.db")); err != nil {
		t.Errorf("CRADLE_DATA ignored: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "cradle.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", st, err)
	}
}

// backendArgs gives --data/--database flags for each backend.
func backendArgs(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for _, b := range storetest.Backends(t) {
		args := []string{"--data", t.TempDir()}
		if b.Name == "postgres" {
			args = append(args, "--database", b.URL)
		}
		out[b.Name] = args
	}
	return out
}

func TestDemoIsIdempotent(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			first := run(t, nil, append([]string{"demo", "--json"}, db...)...)
			second := run(t, nil, append([]string{"demo", "--json"}, db...)...)
			if first.code != 0 || second.code != 0 || first.stdout != second.stdout {
				t.Fatalf("demo twice:\n%+v\n%+v", first, second)
			}
			var creds []map[string]string
			if err := json.Unmarshal([]byte(first.stdout), &creds); err != nil {
				t.Fatal(err)
			}
			roles := map[string]bool{}
			for _, c := range creds {
				if len(c) != 4 || c["email"] == "" || c["password"] == "" || c["totp_secret"] == "" {
					t.Errorf("credential %v: want exactly email, role, password, totp_secret", c)
				}
				roles[c["role"]] = true
			}
			for _, r := range []string{"practitioner", "team_manager", "dsl", "admin", "analyst"} {
				if !roles[r] {
					t.Errorf("no demo %s", r)
				}
			}
			text := run(t, nil, append([]string{"demo"}, db...)...)
			if !strings.Contains(text.stdout, "nothing was changed") {
				t.Errorf("second plain demo run: %s", text.stdout)
			}
			if v := run(t, nil, append([]string{"audit", "verify"}, db...)...); v.code != 0 {
				t.Errorf("audit verify after demo: %+v", v)
			}
		})
	}
}

func TestUserAddAndDisable(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			add := func(extra ...string) result {
				return run(t, nil, append(append([]string{"user", "add"}, db...), extra...)...)
			}
			r := add("--email", "Jo@Example.org", "--name", "Jo Bloggs", "--role", "dsl", "--area", "Blackpool", "--area", "Westminster")
			if r.code != 0 || !strings.Contains(r.stdout, "One-time password:") || !strings.Contains(r.stdout, "otpauth://totp/") ||
				!strings.Contains(r.stdout, "in Blackpool, Westminster") || !strings.Contains(r.stdout, `Created the new area "Westminster"`) {
				t.Fatalf("user add: %+v", r)
			}
			if r := add("--email", "al@example.org", "--name", "Al Smith", "--role", "practitioner", "--area", "blackpool"); r.code != 0 || strings.Contains(r.stdout, "new area") {
				t.Errorf("existing area (any case) reported as new: %+v", r)
			}
			if r := add("--email", "jo@example.org", "--name", "Jo Again", "--role", "dsl", "--area", "Blackpool"); r.code != 1 || !strings.Contains(r.stderr, "already an account") {
				t.Errorf("duplicate: %+v", r)
			}
			if r := add("--email", "bad", "--name", "", "--role", "boss", "--area", "X"); r.code != 1 ||
				!strings.Contains(r.stderr, "--email: Enter an email address in the correct format") || !strings.Contains(r.stderr, "--role: Choose a role") {
				t.Errorf("invalid: %+v", r)
			}
			if r := run(t, nil, append(append([]string{"user", "disable"}, db...), "--email", "jo@example.org")...); r.code != 0 || !strings.Contains(r.stdout, "Disabled jo@example.org") {
				t.Errorf("disable: %+v", r)
			}
			if r := run(t, nil, append(append([]string{"user", "disable"}, db...), "--email", "nobody@example.org")...); r.code != 1 || !strings.Contains(r.stderr, "No such member of staff") {
				t.Errorf("disable unknown: %+v", r)
			}
			// Enabled again from the command line (when no administrator can sign in to do it).
			if r := run(t, nil, append(append([]string{"user", "enable"}, db...), "--email", "JO@example.org")...); r.code != 0 || !strings.Contains(r.stdout, "Enabled jo@example.org") {
				t.Errorf("enable: %+v", r)
			}
			if r := run(t, nil, append(append([]string{"user", "enable"}, db...), "--email", "nobody@example.org")...); r.code != 1 || !strings.Contains(r.stderr, "No such member of staff") {
				t.Errorf("enable unknown: %+v", r)
			}
			if r := run(t, nil, "user", "enable"); r.code != 2 || !strings.Contains(r.stderr, "--email is required") {
				t.Errorf("enable with no address: %+v", r)
			}
			if r := run(t, nil, "user", "rename"); r.code != 2 || !strings.Contains(r.stderr, "add, disable or enable") {
				t.Errorf("an unknown user command: %+v", r)
			}
		})
	}
}

func TestAuditVerifyDetectsHandEditedRow(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, nil, "demo", "--data", dir); r.code != 0 {
		t.Fatal(r)
	}
	if r := run(t, nil, "audit", "verify", "--data", dir); r.code != 0 || !strings.Contains(r.stdout, "Audit log intact") {
		t.Fatalf("intact log: %+v", r)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "cradle.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE id = 7`); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "audit", "verify", "--data", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "audit entry 7") || !strings.Contains(r.stderr, "NOT intact") {
		t.Fatalf("edited log: %+v", r)
	}
}

func TestServeStartsAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	var out bytes.Buffer
	app := &cli.App{Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }, Version: "test", PasswordParams: testPasswordParams,
		Ready: func(a string) { addr <- a }}
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--demo"}) }()
	var a string
	select {
	case a = <-addr:
	case code := <-done:
		t.Fatalf("serve exited early with %d: %s", code, out.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	resp, err := http.Get("http://" + a + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close() // #nosec G104 -- the status was all this needed
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after SIGTERM-like cancel: %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(out.String(), "/sign-in") || !strings.Contains(out.String(), "priya.shah@cradle.example") {
		t.Errorf("serve --demo output lacks the sign-in address or credentials:\n%s", out.String())
	}
}

// TestReferralEmailReachesSMTP runs the real server with its mail worker
// pointed at a real SMTP server, sends a professional referral through the
// public form, and checks the acknowledgement arrives, naming only the
// reference.
func TestReferralEmailReachesSMTP(t *testing.T) {
	smtp := smtptest.Start(t)
	env := map[string]string{"CRADLE_SMTP_HOST": smtp.Host(), "CRADLE_SMTP_PORT": strconv.Itoa(smtp.Port()), "CRADLE_SMTP_TLS": "none",
		"CRADLE_SMTP_FROM": "referrals@cradle.example"}
	ctx, cancel := context.WithCancel(context.Background())
	addrCh := make(chan string, 1)
	app := &cli.App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }, Version: "test", PasswordParams: testPasswordParams,
		Ready: func(a string) { addrCh <- a }}
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--demo"})
	}()
	defer func() { cancel(); <-done }()
	var addr string
	select {
	case addr = <-addrCh:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	edd := time.Now().AddDate(0, 0, 80)
	form := url.Values{
		"referrer.name": {"Sam Social"}, "referrer.role": {"social_worker"}, "referrer.organisation": {"Blackpool Council"},
		"referrer.email":     {"sam.social@example.org"},
		"parent1.given_name": {"Zoe"}, "parent1.family_name": {"Marsh"}, "parent1.consent": {"yes"}, "parent1.address": {"CANARY-ADDRESS"},
		"parent2.given_name": {"Dean"}, "parent2.consent": {"yes"},
		"due_date-day": {strconv.Itoa(edd.Day())}, "due_date-month": {strconv.Itoa(int(edd.Month()))}, "due_date-year": {strconv.Itoa(edd.Year())},
		"area": {"FY1 1AA"}, "abuse_known": {"Disclosed to midwife."}, "safeguarding_status": {"none"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm("http://"+addr+"/refer/professional", form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %v %v", resp, err)
	}
	resp.Body.Close() // #nosec G104 -- the status was all this needed
	ref := strings.TrimPrefix(resp.Header.Get("Location"), "/refer/professional/confirmation?ref=")
	msgs := smtp.WaitFor(t, 1, 20*time.Second)
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "sam.social@example.org" || m.From != "referrals@cradle.example" {
		t.Errorf("envelope: from %q to %v", m.From, m.To)
	}
	if subj := m.Header.Get("Subject"); !strings.Contains(subj, ref) {
		t.Errorf("subject %q lacks %s", subj, ref)
	}
	for _, canary := range []string{"CANARY", "Zoe", "Dean", "Marsh"} {
		if strings.Contains(string(m.Data), canary) {
			t.Errorf("acknowledgement email contains %q", canary)
		}
	}
}

func TestServeRejectsBadEligibilityFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(bad, []byte(`{"areas": [], "start_weeks": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--eligibility", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "eligibility rules in") {
		t.Errorf("bad rules file: %+v", r)
	}
	r = run(t, nil, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--eligibility", "/no/such/file.json")
	if r.code != 1 || !strings.Contains(r.stderr, "reading the eligibility rules") {
		t.Errorf("missing rules file: %+v", r)
	}
}

func TestServeRejectsBadRetentionSchedule(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "retention.json")
	// A schedule with a setting left out is refused: it would otherwise
	// take a period nobody chose.
	if err := os.WriteFile(bad, []byte(`{"children_until_birthday": 25, "child_protection_years_after_closure": 35, "parents_years_after_closure": 6, "notice_days": 90}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, map[string]string{"CRADLE_RETENTION_FILE": bad}, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "retention schedule in") || !strings.Contains(r.stderr, "max_keep_years: must be given") {
		t.Errorf("incomplete schedule: %+v", r)
	}
}

func TestRiskSettingsFromEnvironment(t *testing.T) {
	r := run(t, map[string]string{"CRADLE_RISK_SETTINGS": `{"medium": 15, "high": 12}`}, "migrate", "--data", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "CRADLE_RISK_SETTINGS") {
		t.Errorf("medium above high: %+v", r)
	}
	r = run(t, map[string]string{"CRADLE_RISK_SETTINGS": `{"colour": 1}`}, "migrate", "--data", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "not valid") {
		t.Errorf("unknown field: %+v", r)
	}
	r = run(t, map[string]string{"CRADLE_RISK_SETTINGS": `{"medium": 8, "high": 12, "escalation_incidents": 2, "repeat_months": 6}`}, "migrate", "--data", t.TempDir())
	if r.code != 0 {
		t.Errorf("valid settings: %+v", r)
	}
	// Found by FuzzRiskSettings: these were accepted, keeping the last
	// value given or ignoring what followed the object.
	for _, v := range []string{`{"medium": 8, "high": 12, "Medium": 2}`, `{"medium": 8, "high": 12} {"high": 20}`, `{"medium": 8, "high": 12}]`} {
		r = run(t, map[string]string{"CRADLE_RISK_SETTINGS": v}, "migrate", "--data", t.TempDir())
		if r.code != 1 || !strings.Contains(r.stderr, "CRADLE_RISK_SETTINGS is not valid") {
			t.Errorf("%s: %+v", v, r)
		}
	}
}

const demoAdmin = "sam.carter@cradle.example"

func TestExportResearch(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			if r := run(t, nil, append([]string{"demo"}, db...)...); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			out := filepath.Join(t.TempDir(), "extract.csv")
			args := func(extra ...string) []string { return append(append([]string{"export", "research"}, db...), extra...) }
			for _, bad := range []struct {
				args []string
				code int
				msg  string
			}{
				{args("--project", "Eval", "--out", out), 2, "--as is required"},
				{args("--as", "ADMIN", "--out", out), 2, "--project is required"},
				{args("--as", "ADMIN", "--project", "Eval", "--out", out, "--dates", "days"), 2, "--dates must be months or shifted"},
				{args("--as", "priya.shah@cradle.example", "--project", "Eval", "--out", out), 1, "only administrators can produce the research extract"},
			} {
				for i, a := range bad.args {
					if a == "ADMIN" {
						bad.args[i] = demoAdmin
					}
				}
				if r := run(t, nil, bad.args...); r.code != bad.code || !strings.Contains(r.stderr, bad.msg) {
					t.Errorf("%v: %+v, want exit %d and %q", bad.args, r, bad.code, bad.msg)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("a refused export wrote %s", out)
			}
			r := run(t, nil, args("--as", demoAdmin, "--project", "Evaluation 2027", "--out", out)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Wrote") || !strings.Contains(r.stderr, "100%") {
				t.Fatalf("export: %+v", r)
			}
			body, err := os.ReadFile(out) // #nosec G304 -- a file in the test's own temporary folder
			if err != nil {
				t.Fatal(err)
			}
			if lines := strings.Count(string(body), "\n"); lines < 20 {
				t.Errorf("extract has %d lines, want the demo families' results", lines)
			}
			for _, leak := range []string{"Foster", "Amy", "FAM-", "Blackpool,Blackpool"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("extract contains %q", leak)
				}
			}
			if !strings.HasPrefix(string(body), "family,person,role,") {
				t.Errorf("extract starts %q", string(body)[:min(60, len(body))])
			}
			dict, err := os.ReadFile(strings.TrimSuffix(out, ".csv") + ".dictionary.csv")
			if err != nil || !strings.Contains(string(dict), "sessions_offered") {
				t.Errorf("dictionary: %v %s", err, dict)
			}
			if v := run(t, nil, append([]string{"audit", "verify"}, db...)...); v.code != 0 {
				t.Errorf("audit verify after export: %+v", v)
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{
		{0, 0, "nothing to read"},
		{0, 10, "  0% (0 of 10)"},
		{5, 10, "[===============               ]  50% (5 of 10), about 10s left"},
		{10, 10, "100% (10 of 10)"},
		{12, 10, "100% (10 of 10)"},
	} {
		if got := cli.ProgressLine("Reading", c.done, c.total, 10*time.Second); !strings.Contains(got, c.want) {
			t.Errorf("ProgressLine(%d, %d) = %q, want %q in it", c.done, c.total, got, c.want)
		}
	}
}

// audit term prints the key a searched-for name is recorded by, the same
// whatever the case and spacing; with no name it says how to use it.
func TestAuditTerm(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, nil, "demo", "--data", dir); r.code != 0 {
		t.Fatal(r)
	}
	keyRE := regexp.MustCompile(`"name key ([0-9a-f]{20})"`)
	key := func(name string) string {
		t.Helper()
		r := run(t, nil, "audit", "term", "--data", dir, "--name", name)
		m := keyRE.FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("audit term %q: %+v", name, r)
		}
		return m[1]
	}
	if a, b, c := key("Amy Foster"), key("  amy   FOSTER "), key("Amy Fosters"); a != b || a == c {
		t.Errorf("keys: %s, %s (same name), %s (another)", a, b, c)
	}
	if r := run(t, nil, "audit", "term", "--data", dir); r.code != 2 || !strings.Contains(r.stderr, "give the name searched for") {
		t.Errorf("audit term without a name: %+v", r)
	}
	// A folder with no database is a mistake in --data: nothing is made
	// there, and neither audit command answers as if it were empty.
	wrong := filepath.Join(t.TempDir(), "no-such-folder")
	for _, verb := range [][]string{{"term", "--name", "Amy Foster"}, {"verify"}} {
		args := append([]string{"audit", verb[0], "--data", wrong}, verb[1:]...)
		if r := run(t, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "there is no Cradle database in "+wrong) {
			t.Errorf("audit %s in a folder with no database: %+v", verb[0], r)
		}
	}
	if _, err := os.Stat(wrong); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the audit commands made %s (%v)", wrong, err)
	}
}

// TestPasswordParamsDefault: Cradle itself (no PasswordParams set) hashes
// passwords at the default cost; only a test lowers it.
func TestPasswordParamsDefault(t *testing.T) {
	if got := (&cli.App{}).PasswordParamsInUse(); got != credential.DefaultParams() {
		t.Errorf("an App with no PasswordParams hashes with %+v, want the defaults", got)
	}
	if got := (&cli.App{PasswordParams: testPasswordParams}).PasswordParamsInUse(); got != testPasswordParams {
		t.Errorf("an App with PasswordParams hashes with %+v", got)
	}
}

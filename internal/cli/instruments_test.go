package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/measure"
)

// definition writes the built-in instrument key, changed by change, as a
// definition file in dir.
func definition(t *testing.T, dir, name, key string, change func(m map[string]any)) {
	t.Helper()
	in, ok := measure.Lookup(key)
	if !ok {
		t.Fatalf("no built-in %s", key)
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestServeRejectsBadInstrumentDefinitions(t *testing.T) {
	tests := []struct {
		name  string
		write func(t *testing.T, dir string)
		want  []string
	}{
		{
			// Wording may change, scoring may not: a licensed copy that
			// moves the reliable change would make results incomparable.
			name: "scores differently",
			write: func(t *testing.T, dir string) {
				definition(t, dir, "phq9.json", "phq9", func(m map[string]any) { m["reliable_change"] = 5 })
			},
			want: []string{"outcome-measure instruments in", "phq9.json", "The PHQ-9 scores differently from the built-in PHQ-9", "reliable_change is 5 here but 6 in the built-in one", "Only the wording may change"},
		},
		{
			name: "a moved cut-off among good files",
			write: func(t *testing.T, dir string) {
				definition(t, dir, "a-gad7.json", "gad7", func(m map[string]any) { m["stem"] = "Our wording" })
				definition(t, dir, "b-epds.json", "epds", func(m map[string]any) {
					m["bands"].([]any)[2].(map[string]any)["from"] = 12
				})
			},
			want: []string{"b-epds.json", `bands[2] is {"flag":true,"from":12} here but {"flag":true,"from":13} in the built-in one`},
		},
		{
			name: "not a built-in instrument",
			write: func(t *testing.T, dir string) {
				definition(t, dir, "phq2.json", "phq9", func(m map[string]any) { m["key"] = "phq2" })
			},
			want: []string{"phq2.json", `"phq2" is not a built-in instrument`},
		},
		{
			name: "not JSON",
			write: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "epds.json"), []byte(`{"key": "epds",`), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"epds.json", "not valid JSON"},
		},
		{
			name:  "an empty folder",
			write: func(t *testing.T, dir string) {},
			want:  []string{"the folder has no .json definition files"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.write(t, dir)
			r := run(t, nil, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--instruments", dir)
			if r.code != 1 {
				t.Fatalf("exit %d: %+v", r.code, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	// The environment names the folder too.
	dir := t.TempDir()
	definition(t, dir, "core10.json", "core10", func(m map[string]any) { m["items"].([]any)[3].(map[string]any)["reverse"] = true })
	r := run(t, map[string]string{"CRADLE_INSTRUMENTS_DIR": dir}, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "core10.json") || !strings.Contains(r.stderr, "items[3]") {
		t.Errorf("CRADLE_INSTRUMENTS_DIR: %+v", r)
	}
	r = run(t, nil, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--instruments", filepath.Join(dir, "missing"))
	if r.code != 1 || !strings.Contains(r.stderr, "reading the outcome-measure instruments") {
		t.Errorf("missing folder: %+v", r)
	}
}

// TestServeLoadsInstrumentWording starts the server with an organisation's
// wording for a licensed instrument: files that only change words are
// accepted, and anything that is not a .json file is ignored.
func TestServeLoadsInstrumentWording(t *testing.T) {
	dir := t.TempDir()
	definition(t, dir, "wemwbs.json", "wemwbs", func(m map[string]any) {
		for _, it := range m["items"].([]any) {
			it.(map[string]any)["text"] = "A licensed statement"
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a definition"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	var out, errb bytes.Buffer
	app := &cli.App{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Version: "test", PasswordParams: testPasswordParams,
		Ready: func(a string) { addr <- a }}
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--instruments", dir})
	}()
	select {
	case a := <-addr:
		resp, err := http.Get("http://" + a + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close() // #nosec G104 -- the status was all this needed
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

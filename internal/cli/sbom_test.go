package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestSBOM: cradle sbom writes a CycloneDX bill of materials of the binary
// itself: the Go version and the embedded front-end package (and the
// modules, which a test binary does not list); to a new file with --out,
// never over an existing one.
func TestSBOM(t *testing.T) {
	r := run(t, nil, "sbom")
	if r.code != 0 {
		t.Fatalf("sbom: %+v", r)
	}
	var doc struct {
		BOMFormat, SpecVersion, SerialNumber string
		Metadata                             struct {
			Component struct{ Name, Version string }
		}
		Components   []struct{ Type, Name, Version, PURL string }
		Dependencies []struct{ DependsOn []string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("sbom output is not JSON: %v\n%.300s", err, r.stdout)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.5" ||
		!regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(doc.SerialNumber) {
		t.Errorf("header: %s %s %s", doc.BOMFormat, doc.SpecVersion, doc.SerialNumber)
	}
	if doc.Metadata.Component.Name != "cradle" || doc.Metadata.Component.Version != "test" {
		t.Errorf("describes %+v, want cradle test", doc.Metadata.Component)
	}
	got := map[string]string{}
	for _, c := range doc.Components {
		got[c.Name] = c.Version
	}
	// A test binary carries no module list (e2e's TestSBOMOfTheBuiltBinary
	// checks the modules in a built cradle).
	if got["go"] != strings.TrimPrefix(runtime.Version(), "go") || got["govuk-frontend"] == "" {
		t.Errorf("Go %q (running %s), govuk-frontend %q", got["go"], runtime.Version(), got["govuk-frontend"])
	}
	if len(doc.Dependencies) != 1 || len(doc.Dependencies[0].DependsOn) != len(doc.Components) {
		t.Errorf("dependencies: %+v", doc.Dependencies)
	}

	out := filepath.Join(t.TempDir(), "cradle.cdx.json")
	if r := run(t, nil, "sbom", "--out", out); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "Bill of materials written to "+out) {
		t.Fatalf("sbom --out: %+v", r)
	}
	if b, err := os.ReadFile(out); err != nil || !json.Valid(b) { // #nosec G304 -- written by the test's own run
		t.Fatalf("the file written: %v", err)
	}
	if r := run(t, nil, "sbom", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "file exists") {
		t.Errorf("sbom over an existing file: %+v", r)
	}
	if r := run(t, nil, "sbom", "extra"); r.code != 2 || !strings.Contains(r.stderr, `unexpected argument "extra"`) {
		t.Errorf("sbom with an argument: %+v", r)
	}
}

package sbom

import (
	"encoding/json"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestBuild(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/cradle-org/cradle", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/jackc/pgx/v5", Version: "v5.12.0"},
			{Path: "example.org/old", Version: "v1.0.0", Replace: &debug.Module{Path: "example.org/fork", Version: "v1.0.1"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}},
	}
	fe := []Frontend{{Name: "govuk-frontend", Version: "6.6.0", Licence: "MIT", Files: []string{"a.js"}, URL: "https://example.org",
		Integrity: "sha512-xctkWrQvLnvQt7fyjQ3MGX9S0wz0x0RQuLxCeoXF+s8EjGICG81/DYQGKN5qgO+0KVT12UAaRwUsGY6fulRcRg=="}}
	now := time.Date(2026, 12, 5, 22, 0, 0, 0, time.FixedZone("BST", 3600))
	doc, err := Build(bi, "dev", fe, now, "0b5e1d1e-0000-4000-8000-000000000000")
	if err != nil {
		t.Fatal(err)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.5" || doc.Version != 1 || doc.SerialNumber != "urn:uuid:0b5e1d1e-0000-4000-8000-000000000000" {
		t.Errorf("header = %+v", doc)
	}
	if doc.Metadata.Timestamp != "2026-12-05T21:00:00Z" {
		t.Errorf("timestamp = %q, want UTC", doc.Metadata.Timestamp)
	}
	app := doc.Metadata.Component
	if app.Name != "cradle" || app.PURL != "pkg:golang/github.com/cradle-org/cradle@dev" || app.BOMRef != app.PURL ||
		len(app.Properties) != 2 || app.Properties[0] != (Property{"cradle:vcs:revision", "abc123"}) || app.Properties[1].Name != "cradle:vcs:modified" {
		t.Errorf("the application = %+v", app)
	}
	want := []struct{ typ, name, version, purl string }{
		{"platform", "go", "1.26.8", "pkg:golang/std@go1.26.8"},
		{"library", "github.com/jackc/pgx/v5", "v5.12.0", "pkg:golang/github.com/jackc/pgx/v5@v5.12.0"},
		{"library", "example.org/fork", "v1.0.1", "pkg:golang/example.org/fork@v1.0.1"},
		{"library", "govuk-frontend", "6.6.0", "pkg:npm/govuk-frontend@6.6.0"},
	}
	if len(doc.Components) != len(want) {
		t.Fatalf("%d components, want %d: %+v", len(doc.Components), len(want), doc.Components)
	}
	for i, w := range want {
		c := doc.Components[i]
		if c.Type != w.typ || c.Name != w.name || c.Version != w.version || c.PURL != w.purl || c.BOMRef != w.purl {
			t.Errorf("component %d = %+v, want %+v", i, c, w)
		}
	}
	if p := doc.Components[2].Properties; len(p) != 1 || p[0].Value != "example.org/old@v1.0.0" {
		t.Errorf("a replaced module does not say what it replaces: %+v", p)
	}
	npm := doc.Components[3]
	if len(npm.Hashes) != 1 || npm.Hashes[0].Alg != "SHA-512" || len(npm.Hashes[0].Content) != 128 ||
		!strings.HasPrefix(npm.Hashes[0].Content, "c5cb645ab42f2e7bd0b7b7f28d0dcc197f52d30cf4c74450") {
		t.Errorf("npm integrity as a hash: %+v", npm.Hashes)
	}
	if len(npm.Licenses) != 1 || npm.Licenses[0].License.ID != "MIT" || len(npm.External) != 1 {
		t.Errorf("npm licence and link: %+v", npm)
	}
	if len(doc.Dependencies) != 1 || doc.Dependencies[0].Ref != app.BOMRef || len(doc.Dependencies[0].DependsOn) != len(want) {
		t.Errorf("dependencies = %+v", doc.Dependencies)
	}
	if _, err := json.Marshal(doc); err != nil {
		t.Fatal(err)
	}

	if _, err := Build(nil, "dev", nil, now, "x"); err == nil {
		t.Error("no build information: no error")
	}
	for _, bad := range []string{"md5-AAAA", "sha512", "sha512-not base64!"} {
		if _, err := Build(bi, "dev", []Frontend{{Name: "x", Version: "1", Integrity: bad}}, now, "x"); err == nil {
			t.Errorf("integrity %q: no error", bad)
		}
	}
}

// TestEmbeddedMatchesTheBuild: the front-end list the binary carries names
// the versions, licences and integrity values web/frontend/package-lock.json
// pins, and the versions the shipped licence file (made by the same build)
// names, so the BOM cannot go on describing an older build.
func TestEmbeddedMatchesTheBuild(t *testing.T) {
	fe, err := Embedded()
	if err != nil || len(fe) == 0 {
		t.Fatalf("Embedded = %v, %v", fe, err)
	}
	raw, err := os.ReadFile("../../web/frontend/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages map[string]struct {
			Version, Integrity, License string
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		t.Fatal(err)
	}
	licences, err := os.ReadFile("../web/static/LICENSES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fe {
		p, ok := lock.Packages["node_modules/"+f.Name]
		if !ok {
			t.Errorf("%s is not in package-lock.json", f.Name)
			continue
		}
		if p.Version != f.Version || p.Integrity != f.Integrity || p.License != f.Licence {
			t.Errorf("%s: embedded list %s %s %s, package-lock.json %s %s %s", f.Name, f.Version, f.Licence, f.Integrity, p.Version, p.License, p.Integrity)
		}
		if !strings.Contains(string(licences), f.Name+" "+f.Version) {
			t.Errorf("%s %s is not what internal/web/static/LICENSES.md names", f.Name, f.Version)
		}
		for _, file := range f.Files {
			if _, err := os.Stat("../web/static/" + file); err != nil {
				t.Errorf("%s: embedded as %s, which is not shipped: %v", f.Name, file, err)
			}
		}
	}
}

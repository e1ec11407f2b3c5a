// Package sbom describes what a cradle binary is made of, as a CycloneDX
// 1.5 software bill of materials (ASVS 14.2.5): the Go modules linked into
// it (from the build information Go writes into every binary, so the list
// is of what was built, not of what go.mod asks for), the Go toolchain, and
// the front-end packages whose built files are embedded in it. Local
// authorities' procurement and security teams ask for one; an operator
// checks a running version against a vulnerability notice with it.
//
// Building the document is pure: the caller passes the build information,
// the time and a serial number.
package sbom

import (
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// Document is a CycloneDX BOM, the fields Cradle fills.
type Document struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber"`
	Version      int          `json:"version"`
	Metadata     Metadata     `json:"metadata"`
	Components   []Component  `json:"components"`
	Dependencies []Dependency `json:"dependencies"`
}

// Metadata says what the BOM describes, when and with what it was made.
type Metadata struct {
	Timestamp string    `json:"timestamp"`
	Tools     Tools     `json:"tools"`
	Component Component `json:"component"`
}

// Tools lists what made the BOM (cradle itself).
type Tools struct {
	Components []Component `json:"components"`
}

// Component is one part: an application, a library or the platform.
type Component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	Licenses   []License  `json:"licenses,omitempty"`
	Hashes     []Hash     `json:"hashes,omitempty"`
	Properties []Property `json:"properties,omitempty"`
	External   []External `json:"externalReferences,omitempty"`
}

// License names a component's licence by its SPDX id.
type License struct {
	License struct {
		ID string `json:"id"`
	} `json:"license"`
}

// Hash is a digest of a component's published package.
type Hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// Property is a name and value CycloneDX has no field for.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// External is a link to where a component comes from.
type External struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Dependency says which components one depends on.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// Frontend is an npm package whose built files the binary embeds, as
// web/frontend/build.sh records it in frontend.json.
type Frontend struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Licence   string   `json:"licence"`
	Files     []string `json:"files"`
	URL       string   `json:"url"`
	Integrity string   `json:"integrity"` // npm's "sha512-<base64>"
}

//go:embed frontend.json
var frontendJSON []byte

// Embedded is the front-end packages this binary's web pages are built
// from (web/frontend/build.sh writes the list; a test checks it against
// web/frontend/package-lock.json).
func Embedded() ([]Frontend, error) {
	var out []Frontend
	if err := json.Unmarshal(frontendJSON, &out); err != nil {
		return nil, fmt.Errorf("reading the embedded front-end list: %w", err)
	}
	return out, nil
}

// Build makes the BOM of the binary whose build information is bi, named
// version (as cradle version prints it), at now, with the serial number
// serial (a UUID, new for every BOM).
func Build(bi *debug.BuildInfo, version string, frontend []Frontend, now time.Time, serial string) (Document, error) {
	if bi == nil {
		return Document{}, fmt.Errorf("this binary carries no build information: build it with go build from the module")
	}
	app := Component{Type: "application", Name: "cradle", Version: version,
		PURL: purl("golang", bi.Main.Path, version)}
	app.BOMRef = app.PURL
	if rev := setting(bi, "vcs.revision"); rev != "" {
		app.Properties = append(app.Properties, Property{"cradle:vcs:revision", rev})
		if setting(bi, "vcs.modified") == "true" {
			app.Properties = append(app.Properties, Property{"cradle:vcs:modified", "true"})
		}
	}
	doc := Document{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", SerialNumber: "urn:uuid:" + serial, Version: 1,
		Metadata: Metadata{
			Timestamp: now.UTC().Format(time.RFC3339),
			Tools:     Tools{Components: []Component{{Type: "application", Name: "cradle", Version: version}}},
			Component: app,
		},
	}
	goc := Component{Type: "platform", Name: "go", Version: strings.TrimPrefix(bi.GoVersion, "go"),
		PURL: "pkg:golang/std@" + bi.GoVersion}
	goc.BOMRef = goc.PURL
	doc.Components = append(doc.Components, goc)
	for _, m := range bi.Deps {
		c := Component{Type: "library", Name: m.Path, Version: m.Version}
		if m.Replace != nil {
			c.Properties = append(c.Properties, Property{"cradle:go:replaces", m.Path + "@" + m.Version})
			c.Name, c.Version = m.Replace.Path, m.Replace.Version
		}
		c.PURL = purl("golang", c.Name, c.Version)
		c.BOMRef = c.PURL
		doc.Components = append(doc.Components, c)
	}
	for _, f := range frontend {
		c := Component{Type: "library", Name: f.Name, Version: f.Version, PURL: purl("npm", f.Name, f.Version)}
		c.BOMRef = c.PURL
		if f.Licence != "" {
			var l License
			l.License.ID = f.Licence
			c.Licenses = []License{l}
		}
		if f.Integrity != "" {
			h, err := npmIntegrity(f.Integrity)
			if err != nil {
				return Document{}, fmt.Errorf("%s: %w", f.Name, err)
			}
			c.Hashes = []Hash{h}
		}
		if f.URL != "" {
			c.External = []External{{Type: "vcs", URL: f.URL}}
		}
		if len(f.Files) > 0 {
			c.Properties = append(c.Properties, Property{"cradle:embedded-as", strings.Join(f.Files, ", ")})
		}
		doc.Components = append(doc.Components, c)
	}
	// Go's build information says which modules were linked, not which
	// imports which: every component is the application's dependency.
	dep := Dependency{Ref: app.BOMRef, DependsOn: []string{}}
	for _, c := range doc.Components {
		dep.DependsOn = append(dep.DependsOn, c.BOMRef)
	}
	doc.Dependencies = []Dependency{dep}
	return doc, nil
}

// purl is a package URL (github.com/package-url/purl-spec) for a Go module
// or an npm package.
func purl(kind, name, version string) string {
	if version == "" || version == "(devel)" {
		return "pkg:" + kind + "/" + name
	}
	return "pkg:" + kind + "/" + name + "@" + version
}

func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// npmIntegrity turns npm's "sha512-<base64>" into a CycloneDX hash.
func npmIntegrity(v string) (Hash, error) {
	alg, b64, ok := strings.Cut(v, "-")
	names := map[string]string{"sha512": "SHA-512", "sha384": "SHA-384", "sha256": "SHA-256"}
	if !ok || names[alg] == "" {
		return Hash{}, fmt.Errorf("integrity %q is not an npm integrity value", v)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Hash{}, fmt.Errorf("integrity %q: %w", v, err)
	}
	return Hash{Alg: names[alg], Content: hex.EncodeToString(raw)}, nil
}

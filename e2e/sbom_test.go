package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// TestSBOMOfTheBuiltBinary: the bill of materials of a cradle built as an
// operator builds it lists every module go.mod requires directly that is
// linked into the server, at the version go.mod pins (a build with other
// versions would say so), and no module twice.
func TestSBOMOfTheBuiltBinary(t *testing.T) {
	t.Parallel()
	bin := buildCradle(t)
	out, err := exec.Command(bin, "sbom").Output() // #nosec G204 -- the binary this test built
	if err != nil {
		t.Fatalf("cradle sbom: %v", err)
	}
	var doc struct {
		Components []struct{ Name, Version, PURL string }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range doc.Components {
		if _, twice := got[c.Name]; twice {
			t.Errorf("%s is listed twice", c.Name)
		}
		got[c.Name] = c.Version
		if c.PURL == "" {
			t.Errorf("%s has no package URL", c.Name)
		}
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	// The browser driver is the tests' alone; every other direct
	// requirement is linked into the server.
	testOnly := map[string]bool{"github.com/chromedp/chromedp": true, "github.com/chromedp/cdproto": true}
	direct := regexp.MustCompile(`(?m)^\t(\S+) (v\S+)$`).FindAllStringSubmatch(string(gomod), -1)
	checked := 0
	for _, m := range direct {
		if testOnly[m[1]] {
			continue
		}
		checked++
		if got[m[1]] != m[2] {
			t.Errorf("%s: the bill of materials says %q, go.mod %s", m[1], got[m[1]], m[2])
		}
	}
	if checked < 8 {
		t.Fatalf("only %d direct requirements read from go.mod: the test would prove little", checked)
	}
}

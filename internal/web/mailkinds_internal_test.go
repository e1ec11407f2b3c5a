package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryMailKindHasALabel reads the code that queues email (here and in
// the store) for the kinds it names: each must have a label on the
// administrators' email page, or the page shows the raw kind.
func TestEveryMailKindHasALabel(t *testing.T) {
	queued := regexp.MustCompile(`(?:QueueMail\(|QueueReferralMail\([^,]+, |QueueConcernMail\([^,]+, |concernMailer\(|, kind = [^,]+, )"([a-z_]+)"`)
	found := map[string]bool{}
	for _, dir := range []string{".", "../store"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f) // #nosec G304 -- this package's and the store's own source files, found by Glob above
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range queued.FindAllStringSubmatch(string(src), -1) {
				found[m[1]] = true
			}
		}
	}
	if len(found) < 8 {
		t.Fatalf("found only %v: the pattern no longer matches the code that queues email", found)
	}
	for kind := range found {
		if _, ok := mailKinds[kind]; !ok {
			t.Errorf("email kind %q has no label on the email page (mailKinds)", kind)
		}
	}
}

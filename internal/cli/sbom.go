package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/cradle-org/cradle/internal/sbom"
)

// sbomCommand writes the binary's software bill of materials (CycloneDX
// JSON): what this cradle was built from, for an operator to keep beside
// the deployment and check against vulnerability notices.
func (a *App) sbomCommand(ctx context.Context, args []string) error {
	fs := a.newFlags("sbom", "Write this cradle binary's software bill of materials: the Go modules linked into it, the Go version, and the front-end packages it embeds, as CycloneDX 1.5 JSON.")
	out := fs.String("out", "", "write to this `file` (it must not exist yet) instead of standard output")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	bi, _ := debug.ReadBuildInfo()
	fe, err := sbom.Embedded()
	if err != nil {
		return err
	}
	doc, err := sbom.Build(bi, a.Version, fe, a.now(), newUUID())
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if *out == "" {
		_, err = a.Stdout.Write(js)
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644) // #nosec G302 G304 -- the operator's chosen path; a bill of materials holds nothing secret
	if err != nil {
		return fmt.Errorf("writing the bill of materials: %w", err)
	}
	if _, err := f.Write(js); err != nil {
		f.Close() // #nosec G104 -- the write error is the one to report
		return fmt.Errorf("writing the bill of materials: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the bill of materials: %w", err)
	}
	fmt.Fprintf(a.Stderr, "Bill of materials written to %s: %d components.\n", *out, len(doc.Components))
	return nil
}

// newUUID is a random (version 4) UUID, a BOM's serial number.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

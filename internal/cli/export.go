package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/research"
	"github.com/cradle-org/cradle/internal/timeline"
)

// export writes the pseudonymised research extract for evaluators. It runs
// as a named administrator (checked and audited like a request), shows a
// progress bar with the time left on standard error, and writes the extract
// and its data dictionary side by side, each only once complete.
func (a *App) export(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "research" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(a.Stdout, "Usage: cradle export research --as EMAIL --project NAME --out FILE [--dates months|shifted] [--timeline FILE]")
			return nil
		}
		return &usageError{msg: "export: say what to export: cradle export research"}
	}
	fs := a.newFlags("export research", "Write the pseudonymised research extract (one row per parent or baby per timepoint, a group of columns per measure; no names, no free text, dates as months or shifted per family) and its data dictionary. Needs an administrator's account; audited.")
	d := a.addDBFlags(fs)
	as := fs.String("as", "", "`email` of the administrator producing the extract (required)")
	project := fs.String("project", "", "evaluation project `name`: pseudonyms differ per project (required)")
	out := fs.String("out", "", "`file` to write the extract to (CSV); the dictionary goes beside it as FILE.dictionary.csv (required)")
	dates := fs.String("dates", "months", "how dates are given: `months` (YYYY-MM) or shifted (whole dates moved by a per-family offset)")
	timelineFile := fs.String("timeline", a.Getenv("CRADLE_TIMELINE_FILE"), "JSON `file` of the programme timeline and content, as serve is given: its modules and their targets are what modules_started and modules_reached count (env CRADLE_TIMELINE_FILE; default: built in)")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	var mode research.DateMode
	switch {
	case *as == "":
		return &usageError{msg: "export research: --as is required: the email of the administrator producing the extract"}
	case strings.TrimSpace(*project) == "":
		return &usageError{msg: "export research: --project is required: the evaluation project's name"}
	case len(*project) > 80 || strings.IndexFunc(*project, unicode.IsControl) >= 0:
		return &usageError{msg: "export research: --project must be 80 characters or fewer, on one line"}
	case *out == "":
		return &usageError{msg: "export research: --out is required: the file to write"}
	case *dates == "months":
		mode = research.Months
	case *dates == "shifted":
		mode = research.Shifted
	default:
		return &usageError{msg: fmt.Sprintf("export research: --dates must be months or shifted, not %q", *dates)}
	}
	// The timeline is read before the database is opened: a bad file
	// touches nothing.
	tl, err := loadConfigFile(*timelineFile, "timeline", timeline.DefaultConfig, timeline.ParseConfig)
	if err != nil {
		return fmt.Errorf("export research: %w", err)
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, staff, err := a.actingAs(ctx, db, "export research", *as, policy.ExportResearch)
	if err != nil {
		return err
	}
	actor := staff.Actor()
	bar := newProgress(a.Stderr, "Reading records", time.Now)
	key, data, err := db.ResearchExtract(ctx, actor, strings.TrimSpace(*project), bar.update)
	bar.done()
	if err != nil {
		return err
	}
	data.Modules = tl.Modules
	rows, err := research.Build(key, strings.TrimSpace(*project), mode, data)
	if err != nil {
		return fmt.Errorf("building extract: %w", err)
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return research.WriteCSV(w, rows) }); err != nil {
		return err
	}
	dict := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".dictionary.csv"
	if err := writeAtomically(dict, research.WriteDictionaryCSV); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Wrote %d rows (one per person per timepoint, from %d results) to %s and the data dictionary to %s.\n", len(rows), len(data.Records), *out, dict)
	return nil
}

// writeAtomically writes a file beside its final name and renames it into
// place, so an interrupted export never leaves half a file that looks whole.
func writeAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cradle-export-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close() // #nosec G104 -- the chmod's error is the one to report
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		tmp.Close() // #nosec G104 -- the write's error is the one to report
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Synced before the rename, so a crash cannot leave a whole-looking
	// file whose data never reached the disk.
	if err := tmp.Sync(); err != nil {
		tmp.Close() // #nosec G104 -- the sync's error is the one to report
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// progress draws "Reading records [=====     ] 52% (1,040 of 2,000), about 3s left".
type progress struct {
	w     io.Writer
	label string
	now   func() time.Time
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string, now func() time.Time) *progress {
	return &progress{w: w, label: label, now: now, start: now()}
}

func (p *progress) update(done, total int) {
	t := p.now()
	if p.drawn && t.Sub(p.last) < 100*time.Millisecond && done < total {
		return // redraw at most ten times a second
	}
	p.last, p.drawn = t, true
	fmt.Fprintf(p.w, "\r%s", progressLine(p.label, done, total, t.Sub(p.start)))
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// progressLine is one frame of the bar; the time left assumes the rate so far.
func progressLine(label string, done, total int, elapsed time.Duration) string {
	const width = 30
	if total <= 0 {
		return fmt.Sprintf("%s [%s] nothing to read", label, strings.Repeat("=", width))
	}
	done = min(max(done, 0), total)
	filled := done * width / total
	line := fmt.Sprintf("%s [%s%s] %3d%% (%d of %d)", label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done*100/total, done, total)
	if done > 0 && done < total {
		left := time.Duration(float64(elapsed) / float64(done) * float64(total-done)).Round(time.Second)
		line += fmt.Sprintf(", about %s left", left)
	}
	return line
}

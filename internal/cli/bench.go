package cli

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/synth"
)

// bench measures Cradle at national scale. bench seed fills a database
// with synthetic families.
func (a *App) bench(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return a.benchSeed(ctx, args[1:])
		case "-h", "--help":
			fmt.Fprintln(a.Stdout, "Usage: cradle bench seed --families N [--seed S] [--force] [--data DIR] [--database URL]")
			return nil
		}
	}
	return &usageError{msg: "bench: say what to do: cradle bench seed --families N"}
}

func (a *App) benchSeed(ctx context.Context, args []string) error {
	fs := a.newFlags("bench seed", "Fill an empty database with a synthetic, realistic national-scale dataset for benchmarks: families at every stage over\n"+
		"ten years, with sessions, risk assessments, safeguarding concerns, outcome measures, referrals and staff in every role.\n"+
		"The same --seed gives the same data. Refuses a database that holds anything else; one seeded before takes more only with --force.\n"+
		"Every synthetic account signs in with the same password and authenticator secret, printed at the end.")
	d := a.addDBFlags(fs)
	families := fs.Int("families", 0, "how many synthetic `families` to add, 1 to 1,000,000 (about 100,000 is a national programme over ten years)")
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed gives the same data")
	force := fs.Bool("force", false, "add to a database that already holds synthetic data (never to one holding anything else)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *families < 1:
		return &usageError{msg: fmt.Sprintf("bench seed: --families must be 1 or more (got %d): say how many synthetic families to add", *families)}
	case *families > synth.MaxFamilies:
		return &usageError{msg: fmt.Sprintf("bench seed: --families must be %s or fewer (got %d)", thousands(synth.MaxFamilies), *families)}
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.SyntheticState(ctx)
	if err != nil {
		return err
	}
	if err := st.CheckSeed(*force); err != nil {
		return err
	}
	var before synth.Counts
	if st.Marker != nil {
		before = *st.Marker
	}
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	g, err := synth.New(synth.Config{Families: *families, Seed: *seed, Today: now.UTC(), Before: before})
	if err != nil {
		return err
	}
	// Seeding allocates heavily and keeps little for long: collecting
	// garbage half as often makes it about a twentieth faster.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:bench", RequestID: "cli"})
	started := time.Now()
	bar := newProgress(a.Stderr, "Seeding families", time.Now)
	bar.update(0, *families)
	res, err := db.SeedSynthetic(ctx, g, store.SeedOptions{Force: *force, Progress: bar.update})
	bar.done()
	if err != nil {
		if res.Counts.Families > before.Families {
			return fmt.Errorf("%w (the %s families written before this stopped are kept; add more with --force)", err, thousands(res.Counts.Families-before.Families))
		}
		return err
	}
	took := time.Since(started)
	fmt.Fprintf(a.Stdout, "Added %s synthetic families to the %s database in %s (%s families a second).\n",
		thousands(*families), db.Dialect(), took.Round(100*time.Millisecond), thousands(int(float64(*families)/took.Seconds())))
	fmt.Fprintf(a.Stdout, "Rows written: %s people, %s sessions, %s risk assessments, %s safeguarding concerns, %s outcome measures, %s referrals.\n",
		thousands64(res.Rows["people"]), thousands64(res.Rows["case_sessions"]), thousands64(res.Rows["risk_assessments"]),
		thousands64(res.Rows["safeguarding_concerns"]), thousands64(res.Rows["measure_results"]), thousands64(res.Rows["referrals"]))
	c := res.Counts
	areas := "areas"
	if c.Areas == 1 {
		areas = "area"
	}
	fmt.Fprintf(a.Stdout, "The database now holds %s synthetic families in %d %s.\n\n", thousands(c.Families), c.Areas, areas)
	fmt.Fprintf(a.Stdout, "Synthetic accounts (all sign in with password %q and authenticator secret %s;\nget a code with: cradle totp --secret %s):\n",
		synth.Password, synth.TOTPSecret(), synth.TOTPSecret())
	for _, role := range synth.Roles() {
		if n := c.Staff[role]; n > 0 {
			fmt.Fprintf(a.Stdout, "  %-13s %s to %s (%d)\n", role, synth.Email(role, 1), synth.Email(role, n), n)
		}
	}
	return nil
}

// thousands writes 12345 as 12,345.
func thousands(n int) string { return thousands64(int64(n)) }

func thousands64(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands64(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

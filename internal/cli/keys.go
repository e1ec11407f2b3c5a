package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
)

func (a *App) keysCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "rotate") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(a.Stdout, "Usage: cradle keys status [--data DIR] [--database URL]\n       cradle keys rotate [--data DIR] [--database URL] [--batch N]")
			return nil
		}
		return &usageError{msg: "keys: say what to do: cradle keys status or cradle keys rotate"}
	}
	if args[0] == "status" {
		return a.keysStatus(ctx, args[1:])
	}
	return a.keysRotate(ctx, args[1:])
}

// keysStatus lists the keys and how many values each column holds under
// each. It shows key ids and counts only, never key material or values.
func (a *App) keysStatus(ctx context.Context, args []string) error {
	fs := a.newFlags("keys status", "List the encryption key ids, the current one, and for every encrypted column how many values are\n"+
		"sealed under each key. Changes nothing; shows no key material.")
	d := a.addDBFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	db, keyFile, err := a.openKeyed(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		return err
	}
	ring := db.Keys()
	fmt.Fprintf(a.Stdout, "Keys from %s: %s (current %s; blind indexes use %s)\n\n", keySourceName(keyFile), strings.Join(ring.IDs(), ", "),
		ring.CurrentID(), ring.IndexKeyID())
	// Columns: every key in the ring, then any other id a value names.
	ids := ring.IDs()
	var malformed int64
	for _, u := range usage {
		for id := range u.ByKey {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		malformed += u.Malformed
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "COLUMN\tEMPTY\t")
	for _, id := range ids {
		fmt.Fprintf(tw, "%s\t", id)
	}
	if malformed > 0 {
		fmt.Fprint(tw, "MALFORMED\t")
	}
	fmt.Fprintln(tw)
	var older, unknown int64
	for _, u := range usage {
		fmt.Fprintf(tw, "%s\t%d\t", u.Column, u.Empty)
		for _, id := range ids {
			n := u.ByKey[id]
			fmt.Fprintf(tw, "%d\t", n)
			switch {
			case !slices.Contains(ring.IDs(), id):
				unknown += n
			case id != ring.CurrentID():
				older += n
			}
		}
		if malformed > 0 {
			fmt.Fprintf(tw, "%d\t", u.Malformed)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush() // #nosec G104 -- writes to the command's output; nothing to do if it fails
	fmt.Fprintln(a.Stdout)
	if older == 0 {
		fmt.Fprintf(a.Stdout, "Every encrypted value is under the current key, %s.\n", ring.CurrentID())
	} else {
		fmt.Fprintf(a.Stdout, "%d values are under older keys: cradle keys rotate re-encrypts them under %s.\n", older, ring.CurrentID())
	}
	if unknown+malformed > 0 {
		fmt.Fprintf(a.Stdout, "WARNING: %d values are under keys these keys lack, or malformed: they cannot be opened. Find the key they were sealed with.\n", unknown+malformed)
	}
	// Counting by key id cannot tell another deployment's "k1" from this
	// one's: opening a sample can.
	kc, err := db.CheckKeys(ctx)
	if err != nil {
		return err
	}
	switch {
	case kc.NoneOpen():
		fmt.Fprintf(a.Stdout, "WARNING: none of the %d values sampled opens with these keys: they are not this database's keys (a key file from another data folder?). "+
			"Cradle's other commands refuse to run with them.\n", kc.Sampled)
	case len(kc.Failed) > 0:
		fmt.Fprintf(a.Stdout, "WARNING: %d of the %d values sampled do not open with these keys (%s).\n", len(kc.Failed), kc.Sampled, failedColumns(kc))
	}
	return nil
}

func keySourceName(keyFile string) string {
	if keyFile == "" {
		return "CRADLE_KEYS"
	}
	return "the key file " + keyFile
}

// keysRotate adds a key (or, with CRADLE_KEYS, says what to set) and
// re-encrypts every value under it, while the application keeps serving.
func (a *App) keysRotate(ctx context.Context, args []string) error {
	fs := a.newFlags("keys rotate", "Re-encrypt every encrypted value under a new key while the application keeps running.\n\n"+
		"With a key file, a new key (k2, k3, …) is added to it and made current; older keys are kept, since blind indexes\n"+
		"and older backups need them. Running servers read the file again when they meet the new key, and seal under it.\n"+
		"Then values are re-encrypted in small batches, each its own audited transaction; an edit made meanwhile is kept.\n\n"+
		"With CRADLE_KEYS, nothing is changed: the new CRADLE_KEYS values to set on every instance are printed, and once\n"+
		"they are in place, running this again re-encrypts.\n\n"+
		"If values are still under an older key (an interrupted run), it carries on under the current key without adding one.")
	d := a.addDBFlags(fs)
	batch := fs.Int("batch", 200, "`values` re-encrypted per transaction (1 to 5000): fewer hold the database's write lock for less time")
	wait := fs.Duration("wait", 6*time.Second, "after adding a key to the key file, wait this `duration` before re-encrypting, so running servers\n"+
		"(which look at the key file at least every 5 seconds while writing) seal new values under it too")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *batch < 1 || *batch > 5000 {
		return &usageError{msg: fmt.Sprintf("keys rotate: --batch must be between 1 and 5000, not %d", *batch)}
	}
	if *wait < 0 || *wait > time.Hour {
		return &usageError{msg: fmt.Sprintf("keys rotate: --wait must be between 0s and 1h, not %s", *wait)}
	}
	db, keyFile, err := a.openKeyed(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:cli", RequestID: "cli"})
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		return err
	}
	ring := db.Keys()
	var older int64
	for _, u := range usage {
		for id, n := range u.ByKey {
			if id != ring.CurrentID() && slices.Contains(ring.IDs(), id) {
				older += n
			}
		}
	}
	switch {
	case older > 0:
		fmt.Fprintf(a.Stdout, "%d values are still under older keys: re-encrypting them under the current key, %s (no new key added).\n", older, ring.CurrentID())
	case keyFile == "":
		return a.printNewEnvKeys(ring)
	default:
		_, id, err := seal.AddKeyToFile(keyFile)
		if err != nil {
			return err
		}
		if err := db.ReloadKeys(); err != nil {
			return err
		}
		if err := db.RecordEvent(ctx, "keys.add", "", 0, 0, id+" added to the key file and made current"); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "Added the key %s to %s and made it current; %s kept (older values, blind indexes and backups need them).\n"+
			"Back up the key file now. Servers using this key file load the new key by themselves.\n", id, keyFile, strings.Join(ring.IDs(), ", "))
		if *wait > 0 {
			fmt.Fprintf(a.Stdout, "Waiting %s for running servers to load it.\n", *wait)
			select {
			case <-ctx.Done():
				return fmt.Errorf("keys rotate: stopped before re-encrypting (run it again to carry on): %w", ctx.Err())
			case <-time.After(*wait):
			}
		}
	}
	start := time.Now()
	bar := newProgress(a.Stderr, "Re-encrypting", time.Now)
	res, err := db.RotateKeys(ctx, store.RotateOptions{BatchSize: *batch, Progress: func(p store.RotateProgress) {
		bar.update(int(min(p.Done, p.Total)), int(p.Total))
	}})
	bar.done()
	if err != nil {
		return fmt.Errorf("keys rotate: stopped (run it again to carry on): %w", err)
	}
	for _, c := range res.Columns {
		if c.Rotated+c.Changed+c.Failed > 0 {
			fmt.Fprintf(a.Stdout, "  %-40s %d re-encrypted", c.Column, c.Rotated)
			if c.Changed > 0 {
				fmt.Fprintf(a.Stdout, ", %d edited meanwhile (kept)", c.Changed)
			}
			if c.Failed > 0 {
				fmt.Fprintf(a.Stdout, ", %d could not be opened", c.Failed)
			}
			fmt.Fprintln(a.Stdout)
		}
	}
	fmt.Fprintf(a.Stdout, "Re-encrypted %d values under %s in %s.\n", res.Rotated, res.KeyID, time.Since(start).Round(time.Millisecond))
	if res.Changed > 0 {
		fmt.Fprintf(a.Stdout, "%d values were edited while being re-encrypted: the edits were kept.\n", res.Changed)
	}
	switch {
	case res.Failed > 0:
		return fmt.Errorf("keys rotate: %d values could not be opened and were left as they were (first: %s); see cradle keys status", res.Failed, res.FirstFailure)
	case res.Remaining > 0:
		return fmt.Errorf("keys rotate: %d values are still under older keys, written meanwhile by an instance that has not loaded %s: "+
			"make sure every instance has the new key, then run cradle keys rotate again", res.Remaining, res.KeyID)
	}
	fmt.Fprintf(a.Stdout, "Every encrypted value is now under %s.\n", res.KeyID)
	return nil
}

// printNewEnvKeys is the answer when the keys come from CRADLE_KEYS: the
// process cannot change its own environment, so it prints the values the
// operator must set (on standard output only: they hold key material) and
// changes nothing. Every instance must be able to read a key before any
// seals under it, hence two steps.
func (a *App) printNewEnvKeys(ring *seal.Keyring) error {
	next := ring.NewestID()
	staged := ring
	if next == ring.CurrentID() {
		var err error
		if staged, next, err = ring.WithNewKey(); err != nil {
			return err
		}
		if staged, err = staged.WithCurrent(ring.CurrentID()); err != nil {
			return err
		}
	}
	final, err := staged.WithCurrent(next)
	if err != nil {
		return err
	}
	step1, err := seal.EnvValue(staged)
	if err != nil {
		return err
	}
	step2, err := seal.EnvValue(final)
	if err != nil {
		return err
	}
	w := a.Stdout
	fmt.Fprintf(w, "The keys come from CRADLE_KEYS, which this command cannot change, so nothing has been changed.\n")
	fmt.Fprintf(w, "The values below hold key material: keep them as secret as the current one, and out of logs and tickets.\n")
	fmt.Fprintf(w, "Use both from this one run: each run that starts a rotation makes a different new key.\n\n")
	if staged != ring {
		fmt.Fprintf(w, "1. Set CRADLE_KEYS on every instance to this value, which adds the key %s (still sealing under %s),\n"+
			"   and restart the instances one at a time:\n\n%s\n\n", next, ring.CurrentID(), step1)
	} else {
		fmt.Fprintf(w, "1. Done: these keys already hold %s.\n\n", next)
	}
	fmt.Fprintf(w, "2. Then set CRADLE_KEYS on every instance to this value, which makes %s current, and restart them one at a time\n"+
		"   (every instance can already read %s, so old and new instances read each other's values):\n\n%s\n\n", next, next, step2)
	fmt.Fprintf(w, "3. Then run cradle keys rotate again (with the new CRADLE_KEYS) to re-encrypt every value under %s.\n", next)
	return errors.New("keys rotate: CRADLE_KEYS must be changed first: follow the steps printed above")
}

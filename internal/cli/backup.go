package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cradle-org/cradle/internal/audit"
)

// backup writes an encrypted, consistent snapshot of the whole database
// while the server keeps running.
func (a *App) backup(ctx context.Context, args []string) error {
	fl := a.newFlags("backup --out FILE", "Write an encrypted backup of the whole database to FILE while Cradle keeps running (one consistent snapshot).\n"+
		"The backup is encrypted with the database's key: keep the key file (or CRADLE_KEYS) safe, and apart from the backups; without it a backup cannot be restored.\n"+
		"PostgreSQL deployments should also use pg_dump or continuous archiving (see the README).")
	d := a.addDBFlags(fl)
	out := fl.String("out", "", "the backup `file` to write (it must not exist yet)")
	if err := a.parse(fl, args); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{msg: "backup: say where to write it: cradle backup --out FILE"}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists: nothing was written. Choose a new file name, so an earlier backup is never overwritten", *out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checking %s: %w", *out, err)
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:cli"})
	// Written beside the target and renamed when complete, so a file with
	// the backup's name is always a whole backup.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".partial-*")
	if err != nil {
		return fmt.Errorf("creating the backup file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close() // #nosec G104 -- the chmod error is the one to report
		return fmt.Errorf("restricting the backup file: %w", err)
	}
	info, err := db.Backup(ctx, tmp, func(table string, rows int64) {
		fmt.Fprintf(a.Stderr, "  %-32s %d rows\n", table, rows)
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the backup: %w", err)
	}
	if err := os.Link(tmp.Name(), *out); err != nil {
		return fmt.Errorf("naming the backup %s: %w", *out, err)
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(a.Stdout, "Backup written to %s: %d tables, %d rows, %d audit entries, %.1f MB (schema version %d).\n",
		*out, len(info.Tables), info.Rows(), info.AuditEntries, float64(st.Size())/(1<<20), info.SchemaVersion)
	fmt.Fprintln(a.Stdout, "It is encrypted with this database's key. Keep the key safe and apart from the backup: without it the backup cannot be restored.")
	return nil
}

// restore loads a backup into a new, empty database.
func (a *App) restore(ctx context.Context, args []string) error {
	fl := a.newFlags("restore FILE", "Restore a backup made by cradle backup into a new, empty database (SQLite or PostgreSQL, either way round),\n"+
		"with the keys of the system that made it. Everything is restored in one transaction, and the audit chain is checked first: a damaged backup changes nothing.")
	d := a.addDBFlags(fl)
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := a.parse(fl, args); err != nil {
		return err
	}
	if file == "" {
		return &usageError{msg: "restore: say which backup: cradle restore FILE [--data DIR] [--database URL]"}
	}
	f, err := os.Open(file) // #nosec G304 -- the backup file the operator named
	if err != nil {
		return fmt.Errorf("opening the backup: %w", err)
	}
	defer f.Close()
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.Restore(ctx, f, func(table string, rows int64) {
		fmt.Fprintf(a.Stderr, "  %-32s %d rows\n", table, rows)
	})
	if err != nil {
		return err
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("the restored audit log does not verify: %w", err)
	}
	fmt.Fprintf(a.Stdout, "Restored %s (made %s, from %s): %d tables, %d rows. Audit log intact: %d entries verified.\n",
		file, info.Created.Local().Format("2 January 2006 at 15:04"), info.Dialect, len(info.Tables), info.Rows(), n)
	return nil
}

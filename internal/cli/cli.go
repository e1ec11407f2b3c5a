// Package cli is the cradle command: it parses flags and environment, opens
// the database and wires the packages together. It holds no domain rules.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/strictjson"
)

// Env is the process environment the CLI reads (os.Getenv in main, a map in tests).
type Env func(string) string

// App is one run of the command.
type App struct {
	Stdout, Stderr io.Writer
	Getenv         Env
	Version        string
	// Ready, if set, is called by serve with the address it listens on (tests use it).
	Ready func(addr string)
	// Now, if set, replaces the clock (tests move time on, e.g. to a baby's
	// second birthday). Never set in production.
	Now func() time.Time
	// PasswordParams, if set, are the argon2id costs of the password
	// hashes the commands make (the demo's, a new account's, the server's):
	// tests lower them, as under the race detector a hash at the default
	// cost takes about two seconds. Never set in production.
	PasswordParams credential.Params
}

// passwordParams are the costs new password hashes are made with.
func (a *App) passwordParams() credential.Params {
	if a.PasswordParams == (credential.Params{}) {
		return credential.DefaultParams()
	}
	return a.PasswordParams
}

type command struct {
	name    string
	summary string
	run     func(a *App, ctx context.Context, args []string) error
}

func (a *App) commands() []command {
	return []command{
		{"serve", "Run the web application", (*App).serve},
		{"migrate", "Apply database migrations", (*App).migrate},
		{"demo", "Load demonstration data and print its sign-in details", (*App).demo},
		{"user", "Add or disable a staff account (user add | user disable)", (*App).user},
		{"audit", "Check the audit log's hash chain (audit verify); show how a searched-for name is logged (audit term)", (*App).audit},
		{"backup", "Write an encrypted backup of the whole database, while it runs (backup --out FILE)", (*App).backup},
		{"restore", "Restore a backup into a new, empty database (restore FILE)", (*App).restore},
		{"sar", "Prepare a parent's own record for a subject access request (sar --person ID --as EMAIL)", (*App).sar},
		{"keys", "Show the encryption keys' use, or rotate to a new key while serving (keys status | keys rotate)", (*App).keysCommand},
		{"export", "Write the pseudonymised research extract for evaluators (export research)", (*App).export},
		{"bench", "Fill a database with synthetic national-scale data for benchmarks (bench seed)", (*App).bench},
		{"totp", "Print the current security code for a TOTP secret (for demos and testing)", (*App).totp},
		{"sbom", "Write this binary's software bill of materials, CycloneDX JSON (sbom [--out FILE])", (*App).sbomCommand},
		{"version", "Print the version", (*App).version},
	}
}

// usageError is a mistake in how the command was called: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Run runs the command line and returns the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return a.Run(ctx, []string{args[1], "-h"})
		}
		a.usage(a.Stdout)
		return 0
	}
	for _, c := range a.commands() {
		if c.name == args[0] {
			err := c.run(a, ctx, args[1:])
			return a.exitCode(err)
		}
	}
	fmt.Fprintf(a.Stderr, "cradle: unknown command %q\n\n", args[0])
	a.usage(a.Stderr)
	return 2
}

func (a *App) exitCode(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(a.Stderr, "cradle: %s\n", ue.msg)
		return 2
	}
	if p := problem.As(err); p != nil && p.Code != problem.Internal {
		fmt.Fprintf(a.Stderr, "cradle: %s\n", p.Message)
		for _, f := range p.Fields {
			fmt.Fprintf(a.Stderr, "  --%s: %s\n", f.Name, f.Message)
		}
		return 1
	}
	fmt.Fprintf(a.Stderr, "cradle: %v\n", err)
	return 1
}

func (a *App) usage(w io.Writer) {
	fmt.Fprintln(w, "Cradle: case management for whole-family domestic-abuse programmes.")
	fmt.Fprintln(w, "\nUsage: cradle <command> [flags]\n\nCommands:")
	for _, c := range a.commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help      Show help for a command: cradle help <command>, or cradle <command> -h")
	fmt.Fprintln(w, "\nEnvironment: CRADLE_ADDR, CRADLE_DATA, CRADLE_DATABASE_URL, CRADLE_KEYS, CRADLE_METRICS_TOKEN, CRADLE_BEHIND_TLS_PROXY.")
}

// newFlags makes a flag set whose errors and help go to the right place and
// whose help lists every flag.
func (a *App) newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by exitCode
	fs.Usage = func() {
		fmt.Fprintf(a.Stdout, "Usage: cradle %s\n\n%s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(a.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

func (a *App) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return err // the flag package has already printed fs.Usage
	}
	if err != nil {
		return &usageError{msg: fmt.Sprintf("%s: %v (see cradle %s -h)", fs.Name(), err, fs.Name())}
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("%s: unexpected argument %q (see cradle %s -h)", fs.Name(), fs.Arg(0), fs.Name())}
	}
	return nil
}

// dbFlags are the flags every command that opens the database takes.
type dbFlags struct {
	data     string
	database string
}

func (a *App) addDBFlags(fs *flag.FlagSet) *dbFlags {
	d := &dbFlags{}
	fs.StringVar(&d.data, "data", envOr(a.Getenv, "CRADLE_DATA", "./cradle-data"), "`folder` for the SQLite database and the encryption key file (env CRADLE_DATA)")
	fs.StringVar(&d.database, "database", a.Getenv("CRADLE_DATABASE_URL"), "database `URL`: a postgres:// URL selects PostgreSQL; empty means SQLite in the data folder (env CRADLE_DATABASE_URL)")
	return d
}

func envOr(getenv Env, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// open loads the keys, opens the database, applies migrations and checks
// that the keys open the database's values.
func (a *App) open(ctx context.Context, d *dbFlags) (*store.DB, error) {
	db, keyFile, err := a.openKeyed(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := a.checkKeys(ctx, db, keyFile); err != nil {
		db.Close() // #nosec G104 -- the keys' error is the one to report
		return nil, err
	}
	return db, nil
}

// checkKeys refuses a database whose sampled values none of the keys open:
// the key file is another data folder's (or CRADLE_KEYS another
// deployment's), and going on would fail every sign-in and seal new values
// under a key the rest of the database does not share. A few values that do
// not open among many that do are damage, not the wrong keys: reported, and
// the command goes on (cradle keys status counts them).
func (a *App) checkKeys(ctx context.Context, db *store.DB, keyFile string) error {
	kc, err := db.CheckKeys(ctx)
	if err != nil {
		return err
	}
	if kc.NoneOpen() {
		return problem.Wrap(problem.Unavailable, kc.Failed[0].Err, fmt.Sprintf(
			"The encryption keys from %s do not open this database's encrypted values: none of the %d sampled opened (%s). "+
				"Use the key file this database was created with: the cradle.key in the data folder it was created in, or CRADLE_KEYS set to its keys",
			keySourceName(keyFile), kc.Sampled, failedColumns(kc)))
	}
	if len(kc.Failed) > 0 {
		fmt.Fprintf(a.Stderr, "Warning: %d of %d sampled encrypted values did not open with the keys from %s (%s). See cradle keys status.\n",
			len(kc.Failed), kc.Sampled, keySourceName(keyFile), failedColumns(kc))
	}
	return nil
}

// openExisting is open for commands that only read the database: a data
// folder without one is a mistake in --data, not a new deployment to make
// (whose new key would answer for nothing), so nothing is created there.
func (a *App) openExisting(ctx context.Context, d *dbFlags) (*store.DB, error) {
	if d.database == "" {
		if _, err := os.Stat(store.SQLitePath(d.data)); errors.Is(err, os.ErrNotExist) {
			return nil, &usageError{msg: fmt.Sprintf("there is no Cradle database in %s: check --data (or give --database)", d.data)}
		}
	}
	return a.open(ctx, d)
}

// openKeyed is open, also saying where the keys came from: the key file's
// path, or "" for CRADLE_KEYS. Keys from a key file are read again when the
// store meets a value under a key it does not know, so a running server
// follows cradle keys rotate without a restart.
func (a *App) openKeyed(ctx context.Context, d *dbFlags) (*store.DB, string, error) {
	keys, keyFile, err := a.keys(d.data)
	if err != nil {
		return nil, "", err
	}
	var source func() (*seal.Keyring, error)
	if keyFile != "" {
		source = func() (*seal.Keyring, error) { return seal.LoadFile(keyFile) }
	}
	url := d.database
	if url == "" {
		url = store.SQLitePath(d.data)
	} else if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") && !strings.HasPrefix(url, "sqlite:") {
		return nil, "", &usageError{msg: fmt.Sprintf("--database %q is not a postgres:// URL or a sqlite: path", url)}
	}
	rs, err := a.riskSettings()
	if err != nil {
		return nil, "", err
	}
	db, err := store.Open(ctx, store.Options{URL: url, Keys: keys, KeySource: source, Now: a.Now, Risk: rs, ReportCacheTTL: reportCacheTTL})
	if err != nil {
		return nil, "", err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close() // #nosec G104 -- the migration's error is the one to report
		return nil, "", fmt.Errorf("applying migrations: %w", err)
	}
	return db, keyFile, nil
}

// failedColumns names the columns whose sample did not open, with the key
// each names: the first three, then how many more.
func failedColumns(kc store.KeyCheck) string {
	var cols []string
	for i, f := range kc.Failed {
		switch {
		case i == 3:
			return strings.Join(append(cols, fmt.Sprintf("and %d more", len(kc.Failed)-3)), ", ")
		case f.KeyID == "":
			cols = append(cols, f.Column+" not an encrypted value")
		default:
			cols = append(cols, f.Column+" under "+f.KeyID)
		}
	}
	return strings.Join(cols, ", ")
}

// keys come from CRADLE_KEYS if set (keyFile is then ""), else from the key
// file in the data folder, created on first start (so the key never lives in
// the database).
func (a *App) keys(dataDir string) (k *seal.Keyring, keyFile string, err error) {
	if v := a.Getenv("CRADLE_KEYS"); v != "" {
		k, err := seal.FromEnv(v)
		if err != nil {
			return nil, "", fmt.Errorf("CRADLE_KEYS: %w", err)
		}
		return k, "", nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, "", problem.Wrap(problem.Unavailable, err, fmt.Sprintf("Cannot create the data folder %s: %v", dataDir, errors.Unwrap(err)))
	}
	path := filepath.Join(dataDir, "cradle.key")
	k, created, err := seal.LoadOrCreateFile(path)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, "", problem.Wrap(problem.Unavailable, err, fmt.Sprintf("The data folder %s is not writable, so the encryption key file cannot be created or read", dataDir))
		}
		return nil, "", fmt.Errorf("encryption key file %s: %w", path, err)
	}
	if created {
		fmt.Fprintf(a.Stderr, "Created a new encryption key file at %s. Back it up: without it, encrypted fields cannot be read.\n", path)
	}
	return k, path, nil
}

func (a *App) migrate(ctx context.Context, args []string) error {
	fs := a.newFlags("migrate", "Apply any database migrations not yet applied. serve also does this at start.")
	d := a.addDBFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Database (%s) is at schema version %d.\n", db.Dialect(), v)
	return nil
}

func (a *App) version(ctx context.Context, args []string) error {
	fs := a.newFlags("version", "Print the version of this cradle binary.")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "cradle %s\n", a.Version)
	return nil
}

// riskSettings reads the DASH thresholds and MARAC criteria from
// CRADLE_RISK_SETTINGS, a JSON object such as
// {"medium":10,"high":14,"escalation_incidents":3,"escalation_months":12,"repeat_months":12};
// unset means the SafeLives defaults.
func (a *App) riskSettings() (store.RiskSettings, error) {
	rs := store.RiskSettings{Thresholds: risk.DefaultThresholds(), MARAC: risk.DefaultMARACConfig()}
	v := a.Getenv("CRADLE_RISK_SETTINGS")
	if v == "" {
		return rs, nil
	}
	var in struct {
		Medium              int `json:"medium"`
		High                int `json:"high"`
		EscalationIncidents int `json:"escalation_incidents"`
		EscalationMonths    int `json:"escalation_months"`
		RepeatMonths        int `json:"repeat_months"`
	}
	// A setting given twice, or a second object after the first, would
	// silently change the thresholds: refuse them, as the config files do.
	if p := strictjson.Check([]byte(v)); p != nil {
		return rs, fmt.Errorf("CRADLE_RISK_SETTINGS is not valid: %s %s", p.Path(), p.Reason())
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return rs, fmt.Errorf("CRADLE_RISK_SETTINGS is not valid: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rs, errors.New("CRADLE_RISK_SETTINGS is not valid: unexpected data after the JSON object")
	}
	if in.Medium != 0 || in.High != 0 {
		rs.Thresholds = risk.Thresholds{Medium: in.Medium, High: in.High}
	}
	if in.EscalationIncidents != 0 {
		rs.MARAC.EscalationIncidents = in.EscalationIncidents
	}
	if in.EscalationMonths != 0 {
		rs.MARAC.EscalationMonths = in.EscalationMonths
	}
	if in.RepeatMonths != 0 {
		rs.MARAC.RepeatMonths = in.RepeatMonths
	}
	if err := rs.Thresholds.Validate(); err != nil {
		return rs, fmt.Errorf("CRADLE_RISK_SETTINGS: %w", err)
	}
	if err := rs.MARAC.Validate(); err != nil {
		return rs, fmt.Errorf("CRADLE_RISK_SETTINGS: %w", err)
	}
	return rs, nil
}

// reportCacheTTL is how long the server reuses dashboard figures worked out
// for one scope: an organisation's figures read every family, and figures
// a few minutes old serve a dashboard as well.
const reportCacheTTL = 5 * time.Minute

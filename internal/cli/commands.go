package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
)

func (a *App) demo(ctx context.Context, args []string) error {
	fs := a.newFlags("demo", "Load realistic, fictional demonstration data (areas, teams, staff in every role, families at every stage)\n"+
		"into an empty database, and print the demo sign-in details. Run again, it changes nothing and prints the same details.")
	d := a.addDBFlags(fs)
	asJSON := fs.Bool("json", false, "print the credentials as a JSON array of {email, role, password, totp_secret}")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	creds, loaded, err := demo.LoadWith(ctx, db, a.passwordParams())
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(creds) // #nosec G117 -- the demo accounts' sign-in details, printed on purpose: they exist only in demonstration data
	}
	if loaded {
		fmt.Fprintln(a.Stdout, "Loaded demonstration data.")
	} else {
		fmt.Fprintln(a.Stdout, "This database already holds the demonstration data; nothing was changed.")
	}
	fmt.Fprintln(a.Stdout, "Demo sign-in details (get a security code with: cradle totp --secret SECRET, or add the secret to an authenticator app):")
	return printCredentials(a.Stdout, creds)
}

func printCredentials(w io.Writer, creds []demo.Credential) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tPASSWORD\tTOTP SECRET")
	for _, c := range creds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Email, c.Role, c.Password, c.TOTPSecret)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("printing the demo sign-in details: %w", err)
	}
	return nil
}

func (a *App) user(ctx context.Context, args []string) error {
	if len(args) == 0 || !slices.Contains([]string{"add", "disable", "enable", "-h", "--help"}, args[0]) {
		return &usageError{msg: "user: say what to do: cradle user add, disable or enable (see cradle user -h)"}
	}
	switch args[0] {
	case "-h", "--help":
		fmt.Fprintln(a.Stdout, "Usage: cradle user add --email E --name N --role R --area A\n       cradle user disable --email E\n"+
			"       cradle user enable --email E")
		return nil
	case "disable", "enable":
		return a.userSetDisabled(ctx, args[0], args[1:])
	}
	fs := a.newFlags("user add", "Create a staff account. Prints a one-time password (changed at first sign-in) and the TOTP enrolment\n"+
		"(a secret and an otpauth:// link to add to an authenticator app). Every account needs the second factor.")
	d := a.addDBFlags(fs)
	var n org.NewStaff
	fs.StringVar(&n.Email, "email", "", "the person's work email `address` (their sign-in name)")
	fs.StringVar(&n.Name, "name", "", "their full `name`")
	fs.StringVar(&n.Role, "role", "", "`role`: practitioner, team_manager, dsl, admin or analyst")
	var areaNames []string
	fs.Func("area", "the `area` whose team they join (created if it does not exist); repeat for someone who works in several", func(v string) error {
		areaNames = append(areaNames, v)
		return nil
	})
	fs.StringVar(&n.JobTitle, "title", "", "optional job `title`")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if len(areaNames) > 0 {
		n.AreaName = areaNames[0]
	}
	if err := n.Validate(); err != nil {
		return err
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	otp, err := credential.NewOneTimePassword()
	if err != nil {
		return err
	}
	hash, err := credential.HashWith(a.passwordParams(), otp)
	if err != nil {
		return err
	}
	secret, url, err := credential.NewTOTPSecret("Cradle", n.Email)
	if err != nil {
		return err
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		return err
	}
	var newAreas []string
	for _, name := range areaNames {
		known := false
		for _, ar := range areas {
			known = known || strings.EqualFold(ar.Name, strings.TrimSpace(name))
		}
		if !known {
			newAreas = append(newAreas, strings.TrimSpace(name))
		}
	}
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:cli"})
	var s org.Staff
	err = db.Update(ctx, func(tx *store.Tx) error {
		for _, name := range areaNames {
			if _, err := tx.CreateArea(strings.TrimSpace(name), "", false); err != nil {
				return err
			}
		}
		if s, err = tx.CreateStaff(n, store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true}); err != nil {
			return err
		}
		for _, name := range areaNames[1:] {
			if err := tx.AddStaffToArea(s.ID, name); err != nil {
				return err
			}
		}
		s, err = tx.StaffByEmail(s.Email)
		return err
	})
	if err != nil {
		return err
	}
	for _, name := range newAreas {
		fmt.Fprintf(a.Stdout, "Created the new area %q with its team (check the spelling: staff see only their own areas' families).\n", name)
	}
	fmt.Fprintf(a.Stdout, "Created %s (%s) in %s.\n\n", s.Email, s.Role.Label(), s.AreaNames())
	fmt.Fprintf(a.Stdout, "One-time password: %s\n  (they must choose their own at first sign-in)\n\n", otp)
	fmt.Fprintf(a.Stdout, "Security codes: add this to their authenticator app\n  Secret: %s\n  Link:   %s\n\n", secret, url)
	fmt.Fprintln(a.Stdout, "Give these to the person in person or by a secure route. They are not shown again.")
	return nil
}

// userSetDisabled is cradle user disable and cradle user enable: the staff
// page's two buttons, for an operator at the server (the last administrator
// disabled, say).
func (a *App) userSetDisabled(ctx context.Context, verb string, args []string) error {
	what := "Stop an account signing in and end its sessions. The account and its history are kept."
	if verb == "enable" {
		what = "Let a disabled account sign in again, with the password and authenticator it had."
	}
	fs := a.newFlags("user "+verb, what)
	d := a.addDBFlags(fs)
	email := fs.String("email", "", "the account's email `address`")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return &usageError{msg: "user " + verb + ": --email is required"}
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:cli"})
	var s org.Staff
	err = db.Update(ctx, func(tx *store.Tx) error {
		if verb == "enable" {
			s, err = tx.EnableStaff(*email)
		} else {
			s, err = tx.DisableStaff(*email)
		}
		return err
	})
	if err != nil {
		return err
	}
	if verb == "enable" {
		fmt.Fprintf(a.Stdout, "Enabled %s: they can sign in again.\n", s.Email)
		return nil
	}
	fmt.Fprintf(a.Stdout, "Disabled %s; their sessions have ended.\n", s.Email)
	return nil
}

func (a *App) audit(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "term" {
		return a.auditTerm(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(a.Stdout, "Usage: cradle audit verify [--data DIR] [--database URL]\n       cradle audit term [--data DIR] [--database URL] --name NAME")
			return nil
		}
		return &usageError{msg: "audit: say what to do: cradle audit verify, or cradle audit term --name NAME"}
	}
	fs := a.newFlags("audit verify", "Check the whole audit log's hash chain, the keyed hashes each commit writes (only this deployment's key makes them),\n"+
		"and any anchors: entries' hashes recorded outside the database\n"+
		"(serve logs one, \"audit anchor\", at start and hourly). Exit status 0 when intact; 1, naming the first broken entry, when not.")
	d := a.addDBFlags(fs)
	var anchors anchorFlag
	fs.Var(&anchors, "anchor", "an `ID:HASH` recorded outside the database (from serve's log or an earlier verify); the entry must still have that hash, so nothing up to it was rewritten or removed. Give it more than once for several")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := a.openExisting(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	n, head, err := db.VerifyAuditAnchored(ctx, anchors)
	var be *audit.BrokenError
	if errors.As(err, &be) {
		return fmt.Errorf("audit log is NOT intact: %w (%d entries before it verified)", err, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Audit log intact: %d entries verified, their hash chain and the keyed hashes only this deployment's key makes.\n", n)
	if len(anchors) > 0 {
		fmt.Fprintf(a.Stdout, "Every anchor given matches (%d).\n", len(anchors))
	}
	if head.ID > 0 {
		fmt.Fprintf(a.Stdout, "Head: %s\nKeep it outside the database: a later cradle audit verify --anchor %s shows whether anything up to it has changed.\n", head, head)
	}
	return nil
}

// anchorFlag collects --anchor values, each checked as it is given.
type anchorFlag []audit.Anchor

func (f *anchorFlag) String() string { return fmt.Sprint([]audit.Anchor(*f)) }

func (f *anchorFlag) Set(s string) error {
	a, err := audit.ParseAnchor(s)
	if err != nil {
		return err
	}
	*f = append(*f, a)
	return nil
}

// auditTerm prints the key the audit log records a searched-for name by
// (store.SearchTermKey), so that someone with the server's keys can find
// who searched for a person without the log holding names.
func (a *App) auditTerm(ctx context.Context, args []string) error {
	fs := a.newFlags("audit term", "Print the key under which the audit log records searches for a name (\"Find a person\"):\n"+
		"the log holds this keyed hash of a searched-for name, never the name. Case and spacing are ignored.")
	d := a.addDBFlags(fs)
	given := fs.String("name", "", "the `name` searched for")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	name := *given
	if strings.TrimSpace(name) == "" {
		return &usageError{msg: `audit term: give the name searched for, e.g. cradle audit term --name "Amy Foster"`}
	}
	db, err := a.openExisting(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(a.Stdout, "Searches for %q are recorded as \"name key %s\" (action person.search).\n", strings.Join(strings.Fields(name), " "), db.SearchTermKey(name))
	return nil
}

func (a *App) totp(ctx context.Context, args []string) error {
	fs := a.newFlags("totp", "Print the current 6-digit security code for a TOTP secret, as an authenticator app would.\n"+
		"Meant for demonstration data and testing; real staff use an authenticator app.")
	secret := fs.String("secret", "", "the base32 TOTP `secret`")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *secret == "" {
		return &usageError{msg: "totp: --secret is required"}
	}
	code, err := credential.TOTPCode(*secret, time.Now())
	if err != nil {
		return &usageError{msg: "totp: that secret is not valid base32"}
	}
	fmt.Fprintln(a.Stdout, code)
	return nil
}

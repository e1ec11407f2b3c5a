package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/store"
)

// session is one signed-in member of staff: the cookie every request of
// theirs carries, and the form token their posts need.
type session struct {
	acct   Account
	cookie string
	csrf   string
}

const formType = "application/x-www-form-urlencoded"

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfFrom(body []byte) string {
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(string(m[1]))
}

// signIn signs every account in once, over HTTP, as a person would:
// password, then the security code. An account that cannot sign in is
// left out and named in the notes; the run needs at least one. Accounts
// sign in a few at a time (each password check is deliberately slow).
func (r *runner) signIn(ctx context.Context) ([]*session, error) {
	began := time.Now()
	r.progress(PhaseSignIn, 0, 0)
	results := make([]*session, len(r.cfg.Accounts))
	errs := make([]error, len(r.cfg.Accounts))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, a := range r.cfg.Accounts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = r.signInOne(ctx, a)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var out []*session
	for i, a := range r.cfg.Accounts {
		if errs[i] != nil {
			r.note("Could not sign in as %s (%s), so it took no part: %v.", a.Email, a.Role, errs[i])
			r.cfg.Log.Warn("bench: could not sign in", "email", a.Email, "err", errs[i])
			continue
		}
		out = append(out, results[i])
	}
	r.progress(PhaseSignIn, time.Since(began), time.Since(began))
	if len(out) == 0 {
		return nil, errors.New("bench: no account could sign in (see the log)")
	}
	return out, nil
}

func (r *runner) signInOne(ctx context.Context, a Account) (*session, error) {
	form := url.Values{"email": {a.Email}, "password": {a.Password}, "next": {"/home"}}
	resp, err := r.client.post(ctx, r.base+"/sign-in", form, "")
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.location, "/sign-in/code") {
		return nil, fmt.Errorf("the password step answered %d (wrong password, or too many failed attempts)", resp.status)
	}
	cookie := resp.cookie
	page, err := r.client.get(ctx, r.base+"/sign-in/code", cookie)
	if err != nil {
		return nil, err
	}
	csrf := csrfFrom(page.body)
	if page.status != http.StatusOK || csrf == "" {
		return nil, fmt.Errorf("the security-code page answered %d without a form token", page.status)
	}
	now := r.cfg.Now()
	// A code works once: if this 30-second step's code was used by an
	// earlier sign-in (an earlier run, say), the next step's code is
	// accepted, the server allowing one step of clock skew.
	for attempt, at := range []time.Time{now, now.Add(30 * time.Second)} {
		code, err := credential.TOTPCode(a.TOTPSecret, at)
		if err != nil {
			return nil, err
		}
		form := url.Values{"code": {code}, "csrf_token": {csrf}, "next": {"/home"}}
		resp, err = r.client.post(ctx, r.base+"/sign-in/code", form, cookie)
		if err != nil {
			return nil, err
		}
		if resp.status == http.StatusUnauthorized && attempt == 0 && bytes.Contains(resp.body, []byte("already been used")) {
			continue
		}
		break
	}
	switch {
	case resp.status == http.StatusSeeOther && resp.location == "/sign-in/new-password":
		return nil, errors.New("the account must change its one-time password first")
	case resp.status != http.StatusSeeOther || resp.location != "/home" || resp.cookie == "":
		return nil, fmt.Errorf("the security-code step answered %d (%s)", resp.status, resp.location)
	}
	s := &session{acct: a, cookie: resp.cookie}
	home, err := r.client.get(ctx, r.base+"/home", s.cookie)
	if err != nil {
		return nil, err
	}
	if s.csrf = csrfFrom(home.body); home.status != http.StatusOK || s.csrf == "" {
		return nil, fmt.Errorf("the home page answered %d after signing in", home.status)
	}
	return s, nil
}

// signOut ends the run's sessions, so none is left open in the database.
func (r *runner) signOut(ctx context.Context, sessions []*session) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, s := range sessions {
		resp, err := r.client.post(ctx, r.base+"/sign-out", url.Values{"csrf_token": {s.csrf}}, s.cookie)
		if err == nil && resp.status != http.StatusSeeOther {
			err = fmt.Errorf("status %d", resp.status)
		}
		if err != nil {
			r.cfg.Log.Warn("bench: signing out", "email", s.acct.Email, "err", err)
		}
	}
}

// partnerToken makes a partner API token for the referral-intake share of
// the workload, and returns a function that revokes it. It is made through
// the store (audited, as "system:bench") rather than the admin page, so
// the run needs no administrator account; it is recorded as made by an
// administrator among the accounts if there is one.
func (r *runner) partnerToken(ctx context.Context, sessions []*session) (func(), error) {
	creator := sessions[0].acct.Email
	for _, s := range sessions {
		if s.acct.Role == string(policy.Admin) {
			creator = s.acct.Email
			break
		}
	}
	staff, err := r.cfg.DB.StaffByEmail(ctx, creator)
	if err != nil {
		return nil, fmt.Errorf("bench: finding %s to own the partner token: %w", creator, err)
	}
	tok, err := credential.NewToken()
	if err != nil {
		return nil, err
	}
	tok = "cradle_" + tok
	actx := audit.WithSource(ctx, audit.Source{ActorID: staff.ID, Actor: "system:bench"})
	var id int64
	err = r.cfg.DB.Update(actx, func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateAPIToken("Cradle bench (synthetic)", "bench run "+r.rep.Date.Format(time.DateTime), credential.HashToken(tok),
			[]string{policy.ScopeCreateReferrals}, staff.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bench: making a partner API token: %w", err)
	}
	r.token = tok
	return func() {
		err := r.cfg.DB.Update(context.WithoutCancel(actx), func(tx *store.Tx) error { return tx.RevokeAPIToken(id) })
		if err != nil {
			r.cfg.Log.Warn("bench: revoking the partner token", "err", err)
		}
	}, nil
}

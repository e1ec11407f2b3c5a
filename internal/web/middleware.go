package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/metrics"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyUser
	keyExpired  // the request carried a session cookie that is no longer valid
	keyClientIP // the client's address, resolved once through any trusted proxies
	keyPattern  // *string: the matched route pattern, for logs and metrics
)

// withPattern reports the route the mux matched back to the outer
// middleware, which sees an earlier copy of the request.
func withPattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(keyPattern).(*string); ok {
			*p = r.Pattern
		}
		next.ServeHTTP(w, r)
	})
}

// requestUser is the signed-in (or half signed-in) user of a request.
type requestUser struct {
	staff   org.Staff
	session store.LoginSession
}

// Name, Stage, Role and AreaNames are for templates.
func (u *requestUser) Name() string      { return u.staff.Name }
func (u *requestUser) Email() string     { return u.staff.Email }
func (u *requestUser) Stage() string     { return u.session.Stage }
func (u *requestUser) Role() policy.Role { return u.staff.Role }
func (u *requestUser) AreaNames() string { return u.staff.AreaNames() }
func (u *requestUser) JobTitle() string  { return u.staff.JobTitle }

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// clientIP is the client's address: the peer, or, when the peer is a
// trusted proxy (Config.TrustedProxies), the nearest address in
// X-Forwarded-For that is not one of them. A header from anyone else is
// ignored, so a spoofed one cannot dodge the per-address sign-in limit;
// without trusting the proxy every visitor would share its address, and
// one person could use up everyone's sign-in and referral allowance.
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(keyClientIP).(string); ok {
		return ip
	}
	return peerIP(r)
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withClientIP resolves the client's address once per request.
func (s *Server) withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := resolveClientIP(peerIP(r), r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyClientIP, ip)))
	})
}

// resolveClientIP walks X-Forwarded-For from the right (the hop nearest
// us) while each address is a trusted proxy; the first that is not is the
// client. A malformed entry stops the walk at the last trusted hop.
func resolveClientIP(peer string, forwarded []string, trusted []netip.Prefix) string {
	if !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, h := range forwarded {
		for _, part := range strings.Split(h, ",") {
			hops = append(hops, strings.TrimSpace(part))
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(hops[i])
		if err != nil {
			return client
		}
		client = addr.Unmap().String()
		if !isTrusted(client, trusted) {
			return client
		}
	}
	return client
}

func isTrusted(ip string, trusted []netip.Prefix) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// ranges (CRADLE_TRUSTED_PROXIES).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or a CIDR range like 10.0.0.0/8", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *Server) withLogAndMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		var route string
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), keyPattern, &route)))
		d := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.metrics.ObserveRequest(route, r.Method, rec.status, d)
		// Paths only, never query strings: they may carry search terms.
		s.log.Info("request", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path,
			"route", route, "status", rec.status, "duration_ms", float64(d.Microseconds())/1000)
	})
}

func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		// Pages about families must not linger in caches or history snapshots;
		// the asset handler overrides this for static files.
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", requestID(r), "panic", v, "stack", string(debug.Stack()))
				s.renderError(w, r, http.StatusInternalServerError, "Sorry, there is a problem with the service",
					"Try again later. If it keeps happening, tell your administrator and quote reference "+requestID(r)+".")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// The session cookie's names. Over HTTPS it carries the __Host- prefix, so
// a browser accepts it only Secure, for the whole site, from this host
// itself: no other site on the domain (a compromised subdomain) can plant
// or overwrite it. Plain local HTTP cannot use the prefix (it requires
// Secure), so the name follows how the browser reached us.
const (
	sessionCookie       = "cradle_session"
	secureSessionCookie = "__Host-cradle_session"
)

// cookieName is the session cookie's name for r (see secureSessionCookie).
func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return secureSessionCookie
	}
	return sessionCookie
}

// withSession loads the session named by the cookie, if any and still valid,
// and puts the user and the audit source in the context. It never refuses a
// request itself: s.staff does that for staff pages.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := audit.WithSource(r.Context(), audit.Source{Actor: "public", IP: clientIP(r), RequestID: requestID(r)})
		if c, err := r.Cookie(s.cookieName(r)); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, "/assets/") {
			if u, ok := s.loadSession(ctx, w, r, c.Value); ok {
				ctx = context.WithValue(ctx, keyUser, u)
				ctx = audit.WithSource(ctx, audit.Source{ActorID: u.staff.ID, Actor: u.staff.Email, IP: clientIP(r), RequestID: requestID(r)})
			} else {
				ctx = context.WithValue(ctx, keyExpired, true)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) loadSession(ctx context.Context, w http.ResponseWriter, r *http.Request, token string) (*requestUser, bool) {
	hash := credential.HashToken(token)
	sess, staff, err := s.db.SessionUser(ctx, hash)
	if err != nil {
		if problem.CodeOf(err) != problem.Unauthorised {
			s.log.Error("loading session", "request_id", requestID(r), "err", err)
		}
		s.clearCookie(w, r)
		return nil, false
	}
	now := s.cfg.Now().UTC()
	if now.Sub(sess.LastSeenAt) > IdleTimeout || now.Sub(sess.CreatedAt) > AbsoluteTimeout {
		s.endSession(ctx, hash, "session.expired")
		s.clearCookie(w, r)
		return nil, false
	}
	if staff.Disabled {
		s.clearCookie(w, r)
		return nil, false
	}
	// Touch at most once a minute: the idle timeout needs no finer grain.
	// The page script's question "how long is left?" is not use: were it,
	// two tabs left open would keep each other signed in for ever.
	if now.Sub(sess.LastSeenAt) > time.Minute && !(r.Method == http.MethodGet && r.URL.Path == sessionStatusPath) {
		if err := s.db.TouchSession(ctx, hash, now); err != nil {
			s.log.Error("touching session", "request_id", requestID(r), "err", err)
		}
	}
	return &requestUser{staff: staff, session: sess}, true
}

func (s *Server) endSession(ctx context.Context, hash, action string) {
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		tx.Audit(action, "", 0, 0, "")
		return tx.DeleteSession(hash)
	})
	if err != nil {
		s.log.Error("ending session", "err", err)
	}
}

func userOf(r *http.Request) *requestUser {
	u, _ := r.Context().Value(keyUser).(*requestUser)
	return u
}

// secure reports whether the browser reached us over HTTPS: directly, or
// through a TLS-terminating proxy the operator told us about.
func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.BehindTLS }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	// #nosec G124 -- Secure whenever the browser came over HTTPS or through the operator's TLS proxy; on plain local HTTP a Secure cookie would never come back
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	// #nosec G124 -- Secure whenever the browser came over HTTPS or through the operator's TLS proxy; on plain local HTTP a Secure cookie would never come back
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// staffHandler is a handler for a fully signed-in member of staff.
type staffHandler func(w http.ResponseWriter, r *http.Request, u *requestUser)

// staff refuses anyone not fully signed in (sending them to sign in, or to
// finish signing in), and checks the CSRF token on every non-GET request.
func (s *Server) staff(h staffHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		switch {
		case u == nil:
			to := "/sign-in?next=" + url.QueryEscape(r.URL.RequestURI())
			if expired, _ := r.Context().Value(keyExpired).(bool); expired {
				to += "&expired=1"
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		case u.session.Stage == store.StageSecondFactor:
			http.Redirect(w, r, "/sign-in/code", http.StatusSeeOther)
			return
		case u.session.Stage == store.StageChangePassword:
			http.Redirect(w, r, "/sign-in/new-password", http.StatusSeeOther)
			return
		case u.session.Stage != store.StageActive || !u.staff.Actor().SignedIn():
			// An unknown stage or role: fail closed.
			s.auditRefusal(r, "the account has no role that can use Cradle")
			s.renderError(w, r, http.StatusForbidden, "You cannot use this service", "Your account does not have a role that can use Cradle. Ask your administrator.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.validCSRF(r, u) {
				s.csrfRefused(w, r)
				return
			}
			cleanForm(r) // parsed by the token's check
		}
		h(w, r, u)
	})
}

// may asks the policy whether the signed-in user may do act at all (an
// action not about one record) and, if not, sends the refusal page.
func (s *Server) may(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action) bool {
	if d := policy.Decide(u.staff.Actor(), act, policy.Target{}, s.cfg.Now()); !d.Allowed {
		s.fail(w, r, d.Err())
		return false
	}
	return true
}

func (s *Server) csrfRefused(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusForbidden, "This form could not be sent",
		"The form was missing its security token, or it had expired. Go back, refresh the page and try again.")
}

func (s *Server) validCSRF(r *http.Request, u *requestUser) bool {
	got := r.PostFormValue("csrf_token") // parses the body; never the query string
	if len(r.PostForm["csrf_token"]) != 1 {
		return false // a form carries one token: two are a forged or polluted body
	}
	if t, ok := unmaskCSRF(got); ok {
		got = t
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(u.session.CSRFToken)) == 1
}

// maskCSRF gives a different form of the session's CSRF token for every
// page: a random pad, then the token XORed with it. Pages are compressed,
// and a secret that is the same in every response beside text an attacker
// can reflect into it could be guessed from the compressed sizes (BREACH);
// a token that changes every time cannot.
func maskCSRF(token string) string {
	pad := make([]byte, len(token))
	rand.Read(pad)
	out := make([]byte, 2*len(token))
	copy(out, pad)
	for i := range len(token) {
		out[len(token)+i] = pad[i] ^ token[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// unmaskCSRF undoes maskCSRF; false if v is not a masked token.
func unmaskCSRF(v string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) == 0 || len(b)%2 != 0 {
		return "", false
	}
	n := len(b) / 2
	out := make([]byte, n)
	for i := range n {
		out[i] = b[i] ^ b[n+i]
	}
	return string(out), true
}

// safeNext keeps a post-sign-in redirect on this site: a path on this
// host and nothing else. Browsers drop tabs and newlines from a Location
// and read a backslash as a slash, so "/\t/evil.example" or "/\\evil"
// would leave the site; any control character or backslash is refused,
// and what is left must parse as a plain path with no scheme or host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
		return "/home"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/home"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/home"
	}
	return next
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	ip := net.ParseIP(clientIP(r))
	local := ip != nil && ip.IsLoopback()
	tokenOK := false
	if s.cfg.MetricsToken != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		tokenOK = subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) == 1
	}
	if !local && !tokenOK {
		http.Error(w, "metrics are available from this machine or with the metrics token", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", metrics.ContentType)
	if err := s.metrics.WriteText(w, s.db.Stats()); err != nil {
		s.log.Error("writing metrics", "err", err)
	}
}

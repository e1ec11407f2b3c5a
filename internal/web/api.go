package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

//go:embed openapi.json
var openAPIDoc []byte

const maxAPIBody = 256 << 10

// apiError is the JSON error body: a message and, for invalid input, the
// fields at fault (the same paths the OpenAPI schema names).
type apiError struct {
	Message string          `json:"message"`
	Errors  []problem.Field `json:"errors,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	// Encode before the status goes out, so a value that cannot be encoded
	// is a 500 rather than a success with half a body.
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"The response could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// A browser sent here saves the answer rather than showing it: JSON
	// is never rendered as a page (ASVS 14.4.2).
	w.Header().Set("Content-Disposition", `attachment; filename="api.json"`)
	w.WriteHeader(status)
	send(w, append(b, '\n'))
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="openapi.json"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	send(w, openAPIDoc)
}

// apiReferral takes a referral from a partner organisation's system.
func (s *Server) apiReferral(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="cradle"`)
		writeJSON(w, http.StatusUnauthorized, apiError{Message: "Send an API token as Authorization: Bearer <token>"})
		return
	}
	t, err := s.db.TokenByHash(r.Context(), credential.HashToken(token))
	if err != nil {
		if problem.CodeOf(err) == problem.Unauthorised {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cradle", error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Message: "The API token is not valid or has been revoked"})
			return
		}
		s.apiFail(w, r, err)
		return
	}
	actor := policy.Actor{Partner: &policy.Partner{OrgID: t.OrgID, Scopes: t.Scopes}}
	if d := policy.Decide(actor, policy.SubmitReferral, policy.Target{}, s.cfg.Now()); !d.Allowed {
		writeJSON(w, http.StatusForbidden, apiError{Message: "This token may not submit referrals: " + d.Reason})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, apiError{Message: "Send the referral as JSON with Content-Type: application/json"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Message: "The request body is larger than 256 KB"})
			return
		}
		writeJSON(w, http.StatusBadRequest, apiError{Message: "The request body could not be read"})
		return
	}
	ref, err := referral.DecodeJSON(body)
	if err != nil {
		var de *referral.DecodeError
		if !errors.As(err, &de) {
			s.apiFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusBadRequest, apiError{Message: de.Message})
		return
	}
	ref.Source = referral.Partner
	if err := ref.Validate(s.referralConfig()); err != nil {
		p := problem.As(err)
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "The referral has problems; see errors", Errors: p.Fields})
		return
	}
	ctx := audit.WithSource(r.Context(), audit.Source{Actor: "partner:" + t.OrgName, IP: clientIP(r), RequestID: requestID(r)})
	var reference string
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		_, reference, err = s.createReferral(tx, store.NewReferral{Referral: ref, AreaName: s.areaFor(ref), OrgID: t.OrgID, TokenID: t.ID})
		return err
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.db.TouchToken(r.Context(), t.ID, s.cfg.Now()); err != nil {
		s.log.Error("recording token use", "request_id", requestID(r), "err", err)
	}
	s.wakeMail()
	writeJSON(w, http.StatusCreated, map[string]string{"reference": reference, "status": string(referral.New)})
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(r, err) {
		return
	}
	s.log.Error("api error", "request_id", requestID(r), "err", err)
	writeJSON(w, http.StatusInternalServerError, apiError{Message: "Sorry, there is a problem with the service. Quote reference " + requestID(r)})
}

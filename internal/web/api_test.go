package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// schemaDoc is the OpenAPI document as served, used to check requests and
// responses against the schemas it publishes.
type schemaDoc struct {
	root map[string]any
}

func loadSchema(t *testing.T, e *env) schemaDoc {
	t.Helper()
	r := e.get(e.client(), "/api/v1/openapi.json")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var root map[string]any
	if err := json.Unmarshal([]byte(r.body), &root); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if root["openapi"] != "3.1.0" {
		t.Errorf("openapi version = %v, want 3.1.0", root["openapi"])
	}
	return schemaDoc{root}
}

func (d schemaDoc) resolve(s map[string]any) map[string]any {
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	cur := any(d.root)
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = cur.(map[string]any)[part]
	}
	return d.resolve(cur.(map[string]any))
}

// responseSchema finds the schema for an operation's response status.
func (d schemaDoc) responseSchema(t *testing.T, status int) map[string]any {
	t.Helper()
	op := d.root["paths"].(map[string]any)["/api/v1/referrals"].(map[string]any)["post"].(map[string]any)
	resp, ok := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	if !ok {
		t.Fatalf("the OpenAPI document does not describe status %d", status)
	}
	return resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
}

func (d schemaDoc) requestSchema() map[string]any {
	op := d.root["paths"].(map[string]any)["/api/v1/referrals"].(map[string]any)["post"].(map[string]any)
	return op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
}

// validate checks v against the subset of JSON Schema the document uses:
// type, required, properties, additionalProperties, enum, maxLength,
// pattern, items, format date.
func (d schemaDoc) validate(path string, s map[string]any, v any) []string {
	s = d.resolve(s)
	var errs []string
	switch s["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{path + ": not an object"}
		}
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				errs = append(errs, path+"."+r.(string)+": required")
			}
		}
		for k, val := range obj {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					errs = append(errs, path+"."+k+": not allowed")
				}
				continue
			}
			errs = append(errs, d.validate(path+"."+k, ps, val)...)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return []string{path + ": not an array"}
		}
		for i, item := range arr {
			errs = append(errs, d.validate(fmt.Sprintf("%s[%d]", path, i), s["items"].(map[string]any), item)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return []string{path + ": not a string"}
		}
		if enum := asList(s["enum"]); enum != nil {
			found := false
			for _, e := range enum {
				found = found || e == str
			}
			if !found {
				errs = append(errs, path+": not one of the allowed values")
			}
		}
		if max, ok := s["maxLength"].(float64); ok && utf8.RuneCountInString(str) > int(max) {
			errs = append(errs, path+": too long")
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			errs = append(errs, path+": does not match "+p)
		}
		if s["format"] == "date" {
			if _, err := time.Parse("2006-01-02", str); err != nil {
				errs = append(errs, path+": not a date")
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func (d schemaDoc) mustMatch(t *testing.T, what string, s map[string]any, body string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", what, err, body)
	}
	if errs := d.validate("$", s, v); len(errs) > 0 {
		t.Errorf("%s does not match the OpenAPI schema: %v\n%s", what, errs, body)
	}
}

func TestPartnerAPIAgainstItsOpenAPIDocument(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		doc := loadSchema(t, e)
		token := apiToken(t, e, "referrals:create")
		body := mustJSON(apiBody(e))
		doc.mustMatch(t, "the test's request", doc.requestSchema(), body)

		r := e.api(token, body)
		if r.status != http.StatusCreated {
			t.Fatalf("valid referral: %d %s", r.status, r.body)
		}
		doc.mustMatch(t, "201 response", doc.responseSchema(t, 201), r.body)
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="api.json"` {
			t.Errorf("the API's answer: Content-Disposition %q, want an attachment", cd)
		}
		var created map[string]string
		if err := json.Unmarshal([]byte(r.body), &created); err != nil {
			t.Fatalf("reading the 201 response: %v", err)
		}
		if id := queueID(t, e, manager, created["reference"]); id == 0 {
			t.Error("API referral not in the queue")
		}

		// Invalid fields: 422 with a list of field + message.
		bad := apiBody(e)
		bad["due_date"] = "2020-01-01"
		bad["parent1"].(map[string]any)["consent"] = "maybe"
		bad["referrer"].(map[string]any)["email"] = "nope"
		r = e.api(token, mustJSON(bad))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid referral: %d %s", r.status, r.body)
		}
		doc.mustMatch(t, "422 response", doc.responseSchema(t, 422), r.body)
		for _, f := range []string{`"field":"due_date"`, `"field":"parent1.consent"`, `"field":"referrer.email"`} {
			if !strings.Contains(r.body, f) {
				t.Errorf("422 lacks %s: %s", f, r.body)
			}
		}

		for _, tc := range []struct {
			name   string
			token  string
			body   string
			hdr    []string
			status int
		}{
			{"no token", "", body, nil, 401},
			{"wrong token", "not-a-token", body, nil, 401},
			{"token without scope", apiToken(t, e), body, nil, 403},
			{"not JSON", token, "{referral", nil, 400},
			{"unknown field", token, `{"favourite_colour":"blue"}`, nil, 400},
			{"wrong type", token, `{"parent1":"Amy"}`, nil, 400},
			{"two objects", token, body + `{}`, nil, 400},
			{"trailing bracket", token, body + `]`, nil, 400},
			{"form encoded", token, body, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
			{"too large", token, `{"anything_else":"` + strings.Repeat("x", 300<<10) + `"}`, nil, 413},
		} {
			r := e.api(tc.token, tc.body, tc.hdr...)
			if r.status != tc.status {
				t.Errorf("%s: %d, want %d (%s)", tc.name, r.status, tc.status, r.body)
				continue
			}
			doc.mustMatch(t, tc.name+" response", doc.responseSchema(t, tc.status), r.body)
		}

		// A revoked token stops working at once.
		ac := e.client()
		e.signIn(ac, admin)
		page := e.get(ac, "/admin/tokens")
		if !strings.Contains(page.body, "Blackpool Maternity") {
			t.Fatalf("tokens page lacks the organisation")
		}
		tokens, _ := e.db.APITokens(t.Context())
		rv := e.post(ac, "/admin/tokens/"+itoa(tokens[len(tokens)-1].ID)+"/revoke", mustForm("csrf_token", csrfFrom(t, page.body)))
		if rv.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", rv.status)
		}
		if r := e.api(token, body); r.status != 401 {
			t.Errorf("revoked token: %d", r.status)
		}
	})
}

func TestAdminCreatesTokenShownOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := e.client()
		e.signIn(ac, admin)
		page := e.get(ac, "/admin/tokens")
		token := csrfFrom(t, page.body)
		bad := e.post(ac, "/admin/tokens", mustForm("csrf_token", token, "organisation", "", "name", "EPR"))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Enter the partner organisation") || !strings.Contains(bad.body, `value="EPR"`) {
			t.Fatalf("invalid token form: %d", bad.status)
		}
		// The shared text rule: no markup in either name. A control
		// character is removed before the form is read (cleanText), so
		// the name is shown again without it.
		bad = e.post(ac, "/admin/tokens", mustForm("csrf_token", token, "organisation", "<b>Acme</b>", "name", "EPR\x07"))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Organisation name must not include HTML") ||
			strings.Contains(bad.body, "Token name must not include hidden control characters") || !strings.Contains(bad.body, `value="EPR"`) {
			t.Fatalf("markup in a token's names: %d", bad.status)
		}
		r := e.post(ac, "/admin/tokens", mustForm("csrf_token", token, "organisation", "Hertfordshire Children's Services", "name", "Case system"))
		m := regexp.MustCompile(`cradle_[A-Za-z0-9_-]{20,}`).FindString(r.body)
		if r.status != http.StatusCreated || m == "" {
			t.Fatalf("create: %d", r.status)
		}
		if again := e.get(ac, "/admin/tokens"); strings.Contains(again.body, m) {
			t.Error("the token is shown again")
		}
		if resp := e.api(m, mustJSON(apiBody(e))); resp.status != http.StatusCreated {
			t.Errorf("new token does not work: %d %s", resp.status, resp.body)
		}
		pc := e.client()
		e.signIn(pc, manager)
		if r := e.get(pc, "/admin/tokens"); r.status != http.StatusForbidden {
			t.Errorf("team manager on tokens page: %d", r.status)
		}
	})
}

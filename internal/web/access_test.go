package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/site"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/web"
)

// The access matrix: every route the router has × every role × every
// relationship to the record, against one table of expected answers. The
// test fails if the router has a route the table does not name, or if any
// answer differs. Set CRADLE_PRINT_ACCESS_MATRIX=1 to print what the
// server answered, as a table to review before it replaces the one below.
//
// Answers: A allowed (a page, a redirect after a change, or a form's own
// validation message), C a conflict (409: done already, or refused only
// for the case's state, closed or open, to one who may otherwise act),
// F forbidden (403), N not found (404), S sent to sign in, U unauthorised
// (401, the API without a token).
//
// Relationships, from the point of view of the practitioner Priya Shah:
// own = her own parent (Amy Foster) and that family; co = the co-parent
// (Jordan Price, another practitioner's) in the same family; area = another
// Blackpool family (the Reids); other = a Hertfordshire family (Aisha
// Khan's); closed = a closed Blackpool family in which she worked with Mark
// Hill. Routes that are not about a family have one answer per role.

var accessRoles = []string{"practitioner", "team_manager", "dsl", "admin", "analyst", "signed_out", "partner"}

var accessRelations = []string{"own", "co", "area", "other", "closed"}

// accessMatrix: route → one answer string per role (in accessRoles order);
// a route about a family or person has five letters (own, co, area,
// other, closed), any other route one.
var accessMatrix = map[string][7]string{
	// route                                           practitioner  team manager  DSL      admin    analyst  signed out  partner token
	"GET /healthz":                                   {"A", "A", "A", "A", "A", "A", "A"},
	"GET /readyz":                                    {"A", "A", "A", "A", "A", "A", "A"},
	"GET /metrics":                                   {"A", "A", "A", "A", "A", "A", "A"},
	"GET /assets/":                                   {"A", "A", "A", "A", "A", "A", "A"},
	"GET /{$}":                                       {"A", "A", "A", "A", "A", "A", "A"},
	"GET /{slug}":                                    {"A", "A", "A", "A", "A", "A", "A"},
	"GET /documents/{id}/{name}":                     {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/professional":                        {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/professional/confirmation":           {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/yourself":                            {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/yourself/check":                      {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/yourself/confirmation":               {"A", "A", "A", "A", "A", "A", "A"},
	"GET /refer/yourself/{step}":                     {"A", "A", "A", "A", "A", "A", "A"},
	"GET /mailing-list":                              {"A", "A", "A", "A", "A", "A", "A"},
	"GET /mailing-list/check-email":                  {"A", "A", "A", "A", "A", "A", "A"},
	"GET /mailing-list/confirm":                      {"A", "A", "A", "A", "A", "A", "A"},
	"GET /mailing-list/unsubscribe":                  {"A", "A", "A", "A", "A", "A", "A"},
	"GET /api/v1/openapi.json":                       {"A", "A", "A", "A", "A", "A", "A"},
	"GET /sign-in":                                   {"A", "A", "A", "A", "A", "A", "A"},
	"GET /sign-in/code":                              {"S", "S", "S", "S", "S", "S", "S"},
	"GET /sign-in/new-password":                      {"S", "S", "S", "S", "S", "S", "S"},
	"GET /sign-in/forgot":                            {"A", "A", "A", "A", "A", "A", "A"},
	"GET /sign-in/reset":                             {"N", "N", "N", "N", "N", "N", "N"}, // no token: the link's "expired or used" page
	"GET /home":                                      {"A", "A", "A", "A", "A", "S", "S"},
	"GET /caseload":                                  {"A", "A", "A", "F", "F", "S", "S"},
	"GET /appointments":                              {"A", "A", "A", "F", "F", "S", "S"},
	"GET /caseload/team":                             {"F", "A", "A", "F", "F", "S", "S"},
	"GET /caseload/team/move":                        {"F", "A", "F", "F", "F", "S", "S"},
	"POST /caseload/team/move":                       {"F", "N", "F", "F", "F", "S", "S"}, // no one to move from: not found
	"GET /families/{id}":                             {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/audit":                       {"FFFFF", "AAAFA", "AAAAA", "AAAAA", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/chronology":                  {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/allocate":                    {"FFFFF", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/close":                       {"FFFFF", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}":                               {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/measures":                      {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/measures/{instrument}":         {"AFFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/contact":                       {"AFFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/details":                       {"AAFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/dash":                          {"AFFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/dash/{aid}":                    {"NFFFN", "NNNFN", "NNNNN", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no such assessment: not found, to whoever may read the answers
	"GET /people/{id}/safety-plan":                   {"AFFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/documents/new":               {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /families/{id}/shares.csv":                  {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/reveal":                        {"FAFFF", "FFFFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/subject-access":                {"FFFFF", "FFFFF", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /audit":                                     {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/tokens":                              {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/contacts":                            {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/site":                                {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/site/pages/new":                      {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/site/pages/{id}":                     {"F", "F", "F", "A", "F", "S", "S"},
	"GET /account":                                   {"A", "A", "A", "A", "A", "S", "S"},
	"GET /account/password":                          {"A", "A", "A", "A", "A", "S", "S"},
	"POST /account/password":                         {"A", "A", "A", "A", "A", "S", "S"},
	"POST /account/sessions/end":                     {"A", "A", "A", "A", "A", "S", "S"},
	"GET /account/authenticator":                     {"A", "A", "A", "A", "A", "S", "S"},
	"POST /account/authenticator":                    {"A", "A", "A", "A", "A", "S", "S"},
	"GET /account/public-listing":                    {"F", "F", "A", "F", "F", "S", "S"},
	"GET /retention":                                 {"F", "A", "A", "F", "F", "S", "S"},
	"GET /retention/erased":                          {"F", "A", "A", "F", "F", "S", "S"},
	"GET /retention/families/{id}":                   {"FFFFF", "CCCFA", "CCCCA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /retention/referrals/{id}":                  {"F", "C", "C", "F", "F", "S", "S"},
	"GET /admin/mail":                                {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/mailing-list":                        {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/mailing-list.csv":                    {"F", "F", "F", "A", "F", "S", "S"},
	"GET /families/{id}/concerns/new":                {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /concerns":                                  {"A", "A", "A", "F", "F", "S", "S"},
	"GET /concerns/{id}":                             {"FFFFF", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /search":                                    {"A", "A", "A", "F", "F", "S", "S"},
	"GET /reports":                                   {"F", "A", "A", "A", "A", "S", "S"},
	"GET /reports/export/{file}":                     {"F", "A", "A", "A", "A", "S", "S"},
	"GET /reports/funder":                            {"F", "A", "A", "A", "A", "S", "S"},
	"GET /reports/funder.pdf":                        {"F", "A", "A", "A", "A", "S", "S"},
	"GET /referrals":                                 {"A", "A", "A", "F", "F", "S", "S"},
	"GET /referrals/{id}":                            {"A", "A", "A", "F", "F", "S", "S"},
	"GET /referrals/{id}/concerns/new":               {"A", "A", "A", "F", "F", "S", "S"},
	"GET /referrals/{id}/subject-access":             {"F", "F", "A", "F", "F", "S", "S"},
	"GET /referrals/new":                             {"A", "A", "A", "F", "F", "S", "S"},
	"GET /referrals/new/parent":                      {"A", "A", "A", "F", "F", "S", "S"},
	"/":                                              {"N", "N", "N", "N", "N", "N", "N"},
	"POST /refer/professional":                       {"A", "A", "A", "A", "A", "A", "A"},
	"POST /refer/yourself/check":                     {"A", "A", "A", "A", "A", "A", "A"},
	"POST /refer/yourself/{step}":                    {"A", "A", "A", "A", "A", "A", "A"},
	"POST /mailing-list":                             {"A", "A", "A", "A", "A", "A", "A"},
	"POST /mailing-list/confirm":                     {"A", "A", "A", "A", "A", "A", "A"},
	"POST /mailing-list/unsubscribe":                 {"A", "A", "A", "A", "A", "A", "A"},
	"POST /api/v1/referrals":                         {"U", "U", "U", "U", "U", "U", "A"},
	"POST /sign-in":                                  {"A", "A", "A", "A", "A", "A", "A"},
	"POST /sign-in/code":                             {"S", "S", "S", "S", "S", "S", "S"},
	"POST /sign-in/new-password":                     {"S", "S", "S", "S", "S", "S", "S"},
	"POST /sign-in/forgot":                           {"A", "A", "A", "A", "A", "A", "A"},
	"POST /sign-in/reset":                            {"N", "N", "N", "N", "N", "N", "N"},
	"POST /families/{id}/allocate":                   {"FFFFF", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/birth":                      {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/edd":                        {"AAFFC", "AACFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/assessment":                 {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/close":                      {"FFFFF", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // closed: "closed already" (409)
	"POST /families/{id}/reopen":                     {"FFFFF", "CCCFA", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/sessions":                     {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/vig":                          {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/joint-safety":                 {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/pause":                        {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/resume":                       {"CFFFC", "CCCFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/leave":                        {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/rejoin":                       {"CFFFC", "CCCFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/join-later":                   {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/reminders":                    {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/appointments":                 {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/appointments/{eid}/cancel":    {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no appointment 999999: found only by whoever may book one
	"POST /people/{id}/appointments/{eid}/move":      {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/reminders/{eid}/due":          {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no reminder 999999: found only by whoever may set one
	"POST /people/{id}/documents":                    {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/documents/{eid}/remove":       {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no document 999999: found only by whoever may add one
	"GET /people/{id}/documents/{eid}":               {"NFFFN", "NNNFN", "NNNNN", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no document 999999: looked for only by whoever may see confidential details
	"POST /people/{id}/supervision":                  {"FFFFF", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/measures/{instrument}":        {"AFFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /people/{id}/sessions/{sid}":                {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/sessions/{sid}":               {"AFFFF", "AAAFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // an empty form: its problems, to the author or a manager
	"POST /people/{id}/sessions/{sid}/remove":        {"CFFFF", "CCCFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no version: a conflict, to the author or a manager
	"POST /people/{id}/incidents/{eid}/remove":       {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no incident 999999: found only by whoever may record one
	"POST /people/{id}/changes/{eid}/remove":         {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/vig/{eid}/remove":             {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/consents/{eid}/remove":        {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/measure-results/{rid}/remove": {"NFFFN", "NNNFN", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no result 999999: found only once the person may be read
	"POST /people/{id}/contact":                      {"CFFFC", "CCCFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/details":                      {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/dash":                         {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/incidents":                    {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/changes":                      {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/marac":                        {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/marac/{eid}/outcome":          {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no referral 999999
	"POST /people/{id}/marac/{eid}/remove":           {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/safety-plan":                  {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/child-risk":                 {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/professionals":              {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/professionals/{pid}":        {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no professional 999999
	"POST /families/{id}/professionals/{pid}/left":   {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/professionals/{pid}/remove": {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/meetings/{eid}/remove":      {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no meeting 999999
	"POST /families/{id}/shares/{eid}/remove":        {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/child-risks/{eid}/remove":   {"NNFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no assessment 999999
	"POST /families/{id}/tasks/{eid}/reassign":       {"FFFFF", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"}, // no task 999999: found only by whoever may allocate
	"POST /families/{id}/shares":                     {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/meetings":                   {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /families/{id}/documents":                  {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/consents":                     {"AFFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/consents/{cid}/withdraw":      {"NFFFC", "NNNFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/reveal":                       {"FAFFF", "FFFFF", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /people/{id}/subject-access":               {"FFFFF", "FFFFF", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /admin/tokens":                             {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/tokens/{id}/revoke":                 {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/mail/{id}/resend":                   {"F", "F", "F", "N", "F", "S", "S"}, // no such message: the demo has none given up on
	"POST /admin/contacts":                           {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/site/pages":                         {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/site/pages/{id}":                    {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/site/documents":                     {"F", "F", "F", "A", "F", "S", "S"},
	"POST /admin/site/documents/{id}/withdraw":       {"F", "F", "F", "N", "F", "S", "S"},
	"POST /account/public-listing":                   {"F", "F", "A", "F", "F", "S", "S"},
	"POST /retention/families/{id}/keep":             {"FFFFF", "CCCFA", "CCCCA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /retention/families/{id}/request":          {"FFFFF", "CCCFA", "CCCCA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /retention/families/{id}/approve":          {"FFFFF", "CCCFA", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /retention/referrals/{id}/keep":            {"F", "C", "C", "F", "F", "S", "S"},
	"POST /retention/referrals/{id}/request":         {"F", "C", "C", "F", "F", "S", "S"},
	"POST /retention/referrals/{id}/approve":         {"F", "C", "F", "F", "F", "S", "S"},
	"POST /families/{id}/concerns":                   {"AAFFA", "AAAFA", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /concerns/{id}/decision":                   {"FFFFF", "FFFFF", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /concerns/{id}/close":                      {"FFFFF", "FFFFF", "AAAAA", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /referrals/{id}/decision":                  {"F", "C", "C", "F", "F", "S", "S"},
	"POST /families/{id}/children":                   {"AAFFC", "AAAFC", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"GET /admin/staff":                               {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/staff/new":                           {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/staff.csv":                           {"F", "F", "F", "A", "F", "S", "S"},
	"GET /session/alive":                             {"A", "A", "A", "A", "A", "S", "S"},
	"GET /session/status":                            {"A", "A", "A", "A", "A", "S", "S"},
	"POST /admin/staff":                              {"F", "F", "F", "A", "F", "S", "S"},
	"GET /admin/staff/{id}":                          {"F", "F", "F", "N", "F", "S", "S"}, // no account 999999
	"POST /admin/staff/{id}":                         {"F", "F", "F", "N", "F", "S", "S"},
	"GET /admin/staff/{id}/disable":                  {"F", "F", "F", "N", "F", "S", "S"},
	"GET /admin/staff/{id}/reset":                    {"F", "F", "F", "N", "F", "S", "S"},
	"POST /admin/staff/{id}/disable":                 {"F", "F", "F", "N", "F", "S", "S"},
	"POST /admin/staff/{id}/enable":                  {"F", "F", "F", "N", "F", "S", "S"},
	"POST /admin/staff/{id}/reset":                   {"F", "F", "F", "N", "F", "S", "S"},
	"POST /tasks/{id}/done":                          {"AFFFA", "AAAFA", "FFFFF", "FFFFF", "FFFFF", "SSSSS", "SSSSS"},
	"POST /referrals/{id}/acknowledged":              {"F", "C", "C", "F", "F", "S", "S"},
	"POST /referrals/{id}/concerns":                  {"A", "A", "A", "F", "F", "S", "S"},
	"POST /referrals/{id}/subject-access":            {"F", "F", "A", "F", "F", "S", "S"},
	"POST /referrals/{id}/decision-told":             {"F", "C", "C", "F", "F", "S", "S"},
	"POST /referrals/new":                            {"A", "A", "A", "F", "F", "S", "S"},
	"POST /referrals/new/parent":                     {"A", "A", "A", "F", "F", "S", "S"},
	"POST /sign-out":                                 {"S", "S", "S", "S", "S", "S", "S"},
}

type accessTargets struct {
	family   map[string]int64
	person   map[string]int64
	concern  map[string]int64
	task     map[string]int64 // a concern's action's task, for: own Priya, co and area Tom Elliott, other Megan Hughes, closed Priya
	session  map[string]int64 // the person's newest session, recorded by their practitioner
	referral int64
	token    int64
	sitePage int64
	document string // the path of a published policy document
	priya    int64  // a practitioner of the team's, whose parents a team manager may move
}

func findPerson(t *testing.T, e *env, name string) (personID, familyID int64) {
	t.Helper()
	ctx := context.Background()
	dslStaff, err := e.db.StaffByEmail(ctx, dsl)
	if err != nil {
		t.Fatal(err)
	}
	hits, _, err := e.db.SearchPeople(ctx, dslStaff.Actor(), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Person.Name() == name {
			return h.Person.ID, h.Family.ID
		}
	}
	t.Fatalf("no demo person %q", name)
	return 0, 0
}

func setUpAccessTargets(t *testing.T, e *env) (accessTargets, string) {
	t.Helper()
	ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
	tg := accessTargets{family: map[string]int64{}, person: map[string]int64{}, concern: map[string]int64{}, task: map[string]int64{}, session: map[string]int64{}}
	dslStaff, _ := e.db.StaffByEmail(ctx, dsl)
	priya, _ := e.db.StaffByEmail(ctx, practitioner)
	tg.priya = priya.ID
	for rel, name := range map[string]string{"own": "Amy Foster", "co": "Jordan Price", "area": "Hannah Reid", "other": "Aisha Khan", "closed": "Mark Hill"} {
		tg.person[rel], tg.family[rel] = findPerson(t, e, name)
		rec, err := e.db.ReadPersonPage(ctx, dslStaff.Actor(), tg.person[rel], store.SessionPage{Limit: 1})
		if err != nil || len(rec.Sessions) == 0 {
			t.Fatalf("%s has no session to try (%v)", name, err)
		}
		tg.session[rel] = rec.Sessions[0].ID
	}
	yes := true
	for _, rel := range accessRelations {
		id, err := e.db.RaiseConcern(ctx, dslStaff.Actor(), store.NewConcern{FamilyID: tg.family[rel], PersonID: tg.person[rel],
			Concern: safeguarding.Concern{About: "Test concern", AtRisk: safeguarding.AtRiskBaby, ImmediateDanger: &yes}, Due: e.clock.Now().Add(time.Hour)},
			func(*store.Tx, []string, int64) error { return nil })
		if err != nil {
			t.Fatalf("raising a concern for %s: %v", rel, err)
		}
		tg.concern[rel] = id
		// A second concern, decided with one action: its task.
		owner := map[string]string{"own": practitioner, "co": "tom.elliott@cradle.example", "area": "tom.elliott@cradle.example",
			"other": herts, "closed": practitioner}[rel]
		ownerStaff, err := e.db.StaffByEmail(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		id, err = e.db.RaiseConcern(ctx, dslStaff.Actor(), store.NewConcern{FamilyID: tg.family[rel], PersonID: tg.person[rel],
			Concern: safeguarding.Concern{About: "Test concern", AtRisk: safeguarding.AtRiskBaby, ImmediateDanger: &yes}, Due: e.clock.Now().Add(time.Hour)},
			func(*store.Tx, []string, int64) error { return nil })
		if err != nil {
			t.Fatalf("raising a concern for %s: %v", rel, err)
		}
		if err := e.db.DecideConcern(ctx, dslStaff.Actor(), id, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given.",
			Actions: []safeguarding.Action{{What: "Follow up", OwnerID: ownerStaff.ID, Due: e.clock.Now().AddDate(0, 0, 7)}}}, nil); err != nil {
			t.Fatalf("deciding the concern for %s: %v", rel, err)
		}
		c, err := e.db.ReadConcern(ctx, dslStaff.Actor(), id)
		if err != nil || len(c.Actions) != 1 || c.Actions[0].TaskID == 0 {
			t.Fatalf("the concern for %s: %+v (%v)", rel, c.Actions, err)
		}
		tg.task[rel] = c.Actions[0].TaskID
	}
	q, _, err := e.db.ReferralQueue(ctx, dslStaff.Actor(), store.QueueFilter{})
	if err != nil || len(q) == 0 {
		t.Fatalf("referral queue: %d, %v", len(q), err)
	}
	tg.referral = q[0].ID
	token := apiToken(t, e, "referrals:create")
	toks, err := e.db.APITokens(ctx)
	if err != nil || len(toks) == 0 {
		t.Fatal(err)
	}
	tg.token = toks[0].ID
	page, _, err := e.db.PublicPage(ctx, "how-we-work")
	if err != nil {
		t.Fatal(err)
	}
	tg.sitePage = page.ID
	adminStaff, _ := e.db.StaffByEmail(ctx, admin)
	doc, _ := site.CheckDocument("Safeguarding policy", "policy.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	docID, err := e.db.AddSiteDocument(ctx, adminStaff.Actor(), doc)
	if err != nil {
		t.Fatal(err)
	}
	tg.document = "/documents/" + itoa(docID) + "/policy.pdf"
	return tg, token
}

// accessPaths turns a route into the request paths to try: one per
// relationship for routes about a family or person, else one.
func accessPaths(route string, tg accessTargets) (method string, paths []string) {
	method, path, ok := strings.Cut(route, " ")
	if !ok {
		method, path = "GET", route
	}
	fixed := strings.NewReplacer("{step}", "about-you", "{instrument}", "phq9", "{rid}", "999999", "{aid}", "999999", "{cid}", "999999", "{eid}", "999999", "{pid}", "999999",
		"{file}", "dashboard.csv", "{slug}", "how-we-work", "{$}", "")
	switch {
	case strings.HasPrefix(path, "/families/{id}"), strings.HasPrefix(path, "/people/{id}"), strings.HasPrefix(path, "/concerns/{id}"),
		strings.HasPrefix(path, "/retention/families/{id}"), strings.HasPrefix(path, "/tasks/{id}"):
		for _, rel := range accessRelations {
			id := tg.family[rel]
			if strings.HasPrefix(path, "/people/") {
				id = tg.person[rel]
			} else if strings.HasPrefix(path, "/concerns/") {
				id = tg.concern[rel]
			} else if strings.HasPrefix(path, "/tasks/") {
				id = tg.task[rel]
			}
			p := strings.Replace(path, "{sid}", itoa(tg.session[rel]), 1)
			paths = append(paths, fixed.Replace(strings.Replace(p, "{id}", itoa(id), 1)))
		}
		return method, paths
	case strings.HasPrefix(path, "/referrals/{id}"), strings.HasPrefix(path, "/retention/referrals/{id}"):
		path = strings.Replace(path, "{id}", itoa(tg.referral), 1)
	case strings.HasPrefix(path, "/admin/tokens/{id}"):
		path = strings.Replace(path, "{id}", itoa(tg.token), 1)
	case strings.HasPrefix(path, "/admin/site/pages/{id}"):
		path = strings.Replace(path, "{id}", itoa(tg.sitePage), 1)
	case path == "/":
		path = "/no-such-page"
	case path == "/documents/{id}/{name}":
		path = tg.document
	case path == "/assets/":
		path = "/assets/cradle.css"
	case path == "/caseload/team/move" && method == "GET":
		path += "?from=" + itoa(tg.priya)
	}
	return method, []string{fixed.Replace(strings.ReplaceAll(path, "{id}", "999999"))}
}

func accessAnswer(r resp) byte {
	switch {
	case r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/sign-in"):
		return 'S'
	case r.status == http.StatusForbidden:
		return 'F'
	case r.status == http.StatusNotFound:
		return 'N'
	case r.status == http.StatusUnauthorized:
		return 'U'
	case r.status == http.StatusConflict:
		return 'C'
	case r.status < 300, r.status < 400, r.status == 400, r.status == 413, r.status == 422, r.status == 429:
		return 'A'
	}
	return '?'
}

// accessOrder runs reads before changes, and signing out last, so one
// request's change cannot hide another route's answer.
func accessOrder(routes []string) []string {
	out := append([]string(nil), routes...)
	rank := func(r string) int {
		switch {
		case r == "POST /sign-out":
			return 3
		case strings.HasPrefix(r, "POST "):
			return 2
		}
		return 1
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// roleAccounts is the demo account each staff role of the access matrix
// signs in as (the matrix's other roles are the signed-out and a partner's
// token).
var roleAccounts = map[string]string{"practitioner": practitioner, "team_manager": manager, "dsl": dsl, "admin": admin, "analyst": "leah.morgan@cradle.example"}

func TestAccessMatrix(t *testing.T) {
	print := os.Getenv("CRADLE_PRINT_ACCESS_MATRIX") != ""
	routes := map[string]bool{}
	for _, r := range newServerFor(t, &env{t: t, clock: &clock{t: time.Now()}}).Routes() {
		routes[r] = true
	}
	for r := range accessMatrix {
		if !routes[r] {
			t.Errorf("the access matrix names %q, which the router no longer has: remove it", r)
		}
	}
	checked := 0
	for ri, role := range accessRoles {
		t.Run(role, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				tg, token := setUpAccessTargets(t, e)
				c := e.client()
				var hdr []string
				if email, ok := roleAccounts[role]; ok {
					e.signIn(c, email)
				} else if role == "partner" {
					hdr = []string{"Authorization", "Bearer " + token}
				}
				csrf := ""
				if role != "signed_out" && role != "partner" {
					csrf = csrfFrom(t, e.get(c, "/search").body+e.get(c, "/home").body)
				}
				s := newServerFor(t, e)
				var lines []string
				for _, route := range accessOrder(s.Routes()) {
					method, paths := accessPaths(route, tg)
					var got strings.Builder
					for _, p := range paths {
						var form url.Values
						if method == "POST" {
							form = url.Values{}
							if csrf != "" {
								form.Set("csrf_token", csrf)
							}
						}
						h := hdr
						if route == "POST /api/v1/referrals" {
							h = append(append([]string(nil), hdr...), "Content-Type", "application/json")
							form = nil
						}
						got.WriteByte(accessAnswer(e.doBody(c, method, p, form, route == "POST /api/v1/referrals", h...)))
						checked++
					}
					if print {
						lines = append(lines, fmt.Sprintf("%q: %s", route, got.String()))
					}
					want, ok := accessMatrix[route]
					switch {
					case print:
					case !ok:
						t.Errorf("route %q is not in the access matrix: add it with the answers each role should get", route)
					case want[ri] != got.String():
						t.Errorf("%s %s: got %s, want %s (relationships %v)", role, route, got.String(), want[ri], accessRelations)
					}
				}
				if print && e.db.Dialect() == store.SQLite {
					t.Logf("%s:\n%s", role, strings.Join(lines, "\n"))
				}
			})
		})
	}
	t.Logf("%d requests checked against the access matrix", checked)
}

func newServerFor(t *testing.T, e *env) *web.Server {
	t.Helper()
	s, err := web.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// doBody is do, with an empty JSON object as the body when json is set.
func (e *env) doBody(c *http.Client, method, path string, form url.Values, json bool, hdr ...string) resp {
	e.t.Helper()
	if !json {
		return e.do(c, method, path, form, hdr...)
	}
	return e.send(c, method, path, strings.NewReader("{}"), hdr...)
}

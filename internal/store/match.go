package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/policy"
)

// matchKeys lists the (kind, key) pairs stored for a person. Phone, email
// and NHS number are blind-indexed: equal values give equal keys, but the
// table never holds them in clear.
func (db *DB) matchKeys(id match.Identity) [][2]string {
	k := match.KeysOf(id)
	var out [][2]string
	for _, n := range k.Names {
		out = append(out, [2]string{"name", n})
	}
	for _, p := range k.Phonetic {
		out = append(out, [2]string{"phonetic", p})
	}
	for _, x := range []struct{ kind, v string }{{"phone", k.Phone}, {"email", k.Email}, {"nhs", k.NHS}} {
		if x.v != "" {
			out = append(out, [2]string{x.kind, db.index("match."+x.kind, x.v)})
		}
	}
	return out
}

func identityOfPerson(p family.Person) match.Identity {
	id := match.Identity{GivenName: p.GivenName, FamilyName: p.FamilyName, KnownAs: p.KnownAs, DateOfBirth: p.DateOfBirth}
	if c := p.Confidential; c != nil {
		id.Phone, id.Email, id.NHSNumber, id.Postcode = c.Phone, c.Email, c.NHSNumber, c.Postcode
	}
	return id
}

func (tx *Tx) writeMatchKeys(personID int64, id match.Identity) error {
	for _, k := range tx.db.matchKeys(id) {
		if _, err := tx.exec(`INSERT INTO person_match_keys (person_id, kind, match_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, personID, k[0], k[1]); err != nil {
			return fmt.Errorf("writing match keys: %w", err)
		}
	}
	return nil
}

// PossibleMatch is an existing person who may be the one being referred,
// with enough about their family to show and to ask the policy about.
type PossibleMatch struct {
	match.Scored
	FamilyID        int64
	FamilyReference string
	AreaName        string
	Target          policy.Target // the existing family, for "may I open it?"
}

// MatchLimit is how many people sharing a match key are looked at closely.
const MatchLimit = 100

// FindPossibleMatches looks up people sharing any match key with id, and
// ranks them. It only suggests: a person decides whether they are the same.
func (db *DB) FindPossibleMatches(ctx context.Context, id match.Identity) ([]PossibleMatch, error) {
	keys := db.matchKeys(id)
	if len(keys) == 0 {
		return nil, nil
	}
	var conds []string
	var args []any
	for _, k := range keys {
		args = append(args, k[0], k[1])
		conds = append(conds, fmt.Sprintf("(kind = $%d AND match_key = $%d)", len(args)-1, len(args)))
	}
	// At most a hundred people are looked at closely. A common name can be
	// shared by more than that nationally, so those sharing a phone, email
	// or NHS number come first, then those sharing the most keys: a limit
	// taken in no order could drop the one true match.
	rows, err := db.query(ctx, `SELECT person_id FROM person_match_keys WHERE `+strings.Join(conds, " OR ")+`
		GROUP BY person_id
		ORDER BY MAX(CASE WHEN kind IN ('phone', 'email', 'nhs') THEN 1 ELSE 0 END) DESC, COUNT(*) DESC, person_id DESC
		LIMIT `+strconv.Itoa(MatchLimit), args...)
	if err != nil {
		return nil, fmt.Errorf("finding possible matches: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			return nil, dropRows(rows, err)
		}
		ids = append(ids, pid)
	}
	if err := doneRows(rows); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, idArgs := db.inList(ids)
	rows, err = db.query(ctx, `SELECT p.id, p.given_name, p.family_name, p.known_as, p.date_of_birth, p.phone_sealed, p.email_sealed,
		p.nhs_number_sealed, p.postcode_sealed, f.id, f.reference, f.area_id, a.name, f.stage
		FROM people p JOIN families f ON f.id = p.family_id JOIN areas a ON a.id = f.area_id
		WHERE p.id IN (`+in+`)`, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("reading possible matches: %w", err)
	}
	defer rows.Close()
	type extra struct {
		famID         int64
		ref, areaName string
		target        policy.Target
	}
	var cands []match.Candidate
	extras := map[int64]extra{}
	for rows.Next() {
		var c match.Candidate
		var dob sql.NullTime
		var phone, email, nhs, postcode, stage string
		var e extra
		if err := rows.Scan(&c.PersonID, &c.Identity.GivenName, &c.Identity.FamilyName, &c.Identity.KnownAs, &dob, &phone, &email, &nhs, &postcode,
			&e.famID, &e.ref, &e.target.AreaID, &e.areaName, &stage); err != nil {
			return nil, fmt.Errorf("reading possible match: %w", err)
		}
		c.Identity.DateOfBirth = timeOf(dob)
		for _, f := range []struct {
			ctx, sealed string
			dst         *string
		}{{"people.phone", phone, &c.Identity.Phone}, {"people.email", email, &c.Identity.Email}, {"people.nhs_number", nhs, &c.Identity.NHSNumber}, {"people.postcode", postcode, &c.Identity.Postcode}} {
			if *f.dst, err = db.open(rowContext(f.ctx, c.PersonID), f.sealed); err != nil {
				return nil, err
			}
		}
		e.target.FamilyID, e.target.Closed = e.famID, stage == string(family.Closed)
		cands = append(cands, c)
		extras[c.PersonID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []PossibleMatch
	for _, s := range match.Rank(id, cands) {
		e := extras[s.PersonID]
		// The contact details helped the ranking; they are not passed on.
		s.Identity.Phone, s.Identity.Email, s.Identity.NHSNumber, s.Identity.Postcode = "", "", "", ""
		out = append(out, PossibleMatch{Scored: s, FamilyID: e.famID, FamilyReference: e.ref, AreaName: e.areaName, Target: e.target})
	}
	return out, nil
}

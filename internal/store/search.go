package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// PersonHit is one person found by SearchPeople: a member of a family the
// searcher may see, with nothing confidential.
type PersonHit struct {
	Person family.Person
	Family family.Family
}

// SearchLimit is the most people one search returns.
const SearchLimit = 50

var referencePattern = regexp.MustCompile(`(?i)^FAM-[0-9A-Z-]+$`)

// SearchPeople finds the people of families the actor may see by name
// ("Priya Shah", with the same name variants and sound-alikes as referral
// matching; or one name, given or family) or by family reference. It
// returns at most SearchLimit people, and whether there were more. The
// search is audited with what was searched for (a name as SearchTermKey).
func (db *DB) SearchPeople(ctx context.Context, actor policy.Actor, query string) ([]PersonHit, bool, error) {
	sq := parseSearch(query)
	q := sq.Text
	scope, args, ok := db.familyScope(actor)
	if !ok {
		return nil, false, problem.New(problem.Forbidden, "Your role cannot search for people")
	}
	var cond string
	keyed := "" // the people whose name keys match, for a name search
	switch {
	case sq.Reference != "":
		args = append(args, sq.Reference)
		cond = fmt.Sprintf(`f.reference = $%d`, len(args))
	case len(sq.Names)+len(sq.Phonetic) > 0:
		var keys []string
		for _, n := range sq.Names {
			args = append(args, n)
			keys = append(keys, fmt.Sprintf(`(kind = 'name' AND match_key = $%d)`, len(args)))
		}
		for _, p := range sq.Phonetic {
			args = append(args, p)
			keys = append(keys, fmt.Sprintf(`(kind = 'phonetic' AND match_key = $%d)`, len(args)))
		}
		keyed = `SELECT DISTINCT person_id FROM person_match_keys WHERE ` + strings.Join(keys, " OR ")
		cond = `p.id IN (` + keyed + `)`
	case sq.Word != "":
		for _, w := range sq.WordForms {
			args = append(args, w)
		}
		forms := inParams(len(args)-len(sq.WordForms)+1, len(sq.WordForms))
		cond = `(lower(p.family_name) ` + forms + ` OR lower(p.given_name) ` + forms + ` OR lower(p.known_as) ` + forms + `)`
	default:
		return nil, false, nil
	}
	var hits []PersonHit
	more := false
	err := db.View(ctx, func(tx *Tx) error {
		from := `people p JOIN families f ON f.id = p.family_id WHERE ` + scope
		order, pick := `f.stage = 'closed', f.reference DESC, p.id`, `p.id, p.family_id`
		if actor.Role == policy.Practitioner {
			// A practitioner's own families are a few dozen, while a family
			// name may be shared by thousands nationally: start from the
			// families (CROSS JOIN keeps that order in SQLite; PostgreSQL
			// plans it as an inner join). $1 is the staff id, as in scope.
			from = `(SELECT DISTINCT family_id FROM allocations WHERE staff_id = $1 AND ended_at IS NULL) mine
				CROSS JOIN people p JOIN families f ON f.id = p.family_id WHERE p.family_id = mine.family_id`
		} else if keyed != "" {
			// A manager's areas hold about a thousand families at national
			// scale, and a DSL's every one, while a name's keys match a few
			// people (tens for the commonest): start from the names, so a
			// search costs the same whatever the areas hold (starting from
			// the area made it twice as slow at 100,000 families as at
			// 1,000). The scope still narrows, and the policy decides.
			from = `(` + keyed + `) mk CROSS JOIN people p JOIN families f ON f.id = p.family_id WHERE p.id = mk.person_id AND ` + scope
			cond = `1 = 1`
		} else if sq.Word != "" {
			// One name across a manager's areas or the nation matches
			// people by the thousand at national scale, and ordering
			// them read each one's family. person_names (migration 24)
			// holds each name with its family's closed flag, reference
			// and area, in the search's order, so a page is read from
			// one index. Its rows are named f, so the scope's f.area_id
			// is the family's area there too.
			from = `person_names f WHERE ` + scope
			cond = `f.name ` + inParams(len(args)-len(sq.WordForms)+1, len(sq.WordForms))
			order = `f.closed, f.reference DESC, f.person_id`
			pick = `f.person_id, f.family_id`
		}
		// A page's worth (and one more, to know there are more) at a time:
		// the scope above matches the policy for each role, so one batch is
		// nearly always enough, and reading four times the page's families
		// and their people was most of a national search's time. Batches
		// continue only while the policy turned some down, up to four.
		batch := SearchLimit + 1
		seen := map[int64]bool{}
		for offset := 0; offset < searchBatches*batch && len(hits) <= SearchLimit; offset += batch {
			got, n, err := db.searchBatch(ctx, tx, actor, `SELECT `+pick+` FROM `+from+` AND `+cond+`
				ORDER BY `+order+` LIMIT `+strconv.Itoa(batch)+` OFFSET `+strconv.Itoa(offset), args)
			if err != nil {
				return err
			}
			for _, h := range got {
				// One person is one hit, though two of their names may
				// match two forms of the word (person_names on SQLite).
				if !seen[h.Person.ID] {
					seen[h.Person.ID] = true
					hits = append(hits, h)
				}
			}
			if n < batch {
				break
			}
		}
		if len(hits) > SearchLimit {
			hits, more = hits[:SearchLimit], true
		}
		// A name searched for is personal data, and administrators read the
		// whole log: the entry holds the name's keyed hash, which someone
		// with the keys can work out for a name (cradle audit term), never
		// the name. A family reference is no name, and is kept as typed.
		what := "name key " + db.termKey(q)
		if sq.Reference != "" {
			what = "reference " + sq.Reference
		}
		tx.Audit("person.search", "", 0, 0, fmt.Sprintf("%s: %d found", what, len(hits)))
		return nil
	})
	return hits, more, err
}

// searchBatches is how many batches of a page and one a search reads at
// most before it stops looking for people the policy lets the actor see.
const searchBatches = 4

// searchBatch reads one batch of a search: the people q finds, in its
// order (each once), with their families, each family put to the policy.
// It returns the hits the actor may see and how many rows q gave.
func (db *DB) searchBatch(ctx context.Context, tx *Tx, actor policy.Actor, q string, args []any) ([]PersonHit, int, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("searching people: %w", err)
	}
	var ids []int64
	wanted := map[int64]bool{}
	famSeen := map[int64]bool{}
	var famIDs []int64
	read := 0
	for rows.Next() {
		var pid, fid int64
		if err := rows.Scan(&pid, &fid); err != nil {
			return nil, 0, dropRows(rows, fmt.Errorf("searching people: %w", err))
		}
		read++
		if wanted[pid] {
			continue // another of the person's names
		}
		ids = append(ids, pid)
		wanted[pid] = true
		if !famSeen[fid] {
			famSeen[fid] = true
			famIDs = append(famIDs, fid)
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, 0, fmt.Errorf("searching people: %w", err)
	}
	if len(ids) == 0 {
		return nil, read, nil
	}
	fams, err := db.familiesByID(ctx, tx, famIDs)
	if err != nil {
		return nil, 0, err
	}
	people, err := db.loadPeople(ctx, tx.q(), famIDs)
	if err != nil {
		return nil, 0, err
	}
	found := map[int64]PersonHit{}
	for _, fid := range famIDs {
		f, ok := fams[fid]
		if !ok {
			continue
		}
		f.People = people[fid]
		// The scope only narrows the search; the policy decides.
		if !policy.Can(actor, policy.ViewFamily, f.Target(), tx.now) {
			continue
		}
		for _, p := range f.People {
			if wanted[p.ID] {
				found[p.ID] = PersonHit{Person: p, Family: f}
			}
		}
	}
	var hits []PersonHit
	for _, id := range ids {
		if h, ok := found[id]; ok {
			hits = append(hits, h)
		}
	}
	return hits, read, nil
}

// SearchTermKey is how the audit log records a name searched for: a keyed
// hash of the search's words (case and spacing ignored), the same for the
// same name and unreadable without the keys. Empty for an empty search.
func (db *DB) SearchTermKey(term string) string { return db.termKey(searchText(term)) }

// termKey is SearchTermKey of a query already made plain (searchText).
func (db *DB) termKey(text string) string {
	if text == "" {
		return ""
	}
	return db.index("audit.search-term", strings.ToLower(text))[:20]
}

// searchQuery is what a search looks for: a family reference, the match
// keys of a full name, or one name. At most one is set; none means there is
// nothing to search for.
type searchQuery struct {
	Text      string   // the query with runs of white space made single, as audited
	Reference string   // a family reference, upper-cased
	Names     []string // the name keys and
	Phonetic  []string // the sound-alike keys of a name of two words or more
	Word      string   // one name, lower-cased, compared with each stored name
	// WordForms are the forms a stored name equal to Word may take once
	// the database has lower-cased it: PostgreSQL's lower() lower-cases
	// every letter, SQLite's only A to Z, so "Łukasz" is "Łukasz" there
	// and a search for "łukasz" must ask for both. Word comes first.
	WordForms []string
}

// maxCasedLetters bounds WordForms: each letter outside A to Z with an
// upper-case form doubles them. Beyond the sixth such letter only the
// lower-case form is asked for (a name stored in capitals with more than
// six of them would not be found on SQLite by one name; by its full name
// it still would, through its match keys).
const maxCasedLetters = 6

// wordForms lists the forms of a lower-cased word that lower-case to it
// when only A to Z are lower-cased, as SQLite does.
func wordForms(word string) []string {
	forms := []string{""}
	cased := 0
	for _, r := range word {
		up := unicode.ToUpper(r)
		if r < utf8.RuneSelf || up == r || unicode.ToLower(up) != r || cased == maxCasedLetters {
			for i := range forms {
				forms[i] += string(r)
			}
			continue
		}
		cased++
		for i, n := 0, len(forms); i < n; i++ {
			forms = append(forms, forms[i]+string(up))
			forms[i] += string(r)
		}
	}
	return forms
}

// inParams is "= $from" for one parameter and "IN ($from, …)" for more
// (one is written as equality so the planner reads an index in order).
func inParams(from, n int) string {
	if n == 1 {
		return fmt.Sprintf(`= $%d`, from)
	}
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf(`$%d`, from+i)
	}
	return `IN (` + strings.Join(ps, ", ") + `)`
}

// parseSearch reads a "Find a person" query. It is pure, so that what a
// query becomes can be checked (and fuzzed) without a database.
func parseSearch(query string) searchQuery {
	q := searchText(query)
	sq := searchQuery{Text: q}
	switch words := strings.Fields(match.NormaliseName(q)); {
	case referencePattern.MatchString(q):
		sq.Reference = strings.ToUpper(q)
	case len(words) >= 2:
		k := match.KeysOf(match.Identity{GivenName: words[0], FamilyName: strings.Join(words[1:], " ")})
		sq.Names, sq.Phonetic = k.Names, k.Phonetic
	case len(words) == 1:
		sq.Word = strings.ToLower(q)
		sq.WordForms = wordForms(sq.Word)
	}
	return sq
}

// searchText is a query as searched for and audited: control characters
// and broken UTF-8 made spaces (no name holds them, and PostgreSQL refuses
// a NUL in text, which failed the search), runs of white space made one.
func searchText(query string) string {
	query = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, query)
	return strings.Join(strings.Fields(query), " ")
}

// familiesByID reads families (without their people).
func (db *DB) familiesByID(ctx context.Context, tx *Tx, ids []int64) (map[int64]family.Family, error) {
	out := map[int64]family.Family{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.inList(ids)
	rows, err := tx.query(`SELECT `+tx.db.familyColumns()+` FROM families f JOIN areas a ON a.id = f.area_id LEFT JOIN staff m ON m.id = f.manager_id
		WHERE f.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading families: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFamily(rows)
		if err != nil {
			return nil, fmt.Errorf("reading families: %w", err)
		}
		out[f.ID] = f
	}
	return out, rows.Err()
}

package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// Moving a practitioner's parents to others at once (a practitioner
// leaving, going on long leave, or with too many), rather than family by
// family on each allocation page: a team manager chooses a practitioner
// for each parent to move, and each family's allocation is made as the
// allocation page makes it, all in one transaction (store.MoveParents).

// moveRow is one parent of the practitioner's, with whom they may go to.
type moveRow struct {
	Parent    family.Person
	FamilyID  int64
	Reference string
	AreaName  string
	// Choices are the family's area's active practitioners but the one
	// whose parents move and the other parent's practitioner (a parent's
	// two practitioners must be different people).
	Choices []store.PractitionerLoad
}

type moveData struct {
	// Choose: no practitioner was named (the page's own address): the page
	// asks whose parents to move, from Practitioners.
	Choose        bool
	Practitioners []store.PractitionerLoad // ID, Name, and Caseload: how many of their parents are listed
	From          store.PractitionerLoad   // ID and Name of the practitioner whose parents move
	Rows          []moveRow
	Capped        bool // the caseload read covers the first CaseloadLimit families only
	Limit         int
}

// moveFrom reads whose parents are to move (?from= or the form's from) and
// their parents in open families the reader may allocate, each with their
// choices; with no from, the practitioners who have parents there, to
// choose from (Choose). A from that is no practitioner's is not found; a
// reader who may allocate none of the families is refused, whatever from.
func (s *Server) moveFrom(r *http.Request, u *requestUser, from string) (moveData, error) {
	d := moveData{Limit: store.CaseloadLimit}
	actor, now := u.staff.Actor(), s.cfg.Now()
	// Who may move parents first, before from is looked at, so that anyone
	// else learns nothing of which ids are practitioners'.
	if dec := policy.Decide(actor, policy.ViewTeamCaseloads, policy.Target{}, now); !dec.Allowed {
		return d, dec.Err()
	}
	list, capped, err := s.db.CaseloadCapped(r.Context(), actor)
	if err != nil {
		return d, err
	}
	d.Capped = capped
	list = slices.DeleteFunc(slices.Clone(list), func(e store.CaseloadEntry) bool {
		return !policy.Can(actor, policy.AllocateFamily, e.Family.Target(), now)
	})
	if len(list) == 0 {
		// A DSL sees the team's caseloads but allocates no family; nor
		// does a manager with no open family.
		return d, problem.New(problem.Forbidden, "only a team manager may move parents to other practitioners, in the open families of their areas")
	}
	if from == "" {
		d.Choose = true
		count := map[int64]int{}
		for _, e := range list {
			for _, p := range e.Parents {
				if p.PractitionerID != 0 {
					if count[p.PractitionerID] == 0 {
						d.Practitioners = append(d.Practitioners, store.PractitionerLoad{ID: p.PractitionerID, Name: p.PractitionerName})
					}
					count[p.PractitionerID]++
				}
			}
		}
		for i := range d.Practitioners {
			d.Practitioners[i].Caseload = count[d.Practitioners[i].ID]
		}
		slices.SortFunc(d.Practitioners, func(a, b store.PractitionerLoad) int { return strings.Compare(a.Name, b.Name) })
		return d, nil
	}
	id, err := strconv.ParseInt(from, 10, 64)
	if err != nil || id <= 0 {
		return d, problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads")
	}
	st, err := s.db.StaffByID(r.Context(), id)
	if problem.CodeOf(err) == problem.NotFound || err == nil && st.Role != policy.Practitioner {
		return d, problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads")
	}
	if err != nil {
		return d, err
	}
	d.From = store.PractitionerLoad{ID: st.ID, Name: st.Name}
	choices := map[int64][]store.PractitionerLoad{} // by area
	for _, e := range list {
		for _, p := range e.Parents {
			if p.PractitionerID != id {
				continue
			}
			area := e.Family.AreaID
			if _, ok := choices[area]; !ok {
				if choices[area], err = s.db.PractitionersInArea(r.Context(), area); err != nil {
					return d, err
				}
			}
			row := moveRow{Parent: p, FamilyID: e.FamilyID, Reference: e.Reference, AreaName: e.AreaName}
			for _, c := range choices[area] {
				if c.ID != id && !slices.ContainsFunc(e.Parents, func(o family.Person) bool { return o.ID != p.ID && o.PractitionerID == c.ID }) {
					row.Choices = append(row.Choices, c)
				}
			}
			d.Rows = append(d.Rows, row)
		}
	}
	return d, nil
}

func (s *Server) moveForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showMove(w, r, u, http.StatusOK, nil, r.URL.Query().Get("from"), nil)
}

func (s *Server) showMove(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, from string, form url.Values) {
	d, err := s.moveFrom(r, u, from)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "Move " + d.From.Name + "'s parents"
	if d.Choose {
		title = "Move a practitioner's parents"
	}
	s.render(w, r, status, "caseload-move", Page{Title: title, Nav: "caseload", Errors: errs, Form: form, Data: d})
}

// moveSave moves the parents chosen. A choice the row does not offer (the
// other parent's practitioner, someone not in the family's area, posted
// by hand) is refused on its row before anything moves; the store refuses
// what the page could not know (an account disabled a moment ago), and
// nothing moves then either.
func (s *Server) moveSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	from := r.PostForm.Get("from")
	d, err := s.moveFrom(r, u, from)
	if err == nil && d.Choose {
		err = problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	moves := map[int64]int64{}
	var fs problem.Fields
	for _, row := range d.Rows {
		name := "practitioner_" + strconv.FormatInt(row.Parent.ID, 10)
		v := strings.TrimSpace(r.PostForm.Get(name))
		if v == "" {
			continue // stays with them
		}
		to, _ := strconv.ParseInt(v, 10, 64)
		if !slices.ContainsFunc(row.Choices, func(c store.PractitionerLoad) bool { return c.ID == to }) {
			fs.Add(name, "Choose a practitioner from the list for "+row.Parent.Name())
			continue
		}
		moves[row.Parent.ID] = to
	}
	if len(fs) == 0 && len(moves) == 0 {
		first := "from"
		if len(d.Rows) > 0 {
			first = "practitioner_" + strconv.FormatInt(d.Rows[0].Parent.ID, 10)
		}
		fs.Add(first, "Choose a practitioner for at least one parent")
	}
	if len(fs) > 0 {
		s.showMove(w, r, u, http.StatusUnprocessableEntity, fs, from, r.PostForm)
		return
	}
	err = s.db.MoveParents(r.Context(), u.staff.Actor(), moves, s.allocationNotifier)
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		fields := p.Fields
		if len(fields) == 0 {
			fields = []problem.Field{{Name: "practitioner_" + strconv.FormatInt(d.Rows[0].Parent.ID, 10), Message: p.Message}}
		}
		s.showMove(w, r, u, formStatus(err), fields, from, r.PostForm)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	http.Redirect(w, r, "/caseload?practitioner="+strconv.FormatInt(d.From.ID, 10), http.StatusSeeOther)
}

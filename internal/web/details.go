package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// detailsData is the form that corrects a person's own details.
type detailsData struct {
	Person      family.Person
	Version     int
	Changed     bool // someone else saved the record meanwhile: the editor's text is shown again
	Experiences []referral.Option
	Households  []referral.Option // the baby's or another child's: whom they may live with
}

// detailsFor is the form's data for p of family f.
func detailsFor(f family.Family, p family.Person, version int, changed bool) detailsData {
	d := detailsData{Person: p, Version: version, Changed: changed, Experiences: experienceOptions()}
	if p.Kind != family.Parent {
		d.Households = householdOptions(f)
	}
	return d
}

func experienceOptions() []referral.Option {
	var out []referral.Option
	for _, e := range family.ExperienceChoices() {
		out = append(out, referral.Option{Value: string(e), Label: e.Label()})
	}
	return out
}

// detailsForm shows a person's name, date of birth, gender, pronouns and (a
// parent's) experience of domestic abuse, to correct: for the family's
// practitioners and a team manager of its area (policy.EditPerson).
func (s *Server) detailsForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, 0, "details form")
	if !ok {
		return
	}
	if !rec.CanEditDetails {
		s.fail(w, r, problem.New(problem.Forbidden, "only the family's practitioners or a team manager of its area can correct a person's details"))
		return
	}
	p := rec.Person
	form := url.Values{"given_name": {p.GivenName}, "family_name": {p.FamilyName}, "known_as": {p.KnownAs}, "gender": {p.Gender},
		"pronouns": {p.Pronouns}, "experience": {string(p.Experience)}, "household": {strconv.Itoa(p.Household)}}
	if !p.DateOfBirth.IsZero() {
		form.Set("date_of_birth-day", strconv.Itoa(p.DateOfBirth.Day()))
		form.Set("date_of_birth-month", strconv.Itoa(int(p.DateOfBirth.Month())))
		form.Set("date_of_birth-year", strconv.Itoa(p.DateOfBirth.Year()))
	}
	s.render(w, r, http.StatusOK, "details", Page{Title: "Correct the details of " + p.Name(), Nav: "caseload", Form: form,
		Data: detailsFor(rec.Family, p, p.Version, false)})
}

// detailsSave checks the form (the date here, the rest by family.Details)
// and saves it; every problem is shown at once with what was typed, and a
// save that lost to someone else's shows the editor's text again.
func (s *Server) detailsSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	var fs problem.Fields
	d := family.Details{GivenName: f.Get("given_name"), FamilyName: f.Get("family_name"), KnownAs: f.Get("known_as"),
		DateOfBirth: formDate(f, "date_of_birth", &fs), Gender: f.Get("gender"), Pronouns: f.Get("pronouns"),
		Experience: family.Experience(f.Get("experience")), Household: -1}
	if h, err := strconv.Atoi(f.Get("household")); err == nil {
		d.Household = h // asked of the baby and other children only; the store checks it
	}
	// Shown again, the form keeps the version the editor opened, so a save
	// after someone else's still meets the version check; only a conflict
	// moves it on, with the editor told.
	reshow := func(status int, fields []problem.Field, changed bool) {
		rec, err := s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, 0, "details form")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := keptVersion(version, rec.Person.Version, changed)
		s.render(w, r, status, "details", Page{Title: "Correct the details of " + rec.Person.Name(), Nav: "caseload",
			Errors: inPageOrder(fields, detailsOrder...), Form: f,
			Data: detailsFor(rec.Family, rec.Person, v, changed)})
	}
	if len(fs) > 0 {
		// The date is wrong: nothing is saved, and the rest is checked too
		// so that every problem is shown at once.
		rec, err := s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, 0, "details form")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !policy.Can(u.staff.Actor(), policy.EditPerson, rec.Family.PersonTarget(rec.Person, nil), s.cfg.Now()) {
			s.fail(w, r, problem.New(problem.Forbidden, "only the family's practitioners or a team manager of its area can correct a person's details"))
			return
		}
		d.Check(rec.Person.Kind, s.cfg.Now(), &fs)
		reshow(http.StatusUnprocessableEntity, fs, false)
		return
	}
	err = s.db.UpdatePersonDetails(r.Context(), u.staff.Actor(), id, version, d)
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		if p.Code == problem.Conflict {
			reshow(http.StatusConflict, []problem.Field{{Name: "given_name", Message: p.Message}}, true)
			return
		}
		reshow(http.StatusUnprocessableEntity, p.Fields, false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// detailsOrder is the form's fields in page order, for the error summary.
var detailsOrder = []string{"given_name", "family_name", "known_as", "date_of_birth", "gender", "pronouns", "experience", "household"}

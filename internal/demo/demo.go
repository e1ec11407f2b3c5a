// Package demo loads realistic, fictional demonstration data: the funded
// areas, staff in every role with known sign-in details, and families at
// every stage of the programme. Loading is idempotent: a database that holds
// the demo data is left unchanged and the same credentials are returned.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
)

// Password is every demo account's password. It is public: the demo banner
// warns that nothing real may be entered.
const Password = "demo-cradle-password"

// Credential is one demo sign-in.
type Credential struct {
	Email      string `json:"email"`
	Role       string `json:"role"`
	Password   string `json:"password"`
	TOTPSecret string `json:"totp_secret"`
}

type person struct {
	email, name, role, jobTitle string
	areas                       []string
}

var areas = []struct {
	name, authority string
	remote          bool
}{
	{"Blackpool", "Blackpool Council", false},
	{"Hertfordshire", "Hertfordshire County Council", false},
	{"Bedfordshire", "Bedford Borough Council", false},
	{"Westminster", "Westminster City Council", false},
	{"Kensington and Chelsea", "Royal Borough of Kensington and Chelsea", false},
	{"Connect (remote)", "", true},
}

var staff = []person{
	{"priya.shah@cradle.example", "Priya Shah", "practitioner", "Therapeutic practitioner", []string{"Blackpool"}},
	{"tom.elliott@cradle.example", "Tom Elliott", "practitioner", "Therapeutic practitioner", []string{"Blackpool"}},
	{"grace.adeyemi@cradle.example", "Grace Adeyemi", "practitioner", "Senior therapeutic practitioner", []string{"Blackpool"}},
	{"megan.hughes@cradle.example", "Megan Hughes", "practitioner", "Therapeutic practitioner", []string{"Hertfordshire"}},
	{"daniel.okoro@cradle.example", "Daniel Okoro", "practitioner", "Therapeutic practitioner", []string{"Hertfordshire"}},
	{"helen.whitaker@cradle.example", "Helen Whitaker", "team_manager", "Team manager and clinical supervisor", []string{"Blackpool"}},
	{"ravi.patel@cradle.example", "Ravi Patel", "team_manager", "Team manager", []string{"Hertfordshire", "Bedfordshire"}},
	{"ruth.adams@cradle.example", "Ruth Adams", "dsl", "Director of Operations", []string{"Blackpool", "Hertfordshire"}},
	{"sam.carter@cradle.example", "Sam Carter", "admin", "Systems administrator", []string{"Blackpool"}},
	{"leah.morgan@cradle.example", "Leah Morgan", "analyst", "Evaluation analyst", []string{"Blackpool"}},
}

// Credentials lists the demo sign-ins (the same on every run).
func Credentials() []Credential {
	out := make([]Credential, 0, len(staff))
	for _, s := range staff {
		out = append(out, Credential{Email: s.email, Role: s.role, Password: Password, TOTPSecret: credential.DeterministicTOTPSecret("demo:" + s.email)})
	}
	return out
}

type familySpec struct {
	area          string
	stage         family.Stage
	eddOffsetDays int // EDD relative to the load date
	parents       [2]parentSpec
	prac          [2]string // practitioner emails; "" = unallocated
	manager       string
	babyName      string      // born babies only
	babyLivesWith int         // the parent slot the baby lives with; 0 for both (or not recorded)
	children      [][2]string // given and family names
	left          *leftSpec   // a parent who left the programme while the other carries on
	reminder      *reminderSpec
	document      *documentSpec
	meetAt        string // where the first parent's next appointment is, away from home and the office
	toRecord      int    // a parent (slot 1 or 2) with a phone call two days before the load date, not recorded
}

// documentSpec is a letter kept on a parent's (slot 1 or 2) record by
// their practitioner: a one-page PDF of its lines.
type documentSpec struct {
	slot  int
	title string
	lines []string
}

// reminderSpec is a reminder a parent's (slot 1 or 2) practitioner set
// about them, due inDays days after the load date.
type reminderSpec struct {
	slot, inDays int
	what         string
}

// leftSpec is a parent (slot 1 or 2) who left the programme daysAgo days
// before the load date, recorded by their practitioner.
type leftSpec struct {
	slot, daysAgo int
	reason, note  string
}

type parentSpec struct {
	given, familyName string
	exp               family.Experience
	address, postcode string
	phone, safe       string
}

var families = []familySpec{
	{area: "Blackpool", stage: family.Referral, eddOffsetDays: 110, manager: "helen.whitaker@cradle.example",
		parents: [2]parentSpec{{"Chloe", "Bennett", family.NotKnown, "", "", "", ""}, {"Ryan", "Walsh", family.NotKnown, "", "", "", ""}}},
	{area: "Blackpool", stage: family.Assessment, eddOffsetDays: 84, manager: "helen.whitaker@cradle.example",
		prac:    [2]string{"priya.shah@cradle.example", "tom.elliott@cradle.example"},
		meetAt:  "Children's centre, Station Road",
		parents: [2]parentSpec{{"Amy", "Foster", family.Experiences, "Flat 3, 12 Harbour View, Blackpool", "FY1 9ZZ", "07700 900101", "Text first; no voicemail"}, {"Jordan", "Price", family.Uses, "44 Mill Lane, Blackpool", "FY3 9ZZ", "07700 900102", ""}}},
	{area: "Blackpool", stage: family.Antenatal, eddOffsetDays: 42, manager: "helen.whitaker@cradle.example",
		prac:     [2]string{"grace.adeyemi@cradle.example", "priya.shah@cradle.example"},
		parents:  [2]parentSpec{{"Sophie", "Clarke", family.Experiences, "Address held by refuge: contact via practitioner", "", "07700 900103", "Weekdays 10am to 2pm only"}, {"Liam", "Turner", family.Both, "7 Station Road, Poulton", "FY6 9ZZ", "07700 900104", ""}},
		children: [][2]string{{"Mia", "Clarke"}}},
	{area: "Blackpool", stage: family.Birth, eddOffsetDays: -5, manager: "helen.whitaker@cradle.example", babyName: "Oscar",
		prac:    [2]string{"tom.elliott@cradle.example", "grace.adeyemi@cradle.example"},
		parents: [2]parentSpec{{"Hannah", "Reid", family.Experiences, "21 Promenade Court, Blackpool", "FY2 9ZZ", "07700 900105", "Can leave a message"}, {"Kyle", "Reid", family.Uses, "21 Promenade Court, Blackpool", "FY2 9ZZ", "07700 900106", ""}}},
	{area: "Blackpool", stage: family.Postnatal, eddOffsetDays: -200, manager: "helen.whitaker@cradle.example", babyName: "Isla", babyLivesWith: 1,
		prac:     [2]string{"priya.shah@cradle.example", "grace.adeyemi@cradle.example"},
		parents:  [2]parentSpec{{"Jess", "Morris", family.Experiences, "9 Lytham Road, Blackpool", "FY4 9ZZ", "07700 900107", ""}, {"Callum", "Ward", family.Uses, "Unknown: moved out", "", "07700 900108", ""}},
		toRecord: 1,
		reminder: &reminderSpec{slot: 1, inDays: 2, what: "Ring Jess's health visitor before Isla's 6-month check: Jess asked for help explaining the feeding plan."},
		document: &documentSpec{slot: 1, title: "Letter from Coastline Housing: tenancy transfer agreed", lines: []string{
			"Coastline Housing (fictional: demonstration data)", "", "Dear Ms Morris,", "",
			"Your request for a management transfer has been agreed on safety grounds.",
			"Your new tenancy at 9 Lytham Road, Blackpool FY4 9ZZ starts on the date we agreed.",
			"Your new address will not be shared with anyone without your consent.", "",
			"Yours sincerely,", "Tenancy Services"}}},
	{area: "Hertfordshire", stage: family.Antenatal, eddOffsetDays: 30, manager: "ravi.patel@cradle.example",
		prac:    [2]string{"megan.hughes@cradle.example", "daniel.okoro@cradle.example"},
		parents: [2]parentSpec{{"Aisha", "Khan", family.Experiences, "15 Church Street, Hertford", "SG14 9ZZ", "07700 900109", "Use the safe number only"}, {"Omar", "Hussain", family.Uses, "3 Fore Street, Hertford", "SG14 9ZZ", "07700 900110", ""}}},
	{area: "Hertfordshire", stage: family.Postnatal, eddOffsetDays: -400, manager: "ravi.patel@cradle.example", babyName: "Noah",
		prac:     [2]string{"daniel.okoro@cradle.example", "megan.hughes@cradle.example"},
		parents:  [2]parentSpec{{"Ellie", "Green", family.Both, "2 Maple Close, Stevenage", "SG1 9ZZ", "07700 900111", ""}, {"Ben", "Green", family.Both, "2 Maple Close, Stevenage", "SG1 9ZZ", "07700 900112", ""}},
		children: [][2]string{{"Ruby", "Green"}},
		left: &leftSpec{slot: 2, daysAgo: 45, reason: "withdrew",
			note: "Started shift work and said he cannot keep to sessions for now; he may come back when his hours settle. Ellie is carrying on."}},
	{area: "Hertfordshire", stage: family.Ending, eddOffsetDays: -680, manager: "ravi.patel@cradle.example", babyName: "Freya",
		prac:    [2]string{"megan.hughes@cradle.example", "daniel.okoro@cradle.example"},
		parents: [2]parentSpec{{"Laura", "Price", family.Experiences, "88 High Street, Watford", "WD17 9ZZ", "07700 900113", ""}, {"Adam", "Cole", family.Uses, "11 Queens Road, Watford", "WD17 9ZZ", "07700 900114", ""}}},
	{area: "Blackpool", stage: family.Closed, eddOffsetDays: -760, manager: "helen.whitaker@cradle.example", babyName: "Leo",
		prac:    [2]string{"tom.elliott@cradle.example", "priya.shah@cradle.example"},
		parents: [2]parentSpec{{"Natalie", "Hill", family.Experiences, "5 Bank Street, Blackpool", "FY1 9ZZ", "", ""}, {"Mark", "Hill", family.Uses, "5 Bank Street, Blackpool", "FY1 9ZZ", "", ""}}},
}

// Load puts the demo data into an empty database (or one that already holds
// it, which is left unchanged) and returns the credentials. It refuses a
// database that holds other data: demo accounts must never be added to a
// live system.
func Load(ctx context.Context, db *store.DB) ([]Credential, bool, error) {
	return LoadWith(ctx, db, credential.DefaultParams())
}

// LoadWith is Load with the demo password hashed with p. Tests sign in
// hundreds of times, and under the race detector verifying a hash made
// with the default parameters takes nearly two seconds: they load the demo
// with cheap ones (through cli.App.PasswordParams); Cradle itself uses
// the default ones.
func LoadWith(ctx context.Context, db *store.DB, p credential.Params) ([]Credential, bool, error) {
	demo, err := db.IsDemo(ctx)
	if err != nil {
		return nil, false, err
	}
	if demo {
		return Credentials(), false, nil
	}
	existing, err := db.ListStaff(ctx)
	if err != nil {
		return nil, false, err
	}
	if len(existing) > 0 {
		return nil, false, fmt.Errorf("this database already holds %d staff accounts and no demonstration data: refusing to add demo accounts to a real system", len(existing))
	}
	hash, err := credential.HashWith(p, Password)
	if err != nil {
		return nil, false, err
	}
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:demo"})
	err = db.Update(ctx, func(tx *store.Tx) error {
		for _, a := range areas {
			if _, err := tx.CreateArea(a.name, a.authority, a.remote); err != nil {
				return err
			}
		}
		ids := map[string]int64{}
		for _, p := range staff {
			s, err := tx.CreateStaff(org.NewStaff{Email: p.email, Name: p.name, Role: p.role, JobTitle: p.jobTitle, AreaName: p.areas[0]},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: credential.DeterministicTOTPSecret("demo:" + p.email)})
			if err != nil {
				return fmt.Errorf("demo staff %s: %w", p.email, err)
			}
			for _, extra := range p.areas[1:] {
				if err := tx.AddStaffToArea(s.ID, extra); err != nil {
					return err
				}
			}
			ids[p.email] = s.ID
			if p.role == "dsl" {
				// The fictional lead has agreed to be named on the public safeguarding page.
				if err := tx.SetPublicListing(s.ID, true); err != nil {
					return err
				}
			}
		}
		today := tx.Now().Truncate(24 * time.Hour)
		for n, f := range families {
			if err := loadFamily(tx, n, f, ids, today); err != nil {
				return err
			}
		}
		if err := otherReferrals(tx, today); err != nil {
			return err
		}
		return tx.SetSetting(store.SettingDemo, today.Format(time.DateOnly))
	})
	if err != nil {
		return nil, false, fmt.Errorf("loading demo data: %w", err)
	}
	return Credentials(), true, nil
}

func loadFamily(tx *store.Tx, n int, f familySpec, ids map[string]int64, today time.Time) error {
	edd := today.AddDate(0, 0, f.eddOffsetDays)
	start := edd.AddDate(0, 0, -12*7) // 28+0 weeks
	accepted := start.AddDate(0, 0, -14)
	if accepted.After(today) || f.stage == family.Referral {
		accepted = time.Time{}
		if f.stage != family.Referral {
			accepted = today.AddDate(0, 0, -7)
		}
	}
	id, _, err := tx.CreateFamily(store.NewFamily{AreaName: f.area, Stage: f.stage, EDD: edd, ProgrammeStart: start, ManagerID: ids[f.manager], AcceptedOn: accepted})
	if err != nil {
		return err
	}
	var parentIDs [2]int64
	for i, p := range f.parents {
		parentIDs[i], err = tx.AddPerson(id, family.Person{Kind: family.Parent, ParentSlot: i + 1, GivenName: p.given, FamilyName: p.familyName,
			Experience: p.exp, Confidential: &family.Confidential{Address: p.address, Postcode: p.postcode, Phone: p.phone, SafeContact: p.safe}})
		if err != nil {
			return err
		}
	}
	for i, email := range f.prac {
		if email == "" {
			continue
		}
		if err := tx.Allocate(id, parentIDs[i], ids[email], ids[f.manager]); err != nil {
			return fmt.Errorf("demo allocation: %w", err)
		}
	}
	var babyID int64
	var born time.Time
	if f.babyName != "" {
		born = edd.AddDate(0, 0, 3)
		if babyID, err = tx.AddPerson(id, family.Person{Kind: family.Baby, GivenName: f.babyName, FamilyName: f.parents[0].familyName, DateOfBirth: born, Household: f.babyLivesWith}); err != nil {
			return err
		}
	} else {
		if _, err := tx.AddPerson(id, family.Person{Kind: family.Baby}); err != nil {
			return err
		}
	}
	for _, c := range f.children {
		if _, err := tx.AddPerson(id, family.Person{Kind: family.Child, GivenName: c[0], FamilyName: c[1], Household: 1, DateOfBirth: today.AddDate(-4, 0, 0)}); err != nil {
			return err
		}
	}
	return history(tx, n, f, id, parentIDs, babyID, born, edd, accepted, ids, today)
}

package safeguarding

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkFields asserts that err is nil when want is empty, or a *FieldsError
// with exactly the wanted field names and messages, in order.
func checkFields(t *testing.T, err error, want []Field) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	var fe *FieldsError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want a *FieldsError", err, err)
	}
	if len(fe.Fields) != len(want) {
		t.Fatalf("fields = %+v, want %+v", fe.Fields, want)
	}
	for i := range want {
		if fe.Fields[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, fe.Fields[i], want[i])
		}
	}
}

func TestConcernValidate(t *testing.T) {
	yes, no := new(true), new(false)
	const about = "She said he pushed her down the stairs last night."
	tests := []struct {
		name      string
		c         Concern
		want      []Field
		wantAbout string
	}{
		{"complete", Concern{About: about, AtRisk: AtRiskParent, ImmediateDanger: no}, nil, about},
		{"immediate danger yes", Concern{About: about, AtRisk: AtRiskBaby, ImmediateDanger: yes}, nil, about},
		{"each at-risk value: child", Concern{About: about, AtRisk: AtRiskChild, ImmediateDanger: no}, nil, about},
		{"each at-risk value: other", Concern{About: about, AtRisk: AtRiskOther, ImmediateDanger: no}, nil, about},
		{"trimmed", Concern{About: "  \n" + about + "\t ", AtRisk: AtRiskParent, ImmediateDanger: no}, nil, about},
		{"multi-line text is fine", Concern{About: "Line one.\r\nLine two.\tTabbed.", AtRisk: AtRiskParent, ImmediateDanger: no}, nil, "Line one.\r\nLine two.\tTabbed."},
		{"one character is enough", Concern{About: "x", AtRisk: AtRiskParent, ImmediateDanger: no}, nil, "x"},
		{"nothing answered", Concern{}, []Field{
			{"about", "Enter what happened or what worries you"},
			{"at_risk", "Select who is at risk"},
			{"immediate_danger", "Select yes if anyone is in immediate danger"},
		}, ""},
		{"only spaces", Concern{About: " \n\t ", AtRisk: AtRiskParent, ImmediateDanger: no}, []Field{
			{"about", "Enter what happened or what worries you"},
		}, ""},
		{"exactly the limit", Concern{About: strings.Repeat("é", MaxAboutLength), AtRisk: AtRiskParent, ImmediateDanger: no}, nil, strings.Repeat("é", MaxAboutLength)},
		{"one over the limit", Concern{About: strings.Repeat("a", MaxAboutLength+1), AtRisk: AtRiskParent, ImmediateDanger: no}, []Field{
			{"about", "What happened or what worries you must be 10,000 characters or fewer"},
		}, strings.Repeat("a", MaxAboutLength+1)},
		{"invalid UTF-8", Concern{About: "bad \xff byte", AtRisk: AtRiskParent, ImmediateDanger: no}, []Field{
			{"about", "What happened or what worries you must only include letters, numbers and punctuation"},
		}, "bad \xff byte"},
		{"control character", Concern{About: "bell\a", AtRisk: AtRiskParent, ImmediateDanger: no}, []Field{
			{"about", "What happened or what worries you must not include hidden control characters"},
		}, "bell\a"},
		{"HTML", Concern{About: "see <script>", AtRisk: AtRiskParent, ImmediateDanger: no}, []Field{
			{"about", "What happened or what worries you must not include HTML or code, such as < followed by a letter"},
		}, "see <script>"},
		{"less-than that is not HTML", Concern{About: "under 5s: <5 and a < b", AtRisk: AtRiskParent, ImmediateDanger: no}, nil, "under 5s: <5 and a < b"},
		{"unknown at-risk value", Concern{About: about, AtRisk: "mother", ImmediateDanger: no}, []Field{
			{"at_risk", "Select who is at risk"},
		}, about},
		{"at-risk value in capitals", Concern{About: about, AtRisk: "Baby", ImmediateDanger: no}, []Field{
			{"at_risk", "Select who is at risk"},
		}, about},
		{"immediate danger not answered", Concern{About: about, AtRisk: AtRiskParent}, []Field{
			{"immediate_danger", "Select yes if anyone is in immediate danger"},
		}, about},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			checkFields(t, c.Validate(), tt.want)
			if c.About != tt.wantAbout {
				t.Errorf("About = %q, want %q", c.About, tt.wantAbout)
			}
		})
	}
}

func TestDecisionInputValidate(t *testing.T) {
	lon := london(t)
	today := time.Date(2026, 1, 12, 15, 0, 0, 0, lon)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	const reasons = "Parent at risk of serious harm tonight."
	act := func(what string, owner int64, due time.Time) Action {
		return Action{What: what, OwnerID: owner, Due: due}
	}
	tests := []struct {
		name string
		in   DecisionInput
		want []Field
	}{
		{"referral with an action", DecisionInput{CSCReferral, reasons, []Action{act("Call the MASH", 7, date(2026, 1, 12))}}, nil},
		{"no further action, no actions", DecisionInput{NoFurtherAction, reasons, nil}, nil},
		{"every decision is accepted: police", DecisionInput{Police, reasons, nil}, nil},
		{"every decision is accepted: marac", DecisionInput{MARAC, reasons, nil}, nil},
		{"every decision is accepted: lado", DecisionInput{LADO, reasons, nil}, nil},
		{"every decision is accepted: advice", DecisionInput{Advice, reasons, nil}, nil},
		{"nothing", DecisionInput{}, []Field{
			{"decision", "Select a decision"},
			{"reasons", "Enter the reasons for the decision"},
		}},
		{"unknown decision", DecisionInput{"refer", reasons, nil}, []Field{{"decision", "Select a decision"}}},
		{"label instead of value", DecisionInput{"Police", reasons, nil}, []Field{{"decision", "Select a decision"}}},
		{"reasons only spaces", DecisionInput{Police, "   \n ", nil}, []Field{{"reasons", "Enter the reasons for the decision"}}},
		{"reasons 9 characters", DecisionInput{Police, "  123456789  ", nil}, []Field{{"reasons", "Reasons for the decision must be 10 characters or more"}}},
		{"reasons 10 characters", DecisionInput{Police, "1234567890", nil}, nil},
		{"reasons 10 characters, not bytes", DecisionInput{Police, "ééééé", nil}, []Field{{"reasons", "Reasons for the decision must be 10 characters or more"}}},
		{"reasons too long", DecisionInput{Police, strings.Repeat("a", MaxReasonsLength+1), nil}, []Field{{"reasons", "Reasons for the decision must be 10,000 characters or fewer"}}},
		{"reasons with HTML", DecisionInput{Police, "<b>urgent</b> case", nil}, []Field{{"reasons", "Reasons for the decision must not include HTML or code, such as < followed by a letter"}}},
		{"empty action", DecisionInput{CSCReferral, reasons, []Action{{}}}, []Field{
			{"actions[0].what", "Enter what needs to be done"},
			{"actions[0].owner", "Choose who owns this action"},
			{"actions[0].due", "Enter the date this action is due"},
		}},
		{"second action wrong", DecisionInput{CSCReferral, reasons, []Action{
			act("Call the MASH", 7, date(2026, 1, 13)),
			act(" ", -1, date(2026, 1, 11)),
		}}, []Field{
			{"actions[1].what", "Enter what needs to be done"},
			{"actions[1].owner", "Choose who owns this action"},
			{"actions[1].due", "The date this action is due must be today or in the future"},
		}},
		{"due yesterday", DecisionInput{Police, reasons, []Action{act("Call", 1, date(2026, 1, 11))}}, []Field{
			{"actions[0].due", "The date this action is due must be today or in the future"},
		}},
		{"due last month", DecisionInput{Police, reasons, []Action{act("Call", 1, date(2025, 12, 31))}}, []Field{
			{"actions[0].due", "The date this action is due must be today or in the future"},
		}},
		{"due today, earlier clock time", DecisionInput{Police, reasons, []Action{act("Call", 1, time.Date(2026, 1, 12, 8, 0, 0, 0, lon))}}, nil},
		{"due next year, earlier month", DecisionInput{Police, reasons, []Action{act("Call", 1, date(2027, 1, 1))}}, nil},
		{"action text too long", DecisionInput{Police, reasons, []Action{act(strings.Repeat("a", MaxActionLength+1), 1, date(2026, 2, 1))}}, []Field{
			{"actions[0].what", "What needs to be done must be 1,000 characters or fewer"},
		}},
		{"too many actions", DecisionInput{Police, reasons, make21(act("Call", 1, date(2026, 2, 1)))}, []Field{
			{"actions", "Add no more than 20 actions"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Actions = append([]Action(nil), tt.in.Actions...)
			checkFields(t, in.Validate(today), tt.want)
		})
	}

	// Validate trims in place.
	in := DecisionInput{Decision: Police, Reasons: "  " + reasons + "\n", Actions: []Action{act("  Call the police  ", 3, date(2026, 1, 12))}}
	if err := in.Validate(today); err != nil || in.Reasons != reasons || in.Actions[0].What != "Call the police" {
		t.Errorf("after Validate: %+v, %v", in, err)
	}
}

func make21(a Action) []Action {
	out := make([]Action, MaxActions+1)
	for i := range out {
		out[i] = a
	}
	return out
}

func TestCanClose(t *testing.T) {
	tests := []struct {
		name    string
		decided bool
		outcome string
		want    []Field
	}{
		{"decided with outcome", true, "Referred to MASH; plan agreed.", nil},
		{"outcome exactly 10 characters after trimming", true, "  1234567890 ", nil},
		{"not decided", false, "Referred to MASH; plan agreed.", []Field{
			{"decision", "A safeguarding lead must record a decision before this concern can be closed"},
		}},
		{"not decided, no outcome: the decision alone", false, "", []Field{
			{"decision", "A safeguarding lead must record a decision before this concern can be closed"},
		}},
		{"decided, no outcome", true, "", []Field{{"outcome", "Enter the outcome"}}},
		{"decided, outcome only spaces", true, " \n ", []Field{{"outcome", "Enter the outcome"}}},
		{"outcome too short", true, "Done.", []Field{{"outcome", "Outcome must be 10 characters or more"}}},
		{"outcome too long", true, strings.Repeat("a", MaxOutcomeLength+1), []Field{{"outcome", "Outcome must be 10,000 characters or fewer"}}},
		{"outcome with control character", true, "Closed after \x00 review", []Field{{"outcome", "Outcome must not include hidden control characters"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, CanClose(tt.decided, tt.outcome), tt.want)
		})
	}
	o := Outcome{Text: "  Referred to MASH.  "}
	if err := o.Validate(); err != nil || o.Text != "Referred to MASH." {
		t.Errorf("Outcome.Validate: %q, %v", o.Text, err)
	}
	checkFields(t, (&Outcome{}).Validate(), []Field{{"outcome", "Enter the outcome"}})
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want []string
	}{
		{"decisions", Decisions(), []string{"csc_referral", "police", "marac", "lado", "advice", "no_further_action"}},
		{"at risk", AtRiskOptions(), []string{"parent", "baby", "child", "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.opts) != len(tt.want) {
				t.Fatalf("options = %+v", tt.opts)
			}
			for i, o := range tt.opts {
				if o.Value != tt.want[i] || o.Label == "" {
					t.Errorf("option %d = %+v, want value %q with a label", i, o, tt.want[i])
				}
			}
			// Changing a returned list must not change the next one.
			tt.opts[0].Label = "changed"
		})
	}
	if Decisions()[0].Label != "Referral to children's social care (MASH)" || AtRiskOptions()[0].Label != "A parent" {
		t.Error("option lists are shared between calls")
	}
	labels := map[string]string{
		CSCReferral.Label(): "Referral to children's social care (MASH)", Police.Label(): "Police", MARAC.Label(): "MARAC referral",
		LADO.Label(): "Local authority designated officer (LADO)", Advice.Label(): "Advice given", NoFurtherAction.Label(): "No further action",
		Decision("nope").Label(): "", AtRiskBaby.Label(): "The baby, including before birth", AtRisk("nope").Label(): "",
	}
	for got, want := range labels {
		if got != want {
			t.Errorf("label %q, want %q", got, want)
		}
	}
}

func TestWording(t *testing.T) {
	// Pages speak of parents, never of "victims" or "perpetrators".
	var texts []string
	for _, o := range append(Decisions(), AtRiskOptions()...) {
		texts = append(texts, o.Label)
	}
	collect := func(err error) {
		var fe *FieldsError
		if errors.As(err, &fe) {
			for _, f := range fe.Fields {
				texts = append(texts, f.Message)
			}
		}
	}
	collect((&Concern{}).Validate())
	collect((&Concern{About: strings.Repeat("a", MaxAboutLength+1)}).Validate())
	collect((&DecisionInput{Reasons: "short", Actions: []Action{{Due: time.Unix(0, 0)}}}).Validate(time.Now()))
	collect(CanClose(false, "x"))
	for _, s := range texts {
		l := strings.ToLower(s)
		if strings.Contains(l, "victim") || strings.Contains(l, "perpetrator") {
			t.Errorf("%q uses a label the programme avoids", s)
		}
	}
	if len(texts) < 15 {
		t.Errorf("only %d texts checked", len(texts))
	}
}

func TestFieldsError(t *testing.T) {
	err := (&Concern{AtRisk: AtRiskParent, ImmediateDanger: new(false)}).Validate()
	var fe *FieldsError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v", err)
	}
	if !fe.Has("about") || fe.Has("at_risk") {
		t.Error("Has gave the wrong answer")
	}
	if got := err.Error(); got != "safeguarding: there is a problem; about: Enter what happened or what worries you" {
		t.Errorf("Error() = %q", got)
	}
	// A valid input gives a nil error interface, not a typed nil.
	if err := (&Concern{About: "x", AtRisk: AtRiskParent, ImmediateDanger: new(false)}).Validate(); err != nil {
		t.Errorf("err = %#v, want nil", err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 10: "10", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

package notice

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pair holds an email's subject and text, so that a call can sit in a table.
func pair(subject, text string) [2]string { return [2]string{subject, text} }

// TestWords pins every email's words for sample arguments, as the handlers
// pass them, so that a change to what staff or subscribers read is made on
// purpose, here, and reviewed.
func TestWords(t *testing.T) {
	const (
		org  = "Northshire Families"
		when = "3 December 2026 at 2:05pm"
		ref  = "FBS-7Q2K"
	)
	family := "https://cradle.example.org/families/42"
	concern := "https://cradle.example.org/concerns/7"
	for _, c := range []struct {
		name          string
		got           [2]string
		subject, text string
	}{
		{"password changed", pair(PasswordChanged(org, when)),
			"Your Cradle password was changed",
			"The password of your Northshire Families Cradle account was changed on 3 December 2026 at 2:05pm.\n\n" +
				"If you changed it, there is nothing to do. If you did not, tell your administrator straight away: they can reset your account and see what was done with it.\n"},
		{"password reset", pair(PasswordReset(org, "https://cradle.example.org/sign-in/reset?token=abc", 30)),
			"Reset your Cradle password",
			"Someone asked to reset the password of your Northshire Families Cradle account. To choose a new password, open this link:\n\n" +
				"https://cradle.example.org/sign-in/reset?token=abc\n\n" +
				"The link works once, for 30 minutes. You will also need a security code from the authenticator app on your phone.\n\n" +
				"If you did not ask for this, ignore this email: your password has not changed. If these emails keep coming, tell your administrator.\n"},
		{"authenticator changed", pair(AuthenticatorChanged(org, when)),
			"Your Cradle authenticator app was changed",
			"The authenticator app of your Northshire Families Cradle account was changed on 3 December 2026 at 2:05pm: from now on only codes from the new app work.\n\n" +
				"If you changed it, there is nothing to do. If you did not, tell your administrator straight away: they can reset your account and see what was done with it.\n"},
		{"code reused", pair(CodeReused(org, when)),
			"A security code for your Cradle account was used again",
			"On 3 December 2026 at 2:05pm someone gave the password of your Northshire Families Cradle account and then a security code that had already been used, so they were not let in.\n\n" +
				"If that was you (signing in on two devices within a minute, say), there is nothing to do. If it was not, someone knows your password: change it straight away (Your account, then Change your password) and tell your administrator.\n"},
		{"staff changed", pair(StaffChanged(org, when, []string{"Your name in Cradle is now Sam Okafor.", "You now work in North."})),
			"Your Cradle account was changed",
			"An administrator changed your Northshire Families Cradle account on 3 December 2026 at 2:05pm:\n\n" +
				"- Your name in Cradle is now Sam Okafor.\n- You now work in North.\n\n" +
				"What you can see and do in Cradle follows your role and areas, from your next page.\n\n" +
				"If you did not expect this, tell your team manager or your designated safeguarding lead.\n"},
		{"staff reset", pair(StaffReset(org, when)),
			"Your Cradle sign-in details were reset",
			"An administrator gave your Northshire Families Cradle account new sign-in details on 3 December 2026 at 2:05pm: a one-time password and a new authenticator secret. " +
				"They will pass them on to you. The one-time password works for seven days, and you choose your own password when you first sign in with it.\n\n" +
				"If you did not ask for this, tell your team manager or your designated safeguarding lead straight away.\n"},
		{"break glass", pair(BreakGlass(ref)),
			"Break-glass access in family FBS-7Q2K",
			"A practitioner has used break-glass access to see confidential details withheld from them in family FBS-7Q2K.\n\n" +
				"They gave a reason, which is recorded with the audit entry. Access lasts one hour. Review it in Cradle: a task is waiting for you.\n"},
		{"allocated a parent", pair(Allocated(ref, family, false)),
			"You have been allocated a parent in family FBS-7Q2K",
			"You are now the practitioner for one of the parents in family FBS-7Q2K.\n\n" +
				"Open the family in Cradle: https://cradle.example.org/families/42\n\n" +
				"This email holds no details: sign in to read the family's record.\n"},
		{"allocated a family to manage", pair(Allocated(ref, family, true)),
			"You are now the team manager for family FBS-7Q2K",
			"You are now the team manager for family FBS-7Q2K.\n\n" +
				"Open the family in Cradle: https://cradle.example.org/families/42\n\n" +
				"This email holds no details: sign in to read the family's record.\n"},
		{"parent went to another", pair(AllocationEnded(ref, false)),
			"A parent in family FBS-7Q2K has a new practitioner",
			"Another practitioner has been allocated to one of the parents you worked with in family FBS-7Q2K. Your open tasks that went with the parent are now theirs.\n\n" +
				"This email holds no details.\n"},
		{"family went to another manager", pair(AllocationEnded(ref, true)),
			"You are no longer the team manager for family FBS-7Q2K",
			"Another team manager has been chosen for family FBS-7Q2K, and your open tasks in the family are now theirs.\n\n" +
				"This email holds no details.\n"},
		{"concern raised", pair(ConcernRaised(concern)),
			"A safeguarding concern needs a decision",
			"A safeguarding concern needs a designated safeguarding lead's decision.\n\n" +
				"Open it in Cradle: https://cradle.example.org/concerns/7\n\n" +
				"This email holds no details: sign in to read it.\n"},
		{"concern overdue", pair(ConcernOverdue(concern)),
			"Overdue: a safeguarding concern still needs a decision",
			"A safeguarding concern needs a designated safeguarding lead's decision.\n\n" +
				"Open it in Cradle: https://cradle.example.org/concerns/7\n\n" +
				"This email holds no details: sign in to read it.\n"},
		{"concern action", pair(ConcernAction(concern)),
			"A safeguarding follow-up action for you",
			"A designated safeguarding lead has given you a follow-up action on a safeguarding concern. It is on your tasks in Cradle.\n\n" +
				"Open it in Cradle: https://cradle.example.org/concerns/7\n\n" +
				"This email holds no details: sign in to read it.\n"},
		{"mailing confirm", pair(MailingConfirm(org, "Priya", "https://example.org/mailing-list/confirm?token=abc", "https://example.org/mailing-list/unsubscribe?id=3&token=def")),
			"Confirm your subscription to updates from Northshire Families",
			"Hello Priya,\n\nPlease confirm that you want updates from Northshire Families by opening this link:\n\n" +
				"https://example.org/mailing-list/confirm?token=abc\n\n" +
				"The link works for 48 hours. If you did not ask for updates, ignore this email and you will not hear from us again.\n\n" +
				"To stop all emails from us: https://example.org/mailing-list/unsubscribe?id=3&token=def\n"},
		{"mailing confirm without a name", pair(MailingConfirm(org, "", "https://example.org/c", "https://example.org/u")),
			"Confirm your subscription to updates from Northshire Families",
			"Hello,\n\nPlease confirm that you want updates from Northshire Families by opening this link:\n\n" +
				"https://example.org/c\n\n" +
				"The link works for 48 hours. If you did not ask for updates, ignore this email and you will not hear from us again.\n\n" +
				"To stop all emails from us: https://example.org/u\n"},
	} {
		if c.got[0] != c.subject {
			t.Errorf("%s: subject\n got %q\nwant %q", c.name, c.got[0], c.subject)
		}
		if c.got[1] != c.text {
			t.Errorf("%s: text\n got %q\nwant %q", c.name, c.got[1], c.text)
		}
	}
}

// TestWordsCarryOnlyWhatTheyAreGiven feeds every argument a name-like
// canary and checks that each email holds the arguments it should, where it
// should (the subject, which shows in notification previews and on lock
// screens, holds no link, no subscriber's name and no account change), and
// nothing besides its own fixed words: with the canaries taken out, two
// sets of them give the same email, so no other value can reach it.
func TestWordsCarryOnlyWhatTheyAreGiven(t *testing.T) {
	keys := []string{"org", "when", "ref", "link", "name", "confirm", "unsubscribe", "change1", "change2"}
	canaries := func(set int) map[string]string {
		a := map[string]string{}
		for _, k := range keys {
			a[k] = fmt.Sprintf("Ruby Canary-%s-%d", k, set)
		}
		return a
	}
	for _, c := range []struct {
		name          string
		words         func(a map[string]string) [2]string
		subject, text []string // the arguments each holds: all of them, and no other
	}{
		{"password changed", func(a map[string]string) [2]string { return pair(PasswordChanged(a["org"], a["when"])) },
			nil, []string{"org", "when"}},
		{"password reset", func(a map[string]string) [2]string { return pair(PasswordReset(a["org"], a["link"], 30)) },
			nil, []string{"org", "link"}},
		{"authenticator changed", func(a map[string]string) [2]string { return pair(AuthenticatorChanged(a["org"], a["when"])) },
			nil, []string{"org", "when"}},
		{"code reused", func(a map[string]string) [2]string { return pair(CodeReused(a["org"], a["when"])) },
			nil, []string{"org", "when"}},
		{"staff changed", func(a map[string]string) [2]string {
			return pair(StaffChanged(a["org"], a["when"], []string{a["change1"], a["change2"]}))
		}, nil, []string{"org", "when", "change1", "change2"}},
		{"staff reset", func(a map[string]string) [2]string { return pair(StaffReset(a["org"], a["when"])) },
			nil, []string{"org", "when"}},
		{"break glass", func(a map[string]string) [2]string { return pair(BreakGlass(a["ref"])) },
			[]string{"ref"}, []string{"ref"}},
		{"allocated a parent", func(a map[string]string) [2]string { return pair(Allocated(a["ref"], a["link"], false)) },
			[]string{"ref"}, []string{"ref", "link"}},
		{"allocated a family to manage", func(a map[string]string) [2]string { return pair(Allocated(a["ref"], a["link"], true)) },
			[]string{"ref"}, []string{"ref", "link"}},
		{"parent went to another", func(a map[string]string) [2]string { return pair(AllocationEnded(a["ref"], false)) },
			[]string{"ref"}, []string{"ref"}},
		{"family went to another manager", func(a map[string]string) [2]string { return pair(AllocationEnded(a["ref"], true)) },
			[]string{"ref"}, []string{"ref"}},
		{"concern raised", func(a map[string]string) [2]string { return pair(ConcernRaised(a["link"])) },
			nil, []string{"link"}},
		{"concern overdue", func(a map[string]string) [2]string { return pair(ConcernOverdue(a["link"])) },
			nil, []string{"link"}},
		{"concern action", func(a map[string]string) [2]string { return pair(ConcernAction(a["link"])) },
			nil, []string{"link"}},
		{"mailing confirm", func(a map[string]string) [2]string {
			return pair(MailingConfirm(a["org"], a["name"], a["confirm"], a["unsubscribe"]))
		}, []string{"org"}, []string{"org", "name", "confirm", "unsubscribe"}},
	} {
		var templates [2][2]string
		for set := range 2 {
			a := canaries(set + 1)
			got := c.words(a)
			for i, field := range []string{"subject", "text"} {
				allowed := [][]string{c.subject, c.text}[i]
				for _, k := range keys {
					has, want := strings.Contains(got[i], a[k]), slices.Contains(allowed, k)
					if has != want {
						t.Errorf("%s: %s holds %s: %t, want %t\n%q", c.name, field, k, has, want, got[i])
					}
					got[i] = strings.ReplaceAll(got[i], a[k], "{"+k+"}")
				}
				if strings.Contains(got[i], "Canary") || strings.Contains(got[i], "%!") {
					t.Errorf("%s: %s holds part of an argument, or a formatting error: %q", c.name, field, got[i])
				}
			}
			if strings.ContainsAny(got[0], "\r\n") {
				t.Errorf("%s: the subject is more than one line: %q", c.name, got[0])
			}
			templates[set] = got
		}
		if templates[0] != templates[1] {
			t.Errorf("%s: with the arguments taken out, two sets of them give different emails:\n%q\n%q", c.name, templates[0], templates[1])
		}
	}
}

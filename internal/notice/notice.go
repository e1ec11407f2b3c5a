// Package notice holds the words of Cradle's emails to staff and to
// mailing-list subscribers: each function gives one email's subject and
// plain text from plain values, so that the words are read, reviewed and
// pinned by tests in one place rather than in the handlers that send them.
// (Emails to referrers are the referral package's.)
//
// An email can be forwarded, shared or read over a shoulder, so none
// carries case detail: a family is named by its reference alone, and what
// there is to read is behind a link that needs a staff sign-in. The
// functions are given nothing else about a family, so they cannot say more.
package notice

import "fmt"

// ifNotYou ends the emails about a change to the reader's own sign-in: the
// owner is the one who can tell whether someone else made it.
const ifNotYou = "If you changed it, there is nothing to do. If you did not, tell your administrator straight away: they can reset your account and see what was done with it.\n"

// PasswordChanged tells staff their password was changed (on their account
// page, or at sign-in when the old one no longer met the rules), so that a
// change they did not make does not go unnoticed.
func PasswordChanged(org, when string) (subject, text string) {
	return "Your Cradle password was changed",
		"The password of your " + org + " Cradle account was changed on " + when + ".\n\n" + ifNotYou
}

// PasswordReset sends staff who asked to reset their password the link
// that lets them (link), working for minutes. It says nothing about the
// account or its holder: whoever reads it over a shoulder learns only that
// a reset was asked for, and the link alone is not enough (it asks for a
// code from the authenticator app).
func PasswordReset(org, link string, minutes int) (subject, text string) {
	return "Reset your Cradle password",
		fmt.Sprintf("Someone asked to reset the password of your %s Cradle account. To choose a new password, open this link:\n\n%s\n\n"+
			"The link works once, for %d minutes. You will also need a security code from the authenticator app on your phone.\n\n"+
			"If you did not ask for this, ignore this email: your password has not changed. If these emails keep coming, tell your administrator.\n",
			org, link, minutes)
}

// AuthenticatorChanged tells staff that the authenticator app of their
// account was changed.
func AuthenticatorChanged(org, when string) (subject, text string) {
	return "Your Cradle authenticator app was changed",
		"The authenticator app of your " + org + " Cradle account was changed on " + when + ": from now on only codes from the new app work.\n\n" + ifNotYou
}

// CodeReused tells staff that someone gave their password and then a
// security code already used: a code read over a shoulder is how a stolen
// password gets past the second factor.
func CodeReused(org, when string) (subject, text string) {
	return "A security code for your Cradle account was used again",
		"On " + when + " someone gave the password of your " + org + " Cradle account" +
			" and then a security code that had already been used, so they were not let in.\n\n" +
			"If that was you (signing in on two devices within a minute, say), there is nothing to do. " +
			"If it was not, someone knows your password: change it straight away (Your account, then Change your password) and tell your administrator.\n"
}

// StaffChanged tells staff what an administrator changed on their account,
// a sentence of changes each (the store words them, from the old and new
// values of their own account: never anything about a family).
func StaffChanged(org, when string, changes []string) (subject, text string) {
	text = "An administrator changed your " + org + " Cradle account on " + when + ":\n\n"
	for _, c := range changes {
		text += "- " + c + "\n"
	}
	text += "\nWhat you can see and do in Cradle follows your role and areas, from your next page.\n\n" +
		"If you did not expect this, tell your team manager or your designated safeguarding lead.\n"
	return "Your Cradle account was changed", text
}

// StaffReset tells staff that an administrator gave their account new
// sign-in details: if they did not ask for it, someone else may be trying
// to take the account over.
func StaffReset(org, when string) (subject, text string) {
	return "Your Cradle sign-in details were reset",
		"An administrator gave your " + org + " Cradle account new sign-in details on " + when +
			": a one-time password and a new authenticator secret. They will pass them on to you. The one-time password works for " +
			"seven days, and you choose your own password when you first sign in with it.\n\n" +
			"If you did not ask for this, tell your team manager or your designated safeguarding lead straight away.\n"
}

// BreakGlass tells a reviewer that a practitioner used break-glass access
// in the family with reference ref. The reason stays in the audit entry.
func BreakGlass(ref string) (subject, text string) {
	return "Break-glass access in family " + ref,
		"A practitioner has used break-glass access to see confidential details withheld from them in family " + ref +
			".\n\nThey gave a reason, which is recorded with the audit entry. Access lasts one hour. Review it in Cradle: a task is waiting for you.\n"
}

// Allocated tells staff they were given a parent in the family with
// reference ref to work with or, when manager, the family to manage, with
// a link to the family.
func Allocated(ref, link string, manager bool) (subject, text string) {
	var what string
	if manager {
		subject, what = "You are now the team manager for family "+ref, "You are now the team manager for family "+ref+"."
	} else {
		subject, what = "You have been allocated a parent in family "+ref, "You are now the practitioner for one of the parents in family "+ref+"."
	}
	return subject, what + "\n\nOpen the family in Cradle: " + link + "\n\nThis email holds no details: sign in to read the family's record.\n"
}

// AllocationEnded tells staff that their parent in the family with
// reference ref, or when manager the family, went to another. It takes no
// link: they may no longer open the family.
func AllocationEnded(ref string, manager bool) (subject, text string) {
	var what string
	if manager {
		subject, what = "You are no longer the team manager for family "+ref,
			"Another team manager has been chosen for family "+ref+", and your open tasks in the family are now theirs."
	} else {
		subject, what = "A parent in family "+ref+" has a new practitioner",
			"Another practitioner has been allocated to one of the parents you worked with in family "+ref+". Your open tasks that went with the parent are now theirs."
	}
	return subject, what + "\n\nThis email holds no details.\n"
}

// ConcernRaised tells a designated safeguarding lead that the concern at
// link needs their decision.
func ConcernRaised(link string) (subject, text string) {
	return "A safeguarding concern needs a decision", concern(needsDecision, link)
}

// ConcernOverdue is the hourly escalation of a concern still undecided.
func ConcernOverdue(link string) (subject, text string) {
	return "Overdue: a safeguarding concern still needs a decision", concern(needsDecision, link)
}

// ConcernAction tells the owner of a follow-up action a lead gave them on
// the concern at link; what it is, is on its page.
func ConcernAction(link string) (subject, text string) {
	return "A safeguarding follow-up action for you",
		concern("A designated safeguarding lead has given you a follow-up action on a safeguarding concern. It is on your tasks in Cradle.", link)
}

const needsDecision = "A safeguarding concern needs a designated safeguarding lead's decision."

// concern is a concern email's text: lead, then the link, and nothing
// about anyone.
func concern(lead, link string) string {
	return lead + "\n\nOpen it in Cradle: " + link + "\n\nThis email holds no details: sign in to read it.\n"
}

// MailingConfirm asks someone who signed up for updates from org to
// confirm it by opening confirm, greeting them by the name they gave (if
// any), with the link that stops every email, unsubscribe.
func MailingConfirm(org, name, confirm, unsubscribe string) (subject, text string) {
	greeting := ""
	if name != "" {
		greeting = " " + name
	}
	return "Confirm your subscription to updates from " + org,
		fmt.Sprintf("Hello%s,\n\nPlease confirm that you want updates from %s by opening this link:\n\n%s\n\n"+
			"The link works for 48 hours. If you did not ask for updates, ignore this email and you will not hear from us again.\n\n"+
			"To stop all emails from us: %s\n", greeting, org, confirm, unsubscribe)
}

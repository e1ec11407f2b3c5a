package referral

import (
	"fmt"
	"strings"
)

// Email is a message to send: subject and plain-text body.
type Email struct{ Subject, Text string }

// The emails below go to the referring professional. They name the referral
// only by its reference and never repeat what was said about either parent:
// an inbox can be shared, forwarded or read by the wrong person.

// Acknowledgement confirms a professional's or partner's referral.
func Acknowledgement(org, ref string, r Referral) Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", nonEmpty(r.Referrer.Name, "colleague"))
	fmt.Fprintf(&b, "Thank you for your referral to %s. Its reference is %s.\n\n", org, ref)
	b.WriteString("What happens next:\n")
	b.WriteString("- A team manager will screen the referral, usually within 5 working days.\n")
	b.WriteString("- We will email you when we have decided, quoting the reference.\n")
	b.WriteString("- If we need more information, we will ask you.\n\n")
	b.WriteString("If you are worried that someone is in immediate danger, call 999.\n\n")
	b.WriteString("Please quote the reference if you contact us. Do not reply with personal details by email.\n")
	return Email{Subject: "Referral received: " + ref, Text: b.String()}
}

// OutcomeEmail tells the referrer the decision. It gives the decision and, when
// the referral is not accepted, the reason category and the other support
// suggested, but nothing about either parent.
func OutcomeEmail(org, ref string, r Referral, d Decision) Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", nonEmpty(r.Referrer.Name, "colleague"))
	switch d.Outcome {
	case Accept:
		fmt.Fprintf(&b, "We have accepted referral %s. A practitioner will contact each parent separately to begin the assessment.\n", ref)
	case Decline:
		fmt.Fprintf(&b, "We are not able to offer %s for referral %s.\n\nReason: %s.\n", org, ref, DeclineReasonLabel(d.Reason))
		if d.SignpostedTo != "" {
			fmt.Fprintf(&b, "\nOther support we have suggested:\n%s\n", d.SignpostedTo)
		}
	case Withdraw:
		fmt.Fprintf(&b, "Referral %s has been withdrawn.\n", ref)
	}
	b.WriteString("\nIf you are worried that someone is in immediate danger, call 999.\n")
	return Email{Subject: "Referral " + ref + ": decision", Text: b.String()}
}

// MoreInformation asks the referrer a question about the referral.
func MoreInformation(org, ref string, r Referral, d Decision) Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", nonEmpty(r.Referrer.Name, "colleague"))
	fmt.Fprintf(&b, "We need more information before we can decide on referral %s:\n\n%s\n\n", ref, d.Question)
	fmt.Fprintf(&b, "Please reply by a secure route, quoting the reference. %s\n", org)
	return Email{Subject: "Referral " + ref + ": more information needed", Text: b.String()}
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

-- A referral's safeguarding status beside its sealed content (records retention). PostgreSQL dialect; keep in step with
-- ../sqlite/0026_referral_safeguarding_status.sql. The retention review of referrals that never became a family
-- (migration 25) needs each one's safeguarding status, which decides between the referral period and the child
-- protection one, and it was inside the sealed content: a DSL's list opened every declined referral past its period
-- (21,000 at 100,000 families, 1.0-1.6 s). The status is a family's in clear already (families.safeguarding_status);
-- here it is written when the referral is, and this migration's Go step (fillReferralStatuses) fills the referrals
-- already recorded from their content. NULL: not known in clear (a value that could not be opened), so the review
-- opens the content instead.
ALTER TABLE referrals ADD COLUMN safeguarding_status TEXT;
-- The review list reads the referrals not accepted or withdrawn from this index alone (42,500 at 100,000 families,
-- among 144,000 referrals whose rows hold their sealed content; the few with a family are left out as they are read).
CREATE INDEX referrals_ended ON referrals (status, decided_at, id, family_id, area_id, received_at, reference, safeguarding_status)
    WHERE status IN ('not_accepted', 'withdrawn');

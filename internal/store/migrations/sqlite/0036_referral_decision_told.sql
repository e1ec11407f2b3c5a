-- Whether, and by whom, a referral's decision was told to whoever made it. SQLite dialect; keep in step with
-- ../postgres/0036_referral_decision_told.sql.
-- A referrer is emailed the decision, but only when they gave an address and the mail server takes it; a parent who
-- referred themselves is sent nothing (their inbox may not be safe). The referral's page warns until the decision is
-- told: decision_told_at is set when the decision's email goes (MarkMailSent), or when a member of staff records that
-- they told them (decision_told_by, RecordDecisionTold). NULL: not yet, or nothing to tell (referral.DecisionToTell).
ALTER TABLE referrals ADD COLUMN decision_told_at TIMESTAMP;
ALTER TABLE referrals ADD COLUMN decision_told_by BIGINT REFERENCES staff (id);
-- Decisions made before this migration: those whose email was sent were told then, and the rest are marked told when they
-- were decided (no one to name), which the referral's page reads as "decided before Cradle recorded whether a decision
-- was told" rather than warning about years of decisions no one can now check.
UPDATE referrals SET decision_told_at = (SELECT MIN(o.sent_at) FROM outbox o
    WHERE o.referral_id = referrals.id AND o.kind = 'referral_outcome' AND o.status = 'sent')
WHERE decided_at IS NOT NULL AND EXISTS (SELECT 1 FROM outbox o
    WHERE o.referral_id = referrals.id AND o.kind = 'referral_outcome' AND o.status = 'sent');
UPDATE referrals SET decision_told_at = decided_at
WHERE decision_told_at IS NULL AND decided_at IS NOT NULL AND status IN ('accepted', 'not_accepted', 'withdrawn');

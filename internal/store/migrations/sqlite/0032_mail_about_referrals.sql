-- Emails about a referral linked to it, so that its page can say whether the referrer was told. SQLite dialect; keep in
-- step with ../postgres/0032_mail_about_referrals.sql. Until now an acknowledgement, a decision or a question emailed to
-- the referrer went into the outbox naming the referral only in its subject, and referrals.acknowledged_at (migration 1)
-- was never written: no one could see that an acknowledgement had not gone, and phone the referrer instead. The
-- migration's Go step (linkReferralMail) links the messages already queued, by the reference in their subject, and
-- records when each referral was acknowledged; a self-referral is acknowledged on screen, with its reference, when sent.
ALTER TABLE outbox ADD COLUMN referral_id BIGINT REFERENCES referrals (id);
CREATE INDEX outbox_referral ON outbox (referral_id) WHERE referral_id IS NOT NULL;
UPDATE referrals SET acknowledged_at = received_at WHERE source = 'self' AND acknowledged_at IS NULL;

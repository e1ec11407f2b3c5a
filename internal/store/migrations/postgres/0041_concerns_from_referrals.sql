-- Safeguarding concerns raised from a referral. PostgreSQL dialect; keep in step with
-- ../sqlite/0041_concerns_from_referrals.sql.
-- Any member of staff who may see a referral may raise a concern from it before there is a family (a screener reads
-- of a baby in danger): the concern names the referral and its area, and no family. When the referral is accepted
-- its concerns join the new family. A referral never accepted is deleted with its concerns.
ALTER TABLE safeguarding_concerns ADD COLUMN referral_id BIGINT REFERENCES referrals (id);
CREATE INDEX safeguarding_concerns_referral ON safeguarding_concerns (referral_id);

-- Who told the referrer, when staff did. SQLite dialect; keep in step with ../postgres/0033_referral_acknowledged_by.sql.
-- A referral's page warns when its referrer has not been told it arrived (its acknowledgement email failed or never
-- went, migration 32) and asks the screener to phone them; acknowledged_by records the member of staff who then says
-- they did, with acknowledged_at, so the warning ends and the page says who told them. NULL: acknowledged on screen or
-- by email, or not yet.
ALTER TABLE referrals ADD COLUMN acknowledged_by BIGINT REFERENCES staff (id);

-- MARAC referrals entered in error. PostgreSQL dialect; keep in step with ../sqlite/0054_marac_referrals_removed.sql.
-- A referral recorded on the wrong parent's record, or twice, counted towards the MARAC criteria (a new incident within
-- twelve months of it is a repeat) and was given on the family page, and could not be taken back. As an incident
-- (migration 48) it is now marked removed, with who, when and why (sealed to its row), and left out of the criteria,
-- the family's risk summary and the reports' count; the row stays.
ALTER TABLE marac_referrals ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE marac_referrals ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE marac_referrals ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';

-- Three fields the policy treats as confidential were stored in clear (found by the raw-storage canary test):
-- who reported an incident, the scope of a parent's consent, and why consent was not sought for a share. Their
-- sealed columns are added here; the store seals any existing values in the same transaction (sealClearFields in
-- migrate.go) and empties the clear columns, which stay only so old rows can be read during that step.
-- SQLite dialect; keep in step with ../postgres/0011_seal_clear_fields.sql.
ALTER TABLE incidents ADD COLUMN reported_by_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN scope_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE information_sharing ADD COLUMN consent_reason_sealed TEXT NOT NULL DEFAULT '';

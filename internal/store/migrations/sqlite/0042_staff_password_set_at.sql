-- When each account's password was last set. SQLite dialect; keep in step with
-- ../postgres/0042_staff_password_set_at.sql.
-- A one-time password (a new account's, or one an administrator gave after a reset) works only for a few days
-- (credential.OneTimePasswordLife): an account whose details were sent and never used should not stay open to
-- whoever finds them. Existing accounts take the time their row last changed, the nearest known.
ALTER TABLE staff ADD COLUMN password_set_at TIMESTAMP;
UPDATE staff SET password_set_at = updated_at;

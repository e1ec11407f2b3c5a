-- Members of the team around the baby added in error. PostgreSQL dialect; keep in step with
-- ../sqlite/0052_professionals_removed.sql.
-- A professional added to the wrong family was named in its letters and reports and could only be recorded as having
-- left, which says they were once in the team. As other entries (migration 48), the entry is now marked removed,
-- with who, when and why (sealed to its row), and left out of the team and its former members. Each professional's
-- entry is one family's own, so the marks are on professionals.
ALTER TABLE professionals ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE professionals ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE professionals ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';

-- Assessments of risk to the children entered in error. SQLite dialect; keep in step with ../postgres/0053_child_risks_removed.sql.
-- An assessment recorded on the wrong family, or twice, set the level of risk to the children that the family's page
-- shows, and could not be taken back. As a meeting (migration 51) it is now marked removed, with who, when and why
-- (sealed to its row), and left out of the family's risk picture; the row stays.
ALTER TABLE child_risks ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE child_risks ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE child_risks ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';

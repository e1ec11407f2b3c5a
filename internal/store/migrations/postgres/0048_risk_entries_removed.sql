-- Incidents and changes in circumstances entered in error. PostgreSQL dialect; keep in step with
-- ../sqlite/0048_risk_entries_removed.sql.
-- An incident recorded on the wrong parent, or twice, counts towards MARAC's "potential escalation" (so many
-- incidents in so many months) and prompts risk reviews; a change in circumstances recorded wrongly stands in the
-- parent's risk picture. Neither is deleted: it is marked removed, with who, when and why (sealed to its row, as
-- the entry's own text is), and then left out of the person page's lists and of the risk history. The person page
-- lists what was removed, when and by whom.
ALTER TABLE incidents ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE incidents ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE incidents ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE circumstance_changes ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE circumstance_changes ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE circumstance_changes ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';

-- Meetings and disclosures entered in error. SQLite dialect; keep in step with ../postgres/0051_meetings_and_shares_removed.sql.
-- A meeting recorded on the wrong family, or twice, changed that family's safeguarding status (kept as history: an
-- outcome measure, and what decides how long a closed family's records are kept) and put its actions on staff's
-- caseloads as tasks, and could not be taken back. As an incident (migration 48) it is now marked removed, with who,
-- when and why (sealed to its row), and left out of the family's meetings and the reports to other agencies; the
-- status history row it wrote goes (the meeting keeps the status it set), and so do its actions' open tasks.
ALTER TABLE meetings ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE meetings ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE meetings ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';
-- A meeting's actions' tasks, linked to it so that they go with it.
ALTER TABLE tasks ADD COLUMN meeting_id BIGINT REFERENCES meetings (id);
-- Tasks made for a meeting's actions before this migration: each was written in the same transaction as its meeting,
-- with the same created_at, in the same family. Only a match that is the only one is linked.
UPDATE tasks SET meeting_id = (SELECT MIN(m.id) FROM meetings m WHERE m.family_id = tasks.family_id AND m.created_at = tasks.created_at)
WHERE kind = 'meeting_action' AND (SELECT COUNT(*) FROM meetings m WHERE m.family_id = tasks.family_id AND m.created_at = tasks.created_at) = 1;
-- A disclosure logged on the wrong family, or twice, said information was shared that was not. It is marked removed
-- the same way, left out of the family's sharing log (the page and its CSV) and listed as removed.
ALTER TABLE information_sharing ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE information_sharing ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE information_sharing ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';

-- VIG cycles and consents entered in error. SQLite dialect; keep in step with
-- ../postgres/0049_vig_and_consents_removed.sql.
-- A VIG cycle recorded on the wrong parent, or twice, counts towards the programme's VIG milestones (the caseload
-- and the family page's progress); a consent recorded wrongly says a parent agreed to share what they never agreed
-- to, and withdrawing it would say they once had. Neither is deleted: as an incident (migration 48), it is marked
-- removed, with who, when and why (sealed to its row), and then left out of the lists and counts; the person page
-- lists what was removed, when and by whom.
ALTER TABLE vig_cycles ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE vig_cycles ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE vig_cycles ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE consents ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE consents ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';
-- The caseload counts a family's cycles from an index alone (migration 13); it now counts only those not removed,
-- so the index holds only those, as measure_results_coverage does for results.
DROP INDEX vig_cycles_family_phase;
CREATE INDEX vig_cycles_family_phase ON vig_cycles (family_id, phase, person_id) WHERE removed_at IS NULL;

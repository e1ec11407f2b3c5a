-- Outcome results entered in error (issue: outcomes and reporting). PostgreSQL dialect; keep in step with ../sqlite/0007_measure_corrections.sql.
-- A result is never deleted: it is marked as entered in error, with who, when and why, and then left
-- out of pages, reports and extracts, so that the right one can be entered for the same timepoint.
ALTER TABLE measure_results ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE measure_results ADD COLUMN removed_by BIGINT REFERENCES staff (id);
ALTER TABLE measure_results ADD COLUMN removed_reason_sealed TEXT NOT NULL DEFAULT '';
DROP INDEX measure_results_one_per_timepoint;
CREATE UNIQUE INDEX measure_results_one_per_timepoint ON measure_results (person_id, instrument, timepoint) WHERE removed_at IS NULL;

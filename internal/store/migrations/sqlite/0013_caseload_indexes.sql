-- Covering indexes for the caseload's per-family facts (issue: performance). SQLite dialect; keep in step
-- with ../postgres/0013_caseload_indexes.sql. A caseload lists up to hundreds of families and, for each, reads its last
-- contact, sessions held, VIG cycles, outcome measures recorded, safety-plan reviews and pauses: with these, each of
-- those reads is answered from an index alone, and the last two no longer read their whole table.
CREATE INDEX case_sessions_family_attendance ON case_sessions (family_id, attendance, person_id, held_on);
CREATE INDEX vig_cycles_family_phase ON vig_cycles (family_id, phase, person_id);
DROP INDEX vig_cycles_family;
CREATE INDEX measure_results_coverage ON measure_results (family_id, timepoint, person_id, instrument) WHERE removed_at IS NULL;
CREATE INDEX safety_plans_family ON safety_plans (family_id, person_id, review_on);
CREATE INDEX pauses_open ON pauses (family_id, person_id) WHERE ended_on IS NULL;

-- Outcomes and reporting (issue: outcomes and reporting). PostgreSQL dialect; keep in step with ../sqlite/0006_outcomes.sql.

-- The reported score (after any conversion, e.g. SWEMWBS raw to metric), the
-- band's flag, whether an answer needs safeguarding follow-up, and the baby's
-- age in months when a development measure was taken.
ALTER TABLE measure_results ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE measure_results ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE measure_results ADD COLUMN alert BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE measure_results ADD COLUMN age_months INTEGER;
-- One result per person, instrument and timepoint: a second is a correction.
CREATE UNIQUE INDEX measure_results_one_per_timepoint ON measure_results (person_id, instrument, timepoint);
CREATE INDEX measure_results_family ON measure_results (family_id, timepoint);
CREATE INDEX measure_results_instrument ON measure_results (instrument, timepoint);

-- Dashboards count by dates.
CREATE INDEX referrals_received ON referrals (received_at);
CREATE INDEX safeguarding_concerns_raised ON safeguarding_concerns (raised_at);
CREATE INDEX case_sessions_family ON case_sessions (family_id, held_on);

-- Indexes for lookups the pages make by family or person (issue: performance). SQLite dialect; keep in step with
-- ../postgres/0009_lookup_indexes.sql. Found by the benchmark: without them each family or person page scanned these
-- tables whole, so its time grew with the number of families (215,000 concerns at 100,000 families).
CREATE INDEX safeguarding_concerns_family ON safeguarding_concerns (family_id, status);
CREATE INDEX marac_referrals_person ON marac_referrals (person_id, referred_on);
CREATE INDEX marac_referrals_family ON marac_referrals (family_id, referred_on);
CREATE INDEX incidents_person ON incidents (person_id, occurred_on);
CREATE INDEX pauses_person ON pauses (person_id, started_on);
CREATE INDEX vig_cycles_family ON vig_cycles (family_id);
CREATE INDEX meetings_family ON meetings (family_id, held_on);
CREATE INDEX concern_actions_concern ON concern_actions (concern_id);

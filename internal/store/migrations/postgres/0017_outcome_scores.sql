-- Every outcome score in person order, covered (issue: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0017_outcome_scores.sql. The dashboard's outcome table pairs each person's baseline with their
-- latest follow-up across a million scores at national scale; read through the unique index it looked up
-- each score's row (2.6 s at 100,000 families), read from this one it does not. removed_at is a column
-- too so that SQLite sees the index covers the query's "removed_at IS NULL".
CREATE INDEX measure_results_outcomes ON measure_results (person_id, instrument, timepoint, taken_on, score, removed_at)
    WHERE removed_at IS NULL AND score IS NOT NULL;

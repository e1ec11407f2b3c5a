-- PostgreSQL planner statistics and a scope index (issue: PostgreSQL served the benchmark 8 times slower than SQLite).
-- PostgreSQL dialect; ../sqlite/0015_postgres_tuning.sql is its twin (a comment only).
--
-- The benchmark database had never been analysed: it was bulk-loaded and autovacuum was off, so every table had
-- reltuples = -1 and no column statistics, and the planner guessed. Its worst guess was on every family and person
-- page: reading a family's members (loadPeople), it expected 100 people per family and hashed every current
-- allocation in the database (20,000 rows, 12-30 ms) instead of looking up the family's three people (0.3 ms).
-- ANALYZE below gives a database migrated to this version its statistics at once; a bulk load (SeedSynthetic) now
-- vacuums and analyses what it wrote; after that, autovacuum keeps them current.

-- A practitioner's families (familyScope: caseload, person search, concerns), from the index alone.
CREATE INDEX allocations_staff_current ON allocations (staff_id, family_id) WHERE ended_at IS NULL;

ANALYZE;

-- The summary triggers' advisory locks (migration 27) scoped to this schema. PostgreSQL dialect; the SQLite twin,
-- ../sqlite/0031_summary_locks_per_schema.sql, changes nothing.
--
-- Advisory locks belong to the database, not the schema, so two Cradles in different schemas of one database (two
-- deployments sharing a server's database, or the tests, which give each test a schema) took the same locks. A bulk
-- load takes many buckets in the order its rows come, so two loads at once, one in each schema, could each wait for
-- a bucket the other held, and PostgreSQL ended one with "deadlock detected" (seen when two packages' tests seeded
-- at the same time). The namespace is now a hash of the schema's name with migration 27's number for it: the locks
-- of one schema never meet another's (a collision of two hashes would only make them wait, never deadlock more
-- than before). Within a schema nothing changes.
CREATE OR REPLACE FUNCTION summary_lock(ns INTEGER, k BIGINT) RETURNS void LANGUAGE sql AS $fn$
    SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/' || ns), (k % 256)::integer);
$fn$;
CREATE OR REPLACE FUNCTION summary_lock(ns INTEGER, a BIGINT, b BIGINT) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '/' || ns), LEAST(a % 256, b % 256)::integer);
    PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '/' || ns), GREATEST(a % 256, b % 256)::integer);
END $fn$;

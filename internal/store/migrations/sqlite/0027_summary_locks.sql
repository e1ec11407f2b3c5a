-- Summary rows worked out under a lock on what they summarise. SQLite dialect: nothing to change. A write
-- transaction here begins IMMEDIATE, so it holds the database's one write lock before it reads anything, and a
-- trigger working a summary row out again always sees every committed change. PostgreSQL's writers run side by
-- side, and its twin, ../postgres/0027_summary_locks.sql, has its refreshes take a lock first.
SELECT 1;

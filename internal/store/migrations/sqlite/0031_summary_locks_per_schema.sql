-- The summary triggers' advisory locks scoped to the schema: PostgreSQL only (../postgres/0031_summary_locks_per_schema.sql).
-- SQLite has one writer at a time and no schemas sharing a database; nothing changes.
SELECT 1;

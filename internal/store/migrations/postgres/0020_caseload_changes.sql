-- Change counts for the caseload's cache (issue #8: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0020_caseload_changes.sql. A manager's or DSL's caseload read every listed family's people, sessions,
-- VIG cycles, measures, pauses and safety plans on every view (285 to 500 families; 60% of the CPU of the benchmark's
-- mixed workload). The store now keeps what it read for each family in memory with the family's count from this
-- table, and reads again only the families whose count has changed. The triggers below add one to a family's count
-- whenever a row the caseload reads about it is written, by whoever writes it (the app, the demo loader, the
-- benchmark's bulk seed, an erasure, a restore, someone at the database's prompt), in the same transaction.
-- family_id 0 counts changes to what every family shows of other tables (area and staff names) and erasures: when it
-- changes the cache starts again. Counts only go up; a row is never deleted. No personal data is kept here. Derived:
-- backups leave it out.
CREATE TABLE caseload_changes (
    family_id BIGINT PRIMARY KEY,
    n         BIGINT NOT NULL
);

-- Statement-level triggers with transition tables: a statement that writes many rows (the bulk seed, an erasure)
-- changes each family's count once, not once a row. A count that moves by one or by several is the same to the cache.
CREATE FUNCTION caseload_count(fams BIGINT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO caseload_changes (family_id, n) SELECT DISTINCT f, 1 FROM unnest(fams) AS f
        ON CONFLICT (family_id) DO UPDATE SET n = caseload_changes.n + 1;
$$;

-- The tables the caseload reads by family: rows added, changed or removed change their families' counts (both
-- families', if a row moved). Each trigger names its rows "changed" (and an update's old rows "changed_old").
CREATE FUNCTION caseload_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_count(ARRAY(SELECT family_id FROM changed));
    RETURN NULL;
END $$;
CREATE FUNCTION caseload_rows_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_count(ARRAY(SELECT family_id FROM changed UNION SELECT family_id FROM changed_old));
    RETURN NULL;
END $$;
CREATE TRIGGER people_caseload_insert AFTER INSERT ON people REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER people_caseload_update AFTER UPDATE ON people REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER people_caseload_delete AFTER DELETE ON people REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER allocations_caseload_insert AFTER INSERT ON allocations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER allocations_caseload_update AFTER UPDATE ON allocations REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER allocations_caseload_delete AFTER DELETE ON allocations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER case_sessions_caseload_insert AFTER INSERT ON case_sessions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER case_sessions_caseload_update AFTER UPDATE ON case_sessions REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER case_sessions_caseload_delete AFTER DELETE ON case_sessions REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER vig_cycles_caseload_insert AFTER INSERT ON vig_cycles REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER vig_cycles_caseload_update AFTER UPDATE ON vig_cycles REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER vig_cycles_caseload_delete AFTER DELETE ON vig_cycles REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER measure_results_caseload_insert AFTER INSERT ON measure_results REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER measure_results_caseload_update AFTER UPDATE ON measure_results REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER measure_results_caseload_delete AFTER DELETE ON measure_results REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER pauses_caseload_insert AFTER INSERT ON pauses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER pauses_caseload_update AFTER UPDATE ON pauses REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER pauses_caseload_delete AFTER DELETE ON pauses REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER safety_plans_caseload_insert AFTER INSERT ON safety_plans REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER safety_plans_caseload_update AFTER UPDATE ON safety_plans REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER safety_plans_caseload_delete AFTER DELETE ON safety_plans REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();

-- The family itself; an erasure starts the cache again.
CREATE FUNCTION caseload_families_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_count(ARRAY(SELECT id FROM changed));
    RETURN NULL;
END $$;
CREATE FUNCTION caseload_families_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_count(ARRAY(SELECT id FROM changed UNION SELECT 0));
    RETURN NULL;
END $$;
CREATE TRIGGER families_caseload_insert AFTER INSERT ON families REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_families_changed();
CREATE TRIGGER families_caseload_update AFTER UPDATE ON families REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_families_changed();
CREATE TRIGGER families_caseload_delete AFTER DELETE ON families REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_families_deleted();

-- Names every family shows: its area's, its manager's and its practitioners'.
CREATE FUNCTION caseload_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_count(ARRAY[0::BIGINT]);
    RETURN NULL;
END $$;
CREATE TRIGGER areas_caseload AFTER UPDATE OF name OR DELETE ON areas FOR EACH ROW EXECUTE FUNCTION caseload_names_changed();
CREATE TRIGGER staff_caseload AFTER UPDATE OF name OR DELETE ON staff FOR EACH ROW EXECUTE FUNCTION caseload_names_changed();

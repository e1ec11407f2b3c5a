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

CREATE FUNCTION caseload_changed(fam BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO caseload_changes (family_id, n) VALUES (fam, 1) ON CONFLICT (family_id) DO UPDATE SET n = caseload_changes.n + 1;
$$;

-- The tables the caseload reads by family: a row added, changed or removed changes its family's count (both families',
-- if it moved). NEW and OLD are read only for the operations that have them.
CREATE FUNCTION caseload_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM caseload_changed(OLD.family_id);
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM caseload_changed(NEW.family_id);
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.family_id IS DISTINCT FROM OLD.family_id THEN
            PERFORM caseload_changed(NEW.family_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER people_caseload AFTER INSERT OR UPDATE OR DELETE ON people FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER allocations_caseload AFTER INSERT OR UPDATE OR DELETE ON allocations FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER case_sessions_caseload AFTER INSERT OR UPDATE OR DELETE ON case_sessions FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER vig_cycles_caseload AFTER INSERT OR UPDATE OR DELETE ON vig_cycles FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER measure_results_caseload AFTER INSERT OR UPDATE OR DELETE ON measure_results FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER pauses_caseload AFTER INSERT OR UPDATE OR DELETE ON pauses FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();
CREATE TRIGGER safety_plans_caseload AFTER INSERT OR UPDATE OR DELETE ON safety_plans FOR EACH ROW EXECUTE FUNCTION caseload_row_changed();

-- The family itself; an erasure starts the cache again.
CREATE FUNCTION caseload_family_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM caseload_changed(OLD.id);
        PERFORM caseload_changed(0);
    ELSE
        PERFORM caseload_changed(NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER families_caseload AFTER INSERT OR UPDATE OR DELETE ON families FOR EACH ROW EXECUTE FUNCTION caseload_family_changed();

-- Names every family shows: its area's, its manager's and its practitioners'.
CREATE FUNCTION caseload_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_changed(0);
    RETURN NULL;
END $$;
CREATE TRIGGER areas_caseload AFTER UPDATE OF name OR DELETE ON areas FOR EACH ROW EXECUTE FUNCTION caseload_names_changed();
CREATE TRIGGER staff_caseload AFTER UPDATE OF name OR DELETE ON staff FOR EACH ROW EXECUTE FUNCTION caseload_names_changed();

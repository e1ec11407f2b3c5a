-- Change counts for the caseload's cache (issue #8: performance). SQLite dialect; keep in step with
-- ../postgres/0020_caseload_changes.sql. A manager's or DSL's caseload read every listed family's people, sessions,
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

-- The tables the caseload reads by family: a row added, changed or removed changes its family's count (both families',
-- if it moved).
CREATE TRIGGER people_caseload_insert AFTER INSERT ON people BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER people_caseload_update AFTER UPDATE ON people BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER people_caseload_delete AFTER DELETE ON people BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER allocations_caseload_insert AFTER INSERT ON allocations BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER allocations_caseload_update AFTER UPDATE ON allocations BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER allocations_caseload_delete AFTER DELETE ON allocations BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_sessions_caseload_insert AFTER INSERT ON case_sessions BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_sessions_caseload_update AFTER UPDATE ON case_sessions BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_sessions_caseload_delete AFTER DELETE ON case_sessions BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER vig_cycles_caseload_insert AFTER INSERT ON vig_cycles BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER vig_cycles_caseload_update AFTER UPDATE ON vig_cycles BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER vig_cycles_caseload_delete AFTER DELETE ON vig_cycles BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER measure_results_caseload_insert AFTER INSERT ON measure_results BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER measure_results_caseload_update AFTER UPDATE ON measure_results BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER measure_results_caseload_delete AFTER DELETE ON measure_results BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pauses_caseload_insert AFTER INSERT ON pauses BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pauses_caseload_update AFTER UPDATE ON pauses BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pauses_caseload_delete AFTER DELETE ON pauses BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER safety_plans_caseload_insert AFTER INSERT ON safety_plans BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER safety_plans_caseload_update AFTER UPDATE ON safety_plans BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER safety_plans_caseload_delete AFTER DELETE ON safety_plans BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;

-- The family itself; an erasure starts the cache again (an id SQLite could give out again is then never matched).
CREATE TRIGGER families_caseload_insert AFTER INSERT ON families BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER families_caseload_update AFTER UPDATE ON families BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER families_caseload_delete AFTER DELETE ON families BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (0, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;

-- Names every family shows: its area's, its manager's and its practitioners'.
CREATE TRIGGER areas_caseload_update AFTER UPDATE OF name ON areas BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (0, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER areas_caseload_delete AFTER DELETE ON areas BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (0, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER staff_caseload_update AFTER UPDATE OF name ON staff BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (0, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER staff_caseload_delete AFTER DELETE ON staff BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (0, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;

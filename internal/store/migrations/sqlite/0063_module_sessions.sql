-- Programme content (issue: the reports' programme content): each parent's sessions attended on each module, and what
-- the dashboard reads from them. SQLite dialect; keep in step with ../postgres/0063_module_sessions.sql.
--
-- person_module_sessions holds each parent's sessions attended on each module (kind other than supervision; '' for
-- sessions recorded with no module): a count moved by one per change. The person page still counts from
-- case_sessions; the research extract reads the sessions themselves.
--
-- completed_content holds, for each family that completed the programme (closed at the planned end, not since
-- re-opened), its closing date and area, its parents taking part (people.active; module '*') and, for each module, how
-- many of them attended a session on it and how many reached its target. The dashboard's programme content section sums
-- it over a range of closing dates, one index read; counting from the parents' sessions read a million rows at
-- national scale. Whether a parent reached a target depends on the targets, which are configuration: module_targets
-- holds them, starting as the shipped timeline's; cradle serve records the configured ones (store.SetModuleTargets),
-- which works completed_content out again when they have changed, as migration 18's outcome order does.
-- A family's rows are worked out again from its closure, parents and counts whenever one of them changes.
--
-- All three are derived: backups leave them out and a restore fills them again through the same triggers.
CREATE TABLE person_module_sessions (
    person_id BIGINT NOT NULL,
    module    TEXT NOT NULL,
    family_id BIGINT NOT NULL,
    attended  INTEGER NOT NULL,
    PRIMARY KEY (person_id, module)
);
CREATE INDEX person_module_sessions_family ON person_module_sessions (family_id, person_id, module, attended);

CREATE TABLE module_targets (
    module TEXT PRIMARY KEY,
    target INTEGER NOT NULL
);
INSERT INTO module_targets (module, target) VALUES ('early_life_experiences', 4), ('healthy_relationships', 4), ('expressing_feelings', 3), ('self_esteem', 3), ('assertiveness', 3), ('parenting_attachment', 10), ('inner_child', 12), ('vig', 8), ('ending', 4);

CREATE TABLE completed_content (
    family_id BIGINT NOT NULL,
    module    TEXT NOT NULL, -- '*' for the parents taking part
    closed_on DATE NOT NULL,
    area_id   BIGINT NOT NULL,
    parents   INTEGER NOT NULL,
    reached   INTEGER NOT NULL,
    PRIMARY KEY (family_id, module)
);
CREATE INDEX completed_content_figures ON completed_content (module, closed_on, area_id, parents, reached);

-- The counts and content of what is already recorded (store.completedContentRebuild is the second and third
-- statements).
INSERT INTO person_module_sessions (person_id, module, family_id, attended)
    SELECT person_id, module, MIN(family_id), COUNT(*) FROM case_sessions
    WHERE attendance = 'attended' AND kind <> 'supervision' GROUP BY person_id, module;
INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
    SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
    FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE reason = 'planned_end' AND reopened_at IS NULL GROUP BY family_id) c
        JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
    GROUP BY c.family_id, c.closed_on, f.area_id;
INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
    SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
    FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE reason = 'planned_end' AND reopened_at IS NULL GROUP BY family_id) c
        JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
    GROUP BY c.family_id, m.module, c.closed_on, f.area_id;

-- The triggers come after the backfill, which would otherwise fire them: a completed family's rows would be made
-- twice, once by its counts' trigger and once by the rebuild.
CREATE TRIGGER case_sessions_modules_insert AFTER INSERT ON case_sessions
    WHEN NEW.attendance = 'attended' AND NEW.kind <> 'supervision' BEGIN
    INSERT INTO person_module_sessions (person_id, module, family_id, attended) VALUES (NEW.person_id, NEW.module, NEW.family_id, 1)
        ON CONFLICT (person_id, module) DO UPDATE SET attended = attended + 1;
END;
CREATE TRIGGER case_sessions_modules_delete AFTER DELETE ON case_sessions
    WHEN OLD.attendance = 'attended' AND OLD.kind <> 'supervision' BEGIN
    UPDATE person_module_sessions SET attended = attended - 1 WHERE person_id = OLD.person_id AND module = OLD.module;
END;
-- An update is the old row going and the new one coming (in either order: the two commute).
CREATE TRIGGER case_sessions_modules_update_old AFTER UPDATE OF person_id, family_id, attendance, kind, module ON case_sessions
    WHEN OLD.attendance = 'attended' AND OLD.kind <> 'supervision' BEGIN
    UPDATE person_module_sessions SET attended = attended - 1 WHERE person_id = OLD.person_id AND module = OLD.module;
END;
CREATE TRIGGER case_sessions_modules_update_new AFTER UPDATE OF person_id, family_id, attendance, kind, module ON case_sessions
    WHEN NEW.attendance = 'attended' AND NEW.kind <> 'supervision' BEGIN
    INSERT INTO person_module_sessions (person_id, module, family_id, attended) VALUES (NEW.person_id, NEW.module, NEW.family_id, 1)
        ON CONFLICT (person_id, module) DO UPDATE SET attended = attended + 1, family_id = excluded.family_id;
END;

-- A family's completed content, worked out again when anything it is worked out from changes. A parent's counts
-- matter only to a family that has completed (an open family has no rows), so most sessions ask no more than that.
CREATE TRIGGER completed_content_closure_insert AFTER INSERT ON closures BEGIN
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_closure_update AFTER UPDATE OF family_id, reason, reopened_at, closed_on ON closures BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_closure_delete AFTER DELETE ON closures BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_parent_insert AFTER INSERT ON people WHEN NEW.kind = 'parent' BEGIN
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_parent_update AFTER UPDATE OF family_id, kind, active ON people BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_parent_delete AFTER DELETE ON people WHEN OLD.kind = 'parent' BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_counts_insert AFTER INSERT ON person_module_sessions
    WHEN EXISTS (SELECT 1 FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL) BEGIN
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_counts_update AFTER UPDATE ON person_module_sessions
    WHEN EXISTS (SELECT 1 FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL)
        OR EXISTS (SELECT 1 FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL) BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
    DELETE FROM completed_content WHERE family_id = NEW.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_counts_delete AFTER DELETE ON person_module_sessions
    WHEN EXISTS (SELECT 1 FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL) BEGIN
    DELETE FROM completed_content WHERE family_id = OLD.family_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = OLD.family_id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;
CREATE TRIGGER completed_content_family_area AFTER UPDATE OF area_id ON families WHEN OLD.area_id <> NEW.area_id BEGIN
    DELETE FROM completed_content WHERE family_id = NEW.id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = NEW.id AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END;

-- Programme content (issue: the reports' programme content): each parent's sessions attended on each module, and what
-- the dashboard reads from them. PostgreSQL dialect; keep in step with ../sqlite/0063_module_sessions.sql.
--
-- person_module_sessions holds each parent's sessions attended on each module (kind other than supervision; '' for
-- sessions recorded with no module): a count moved by one per change in an upsert, so two writers' changes add up in either order under READ COMMITTED. The person page still counts from
-- case_sessions; the research extract reads the sessions themselves.
--
-- completed_content holds, for each family that completed the programme (closed at the planned end, not since
-- re-opened), its closing date and area, its parents taking part (people.active; module '*') and, for each module, how
-- many of them attended a session on it and how many reached its target. The dashboard's programme content section sums
-- it over a range of closing dates, one index read; counting from the parents' sessions read a million rows at
-- national scale. Whether a parent reached a target depends on the targets, which are configuration: module_targets
-- holds them, starting as the shipped timeline's; cradle serve records the configured ones (store.SetModuleTargets),
-- which works completed_content out again when they have changed, as migration 18's outcome order does.
-- A family's rows are worked out again from its closure, parents and counts whenever one of them changes; on PostgreSQL under the family's
-- advisory lock first (migration 27's summary_lock, namespace 7214), so that two writers cannot each work it out from a
-- snapshot without the other's change.
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
CREATE FUNCTION case_sessions_modules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.attendance = 'attended' AND OLD.kind <> 'supervision' THEN
        UPDATE person_module_sessions SET attended = attended - 1 WHERE person_id = OLD.person_id AND module = OLD.module;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.attendance = 'attended' AND NEW.kind <> 'supervision' THEN
        INSERT INTO person_module_sessions AS m (person_id, module, family_id, attended) VALUES (NEW.person_id, NEW.module, NEW.family_id, 1)
            ON CONFLICT (person_id, module) DO UPDATE SET attended = m.attended + 1, family_id = excluded.family_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER case_sessions_modules AFTER INSERT OR DELETE OR UPDATE OF person_id, family_id, attendance, kind, module ON case_sessions
    FOR EACH ROW EXECUTE FUNCTION case_sessions_modules();

-- A family's completed content, worked out again when anything it is worked out from changes. A parent's counts
-- matter only to a family that has completed (an open family has no rows), so most sessions ask no more than that.
CREATE FUNCTION completed_content_refresh(fam BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM summary_lock(7214, fam);
    DELETE FROM completed_content WHERE family_id = fam;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = fam AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        GROUP BY c.family_id, c.closed_on, f.area_id;
    INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
        SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
        FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE family_id = fam AND reason = 'planned_end' AND reopened_at IS NULL
                GROUP BY family_id) c
            JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
            JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
        GROUP BY c.family_id, m.module, c.closed_on, f.area_id;
END $$;

CREATE FUNCTION completed_content_completed(fam BIGINT) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM closures WHERE family_id = fam AND reason = 'planned_end' AND reopened_at IS NULL);
$$;

CREATE FUNCTION completed_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_family BIGINT;
    new_family BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'families' THEN
        new_family := NEW.id;
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            old_family := OLD.family_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            new_family := NEW.family_id;
        END IF;
    END IF;
    IF old_family IS NOT DISTINCT FROM new_family THEN
        old_family := NULL;
    END IF;
    -- A parent's counts matter only to a family that has completed.
    IF TG_TABLE_NAME = 'person_module_sessions' THEN
        IF old_family IS NOT NULL AND NOT completed_content_completed(old_family) THEN
            old_family := NULL;
        END IF;
        IF new_family IS NOT NULL AND NOT completed_content_completed(new_family) THEN
            new_family := NULL;
        END IF;
    END IF;
    -- The lower family first, so that two writers refreshing the same two cannot each wait for the other.
    IF old_family IS NOT NULL AND new_family IS NOT NULL AND old_family > new_family THEN
        PERFORM completed_content_refresh(new_family);
        new_family := NULL;
    END IF;
    IF old_family IS NOT NULL THEN
        PERFORM completed_content_refresh(old_family);
    END IF;
    IF new_family IS NOT NULL THEN
        PERFORM completed_content_refresh(new_family);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER completed_content_closures AFTER INSERT OR DELETE OR UPDATE OF family_id, reason, reopened_at, closed_on ON closures
    FOR EACH ROW EXECUTE FUNCTION completed_content_changed();
CREATE TRIGGER completed_content_parents AFTER INSERT OR DELETE OR UPDATE OF family_id, kind, active ON people
    FOR EACH ROW EXECUTE FUNCTION completed_content_changed();
CREATE TRIGGER completed_content_counts AFTER INSERT OR DELETE OR UPDATE ON person_module_sessions
    FOR EACH ROW EXECUTE FUNCTION completed_content_changed();
CREATE TRIGGER completed_content_family_area AFTER UPDATE OF area_id ON families
    FOR EACH ROW WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id) EXECUTE FUNCTION completed_content_changed();

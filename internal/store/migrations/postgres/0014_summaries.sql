-- Summaries kept in step with case_sessions by triggers (issue: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0014_summaries.sql. The organisation dashboard counted five million sessions on its first view (8.5 s
-- at 100,000 families) and looked up each accepted family's first session one family at a time; a caseload counted
-- each family's attended sessions. These tables hold those counts, changed in the same transaction as the rows they
-- count, whoever writes them (the app, the demo loader, the benchmark's bulk seed, an erasure, a restore). They are
-- derived: backups leave them out and a restore rebuilds them through the same triggers.

-- Sessions (kind 'session') by the family's area, month or day held, and attendance. The dashboard sums whole months
-- from the first and the days at either end of its range from the second.
CREATE TABLE session_counts_month (
    month      TEXT NOT NULL,    -- YYYY-MM
    area_id    BIGINT NOT NULL,
    attendance TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (month, area_id, attendance)
);
CREATE TABLE session_counts_day (
    day        DATE NOT NULL,
    area_id    BIGINT NOT NULL,
    attendance TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (day, area_id, attendance)
);

-- One row per family with a session: attended sessions of any kind, the last of them, and the first attended
-- programme session (the dashboard's "engaged" and days to first contact).
CREATE TABLE family_session_facts (
    family_id        BIGINT PRIMARY KEY,
    attended         INTEGER NOT NULL DEFAULT 0,
    last_attended_on DATE,
    first_session_on DATE
);

CREATE FUNCTION session_counts_add(fam BIGINT, held DATE, att TEXT, delta INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO session_counts_month (month, area_id, attendance, n)
        SELECT to_char(held, 'YYYY-MM'), area_id, att, delta FROM families WHERE id = fam
        ON CONFLICT (month, area_id, attendance) DO UPDATE SET n = session_counts_month.n + excluded.n;
    INSERT INTO session_counts_day (day, area_id, attendance, n)
        SELECT held, area_id, att, delta FROM families WHERE id = fam
        ON CONFLICT (day, area_id, attendance) DO UPDATE SET n = session_counts_day.n + excluded.n;
$$;

CREATE FUNCTION family_session_facts_refresh(fam BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO family_session_facts (family_id, attended, last_attended_on, first_session_on)
        SELECT fam, COUNT(*), MAX(held_on), MIN(held_on) FILTER (WHERE kind = 'session') FROM case_sessions
        WHERE family_id = fam AND attendance = 'attended'
        ON CONFLICT (family_id) DO UPDATE SET attended = excluded.attended, last_attended_on = excluded.last_attended_on,
            first_session_on = excluded.first_session_on;
$$;

-- An update is counted as the old row going and the new one coming; anything but an insert works the family's
-- facts out again from its sessions.
CREATE FUNCTION case_sessions_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.kind = 'session' THEN
            PERFORM session_counts_add(OLD.family_id, OLD.held_on, OLD.attendance, -1);
        END IF;
        IF OLD.attendance = 'attended' THEN
            PERFORM family_session_facts_refresh(OLD.family_id);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.kind = 'session' THEN
            PERFORM session_counts_add(NEW.family_id, NEW.held_on, NEW.attendance, 1);
        END IF;
        IF TG_OP = 'UPDATE' THEN
            PERFORM family_session_facts_refresh(NEW.family_id);
        ELSIF NEW.attendance = 'attended' THEN
            INSERT INTO family_session_facts AS f (family_id, attended, last_attended_on, first_session_on)
                VALUES (NEW.family_id, 1, NEW.held_on, CASE WHEN NEW.kind = 'session' THEN NEW.held_on END)
                ON CONFLICT (family_id) DO UPDATE SET attended = f.attended + 1,
                    last_attended_on = GREATEST(f.last_attended_on, excluded.last_attended_on),
                    first_session_on = LEAST(f.first_session_on, excluded.first_session_on);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER case_sessions_summarise AFTER INSERT OR DELETE OR UPDATE OF family_id, held_on, attendance, kind ON case_sessions
    FOR EACH ROW EXECUTE FUNCTION case_sessions_summarise();

-- A family moving area takes its sessions' counts with it.
CREATE FUNCTION families_area_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_counts_month AS c (month, area_id, attendance, n)
        SELECT to_char(held_on, 'YYYY-MM'), a.area_id, attendance, a.sign * COUNT(*)
        FROM case_sessions, (VALUES (OLD.area_id, -1), (NEW.area_id, 1)) AS a (area_id, sign)
        WHERE family_id = NEW.id AND kind = 'session' GROUP BY 1, 2, 3, a.sign
        ON CONFLICT (month, area_id, attendance) DO UPDATE SET n = c.n + excluded.n;
    INSERT INTO session_counts_day AS c (day, area_id, attendance, n)
        SELECT held_on, a.area_id, attendance, a.sign * COUNT(*)
        FROM case_sessions, (VALUES (OLD.area_id, -1), (NEW.area_id, 1)) AS a (area_id, sign)
        WHERE family_id = NEW.id AND kind = 'session' GROUP BY 1, 2, 3, a.sign
        ON CONFLICT (day, area_id, attendance) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER families_area_counts AFTER UPDATE OF area_id ON families
    FOR EACH ROW WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id) EXECUTE FUNCTION families_area_counts();

-- The dashboard's other range scans, answered from an index alone: referral and concern rows carry sealed text (about
-- a kilobyte each), so reading them by date went to the table for every row; babies are found by birth date.
CREATE INDEX referrals_received_figures ON referrals (received_at, area_id, source, referrer_role, family_id);
DROP INDEX referrals_received;
CREATE INDEX safeguarding_concerns_raised_figures ON safeguarding_concerns (raised_at, area_id, decision, decision_due_at, decided_at);
DROP INDEX safeguarding_concerns_raised;
CREATE INDEX people_babies_born ON people (date_of_birth, family_id) WHERE kind = 'baby';
CREATE INDEX closures_family_figures ON closures (family_id, reason, kind, closed_on, reopened_at);
-- The open-concerns list pages through the open ones, oldest first, for any role's scope.
CREATE INDEX safeguarding_concerns_open ON safeguarding_concerns (status, raised_at, area_id, raised_by, family_id);
-- The outcome-change table reads the scores of people measured in its range.
CREATE INDEX measure_results_taken ON measure_results (taken_on, person_id) WHERE removed_at IS NULL;

-- The counts and facts of what is already recorded.
INSERT INTO session_counts_month (month, area_id, attendance, n)
    SELECT to_char(s.held_on, 'YYYY-MM'), f.area_id, s.attendance, COUNT(*) FROM case_sessions s JOIN families f ON f.id = s.family_id
    WHERE s.kind = 'session' GROUP BY 1, 2, 3;
INSERT INTO session_counts_day (day, area_id, attendance, n)
    SELECT s.held_on, f.area_id, s.attendance, COUNT(*) FROM case_sessions s JOIN families f ON f.id = s.family_id
    WHERE s.kind = 'session' GROUP BY 1, 2, 3;
INSERT INTO family_session_facts (family_id, attended, last_attended_on, first_session_on)
    SELECT family_id, COUNT(*), MAX(held_on), MIN(held_on) FILTER (WHERE kind = 'session') FROM case_sessions
    WHERE attendance = 'attended' GROUP BY family_id;

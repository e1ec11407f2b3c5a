-- Summaries kept in step with case_sessions by triggers (issue: performance). SQLite dialect; keep in step with
-- ../postgres/0014_summaries.sql. The organisation dashboard counted five million sessions on its first view (8.5 s
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
    day        TEXT NOT NULL,    -- YYYY-MM-DD
    area_id    BIGINT NOT NULL,
    attendance TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (day, area_id, attendance)
);

-- One row per family with a session: attended sessions of any kind, the last of them, and the first attended
-- programme session (the dashboard's "engaged" and days to first contact).
CREATE TABLE family_session_facts (
    family_id        INTEGER PRIMARY KEY, -- the rowid: one lookup, not an index and then the table
    attended         INTEGER NOT NULL DEFAULT 0,
    last_attended_on TIMESTAMP,
    first_session_on TIMESTAMP
);

CREATE TRIGGER case_sessions_count_insert AFTER INSERT ON case_sessions WHEN NEW.kind = 'session' BEGIN
    INSERT INTO session_counts_month (month, area_id, attendance, n)
        SELECT strftime('%Y-%m', NEW.held_on), area_id, NEW.attendance, 1 FROM families WHERE id = NEW.family_id
        ON CONFLICT (month, area_id, attendance) DO UPDATE SET n = n + 1;
    INSERT INTO session_counts_day (day, area_id, attendance, n)
        SELECT date(NEW.held_on), area_id, NEW.attendance, 1 FROM families WHERE id = NEW.family_id
        ON CONFLICT (day, area_id, attendance) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER case_sessions_count_delete AFTER DELETE ON case_sessions WHEN OLD.kind = 'session' BEGIN
    UPDATE session_counts_month SET n = n - 1 WHERE month = strftime('%Y-%m', OLD.held_on) AND attendance = OLD.attendance
        AND area_id = (SELECT area_id FROM families WHERE id = OLD.family_id);
    UPDATE session_counts_day SET n = n - 1 WHERE day = date(OLD.held_on) AND attendance = OLD.attendance
        AND area_id = (SELECT area_id FROM families WHERE id = OLD.family_id);
END;

-- An update is counted as the old row going and the new one coming (in either order: the two commute).
CREATE TRIGGER case_sessions_count_update_new AFTER UPDATE OF family_id, held_on, attendance, kind ON case_sessions WHEN NEW.kind = 'session' BEGIN
    INSERT INTO session_counts_month (month, area_id, attendance, n)
        SELECT strftime('%Y-%m', NEW.held_on), area_id, NEW.attendance, 1 FROM families WHERE id = NEW.family_id
        ON CONFLICT (month, area_id, attendance) DO UPDATE SET n = n + 1;
    INSERT INTO session_counts_day (day, area_id, attendance, n)
        SELECT date(NEW.held_on), area_id, NEW.attendance, 1 FROM families WHERE id = NEW.family_id
        ON CONFLICT (day, area_id, attendance) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_sessions_count_update_old AFTER UPDATE OF family_id, held_on, attendance, kind ON case_sessions WHEN OLD.kind = 'session' BEGIN
    UPDATE session_counts_month SET n = n - 1 WHERE month = strftime('%Y-%m', OLD.held_on) AND attendance = OLD.attendance
        AND area_id = (SELECT area_id FROM families WHERE id = OLD.family_id);
    UPDATE session_counts_day SET n = n - 1 WHERE day = date(OLD.held_on) AND attendance = OLD.attendance
        AND area_id = (SELECT area_id FROM families WHERE id = OLD.family_id);
END;

-- A family moving area takes its sessions' counts with it.
CREATE TRIGGER families_area_counts AFTER UPDATE OF area_id ON families WHEN OLD.area_id <> NEW.area_id BEGIN
    INSERT INTO session_counts_month (month, area_id, attendance, n)
        SELECT strftime('%Y-%m', s.held_on), a.area_id, s.attendance, a.sign * COUNT(*)
        FROM case_sessions s, (SELECT OLD.area_id AS area_id, -1 AS sign UNION ALL SELECT NEW.area_id, 1) a
        WHERE s.family_id = NEW.id AND s.kind = 'session' GROUP BY 1, 2, 3, a.sign
        ON CONFLICT (month, area_id, attendance) DO UPDATE SET n = n + excluded.n;
    INSERT INTO session_counts_day (day, area_id, attendance, n)
        SELECT date(s.held_on), a.area_id, s.attendance, a.sign * COUNT(*)
        FROM case_sessions s, (SELECT OLD.area_id AS area_id, -1 AS sign UNION ALL SELECT NEW.area_id, 1) a
        WHERE s.family_id = NEW.id AND s.kind = 'session' GROUP BY 1, 2, 3, a.sign
        ON CONFLICT (day, area_id, attendance) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER case_sessions_facts_insert AFTER INSERT ON case_sessions WHEN NEW.attendance = 'attended' BEGIN
    INSERT INTO family_session_facts (family_id, attended, last_attended_on, first_session_on)
        VALUES (NEW.family_id, 1, NEW.held_on, CASE WHEN NEW.kind = 'session' THEN NEW.held_on END)
        ON CONFLICT (family_id) DO UPDATE SET attended = attended + 1,
            last_attended_on = CASE WHEN last_attended_on IS NULL OR excluded.last_attended_on > last_attended_on THEN excluded.last_attended_on ELSE last_attended_on END,
            first_session_on = CASE WHEN first_session_on IS NULL OR excluded.first_session_on < first_session_on THEN COALESCE(excluded.first_session_on, first_session_on) ELSE first_session_on END;
END;

-- Anything else (a deletion, a correction) works the family's facts out again from its sessions.
CREATE TRIGGER case_sessions_facts_delete AFTER DELETE ON case_sessions WHEN OLD.attendance = 'attended' BEGIN
    UPDATE family_session_facts SET
        attended = (SELECT COUNT(*) FROM case_sessions WHERE family_id = OLD.family_id AND attendance = 'attended'),
        last_attended_on = (SELECT MAX(held_on) FROM case_sessions WHERE family_id = OLD.family_id AND attendance = 'attended'),
        first_session_on = (SELECT MIN(held_on) FROM case_sessions WHERE family_id = OLD.family_id AND attendance = 'attended' AND kind = 'session')
        WHERE family_id = OLD.family_id;
END;
CREATE TRIGGER case_sessions_facts_update AFTER UPDATE OF family_id, held_on, attendance, kind ON case_sessions BEGIN
    INSERT INTO family_session_facts (family_id) VALUES (NEW.family_id) ON CONFLICT (family_id) DO NOTHING;
    UPDATE family_session_facts SET
        attended = (SELECT COUNT(*) FROM case_sessions s WHERE s.family_id = family_session_facts.family_id AND s.attendance = 'attended'),
        last_attended_on = (SELECT MAX(held_on) FROM case_sessions s WHERE s.family_id = family_session_facts.family_id AND s.attendance = 'attended'),
        first_session_on = (SELECT MIN(held_on) FROM case_sessions s WHERE s.family_id = family_session_facts.family_id AND s.attendance = 'attended' AND s.kind = 'session')
        WHERE family_id IN (OLD.family_id, NEW.family_id);
END;

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
    SELECT strftime('%Y-%m', s.held_on), f.area_id, s.attendance, COUNT(*) FROM case_sessions s JOIN families f ON f.id = s.family_id
    WHERE s.kind = 'session' GROUP BY 1, 2, 3;
INSERT INTO session_counts_day (day, area_id, attendance, n)
    SELECT date(s.held_on), f.area_id, s.attendance, COUNT(*) FROM case_sessions s JOIN families f ON f.id = s.family_id
    WHERE s.kind = 'session' GROUP BY 1, 2, 3;
INSERT INTO family_session_facts (family_id, attended, last_attended_on, first_session_on)
    SELECT family_id, COUNT(*), MAX(held_on), MIN(CASE WHEN kind = 'session' THEN held_on END) FROM case_sessions
    WHERE attendance = 'attended' GROUP BY family_id;

-- More summaries for the organisation dashboard, kept by triggers (issue #8: performance). SQLite dialect; keep in
-- step with ../postgres/0018_dashboard_summaries.sql. Over ten years at 100,000 families the dashboard's first view read
-- a million outcome scores, every referral with its family's first session and closures, and every baby with theirs:
-- two seconds and more. Like migration 14's, these tables change in the same transaction as the rows they summarise,
-- whoever writes them; they are derived (backups leave them out, a restore fills them through the triggers).

-- The outcome table: each person's baseline score on a measure against their latest later one, in the timepoint order
-- the dashboard is configured with. outcome_timepoints holds the order the pairs were worked out in (rank 1 is the
-- baseline); the store uses the pairs only when it equals the configured order, and otherwise reads the scores
-- (store.OutcomeChange), so a different order is never answered from these. It starts as the shipped timeline's
-- order (internal/timeline/default.json; a test keeps the two the same); store.SetOutcomeOrder changes it and works
-- the pairs out again.
CREATE TABLE outcome_timepoints (
    timepoint TEXT PRIMARY KEY,
    rank      INTEGER NOT NULL UNIQUE
);
INSERT INTO outcome_timepoints (timepoint, rank) VALUES ('baseline', 1), ('late_pregnancy', 2), ('m6', 3), ('m12', 4), ('m24', 5);

-- One row per person and measure with both a live baseline score and a live later one (one live score per timepoint:
-- measure_results_one_per_timepoint).
CREATE TABLE outcome_pairs (
    person_id       BIGINT NOT NULL,
    instrument      TEXT NOT NULL,
    family_id       BIGINT NOT NULL,
    base_score      DOUBLE PRECISION NOT NULL,
    follow_up_score DOUBLE PRECISION NOT NULL,
    follow_up_on    DATE NOT NULL,
    PRIMARY KEY (person_id, instrument)
);
-- The dashboard counts pairs by their scores, in this order, from the index alone; a few areas', by family.
CREATE INDEX outcome_pairs_scores ON outcome_pairs (instrument, base_score, follow_up_score, follow_up_on, family_id);
CREATE INDEX outcome_pairs_family ON outcome_pairs (family_id, follow_up_on, instrument, base_score, follow_up_score);

-- Any change to a score works its person's pair on that measure out again from their scores.
CREATE TRIGGER measure_results_pairs_insert AFTER INSERT ON measure_results WHEN NEW.removed_at IS NULL AND NEW.score IS NOT NULL BEGIN
    DELETE FROM outcome_pairs WHERE person_id = NEW.person_id AND instrument = NEW.instrument;
    INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
        SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
        FROM measure_results b JOIN outcome_timepoints bt ON bt.timepoint = b.timepoint AND bt.rank = 1,
            measure_results u JOIN outcome_timepoints ut ON ut.timepoint = u.timepoint
        WHERE b.person_id = NEW.person_id AND b.instrument = NEW.instrument AND b.removed_at IS NULL AND b.score IS NOT NULL
            AND u.person_id = NEW.person_id AND u.instrument = NEW.instrument AND u.removed_at IS NULL AND u.score IS NOT NULL
            AND ut.rank = (SELECT MAX(t.rank) FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
                WHERE m.person_id = NEW.person_id AND m.instrument = NEW.instrument AND m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1);
END;
CREATE TRIGGER measure_results_pairs_delete AFTER DELETE ON measure_results WHEN OLD.removed_at IS NULL AND OLD.score IS NOT NULL BEGIN
    DELETE FROM outcome_pairs WHERE person_id = OLD.person_id AND instrument = OLD.instrument;
    INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
        SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
        FROM measure_results b JOIN outcome_timepoints bt ON bt.timepoint = b.timepoint AND bt.rank = 1,
            measure_results u JOIN outcome_timepoints ut ON ut.timepoint = u.timepoint
        WHERE b.person_id = OLD.person_id AND b.instrument = OLD.instrument AND b.removed_at IS NULL AND b.score IS NOT NULL
            AND u.person_id = OLD.person_id AND u.instrument = OLD.instrument AND u.removed_at IS NULL AND u.score IS NOT NULL
            AND ut.rank = (SELECT MAX(t.rank) FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
                WHERE m.person_id = OLD.person_id AND m.instrument = OLD.instrument AND m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1);
END;
CREATE TRIGGER measure_results_pairs_update AFTER UPDATE OF person_id, family_id, instrument, timepoint, taken_on, score, removed_at ON measure_results BEGIN
    DELETE FROM outcome_pairs WHERE person_id = OLD.person_id AND instrument = OLD.instrument;
    INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
        SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
        FROM measure_results b JOIN outcome_timepoints bt ON bt.timepoint = b.timepoint AND bt.rank = 1,
            measure_results u JOIN outcome_timepoints ut ON ut.timepoint = u.timepoint
        WHERE b.person_id = OLD.person_id AND b.instrument = OLD.instrument AND b.removed_at IS NULL AND b.score IS NOT NULL
            AND u.person_id = OLD.person_id AND u.instrument = OLD.instrument AND u.removed_at IS NULL AND u.score IS NOT NULL
            AND ut.rank = (SELECT MAX(t.rank) FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
                WHERE m.person_id = OLD.person_id AND m.instrument = OLD.instrument AND m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1);
    DELETE FROM outcome_pairs WHERE person_id = NEW.person_id AND instrument = NEW.instrument;
    INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
        SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
        FROM measure_results b JOIN outcome_timepoints bt ON bt.timepoint = b.timepoint AND bt.rank = 1,
            measure_results u JOIN outcome_timepoints ut ON ut.timepoint = u.timepoint
        WHERE b.person_id = NEW.person_id AND b.instrument = NEW.instrument AND b.removed_at IS NULL AND b.score IS NOT NULL
            AND u.person_id = NEW.person_id AND u.instrument = NEW.instrument AND u.removed_at IS NULL AND u.score IS NOT NULL
            AND ut.rank = (SELECT MAX(t.rank) FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
                WHERE m.person_id = NEW.person_id AND m.instrument = NEW.instrument AND m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1);
END;

-- The referral funnel: each referral as the dashboard counts it (received when, where, from whom; accepted; the days
-- from receipt to its family's first attended programme session, from migration 14's facts; completed, closed at the
-- planned end and not re-opened), worked out again whenever the referral, its family's first session or its family's
-- closures change; and those facts counted by month (referral_counts_month, first_contact_counts_month), changed with
-- each fact. The dashboard sums whole months from the counts and reads the days at either end of its range from the
-- facts. The clamp of a negative number of days to none stays in Go.
CREATE TABLE referral_facts (
    referral_id        INTEGER PRIMARY KEY,
    received_on        TEXT NOT NULL,    -- YYYY-MM-DD
    month              TEXT NOT NULL,    -- YYYY-MM
    area_id            BIGINT NOT NULL,  -- 0: outside every area
    source             TEXT NOT NULL,
    referrer_role      TEXT NOT NULL,
    accepted           INTEGER NOT NULL, -- became a family
    first_contact_days INTEGER,          -- NULL: no attended programme session yet
    completed          INTEGER NOT NULL
);
CREATE INDEX referral_facts_received ON referral_facts (received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed);
-- Without rowids, each is its key's index, in the order the dashboard groups by (by source, by days): read from one
-- index, in order, never looked up row by row.
CREATE TABLE referral_counts_month (
    month         TEXT NOT NULL,
    source        TEXT NOT NULL,
    referrer_role TEXT NOT NULL,
    area_id       BIGINT NOT NULL,
    n             INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    engaged       INTEGER NOT NULL,
    completed     INTEGER NOT NULL,
    PRIMARY KEY (month, source, referrer_role, area_id)
) WITHOUT ROWID;
CREATE INDEX referral_counts_month_area ON referral_counts_month (month, area_id, n);
CREATE TABLE first_contact_counts_month (
    days    INTEGER NOT NULL,
    month   TEXT NOT NULL,
    area_id BIGINT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (days, month, area_id)
) WITHOUT ROWID;
-- A family's referrals, found by family when its sessions or closures change (and when its record is deleted).
CREATE INDEX referrals_family ON referrals (family_id);

-- The facts and counts of the referrals already recorded.
INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
    SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id;
INSERT INTO referral_counts_month (month, area_id, source, referrer_role, n, accepted, engaged, completed)
    SELECT month, area_id, source, referrer_role, COUNT(*), SUM(accepted), COUNT(first_contact_days), SUM(completed) FROM referral_facts
    GROUP BY month, area_id, source, referrer_role;
INSERT INTO first_contact_counts_month (month, area_id, days, n)
    SELECT month, area_id, first_contact_days, COUNT(*) FROM referral_facts WHERE first_contact_days IS NOT NULL
    GROUP BY month, area_id, first_contact_days;

CREATE TRIGGER referral_facts_count_insert AFTER INSERT ON referral_facts BEGIN
    INSERT INTO referral_counts_month (month, area_id, source, referrer_role, n, accepted, engaged, completed)
        VALUES (NEW.month, NEW.area_id, NEW.source, NEW.referrer_role, 1, NEW.accepted, NEW.first_contact_days IS NOT NULL, NEW.completed)
        ON CONFLICT (month, source, referrer_role, area_id) DO UPDATE SET n = n + 1, accepted = accepted + excluded.accepted,
            engaged = engaged + excluded.engaged, completed = completed + excluded.completed;
    INSERT INTO first_contact_counts_month (month, area_id, days, n)
        SELECT NEW.month, NEW.area_id, NEW.first_contact_days, 1 WHERE NEW.first_contact_days IS NOT NULL
        ON CONFLICT (days, month, area_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER referral_facts_count_delete AFTER DELETE ON referral_facts BEGIN
    UPDATE referral_counts_month SET n = n - 1, accepted = accepted - OLD.accepted, engaged = engaged - (OLD.first_contact_days IS NOT NULL),
        completed = completed - OLD.completed
        WHERE month = OLD.month AND area_id = OLD.area_id AND source = OLD.source AND referrer_role = OLD.referrer_role;
    UPDATE first_contact_counts_month SET n = n - 1 WHERE month = OLD.month AND area_id = OLD.area_id AND days = OLD.first_contact_days;
END;

-- A referral's facts, worked out again when it changes; a family's referrals', when its first session or its closures
-- do. (Only these triggers write referral_facts, always by deleting and inserting.)
CREATE TRIGGER referrals_facts_insert AFTER INSERT ON referrals BEGIN
    DELETE FROM referral_facts WHERE referral_id = NEW.id;
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.id = NEW.id;
END;
CREATE TRIGGER referrals_facts_update AFTER UPDATE OF id, received_at, area_id, source, referrer_role, family_id ON referrals BEGIN
    DELETE FROM referral_facts WHERE referral_id = OLD.id;
    DELETE FROM referral_facts WHERE referral_id = NEW.id;
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.id = NEW.id;
END;
CREATE TRIGGER referrals_facts_delete AFTER DELETE ON referrals BEGIN
    DELETE FROM referral_facts WHERE referral_id = OLD.id;
END;
CREATE TRIGGER family_session_facts_referrals_insert AFTER INSERT ON family_session_facts WHEN NEW.first_session_on IS NOT NULL BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = NEW.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = NEW.family_id;
END;
CREATE TRIGGER family_session_facts_referrals_update AFTER UPDATE OF family_id, first_session_on ON family_session_facts
    WHEN OLD.family_id IS NOT NEW.family_id OR OLD.first_session_on IS NOT NEW.first_session_on BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = OLD.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = OLD.family_id;
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = NEW.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = NEW.family_id;
END;
CREATE TRIGGER family_session_facts_referrals_delete AFTER DELETE ON family_session_facts WHEN OLD.first_session_on IS NOT NULL BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = OLD.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = OLD.family_id;
END;
CREATE TRIGGER closures_referrals_insert AFTER INSERT ON closures WHEN NEW.reason = 'planned_end' AND NEW.reopened_at IS NULL BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = NEW.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = NEW.family_id;
END;
CREATE TRIGGER closures_referrals_update AFTER UPDATE OF family_id, reason, reopened_at ON closures BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = OLD.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = OLD.family_id;
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = NEW.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = NEW.family_id;
END;
CREATE TRIGGER closures_referrals_delete AFTER DELETE ON closures WHEN OLD.reason = 'planned_end' AND OLD.reopened_at IS NULL BEGIN
    DELETE FROM referral_facts WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = OLD.family_id);
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, date(r.received_at), strftime('%Y-%m', r.received_at), COALESCE(r.area_id, 0), r.source, r.referrer_role,
            CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            CAST(julianday(date(fs.first_session_on)) - julianday(date(r.received_at)) AS INTEGER),
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.family_id = OLD.family_id;
END;

-- Retention: each accepted family's babies with what retention is judged from, "born|accepted|closures" (each closure
-- "kind,closed,re-opened", ";" between them), worked out again when the baby, the family's acceptance or area, or its
-- closures change. The rules (the ages, who counts, who was still in the programme) stay in Go: this only saves the
-- dashboard looking up each family's babies and closures, a hundred thousand of each at national scale. Without
-- rowids it is kept in family order, as it is read.
CREATE TABLE retention_babies (
    family_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    area_id   BIGINT NOT NULL,
    facts     TEXT NOT NULL,
    PRIMARY KEY (family_id, person_id)
) WITHOUT ROWID;
CREATE INDEX retention_babies_area ON retention_babies (area_id, family_id, person_id);

CREATE TRIGGER people_retention_insert AFTER INSERT ON people WHEN NEW.kind = 'baby' BEGIN
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.id = NEW.id AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;
CREATE TRIGGER people_retention_update AFTER UPDATE OF kind, date_of_birth, family_id ON people BEGIN
    DELETE FROM retention_babies WHERE family_id = OLD.family_id AND person_id = OLD.id;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.id = NEW.id AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;
CREATE TRIGGER people_retention_delete AFTER DELETE ON people WHEN OLD.kind = 'baby' BEGIN
    DELETE FROM retention_babies WHERE family_id = OLD.family_id AND person_id = OLD.id;
END;
CREATE TRIGGER families_retention_update AFTER UPDATE OF accepted_on, area_id ON families
    WHEN OLD.accepted_on IS NOT NEW.accepted_on OR OLD.area_id IS NOT NEW.area_id BEGIN
    DELETE FROM retention_babies WHERE family_id = NEW.id;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id = NEW.id AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;
CREATE TRIGGER closures_retention_insert AFTER INSERT ON closures BEGIN
    DELETE FROM retention_babies WHERE family_id = NEW.family_id;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id = NEW.family_id AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;
CREATE TRIGGER closures_retention_update AFTER UPDATE OF family_id, kind, closed_on, reopened_at ON closures BEGIN
    DELETE FROM retention_babies WHERE family_id IN (OLD.family_id, NEW.family_id);
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id IN (OLD.family_id, NEW.family_id) AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;
CREATE TRIGGER closures_retention_delete AFTER DELETE ON closures BEGIN
    DELETE FROM retention_babies WHERE family_id = OLD.family_id;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
                c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id = OLD.family_id AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;
END;

-- Indexes that answer the dashboard's other reads alone, in order (looking rows up one by one from a table is where
-- SQLite's small page cache, once full, read the same pages from the file again and again, 4-8 times slower).
CREATE INDEX session_counts_month_sums ON session_counts_month (month, area_id, attendance, n);
CREATE INDEX session_counts_day_sums ON session_counts_day (day, area_id, attendance, n);
CREATE INDEX safeguarding_status_history_figures ON safeguarding_status_history (family_id, from_date, id, status);
-- Current allocations by member of staff, read in order and matched to the open families (PostgreSQL has
-- allocations_staff_current, migration 15; ended_at is a column so that SQLite sees it covers).
CREATE INDEX allocations_current_staff ON allocations (staff_id, family_id, ended_at) WHERE ended_at IS NULL;
-- A family's babies, found by family when its acceptance or closures change (kind too, so that SQLite sees it covers).
CREATE INDEX people_babies_family ON people (family_id, date_of_birth, kind) WHERE kind = 'baby';

-- The pairs of the scores already recorded (store.outcomePairsRebuild is the same statement).
INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
    SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
    FROM (SELECT m.person_id, m.instrument, MAX(t.rank) AS rank FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
            WHERE m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1 GROUP BY m.person_id, m.instrument) l
        JOIN outcome_timepoints ut ON ut.rank = l.rank
        JOIN measure_results u ON u.person_id = l.person_id AND u.instrument = l.instrument AND u.timepoint = ut.timepoint
            AND u.removed_at IS NULL AND u.score IS NOT NULL
        JOIN outcome_timepoints bt ON bt.rank = 1
        JOIN measure_results b ON b.person_id = l.person_id AND b.instrument = l.instrument AND b.timepoint = bt.timepoint
            AND b.removed_at IS NULL AND b.score IS NOT NULL;

-- The babies already recorded.
INSERT INTO retention_babies (family_id, person_id, area_id, facts)
    SELECT p.family_id, p.id, f.area_id, CAST(p.date_of_birth AS TEXT) || '|' || CAST(f.accepted_on AS TEXT) || '|' || COALESCE((SELECT group_concat(
            c.kind || ',' || CAST(c.closed_on AS TEXT) || ',' || COALESCE(CAST(c.reopened_at AS TEXT), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
    FROM people p JOIN families f ON f.id = p.family_id
    WHERE p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;

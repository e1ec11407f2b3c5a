-- More summaries for the organisation dashboard, kept by triggers (issue #8: performance). PostgreSQL dialect; keep in
-- step with ../sqlite/0018_dashboard_summaries.sql. Over ten years at 100,000 families the dashboard's first view read
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

-- Works one person's pair on one measure out again from their scores, a few rows read in rank order (PL/pgSQL, so that
-- its plans are kept: a SQL function is planned again on every call). (As with migration 14's refreshes, two
-- transactions changing one person's scores on one measure at the same moment could leave the pair the first worked
-- out; a person's scores are entered one form at a time. The upsert keeps such a race from failing either.)
CREATE FUNCTION outcome_pairs_refresh(person BIGINT, inst TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s RECORD;
    has_base BOOLEAN := FALSE;
    has_follow_up BOOLEAN := FALSE;
    base DOUBLE PRECISION;
    follow_up DOUBLE PRECISION;
    follow_up_taken DATE;
    follow_up_family BIGINT;
BEGIN
    FOR s IN SELECT m.score, m.taken_on, m.family_id, t.rank FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
            WHERE m.person_id = person AND m.instrument = inst AND m.removed_at IS NULL AND m.score IS NOT NULL ORDER BY t.rank LOOP
        IF s.rank = 1 THEN
            has_base := TRUE;
            base := s.score;
        ELSE
            has_follow_up := TRUE;
            follow_up := s.score;
            follow_up_taken := s.taken_on;
            follow_up_family := s.family_id;
        END IF;
    END LOOP;
    IF has_base AND has_follow_up THEN
        INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
            VALUES (person, inst, follow_up_family, base, follow_up, follow_up_taken)
            ON CONFLICT (person_id, instrument) DO UPDATE SET family_id = excluded.family_id, base_score = excluded.base_score,
                follow_up_score = excluded.follow_up_score, follow_up_on = excluded.follow_up_on;
    ELSE
        DELETE FROM outcome_pairs WHERE person_id = person AND instrument = inst;
    END IF;
END $$;

CREATE FUNCTION measure_results_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM outcome_pairs_refresh(OLD.person_id, OLD.instrument);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.person_id, NEW.instrument) IS DISTINCT FROM (OLD.person_id, OLD.instrument)) THEN
        PERFORM outcome_pairs_refresh(NEW.person_id, NEW.instrument);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER measure_results_pairs AFTER INSERT OR DELETE OR UPDATE OF person_id, family_id, instrument, timepoint, taken_on, score, removed_at
    ON measure_results FOR EACH ROW EXECUTE FUNCTION measure_results_pairs();

-- The referral funnel: each referral as the dashboard counts it (received when, where, from whom; accepted; the days
-- from receipt to its family's first attended programme session, from migration 14's facts; completed, closed at the
-- planned end and not re-opened), worked out again whenever the referral, its family's first session or its family's
-- closures change; and those facts counted by month (referral_counts_month, first_contact_counts_month), changed with
-- each fact. The dashboard sums whole months from the counts and reads the days at either end of its range from the
-- facts. The clamp of a negative number of days to none stays in Go.
CREATE TABLE referral_facts (
    referral_id        BIGINT PRIMARY KEY,
    received_on        DATE NOT NULL,
    month              TEXT NOT NULL,    -- YYYY-MM
    area_id            BIGINT NOT NULL,  -- 0: outside every area
    source             TEXT NOT NULL,
    referrer_role      TEXT NOT NULL,
    accepted           INTEGER NOT NULL, -- became a family
    first_contact_days INTEGER,          -- NULL: no attended programme session yet
    completed          INTEGER NOT NULL
);
CREATE INDEX referral_facts_received ON referral_facts (received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed);
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
);
CREATE INDEX referral_counts_month_area ON referral_counts_month (month, area_id, n);
CREATE TABLE first_contact_counts_month (
    days    INTEGER NOT NULL,
    month   TEXT NOT NULL,
    area_id BIGINT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (days, month, area_id)
);
-- A family's referrals, found by family when its sessions or closures change (and when its record is deleted).
CREATE INDEX referrals_family ON referrals (family_id);

-- The facts and counts of the referrals already recorded.
INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
    SELECT r.id, (r.received_at AT TIME ZONE 'UTC')::date, to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM'), COALESCE(r.area_id, 0),
            r.source, r.referrer_role, CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            fs.first_session_on - (r.received_at AT TIME ZONE 'UTC')::date,
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id;
INSERT INTO referral_counts_month (month, area_id, source, referrer_role, n, accepted, engaged, completed)
    SELECT month, area_id, source, referrer_role, COUNT(*), SUM(accepted), COUNT(first_contact_days), SUM(completed) FROM referral_facts
    GROUP BY month, area_id, source, referrer_role;
INSERT INTO first_contact_counts_month (month, area_id, days, n)
    SELECT month, area_id, first_contact_days, COUNT(*) FROM referral_facts WHERE first_contact_days IS NOT NULL
    GROUP BY month, area_id, first_contact_days;

CREATE FUNCTION referral_counts_add(m TEXT, area BIGINT, src TEXT, role TEXT, acc INTEGER, contact_days INTEGER, done INTEGER, delta INTEGER)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO referral_counts_month AS c (month, area_id, source, referrer_role, n, accepted, engaged, completed)
        VALUES (m, area, src, role, delta, delta * acc, CASE WHEN contact_days IS NULL THEN 0 ELSE delta END, delta * done)
        ON CONFLICT (month, source, referrer_role, area_id) DO UPDATE SET n = c.n + excluded.n, accepted = c.accepted + excluded.accepted,
            engaged = c.engaged + excluded.engaged, completed = c.completed + excluded.completed;
    INSERT INTO first_contact_counts_month AS c (month, area_id, days, n)
        SELECT m, area, contact_days, delta WHERE contact_days IS NOT NULL
        ON CONFLICT (days, month, area_id) DO UPDATE SET n = c.n + excluded.n;
END $$;

CREATE FUNCTION referral_facts_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM referral_counts_add(OLD.month, OLD.area_id, OLD.source, OLD.referrer_role, OLD.accepted, OLD.first_contact_days, OLD.completed, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM referral_counts_add(NEW.month, NEW.area_id, NEW.source, NEW.referrer_role, NEW.accepted, NEW.first_contact_days, NEW.completed, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER referral_facts_count AFTER INSERT OR DELETE OR UPDATE ON referral_facts FOR EACH ROW EXECUTE FUNCTION referral_facts_count();

-- A referral's facts, worked out again when it changes; a family's referrals', when its first session or its closures
-- do. (The upserts keep two transactions doing this at once from failing; see outcome_pairs_refresh.)
CREATE FUNCTION referral_facts_refresh(referral BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO referral_facts (referral_id, received_on, month, area_id, source, referrer_role, accepted, first_contact_days, completed)
        SELECT r.id, (r.received_at AT TIME ZONE 'UTC')::date, to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM'), COALESCE(r.area_id, 0),
            r.source, r.referrer_role, CASE WHEN r.family_id IS NULL THEN 0 ELSE 1 END,
            fs.first_session_on - (r.received_at AT TIME ZONE 'UTC')::date,
            CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
        FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
        WHERE r.id = referral
        ON CONFLICT (referral_id) DO UPDATE SET received_on = excluded.received_on, month = excluded.month, area_id = excluded.area_id,
            source = excluded.source, referrer_role = excluded.referrer_role, accepted = excluded.accepted,
            first_contact_days = excluded.first_contact_days, completed = excluded.completed;
END $$;
CREATE FUNCTION referral_facts_refresh_family(fam BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_facts_refresh(r.id) FROM referrals r WHERE r.family_id = fam;
END $$;

CREATE FUNCTION referrals_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM referral_facts WHERE referral_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM referral_facts_refresh(NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_facts AFTER INSERT OR DELETE OR UPDATE OF id, received_at, area_id, source, referrer_role, family_id ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_facts();

CREATE FUNCTION family_referrals_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM referral_facts_refresh_family(OLD.family_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.family_id IS DISTINCT FROM OLD.family_id) THEN
        PERFORM referral_facts_refresh_family(NEW.family_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER family_session_facts_referrals_insert AFTER INSERT ON family_session_facts
    FOR EACH ROW WHEN (NEW.first_session_on IS NOT NULL) EXECUTE FUNCTION family_referrals_facts();
CREATE TRIGGER family_session_facts_referrals_update AFTER UPDATE OF family_id, first_session_on ON family_session_facts
    FOR EACH ROW WHEN (OLD.family_id IS DISTINCT FROM NEW.family_id OR OLD.first_session_on IS DISTINCT FROM NEW.first_session_on)
    EXECUTE FUNCTION family_referrals_facts();
CREATE TRIGGER family_session_facts_referrals_delete AFTER DELETE ON family_session_facts
    FOR EACH ROW WHEN (OLD.first_session_on IS NOT NULL) EXECUTE FUNCTION family_referrals_facts();
CREATE TRIGGER closures_referrals_insert AFTER INSERT ON closures
    FOR EACH ROW WHEN (NEW.reason = 'planned_end' AND NEW.reopened_at IS NULL) EXECUTE FUNCTION family_referrals_facts();
CREATE TRIGGER closures_referrals_update AFTER UPDATE OF family_id, reason, reopened_at ON closures
    FOR EACH ROW EXECUTE FUNCTION family_referrals_facts();
CREATE TRIGGER closures_referrals_delete AFTER DELETE ON closures
    FOR EACH ROW WHEN (OLD.reason = 'planned_end' AND OLD.reopened_at IS NULL) EXECUTE FUNCTION family_referrals_facts();

-- Retention: each accepted family's babies with what retention is judged from, "born|accepted|closures" (each closure
-- "kind,closed,re-opened", ";" between them), worked out again when the baby, the family's acceptance or area, or its
-- closures change. The rules (the ages, who counts, who was still in the programme) stay in Go: this only saves the
-- dashboard looking up each family's babies and closures, a hundred thousand of each at national scale.
CREATE TABLE retention_babies (
    family_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    area_id   BIGINT NOT NULL,
    facts     TEXT NOT NULL,
    PRIMARY KEY (family_id, person_id)
);
CREATE INDEX retention_babies_area ON retention_babies (area_id, family_id, person_id);

CREATE FUNCTION retention_babies_refresh(fam BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM retention_babies WHERE family_id = fam;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, to_char(p.date_of_birth, 'YYYY-MM-DD') || '|' || to_char(f.accepted_on, 'YYYY-MM-DD') || '|'
                || COALESCE((SELECT string_agg(c.kind || ',' || to_char(c.closed_on, 'YYYY-MM-DD') || ','
                    || COALESCE(to_char(c.reopened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id = fam AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL
        ON CONFLICT (family_id, person_id) DO UPDATE SET area_id = excluded.area_id, facts = excluded.facts;
END $$;

CREATE FUNCTION people_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM retention_babies_refresh(OLD.family_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.family_id IS DISTINCT FROM OLD.family_id) THEN
        PERFORM retention_babies_refresh(NEW.family_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER people_retention_insert AFTER INSERT ON people
    FOR EACH ROW WHEN (NEW.kind = 'baby') EXECUTE FUNCTION people_retention();
CREATE TRIGGER people_retention_update AFTER UPDATE OF kind, date_of_birth, family_id ON people
    FOR EACH ROW WHEN (OLD.kind = 'baby' OR NEW.kind = 'baby') EXECUTE FUNCTION people_retention();
CREATE TRIGGER people_retention_delete AFTER DELETE ON people
    FOR EACH ROW WHEN (OLD.kind = 'baby') EXECUTE FUNCTION people_retention();

CREATE FUNCTION family_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'families' THEN
        PERFORM retention_babies_refresh(NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM retention_babies_refresh(OLD.family_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.family_id IS DISTINCT FROM OLD.family_id) THEN
        PERFORM retention_babies_refresh(NEW.family_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER families_retention_update AFTER UPDATE OF accepted_on, area_id ON families
    FOR EACH ROW WHEN (OLD.accepted_on IS DISTINCT FROM NEW.accepted_on OR OLD.area_id IS DISTINCT FROM NEW.area_id)
    EXECUTE FUNCTION family_retention();
CREATE TRIGGER closures_retention AFTER INSERT OR DELETE OR UPDATE OF family_id, kind, closed_on, reopened_at ON closures
    FOR EACH ROW EXECUTE FUNCTION family_retention();

-- Indexes that answer the dashboard's other reads alone, in order (looking rows up one by one from a table is where
-- SQLite's small page cache, once full, read the same pages from the file again and again, 4-8 times slower).
CREATE INDEX session_counts_month_sums ON session_counts_month (month, area_id, attendance, n);
CREATE INDEX session_counts_day_sums ON session_counts_day (day, area_id, attendance, n);
CREATE INDEX safeguarding_status_history_figures ON safeguarding_status_history (family_id, from_date, id, status);
-- (Current allocations by member of staff: allocations_staff_current, migration 15, serves here; the SQLite twin adds
-- its own.)
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
    SELECT p.family_id, p.id, f.area_id, to_char(p.date_of_birth, 'YYYY-MM-DD') || '|' || to_char(f.accepted_on, 'YYYY-MM-DD') || '|'
            || COALESCE((SELECT string_agg(c.kind || ',' || to_char(c.closed_on, 'YYYY-MM-DD') || ','
                || COALESCE(to_char(c.reopened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
    FROM people p JOIN families f ON f.id = p.family_id
    WHERE p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL;

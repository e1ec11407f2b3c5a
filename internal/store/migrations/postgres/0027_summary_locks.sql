-- Summary rows worked out under a lock on what they summarise. PostgreSQL dialect; the SQLite twin,
-- ../sqlite/0027_summary_locks.sql, changes nothing, as SQLite has one writer at a time.
--
-- Writes run at READ COMMITTED. A refresh that worked a row out again from its statement's snapshot while another
-- transaction was changing the same family's sessions, person's scores, referral or family's babies (not yet
-- committed, so unseen), then waited for that transaction's lock on the summary row, wrote what it had worked out
-- without the other's change: the dashboard's figures lost it until the row next changed (found by
-- TestSummariesUnderConcurrentWrites). Each refresh now first takes a transaction-scoped advisory lock for its key
-- and only then reads; under READ COMMITTED each later statement sees what the transaction it waited for committed.
-- The lock is taken where the summary row's own lock would have been, so one family's, person's or referral's
-- writers take their locks in the order they did before. The function bodies are otherwise migrations 14's, 18's
-- and 24's.
--
-- The locks are two-number advisory locks (apart from the single-number ones, 7201-7203, that Go takes): a
-- namespace (7210 a family's session facts, 7211 a person's outcome pairs, 7212 a referral's facts, 7213 a family's
-- babies for retention) and the key's bucket, one of 256. Buckets, not keys, because advisory locks live in the
-- server's shared lock table (64 a connection by default): a bulk load of a thousand families a transaction would
-- otherwise take some 5,000 and could exhaust it. Two writers of different keys in one bucket only wait for each
-- other's commit.
CREATE FUNCTION summary_lock(ns INTEGER, k BIGINT) RETURNS void LANGUAGE sql AS $fn$
    SELECT pg_advisory_xact_lock(ns, (k % 256)::integer);
$fn$;
-- Two keys' buckets, the lower first, so that two writers moving rows between the same two keys cannot each wait
-- for the other.
CREATE FUNCTION summary_lock(ns INTEGER, a BIGINT, b BIGINT) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(ns, LEAST(a % 256, b % 256)::integer);
    PERFORM pg_advisory_xact_lock(ns, GREATEST(a % 256, b % 256)::integer);
END $fn$;

CREATE OR REPLACE FUNCTION family_session_facts_refresh(fam BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM summary_lock(7210, fam);
    INSERT INTO family_session_facts (family_id, attended, last_attended_on, first_session_on)
        SELECT fam, COUNT(*), MAX(held_on), MIN(held_on) FILTER (WHERE kind = 'session') FROM case_sessions
        WHERE family_id = fam AND attendance = 'attended'
        ON CONFLICT (family_id) DO UPDATE SET attended = excluded.attended, last_attended_on = excluded.last_attended_on,
            first_session_on = excluded.first_session_on;
END $$;

-- A session moving between families locks both.
CREATE OR REPLACE FUNCTION case_sessions_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.family_id <> NEW.family_id THEN
        PERFORM summary_lock(7210, OLD.family_id, NEW.family_id);
    END IF;
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
            -- The increment is safe on its own; the lock keeps a refresh from overwriting it with a count that
            -- did not see it.
            PERFORM summary_lock(7210, NEW.family_id);
            INSERT INTO family_session_facts AS f (family_id, attended, last_attended_on, first_session_on)
                VALUES (NEW.family_id, 1, NEW.held_on, CASE WHEN NEW.kind = 'session' THEN NEW.held_on END)
                ON CONFLICT (family_id) DO UPDATE SET attended = f.attended + 1,
                    last_attended_on = GREATEST(f.last_attended_on, excluded.last_attended_on),
                    first_session_on = LEAST(f.first_session_on, excluded.first_session_on);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION outcome_pairs_refresh(person BIGINT, inst TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s RECORD;
    has_base BOOLEAN := FALSE;
    has_follow_up BOOLEAN := FALSE;
    base DOUBLE PRECISION;
    follow_up DOUBLE PRECISION;
    follow_up_taken DATE;
    follow_up_family BIGINT;
BEGIN
    PERFORM summary_lock(7211, person);
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

CREATE OR REPLACE FUNCTION referral_facts_refresh(referral BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM summary_lock(7212, referral);
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

-- A referral's id changing (never, in practice) locks both before the old one's facts go.
CREATE OR REPLACE FUNCTION referrals_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
        PERFORM summary_lock(7212, OLD.id, NEW.id);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM summary_lock(7212, OLD.id);
        DELETE FROM referral_facts WHERE referral_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM referral_facts_refresh(NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION retention_babies_refresh(fam BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM summary_lock(7213, fam);
    DELETE FROM retention_babies WHERE family_id = fam;
    INSERT INTO retention_babies (family_id, person_id, area_id, facts)
        SELECT p.family_id, p.id, f.area_id, to_char(p.date_of_birth, 'YYYY-MM-DD') || '|' || to_char(f.accepted_on, 'YYYY-MM-DD') || '|'
                || COALESCE((SELECT string_agg(c.kind || ',' || to_char(c.closed_on, 'YYYY-MM-DD') || ','
                    || COALESCE(to_char(c.reopened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ''), ';') FROM closures c WHERE c.family_id = p.family_id), '')
        FROM people p JOIN families f ON f.id = p.family_id
        WHERE p.family_id = fam AND p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL
        ON CONFLICT (family_id, person_id) DO UPDATE SET area_id = excluded.area_id, facts = excluded.facts;
END $$;

-- A person's names for search carry their family's stage, reference and area (migration 24). A person added while
-- the family closed could keep "open": the person's insert read the family as it was, and the family's update did
-- not see the person's uncommitted names. Both now lock the family first. (People's names change only as they are
-- added and at a birth, which updates the family first in the same transaction.)
CREATE OR REPLACE FUNCTION person_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.family_id <> NEW.family_id THEN
        PERFORM summary_lock(7214, OLD.family_id, NEW.family_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM summary_lock(7214, OLD.family_id);
        DELETE FROM person_names WHERE person_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM summary_lock(7214, NEW.family_id);
        INSERT INTO person_names (person_id, name, closed, reference, family_id, area_id)
            SELECT NEW.id, n.name, f.stage = 'closed', f.reference, f.id, f.area_id
            FROM (SELECT lower(NEW.given_name) AS name UNION SELECT lower(NEW.family_name) UNION SELECT lower(NEW.known_as)) n
                JOIN families f ON f.id = NEW.family_id
            WHERE n.name <> '';
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION person_names_family_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM summary_lock(7214, NEW.id);
    UPDATE person_names SET closed = NEW.stage = 'closed', reference = NEW.reference, area_id = NEW.area_id
        WHERE family_id = NEW.id;
    RETURN NULL;
END $$;

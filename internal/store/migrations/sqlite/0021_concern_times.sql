-- Each safeguarding concern's time to a decision, kept by triggers (issue #8: performance). SQLite dialect; keep in
-- step with ../postgres/0021_concern_times.sql. The dashboard's safeguarding figures read every concern in the period
-- (215,000 at 100,000 families over ten years) and parsed three times from each: most of a second, the slowest of the
-- dashboard's sections. Here each concern's seconds from raised to decided, and whether it was decided by its deadline,
-- are worked out once, when the concern is written, by whoever writes it, in the same transaction. Times count in
-- whole seconds (each time's fraction of a second dropped, as unixepoch does): the dashboard shows hours to one
-- decimal place. Derived: backups leave it out, a restore fills it through the triggers.
CREATE TABLE concern_times (
    concern_id       BIGINT PRIMARY KEY,
    raised_at        TIMESTAMP NOT NULL,
    area_id          BIGINT,
    decision         TEXT NOT NULL,
    decision_seconds BIGINT,           -- NULL until decided
    in_time          INTEGER NOT NULL  -- 1: decided by the deadline (to the second)
);
-- The figures read a period's concerns (in some areas) from this index alone, in one pass: each one's decision and
-- time to it. (A second pass to count the decisions was slower: grouped in SQL, it was sorted, not read in order.)
CREATE INDEX concern_times_raised ON concern_times (raised_at, area_id, decision, decision_seconds, in_time);

CREATE TRIGGER safeguarding_concerns_times_insert AFTER INSERT ON safeguarding_concerns BEGIN
    INSERT INTO concern_times (concern_id, raised_at, area_id, decision, decision_seconds, in_time)
    VALUES (NEW.id, NEW.raised_at, NEW.area_id, NEW.decision, unixepoch(NEW.decided_at) - unixepoch(NEW.raised_at),
        COALESCE(unixepoch(NEW.decided_at) <= unixepoch(NEW.decision_due_at), 0));
END;
CREATE TRIGGER safeguarding_concerns_times_update AFTER UPDATE OF id, raised_at, area_id, decision, decision_due_at, decided_at ON safeguarding_concerns BEGIN
    DELETE FROM concern_times WHERE concern_id = OLD.id;
    INSERT INTO concern_times (concern_id, raised_at, area_id, decision, decision_seconds, in_time)
    VALUES (NEW.id, NEW.raised_at, NEW.area_id, NEW.decision, unixepoch(NEW.decided_at) - unixepoch(NEW.raised_at),
        COALESCE(unixepoch(NEW.decided_at) <= unixepoch(NEW.decision_due_at), 0));
END;
CREATE TRIGGER safeguarding_concerns_times_delete AFTER DELETE ON safeguarding_concerns BEGIN
    DELETE FROM concern_times WHERE concern_id = OLD.id;
END;

INSERT INTO concern_times (concern_id, raised_at, area_id, decision, decision_seconds, in_time)
    SELECT id, raised_at, area_id, decision, unixepoch(decided_at) - unixepoch(raised_at),
        COALESCE(unixepoch(decided_at) <= unixepoch(decision_due_at), 0)
    FROM safeguarding_concerns;

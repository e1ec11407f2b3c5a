-- Correcting a session or case note, and removing one entered in error. SQLite dialect; keep in step with
-- ../postgres/0047_session_corrections.sql.
-- A case note is evidence: a practitioner who typed the wrong date, or recorded a session on the wrong parent's
-- record, must be able to put it right, and nobody may rewrite what was written without trace. A correction copies
-- the version it replaces here (change 'corrected') before the session's row is updated (its version goes up by
-- one); a removal copies the last version here (change 'removed') and deletes the session's row, so every count,
-- summary and report (kept in step with case_sessions by triggers) leaves it out as if it had never been recorded.
-- The notes, the reason it did not happen and why it was changed are sealed to this table's row. session_id has no
-- foreign key: a removed session's row is gone.
CREATE TABLE case_session_history (
    id            INTEGER PRIMARY KEY,
    session_id    BIGINT NOT NULL,
    family_id     BIGINT NOT NULL REFERENCES families (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    version       INTEGER NOT NULL,
    change        TEXT NOT NULL, -- corrected, removed
    kind          TEXT NOT NULL,
    staff_id      BIGINT NOT NULL REFERENCES staff (id), -- who recorded the session
    held_on       DATE NOT NULL,
    minutes       INTEGER NOT NULL DEFAULT 0,
    mode          TEXT NOT NULL DEFAULT '',
    attendance    TEXT NOT NULL DEFAULT '',
    module        TEXT NOT NULL DEFAULT '',
    topic         TEXT NOT NULL DEFAULT '',
    joint         BOOLEAN NOT NULL DEFAULT FALSE,
    confidential  BOOLEAN NOT NULL DEFAULT FALSE,
    notes_sealed  TEXT NOT NULL DEFAULT '',
    reason_sealed TEXT NOT NULL DEFAULT '',
    saved_at      TIMESTAMP NOT NULL, -- when this version was saved
    changed_by    BIGINT NOT NULL REFERENCES staff (id),
    changed_at    TIMESTAMP NOT NULL,
    why_sealed    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX case_session_history_version ON case_session_history (session_id, version);
CREATE INDEX case_session_history_removed ON case_session_history (person_id, change, held_on);
CREATE INDEX case_session_history_family ON case_session_history (family_id);

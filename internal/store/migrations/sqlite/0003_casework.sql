-- Casework (issue: families and casework). SQLite dialect; keep in step with ../postgres/0003_casework.sql.

-- Optimistic locking: every edit names the version it started from.
ALTER TABLE families ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE families ADD COLUMN accepted_on DATE;
ALTER TABLE families ADD COLUMN assessment_completed_on DATE;
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- A parent in a refuge: even their area is shown to others only as "confidential".
ALTER TABLE people ADD COLUMN address_confidential BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE case_sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'session'; -- session, contact, supervision
ALTER TABLE case_sessions ADD COLUMN reason_sealed TEXT NOT NULL DEFAULT ''; -- why a session did not happen

-- Closures and re-openings, kept as history.
CREATE TABLE closures (
    id             INTEGER PRIMARY KEY,
    family_id      BIGINT NOT NULL REFERENCES families (id),
    kind           TEXT NOT NULL CHECK (kind IN ('planned', 'early')),
    reason         TEXT NOT NULL, -- planned_end, withdrew, disengaged, moved_out_of_area, not_suitable, safety_concern, baby_not_in_care, other
    closed_on      DATE NOT NULL,
    requested_by   BIGINT NOT NULL REFERENCES staff (id),
    approved_by    BIGINT REFERENCES staff (id),
    approved_at    TIMESTAMP,
    reopened_at    TIMESTAMP,
    reopened_by    BIGINT REFERENCES staff (id),
    reopen_reason  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX closures_family ON closures (family_id, id);

-- A closing summary per parent, written by their own practitioner.
CREATE TABLE closure_summaries (
    closure_id     BIGINT NOT NULL REFERENCES closures (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    summary_sealed TEXT NOT NULL,
    written_by     BIGINT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (closure_id, person_id)
);

-- Sessions paused (safeguarding or housing crisis, health) and resumed.
CREATE TABLE pauses (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT NOT NULL REFERENCES families (id),
    person_id   BIGINT REFERENCES people (id), -- NULL: the whole family
    reason      TEXT NOT NULL CHECK (reason IN ('safeguarding', 'housing', 'health', 'other')),
    note_sealed TEXT NOT NULL DEFAULT '',
    started_on  DATE NOT NULL,
    ended_on    DATE,
    created_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX pauses_family ON pauses (family_id, started_on);

-- Video Interaction Guidance cycles (no video is stored in Cradle).
CREATE TABLE vig_cycles (
    id               INTEGER PRIMARY KEY,
    family_id        BIGINT NOT NULL REFERENCES families (id),
    person_id        BIGINT NOT NULL REFERENCES people (id),
    phase            TEXT NOT NULL CHECK (phase IN ('antenatal', 'postnatal')),
    filmed_on        DATE NOT NULL,
    analysed_on      DATE,
    reviewed_on      DATE,
    strengths_sealed TEXT NOT NULL DEFAULT '',
    confidential     BOOLEAN NOT NULL DEFAULT FALSE,
    created_by       BIGINT NOT NULL REFERENCES staff (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX vig_cycles_person ON vig_cycles (person_id, filmed_on);

-- Each practitioner's record that joint co-parenting sessions are safe for their parent.
CREATE TABLE joint_session_safety (
    family_id    BIGINT NOT NULL REFERENCES families (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    safe         BOOLEAN NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (family_id, person_id)
);

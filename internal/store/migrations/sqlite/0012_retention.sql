-- Records retention (issue: reliability and security proof, item 8). SQLite dialect; keep in step with ../postgres/0012_retention.sql.

-- The current review decision on a closed family's record: kept until a new review date, or deletion asked
-- for and waiting for a team manager's approval. One row per family; each change is on the audit log.
CREATE TABLE retention_reviews (
    family_id     BIGINT PRIMARY KEY REFERENCES families (id),
    decision      TEXT NOT NULL CHECK (decision IN ('keep', 'erase')),
    review_on     DATE,         -- for 'keep': when the record is due for review again
    reason_sealed TEXT NOT NULL, -- why (may name proceedings or a request), so sealed
    decided_by    BIGINT NOT NULL REFERENCES staff (id),
    decided_at    TIMESTAMP NOT NULL
);

-- What is left of a deleted family's record: enough to answer "was it deleted, when, under which rule and on
-- whose approval", and nothing about the people in it. Its ids are kept so that no later family or person is
-- given them (the audit log names records by id).
CREATE TABLE retention_erasures (
    id               INTEGER PRIMARY KEY,
    family_reference TEXT NOT NULL UNIQUE,
    family_id        BIGINT NOT NULL UNIQUE, -- never given to another family (see CreateFamily)
    last_person_id   BIGINT NOT NULL,        -- the highest person id deleted, likewise never reused
    area_id          BIGINT NOT NULL REFERENCES areas (id),
    closed_on        DATE NOT NULL,
    rule             TEXT NOT NULL,   -- the part of the schedule that made it due
    due_on           DATE NOT NULL,
    requested_by     BIGINT NOT NULL REFERENCES staff (id),
    requested_at     TIMESTAMP NOT NULL,
    approved_by      BIGINT NOT NULL REFERENCES staff (id),
    erased_at        TIMESTAMP NOT NULL,
    rows_erased      TEXT NOT NULL    -- JSON: rows deleted per table
);
CREATE INDEX retention_erasures_area ON retention_erasures (area_id, erased_at);

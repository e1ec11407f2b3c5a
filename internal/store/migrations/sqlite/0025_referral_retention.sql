-- Records retention for referrals that never became a family (issue: storage limitation). SQLite dialect; keep in
-- step with ../postgres/0025_referral_retention.sql. A referral not accepted or withdrawn holds everything typed about
-- both parents and was kept for ever; now it is reviewed under the schedule (referrals_not_accepted_years) like a
-- closed family's record. Tables of their own beside retention_reviews and retention_erasures, whose keys and
-- columns are a family's: a referral may have no area, and has a decision date rather than a closure.

-- The current review decision on such a referral, as retention_reviews is for a family. One row per referral.
CREATE TABLE referral_retention_reviews (
    referral_id   BIGINT PRIMARY KEY REFERENCES referrals (id),
    decision      TEXT NOT NULL CHECK (decision IN ('keep', 'erase')),
    review_on     DATE,          -- for 'keep': when it is due for review again
    reason_sealed TEXT NOT NULL, -- why, sealed
    decided_by    BIGINT NOT NULL REFERENCES staff (id),
    decided_at    TIMESTAMP NOT NULL
);

-- What is left of a deleted referral: its reference, area, dates, outcome, rule and who agreed, nothing about the
-- people in it. Its id is kept so that no later referral is given it (the audit log names records by id).
CREATE TABLE referral_erasures (
    id                 INTEGER PRIMARY KEY,
    referral_reference TEXT NOT NULL UNIQUE,
    referral_id        BIGINT NOT NULL UNIQUE, -- never given to another referral (see CreateReferral)
    area_id            BIGINT REFERENCES areas (id), -- NULL: from outside every area
    received_on        DATE NOT NULL,
    decided_on         DATE NOT NULL,
    outcome            TEXT NOT NULL,  -- not_accepted or withdrawn
    rule               TEXT NOT NULL,  -- the part of the schedule that made it due
    due_on             DATE NOT NULL,
    requested_by       BIGINT NOT NULL REFERENCES staff (id),
    requested_at       TIMESTAMP NOT NULL,
    approved_by        BIGINT NOT NULL REFERENCES staff (id),
    erased_at          TIMESTAMP NOT NULL,
    rows_erased        TEXT NOT NULL   -- JSON: rows deleted per table
);
CREATE INDEX referral_erasures_erased ON referral_erasures (erased_at);

-- Risk and safeguarding (issue: risk and safeguarding). SQLite dialect; keep in step with ../postgres/0004_risk.sql.

ALTER TABLE risk_assessments ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'; -- draft, complete
ALTER TABLE risk_assessments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE risk_assessments ADD COLUMN completed_at TIMESTAMP;
ALTER TABLE risk_assessments ADD COLUMN updated_at TIMESTAMP;

-- Risk to the baby and other children, in its own right.
CREATE TABLE child_risks (
    id              INTEGER PRIMARY KEY,
    family_id       BIGINT NOT NULL REFERENCES families (id),
    person_id       BIGINT REFERENCES people (id), -- the baby or a child; NULL: all the children
    level           TEXT NOT NULL CHECK (level IN ('standard', 'medium', 'high')),
    concerns_sealed TEXT NOT NULL,
    plan_sealed     TEXT NOT NULL,
    assessed_on     DATE NOT NULL,
    created_by      BIGINT NOT NULL REFERENCES staff (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX child_risks_family ON child_risks (family_id, assessed_on);

ALTER TABLE incidents ADD COLUMN injuries BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE safety_plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE safety_plan_reviews (
    id             INTEGER PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES safety_plans (id),
    reviewed_on    DATE NOT NULL,
    changes_sealed TEXT NOT NULL DEFAULT '',
    reviewed_by    BIGINT NOT NULL REFERENCES staff (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX safety_plan_reviews_plan ON safety_plan_reviews (plan_id, reviewed_on);

-- Safeguarding concerns: the escalation the scheduler last processed (a due time, not a send
-- time, so a restart neither misses nor repeats one), the outcome, and actions.
ALTER TABLE safeguarding_concerns ADD COLUMN last_escalation_at TIMESTAMP;
ALTER TABLE safeguarding_concerns ADD COLUMN outcome_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE safeguarding_concerns ADD COLUMN closed_at TIMESTAMP;
ALTER TABLE safeguarding_concerns ADD COLUMN area_id BIGINT REFERENCES areas (id);

CREATE TABLE concern_actions (
    id          INTEGER PRIMARY KEY,
    concern_id  BIGINT NOT NULL REFERENCES safeguarding_concerns (id),
    what_sealed TEXT NOT NULL,
    owner_id    BIGINT NOT NULL REFERENCES staff (id),
    due_on      DATE NOT NULL,
    done_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);

-- In-app alerts (a concern raised, an escalation): shown whether or not any email arrives.
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    concern_id BIGINT REFERENCES safeguarding_concerns (id),
    kind       TEXT NOT NULL, -- concern_raised, concern_escalated
    created_at TIMESTAMP NOT NULL,
    seen_at    TIMESTAMP
);
CREATE INDEX alerts_staff ON alerts (staff_id, seen_at);

-- Emergency numbers and helplines, per area (NULL: every area), edited by administrators.
CREATE TABLE key_contacts (
    id         INTEGER PRIMARY KEY,
    area_id    BIGINT REFERENCES areas (id),
    name       TEXT NOT NULL,
    number     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    updated_by BIGINT REFERENCES staff (id),
    updated_at TIMESTAMP NOT NULL
);

-- Cradle schema, SQLite dialect. Keep in step with ../postgres/0001_foundation.sql.
-- Columns ending _sealed hold AES-256-GCM ciphertext written by the store (see internal/seal);
-- nothing else in the schema holds addresses, contact details, notes or disclosures.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Funded areas (one local team each) and the remote "Connect" offer.
CREATE TABLE areas (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    local_authority TEXT NOT NULL DEFAULT '',
    remote          BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    area_id    BIGINT NOT NULL REFERENCES areas (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (area_id, name)
);

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE, -- stored lower-case
    name                 TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('practitioner', 'team_manager', 'dsl', 'admin', 'analyst')),
    job_title            TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    totp_secret_sealed   TEXT NOT NULL,
    totp_last_step       BIGINT NOT NULL DEFAULT 0,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    listed_publicly      BOOLEAN NOT NULL DEFAULT FALSE, -- a DSL who agreed to be named on the public site
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE staff_teams (
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    team_id  BIGINT NOT NULL REFERENCES teams (id),
    PRIMARY KEY (staff_id, team_id)
);

-- Sign-in sessions live in the database so several app instances can share them.
-- Only a hash of the cookie's token is stored.
CREATE TABLE login_sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    stage        TEXT NOT NULL CHECK (stage IN ('second_factor', 'change_password', 'active')),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_sessions_staff ON login_sessions (staff_id);

-- Failed sign-in attempts, for rate limiting per account and per address.
-- email is whatever was typed (lower-case), so unknown accounts are limited too.
CREATE TABLE signin_failures (
    id    INTEGER PRIMARY KEY,
    at    TIMESTAMP NOT NULL,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL
);
CREATE INDEX signin_failures_email ON signin_failures (email, at);
CREATE INDEX signin_failures_ip ON signin_failures (ip, at);

-- Other organisations: referral partners and the shared directory for the team around the baby.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL, -- children_social_care, midwifery, health_visiting, gp, police, housing, mental_health, substance_misuse, other
    area_id    BIGINT REFERENCES areas (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (name, kind)
);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    scopes          TEXT NOT NULL, -- space-separated, e.g. 'referrals:create'
    created_by      BIGINT NOT NULL REFERENCES staff (id),
    created_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP,
    revoked_at      TIMESTAMP
);

CREATE TABLE families (
    id             INTEGER PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE, -- e.g. FAM-2026-000042
    area_id        BIGINT NOT NULL REFERENCES areas (id),
    team_id        BIGINT REFERENCES teams (id),
    manager_id     BIGINT REFERENCES staff (id),
    stage          TEXT NOT NULL CHECK (stage IN ('referral', 'assessment', 'antenatal', 'birth', 'postnatal', 'ending', 'closed')),
    edd            DATE,            -- estimated due date
    programme_start DATE,
    safeguarding_status TEXT NOT NULL DEFAULT 'none', -- none, child_in_need, child_protection_plan, looked_after, unborn_assessment
    closed_on      DATE,
    closure_reason TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX families_area ON families (area_id, stage);

-- Everyone in a family: the two co-parents, the baby, other children.
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    family_id      BIGINT NOT NULL REFERENCES families (id),
    kind           TEXT NOT NULL CHECK (kind IN ('parent', 'baby', 'child')),
    parent_slot    INTEGER CHECK (parent_slot IN (1, 2)), -- which co-parent; NULL for children
    household      INTEGER CHECK (household IN (1, 2)),   -- for children: whose household they live in
    given_name     TEXT NOT NULL DEFAULT '',
    family_name    TEXT NOT NULL DEFAULT '',
    known_as       TEXT NOT NULL DEFAULT '',
    date_of_birth  DATE,
    gender         TEXT NOT NULL DEFAULT '',
    pronouns       TEXT NOT NULL DEFAULT '',
    experience     TEXT NOT NULL DEFAULT 'not_known', -- for parents: experiences, uses, both, not_known (abusive behaviours)
    address_sealed TEXT NOT NULL DEFAULT '',
    postcode_sealed TEXT NOT NULL DEFAULT '',
    phone_sealed   TEXT NOT NULL DEFAULT '',
    email_sealed   TEXT NOT NULL DEFAULT '',
    safe_contact_sealed TEXT NOT NULL DEFAULT '', -- safe times, can we leave a message, code words
    active         BOOLEAN NOT NULL DEFAULT TRUE, -- a parent may leave the programme
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX people_family ON people (family_id);
CREATE UNIQUE INDEX people_one_per_slot ON people (family_id, parent_slot) WHERE parent_slot IS NOT NULL;
CREATE INDEX people_name ON people (family_name, given_name);

-- Who works with whom. One current practitioner per parent, and never the same
-- practitioner for both parents of a family (the partial unique indexes enforce it).
CREATE TABLE allocations (
    id           INTEGER PRIMARY KEY,
    family_id    BIGINT NOT NULL REFERENCES families (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    allocated_by BIGINT REFERENCES staff (id),
    started_at   TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP,
    end_reason   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX allocations_current_person ON allocations (person_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX allocations_current_staff_family ON allocations (family_id, staff_id) WHERE ended_at IS NULL;
CREATE INDEX allocations_staff ON allocations (staff_id, ended_at);

CREATE TABLE referrals (
    id               INTEGER PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE, -- e.g. REF-2026-000123
    source           TEXT NOT NULL CHECK (source IN ('self', 'professional', 'partner', 'staff')),
    organisation_id  BIGINT REFERENCES organisations (id),
    area_id          BIGINT REFERENCES areas (id),
    family_id        BIGINT REFERENCES families (id),
    status           TEXT NOT NULL DEFAULT 'received', -- received, screening, accepted, not_eligible, signposted, withdrawn
    received_at      TIMESTAMP NOT NULL,
    acknowledged_at  TIMESTAMP,
    referrer_role    TEXT NOT NULL DEFAULT '',
    edd              DATE,
    content_sealed   TEXT NOT NULL, -- everything typed, as JSON
    decision_reason  TEXT NOT NULL DEFAULT '',
    signposted_to    TEXT NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES staff (id),
    decided_at       TIMESTAMP
);
CREATE INDEX referrals_status ON referrals (status, received_at);

-- Sessions and contacts with a parent (called case_sessions so as not to be confused with sign-in sessions).
CREATE TABLE case_sessions (
    id           INTEGER PRIMARY KEY,
    family_id    BIGINT NOT NULL REFERENCES families (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    staff_id     BIGINT NOT NULL REFERENCES staff (id),
    held_on      DATE NOT NULL,
    minutes      INTEGER NOT NULL DEFAULT 0,
    mode         TEXT NOT NULL, -- home, office, video, phone
    attendance   TEXT NOT NULL, -- attended, did_not_attend, cancelled_by_parent, cancelled_by_practitioner
    module       TEXT NOT NULL DEFAULT '',
    topic        TEXT NOT NULL DEFAULT '',
    joint        BOOLEAN NOT NULL DEFAULT FALSE,
    confidential BOOLEAN NOT NULL DEFAULT FALSE, -- hidden from the co-parent's practitioner
    notes_sealed TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_sessions_person ON case_sessions (person_id, held_on);
CREATE INDEX case_sessions_staff ON case_sessions (staff_id, held_on);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT REFERENCES families (id),
    person_id   BIGINT REFERENCES people (id),
    assigned_to BIGINT REFERENCES staff (id),
    kind        TEXT NOT NULL, -- e.g. consider_marac, review_safety_plan, measure_due
    title       TEXT NOT NULL,
    due_on      DATE,
    done_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX tasks_assigned ON tasks (assigned_to, done_at, due_on);

CREATE TABLE risk_assessments (
    id             INTEGER PRIMARY KEY,
    family_id      BIGINT NOT NULL REFERENCES families (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    staff_id       BIGINT NOT NULL REFERENCES staff (id),
    kind           TEXT NOT NULL DEFAULT 'dash', -- dash, child
    assessed_on    DATE NOT NULL,
    yes_count      INTEGER NOT NULL DEFAULT 0,
    level          TEXT NOT NULL, -- standard, medium, high
    judged_level   TEXT NOT NULL DEFAULT '',
    answers_sealed TEXT NOT NULL DEFAULT '', -- answers, context, judgement reasons as JSON
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX risk_assessments_person ON risk_assessments (person_id, assessed_on);

CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    family_id        BIGINT NOT NULL REFERENCES families (id),
    person_id        BIGINT REFERENCES people (id),
    occurred_on      DATE NOT NULL,
    reported_by      TEXT NOT NULL DEFAULT '',
    police_involved  BOOLEAN NOT NULL DEFAULT FALSE,
    children_present BOOLEAN NOT NULL DEFAULT FALSE,
    details_sealed   TEXT NOT NULL DEFAULT '',
    created_by       BIGINT REFERENCES staff (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX incidents_family ON incidents (family_id, occurred_on);

CREATE TABLE marac_referrals (
    id             INTEGER PRIMARY KEY,
    family_id      BIGINT NOT NULL REFERENCES families (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    referred_on    DATE NOT NULL,
    marac_area     TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '',
    actions_sealed TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES staff (id),
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE safety_plans (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT NOT NULL REFERENCES families (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    staff_id    BIGINT NOT NULL REFERENCES staff (id),
    plan_sealed TEXT NOT NULL DEFAULT '', -- structured sections as JSON
    review_on   DATE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX safety_plans_person ON safety_plans (person_id);

CREATE TABLE safeguarding_concerns (
    id               INTEGER PRIMARY KEY,
    family_id        BIGINT REFERENCES families (id),
    person_id        BIGINT REFERENCES people (id),
    raised_by        BIGINT NOT NULL REFERENCES staff (id),
    raised_at        TIMESTAMP NOT NULL,
    immediate_danger BOOLEAN NOT NULL DEFAULT FALSE,
    at_risk          TEXT NOT NULL DEFAULT '', -- parent, baby, child, other
    details_sealed   TEXT NOT NULL DEFAULT '',
    decision_due_at  TIMESTAMP NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open', -- open, decided, escalated, closed
    decision         TEXT NOT NULL DEFAULT '', -- csc_referral, police, marac, lado, advice, no_further_action
    reasons_sealed   TEXT NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES staff (id),
    decided_at       TIMESTAMP,
    outcome          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safeguarding_concerns_status ON safeguarding_concerns (status, decision_due_at);

CREATE TABLE measure_results (
    id             INTEGER PRIMARY KEY,
    family_id      BIGINT NOT NULL REFERENCES families (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    instrument     TEXT NOT NULL, -- phq9, gad7, core10, epds, wemwbs, swemwbs, ders16, asq3, asqse2, ...
    timepoint      TEXT NOT NULL, -- baseline, late_pregnancy, m6, m12, m24
    taken_on       DATE NOT NULL,
    total          NUMERIC,
    band           TEXT NOT NULL DEFAULT '',
    answers_sealed TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES staff (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX measure_results_person ON measure_results (person_id, instrument, taken_on);

-- The team around the baby.
CREATE TABLE professionals (
    id              INTEGER PRIMARY KEY,
    organisation_id BIGINT REFERENCES organisations (id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT '',
    phone_sealed    TEXT NOT NULL DEFAULT '',
    email_sealed    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE family_professionals (
    family_id       BIGINT NOT NULL REFERENCES families (id),
    professional_id BIGINT NOT NULL REFERENCES professionals (id),
    since           DATE,
    PRIMARY KEY (family_id, professional_id)
);

CREATE TABLE meetings (
    id                INTEGER PRIMARY KEY,
    family_id         BIGINT NOT NULL REFERENCES families (id),
    kind              TEXT NOT NULL, -- team_around_baby, cp_conference, core_group, child_in_need, marac
    held_on           DATE NOT NULL,
    status_after      TEXT NOT NULL DEFAULT '', -- safeguarding status after the meeting
    minutes_sealed    TEXT NOT NULL DEFAULT '',
    created_by        BIGINT REFERENCES staff (id),
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE information_sharing (
    id              INTEGER PRIMARY KEY,
    family_id       BIGINT NOT NULL REFERENCES families (id),
    person_id       BIGINT REFERENCES people (id),
    shared_at       TIMESTAMP NOT NULL,
    recipient       TEXT NOT NULL,
    method          TEXT NOT NULL, -- secure_email, phone, meeting, document
    lawful_basis    TEXT NOT NULL,
    consent         TEXT NOT NULL, -- given, refused, not_sought
    consent_reason  TEXT NOT NULL DEFAULT '',
    what_sealed     TEXT NOT NULL DEFAULT '',
    why_sealed      TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES staff (id)
);

CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people (id),
    scope        TEXT NOT NULL, -- what may be shared, with whom
    given_on     DATE NOT NULL,
    withdrawn_on DATE,
    created_by   BIGINT REFERENCES staff (id),
    created_at   TIMESTAMP NOT NULL
);

-- "Break the glass": a practitioner's time-limited, reasoned access to the co-parent's confidential details.
CREATE TABLE overrides (
    id         INTEGER PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    reason     TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX overrides_person ON overrides (person_id, expires_at);

CREATE TABLE mailing_list (
    id                 INTEGER PRIMARY KEY,
    email_hash         TEXT NOT NULL UNIQUE, -- for look-ups without decrypting
    email_sealed       TEXT NOT NULL,
    confirm_token_hash TEXT NOT NULL DEFAULT '',
    confirmed_at       TIMESTAMP,
    unsubscribed_at    TIMESTAMP,
    created_at         TIMESTAMP NOT NULL
);

-- The tamper-evident audit log. id is assigned by the store (1, 2, 3 … without gaps)
-- and every row carries the hash of the one before (see internal/audit).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    BIGINT NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_type TEXT NOT NULL DEFAULT '',
    record_id   BIGINT NOT NULL DEFAULT 0,
    family_id   BIGINT NOT NULL DEFAULT 0,
    ip          TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id);
CREATE INDEX audit_log_family ON audit_log (family_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);

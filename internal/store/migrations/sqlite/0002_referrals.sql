-- Referrals, intake and outgoing mail (issue: referrals). SQLite dialect; keep in step with ../postgres/0002_referrals.sql.

-- Named counters for references such as REF-2026-000123: UPDATE … RETURNING takes a row lock,
-- so two concurrent referrals never get the same number.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Referral screening: who screened, what they decided and why.
ALTER TABLE referrals ADD COLUMN decision TEXT NOT NULL DEFAULT '';       -- not-accepted reason code
ALTER TABLE referrals ADD COLUMN api_token_id BIGINT REFERENCES api_tokens (id);
ALTER TABLE referrals ADD COLUMN updated_at TIMESTAMP;
CREATE INDEX referrals_area ON referrals (area_id, status, received_at);

-- A self-referral in progress: the answers so far, sealed, keyed by a random cookie token's hash.
CREATE TABLE referral_drafts (
    token_hash     TEXT PRIMARY KEY,
    content_sealed TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- Public form submissions, for rate limiting by (hashed) address.
CREATE TABLE public_submissions (
    id      INTEGER PRIMARY KEY,
    at      TIMESTAMP NOT NULL,
    form    TEXT NOT NULL,
    ip_hash TEXT NOT NULL
);
CREATE INDEX public_submissions_ip ON public_submissions (ip_hash, at);

-- Exact-match keys for finding people already known (see internal/match): several per person
-- (name variants, phonetic forms). Phone, email and NHS number keys are keyed hashes (blind
-- indexes), never the values in clear.
ALTER TABLE people ADD COLUMN nhs_number_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN linked_person_id BIGINT REFERENCES people (id); -- the same person in an earlier family
CREATE INDEX people_dob ON people (date_of_birth);
CREATE TABLE person_match_keys (
    person_id BIGINT NOT NULL REFERENCES people (id),
    kind      TEXT NOT NULL, -- name, phonetic, phone, email, nhs
    match_key TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, match_key)
);
CREATE INDEX person_match_keys_key ON person_match_keys (kind, match_key);

-- Mailing list: double opt-in with an expiring token (unsubscribe links carry a keyed hash of the id).
ALTER TABLE mailing_list ADD COLUMN name_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE mailing_list ADD COLUMN confirm_expires_at TIMESTAMP;

-- Outgoing email. Written in the same transaction as the change that causes it, sent by a
-- background worker; claimed with a lease (FOR UPDATE SKIP LOCKED) so each message is sent once.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL, -- referral_ack, referral_outcome, referral_more_info, mailing_confirm, ...
    recipient_sealed TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_sealed      TEXT NOT NULL,
    headers          TEXT NOT NULL DEFAULT '', -- JSON object of extra headers
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    leased_until     TIMESTAMP,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

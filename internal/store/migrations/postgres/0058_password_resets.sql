-- Self-service password resets for staff. PostgreSQL dialect; keep in step with
-- ../sqlite/0058_password_resets.sql.
-- A member of staff who has forgotten their password asks for a link by email, then sets a new one with a security
-- code from their authenticator app: the mailbox alone does not give the account. Each account has at most one link
-- (a new request replaces the row); only the SHA-256 of the link's token is kept, which is not personal data and
-- is not sealed. created_at is when the link was sent (for the limit on how often one is sent), used_at when it
-- was used: a link works once, until expires_at.
CREATE TABLE password_resets (
    staff_id   BIGINT PRIMARY KEY REFERENCES staff (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Keyed hashes for the audit log. The chain's hashes can be worked out again by anyone who can write to the
-- database, so a log rewritten hashes and all verified as intact unless an anchor recorded outside caught it.
-- Each commit now also writes, for its last entry, a keyed hash (HMAC) of "ID:HASH" under the deployment's
-- blind-index key, which lives outside the database; cradle audit verify checks each one and that the log's last
-- entry has one. They sit beside the log, not in it, so the entries' own rows stay as they were written.
-- The migration's Go step writes one for the log's head as it stands (see store.keyAuditHead).
CREATE TABLE audit_macs (
    entry_id INTEGER PRIMARY KEY REFERENCES audit_log (id),
    mac      TEXT NOT NULL
);

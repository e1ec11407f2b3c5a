-- Staff password hashes sealed with the deployment's key. SQLite dialect; keep in step with
-- ../postgres/0044_staff_password_sealed.sql.
-- An argon2id hash is slow to attack, not impossible: a copy of the database (the SQLite file, a
-- replica) let anyone try common passwords against every account offline. Sealed (AES-256-GCM, bound to its
-- row, under the keys that are never in the database), a hash is useless without the key file as well: the
-- key acts as a pepper, as the OWASP password storage guidance describes, and rotates with the other keys.
-- The store seals each existing hash into the new column in this transaction (sealPasswordHashes in
-- migrate.go); migration 45 then drops the clear column.
ALTER TABLE staff ADD COLUMN password_hash_sealed TEXT NOT NULL DEFAULT '';

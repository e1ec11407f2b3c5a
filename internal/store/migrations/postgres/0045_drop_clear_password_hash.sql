-- The clear password hash column goes: migration 44 sealed every hash into staff.password_hash_sealed, and
-- nothing reads this one. PostgreSQL dialect; keep in step with ../sqlite/0045_drop_clear_password_hash.sql.
-- Dropped rather than left empty so that a hash written into it (by hand, or by an older copy of Cradle) is
-- refused by the database instead of lying there.
ALTER TABLE staff DROP COLUMN password_hash;

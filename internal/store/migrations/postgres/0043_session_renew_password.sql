-- A sign-in whose password no longer meets the rules. PostgreSQL dialect; keep in step with
-- ../sqlite/0043_session_renew_password.sql.
-- A password is checked against the rules (and the list of common passwords) when it is set, and again at each
-- sign-in, as the list grows and the rules may tighten. One that fails is still the right password: the half
-- session it opens carries this mark, and after the security code it leads only to choosing a new password.
ALTER TABLE login_sessions ADD COLUMN renew_password BOOLEAN NOT NULL DEFAULT FALSE;

-- A practitioner's account disabled moves the caseload cache's epoch. PostgreSQL dialect; keep in step with
-- ../sqlite/0039_staff_disabled_caseload.sql.
-- Caseloads now show, beside each parent, whether the account of the practitioner allocated to them is disabled (they
-- have no one working with them until someone else is allocated). Every family shows its practitioners' accounts, as
-- it shows their names: disabling or enabling an account counts as a change to what every family shows, like a rename.
CREATE TRIGGER staff_caseload_disabled AFTER UPDATE OF disabled ON staff FOR EACH ROW EXECUTE FUNCTION caseload_names_changed();

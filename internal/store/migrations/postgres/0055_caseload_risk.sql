-- Each parent's risk level on the caseload. PostgreSQL dialect; keep in step with
-- ../sqlite/0055_caseload_risk.sql.
-- A caseload now shows beside each parent the level of their latest completed DASH assessment, so a practitioner
-- or manager sees who is at high risk without opening every record. The caseload's cache (migration 20) keeps what it
-- read for a family until the family's count moves: an assessment saved, completed or removed now moves it.
CREATE TRIGGER risk_assessments_caseload_insert AFTER INSERT ON risk_assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();
CREATE TRIGGER risk_assessments_caseload_update AFTER UPDATE ON risk_assessments REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_updated();
CREATE TRIGGER risk_assessments_caseload_delete AFTER DELETE ON risk_assessments REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION caseload_rows_changed();

-- Each parent's risk level on the caseload. SQLite dialect; keep in step with
-- ../postgres/0055_caseload_risk.sql.
-- A caseload now shows beside each parent the level of their latest completed DASH assessment, so a practitioner
-- or manager sees who is at high risk without opening every record. The caseload's cache (migration 20) keeps what it
-- read for a family until the family's count moves: an assessment saved, completed or removed now moves it.
CREATE TRIGGER risk_assessments_caseload_insert AFTER INSERT ON risk_assessments BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER risk_assessments_caseload_update AFTER UPDATE ON risk_assessments BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
    INSERT INTO caseload_changes (family_id, n) VALUES (NEW.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER risk_assessments_caseload_delete AFTER DELETE ON risk_assessments BEGIN
    INSERT INTO caseload_changes (family_id, n) VALUES (OLD.family_id, 1) ON CONFLICT (family_id) DO UPDATE SET n = n + 1;
END;

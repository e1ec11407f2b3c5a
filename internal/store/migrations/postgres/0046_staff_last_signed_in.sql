-- When each account last signed in (both steps). PostgreSQL dialect; keep in step with
-- ../sqlite/0046_staff_last_signed_in.sql.
-- An account nobody uses is an open door: someone who left, or moved on, and was never disabled. The
-- administrators' staff list shows when each account last signed in and marks an active one unused for 90 days,
-- for the periodic review of who can get in. Set with each accepted security code (Tx.UseTOTPStep); existing
-- accounts take their latest sign-in from the audit log (found through its record index), NULL if none.
ALTER TABLE staff ADD COLUMN last_signed_in_at TIMESTAMPTZ;
UPDATE staff SET last_signed_in_at = (SELECT MAX(a.at) FROM audit_log a
    WHERE a.record_type = 'staff' AND a.record_id = staff.id AND a.action = 'signin.success');

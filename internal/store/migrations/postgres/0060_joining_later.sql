-- A parent who will join later. PostgreSQL dialect; keep in step with ../sqlite/0060_joining_later.sql.
-- PROGRAMME.md §1: "a parent may join later or leave". Until now a parent not ready to start was recorded as
-- leaving ("other") and rejoining, so the reports counted them among the parents who left. A departure may now be
-- 'joining_later': the parent had not started (no session attended), is not taking part from the family's
-- acceptance, and "rejoining" is joining. The reports' leavers leave it out.
ALTER TABLE departures DROP CONSTRAINT departures_reason_check;
ALTER TABLE departures ADD CONSTRAINT departures_reason_check
    CHECK (reason IN ('withdrew', 'disengaged', 'moved_out_of_area', 'not_suitable', 'safety_concern', 'other', 'joining_later'));

-- The staff of an area by team, and the DSLs by role (issue: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0016_staff_by_area.sql. Every family page an editor opens lists the area's staff (to allocate or
-- assign to); without an index on staff_teams by team, SQLite built a temporary one on each view, and the staff
-- table was read whole for its DSLs: 43% of the family page's time at 100,000 families.
CREATE INDEX staff_teams_team ON staff_teams (team_id, staff_id);
CREATE INDEX staff_role ON staff (role);

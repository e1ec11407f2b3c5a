-- Members of the team around the baby who have left it. SQLite dialect; keep in step with
-- ../postgres/0050_team_members_left.sql.
-- Social workers, midwives and health visitors change while a family is on the programme; the team's list (on the
-- family page, and in letters and meeting reports to other agencies) must name the current team, and the family's
-- record must still say who was in it before. A member who leaves is not deleted: left_on is the day they left,
-- left_by who recorded it; every current list says left_on IS NULL.
ALTER TABLE family_professionals ADD COLUMN left_on DATE;
ALTER TABLE family_professionals ADD COLUMN left_by BIGINT REFERENCES staff (id);

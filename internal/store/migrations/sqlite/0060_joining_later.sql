-- A parent who will join later. SQLite dialect; keep in step with ../postgres/0060_joining_later.sql.
-- PROGRAMME.md §1: "a parent may join later or leave". Until now a parent not ready to start was recorded as
-- leaving ("other") and rejoining, so the reports counted them among the parents who left. A departure may now be
-- 'joining_later': the parent had not started (no session attended), is not taking part from the family's
-- acceptance, and "rejoining" is joining. The reports' leavers leave it out.
-- SQLite cannot change a CHECK constraint: the table is made again with the wider one, its rows copied with their
-- ids (each sealed note is bound to its row's id), and its indexes made again. No table refers to departures.
CREATE TABLE departures_new (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT NOT NULL REFERENCES families (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    reason      TEXT NOT NULL CHECK (reason IN ('withdrew', 'disengaged', 'moved_out_of_area', 'not_suitable', 'safety_concern', 'other', 'joining_later')),
    note_sealed TEXT NOT NULL DEFAULT '',
    left_on     DATE NOT NULL,
    rejoined_on DATE,
    created_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at  TIMESTAMP NOT NULL,
    rejoined_by BIGINT REFERENCES staff (id),
    rejoined_at TIMESTAMP
);
INSERT INTO departures_new (id, family_id, person_id, reason, note_sealed, left_on, rejoined_on, created_by, created_at, rejoined_by, rejoined_at)
    SELECT id, family_id, person_id, reason, note_sealed, left_on, rejoined_on, created_by, created_at, rejoined_by, rejoined_at FROM departures;
DROP TABLE departures;
ALTER TABLE departures_new RENAME TO departures;
CREATE INDEX departures_person ON departures (person_id, left_on);
CREATE INDEX departures_family ON departures (family_id);
CREATE INDEX departures_left ON departures (left_on); -- the reports count those who left in a range

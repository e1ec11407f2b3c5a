-- A parent leaving the programme while the other carries on, and coming back. SQLite dialect; keep in step with
-- ../postgres/0059_departures.sql.
-- PROGRAMME.md §1: a parent may leave. Until now only the whole family's case could close; people.active (there
-- since migration 1, always true) now says whether a parent takes part, and this table says when each left, why,
-- and when they rejoined. One row a time away: rejoined_on is empty while they are away. The note is sealed to its
-- row and follows the parent's confidentiality (a move may be a location clue); the reason is a code from a list.
CREATE TABLE departures (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT NOT NULL REFERENCES families (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    reason      TEXT NOT NULL CHECK (reason IN ('withdrew', 'disengaged', 'moved_out_of_area', 'not_suitable', 'safety_concern', 'other')),
    note_sealed TEXT NOT NULL DEFAULT '',
    left_on     DATE NOT NULL,
    rejoined_on DATE,
    created_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at  TIMESTAMP NOT NULL,
    rejoined_by BIGINT REFERENCES staff (id),
    rejoined_at TIMESTAMP
);
CREATE INDEX departures_person ON departures (person_id, left_on);
CREATE INDEX departures_family ON departures (family_id);
CREATE INDEX departures_left ON departures (left_on); -- the reports count those who left in a range

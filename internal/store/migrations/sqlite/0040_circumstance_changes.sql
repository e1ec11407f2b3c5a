-- A parent's changes in circumstances. SQLite dialect; keep in step with
-- ../postgres/0040_circumstance_changes.sql.
-- Risk is dynamic: a separation, getting back together, a release from custody, a move or a new partner prompts a
-- risk review, as an incident does. Its kind and date are in clear, its note sealed to its row. What changed (kind and
-- note) is shown only to those who may see the parent's confidential details: the other parent's practitioner is told
-- only that a change was recorded, and when. The person page lists a parent's changes newest first.
CREATE TABLE circumstance_changes (
    id          INTEGER PRIMARY KEY,
    family_id   BIGINT NOT NULL REFERENCES families (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    kind        TEXT NOT NULL,
    changed_on  DATE NOT NULL,
    note_sealed TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES staff (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX circumstance_changes_person ON circumstance_changes (person_id, changed_on);

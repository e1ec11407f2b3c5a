-- Meetings of the team around the baby (issue: team around the baby). SQLite dialect; keep in step with ../postgres/0005_meetings.sql.
ALTER TABLE meetings ADD COLUMN attendees_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN parents_attended TEXT NOT NULL DEFAULT ''; -- space-separated person ids
ALTER TABLE meetings ADD COLUMN decisions_sealed TEXT NOT NULL DEFAULT '';

-- The family's safeguarding status over time (an outcome measure): each change, from a meeting.
CREATE TABLE safeguarding_status_history (
    id         INTEGER PRIMARY KEY,
    family_id  BIGINT NOT NULL REFERENCES families (id),
    status     TEXT NOT NULL CHECK (status IN ('none', 'child_in_need', 'child_protection_plan', 'looked_after')),
    from_date  DATE NOT NULL,
    meeting_id BIGINT REFERENCES meetings (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX safeguarding_status_history_family ON safeguarding_status_history (family_id, from_date);

-- Reminders staff set themselves about a parent. PostgreSQL dialect; keep in step with ../sqlite/0061_reminders.sql.
-- A practitioner's follow-ups ("ring the housing officer about the move on Friday") had no place: every task was one
-- Cradle made. A reminder is a task (kind 'reminder') on its setter's own list, about one parent, due on a day. Its
-- title names only the parent; its words are sealed to the task's row (note_sealed, context tasks.note) and shown only
-- to those who may see that parent's confidential details, on the parent's page. created_by is who set it.
ALTER TABLE tasks ADD COLUMN note_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN created_by BIGINT REFERENCES staff (id);
-- The parent's page lists their reminders: by person, open ones first.
CREATE INDEX tasks_person ON tasks (person_id, kind, done_at);

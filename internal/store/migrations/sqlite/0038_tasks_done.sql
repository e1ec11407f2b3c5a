-- Tasks marked done, by whom; a concern's action's task linked to its action. SQLite dialect; keep in step with
-- ../postgres/0038_tasks_done.sql.
-- A task (a risk review after an incident, the follow-up of a worrying answer, a concern's action) was closed only by
-- the code that made one kind of them (a MARAC referral ends "consider MARAC"); the rest stayed open for ever. Whoever a
-- task is for, or a team manager of its family's area, now marks it done (store.CompleteTask): done_at and done_by.
-- A concern's action is done when its task is: concern_action_id links them.
ALTER TABLE tasks ADD COLUMN done_by BIGINT REFERENCES staff (id);
ALTER TABLE tasks ADD COLUMN concern_action_id BIGINT REFERENCES concern_actions (id);
-- Tasks made for a concern's actions before this migration: each was written in the same transaction as its action, for
-- its owner, due the same day, in the concern's family. Only a match that is the only one is linked: a decision that gave
-- one owner two actions due the same day leaves both unlinked (each action then shows whether it is done as before).
UPDATE tasks SET concern_action_id = (SELECT MIN(a.id) FROM concern_actions a JOIN safeguarding_concerns c ON c.id = a.concern_id
    WHERE a.owner_id = tasks.assigned_to AND a.due_on = tasks.due_on AND a.created_at = tasks.created_at AND c.family_id = tasks.family_id)
WHERE kind = 'concern_action' AND (SELECT COUNT(*) FROM concern_actions a JOIN safeguarding_concerns c ON c.id = a.concern_id
    WHERE a.owner_id = tasks.assigned_to AND a.due_on = tasks.due_on AND a.created_at = tasks.created_at AND c.family_id = tasks.family_id) = 1;
CREATE INDEX tasks_family ON tasks (family_id, done_at);

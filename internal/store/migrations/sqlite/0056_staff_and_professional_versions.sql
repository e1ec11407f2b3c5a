-- Versions for the staff account form and a team member's form. SQLite dialect; keep in step with
-- ../postgres/0056_staff_and_professional_versions.sql.
-- Two administrators changing one account, or two practitioners one professional's details, each from a form opened
-- before the other saved, overwrote the first change silently. Each save now names the version its form was opened
-- at, and a save against a version moved on since is refused as a conflict, the editor's text shown again.
ALTER TABLE staff ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE professionals ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

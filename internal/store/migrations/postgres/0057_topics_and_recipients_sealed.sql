-- A session's topic and a disclosure's recipient sealed. PostgreSQL dialect; keep in step with
-- ../sqlite/0057_topics_and_recipients_sealed.sql.
-- Both were withheld from the other parent's practitioner (a confidential session's topic with its notes, the
-- recipient of what was shared about a parent with what was shared) but stored in clear, so a refuge's or a new GP's
-- name, or what a parent disclosed, typed into them could be read from a copy of the database or a backup. They are
-- now sealed like every other confidential field (AES-256-GCM, bound to their row): a session's topic, and each
-- earlier version's in case_session_history, in topic_sealed; a disclosure's recipient in recipient_sealed. The
-- store seals each value already there into the new column in this transaction and empties the clear one
-- (sealTopicsAndRecipients in migrate.go), refusing, with nothing changed, keys that open none of the rows' other
-- sealed values. The clear columns stay, empty and no longer written or read.
ALTER TABLE case_sessions ADD COLUMN topic_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE case_session_history ADD COLUMN topic_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE information_sharing ADD COLUMN recipient_sealed TEXT NOT NULL DEFAULT '';

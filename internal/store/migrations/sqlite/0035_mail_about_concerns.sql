-- Alerts about a safeguarding concern linked to it, so that its page can say whether the designated safeguarding leads
-- were told. SQLite dialect; keep in step with ../postgres/0035_mail_about_concerns.sql. Until now the emails alerting
-- the leads to a concern (and reminding them when its decision was overdue) named it only in their text, and the page
-- said "Every designated safeguarding lead has been told" whether or not anyone had been, or the mail server had
-- refused: whoever raised it could not know to phone a lead. The migration's Go step (linkConcernMail) links the
-- messages already queued whose text is still held, by the link to the concern in it. The page also counts the
-- concern's in-app alerts, which had no index by concern (only by member of staff): alerts_concern. Overdue reminders
-- were queued as concern_alert too; they are now their own kind, told apart by their subject (never cleared).
ALTER TABLE outbox ADD COLUMN concern_id BIGINT REFERENCES safeguarding_concerns (id);
CREATE INDEX outbox_concern ON outbox (concern_id) WHERE concern_id IS NOT NULL;
CREATE INDEX alerts_concern ON alerts (concern_id);
UPDATE outbox SET kind = 'concern_overdue' WHERE kind = 'concern_alert' AND subject LIKE 'Overdue:%';

-- The concerns closed lately, latest first. SQLite dialect; keep in step with ../postgres/0037_closed_concerns.sql.
-- /concerns lists the concerns closed in the last year beside the open ones (store.ClosedConcerns), so that whoever
-- raised one follows it to its outcome: the index finds them among a decade's closed concerns by when each closed, and
-- holds what each reader's scope asks of them, as safeguarding_concerns_open (migration 14) does for the open ones.
CREATE INDEX safeguarding_concerns_closed ON safeguarding_concerns (status, closed_at, area_id, raised_by, family_id);

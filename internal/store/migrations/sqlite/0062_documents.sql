-- Documents kept on a parent's record. SQLite dialect; keep in step with
-- ../postgres/0062_documents.sql.
-- A letter from children's social care, a signed consent form, a child protection plan: a file about one parent,
-- read only by those who may see that parent's confidential details (as a confidential note is). The title and the
-- file are sealed to their row; kind is what the content is (found from its bytes, never its name). A document
-- added in error (to the wrong parent's record, say) is removed with a reason: its file is erased then, and the
-- row kept to say what was removed, by whom and why. The file comes last so that listing a parent's documents
-- reads none of it.
CREATE TABLE documents (
    id                    INTEGER PRIMARY KEY,
    family_id             BIGINT NOT NULL REFERENCES families (id),
    person_id             BIGINT NOT NULL REFERENCES people (id),
    title_sealed          TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png')),
    size_bytes            INTEGER NOT NULL CHECK (size_bytes > 0),
    added_by              BIGINT NOT NULL REFERENCES staff (id),
    added_at              TIMESTAMP NOT NULL,
    removed_at            TIMESTAMP,
    removed_by            BIGINT REFERENCES staff (id),
    removed_reason_sealed TEXT NOT NULL DEFAULT '',
    content_sealed        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX documents_person ON documents (person_id);
CREATE INDEX documents_family ON documents (family_id);

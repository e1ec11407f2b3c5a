-- Appointments booked with a parent. SQLite dialect; keep in step with ../postgres/0064_appointments.sql.
-- Sessions were recorded only once held: nothing said when a parent's next session was, so a practitioner kept a
-- diary elsewhere, and a session missed was noticed only when someone looked for it. An appointment is a session
-- booked with one parent: the day (on_day), the time of day they were told (at_time, 'HH:MM', wall-clock: no zone
-- to convert), how it will take place (mode, as a session's) and, when not at home or the office, where (place_sealed,
-- sealed to the row, context appointments.place). When and where a parent will be is one of their confidential
-- details: the store shows appointments only to those who may see them. What happened is recorded as a session, as
-- before; a session recorded with the parent on the appointment's day is its session (session_id). One cancelled
-- keeps when, by whom and why (cancel_reason): the four a practitioner gives, or, cancelled by Cradle with the change
-- that made it moot, the parent leaving the programme (those after the day they left) or the case closing (all).
CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY,
    family_id     BIGINT NOT NULL REFERENCES families (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    on_day        DATE NOT NULL,
    at_time       TEXT NOT NULL CHECK (length(at_time) = 5),
    mode          TEXT NOT NULL CHECK (mode IN ('home', 'office', 'video', 'phone')),
    place_sealed  TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL REFERENCES staff (id),
    created_at    TIMESTAMP NOT NULL,
    cancelled_at  TIMESTAMP,
    cancelled_by  BIGINT REFERENCES staff (id),
    cancel_reason TEXT CHECK (cancel_reason IN ('rearranged', 'cancelled_by_parent', 'cancelled_by_practitioner', 'booked_in_error',
                                                'left_programme', 'case_closed')),
    session_id    BIGINT REFERENCES case_sessions (id)
);
-- A parent's page lists theirs by day; a practitioner's diary reaches them through the parents allocated to them.
CREATE INDEX appointments_person ON appointments (person_id, on_day);
CREATE INDEX appointments_family ON appointments (family_id);
CREATE INDEX appointments_session ON appointments (session_id) WHERE session_id IS NOT NULL;

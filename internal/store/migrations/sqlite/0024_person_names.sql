-- Each person's names in the order a search lists them, kept by triggers (issue #8: performance). SQLite dialect;
-- keep in step with ../postgres/0024_person_names.sql. A manager's or DSL's one-name search ("Kazlauskas") lists open
-- families' people first, then the newest references: at 100,000 families the seed's commonest family name is 1,588
-- people nationally, and ordering them read each one's family (15 ms on a cold cache, against well under 1 ms at
-- 1,000 families). Here each of a person's names (given, family, known as; lower-cased as the search compares them)
-- sits with the family facts that order and narrow a search, so a search reads its page's rows from one index in
-- order. Written by whoever writes people or families, in the same transaction. Derived: backups leave it out, a
-- restore fills it through the triggers. Names are not new data here (they are the people table's own); an erasure
-- deletes the people, and so these rows.
CREATE TABLE person_names (
    person_id BIGINT NOT NULL,
    name      TEXT NOT NULL,     -- lower(given_name), lower(family_name) or lower(known_as), never empty
    closed    BOOLEAN NOT NULL,  -- the family's case is closed
    reference TEXT NOT NULL,     -- the family's reference
    family_id BIGINT NOT NULL,
    area_id   BIGINT NOT NULL,
    PRIMARY KEY (person_id, name)
);
-- A search's order (open first, newest reference first), with what it narrows by and returns.
CREATE INDEX person_names_search ON person_names (name, closed, reference DESC, person_id, family_id, area_id);
CREATE INDEX person_names_family ON person_names (family_id);

CREATE TRIGGER people_names_insert AFTER INSERT ON people BEGIN
    INSERT INTO person_names (person_id, name, closed, reference, family_id, area_id)
        SELECT NEW.id, n.name, f.stage = 'closed', f.reference, f.id, f.area_id
        FROM (SELECT lower(NEW.given_name) AS name UNION SELECT lower(NEW.family_name) UNION SELECT lower(NEW.known_as)) n
            JOIN families f ON f.id = NEW.family_id
        WHERE n.name <> '';
END;
CREATE TRIGGER people_names_update AFTER UPDATE OF id, given_name, family_name, known_as, family_id ON people BEGIN
    DELETE FROM person_names WHERE person_id = OLD.id;
    INSERT INTO person_names (person_id, name, closed, reference, family_id, area_id)
        SELECT NEW.id, n.name, f.stage = 'closed', f.reference, f.id, f.area_id
        FROM (SELECT lower(NEW.given_name) AS name UNION SELECT lower(NEW.family_name) UNION SELECT lower(NEW.known_as)) n
            JOIN families f ON f.id = NEW.family_id
        WHERE n.name <> '';
END;
CREATE TRIGGER people_names_delete AFTER DELETE ON people BEGIN
    DELETE FROM person_names WHERE person_id = OLD.id;
END;
CREATE TRIGGER families_names_update AFTER UPDATE OF stage, reference, area_id ON families
    WHEN OLD.stage IS NOT NEW.stage OR OLD.reference IS NOT NEW.reference OR OLD.area_id IS NOT NEW.area_id BEGIN
    UPDATE person_names SET closed = NEW.stage = 'closed', reference = NEW.reference, area_id = NEW.area_id
        WHERE family_id = NEW.id;
END;

INSERT INTO person_names (person_id, name, closed, reference, family_id, area_id)
    SELECT n.id, n.name, f.stage = 'closed', f.reference, f.id, f.area_id
    FROM (SELECT id, family_id, lower(given_name) AS name FROM people UNION SELECT id, family_id, lower(family_name) FROM people
        UNION SELECT id, family_id, lower(known_as) FROM people) n
        JOIN families f ON f.id = n.family_id
    WHERE n.name <> '';

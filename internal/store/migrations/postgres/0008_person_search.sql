-- Person search (issue: performance). PostgreSQL dialect; keep in step with ../sqlite/0008_person_search.sql.
-- "Find a person" looks up one typed name case-insensitively in given, family and known-as names;
-- these indexes keep that a lookup, not a scan, at 300,000 people.
CREATE INDEX people_family_name_lower ON people (lower(family_name));
CREATE INDEX people_given_name_lower ON people (lower(given_name));
CREATE INDEX people_known_as_lower ON people (lower(known_as));

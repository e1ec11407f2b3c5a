-- Children with no date of birth (issue: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0023_undated_children.sql. The records retention review list works out only the records that
-- could be on it today (retention.ListBounds); a record whose child has no birth date (other than a baby
-- counted from its due date) has no date at all and is always listed, so each closed family is asked whether it
-- has one: the index holds only the children with no birth date (those not yet born, and any whose date was never
-- recorded), a tenth of the people table's size or less, rather than every person of every family.
CREATE INDEX people_undated_children ON people (family_id) WHERE kind IN ('baby', 'child') AND date_of_birth IS NULL;

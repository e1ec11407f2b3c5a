-- Open families in reference order, by area and across every area (issue: performance). PostgreSQL dialect; keep in
-- step with ../sqlite/0019_open_families.sql. A caseload lists open families by reference, up to its limit:
-- a DSL's read the whole families table through the reference index, skipping 60,000 closed families to find
-- 500 open ones at 100,000 families, and a manager's read every family of their areas, closed or not. With
-- these, each reads only the open families it lists.
CREATE INDEX families_open_reference ON families (reference) WHERE stage <> 'closed';
CREATE INDEX families_open_area ON families (area_id, reference) WHERE stage <> 'closed';

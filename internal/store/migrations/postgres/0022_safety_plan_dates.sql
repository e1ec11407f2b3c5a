-- Safety plans and their reviews by date (issue: performance). PostgreSQL dialect; keep in step with
-- ../sqlite/0022_safety_plan_dates.sql. The dashboard's safeguarding section counts the plans written and the
-- reviews held in its period: with no index on either date, each count read the whole table (a plan's row holds
-- its sealed sections), about 0.4 s together at 100,000 families (66,000 plans, 350,000 reviews). Each index
-- holds what its count reads, the family (for an area's figures) or the plan (to find the family) beside the date.
CREATE INDEX safety_plans_created ON safety_plans (created_at, family_id);
CREATE INDEX safety_plan_reviews_reviewed ON safety_plan_reviews (reviewed_on, plan_id);

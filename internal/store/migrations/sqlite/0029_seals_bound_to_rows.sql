-- Sealed values bound to their row as well as their column. Until now each sealed value was bound to its column
-- only (GCM additional data such as "people.address"), so someone who could write to the database, without the
-- key, could copy one co-parent's sealed address, or a session note they disclosed in confidence, into a row of
-- the other co-parent, whose practitioner would be shown it. From this version a person's contact details and NHS
-- number, and what is recorded about each parent (session and supervision notes, incidents, DASH answers, MARAC
-- actions, safety plans and their reviews, VIG strengths, pause notes, measure answers, safeguarding concerns and their
-- actions, risk to the children), and a referral's content, are sealed under "<table>.<field>#<id>" and open only
-- in their own row (store.SealedColumn.BindRow).
-- The schema does not change; the migration's Go step (store.bindSealsToRows) seals the values already there again.
SELECT 1;

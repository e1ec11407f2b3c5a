-- A person's contact details and NHS number sealed to their row. Until now each sealed value was bound to its
-- column only (GCM additional data "people.address"), so someone who could write to the database, without the key,
-- could copy one co-parent's sealed address into the other co-parent's row, where the other parent's practitioner
-- would be shown it. From this version they are sealed under "people.address#<id>" and open only in their own row.
-- The schema does not change; the migration's Go step (store.bindPeopleSeals) seals the values already there again.
SELECT 1;

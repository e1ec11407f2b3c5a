-- The rest of the sealed values bound to their row as well as their column, as migration 29 bound the records about
-- each parent: each parent's closing summary and consents, a family's meetings and the information shared about it,
-- professionals' phone numbers and email addresses, a self-referral's saved draft (bound to its token's hash), the
-- outbox's recipients and messages (so one message's address cannot be given to another message), the mailing list,
-- staff's authenticator secrets and the reasons given at retention reviews. A key of two parts is written
-- "<table>.<field>#<part>/<part>" (store.keyContext). Only the research key, one row of settings whose context
-- already names it, stays bound to its column alone.
-- The schema does not change; the migration's Go step (store.bindSealsToRows) seals the values already there again.
SELECT 1;

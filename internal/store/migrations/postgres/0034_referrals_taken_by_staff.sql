-- Referrals taken by staff: a professional who phoned, emailed, wrote or came in, their referral typed in by a member
-- of staff (the staff form at /referrals/new). PostgreSQL dialect; keep in step with
-- ../sqlite/0034_referrals_taken_by_staff.sql. taken_by is who typed it in and channel how it reached the programme
-- (phone, email, letter, in_person); received_at is then the date it was received, which may be before it was typed in.
-- NULL and '': it came through a form or the partner API.
ALTER TABLE referrals ADD COLUMN taken_by BIGINT REFERENCES staff (id);
ALTER TABLE referrals ADD COLUMN channel TEXT NOT NULL DEFAULT '';

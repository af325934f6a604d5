-- The last TOTP time step a staff account signed in with, so one code cannot
-- be used twice.
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;

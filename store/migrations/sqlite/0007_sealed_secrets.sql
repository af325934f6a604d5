-- Secrets at rest. Access codes are stored only as a keyed hash
-- ("hmac1:<key id>:<HMAC-SHA256>", the key derived from the server's secret
-- key), so the column is renamed to say so. TOTP secrets (staff.totp_secret)
-- and personnummer (participant_identities.personnummer) keep their columns
-- but hold sealed text ("seal1:<key id>:<XChaCha20-Poly1305>").
--
-- Values an older version stored in clear cannot be hashed or sealed in SQL
-- (the key is not in the database): the server does it at start, right after
-- the migrations (Store::seal_plaintext_secrets).
ALTER TABLE access_codes RENAME COLUMN code TO code_hash;

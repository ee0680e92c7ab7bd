-- PostgreSQL twin of sqlite/V23__account_generation.sql: 32 random hex digits per existing account.
ALTER TABLE auth_users ADD COLUMN generation TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE auth_users SET generation = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE auth_service_accounts ADD COLUMN generation TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE auth_service_accounts SET generation = replace(gen_random_uuid()::text, '-', '');

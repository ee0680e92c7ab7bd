-- Account generations (security fix): every user and service account carries a random value that bearer tokens
-- and remembered Basic logins are bound to. It is drawn anew when the account is created (so a new account that
-- reuses a deleted one's name is a different account) and when its password changes, it is disabled or loses
-- the system-admin flag (so tokens issued before stop working at once instead of at their expiry).
ALTER TABLE auth_users ADD COLUMN generation TEXT NOT NULL DEFAULT '';
UPDATE auth_users SET generation = lower(hex(randomblob(16)));
ALTER TABLE auth_service_accounts ADD COLUMN generation TEXT NOT NULL DEFAULT '';
UPDATE auth_service_accounts SET generation = lower(hex(randomblob(16)));

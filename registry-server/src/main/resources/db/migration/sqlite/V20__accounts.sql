-- Accounts (issue 3): users, service accounts, organizations, teams.
-- Names are the keys: every grant, audit entry and JWT subject refers to a principal by name, and names are
-- never reused for another principal kind (users and service accounts share one namespace, checked in code).
CREATE TABLE auth_users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,            -- Argon2id in PHC string form; never the password itself
    system_admin  INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL          -- epoch milliseconds
);

CREATE TABLE auth_service_accounts (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the 256-bit random token (high entropy: no slow hash needed)
    system_admin INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER,                   -- epoch ms, NULL = never
    revoked_at   INTEGER,                   -- epoch ms, NULL = active
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE auth_orgs (
    name       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE auth_org_owners (
    org       TEXT NOT NULL REFERENCES auth_orgs(name) ON DELETE CASCADE,
    principal TEXT NOT NULL,
    PRIMARY KEY (org, principal)
);

CREATE TABLE auth_teams (
    org  TEXT NOT NULL REFERENCES auth_orgs(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (org, name)
);

CREATE TABLE auth_team_members (
    org       TEXT NOT NULL,
    team      TEXT NOT NULL,
    principal TEXT NOT NULL,
    PRIMARY KEY (org, team, principal),
    FOREIGN KEY (org, team) REFERENCES auth_teams(org, name) ON DELETE CASCADE
);
CREATE INDEX auth_team_members_by_principal ON auth_team_members(principal);

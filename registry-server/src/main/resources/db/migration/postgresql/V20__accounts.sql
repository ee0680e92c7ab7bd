-- PostgreSQL twin of sqlite/V20__accounts.sql. Flags stay 0/1 integers as in SQLite, so the same SQL reads both.
CREATE TABLE auth_users (
    name          TEXT COLLATE "C" PRIMARY KEY,
    password_hash TEXT NOT NULL,
    system_admin  INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE auth_service_accounts (
    name         TEXT COLLATE "C" PRIMARY KEY,
    description  TEXT NOT NULL DEFAULT '',
    token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    system_admin INTEGER NOT NULL DEFAULT 0,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    created_by   TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE auth_orgs (
    name       TEXT COLLATE "C" PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE auth_org_owners (
    org       TEXT COLLATE "C" NOT NULL REFERENCES auth_orgs(name) ON DELETE CASCADE,
    principal TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, principal)
);

CREATE TABLE auth_teams (
    org  TEXT COLLATE "C" NOT NULL REFERENCES auth_orgs(name) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, name)
);

CREATE TABLE auth_team_members (
    org       TEXT COLLATE "C" NOT NULL,
    team      TEXT COLLATE "C" NOT NULL,
    principal TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, team, principal),
    FOREIGN KEY (org, team) REFERENCES auth_teams(org, name) ON DELETE CASCADE
);
CREATE INDEX auth_team_members_by_principal ON auth_team_members(principal);

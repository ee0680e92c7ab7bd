-- PostgreSQL twin of sqlite/V21__permissions.sql.
CREATE TABLE auth_grants (
    target_kind  TEXT COLLATE "C" NOT NULL CHECK (target_kind IN ('org', 'repo')),
    target       TEXT COLLATE "C" NOT NULL,
    grantee_kind TEXT COLLATE "C" NOT NULL CHECK (grantee_kind IN ('principal', 'team')),
    grantee      TEXT COLLATE "C" NOT NULL,
    role         TEXT COLLATE "C" NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (target_kind, target, grantee_kind, grantee)
);
CREATE INDEX auth_grants_by_grantee ON auth_grants(grantee_kind, grantee);

CREATE TABLE auth_repo_settings (
    name       TEXT COLLATE "C" PRIMARY KEY,
    visibility TEXT COLLATE "C" NOT NULL CHECK (visibility IN ('public', 'private', 'restricted'))
);

CREATE TABLE auth_curators (
    repo         TEXT COLLATE "C" NOT NULL,
    grantee_kind TEXT COLLATE "C" NOT NULL CHECK (grantee_kind IN ('principal', 'team')),
    grantee      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (repo, grantee_kind, grantee)
);

-- Permissions (issue 3): grants of read/write/admin on an organization or a repository, to a principal or a team;
-- repository visibility and the curators of restricted repositories.
CREATE TABLE auth_grants (
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('org', 'repo')),
    target       TEXT NOT NULL,             -- org name or full repository name
    grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('principal', 'team')),
    grantee      TEXT NOT NULL,             -- principal name, or 'org/team'
    role         TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (target_kind, target, grantee_kind, grantee)
);
CREATE INDEX auth_grants_by_grantee ON auth_grants(grantee_kind, grantee);

CREATE TABLE auth_repo_settings (
    name       TEXT PRIMARY KEY,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private', 'restricted'))
);

CREATE TABLE auth_curators (
    repo         TEXT NOT NULL,
    grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('principal', 'team')),
    grantee      TEXT NOT NULL,
    PRIMARY KEY (repo, grantee_kind, grantee)
);

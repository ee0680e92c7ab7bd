-- Policy documents, versioned: saving a policy under an existing name adds a version, never rewrites one,
-- so a promotion's provenance (policy name + digest) can always be traced to the text that allowed it.
CREATE TABLE policies (
    name       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    PRIMARY KEY (name, version)
);

-- Automatic promotion: every new image of the repository that passes the policy's latest version is promoted
-- as soon as its scan report arrives.
CREATE TABLE auto_promotions (
    repository  TEXT    NOT NULL,
    policy_name TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL,
    PRIMARY KEY (repository, policy_name)
);

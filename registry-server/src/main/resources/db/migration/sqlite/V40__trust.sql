-- Trust (V40–V59): public keys trusted for signature verification, and per-repository gates.

-- A key is trusted for a scope: 'global', 'org:<namespace>' (every repository under it) or 'repo:<name>'.
CREATE TABLE trusted_keys (
    scope          TEXT    NOT NULL,
    key_id         TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    public_key_pem TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    PRIMARY KEY (scope, key_id)
);

-- Gates of one repository. pull_policy is a policy document (JSON) whose conditions every pulled image must meet.
CREATE TABLE repository_gates (
    repository     TEXT    PRIMARY KEY,
    protected      INTEGER NOT NULL DEFAULT 0,
    immutable_tags INTEGER NOT NULL DEFAULT 0,
    pull_policy    TEXT,
    updated_at     INTEGER NOT NULL,
    updated_by     TEXT    NOT NULL
);

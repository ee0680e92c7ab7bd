-- PostgreSQL twin of sqlite/V40__trust.sql.
CREATE TABLE trusted_keys (
    scope          TEXT COLLATE "C" NOT NULL,
    key_id         TEXT COLLATE "C" NOT NULL,
    name           TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (scope, key_id)
);

CREATE TABLE repository_gates (
    repository     TEXT COLLATE "C" PRIMARY KEY,
    protected      INTEGER NOT NULL DEFAULT 0,
    immutable_tags INTEGER NOT NULL DEFAULT 0,
    pull_policy    TEXT,
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT COLLATE "C" NOT NULL
);

-- PostgreSQL twin of sqlite/V41__policies.sql.
CREATE TABLE policies (
    name       TEXT COLLATE "C" NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE auto_promotions (
    repository  TEXT COLLATE "C" NOT NULL,
    policy_name TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (repository, policy_name)
);

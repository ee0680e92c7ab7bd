-- The vulnerability database: a SQLite file of its own (not the registry's metadata database), filled by importers
-- and read by the matcher. Every successful import bumps db_meta.build, so reports can name the data they used.

CREATE TABLE db_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One advisory of one feed. The same CVE can come from several feeds (Debian tracker, Alpine secdb, GHSA); each
-- keeps its own row so a re-import of one feed replaces only what that feed said.
CREATE TABLE vulnerability (
    source          TEXT NOT NULL,
    id              TEXT NOT NULL,
    aliases         TEXT NOT NULL DEFAULT '[]',
    title           TEXT,
    description     TEXT,
    severity        TEXT,
    severity_source TEXT,
    cvss_score      REAL,
    cvss_vector     TEXT,
    published       TEXT,
    modified        TEXT,
    PRIMARY KEY (source, id)
);

-- Which versions of which package an advisory affects, as OSV ranges (JSON) and/or explicit versions (JSON array).
CREATE TABLE affected (
    rowid           INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    vuln_id         TEXT NOT NULL,
    ecosystem       TEXT NOT NULL,
    package         TEXT NOT NULL,
    ranges          TEXT NOT NULL DEFAULT '[]',
    versions        TEXT NOT NULL DEFAULT '[]',
    severity        TEXT,
    severity_source TEXT
);
CREATE INDEX affected_by_package ON affected (ecosystem, package);
CREATE INDEX affected_by_vuln ON affected (source, vuln_id);

-- NVD's scores and descriptions, used to enrich findings by CVE id.
CREATE TABLE nvd (
    cve_id      TEXT PRIMARY KEY,
    description TEXT,
    v3_score    REAL,
    v3_vector   TEXT,
    v4_score    REAL,
    v4_vector   TEXT,
    published   TEXT,
    modified    TEXT
);

CREATE TABLE import_log (
    rowid       INTEGER PRIMARY KEY,
    format      TEXT NOT NULL,
    origin      TEXT NOT NULL,
    advisories  INTEGER NOT NULL,
    nvd_entries INTEGER NOT NULL,
    build       INTEGER NOT NULL,
    finished_at TEXT NOT NULL
);

-- PostgreSQL twin of sqlite/V60__scan.sql.
CREATE TABLE scan_repository_settings (
    repository   TEXT COLLATE "C" PRIMARY KEY,
    scan_on_push INTEGER NOT NULL
);

CREATE TABLE scan_job (
    repository      TEXT COLLATE "C" NOT NULL,
    manifest_digest TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    reason          TEXT,
    requested_by    TEXT COLLATE "C",
    queued_at       BIGINT NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    PRIMARY KEY (repository, manifest_digest)
);
CREATE INDEX scan_job_by_status ON scan_job (status);

CREATE TABLE scan_report (
    repository       TEXT COLLATE "C" NOT NULL,
    manifest_digest  TEXT COLLATE "C" NOT NULL,
    report_manifest  TEXT COLLATE "C" NOT NULL,
    sbom_manifest    TEXT COLLATE "C" NOT NULL,
    database_version TEXT COLLATE "C" NOT NULL,
    scanner_version  TEXT COLLATE "C" NOT NULL,
    scanned_at       TEXT COLLATE "C" NOT NULL,
    critical         INTEGER NOT NULL,
    high             INTEGER NOT NULL,
    medium           INTEGER NOT NULL,
    low              INTEGER NOT NULL,
    unknown          INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    fixable          INTEGER NOT NULL,
    PRIMARY KEY (repository, manifest_digest)
);
CREATE INDEX scan_report_by_db ON scan_report (database_version);

CREATE TABLE scan_finding (
    repository        TEXT COLLATE "C" NOT NULL,
    manifest_digest   TEXT COLLATE "C" NOT NULL,
    vulnerability_id  TEXT COLLATE "C" NOT NULL,
    package_name      TEXT COLLATE "C" NOT NULL,
    installed_version TEXT COLLATE "C" NOT NULL,
    fixed_version     TEXT COLLATE "C",
    severity          TEXT COLLATE "C" NOT NULL,
    package_type      TEXT COLLATE "C" NOT NULL,
    layer_digest      TEXT COLLATE "C"
);
CREATE INDEX scan_finding_by_image ON scan_finding (repository, manifest_digest);
CREATE INDEX scan_finding_by_vuln ON scan_finding (vulnerability_id);

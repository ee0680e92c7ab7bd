-- Scanning (V60–V79): jobs and their status, per-repository settings, and the index of stored reports.
-- The reports and SBOMs themselves are OCI artifacts in the repository (subject = the image); these tables only
-- make them queryable.

CREATE TABLE scan_repository_settings (
    repository   TEXT PRIMARY KEY,
    scan_on_push INTEGER NOT NULL
);

-- One row per (repository, image manifest): the latest scan's state. status: queued, running, done, failed.
CREATE TABLE scan_job (
    repository      TEXT NOT NULL,
    manifest_digest TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    requested_by    TEXT,
    queued_at       INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER,
    PRIMARY KEY (repository, manifest_digest)
);
CREATE INDEX scan_job_by_status ON scan_job (status);

-- The latest report stored for an image, with its summary.
CREATE TABLE scan_report (
    repository       TEXT NOT NULL,
    manifest_digest  TEXT NOT NULL,
    report_manifest  TEXT NOT NULL,
    sbom_manifest    TEXT NOT NULL,
    database_version TEXT NOT NULL,
    scanner_version  TEXT NOT NULL,
    scanned_at       TEXT NOT NULL,
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
    repository        TEXT NOT NULL,
    manifest_digest   TEXT NOT NULL,
    vulnerability_id  TEXT NOT NULL,
    package_name      TEXT NOT NULL,
    installed_version TEXT NOT NULL,
    fixed_version     TEXT,
    severity          TEXT NOT NULL,
    package_type      TEXT NOT NULL,
    layer_digest      TEXT
);
CREATE INDEX scan_finding_by_image ON scan_finding (repository, manifest_digest);
CREATE INDEX scan_finding_by_vuln ON scan_finding (vulnerability_id);

-- Server-side mirror runs (POST /api/v1/mirrors/{repo}): who ran which upstream into which repository, and what came
-- of it. Upstream credentials are passed per request and never reach this table (nor any log).
CREATE TABLE mirror_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    requested_by TEXT    NOT NULL,
    upstream     TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    filter       TEXT    NOT NULL,
    dry_run      INTEGER NOT NULL,
    status       TEXT    NOT NULL,   -- RUNNING, SUCCEEDED, FAILED (some tag failed or the run stopped)
    copied       INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    bytes_moved  INTEGER NOT NULL DEFAULT 0,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    summary      TEXT,
    report       TEXT
);
CREATE INDEX mirror_runs_target ON mirror_runs (target, id);

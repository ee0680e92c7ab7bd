-- Cluster coordination (V90–V99): what several replicas sharing one database must agree on. Portable SQL (SQLite and
-- PostgreSQL); a single-node SQLite registry has the tables too (it keeps its login counts in memory).

-- Login throttling counts shared by the replicas: one row per counted attempt and key (an account's hash or a client
-- address); a slot is one attempt, counted under both its keys. Rows older than the window are pruned as they are read.
CREATE TABLE login_attempts (
    throttle_key TEXT   NOT NULL,
    slot         TEXT   NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (throttle_key, slot)
);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- Scan jobs are claimed by one replica under a lease: a replica killed in the middle of a scan stops renewing it, and
-- another claims the job once lease_until has passed.
ALTER TABLE scan_job ADD COLUMN claimed_by TEXT;
ALTER TABLE scan_job ADD COLUMN lease_until BIGINT;

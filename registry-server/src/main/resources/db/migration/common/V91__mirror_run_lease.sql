-- A server-side mirror run is held by the replica running it under a lease it renews (mirror.lease): a replica killed
-- in the middle of a run stops renewing, and any replica then marks the run INTERRUPTED instead of leaving it RUNNING
-- for good. Portable SQL (SQLite and PostgreSQL). Runs recorded before this version have no lease: they are ended when
-- the next run on their target starts (under the target's lock, no other run can still be under way).
ALTER TABLE mirror_runs ADD COLUMN claimed_by TEXT;
ALTER TABLE mirror_runs ADD COLUMN lease_until BIGINT;
CREATE INDEX mirror_runs_running ON mirror_runs (status, lease_until);

-- Read leases (cluster/PostgresReadLeases): a replica may answer tags from its cache only while its row's lease runs
-- (until, in the database's milliseconds), and a writer waits for every running lease to have seen its change's epoch.
-- PostgreSQL only: a single SQLite node caches without asking anybody.
CREATE TABLE cache_lease (
    node  TEXT   PRIMARY KEY,
    seen  BIGINT NOT NULL,
    until BIGINT NOT NULL
);
CREATE SEQUENCE cache_epoch;

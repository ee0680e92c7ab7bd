-- PostgreSQL twin of sqlite/V81__audit_spool.sql.
ALTER TABLE audit_events ADD COLUMN spool_id TEXT COLLATE "C";
CREATE UNIQUE INDEX audit_events_spool_id ON audit_events(spool_id);

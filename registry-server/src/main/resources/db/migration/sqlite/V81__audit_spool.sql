-- Events replayed from the audit spool (written there while the database refused them) carry the id they were
-- spooled with, so that a replay interrupted by a crash does not store them twice. NULL for events written directly.
ALTER TABLE audit_events ADD COLUMN spool_id TEXT;
CREATE UNIQUE INDEX audit_events_spool_id ON audit_events(spool_id);

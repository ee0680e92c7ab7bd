-- Audit log (issue 3): who did what, when, from where, and how it ended. Append-only.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,           -- epoch milliseconds
    actor       TEXT NOT NULL,
    actor_kind  TEXT NOT NULL,
    action      TEXT NOT NULL,              -- e.g. login, login.failed, permission.grant, manifest.push
    target      TEXT NOT NULL DEFAULT '',
    source_addr TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,              -- success | failure | denied
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_actor ON audit_events(actor, at);
CREATE INDEX audit_events_target ON audit_events(target, at);

-- The event log: the only data ever written first-hand. Append-only.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY,          -- global order, gap-free, 1-based
    event_id        TEXT    NOT NULL UNIQUE,
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    payload         TEXT    NOT NULL,             -- JSON, hashed as stored
    recorded_at     TEXT    NOT NULL,             -- transaction time, UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ
    effective_at    TEXT    NOT NULL,             -- valid time, YYYY-MM-DD
    actor           TEXT    NOT NULL,
    reason          TEXT,
    command_id      TEXT    NOT NULL,
    correlation_id  TEXT    NOT NULL,
    causation_id    TEXT,
    prev_hash       BLOB    NOT NULL,             -- hash of position - 1 (32 zero bytes for position 1)
    hash            BLOB    NOT NULL,             -- SHA-256 over the canonical bytes (src/store/chain.rs)
    UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_command ON events (command_id);
CREATE INDEX events_recorded ON events (recorded_at);
CREATE INDEX events_type ON events (event_type, position);

-- The log is append-only at the database level, not only in code.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE is refused');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE is refused');
END;

-- Every stream (entity), its kind, its organization and its current version.
-- Derived from the log in the same transaction as each append; `rebuild`
-- recreates it. The writer uses it for optimistic concurrency and to find
-- the organization whose rules a command is checked against.
CREATE TABLE streams (
    stream_id        TEXT    PRIMARY KEY,
    kind             TEXT    NOT NULL,
    organization_id  TEXT    NOT NULL,
    version          INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX streams_organization ON streams (organization_id);

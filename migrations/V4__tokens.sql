-- API tokens: who may read and change what. Operational data, not part of
-- the strategy record: the events name the actor (the token's name), and
-- this table says which token that was, its role and when it was revoked.
-- Only the SHA-256 of a token's secret is kept; the secret is shown once.
CREATE TABLE tokens (
    id             TEXT PRIMARY KEY,            -- UUID
    name           TEXT NOT NULL UNIQUE,        -- recorded as the actor `token:<name>`
    role           TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'auditor', 'admin')),
    organizations  TEXT NOT NULL DEFAULT '[]',  -- JSON array of organization ids (editors)
    secret_hash    BLOB NOT NULL UNIQUE,        -- SHA-256 of the secret
    created_at     TEXT NOT NULL,
    revoked_at     TEXT                         -- set once, never cleared
);

-- A revoked token stays revoked: its row can be read, never reinstated.
CREATE TRIGGER tokens_stay_revoked
BEFORE UPDATE OF revoked_at ON tokens
WHEN OLD.revoked_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a revoked token cannot be reinstated');
END;

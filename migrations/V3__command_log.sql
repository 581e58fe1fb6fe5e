-- What each command id was used for, so that a repeated id is recognised as
-- the same command (answered with the first result) or as a different
-- command reusing the id (refused). Written by the writer in the same
-- transaction as the command's events. Write-side bookkeeping, not a read
-- model: `rebuild` leaves it alone.
CREATE TABLE command_log (
    command_id   TEXT PRIMARY KEY,
    fingerprint  BLOB NOT NULL    -- SHA-256 of the command as decided
) WITHOUT ROWID;

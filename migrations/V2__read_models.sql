-- Read models: derived from the log, thrown away and rebuilt by `rebuild`.
--
-- Every entity's structure (kind, owner, parent) is fixed when it is created.
CREATE TABLE entities (
    entity_id         TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL,
    organization_id   TEXT    NOT NULL,
    strategy_id       TEXT,
    parent_id         TEXT,
    created_position  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX entities_parent ON entities (parent_id, kind);
CREATE INDEX entities_strategy ON entities (strategy_id, kind);
CREATE INDEX entities_organization ON entities (organization_id, kind);

-- Bitemporal facts: each row says "from `effective_at` on, `field` of
-- `entity_id` is `value`", learned at log `position`. The state at
-- (as of position A, valid at date D) takes, per entity and field, the row
-- with position <= A and effective_at <= D that has the latest effective_at,
-- and on equal dates the highest position. Rows are only ever inserted, so a
-- later correction never changes the answer for an earlier A, and a query at
-- any A and D is one index range scan per entity, as cheap as "now".
CREATE TABLE facts (
    entity_id     TEXT    NOT NULL,
    field         TEXT    NOT NULL,
    effective_at  TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    value         TEXT    NOT NULL,   -- JSON
    PRIMARY KEY (entity_id, field, effective_at, position)
) WITHOUT ROWID;

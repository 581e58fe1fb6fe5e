//! Typed views of the read models at a [`Moment`]: organizations, strategy
//! trees, attainment. Every view of a strategy is built from two queries
//! (its entities, then their fact timelines), whatever its size or date, so
//! a question about the past costs what a question about now costs.

mod attainment;
mod cache;
mod views;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use uuid::Uuid;

pub use crate::projection::Moment;
pub use attainment::{Attainment, attainment_of};
pub use cache::ViewCache;
pub use views::*;

/// The latest date any question can name. The read models compare dates as
/// "YYYY-MM-DD" text, so the bound must be a four-digit year (chrono's
/// `NaiveDate::MAX` prints as "+262142-12-31" and sorts first).
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => panic!("9999-12-31 is a date"),
};

/// The earliest date any question can name (see [`LAST_DATE`]).
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date,
    None => panic!("0001-01-01 is a date"),
};

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("read model row for '{entity}' field '{field}' cannot be read")]
    Malformed { entity: Uuid, field: String },
}

/// One row of a fact timeline: the value a field took from `effective_at`
/// on, as last recorded at or before the moment's position.
#[derive(Clone, Debug, PartialEq)]
pub struct FactRow {
    pub field: String,
    pub effective_at: NaiveDate,
    pub position: u64,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub reason: Option<String>,
    pub value: Value,
}

/// Fact timelines of a set of entities, per entity and field, oldest first.
pub type Timelines = BTreeMap<Uuid, BTreeMap<String, Vec<FactRow>>>;

/// Which entities to load.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// A strategy with everything in it.
    Strategy(Uuid),
    /// An organization and its working groups.
    Organization(Uuid),
    /// One entity.
    Entity(Uuid),
}

/// An entity known at the moment's position, with its fixed place in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityRow {
    pub id: Uuid,
    pub kind: String,
    pub organization_id: Uuid,
    pub strategy_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
}

fn scope_sql(scope: Scope) -> (&'static str, Uuid) {
    match scope {
        Scope::Strategy(id) => ("strategy_id = ?1", id),
        Scope::Organization(id) => (
            "(entity_id = ?1 OR (parent_id = ?1 AND kind = 'working_group'))",
            id,
        ),
        Scope::Entity(id) => ("entity_id = ?1", id),
    }
}

fn as_of(moment: Moment) -> i64 {
    i64::try_from(moment.as_of).unwrap_or(i64::MAX)
}

fn uuid(raw: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The entities in `scope` created at or before the moment's position.
pub fn entities(
    conn: &Connection,
    scope: Scope,
    moment: Moment,
) -> Result<Vec<EntityRow>, ReadError> {
    let (filter, id) = scope_sql(scope);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT entity_id, kind, organization_id, strategy_id, parent_id FROM entities \
         WHERE {filter} AND created_position <= ?2 ORDER BY created_position"
    ))?;
    let rows = stmt.query_map(params![id.to_string(), as_of(moment)], |r| {
        let strategy: Option<String> = r.get(3)?;
        let parent: Option<String> = r.get(4)?;
        Ok(EntityRow {
            id: uuid(&r.get::<_, String>(0)?)?,
            kind: r.get(1)?,
            organization_id: uuid(&r.get::<_, String>(2)?)?,
            strategy_id: strategy.as_deref().map(uuid).transpose()?,
            parent_id: parent.as_deref().map(uuid).transpose()?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The fact timelines of every entity in `scope` at `moment`: per entity,
/// field and effective date the last value recorded at or before the
/// moment's position, for effective dates up to its valid-at date. The last
/// row of a timeline is the field's value at the moment.
pub fn timelines(conn: &Connection, scope: Scope, moment: Moment) -> Result<Timelines, ReadError> {
    let (filter, id) = scope_sql(scope);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT f.entity_id, f.field, f.effective_at, f.position, f.value, \
                ev.recorded_at, ev.actor, ev.reason \
         FROM facts f JOIN events ev ON ev.position = f.position \
         WHERE f.entity_id IN (SELECT entity_id FROM entities WHERE {filter} AND created_position <= ?2) \
           AND f.position <= ?2 AND f.effective_at <= ?3 \
           AND NOT EXISTS (SELECT 1 FROM facts g \
               WHERE g.entity_id = f.entity_id AND g.field = f.field \
                 AND g.effective_at = f.effective_at AND g.position > f.position AND g.position <= ?2) \
         ORDER BY f.entity_id, f.field, f.effective_at, f.position"
    ))?;
    let mut rows = stmt.query(params![
        id.to_string(),
        as_of(moment),
        moment.valid_at.to_string()
    ])?;
    let mut out: Timelines = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let entity = uuid(&r.get::<_, String>(0)?)?;
        let field: String = r.get(1)?;
        let malformed = || ReadError::Malformed {
            entity,
            field: field.clone(),
        };
        let effective_at = NaiveDate::parse_from_str(&r.get::<_, String>(2)?, "%Y-%m-%d")
            .map_err(|_| malformed())?;
        let value: Value =
            serde_json::from_str(&r.get::<_, String>(4)?).map_err(|_| malformed())?;
        let recorded_at =
            crate::store::parse_recorded_at(&r.get::<_, String>(5)?).ok_or_else(malformed)?;
        let row = FactRow {
            field: field.clone(),
            effective_at,
            position: r.get(3)?,
            recorded_at,
            actor: r.get(6)?,
            reason: r.get(7)?,
            value,
        };
        out.entry(entity)
            .or_default()
            .entry(field)
            .or_default()
            .push(row);
    }
    Ok(out)
}

/// The log head: position and hash of the newest event, `None` when empty.
pub fn head(conn: &Connection) -> Result<Option<(u64, [u8; 32])>, ReadError> {
    chain_at(conn, u64::MAX)
}

/// Position and hash of the newest event at or before `position`.
pub fn chain_at(conn: &Connection, position: u64) -> Result<Option<(u64, [u8; 32])>, ReadError> {
    let row: Option<(u64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT position, hash FROM events WHERE position <= ?1 ORDER BY position DESC LIMIT 1",
        )?
        .query_row([i64::try_from(position).unwrap_or(i64::MAX)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(row.and_then(|(p, h)| <[u8; 32]>::try_from(h.as_slice()).ok().map(|h| (p, h))))
}

/// Strategies, optionally of one organization, known at the moment.
pub fn strategy_ids(
    conn: &Connection,
    organization: Option<Uuid>,
    moment: Moment,
) -> Result<Vec<Uuid>, ReadError> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id FROM entities WHERE kind = 'strategy' AND created_position <= ?1 \
         AND (?2 IS NULL OR organization_id = ?2) ORDER BY created_position",
    )?;
    let rows = stmt.query_map(
        params![as_of(moment), organization.map(|o| o.to_string())],
        |r| uuid(&r.get::<_, String>(0)?),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Organizations known at the moment.
pub fn organization_ids(conn: &Connection, moment: Moment) -> Result<Vec<Uuid>, ReadError> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id FROM entities WHERE kind = 'organization' AND created_position <= ?1 \
         ORDER BY created_position",
    )?;
    let rows = stmt.query_map(params![as_of(moment)], |r| uuid(&r.get::<_, String>(0)?))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

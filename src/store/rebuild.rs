//! Rebuilding the read models (`entities`, `facts`, `streams`) from the log.
//!
//! Appending projects one event at a time into the tables' B-trees, whose
//! keys are entity ids: random places. Doing the same for a whole log made
//! SQLite spend its time finding and splitting pages. A rebuild therefore
//! derives every row in memory first, reading the log once, then empties
//! the tables, drops their secondary indexes, inserts each table's rows in
//! key order (every page is filled once, left to right) and creates the
//! indexes again, each with one sort. All of it is one transaction: a
//! failure leaves the read models as they were.
//!
//! Memory: about 110 bytes per fact row while it runs (a million events
//! hold about 1.35 million facts), given back when it ends.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior, params};
use uuid::Uuid;

use super::{StoreError, payload};
use crate::domain::{self, Event, OrganizationId, StreamKind};
use crate::projection::{self, NewEntity};

/// The read-model tables, each emptied and refilled.
const TABLES: [&str; 3] = ["facts", "entities", "streams"];

/// Replays the whole log into fresh read models; returns the number of
/// events replayed.
pub(super) fn rebuild(conn: &mut Connection) -> Result<u64, StoreError> {
    let started = Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = derive(&tx)?;
    let replayed = rows.events;
    let derived = started.elapsed();
    rows.write(&tx)?;
    let written = started.elapsed() - derived;
    tx.commit()?;
    tracing::info!(
        events = replayed,
        derive_ms = derived.as_millis() as u64,
        write_ms = written.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "read models rebuilt"
    );
    Ok(replayed)
}

/// Every row of the read models, derived from the log in memory.
#[derive(Default)]
struct Rows {
    events: u64,
    streams: HashMap<Uuid, (StreamKind, OrganizationId, u64)>,
    /// Entity id → its strategy, for indicators (which belong to the
    /// strategy of what they measure).
    strategies: HashMap<Uuid, Option<Uuid>>,
    entities: Vec<(NewEntity, OrganizationId, u64)>,
    facts: Vec<FactRow>,
    fields: Interner,
    dates: Interner,
    /// Every fact's JSON value, one after the other (UTF-8, as serde_json
    /// writes it).
    values: Vec<u8>,
}

/// One `facts` row, small: its texts live in the interners and `values`.
struct FactRow {
    entity: Uuid,
    field: u32,
    effective_at: u32,
    position: u64,
    value_start: usize,
    value_len: u32,
}

/// Events per chunk handed to a decoding thread.
const CHUNK: usize = 4096;

/// Reads the log once, in order. Decoding payloads and writing the facts'
/// values is most of the work and needs nothing from other events, so
/// worker threads do it chunk by chunk while this thread reads on; what
/// depends on earlier events (streams, organizations, the entity tree) is
/// folded in here, chunk after chunk, in log order.
fn derive(tx: &Connection) -> Result<Rows, StoreError> {
    let workers = thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut rows = Rows::default();
    let mut stmt = tx.prepare(
        "SELECT position, event_type, schema_version, payload, effective_at \
         FROM events ORDER BY position",
    )?;
    let mut cursor = stmt.query([])?;
    thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (to_worker, chunks) = mpsc::channel::<Chunk>();
            let (to_reader, decoded) = mpsc::channel();
            scope.spawn(move || {
                for chunk in chunks {
                    if to_reader.send(chunk.decode()).is_err() {
                        break;
                    }
                }
            });
            lanes.push((to_worker, decoded));
        }
        // Chunk k goes to lane k % workers and comes back from it in turn,
        // so results arrive in log order; at most two per lane are in flight.
        let (mut sent, mut folded) = (0, 0);
        let fold = |rows: &mut Rows, folded: &mut usize| -> Result<(), StoreError> {
            let decoded: Result<Decoded, StoreError> = lanes[*folded % workers]
                .1
                .recv()
                .expect("a decoding thread answers every chunk");
            *folded += 1;
            rows.fold(decoded?)
        };
        let mut chunk = Chunk::default();
        loop {
            let row = cursor.next()?;
            if let Some(row) = row {
                chunk.push(row)?;
            }
            if chunk.len() == CHUNK || (row.is_none() && chunk.len() > 0) {
                let full = std::mem::take(&mut chunk);
                lanes[sent % workers]
                    .0
                    .send(full)
                    .expect("decoding threads live until the channels close");
                sent += 1;
                while sent - folded > 2 * workers {
                    fold(&mut rows, &mut folded)?;
                }
            }
            if row.is_none() {
                break;
            }
        }
        while folded < sent {
            fold(&mut rows, &mut folded)?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(rows)
}

/// Rows of the log as read, their texts in one buffer.
#[derive(Default)]
struct Chunk {
    text: String,
    rows: Vec<RawEvent>,
}

struct RawEvent {
    position: u64,
    schema_version: u32,
    event_type: Range<usize>,
    payload: Range<usize>,
    effective_at: Range<usize>,
}

/// A chunk decoded: each event with its facts, values written out.
struct Decoded {
    text: String,
    events: Vec<(RawEvent, Event, Range<usize>)>,
    facts: Vec<Fact>,
    values: Vec<u8>,
}

/// A fact with its value written out as JSON in `Decoded::values`.
struct Fact {
    entity: Uuid,
    field: String,
    value: Range<usize>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn push(&mut self, row: &rusqlite::Row<'_>) -> Result<(), StoreError> {
        let mut text = |i| -> Result<Range<usize>, StoreError> {
            let start = self.text.len();
            self.text
                .push_str(row.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?);
            Ok(start..self.text.len())
        };
        let event_type = text(1)?;
        let payload = text(3)?;
        let effective_at = text(4)?;
        self.rows.push(RawEvent {
            position: row.get(0)?,
            schema_version: row.get(2)?,
            event_type,
            payload,
            effective_at,
        });
        Ok(())
    }

    fn decode(self) -> Result<Decoded, StoreError> {
        let mut decoded = Decoded {
            events: Vec::with_capacity(self.rows.len()),
            facts: Vec::with_capacity(self.rows.len() * 2),
            values: Vec::with_capacity(self.rows.len() * 64),
            text: self.text,
        };
        for raw in self.rows {
            let text = &decoded.text;
            let position = raw.position;
            let event = payload::decode(
                &text[raw.event_type.clone()],
                raw.schema_version,
                &text[raw.payload.clone()],
            )
            .map_err(|e| StoreError::Corrupt {
                position,
                source: Box::new(e),
            })?;
            let first = decoded.facts.len();
            for fact in projection::facts_of(&event) {
                let start = decoded.values.len();
                serde_json::to_writer(&mut decoded.values, &fact.value).map_err(|e| {
                    StoreError::Corrupt {
                        position,
                        source: Box::new(e),
                    }
                })?;
                decoded.facts.push(Fact {
                    entity: fact.entity_id,
                    field: fact.field,
                    value: start..decoded.values.len(),
                });
            }
            decoded
                .events
                .push((raw, event, first..decoded.facts.len()));
        }
        Ok(decoded)
    }
}

impl Rows {
    /// Takes in a decoded chunk, the next in log order.
    fn fold(&mut self, chunk: Decoded) -> Result<(), StoreError> {
        let base = self.values.len();
        self.values.extend_from_slice(&chunk.values);
        for (raw, event, facts) in &chunk.events {
            let position = raw.position;
            let corrupt = |source: &str| StoreError::Corrupt {
                position,
                source: source.to_owned().into(),
            };
            let (stream_id, kind) = event.stream();
            let organization = organization_of(event, |id| self.streams.get(&id).map(|s| s.1))
                .ok_or_else(|| corrupt("the event's parent entity does not exist"))?;
            self.streams
                .entry(stream_id)
                .or_insert((kind, organization, 0))
                .2 += 1;
            let strategies = &self.strategies;
            let created = projection::created_entity(event, |parent| {
                strategies
                    .get(&parent)
                    .copied()
                    .ok_or_else(|| corrupt("an indicator's subject does not exist"))
            })?;
            if let Some(entity) = created {
                self.strategies.insert(entity.id, entity.strategy);
                self.entities.push((entity, organization, position));
            }
            let effective_at = self.dates.intern(&chunk.text[raw.effective_at.clone()]);
            for fact in &chunk.facts[facts.clone()] {
                self.facts.push(FactRow {
                    entity: fact.entity,
                    field: self.fields.intern(&fact.field),
                    effective_at,
                    position,
                    value_start: base + fact.value.start,
                    value_len: u32::try_from(fact.value.len())
                        .map_err(|_| corrupt("a fact's value is larger than 4 GiB"))?,
                });
            }
            self.events += 1;
        }
        Ok(())
    }

    /// Replaces the tables' rows with these, each table in its key order.
    /// The facts are sorted on another thread meanwhile.
    fn write(self, tx: &Connection) -> Result<(), StoreError> {
        let Rows {
            streams,
            entities,
            mut facts,
            fields,
            dates,
            values,
            ..
        } = self;
        thread::scope(|scope| {
            let sorting = scope.spawn(|| {
                // A UUID's bytes sort as its lower-case text does, and
                // SQLite compares text bytewise: this is the key order.
                let field_rank = fields.ranks();
                let date_rank = dates.ranks();
                facts.sort_unstable_by_key(|f| {
                    (
                        f.entity,
                        field_rank[f.field as usize],
                        date_rank[f.effective_at as usize],
                        f.position,
                    )
                });
                facts
            });
            for table in TABLES {
                // Without a WHERE clause SQLite frees the table's pages wholesale.
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            let indexes = drop_secondary_indexes(tx)?;
            insert_streams(tx, streams)?;
            insert_entities(tx, entities)?;
            let facts = sorting.join().expect("sorting does not panic");
            insert_facts(tx, &facts, &fields, &dates, &values)?;
            for sql in indexes {
                tx.execute(&sql, [])?;
            }
            Ok(())
        })
    }
}

fn insert_facts(
    tx: &Connection,
    facts: &[FactRow],
    fields: &Interner,
    dates: &Interner,
    values: &[u8],
) -> Result<(), StoreError> {
    let mut id = Uuid::encode_buffer();
    let mut insert = tx.prepare(
        "INSERT INTO facts (entity_id, field, effective_at, position, value) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for fact in facts {
        let start = fact.value_start;
        insert.execute(params![
            &*fact.entity.hyphenated().encode_lower(&mut id),
            fields.get(fact.field),
            dates.get(fact.effective_at),
            fact.position,
            ToSqlOutput::Borrowed(ValueRef::Text(
                &values[start..start + fact.value_len as usize]
            )),
        ])?;
    }
    Ok(())
}

fn insert_entities(
    tx: &Connection,
    mut entities: Vec<(NewEntity, OrganizationId, u64)>,
) -> Result<(), StoreError> {
    let [mut id, mut organization, mut strategy, mut parent] = [Uuid::encode_buffer(); 4];
    entities.sort_unstable_by_key(|(entity, _, _)| entity.id);
    let mut insert = tx.prepare(
        "INSERT INTO entities (entity_id, kind, organization_id, strategy_id, parent_id, created_position) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (entity, owner, position) in &entities {
        insert.execute(params![
            &*entity.id.hyphenated().encode_lower(&mut id),
            entity.kind,
            &*owner.0.hyphenated().encode_lower(&mut organization),
            entity
                .strategy
                .map(|s| &*s.hyphenated().encode_lower(&mut strategy)),
            entity
                .parent
                .map(|p| &*p.hyphenated().encode_lower(&mut parent)),
            position,
        ])?;
    }
    Ok(())
}

fn insert_streams(
    tx: &Connection,
    streams: HashMap<Uuid, (StreamKind, OrganizationId, u64)>,
) -> Result<(), StoreError> {
    let [mut id, mut organization] = [Uuid::encode_buffer(); 2];
    let mut streams: Vec<_> = streams.into_iter().collect();
    streams.sort_unstable_by_key(|(stream_id, _)| *stream_id);
    let mut insert = tx.prepare(
        "INSERT INTO streams (stream_id, kind, organization_id, version) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (stream_id, (kind, owner, version)) in streams {
        insert.execute(params![
            &*stream_id.hyphenated().encode_lower(&mut id),
            kind.as_str(),
            &*owner.0.hyphenated().encode_lower(&mut organization),
            version
        ])?;
    }
    Ok(())
}

/// Drops the read models' secondary indexes (as the migrations made them)
/// and returns the statements that create them again.
fn drop_secondary_indexes(tx: &Connection) -> Result<Vec<String>, StoreError> {
    let tables = TABLES.map(|t| format!("'{t}'")).join(", ");
    let mut stmt = tx.prepare(&format!(
        "SELECT name, sql FROM sqlite_schema \
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({tables}) \
         ORDER BY name"
    ))?;
    let indexes = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (name, _) in &indexes {
        tx.execute(&format!("DROP INDEX \"{name}\""), [])?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// Distinct strings, each stored once and named by its number.
#[derive(Default)]
struct Interner {
    numbers: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&number) = self.numbers.get(text) {
            return number;
        }
        let number = self.strings.len() as u32;
        self.strings.push(text.into());
        self.numbers.insert(text.into(), number);
        number
    }

    fn get(&self, number: u32) -> &str {
        &self.strings[number as usize]
    }

    /// Each number's place in the bytewise order of the strings.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.strings.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.get(*a).as_bytes().cmp(self.get(*b).as_bytes()));
        let mut ranks = vec![0; order.len()];
        for (rank, number) in order.into_iter().enumerate() {
            ranks[number as usize] = rank as u32;
        }
        ranks
    }
}

/// The organization an event belongs to, during a rebuild: its stream's,
/// or for an event that creates a stream, its parent's (`known` answers
/// the organization of a stream seen before).
fn organization_of(
    event: &Event,
    known: impl Fn(Uuid) -> Option<OrganizationId>,
) -> Option<OrganizationId> {
    use Event::*;
    let (stream_id, _) = event.stream();
    if let Some(org) = known(stream_id) {
        return Some(org);
    }
    let parent = match event {
        OrganizationRegistered { id, .. } => return Some(*id),
        WorkingGroupFormed { organization, .. } | StrategyDrafted { organization, .. } => {
            return Some(*organization);
        }
        FocusAreaDefined { strategy, .. }
        | GoalDefined { strategy, .. }
        | ActionPlanned { strategy, .. }
        | BenefitIdentified { strategy, .. } => strategy.0,
        IndicatorDefined {
            subject: domain::IndicatorSubject::Goal(goal),
            ..
        } => goal.0,
        IndicatorDefined {
            subject: domain::IndicatorSubject::Benefit(benefit),
            ..
        } => benefit.0,
        _ => return None,
    };
    known(parent)
}

//! Opening the SQLite file, migrations, readers, and the read-side
//! operations on the log: reading, verifying and backing up.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use uuid::Uuid;

use super::chain::{ChainedFields, GENESIS, Hash};
use super::writer::{self, WriterHandle};
use super::{Appended, Clock, EventFilter, StoreError, StoredEvent, Submission, SystemClock};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// How hard a commit waits for the disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: an acknowledged command survives a power cut.
    #[default]
    Full,
    /// `synchronous=NORMAL`: survives a crash of the process, may lose the
    /// last commits on a power cut. Never the default.
    Normal,
}

#[derive(Clone)]
pub struct StoreOptions {
    pub durability: Durability,
    pub clock: Arc<dyn Clock>,
    /// Most commands committed in one transaction.
    pub max_batch: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Full,
            clock: Arc::new(SystemClock),
            max_batch: 256,
        }
    }
}

/// The outcome of recomputing the hash chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Events checked before the first problem (or all of them).
    pub events_checked: u64,
    /// Position and hash of the last intact event.
    pub head: Option<(u64, Hash)>,
    pub problem: Option<ChainProblem>,
}

/// The first place the log is not what was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainProblem {
    pub position: u64,
    pub what: String,
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "position {}: {}", self.position, self.what)
    }
}

/// The event store on one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    writer: WriterHandle,
    readers: Mutex<Vec<Connection>>,
    committed: tokio::sync::broadcast::Sender<u64>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, applies pending migrations
    /// and starts the writer.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = open_connection(&path, OpenFlags::default())?;
        check_not_foreign(&conn, &path)?;
        let synchronous = match options.durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", synchronous)?;
        embedded::migrations::runner().run(&mut conn)?;
        let (committed, _) = tokio::sync::broadcast::channel(1024);
        let writer = writer::spawn(conn, options.clock, options.max_batch, committed.clone())?;
        Ok(Self {
            path,
            writer,
            readers: Mutex::new(Vec::new()),
            committed,
        })
    }

    /// Tells the head position after each commit that appended events.
    /// A receiver that falls behind gets `Lagged` and should re-read the log
    /// from the last position it saw: the log, not the message, is the truth.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<u64> {
        self.committed.subscribe()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Hands a command to the writer; the receiver resolves once it is
    /// committed (or refused). Usable from async code and from threads.
    pub fn submit(
        &self,
        submission: Submission,
    ) -> tokio::sync::oneshot::Receiver<Result<Appended, StoreError>> {
        self.writer.submit(submission)
    }

    /// Submits a command and waits for its commit. Not for async contexts.
    pub fn execute(&self, submission: Submission) -> Result<Appended, StoreError> {
        self.submit(submission)
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    /// Commits all `submissions` in one transaction, or none of them. A
    /// refusal comes back as `StoreError::InBatch` with the index of the
    /// command refused. Not for async contexts.
    pub fn execute_all(&self, submissions: Vec<Submission>) -> Result<Vec<Appended>, StoreError> {
        self.writer
            .submit_all(submissions)
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    /// Submits a command and waits for its commit, asynchronously.
    pub async fn execute_async(&self, submission: Submission) -> Result<Appended, StoreError> {
        self.submit(submission)
            .await
            .map_err(|_| StoreError::WriterGone)?
    }

    /// Throws the read models away and rebuilds them from the log alone, in
    /// one transaction. Returns the number of events replayed.
    pub fn rebuild(&self) -> Result<u64, StoreError> {
        self.writer
            .rebuild()
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    /// A read-only connection from the pool; it goes back when dropped.
    pub fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let pooled = self.readers.lock().expect("reader pool lock").pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = open_connection(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                conn.pragma_update(None, "query_only", "ON")?;
                conn
            }
        };
        Ok(Reader {
            conn: Some(conn),
            pool: &self.readers,
        })
    }

    /// Position and hash of the newest event.
    pub fn head(&self) -> Result<Option<(u64, Hash)>, StoreError> {
        let reader = self.reader()?;
        head(&reader)
    }

    pub fn read_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let reader = self.reader()?;
        read_events(&reader, filter)
    }

    /// Recomputes the whole chain and reports the first problem.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let reader = self.reader()?;
        verify(&reader)
    }

    /// Recomputes the chain and checks it against a checkpoint kept
    /// elsewhere: the event at the checkpoint's position must still carry
    /// the checkpoint's hash, which proves that nothing up to it was
    /// rewritten, and the log must still reach that position, which proves
    /// that nothing was cut from its end.
    pub fn verify_against(&self, checkpoint: &Checkpoint) -> Result<VerifyReport, StoreError> {
        let mut report = self.verify()?;
        if report.problem.is_some() {
            return Ok(report);
        }
        let head = report.head.map(|(p, _)| p).unwrap_or(0);
        let problem = if head < checkpoint.position {
            Some(ChainProblem {
                position: head + 1,
                what: format!(
                    "the log ends at position {head}, before the checkpoint's position {}: events were removed from its end",
                    checkpoint.position
                ),
            })
        } else if checkpoint.position == 0 {
            None
        } else {
            let reader = self.reader()?;
            match head_at(&reader, checkpoint.position)? {
                Some(hash) if hash == checkpoint.hash => None,
                _ => Some(ChainProblem {
                    position: checkpoint.position,
                    what: "the event's hash differs from the checkpoint's: the log up to it was rewritten".into(),
                }),
            }
        };
        report.problem = problem;
        Ok(report)
    }

    /// Writes a consistent copy of the database to `to` while writers go on.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("'{}' already exists", to.display()),
            )));
        }
        let conn = open_connection(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        // VACUUM INTO reads inside one read transaction: the copy is the
        // database as of a single commit, whatever the writer does meanwhile.
        conn.execute("VACUUM INTO ?1", params![to.to_string_lossy()])?;
        Ok(())
    }
}

/// A log position and its chain hash, kept by an auditor outside the
/// database to prove later that the log up to it is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub position: u64,
    pub hash: Hash,
}

impl Checkpoint {
    /// `{"position": N, "hash": "<hex>"}`, one line.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "position": self.position, "hash": hex::encode(self.hash) }).to_string()
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a checkpoint: {e}"))?;
        let position = value["position"]
            .as_u64()
            .ok_or("the checkpoint has no position")?;
        let hash = value["hash"]
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|h| <Hash>::try_from(h.as_slice()).ok())
            .ok_or("the checkpoint's hash is not 64 hexadecimal digits")?;
        Ok(Checkpoint { position, hash })
    }
}

/// A pooled read-only connection.
pub struct Reader<'a> {
    conn: Option<Connection>,
    pool: &'a Mutex<Vec<Connection>>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("reader holds a connection until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && let Ok(mut pool) = self.pool.lock()
        {
            pool.push(conn);
        }
    }
}

pub(super) fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Refuses a file that is not SQLite, or an SQLite database of another
/// program, before anything is written to it.
fn check_not_foreign(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let foreign = |why: String| StoreError::Foreign {
        path: path.display().to_string(),
        why,
    };
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect())
        .map_err(|e| foreign(format!("{e}")))?;
    let ours = tables.iter().any(|t| t == "refinery_schema_history");
    if !tables.is_empty() && !ours {
        return Err(foreign(format!(
            "it holds other tables ({})",
            tables.join(", ")
        )));
    }
    Ok(())
}

/// The hash stored at exactly `position`.
fn head_at(conn: &Connection, position: u64) -> Result<Option<Hash>, StoreError> {
    let bytes: Option<Vec<u8>> = conn
        .query_row(
            "SELECT hash FROM events WHERE position = ?1",
            [position],
            |r| r.get(0),
        )
        .optional()?;
    bytes.map(|b| to_hash(position, &b)).transpose()
}

pub(super) fn head(conn: &Connection) -> Result<Option<(u64, Hash)>, StoreError> {
    let row: Option<(u64, Vec<u8>)> = conn
        .query_row(
            "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(position, hash)| Ok((position, to_hash(position, &hash)?)))
        .transpose()
}

fn to_hash(position: u64, bytes: &[u8]) -> Result<Hash, StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt {
        position,
        source: format!("hash is {} bytes, not 32", bytes.len()).into(),
    })
}

const EVENT_COLUMNS: &str = "position, event_id, stream_id, stream_version, event_type, \
     schema_version, payload, recorded_at, effective_at, actor, reason, command_id, \
     correlation_id, causation_id, prev_hash, hash";

/// The raw text columns of a row, as stored, for hashing.
struct RawEvent {
    position: u64,
    event_id: String,
    stream_id: String,
    stream_version: u64,
    event_type: String,
    schema_version: u32,
    payload: String,
    recorded_at: String,
    effective_at: String,
    actor: String,
    reason: Option<String>,
    command_id: String,
    correlation_id: String,
    causation_id: Option<String>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl RawEvent {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            position: row.get(0)?,
            event_id: row.get(1)?,
            stream_id: row.get(2)?,
            stream_version: row.get(3)?,
            event_type: row.get(4)?,
            schema_version: row.get(5)?,
            payload: row.get(6)?,
            recorded_at: row.get(7)?,
            effective_at: row.get(8)?,
            actor: row.get(9)?,
            reason: row.get(10)?,
            command_id: row.get(11)?,
            correlation_id: row.get(12)?,
            causation_id: row.get(13)?,
            prev_hash: row.get(14)?,
            hash: row.get(15)?,
        })
    }

    fn chained(&self) -> ChainedFields<'_> {
        ChainedFields {
            position: self.position,
            event_id: &self.event_id,
            stream_id: &self.stream_id,
            stream_version: self.stream_version,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            payload: &self.payload,
            recorded_at: &self.recorded_at,
            effective_at: &self.effective_at,
            actor: &self.actor,
            reason: self.reason.as_deref(),
            command_id: &self.command_id,
            correlation_id: &self.correlation_id,
            causation_id: self.causation_id.as_deref(),
            prev_hash: &self.prev_hash,
        }
    }

    fn into_stored(self) -> Result<StoredEvent, StoreError> {
        let position = self.position;
        let corrupt = |what: &str, value: &str| StoreError::Corrupt {
            position,
            source: format!("{what} '{value}' cannot be parsed").into(),
        };
        let uuid =
            |what: &str, value: &str| Uuid::parse_str(value).map_err(|_| corrupt(what, value));
        Ok(StoredEvent {
            position,
            event_id: uuid("event_id", &self.event_id)?,
            stream_id: uuid("stream_id", &self.stream_id)?,
            stream_version: self.stream_version,
            recorded_at: super::parse_recorded_at(&self.recorded_at)
                .ok_or_else(|| corrupt("recorded_at", &self.recorded_at))?,
            effective_at: NaiveDate::parse_from_str(&self.effective_at, "%Y-%m-%d")
                .map_err(|_| corrupt("effective_at", &self.effective_at))?,
            command_id: uuid("command_id", &self.command_id)?,
            correlation_id: uuid("correlation_id", &self.correlation_id)?,
            causation_id: self
                .causation_id
                .as_deref()
                .map(|c| uuid("causation_id", c))
                .transpose()?,
            prev_hash: to_hash(position, &self.prev_hash)?,
            hash: to_hash(position, &self.hash)?,
            event_type: self.event_type,
            schema_version: self.schema_version,
            payload: self.payload,
            actor: self.actor,
            reason: self.reason,
        })
    }
}

pub(super) fn read_events(
    conn: &Connection,
    filter: &EventFilter,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > ?1");
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = vec![Box::new(filter.after_position)];
    if let Some(stream) = filter.stream_id {
        args.push(Box::new(stream.to_string()));
        sql.push_str(&format!(" AND stream_id = ?{}", args.len()));
    }
    if let Some(kind) = &filter.event_type {
        args.push(Box::new(kind.clone()));
        sql.push_str(&format!(" AND event_type = ?{}", args.len()));
    }
    if let Some(from) = filter.recorded_from {
        args.push(Box::new(super::format_recorded_at(from)));
        sql.push_str(&format!(" AND recorded_at >= ?{}", args.len()));
    }
    if let Some(until) = filter.recorded_until {
        args.push(Box::new(super::format_recorded_at(until)));
        sql.push_str(&format!(" AND recorded_at < ?{}", args.len()));
    }
    sql.push_str(" ORDER BY position");
    if let Some(limit) = filter.limit {
        args.push(Box::new(limit));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), RawEvent::from_row)?;
    rows.map(|row| row?.into_stored()).collect()
}

pub(super) fn verify(conn: &Connection) -> Result<VerifyReport, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM events ORDER BY position"
    ))?;
    let mut rows = stmt.query([])?;
    let mut expected_position = 1u64;
    let mut prev_hash: Hash = GENESIS;
    let mut prev_recorded = String::new();
    let mut head = None;
    let mut checked = 0;
    let problem = |position, what: String| Some(ChainProblem { position, what });
    while let Some(row) = rows.next()? {
        let raw = RawEvent::from_row(row)?;
        let found = if raw.position != expected_position {
            problem(
                expected_position,
                format!(
                    "event is missing (the next stored position is {})",
                    raw.position
                ),
            )
        } else if raw.prev_hash != prev_hash {
            problem(
                raw.position,
                "prev_hash does not match the hash of the event before".into(),
            )
        } else if raw.chained().hash().as_slice() != raw.hash.as_slice() {
            problem(
                raw.position,
                "stored bytes do not match the event's hash".into(),
            )
        } else if raw.recorded_at < prev_recorded {
            problem(
                raw.position,
                "recorded_at is earlier than the event before".into(),
            )
        } else {
            None
        };
        if found.is_some() {
            return Ok(VerifyReport {
                events_checked: checked,
                head,
                problem: found,
            });
        }
        prev_hash = to_hash(raw.position, &raw.hash)?;
        prev_recorded = raw.recorded_at;
        head = Some((raw.position, prev_hash));
        expected_position += 1;
        checked += 1;
    }
    Ok(VerifyReport {
        events_checked: checked,
        head,
        problem: None,
    })
}

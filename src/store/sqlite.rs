//! Opening the SQLite file, migrations, readers, and the read-side
//! operations on the log: reading, verifying and backing up.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use uuid::Uuid;

use super::chain::{ChainedFields, GENESIS, Hash};
use super::lock::WriterLock;
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
    /// Hold the database's writer lock (`<database>.lock`) while open, and
    /// refuse to open when another process holds it. What the CLI's
    /// writing commands ask for; off for tests and tools that share a
    /// file within one process.
    pub exclusive: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Full,
            clock: Arc::new(SystemClock),
            max_batch: 256,
            exclusive: false,
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
    access: Access,
    // Readers are dropped before the writer, so that the writer's
    // connection is the last to close: only a read-write connection
    // checkpoints the WAL into the file and removes it when it closes.
    readers: Mutex<Vec<Connection>>,
    writer: WriterHandle,
    committed: tokio::sync::broadcast::Sender<u64>,
    metrics: Arc<crate::telemetry::WriterMetrics>,
    /// The head as this process's writer last committed it.
    published: Arc<std::sync::RwLock<Option<(u64, Hash)>>>,
    /// Last, so that it is released after the writer has closed.
    _lock: Option<WriterLock>,
}

/// How this process can reach the database file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// The file, or the folder its WAL lives in, cannot be written: reads
    /// are served and every change fails with SQLite's "attempt to write a
    /// readonly database". `immutable` when SQLite cannot even keep its
    /// shared memory next to the file (a read-only folder or file system)
    /// and there is no WAL to read: then nobody can change the file, and
    /// SQLite is told so, which lets it read without that memory.
    ReadOnly {
        immutable: bool,
    },
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, applies pending migrations
    /// and starts the writer.
    ///
    /// A file that is there already must be a Sporbar database: anything
    /// else (not SQLite, cut short, another program's database, an empty
    /// file, a directory) is refused with [`StoreError::Foreign`] before a
    /// byte of it is written.
    ///
    /// A database that cannot be written (its file, folder or file system
    /// is read-only) is opened for reading: queries are answered, and every
    /// command fails with SQLite's read-only error, appending nothing.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        match std::fs::metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(&path)?,
            Err(error) => return Err(error.into()),
            Ok(metadata) => check_file(&path, &metadata)?,
        }
        let access = access(&path);
        // Look with a read-only connection first: closing it never writes
        // (a read-write connection checkpoints another program's WAL into
        // its file when it closes).
        check_not_foreign(&connect(&path, access, true)?, &path)?;
        // Once the file is known to be ours (a foreign one gets no lock
        // file beside it), and before anything is written to it.
        let lock = match (options.exclusive, access) {
            (true, Access::ReadWrite) => Some(WriterLock::acquire(&path)?),
            _ => None,
        };
        let mut conn = connect(&path, access, false)?;
        match access {
            Access::ReadWrite => configure(&mut conn, options.durability)?,
            Access::ReadOnly { .. } => {
                tracing::warn!(
                    db = %path.display(),
                    "the database cannot be written: serving reads, refusing changes"
                );
                // Only checks that every migration was applied: a pending
                // one fails here, as it cannot be written.
                embedded::migrations::runner().run(&mut conn)?;
            }
        }
        let (committed, _) = tokio::sync::broadcast::channel(1024);
        let metrics = Arc::new(crate::telemetry::WriterMetrics::default());
        let published = Arc::default();
        let writer = writer::spawn(
            conn,
            options.clock,
            options.max_batch,
            committed.clone(),
            metrics.clone(),
            Arc::clone(&published),
        )?;
        Ok(Self {
            path,
            access,
            _lock: lock,
            readers: Mutex::new(Vec::new()),
            writer,
            committed,
            metrics,
            published,
        })
    }

    /// What the writer has counted since the store was opened.
    pub fn metrics(&self) -> &crate::telemetry::WriterMetrics {
        &self.metrics
    }

    /// True when the database was opened for reading only, because its
    /// file, folder or file system cannot be written.
    pub fn is_read_only(&self) -> bool {
        self.access != Access::ReadWrite
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
                let conn = connect(&self.path, self.access, true)?;
                conn.pragma_update(None, "query_only", "ON")?;
                conn
            }
        };
        Ok(Reader {
            conn: Some(conn),
            pool: &self.readers,
        })
    }

    /// Position and hash of the newest event as this process committed it
    /// (read at open, then kept by the writer): no query. The store's
    /// writer is the only one appending to its file, so this is the head.
    pub fn committed_head(&self) -> Option<(u64, Hash)> {
        *self.published.read().expect("not poisoned")
    }

    /// Position and hash of the newest event, read from the database.
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
        self.verify_while(&|| true)
    }

    /// [`verify`](Self::verify) that stops with [`StoreError::Interrupted`]
    /// as soon as `go_on` answers false (it is asked every few thousand
    /// events): a request that ends takes its whole-log work with it.
    pub fn verify_while(&self, go_on: &dyn Fn() -> bool) -> Result<VerifyReport, StoreError> {
        let reader = self.reader()?;
        verify(&reader, go_on)
    }

    /// Recomputes the chain and checks it against a checkpoint kept
    /// elsewhere: the event at the checkpoint's position must still carry
    /// the checkpoint's hash, which proves that nothing up to it was
    /// rewritten, and the log must still reach that position, which proves
    /// that nothing was cut from its end.
    pub fn verify_against(&self, checkpoint: &Checkpoint) -> Result<VerifyReport, StoreError> {
        self.verify_against_while(checkpoint, &|| true)
    }

    /// [`verify_against`](Self::verify_against), interruptible like
    /// [`verify_while`](Self::verify_while).
    pub fn verify_against_while(
        &self,
        checkpoint: &Checkpoint,
        go_on: &dyn Fn() -> bool,
    ) -> Result<VerifyReport, StoreError> {
        let mut report = self.verify_while(go_on)?;
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
        let conn = connect(&self.path, self.access, true)?;
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

/// A connection to the database as `access` allows; `read_only` for readers.
fn connect(path: &Path, access: Access, read_only: bool) -> Result<Connection, StoreError> {
    match access {
        Access::ReadWrite if !read_only => open_connection(path, OpenFlags::default()),
        Access::ReadWrite | Access::ReadOnly { immutable: false } => {
            open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        }
        Access::ReadOnly { immutable: true } => open_connection(
            Path::new(&format!("file:{}?immutable=1", uri_path(path))),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        ),
    }
}

/// `path` as the path of a `file:` URI: every byte outside the unreserved
/// characters and `/` percent-encoded.
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(absolute.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = absolute.to_string_lossy().replace('\\', "/").into_bytes();
    let mut out = String::new();
    for &byte in &bytes {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether this process can write the database: the file itself, and its
/// WAL and shared memory, which SQLite creates next to it.
fn access(path: &Path) -> Access {
    let sibling = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let writable = |file: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(file)
            .is_ok()
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Whether a file can be made in the folder: try it. (Permission bits
    // alone do not tell: root ignores them, a read-only mount overrides them.)
    let folder_writable = {
        let probe = folder.join(format!(
            ".{}.probe-{}",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let made = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .is_ok();
        if made {
            let _ = std::fs::remove_file(&probe);
        }
        made
    };
    let (wal, shm) = (sibling("-wal"), sibling("-shm"));
    let sibling_writable = |file: &Path| {
        if file.exists() {
            writable(file)
        } else {
            folder_writable
        }
    };
    if writable(path) && sibling_writable(&wal) && sibling_writable(&shm) {
        return Access::ReadWrite;
    }
    let wal_pending = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    Access::ReadOnly {
        immutable: !wal_pending && !sibling_writable(&shm),
    }
}

/// WAL, the durability asked for, and every pending migration.
fn configure(conn: &mut Connection, durability: Durability) -> Result<(), StoreError> {
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", synchronous)?;
    // The writer touches the newest pages of several indexes keyed by
    // random ids per command; with SQLite's default 2 MiB it re-reads them
    // from the file once a log outgrows that (BENCHMARKS.md). The memory
    // is only taken as pages are used.
    conn.pragma_update(None, "cache_size", WRITER_CACHE_SIZE)?;
    // Every command runs in a savepoint, and SQLite copies each page a
    // savepoint first changes into a statement journal, which it spills to
    // a temporary file past 64 KiB: a quarter of the writer's time at 64
    // writers went there (BENCHMARKS.md). In memory, it is a copy. The
    // journal only lives until its command is released.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    embedded::migrations::runner().run(conn)?;
    Ok(())
}

/// The writer's page cache, in KiB (SQLite's negative `cache_size`).
const WRITER_CACHE_SIZE: i64 = -64 * 1024;

/// Creates a new, migrated database at `path`, which does not exist.
///
/// It is built under a temporary name next to `path` and then linked into
/// place, so that `path` is either absent or a whole Sporbar database: a
/// start cut short (a crash, a full disk) never leaves an empty or half
/// made file behind, and an empty file can always be refused as not ours.
fn create(path: &Path) -> Result<(), StoreError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let remove = |p: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = p.as_os_str().to_owned();
            file.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(file));
        }
    };
    remove(&temporary);
    let built = (|| {
        let mut conn = open_connection(&temporary, OpenFlags::default())?;
        configure(&mut conn, Durability::Full)?;
        // Closing the only connection checkpoints the WAL into the file
        // and removes it: the file alone is the whole database.
        conn.close().map_err(|(_, error)| error)?;
        std::fs::File::open(&temporary)?.sync_all()?;
        Ok::<_, StoreError>(())
    })();
    // A hard link fails when `path` exists: two processes creating the same
    // database at once both end up opening the one that was linked first.
    // Where there are no hard links, a rename does (without that guarantee).
    let linked = built.and_then(|()| match std::fs::hard_link(&temporary, path) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::rename(&temporary, path)?)
        }
        _ => Ok(()),
    });
    remove(&temporary);
    linked?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The new name is durable once its folder is.
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}

/// Refuses, from its first bytes alone, a file that cannot be a whole
/// Sporbar database: a directory, an empty file, a file that is not SQLite,
/// and a database shorter than its own header says (cut off by a failed
/// copy or a truncation). SQLite would open the last two and only fail, or
/// worse not fail, once it reads the missing pages.
///
/// A file with a WAL next to it may rightly be shorter: a checkpoint writes
/// page 1 (with the new page count) first, so a crash in the middle of one
/// leaves the file short until SQLite completes it from the WAL.
fn check_file(path: &Path, metadata: &std::fs::Metadata) -> Result<(), StoreError> {
    use std::io::Read;
    let foreign = |why: String| StoreError::Foreign {
        path: path.display().to_string(),
        why,
    };
    if metadata.is_dir() {
        return Err(foreign("it is a directory".into()));
    }
    if !metadata.is_file() {
        return Err(foreign("it is not a regular file".into()));
    }
    let length = metadata.len();
    if length == 0 {
        return Err(foreign(
            "it is empty; a new database is only created where no file exists".into(),
        ));
    }
    // https://www.sqlite.org/fileformat2.html#the_database_header
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path)?;
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => break,
            n => read += n,
        }
    }
    if read < header.len() || !header.starts_with(b"SQLite format 3\0") {
        return Err(foreign(format!(
            "it is not an SQLite database ({length} bytes without an SQLite header)"
        )));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let word = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    let pages = u64::from(word(28));
    // The page count is valid when written by SQLite 3.7.0 or later, which
    // then also stores the change counter at offset 92.
    let count_valid = pages > 0 && word(92) == word(24);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_pending = std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0);
    if count_valid && !wal_pending && length < pages * page_size {
        return Err(foreign(format!(
            "it is cut short: its header says {pages} pages of {page_size} bytes, \
             but the file has only {length} bytes"
        )));
    }
    Ok(())
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

/// How many events a verify checks between two questions whether to go on.
const VERIFY_STRIDE: u64 = 4_096;

pub(super) fn verify(
    conn: &Connection,
    go_on: &dyn Fn() -> bool,
) -> Result<VerifyReport, StoreError> {
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
        if checked % VERIFY_STRIDE == VERIFY_STRIDE - 1 && !go_on() {
            return Err(StoreError::Interrupted);
        }
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

//! The event store: the append-only log in SQLite, its hash chain, and the
//! single writer that turns commands into committed events.
//!
//! Commands go to [`SqliteStore::submit`]; one writer thread owns the write
//! connection, checks each command against its organization's state with
//! `domain::decide`, appends the events with their hashes, updates the read
//! models in the same transaction, and commits waiting commands together
//! (group commit). Readers open their own connections (WAL).

pub mod chain;
mod lock;
pub mod payload;
mod rebuild;
mod sqlite;
mod writer;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::{Command, DomainError, OrganizationId};

pub use lock::WriterLock;
pub use sqlite::{ChainProblem, Checkpoint, Durability, SqliteStore, StoreOptions, VerifyReport};

/// A command as it reaches the store: the domain command plus who sent it,
/// why, and the bookkeeping that makes it safe to retry.
#[derive(Clone, Debug)]
pub struct Submission {
    pub command: Command,
    /// The target stream's version the sender saw; `Some(0)` means "must not exist yet".
    pub expected_version: Option<u64>,
    /// Idempotency key: a second submission with the same id appends nothing
    /// and gets the first one's result.
    pub command_id: Uuid,
    pub actor: String,
    pub reason: Option<String>,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    /// The organizations the sender may change; `None` means any. Checked
    /// by the writer against the organization the command resolves to, in
    /// the same transaction as the decision, so no command slips past it.
    pub allowed_organizations: Option<Vec<OrganizationId>>,
}

impl Submission {
    /// A submission with a fresh command id and no version check.
    pub fn new(command: Command, actor: impl Into<String>) -> Self {
        Self {
            command,
            expected_version: None,
            command_id: Uuid::now_v7(),
            actor: actor.into(),
            reason: None,
            correlation_id: None,
            causation_id: None,
            allowed_organizations: None,
        }
    }

    /// Limits the submission to changes within these organizations.
    pub fn within(mut self, organizations: Vec<OrganizationId>) -> Self {
        self.allowed_organizations = Some(organizations);
        self
    }

    pub fn expecting(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn with_command_id(mut self, id: Uuid) -> Self {
        self.command_id = id;
        self
    }
}

/// What a committed (or repeated) command appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    pub events: Vec<AppendedEvent>,
    /// True when the command id had been seen before and nothing new was appended.
    pub duplicate: bool,
}

impl Appended {
    /// The log position of the command's last event.
    pub fn last_position(&self) -> Option<u64> {
        self.events.last().map(|e| e.position)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendedEvent {
    pub position: u64,
    pub stream_id: Uuid,
    pub stream_version: u64,
    pub recorded_at: DateTime<Utc>,
}

/// One event as stored, every column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub position: u64,
    pub event_id: Uuid,
    pub stream_id: Uuid,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub payload: String,
    pub recorded_at: DateTime<Utc>,
    pub effective_at: NaiveDate,
    pub actor: String,
    pub reason: Option<String>,
    pub command_id: Uuid,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub prev_hash: chain::Hash,
    pub hash: chain::Hash,
}

/// Which events to read from the log.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub stream_id: Option<Uuid>,
    pub event_type: Option<String>,
    /// Recorded at or after this instant.
    pub recorded_from: Option<DateTime<Utc>>,
    /// Recorded strictly before this instant.
    pub recorded_until: Option<DateTime<Utc>>,
    /// Position strictly greater than this.
    pub after_position: u64,
    pub limit: Option<u64>,
}

/// Why the store could not carry out a request.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("stream '{stream_id}' is at version {actual}, not the expected {expected}")]
    Conflict {
        stream_id: Uuid,
        expected: u64,
        actual: u64,
    },
    #[error("command id '{command_id}' was already used for a different command")]
    CommandIdReused { command_id: Uuid },
    /// The sender may not change this organization's data.
    #[error("you may not change the data of organization '{organization}'")]
    Forbidden { organization: OrganizationId },
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migrating the database failed")]
    Migration(#[from] refinery::Error),
    #[error("stored event at position {position} cannot be read")]
    Corrupt {
        position: u64,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("'{path}' is not a Sporbar database: {why}")]
    Foreign { path: String, why: String },
    /// A command of an all-or-nothing batch was refused; nothing was stored.
    #[error("command {index} of the batch was refused: {source}")]
    InBatch {
        index: usize,
        #[source]
        source: Box<StoreError>,
    },
    /// The batch's transaction did not commit; nothing of it was stored.
    #[error("the commit failed, nothing was stored: {0}")]
    CommitFailed(String),
    /// Another process holds the database's writer lock.
    #[error(
        "another Sporbar process{} is writing to '{path}'; stop it first (export, verify, backup and events may run beside it)",
        holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
    )]
    Locked { path: String, holder: Option<u32> },
    #[error("the store's writer has stopped")]
    WriterGone,
    /// Long work (a whole-log verify) stopped because whoever asked for it
    /// is gone: its request timed out or its client went away.
    #[error("the work was stopped because its request ended")]
    Interrupted,
    #[error("io error")]
    Io(#[from] std::io::Error),
}

/// Where transaction time comes from. The store reads it; the domain never does.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The server's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The stored text form of a transaction time: fixed width, so that text
/// order is time order.
pub fn format_recorded_at(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_recorded_at(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// An error with its causes, for logs.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

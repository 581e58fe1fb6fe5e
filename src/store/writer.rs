//! The single writer. One thread owns the write connection; commands queue
//! up on a channel and every waiting command is committed in one
//! transaction (group commit). A refused command leaves no trace while the
//! others in the batch land: it is refused before it writes anything, and
//! one that fails halfway sends the batch round again with a savepoint per
//! command (`Writer::try_batch`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::{broadcast, oneshot};
use uuid::Uuid;

use super::chain::{ChainedFields, GENESIS, Hash};
use super::{
    Appended, AppendedEvent, Clock, StoreError, Submission, error_chain, format_recorded_at,
    payload,
};
use crate::domain::{self, DomainError, Event, OrganizationId, State};
use crate::projection;
use crate::telemetry::WriterMetrics;

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

enum Job {
    Append(Box<Submission>, Reply<Appended>),
    /// Several commands, all committed or none.
    AppendAll(Vec<Submission>, Reply<Vec<Appended>>),
    Rebuild(Reply<u64>),
}

pub(super) struct WriterHandle {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl WriterHandle {
    pub(super) fn submit(
        &self,
        submission: Submission,
    ) -> oneshot::Receiver<Result<Appended, StoreError>> {
        let (reply, receiver) = oneshot::channel();
        if let Some(jobs) = &self.jobs {
            // A send error means the writer is gone; the dropped reply tells the caller.
            let _ = jobs.send(Job::Append(Box::new(submission), reply));
        }
        receiver
    }

    pub(super) fn submit_all(
        &self,
        submissions: Vec<Submission>,
    ) -> oneshot::Receiver<Result<Vec<Appended>, StoreError>> {
        let (reply, receiver) = oneshot::channel();
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::AppendAll(submissions, reply));
        }
        receiver
    }

    pub(super) fn rebuild(&self) -> oneshot::Receiver<Result<u64, StoreError>> {
        let (reply, receiver) = oneshot::channel();
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Rebuild(reply));
        }
        receiver
    }
}

impl Drop for WriterHandle {
    /// Closing the channel lets the writer finish the commands already queued
    /// and stop; waiting for it means no acknowledged command is cut short.
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub(super) fn spawn(
    conn: Connection,
    clock: Arc<dyn Clock>,
    max_batch: usize,
    committed: broadcast::Sender<u64>,
    metrics: Arc<WriterMetrics>,
    published: Arc<RwLock<Option<(u64, Hash)>>>,
) -> Result<WriterHandle, StoreError> {
    let head = Head::load(&conn)?;
    *published.write().expect("not poisoned") = head.published();
    let (jobs, queue) = mpsc::channel();
    let mut writer = Writer {
        conn,
        log: Log {
            clock,
            head,
            states: HashMap::new(),
        },
        max_batch: max_batch.max(1),
        committed,
        metrics,
        published,
    };
    let thread = thread::Builder::new()
        .name("sporbar-writer".into())
        .spawn(move || writer.run(queue))?;
    Ok(WriterHandle {
        jobs: Some(jobs),
        thread: Some(thread),
    })
}

/// The end of the chain: where the next event goes.
#[derive(Clone, Debug)]
struct Head {
    position: u64,
    hash: Hash,
    recorded_at: Option<DateTime<Utc>>,
}

impl Head {
    /// Position and hash, or `None` for an empty log.
    fn published(&self) -> Option<(u64, Hash)> {
        (self.position > 0).then_some((self.position, self.hash))
    }

    fn load(conn: &Connection) -> Result<Self, StoreError> {
        let row: Option<(u64, Vec<u8>, String)> = conn
            .query_row(
                "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match row {
            None => Head {
                position: 0,
                hash: GENESIS,
                recorded_at: None,
            },
            Some((position, hash, recorded_at)) => Head {
                position,
                hash: hash
                    .as_slice()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt {
                        position,
                        source: "stored hash is not 32 bytes".into(),
                    })?,
                recorded_at: super::parse_recorded_at(&recorded_at),
            },
        })
    }
}

struct Writer {
    conn: Connection,
    log: Log,
    max_batch: usize,
    /// Told the head position after every commit that appended something.
    committed: broadcast::Sender<u64>,
    metrics: Arc<WriterMetrics>,
    /// The committed head, for readers that need it without a query.
    published: Arc<RwLock<Option<(u64, Hash)>>>,
}

/// What appending reads and moves on besides the transaction: the clock,
/// the end of the chain and the decision states. A field of its own, so
/// that a transaction on the writer's connection and an append can be
/// borrowed together.
struct Log {
    clock: Arc<dyn Clock>,
    head: Head,
    /// Decision state per organization, loaded from the log on first use and
    /// kept current by the writer itself (nobody else appends).
    states: HashMap<OrganizationId, State>,
}

impl Log {
    /// Checks one submission and appends its events in `tx`; the head moves
    /// on when it succeeds. See [`append`] for `wrote`.
    fn append(
        &mut self,
        tx: &Connection,
        submission: &Submission,
        projection: &mut Duration,
        wrote: &mut bool,
    ) -> Result<Appended, StoreError> {
        let (appended, head) = append(
            tx,
            self.clock.as_ref(),
            &self.head,
            &mut self.states,
            submission,
            projection,
            wrote,
        )?;
        self.head = head;
        Ok(appended)
    }

    /// After a rollback: back to the head before it, and forget what the
    /// rolled-back commands taught the caches.
    fn forget_since(&mut self, head: Head) {
        self.head = head;
        self.states.clear();
    }
}

impl Writer {
    fn run(&mut self, queue: mpsc::Receiver<Job>) {
        while let Ok(first) = queue.recv() {
            let mut appends = Vec::new();
            let mut next = Some(first);
            while let Some(job) = next.take() {
                match job {
                    Job::Append(submission, reply) => appends.push((*submission, reply)),
                    Job::Rebuild(reply) => {
                        // Commit what queued before the rebuild, then rebuild.
                        self.commit_batch(std::mem::take(&mut appends));
                        let _ = reply.send(self.rebuild());
                    }
                    Job::AppendAll(submissions, reply) => {
                        self.commit_batch(std::mem::take(&mut appends));
                        let _ = reply.send(self.commit_all(&submissions));
                    }
                }
                if appends.len() < self.max_batch {
                    next = queue.try_recv().ok();
                }
            }
            self.commit_batch(appends);
        }
    }

    fn commit_batch(&mut self, batch: Vec<(Submission, Reply<Appended>)>) {
        if batch.is_empty() {
            return;
        }
        let head_before = self.log.head.clone();
        let started = Instant::now();
        let outcome = self.try_batch(&batch);
        match outcome {
            Ok((results, projection)) => {
                self.count_commit(&head_before, started, projection, results.len(), |i| {
                    results[i].is_ok()
                });
                if self.log.head.position > head_before.position {
                    self.publish();
                }
                for ((_, reply), result) in batch.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(error) => {
                // The transaction did not commit: nothing of the batch exists.
                // Forget what the batch taught the caches.
                tracing::error!(error = %error_chain(&error), "commit failed; batch rolled back");
                self.count_failed_commit(batch.len());
                self.log.forget_since(head_before);
                let message = error_chain(&error);
                for (_, reply) in batch {
                    let _ = reply.send(Err(StoreError::CommitFailed(message.clone())));
                }
            }
        }
    }

    /// Tells the process the new head, after its commit: first the shared
    /// value, then the subscribers, so a woken subscriber reads it.
    fn publish(&self) {
        *self.published.write().expect("not poisoned") = self.log.head.published();
        // No receiver is fine: nobody is listening.
        let _ = self.committed.send(self.log.head.position);
    }

    fn count_commit(
        &self,
        head_before: &Head,
        started: Instant,
        projection: Duration,
        commands: usize,
        accepted: impl Fn(usize) -> bool,
    ) {
        use std::sync::atomic::Ordering::Relaxed;
        let metrics = &self.metrics;
        let ok = (0..commands).filter(|&i| accepted(i)).count() as u64;
        metrics.commands_accepted.fetch_add(ok, Relaxed);
        metrics
            .commands_refused
            .fetch_add(commands as u64 - ok, Relaxed);
        metrics
            .events_appended
            .fetch_add(self.log.head.position - head_before.position, Relaxed);
        metrics.batch_size.observe(commands as f64);
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        metrics.projection_seconds.observe(projection.as_secs_f64());
    }

    fn count_failed_commit(&self, commands: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.metrics.commits_failed.fetch_add(1, Relaxed);
        self.metrics
            .commands_refused
            .fetch_add(commands as u64, Relaxed);
    }

    /// Runs the batch and commits it. An `Err` means the transaction as a
    /// whole failed; with `Ok` comes the time spent on the read models.
    ///
    /// Commands are checked before their first write, so a refused command
    /// normally leaves nothing to undo, and the batch runs without a
    /// savepoint per command (each one cost SQLite a copy of every page it
    /// first touched: BENCHMARKS.md). Should a command fail after it began
    /// to write (a stream id taken twice within one command, a database
    /// error), the whole batch is rolled back and run again with a
    /// savepoint per command, which undoes exactly that command.
    #[allow(clippy::type_complexity)]
    fn try_batch(
        &mut self,
        batch: &[(Submission, Reply<Appended>)],
    ) -> Result<(Vec<Result<Appended, StoreError>>, Duration), StoreError> {
        let head_before = self.log.head.clone();
        match self.try_batch_unguarded(batch)? {
            Some(done) => Ok(done),
            None => {
                self.log.forget_since(head_before);
                self.try_batch_with_savepoints(batch)
            }
        }
    }

    /// The batch without savepoints; `None` (rolled back) when a command
    /// failed after it had written.
    #[allow(clippy::type_complexity)]
    fn try_batch_unguarded(
        &mut self,
        batch: &[(Submission, Reply<Appended>)],
    ) -> Result<Option<(Vec<Result<Appended, StoreError>>, Duration)>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(batch.len());
        let mut projection = Duration::ZERO;
        for (submission, _) in batch {
            let mut wrote = false;
            match self
                .log
                .append(&tx, submission, &mut projection, &mut wrote)
            {
                Ok(appended) => results.push(Ok(appended)),
                Err(error) => {
                    // SQLite rolled back the whole transaction (a full disk,
                    // an I/O error): the batch fails as a whole.
                    if tx.is_autocommit() {
                        return Err(error);
                    }
                    // Written halfway, or the database itself failed: redo
                    // with savepoints.
                    if wrote || matches!(error, StoreError::Sqlite(_)) {
                        return Ok(None);
                    }
                    // Refused before writing: nothing to undo.
                    results.push(Err(error));
                }
            }
        }
        tx.commit()?;
        Ok(Some((results, projection)))
    }

    /// Runs every command of the batch in its own savepoint, then commits.
    #[allow(clippy::type_complexity)]
    fn try_batch_with_savepoints(
        &mut self,
        batch: &[(Submission, Reply<Appended>)],
    ) -> Result<(Vec<Result<Appended, StoreError>>, Duration), StoreError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(batch.len());
        let mut projection = Duration::ZERO;
        for (submission, _) in batch {
            let savepoint = tx.savepoint()?;
            match self
                .log
                .append(&savepoint, submission, &mut projection, &mut false)
            {
                Ok(appended) => {
                    // Should the release fail, the batch fails as a whole and
                    // `commit_batch` puts the head back.
                    savepoint.commit()?;
                    results.push(Ok(appended));
                }
                Err(error) => {
                    // Dropping the savepoint rolls it back.
                    drop(savepoint);
                    if let StoreError::Sqlite(_) = error {
                        tracing::warn!(error = %error_chain(&error), "command failed in the database");
                    }
                    // Some errors (a full disk, an I/O error) make SQLite roll
                    // back the whole transaction, not only the savepoint: the
                    // commands before this one are gone too, and carrying on
                    // would acknowledge them. The batch fails as a whole.
                    if tx.is_autocommit() {
                        return Err(error);
                    }
                    results.push(Err(error));
                }
            }
        }
        tx.commit()?;
        Ok((results, projection))
    }

    /// Commits every submission in one transaction, or none: the first
    /// refusal rolls back all of them and is returned with its index.
    fn commit_all(&mut self, submissions: &[Submission]) -> Result<Vec<Appended>, StoreError> {
        let head_before = self.log.head.clone();
        let started = Instant::now();
        let mut projection = Duration::ZERO;
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut results = Vec::with_capacity(submissions.len());
            for (index, submission) in submissions.iter().enumerate() {
                let appended = self
                    .log
                    .append(&tx, submission, &mut projection, &mut false)
                    .map_err(|error| StoreError::InBatch {
                        index,
                        source: Box::new(error),
                    })?;
                results.push(appended);
            }
            tx.commit()?;
            Ok(results)
        })();
        match result {
            Ok(results) => {
                self.count_commit(&head_before, started, projection, results.len(), |_| true);
                if self.log.head.position > head_before.position {
                    self.publish();
                }
                Ok(results)
            }
            Err(error) => {
                // Nothing of the batch exists; the caches may have learned part of it.
                self.count_failed_commit(submissions.len());
                self.log.forget_since(head_before);
                Err(error)
            }
        }
    }

    fn rebuild(&mut self) -> Result<u64, StoreError> {
        self.log.states.clear();
        super::rebuild::rebuild(&mut self.conn)
    }
}

/// Checks one submission and appends its events. Returns the result and the
/// new head; changes nothing outside the transaction unless it succeeds.
/// Every check that can refuse the command comes before its first write;
/// `wrote` is set when writing begins, so that a caller can tell a refusal
/// (nothing to undo) from a failure halfway.
#[allow(clippy::too_many_arguments)]
fn append(
    tx: &Connection,
    clock: &dyn Clock,
    head: &Head,
    states: &mut HashMap<OrganizationId, State>,
    submission: &Submission,
    projection_time: &mut Duration,
    wrote: &mut bool,
) -> Result<(Appended, Head), StoreError> {
    let body = &submission.command.body;
    let target = body.target();
    let (anchor, anchor_entity) = body.anchor();
    // One look-up answers the organization and, when the command changes
    // the stream it is anchored on (most do), the version too.
    let anchor_row = stream_row(tx, anchor)?;
    let organization = if matches!(body, domain::CommandBody::RegisterOrganization { .. }) {
        OrganizationId(target)
    } else {
        anchor_row
            .map(|(organization, _)| organization)
            .ok_or_else(|| DomainError::not_found(anchor_entity, anchor))?
    };
    // Before the repeat check, so that a repeated command id tells an
    // outsider nothing about the first command's result either.
    if let Some(allowed) = &submission.allowed_organizations
        && !allowed.contains(&organization)
    {
        return Err(StoreError::Forbidden { organization });
    }
    let fingerprint = fingerprint(&submission.command);
    // command_log is keyed by command id: one index descent tells a new
    // command from a repeated one, and only a repeat reads its events.
    let recorded: Option<Vec<u8>> = tx
        .prepare_cached("SELECT fingerprint FROM command_log WHERE command_id = ?1")?
        .query_row([submission.command_id.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(recorded) = recorded {
        if recorded != fingerprint {
            return Err(StoreError::CommandIdReused {
                command_id: submission.command_id,
            });
        }
        let previous = previous_result(tx, submission.command_id)?.unwrap_or(Appended {
            events: Vec::new(),
            duplicate: true,
        });
        return Ok((previous, head.clone()));
    }
    let current_version = if anchor == target {
        anchor_row.map(|(_, version)| version)
    } else {
        stream_version(tx, target)?
    }
    .unwrap_or(0);
    if let Some(expected) = submission.expected_version
        && expected != current_version
    {
        return Err(StoreError::Conflict {
            stream_id: target,
            expected,
            actual: current_version,
        });
    }

    let state = match states.entry(organization) {
        Entry::Occupied(entry) => entry.into_mut(),
        Entry::Vacant(entry) => entry.insert(load_state(tx, organization)?),
    };
    let events = domain::decide(state, &submission.command)?;

    let effective_at = submission.command.effective.format("%Y-%m-%d").to_string();
    // Stored with microseconds; truncate first so the answer equals the row.
    let now = clock.now().trunc_subsecs(6);
    // Transaction time never decreases along the log, even if the clock does.
    let recorded_at = match head.recorded_at {
        Some(last) if last > now => last,
        _ => now,
    };
    let recorded_text = format_recorded_at(recorded_at);
    let command_id = submission.command_id.to_string();
    let correlation_id = submission
        .correlation_id
        .unwrap_or(submission.command_id)
        .to_string();
    let causation_id = submission.causation_id.map(|c| c.to_string());

    // Ids come from clients: one already in use anywhere in the log, even
    // in another organization, is refused, before anything is written.
    for event in events.iter().filter(|e| e.creates_stream()) {
        let (stream_id, kind) = event.stream();
        if stream_version(tx, stream_id)?.is_some() {
            return Err(DomainError::already_exists(kind.entity_name(), stream_id).into());
        }
    }

    *wrote = true;
    let mut new_head = head.clone();
    let mut appended = Vec::with_capacity(events.len());
    for event in &events {
        let (stream_id, kind) = event.stream();
        let stream_version = bump_stream(tx, stream_id, kind, organization)?;
        if event.creates_stream() && stream_version != 1 {
            // Checked above; here only when one command creates a stream
            // twice. The caller undoes what this command wrote.
            return Err(DomainError::already_exists(kind.entity_name(), stream_id).into());
        }
        let encoded = payload::encode(event);
        let position = new_head.position + 1;
        let event_id = Uuid::now_v7().to_string();
        let stream_text = stream_id.to_string();
        let fields = ChainedFields {
            position,
            event_id: &event_id,
            stream_id: &stream_text,
            stream_version,
            event_type: encoded.event_type,
            schema_version: encoded.schema_version,
            payload: &encoded.payload,
            recorded_at: &recorded_text,
            effective_at: &effective_at,
            actor: &submission.actor,
            reason: submission.reason.as_deref(),
            command_id: &command_id,
            correlation_id: &correlation_id,
            causation_id: causation_id.as_deref(),
            prev_hash: &new_head.hash,
        };
        let hash = fields.hash();
        tx.prepare_cached(
            "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, \
             schema_version, payload, recorded_at, effective_at, actor, reason, command_id, \
             correlation_id, causation_id, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(params![
            position,
            event_id,
            stream_text,
            stream_version,
            encoded.event_type,
            encoded.schema_version,
            encoded.payload,
            recorded_text,
            effective_at,
            submission.actor,
            submission.reason,
            command_id,
            correlation_id,
            causation_id,
            new_head.hash.as_slice(),
            hash.as_slice(),
        ])?;
        let projecting = Instant::now();
        projection::project(tx, position, &effective_at, organization, event)?;
        *projection_time += projecting.elapsed();
        new_head = Head {
            position,
            hash,
            recorded_at: Some(recorded_at),
        };
        appended.push(AppendedEvent {
            position,
            stream_id,
            stream_version,
            recorded_at,
        });
    }

    tx.prepare_cached("INSERT INTO command_log (command_id, fingerprint) VALUES (?1, ?2)")?
        .execute(params![command_id, fingerprint.as_slice()])?;

    // Only now, with every row written, does the cached state learn the events.
    let state = states.get_mut(&organization).expect("state loaded above");
    for event in &events {
        state.apply(event, submission.command.effective);
    }
    Ok((
        Appended {
            events: appended,
            duplicate: false,
        },
        new_head,
    ))
}

/// What makes two submissions the same command: the command and its
/// effective date, not who sent it or which version they saw.
fn fingerprint(command: &domain::Command) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{command:?}").as_bytes()).into()
}

/// The events an earlier submission with this command id appended, if any.
fn previous_result(tx: &Connection, command_id: Uuid) -> Result<Option<Appended>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT position, stream_id, stream_version, recorded_at FROM events \
         WHERE command_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([command_id.to_string()], |r| {
        Ok((
            r.get::<_, u64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut events = Vec::new();
    for row in rows {
        let (position, stream_id, stream_version, recorded_at) = row?;
        let corrupt = || StoreError::Corrupt {
            position,
            source: "unreadable stream id or time".into(),
        };
        events.push(AppendedEvent {
            position,
            stream_id: Uuid::parse_str(&stream_id).map_err(|_| corrupt())?,
            stream_version,
            recorded_at: super::parse_recorded_at(&recorded_at).ok_or_else(corrupt)?,
        });
    }
    Ok((!events.is_empty()).then_some(Appended {
        events,
        duplicate: true,
    }))
}

/// A stream's organization and version, if the stream exists.
fn stream_row(
    tx: &Connection,
    stream_id: Uuid,
) -> Result<Option<(OrganizationId, u64)>, StoreError> {
    let row: Option<(String, u64)> = tx
        .prepare_cached("SELECT organization_id, version FROM streams WHERE stream_id = ?1")?
        .query_row([stream_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(o, version)| {
        Uuid::parse_str(&o)
            .map(|id| (OrganizationId(id), version))
            .map_err(|_| StoreError::Corrupt {
                position: 0,
                source: format!("stream '{stream_id}' has organization '{o}'").into(),
            })
    })
    .transpose()
}

fn stream_version(tx: &Connection, stream_id: Uuid) -> Result<Option<u64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT version FROM streams WHERE stream_id = ?1")?
        .query_row([stream_id.to_string()], |r| r.get(0))
        .optional()?)
}

/// Records one more event on a stream and returns its new version.
fn bump_stream(
    tx: &Connection,
    stream_id: Uuid,
    kind: domain::StreamKind,
    organization: OrganizationId,
) -> Result<u64, StoreError> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO streams (stream_id, kind, organization_id, version) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (stream_id) DO UPDATE SET version = version + 1 RETURNING version",
        )?
        .query_row(params![stream_id.to_string(), kind.as_str(), organization.to_string()], |r| r.get(0))?)
}

/// Reads a row of (position, event_type, schema_version, payload,
/// effective_at) and decodes its event.
fn decoded<'r>(row: &'r rusqlite::Row<'_>) -> Result<(u64, Event, &'r str), StoreError> {
    let position: u64 = row.get(0)?;
    // Borrowed from the row, not copied: a rebuild reads every event.
    let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
    let schema_version: u32 = row.get(2)?;
    let event =
        payload::decode(text(1)?, schema_version, text(3)?).map_err(|e| StoreError::Corrupt {
            position,
            source: Box::new(e),
        })?;
    Ok((position, event, text(4)?))
}

/// Folds every event of one organization, in log order, into its decision state.
fn load_state(tx: &Connection, organization: OrganizationId) -> Result<State, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT e.position, e.event_type, e.schema_version, e.payload, e.effective_at \
         FROM events e JOIN streams s ON s.stream_id = e.stream_id \
         WHERE s.organization_id = ?1 ORDER BY e.position",
    )?;
    let mut rows = stmt.query([organization.to_string()])?;
    let mut state = State::default();
    while let Some(row) = rows.next()? {
        let (position, event, effective_at) = decoded(row)?;
        let effective =
            chrono::NaiveDate::parse_from_str(effective_at, "%Y-%m-%d").map_err(|_| {
                StoreError::Corrupt {
                    position,
                    source: format!("effective_at '{effective_at}'").into(),
                }
            })?;
        state.apply(&event, effective);
    }
    Ok(state)
}

//! Copying the write-ahead log back into the database file, off the
//! writer's thread.
//!
//! SQLite's default is that the connection that commits copies the WAL
//! into the file (and syncs it) once the WAL passes 1 000 pages, inside
//! that commit: the writer and every command waiting on it stalled for the
//! copy and its fsync (12 % of the writer's time at 64 writers). The
//! writer's connection has that turned off; this thread, with a connection
//! of its own, runs a PASSIVE checkpoint after commits instead, at most
//! every `INTERVAL`. PASSIVE never waits for a lock, so the writer is never
//! held up by it, and what a checkpoint leaves (pages a reader still needs)
//! is copied by the next one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// The shortest time between two checkpoints: under a steady stream of
/// commits the WAL holds about this much of them.
const INTERVAL: Duration = Duration::from_millis(100);

/// The checkpointing thread; stops when dropped (without a last
/// checkpoint: the writer's connection, closing last, does that).
pub(super) struct Checkpointer {
    wake: SyncSender<()>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

/// What the writer holds to say "something was committed".
#[derive(Clone)]
pub(super) struct Committed(SyncSender<()>);

impl Committed {
    /// Never blocks: a wake-up already pending covers this commit too.
    pub(super) fn notify(&self) {
        match self.0.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

impl Checkpointer {
    pub(super) fn spawn(conn: Connection) -> std::io::Result<(Self, Committed)> {
        let (wake, woken) = mpsc::sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("sporbar-checkpoint".into())
            .spawn(move || run(&conn, &woken, &stopped))?;
        Ok((
            Self {
                wake: wake.clone(),
                stop,
                thread: Some(thread),
            },
            Committed(wake),
        ))
    }
}

impl Drop for Checkpointer {
    /// Stops the thread and waits for it, so that its connection is closed
    /// before the writer's: the last connection to close copies what is
    /// left and removes the WAL.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // A wake-up already pending serves as well.
        let _ = self.wake.try_send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, woken: &mpsc::Receiver<()>, stop: &AtomicBool) {
    let stopping = || stop.load(Ordering::Acquire);
    let mut last = Instant::now();
    while woken.recv().is_ok() && !stopping() {
        // Commits that come meanwhile are covered by this checkpoint.
        let deadline = last + INTERVAL;
        loop {
            match woken.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(()) if stopping() => return,
                Ok(()) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let started = Instant::now();
        match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        }) {
            Ok((frames, copied)) => tracing::trace!(
                frames,
                copied,
                micros = started.elapsed().as_micros() as u64,
                "checkpoint"
            ),
            Err(error) => tracing::warn!(%error, "checkpoint failed; the next commit retries it"),
        }
        last = Instant::now();
    }
}

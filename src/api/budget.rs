//! What a request may spend of the machine once it is admitted: a place in
//! the bounded pool of blocking reads, the one place for whole-log work, and
//! the promise that work stops when its request ends.
//!
//! Blocking reads run on tokio's blocking threads. Without a bound, a client
//! pipelining thousands of requests fills that pool, and the reads queued
//! there run to the end even after their requests timed out or their socket
//! closed, so other readers wait for minutes. Here a read first waits for a
//! permit in async code, where dropping the request drops the wait; once it
//! holds one, its closure runs at once, and checks before it starts whether
//! anyone still wants the answer. Long work (`verifyLog`) asks again every
//! few thousand events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ApiError;

/// Blocking reads in flight at once, by default: twice the cores, so that
/// a read waiting on the disk does not leave a core idle, and never so many
/// that the machine is buried under one client's queue.
pub fn default_readers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4)
        .max(2)
}

/// The shared budget of the server's blocking work.
pub struct Budget {
    readers: Arc<Semaphore>,
    /// Whole-log work (recomputing the chain) runs one at a time, so it can
    /// take at most one core from the other readers, whoever asks for it.
    whole_log: Arc<Semaphore>,
}

impl Budget {
    pub fn new(readers: usize) -> Self {
        Budget {
            readers: Arc::new(Semaphore::new(readers.max(1))),
            whole_log: Arc::new(Semaphore::new(1)),
        }
    }

    /// Runs `work` on a blocking thread once a reader's place is free. If
    /// the returned future is dropped (the request timed out, the client
    /// left), the work is not started, or is told to stop through the
    /// [`Wanted`] it is given.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Wanted) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self.readers.clone().acquire_owned().await.map_err(closed)?;
        run(permit, work).await
    }

    /// Like [`blocking`](Self::blocking), for work that reads the whole
    /// log: it also waits for the one whole-log place.
    pub async fn whole_log<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Wanted) -> Result<T, ApiError> + Send + 'static,
    {
        let whole = self
            .whole_log
            .clone()
            .acquire_owned()
            .await
            .map_err(closed)?;
        let permit = self.readers.clone().acquire_owned().await.map_err(closed)?;
        run(permit, move |wanted| {
            let _whole = whole;
            work(wanted)
        })
        .await
    }
}

fn closed(_: tokio::sync::AcquireError) -> ApiError {
    ApiError::Unavailable("the server is stopping".into())
}

async fn run<T, F>(permit: OwnedSemaphorePermit, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Wanted) -> Result<T, ApiError> + Send + 'static,
{
    let wanted = Wanted(Arc::new(AtomicBool::new(true)));
    // Set to "not wanted" when this future ends, however it ends.
    let _on_drop = Unwant(wanted.clone());
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        if !wanted.still() {
            return Err(ApiError::Unavailable(
                "the request ended before its work began".into(),
            ));
        }
        work(&wanted)
    })
    .await
    .map_err(|e| ApiError::Internal(Box::new(e)))?
}

/// Whether the request a piece of work is for still waits for it.
#[derive(Clone)]
pub struct Wanted(Arc<AtomicBool>);

impl Wanted {
    pub fn still(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

struct Unwant(Wanted);

impl Drop for Unwant {
    fn drop(&mut self) {
        self.0.0.store(false, Ordering::Relaxed);
    }
}

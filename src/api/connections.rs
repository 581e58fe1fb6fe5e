//! Taking connections: how many may be open, how long a client may take to
//! send its headers or sit idle, and how the server stops.
//!
//! `axum::serve` has none of these limits, so the accept loop is our own,
//! on hyper's HTTP/1.1 connection (with upgrades, for `/graphql/ws`):
//!
//! - one permit per open connection (`Limits::max_connections`, shared with
//!   WebSockets), and at most `max_connections_per_address` from one
//!   address; past either a new connection gets a short 503 and is closed,
//!   before the process runs out of file descriptors;
//! - hyper's header-read timeout (`Limits::header_timeout`) closes a
//!   connection whose client sends its request's headers too slowly, and,
//!   because hyper starts it again while waiting for the next request, one
//!   that sits idle between requests;
//! - on shutdown the listener closes, every connection is asked to finish
//!   its request in flight and close, every socket closes, and after
//!   `Limits::shutdown_timeout` whatever is left is abandoned. A command
//!   that reached the writer is committed or refused whole there; a read is
//!   only a read.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use super::AppState;
use super::guard::Client;
use super::metrics::Refused;

/// Busy answers being written at once; past this a refused connection is
/// closed without one.
const BUSY_ANSWERS: usize = 64;

/// Longest a busy answer may take to write.
const BUSY_ANSWER_TIMEOUT: Duration = Duration::from_secs(1);

/// Accepts connections on `listener` until `shutdown` resolves, then stops
/// as described above.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let limits = state.settings.limits;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let tracker = TaskTracker::new();
    let busy_answers = Arc::new(Semaphore::new(BUSY_ANSWERS));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
        };
        let from_here = state.connections_per_address.enter(
            &Client::address(peer.ip()),
            limits.max_connections_per_address,
        );
        let (Some(from_here), Ok(permit)) =
            (from_here, state.connections.clone().try_acquire_owned())
        else {
            state.metrics.refused(Refused::Connection);
            if let Ok(slot) = busy_answers.clone().try_acquire_owned() {
                tracker.spawn(async move {
                    refuse_busy(stream).await;
                    drop(slot);
                });
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let connection = http
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let closing = state.closing.clone();
        tracker.spawn(async move {
            let _places = (permit, from_here);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                () = closing.cancelled() => {}
            }
            // Finish the request in flight, if any, then close.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    tracing::info!(
        open = tracker.len(),
        "stopped taking connections; finishing the requests in flight"
    );
    state.closing.cancel();
    tracker.close();
    if tokio::time::timeout(limits.shutdown_timeout, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = tracker.len(),
            timeout_seconds = limits.shutdown_timeout.as_secs_f64(),
            "connections still open after the shutdown timeout are abandoned"
        );
    }
}

/// An accept that failed: a connection reset before it was taken is only
/// skipped; out of file descriptors, the loop waits a little so it does not
/// spin while connections close.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    ) {
        return;
    }
    tracing::warn!(%error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// A short 503 for a connection over the limit, then close.
async fn refuse_busy(mut stream: TcpStream) {
    let body = r#"{"errors":[{"message":"the server has too many open connections; try again shortly","extensions":{"code":"UNAVAILABLE"}}]}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(BUSY_ANSWER_TIMEOUT, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

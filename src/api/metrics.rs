//! `/metrics` in Prometheus' text format: HTTP requests and their latency
//! by route, and what the writer counted (commands, events appended, commit
//! batch sizes, commit and projection time).

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::http::HttpState;
use crate::telemetry::{Histogram, SECONDS};

/// The routes requests are counted by: few and fixed, so that a client
/// cannot grow the label set with made-up paths.
const ROUTES: [&str; 9] = [
    "graphql",
    "graphql_ws",
    "export",
    "web",
    "graphiql",
    "health",
    "ready",
    "metrics",
    "other",
];
/// Status classes counted apart.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

pub struct Metrics {
    /// By route, then status class.
    requests: Vec<[AtomicU64; 5]>,
    latency: Vec<Histogram>,
    started: Instant,
    /// Refusals at the door, by why (see [`Refused`]).
    refused: [AtomicU64; Refused::ALL.len()],
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: ROUTES.iter().map(|_| Default::default()).collect(),
            latency: ROUTES.iter().map(|_| Histogram::new(SECONDS)).collect(),
            started: Instant::now(),
            refused: Default::default(),
        }
    }
}

/// Why the door refused something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A connection past the connection limit.
    Connection,
    /// A request or socket operation past the rate limit.
    RateLimited,
    /// A query costing more than the viewer's limit.
    TooCostly,
    /// A socket operation past the operations-in-flight cap.
    TooManyOperations,
    /// An answer larger than the answer limit.
    AnswerTooLarge,
}

impl Refused {
    const ALL: [Refused; 5] = [
        Refused::Connection,
        Refused::RateLimited,
        Refused::TooCostly,
        Refused::TooManyOperations,
        Refused::AnswerTooLarge,
    ];

    fn label(self) -> &'static str {
        match self {
            Refused::Connection => "connection_limit",
            Refused::RateLimited => "rate_limit",
            Refused::TooCostly => "cost_limit",
            Refused::TooManyOperations => "operations_in_flight",
            Refused::AnswerTooLarge => "answer_size",
        }
    }
}

impl Metrics {
    pub fn refused(&self, why: Refused) {
        self.refused[why as usize].fetch_add(1, Ordering::Relaxed);
    }
}

fn route_of(path: &str) -> usize {
    let route = match path {
        "/graphql" => "graphql",
        "/graphql/ws" => "graphql_ws",
        "/health" => "health",
        "/ready" => "ready",
        "/metrics" => "metrics",
        p if p.starts_with("/export/") => "export",
        p if p.starts_with("/graphiql") => "graphiql",
        "/" => "web",
        p if p.starts_with("/assets/") => "web",
        _ => "other",
    };
    ROUTES
        .iter()
        .position(|r| *r == route)
        .unwrap_or(ROUTES.len() - 1)
}

/// Counts every request and its latency (to the response head; a
/// WebSocket counts until it is upgraded).
pub async fn count(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    let class = (response.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    metrics.requests[route][class].fetch_add(1, Ordering::Relaxed);
    metrics.latency[route].observe(started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<HttpState>) -> Response {
    let app = &state.app;
    let http = &app.metrics;
    let mut out = String::with_capacity(8 * 1024);
    let _ = writeln!(
        out,
        "# HELP sporbar_http_requests_total HTTP requests answered, by route and status class.\n\
         # TYPE sporbar_http_requests_total counter"
    );
    for (route, counts) in ROUTES.iter().zip(&http.requests) {
        for (class, count) in CLASSES.iter().zip(counts) {
            let n = count.load(Ordering::Relaxed);
            if n > 0 {
                let _ = writeln!(
                    out,
                    "sporbar_http_requests_total{{route=\"{route}\",status=\"{class}\"}} {n}"
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "# HELP sporbar_http_request_duration_seconds Time to answer an HTTP request, by route.\n\
         # TYPE sporbar_http_request_duration_seconds histogram"
    );
    for (route, histogram) in ROUTES.iter().zip(&http.latency) {
        if histogram.count() > 0 {
            histogram.render(
                &mut out,
                "sporbar_http_request_duration_seconds",
                &format!("route=\"{route}\""),
            );
        }
    }

    let _ = writeln!(
        out,
        "# HELP sporbar_refused_total What the door refused, by limit.\n\
         # TYPE sporbar_refused_total counter"
    );
    for (why, count) in Refused::ALL.iter().zip(&http.refused) {
        let _ = writeln!(
            out,
            "sporbar_refused_total{{limit=\"{}\"}} {}",
            why.label(),
            count.load(Ordering::Relaxed)
        );
    }

    let writer = app.store.metrics();
    let counters = [
        (
            "sporbar_commands_total{outcome=\"accepted\"}",
            "Commands committed or refused by the writer.",
            &writer.commands_accepted,
        ),
        (
            "sporbar_commands_total{outcome=\"refused\"}",
            "",
            &writer.commands_refused,
        ),
        (
            "sporbar_events_appended_total",
            "Events appended to the log.",
            &writer.events_appended,
        ),
        (
            "sporbar_commits_failed_total",
            "Transactions that failed as a whole (nothing of them was stored).",
            &writer.commits_failed,
        ),
    ];
    for (name, help, value) in counters {
        let family = name.split('{').next().unwrap_or(name);
        if !help.is_empty() {
            let _ = writeln!(out, "# HELP {family} {help}\n# TYPE {family} counter");
        }
        let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
    }
    let histograms = [
        (
            "sporbar_commit_batch_size",
            "Commands per committed transaction (group commit).",
            &writer.batch_size,
        ),
        (
            "sporbar_commit_duration_seconds",
            "Time from the start of a transaction to its durable commit.",
            &writer.commit_seconds,
        ),
        (
            "sporbar_projection_duration_seconds",
            "Time spent updating the read models, per transaction.",
            &writer.projection_seconds,
        ),
    ];
    for (name, help, histogram) in histograms {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        histogram.render(&mut out, name, "");
    }

    let head = app
        .read(|conn| Ok(crate::read::head(conn)?))
        .await
        .ok()
        .flatten()
        .map(|(position, _)| position);
    if let Some(position) = head {
        let _ = writeln!(
            out,
            "# HELP sporbar_log_position Position of the last event in the log.\n\
             # TYPE sporbar_log_position gauge\nsporbar_log_position {position}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP sporbar_uptime_seconds Seconds since the server started.\n\
         # TYPE sporbar_uptime_seconds gauge\nsporbar_uptime_seconds {}",
        http.started.elapsed().as_secs_f64()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

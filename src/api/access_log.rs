//! The access log: one line per request at INFO with target
//! `sporbar::access`, written by tower-http's `TraceLayer` when the answer's
//! head is ready.
//!
//! The request's span carries `method`, `route` (axum's route template,
//! such as `/export/strategies/{id}/{table}`, or `unmatched`) and
//! `request_id` (the `x-request-id` the answer carries too); the line
//! itself `status`, `duration_ms` and `identity`: the kind of client the
//! guard admitted, `anonymous` or its role, or `unknown` where no guard
//! admitted it (static files, health, a refused token). Never the path as
//! sent, its query string, a token or the actor's name: ids in paths and
//! query strings may be personal data. Any other line logged while the
//! request is answered carries the same span, so an error can be found by
//! its request id.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tower_http::request_id::RequestId;
use tower_http::trace::{HttpMakeClassifier, MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

use crate::access::{Role, Viewer};

/// The log target of the access lines, for `RUST_LOG` filters.
pub const TARGET: &str = "sporbar::access";

/// Who a request came from, as far as the access log may say: the kind of
/// identity, never which one. The guard puts it in the answer's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityKind {
    Anonymous,
    Signed(Role),
}

impl IdentityKind {
    pub fn of(viewer: &Viewer) -> Self {
        match viewer.role() {
            None => IdentityKind::Anonymous,
            Some(role) => IdentityKind::Signed(role),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Anonymous => "anonymous",
            IdentityKind::Signed(role) => role.as_str(),
        }
    }
}

/// tower-http's trace layer with the access line as its only output: no
/// line when a request starts, and none for failures, which the access line
/// already shows by its status.
pub fn layer() -> TraceLayer<HttpMakeClassifier, RequestSpan, (), AccessLine, (), (), ()> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(AccessLine)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// The span of one request: what is known of it before it is answered.
#[derive(Clone, Copy, Debug)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("");
        tracing::info_span!(
            target: TARGET,
            "request",
            method = %request.method(),
            route,
            request_id,
        )
    }
}

/// The access line, logged in the request's span.
#[derive(Clone, Copy, Debug)]
pub struct AccessLine;

impl<B> OnResponse<B> for AccessLine {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        let identity = response
            .extensions()
            .get::<IdentityKind>()
            .map_or("unknown", |kind| kind.as_str());
        tracing::info!(
            target: TARGET,
            status = response.status().as_u16(),
            duration_ms = latency.as_micros() as f64 / 1000.0,
            identity,
            "answered",
        );
    }
}

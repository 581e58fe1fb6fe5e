//! The HTTP surface: GraphQL over HTTP and WebSocket (axum +
//! async-graphql), GraphiQL served from the binary, health, and the web page.

mod access_log;
mod budget;
mod connections;
mod cost;
mod enums;
mod error;
mod exports;
mod graphiql;
mod guard;
mod http;
mod metrics;
mod mutation;
mod nesting;
mod query;
mod scalars;
mod schema;
mod socket;
mod subscription;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use rusqlite::Connection;

use crate::read::Moment;
use crate::store::SqliteStore;

pub use cost::CostLimits;
pub use error::{ApiError, ApiResult};
pub use schema::{SporbarSchema, build_schema, sdl};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<SqliteStore>,
    /// Strategy views by position and date, shared by all requests.
    pub views: Arc<crate::read::ViewCache>,
    pub settings: Arc<Settings>,
    /// Token look-ups, briefly cached.
    pub identities: Arc<guard::Identities>,
    /// `None` when rate limiting is off.
    pub rate_limiter: Option<Arc<guard::RateLimiter>>,
    /// Token look-ups per address, under the same rate: a client guessing
    /// tokens is slowed without slowing anonymous readers at its address.
    pub sign_ins: Option<Arc<guard::RateLimiter>>,
    pub metrics: Arc<metrics::Metrics>,
    /// The bounded pool of blocking reads and the whole-log place.
    pub budget: Arc<budget::Budget>,
    /// One permit per open connection, HTTP or WebSocket.
    pub connections: Arc<tokio::sync::Semaphore>,
    /// Open connections per address (an IPv6 address by its /64).
    pub connections_per_address: Arc<guard::InFlight>,
    /// Operations in flight per client over WebSockets.
    pub operations: Arc<guard::InFlight>,
    /// Cancelled when the server stops: open WebSockets close.
    pub closing: tokio_util::sync::CancellationToken,
}

impl AppState {
    pub fn new(store: Arc<SqliteStore>, settings: Settings) -> Self {
        let limits = settings.limits;
        Self {
            store,
            views: Arc::new(crate::read::ViewCache::new(256)),
            rate_limiter: limits
                .rate
                .map(|rate| Arc::new(guard::RateLimiter::new(rate))),
            sign_ins: limits
                .rate
                .map(|rate| Arc::new(guard::RateLimiter::new(rate))),
            identities: Arc::new(guard::Identities::new(limits.token_recheck)),
            metrics: Arc::default(),
            budget: Arc::new(budget::Budget::new(limits.readers)),
            connections: Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1))),
            connections_per_address: Arc::default(),
            operations: Arc::default(),
            closing: tokio_util::sync::CancellationToken::new(),
            settings: Arc::new(settings),
        }
    }
}

impl AppState {
    /// Runs a read on a pooled read-only connection, off the async threads,
    /// within the bounded pool of blocking reads (see `budget.rs`): if the
    /// request ends first, the read does not run.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let store = self.store.clone();
        self.budget
            .blocking(move |_| {
                let reader = store.reader()?;
                f(&reader)
            })
            .await
    }
}

/// The log head a request is answered at, fixed when the request starts so
/// that every part of one answer comes from the same log position.
#[derive(Clone, Copy, Debug)]
pub struct RequestClock {
    pub head: Option<(u64, [u8; 32])>,
    pub today: NaiveDate,
}

impl RequestClock {
    pub fn head_position(&self) -> u64 {
        self.head.map(|(p, _)| p).unwrap_or(0)
    }

    pub fn now(&self) -> Moment {
        Moment {
            as_of: self.head_position(),
            valid_at: self.today,
        }
    }
}

/// How the server is run: who may read, its limits, and which browser
/// origins may call it.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub limits: Limits,
    /// Anonymous clients may read (never see actor identities, never write).
    pub public_read: bool,
    /// Origins (e.g. `https://intranett.kommune.no`) whose pages may call
    /// the API from a browser; empty means CORS is off.
    pub cors_origins: Vec<String>,
}

impl Settings {
    /// Settings with anonymous reading on and everything else default.
    pub fn public() -> Self {
        Settings {
            public_read: true,
            ..Settings::default()
        }
    }
}

/// Limits of the server, the same over HTTP and WebSocket, each settable by
/// flag or environment.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body or WebSocket message accepted, in bytes (413
    /// above it; a socket is closed).
    pub body_limit: usize,
    /// Longest a request or a socket's query or mutation may take (408
    /// after it); its work stops then.
    pub request_timeout: Duration,
    /// Deepest query accepted.
    pub max_depth: usize,
    /// Most a query may cost (see `cost.rs`), by who asks.
    pub max_cost: cost::CostLimits,
    /// Largest page a connection or list query returns.
    pub max_page_size: usize,
    /// Requests per client (token, or address when anonymous); `None` is
    /// unlimited. A socket's operations count as requests.
    pub rate: Option<RateLimit>,
    /// Longest a client may take to send a request's headers, and longest a
    /// kept-alive connection may sit idle; the connection is closed after.
    pub header_timeout: Duration,
    /// Most connections open at once (HTTP and WebSocket); past it a new
    /// one is answered 503 and closed.
    pub max_connections: usize,
    /// Most of them from one address, so that one client cannot take every
    /// place.
    pub max_connections_per_address: usize,
    /// Longest the server waits for requests in flight when it stops;
    /// after it, they are abandoned (a command is committed or not, never
    /// half) and the process exits.
    pub shutdown_timeout: Duration,
    /// How long a looked-up token is trusted: a revoked or expired token
    /// stops working, on every request and every open socket, within it.
    pub token_recheck: Duration,
    /// Longest a WebSocket may take to send `connection_init`.
    pub socket_init_timeout: Duration,
    /// Most operations in flight on one socket.
    pub socket_operations: usize,
    /// Most operations in flight for one client (token, or address when
    /// anonymous) over all its sockets.
    pub client_operations: usize,
    /// Largest GraphQL answer, in bytes, over HTTP and WebSocket.
    pub max_answer_bytes: usize,
    /// Blocking reads in flight at once.
    pub readers: usize,
}

/// A client may send `burst` requests at once and `per_second` sustained;
/// beyond that it gets 429 with Retry-After.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_limit: BODY_LIMIT,
            request_timeout: REQUEST_TIMEOUT,
            max_depth: schema::MAX_DEPTH,
            max_cost: cost::CostLimits::default(),
            max_page_size: query::MAX_PAGE,
            rate: Some(RATE_LIMIT),
            header_timeout: HEADER_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            max_connections_per_address: MAX_CONNECTIONS_PER_ADDRESS,
            shutdown_timeout: SHUTDOWN_TIMEOUT,
            token_recheck: guard::TOKEN_RECHECK,
            socket_init_timeout: socket::INIT_TIMEOUT,
            socket_operations: socket::OPERATIONS_PER_SOCKET,
            client_operations: socket::OPERATIONS_PER_CLIENT,
            max_answer_bytes: MAX_ANSWER_BYTES,
            readers: budget::default_readers(),
        }
    }
}

impl Limits {
    /// Default limits without the rate limit, for tests and benchmarks
    /// that send many requests from one address.
    pub fn unthrottled() -> Self {
        Limits {
            rate: None,
            ..Limits::default()
        }
    }
}

/// Default rate limit: a page load makes a handful of requests; a client
/// sending more than this is a script, and may be one that should slow down.
pub const RATE_LIMIT: RateLimit = RateLimit {
    per_second: 50,
    burst: 200,
};

/// Default largest request body; a GraphQL request is far smaller.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Default longest time a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to send a request's headers, and to sit idle between
/// requests: a browser sends its headers at once and reuses a connection
/// within seconds, or opens a new one.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default most open connections. Each is a file descriptor; the usual
/// limit of a process is 1 024, and the database needs some of them.
pub const MAX_CONNECTIONS: usize = 512;
/// Default most open connections from one address: a browser opens six,
/// and a municipality's office behind one address has many browsers.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 128;
/// Default longest wait for requests in flight when the server stops.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest answer: the largest real answer (a big strategy's whole
/// tree with every indicator) is well under 2 MiB.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// Scripts, styles and connections from this server only, no inline
/// scripts, no framing. GraphiQL styles some elements inline, hence
/// 'unsafe-inline' for styles (not for scripts).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// The application's routes.
pub fn router(state: AppState) -> Router {
    use axum::http::{HeaderName, HeaderValue, header};
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::set_header::SetResponseHeaderLayer;
    // Office Open XML files (`strategy.xlsx`) are zip files.
    const OFFICE: &str = "application/vnd.openxmlformats-officedocument.";
    let limits = state.settings.limits;
    let schema = build_schema(state.clone());
    let http_state = http::HttpState {
        app: state.clone(),
        schema: schema.clone(),
    };
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    // Answers made per request are compressed when the client accepts it.
    // Not the WebSocket, whose upgrade has no body, nor the static files,
    // which memory-serve serves precompressed, nor a workbook, which is
    // compressed already. tower-http's default predicate skips bodies under
    // 32 bytes; its brotli works at quality 4, not the slow 11.
    let compressed = Router::new()
        .route("/graphql", get(http::graphql_get).post(http::graphql_post))
        .merge(exports::routes())
        .layer(
            tower_http::compression::CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new(OFFICE))),
        );
    // Everything that answers with strategy data passes the guard.
    let guarded = compressed
        .route("/graphql/ws", get(socket::websocket))
        .route_layer(axum::middleware::from_fn_with_state(
            http_state.clone(),
            guard::admit,
        ));
    let mut router = Router::new()
        .merge(guarded)
        .merge(graphiql::routes())
        .merge(web::routes())
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(http::ready))
        .route("/metrics", get(metrics::render))
        .with_state(http_state)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::count,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limits.body_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if !state.settings.cors_origins.is_empty() {
        router = router.layer(cors(&state.settings.cors_origins));
    }
    // Outermost, so that every answer is logged once with its final status,
    // also those the layers above answer themselves (a 408, a CORS
    // preflight). A request gets an id (or keeps the `x-request-id` a proxy
    // gave it) before its span is made, and its answer carries the id back.
    router
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(access_log::layer())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// CORS for the configured origins only: GET and POST with the headers a
/// GraphQL client sends, credentials by bearer token (no cookies).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderValue, Method, header};
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    tower_http::cors::CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .max_age(std::time::Duration::from_secs(600))
}

/// Serves until `shutdown` resolves; `on_bound` learns the bound address
/// (port 0 picks a free port). Then stops taking connections, lets the
/// requests in flight finish for at most the shutdown timeout, and returns.
pub async fn serve(
    store: Arc<SqliteStore>,
    listen: SocketAddr,
    settings: Settings,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The router first (it compresses the embedded files once): when the
    // log says where the server listens, it answers at once.
    let state = AppState::new(store, settings);
    let app = router(state.clone());
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    connections::serve(listener, app, state, shutdown).await;
    Ok(())
}

/// Today's date for "valid at now": the date in Norway, where a strategy's
/// year ends at midnight Oslo time, not UTC.
pub fn today() -> NaiveDate {
    oslo_date(Utc::now())
}

/// The calendar date in Norway at an instant. Norway keeps Central European
/// Time (UTC+1) and summer time (UTC+2) from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October, the EU rule since 1996.
pub fn oslo_date(at: chrono::DateTime<Utc>) -> NaiveDate {
    use chrono::{Datelike, Duration, NaiveTime, Weekday};
    let last_sunday = |month: u32| {
        let first_of_next = NaiveDate::from_ymd_opt(at.year(), month + 1, 1).expect("a valid date");
        let mut day = first_of_next - Duration::days(1);
        while day.weekday() != Weekday::Sun {
            day -= Duration::days(1);
        }
        day.and_time(NaiveTime::from_hms_opt(1, 0, 0).expect("a valid time"))
            .and_utc()
    };
    let summer = at >= last_sunday(3) && at < last_sunday(10);
    let offset = if summer { 2 } else { 1 };
    (at + Duration::hours(offset)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::oslo_date;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_date_in_norway_turns_at_midnight_oslo_time() {
        // New Year's Eve: 23:30 UTC is already 1 January in Oslo (UTC+1).
        let at = Utc.with_ymd_and_hms(2021, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(oslo_date(at), date(2022, 1, 1));
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 12, 31, 22, 59, 59).unwrap()),
            date(2021, 12, 31)
        );
        // Summer (UTC+2): 22:30 UTC on 30 June is 1 July in Oslo.
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 6, 30, 22, 30, 0).unwrap()),
            date(2021, 7, 1)
        );
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 6, 30, 21, 59, 0).unwrap()),
            date(2021, 6, 30)
        );
    }

    #[test]
    fn summer_time_starts_and_ends_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2021: summer time from 28 March 01:00 UTC to 31 October 01:00 UTC.
        // 22:30 UTC the evening before each change: winter offset, then summer.
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 3, 27, 22, 30, 0).unwrap()),
            date(2021, 3, 27),
            "still UTC+1: 23:30 in Oslo"
        );
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 10, 30, 22, 30, 0).unwrap()),
            date(2021, 10, 31),
            "still UTC+2: 00:30 in Oslo"
        );
        assert_eq!(
            oslo_date(Utc.with_ymd_and_hms(2021, 10, 31, 23, 30, 0).unwrap()),
            date(2021, 11, 1),
            "UTC+1 again: 00:30 in Oslo"
        );
    }
}

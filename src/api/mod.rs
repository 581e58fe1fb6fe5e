//! The HTTP surface: GraphQL over HTTP and WebSocket (axum +
//! async-graphql), GraphiQL served from the binary, health, and the web page.

mod enums;
mod error;
mod exports;
mod graphiql;
mod http;
mod mutation;
mod query;
mod scalars;
mod schema;
mod subscription;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use rusqlite::Connection;

use crate::read::Moment;
use crate::store::SqliteStore;

pub use error::{ApiError, ApiResult};
pub use schema::{SporbarSchema, build_schema, sdl};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<SqliteStore>,
    /// Strategy views by position and date, shared by all requests.
    pub views: Arc<crate::read::ViewCache>,
}

impl AppState {
    pub fn new(store: Arc<SqliteStore>) -> Self {
        Self {
            store,
            views: Arc::new(crate::read::ViewCache::new(256)),
        }
    }
}

impl AppState {
    /// Runs a read on a pooled read-only connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let reader = store.reader()?;
            f(&reader)
        })
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
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

/// Limits of the HTTP server, each settable by flag or environment.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body accepted, in bytes (413 above it).
    pub body_limit: usize,
    /// Longest a request may take (408 after it).
    pub request_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_limit: BODY_LIMIT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// Default largest request body; a GraphQL request is far smaller.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Default longest time a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Scripts, styles and connections from this server only, no inline
/// scripts, no framing. GraphiQL styles some elements inline, hence
/// 'unsafe-inline' for styles (not for scripts).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// The application's routes.
pub fn router(state: AppState, limits: Limits) -> Router {
    use axum::http::{HeaderName, HeaderValue, header};
    use tower_http::set_header::SetResponseHeaderLayer;
    let schema = build_schema(state.clone());
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
    let mut router = Router::new()
        .route("/graphql", get(http::graphql_get).post(http::graphql_post))
        .route_service(
            "/graphql/ws",
            async_graphql_axum::GraphQLSubscription::new(schema.clone()),
        )
        .merge(graphiql::routes())
        .merge(exports::routes())
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(http::ready))
        .route("/", get(http::index))
        .with_state(http::HttpState { app: state, schema })
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
    router
}

/// Serves until `shutdown` resolves; `on_bound` learns the bound address
/// (port 0 picks a free port).
pub async fn serve(
    store: Arc<SqliteStore>,
    listen: SocketAddr,
    limits: Limits,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    let app = router(AppState::new(store), limits);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Today's date for "valid at now". UTC: the hours around midnight in
/// Norway answer with the UTC date.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

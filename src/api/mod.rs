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
use std::path::PathBuf;
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

/// Where and how to serve.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub db: PathBuf,
    pub listen: SocketAddr,
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    let schema = build_schema(state.clone());
    Router::new()
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
}

/// Serves until `shutdown` resolves; `on_bound` learns the bound address
/// (port 0 picks a free port).
pub async fn serve(
    store: Arc<SqliteStore>,
    listen: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    let app = router(AppState { store });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Today's date for "valid at now". UTC: the hours around midnight in
/// Norway answer with the UTC date.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

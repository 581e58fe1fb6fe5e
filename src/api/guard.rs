//! The door of the API: who is asking (a bearer token, or nobody), whether
//! they may read at all, and whether they are asking too often.
//!
//! Runs before `/graphql`, `/graphql/ws` and `/export/…`; the static pages
//! (web page, GraphiQL) and `/health`, `/ready`, `/metrics` hold no strategy
//! data and stay open.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::access_log::IdentityKind;
use super::http::HttpState;
use super::{AppState, RateLimit};
use crate::access::{Identity, Viewer, tokens};

/// How long a looked-up token is trusted before it is looked up again: a
/// revoked token stops working within this time.
pub const TOKEN_RECHECK: Duration = Duration::from_secs(5);

/// Most cached token look-ups; the cache is emptied when it grows past this.
const TOKEN_CACHE_MAX: usize = 10_000;

/// A looked-up token (`None`: unknown or revoked) and when it was looked up.
type Lookup = (Option<Arc<Identity>>, Instant);

/// Token look-ups, cached briefly so a busy client costs one database
/// query per few seconds rather than one per request.
#[derive(Default)]
pub struct Identities {
    /// By the SHA-256 of the secret: the secret itself is kept nowhere.
    cache: Mutex<HashMap<[u8; 32], Lookup>>,
}

impl Identities {
    /// The identity a secret signs in, or `None` for an unknown or revoked one.
    pub async fn resolve(
        &self,
        app: &AppState,
        secret: String,
    ) -> Result<Option<Arc<Identity>>, super::ApiError> {
        let key = tokens::hash(&secret);
        if let Some((identity, at)) = self.cache.lock().expect("not poisoned").get(&key)
            && at.elapsed() < TOKEN_RECHECK
        {
            return Ok(identity.clone());
        }
        let identity = app
            .read(move |conn| Ok(tokens::authenticate(conn, &secret)?))
            .await?
            .map(Arc::new);
        let mut cache = self.cache.lock().expect("not poisoned");
        if cache.len() >= TOKEN_CACHE_MAX {
            cache.clear();
        }
        cache.insert(key, (identity.clone(), Instant::now()));
        Ok(identity)
    }
}

/// A token bucket per client: `burst` requests at once, refilled at
/// `per_second`.
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the client's bucket; when it is empty, how
    /// long until the next request may come.
    pub fn take(&self, client: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let rate = f64::from(self.limit.per_second.max(1));
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = self.buckets.lock().expect("not poisoned");
        if buckets.len() > 100_000 {
            // Forget clients whose bucket has refilled: they lose nothing.
            buckets.retain(|_, (tokens, at)| *tokens + at.elapsed().as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(client.to_owned()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }
}

/// An error answer in GraphQL's shape, so every client reads it the same way.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }).to_string(),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"sporbar\""),
        );
    }
    response
}

pub fn unauthenticated(message: &str) -> Response {
    refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
}

/// The secret of an `Authorization: Bearer …` header: `Ok(None)` when there
/// is no header, `Err` when there is one that is not a bearer token.
pub fn bearer(headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    bearer_value(value.to_str().map_err(|_| ())?)
}

/// The secret of a `Bearer …` credential given as text (the WebSocket's
/// connection_init payload carries it so).
pub fn bearer_value(value: &str) -> Result<Option<String>, ()> {
    let (scheme, secret) = value.trim().split_once(' ').ok_or(())?;
    let secret = secret.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || secret.is_empty() {
        return Err(());
    }
    Ok(Some(secret.to_owned()))
}

pub const BAD_TOKEN: &str = "the token is unknown or revoked";
pub const SIGN_IN: &str =
    "sign in: send an API token as 'Authorization: Bearer <token>' (anonymous reading is off)";

/// Identifies the caller, applies the rate limit and the read permission,
/// and hands the [`Viewer`] to the handlers.
pub async fn admit(State(state): State<HttpState>, mut request: Request, next: Next) -> Response {
    let secret = match bearer(request.headers()) {
        Ok(secret) => secret,
        Err(()) => {
            return unauthenticated("the Authorization header must be 'Bearer <token>'");
        }
    };
    let viewer = match secret {
        None => Viewer::Anonymous,
        Some(secret) => match state.app.identities.resolve(&state.app, secret).await {
            Ok(Some(identity)) => Viewer::Signed(identity),
            Ok(None) => return unauthenticated(BAD_TOKEN),
            Err(_) => {
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    "the database cannot be read; try again",
                );
            }
        },
    };
    if let Some(limiter) = &state.app.rate_limiter {
        let client = match &viewer {
            Viewer::Signed(identity) => format!("identity:{}", identity.actor()),
            Viewer::Anonymous => format!("address:{}", client_address(&request)),
        };
        if let Err(wait) = limiter.take(&client) {
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "too many requests; slow down and try again shortly",
            );
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&seconds.to_string()).expect("digits"),
            );
            return response;
        }
    }
    // A WebSocket may sign in with its first message instead (browsers
    // cannot set headers on it); the subscription handler checks then.
    let is_websocket = request.uri().path() == "/graphql/ws";
    if matches!(viewer, Viewer::Anonymous) && !state.app.settings.public_read && !is_websocket {
        return unauthenticated(SIGN_IN);
    }
    let identity = IdentityKind::of(&viewer);
    request.extensions_mut().insert(viewer);
    let mut response = next.run(request).await;
    // For the access log, which names the kind of client, never who.
    response.extensions_mut().insert(identity);
    response
}

fn client_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

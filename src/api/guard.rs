//! The door of the API: who is asking (a bearer token, or nobody), whether
//! they may read at all, and whether they are asking too often.
//!
//! Runs before `/graphql`, `/graphql/ws` and `/export/…`; the static pages
//! (web page, GraphiQL) and `/health`, `/ready`, `/metrics` hold no strategy
//! data and stay open.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use serde_json::json;

use super::access_log::IdentityKind;
use super::http::HttpState;
use super::metrics::Refused;
use super::{AppState, RateLimit};
use crate::access::{Identity, Viewer, tokens};

/// Default time a looked-up token is trusted before it is looked up again:
/// a revoked token stops working within this time, on every transport.
pub const TOKEN_RECHECK: Duration = Duration::from_secs(5);

/// Most signed-in identities kept in the cache. Past it, the least used
/// are forgotten (and looked up again when they come back), never all.
const TOKEN_CACHE_MAX: u64 = 10_000;

/// What a failed sign-in costs the address it came from, in requests: an
/// unknown token costs a hash and a database look-up, and a client trying
/// many is guessing.
pub const FAILED_SIGN_IN_COST: u32 = 10;

/// Token look-ups, cached briefly so a busy client costs one database
/// query per few seconds rather than one per request. Only known tokens
/// are kept: unknown ones are not worth remembering, and counting them
/// against the sender's address (see [`admit`]) is what slows a guesser.
pub struct Identities {
    /// By the SHA-256 of the secret: the secret itself is kept nowhere.
    cache: moka::sync::Cache<[u8; 32], Arc<Identity>>,
}

impl Identities {
    pub fn new(recheck: Duration) -> Self {
        Identities {
            cache: moka::sync::Cache::builder()
                .max_capacity(TOKEN_CACHE_MAX)
                .time_to_live(recheck)
                .build(),
        }
    }

    /// The identity a secret signed in within the recheck window, with no
    /// database look-up; `None` when it must be looked up.
    pub fn cached(&self, secret: &str) -> Option<Arc<Identity>> {
        self.cache.get(&tokens::hash(secret))
    }

    /// The identity a secret signs in, or `None` for an unknown or revoked one.
    pub async fn resolve(
        &self,
        app: &AppState,
        secret: String,
    ) -> Result<Option<Arc<Identity>>, super::ApiError> {
        let key = tokens::hash(&secret);
        if let Some(identity) = self.cache.get(&key) {
            return Ok(Some(identity));
        }
        let identity = app
            .read(move |conn| Ok(tokens::authenticate(conn, &secret)?))
            .await?
            .map(Arc::new);
        if let Some(identity) = &identity {
            self.cache.insert(key, identity.clone());
        }
        Ok(identity)
    }
}

/// Whom a rate limit counts: a signed-in identity, or the address of an
/// anonymous client. An IPv6 client is counted by its /64, the block one
/// subscriber is usually given, so that it cannot take fresh addresses to
/// escape the limit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Client {
    Address(IpAddr),
    Identity(String),
}

impl Client {
    pub fn address(address: IpAddr) -> Client {
        Client::Address(match address {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let bits = u128::from(v6) & !((1u128 << 64) - 1);
                    IpAddr::V6(Ipv6Addr::from(bits))
                }
            },
        })
    }

    /// The identity's own budget when signed in, else its address's.
    pub fn of(viewer: &Viewer, address: IpAddr) -> Client {
        match viewer {
            Viewer::Signed(identity) => Client::Identity(identity.actor()),
            Viewer::Anonymous => Client::address(address),
        }
    }
}

/// A keyed GCRA limiter (governor): `burst` requests at once, refilled at
/// `per_second`, per [`Client`]. Its memory is bounded: clients whose
/// allowance has refilled are forgotten now and then (they lose nothing).
pub struct RateLimiter {
    limiter: governor::DefaultKeyedRateLimiter<Client>,
    burst: NonZeroU32,
    checks: std::sync::atomic::AtomicU64,
}

/// Checks between two sweeps of clients whose allowance refilled.
const SWEEP_EVERY: u64 = 10_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        let per_second = NonZeroU32::new(limit.per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: governor::RateLimiter::keyed(
                governor::Quota::per_second(per_second).allow_burst(burst),
            ),
            burst,
            checks: Default::default(),
        }
    }

    /// Takes `n` requests' worth from the client's allowance (at most a
    /// whole burst); when there is not enough, how long until there is.
    pub fn take(&self, client: &Client, n: u32) -> Result<(), Duration> {
        use std::sync::atomic::Ordering;
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        let n = NonZeroU32::new(n.min(self.burst.get())).unwrap_or(NonZeroU32::MIN);
        match self.limiter.check_key_n(client, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            // Unreachable: n is at most the burst.
            Err(_) => Err(Duration::from_secs(1)),
        }
    }

    /// Takes up to `n` requests' worth, as many as are left: the cost of a
    /// failure, charged even when the allowance cannot cover all of it.
    pub fn charge(&self, client: &Client, n: u32) {
        for _ in 0..n {
            if self.take(client, 1).is_err() {
                break;
            }
        }
    }
}

/// The answer to a client over its rate limit.
pub fn too_many_requests(wait: Duration) -> Response {
    let mut response = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "too many requests; slow down and try again shortly",
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&retry_after_seconds(wait).to_string()).expect("digits"),
    );
    response
}

/// Whole seconds to wait, at least one.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// Why a token did not sign in.
pub enum SignInRefused {
    /// The address has tried too many tokens lately; wait this long.
    RateLimited(Duration),
    /// Unknown or revoked.
    Unknown,
    /// The database did not answer.
    Unavailable,
}

/// Signs a secret in for a client at `address`, the one rule for HTTP and
/// WebSocket alike: a token seen within the recheck window signs in from
/// the cache; any other is first counted against the address's sign-in
/// allowance (apart from its requests, so that anonymous readers there are
/// not slowed), then looked up, and a failed look-up counts
/// [`FAILED_SIGN_IN_COST`] more. Guessing tokens is thereby rate-limited,
/// and cannot make the server hash and look up without end.
pub async fn sign_in(
    app: &AppState,
    address: IpAddr,
    secret: &str,
) -> Result<Arc<Identity>, SignInRefused> {
    if let Some(identity) = app.identities.cached(secret) {
        return Ok(identity);
    }
    let from = Client::address(address);
    let limiter = app.sign_ins.as_deref();
    if let Some(Err(wait)) = limiter.map(|l| l.take(&from, 1)) {
        app.metrics.refused(Refused::RateLimited);
        return Err(SignInRefused::RateLimited(wait));
    }
    match app.identities.resolve(app, secret.to_owned()).await {
        Ok(Some(identity)) => Ok(identity),
        Ok(None) => {
            if let Some(limiter) = limiter {
                limiter.charge(&from, FAILED_SIGN_IN_COST);
            }
            Err(SignInRefused::Unknown)
        }
        Err(_) => Err(SignInRefused::Unavailable),
    }
}

/// A refused sign-in as an HTTP answer.
fn sign_in_refused(refused: SignInRefused) -> Response {
    match refused {
        SignInRefused::RateLimited(wait) => too_many_requests(wait),
        SignInRefused::Unknown => unauthenticated(BAD_TOKEN),
        SignInRefused::Unavailable => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "the database cannot be read; try again",
        ),
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

/// Identifies the caller (see [`sign_in`]), applies the rate limit and the
/// read permission, and hands the [`Viewer`] and its [`Client`] to the
/// handlers.
pub async fn admit(State(state): State<HttpState>, mut request: Request, next: Next) -> Response {
    let address = client_address(&request);
    let secret = match bearer(request.headers()) {
        Ok(secret) => secret,
        Err(()) => {
            // A malformed credential counts like a failed sign-in.
            if let Some(limiter) = &state.app.sign_ins {
                limiter.charge(&Client::address(address), FAILED_SIGN_IN_COST);
            }
            return unauthenticated("the Authorization header must be 'Bearer <token>'");
        }
    };
    let viewer = match &secret {
        None => Viewer::Anonymous,
        Some(secret) => match sign_in(&state.app, address, secret).await {
            Ok(identity) => Viewer::Signed(identity),
            Err(refused) => return sign_in_refused(refused),
        },
    };
    let client = Client::of(&viewer, address);
    if let Some(Err(wait)) = state.app.rate_limiter.as_ref().map(|l| l.take(&client, 1)) {
        state.app.metrics.refused(Refused::RateLimited);
        return too_many_requests(wait);
    }
    // A WebSocket may sign in with its first message instead (browsers
    // cannot set headers on it); the socket checks then.
    let is_websocket = request.uri().path() == "/graphql/ws";
    if matches!(viewer, Viewer::Anonymous) && !state.app.settings.public_read && !is_websocket {
        return unauthenticated(SIGN_IN);
    }
    let identity = IdentityKind::of(&viewer);
    request.extensions_mut().insert(viewer);
    request.extensions_mut().insert(client);
    request.extensions_mut().insert(Peer(address));
    if let Some(secret) = secret {
        // A socket looks its token up again while it is open.
        request.extensions_mut().insert(Secret(secret.into()));
    }
    let mut response = next.run(request).await;
    // For the access log, which names the kind of client, never who.
    response.extensions_mut().insert(identity);
    response
}

/// The address a request came from.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub IpAddr);

/// A bearer token's secret, kept only by an open socket to look it up
/// again; never shown.
#[derive(Clone)]
pub struct Secret(pub Arc<str>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

fn client_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// How many a client has in flight: operations over all its sockets, or
/// open connections.
#[derive(Default)]
pub struct InFlight {
    counts: Mutex<HashMap<Client, usize>>,
}

impl InFlight {
    /// Counts one more for `client`, unless it has `most` already; counted
    /// until the answer is dropped.
    pub fn enter(self: &Arc<Self>, client: &Client, most: usize) -> Option<Entered> {
        let mut counts = self.counts.lock().expect("not poisoned");
        let count = counts.entry(client.clone()).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Entered {
            map: self.clone(),
            client: client.clone(),
        })
    }
}

/// One counted in [`InFlight`] until dropped.
pub struct Entered {
    map: Arc<InFlight>,
    client: Client,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let mut counts = self.map.counts.lock().expect("not poisoned");
        if let Some(count) = counts.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.client);
            }
        }
    }
}

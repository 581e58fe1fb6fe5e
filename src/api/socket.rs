//! `/graphql/ws`: GraphQL over WebSocket (the graphql-transport-ws
//! protocol), under the same rules as HTTP.
//!
//! The protocol is small, and owning it is what lets every operation on a
//! socket meet the door that an HTTP request meets:
//!
//! - a socket must send `connection_init` within `socket_init_timeout`
//!   (else 4408), and signs in there or with the upgrade's header;
//! - each `subscribe` is a request: it counts against the client's rate
//!   limit, its identity is looked up again (a revoked token closes the
//!   socket with 4403), its cost is checked by the schema like any query,
//!   a query or mutation gets the request timeout, and its answer is
//!   bounded in size;
//! - at most `socket_operations` operations are in flight per socket and
//!   `client_operations` per client over all its sockets;
//! - every `token_recheck` the socket's token is looked up again, so a
//!   revoked token's socket closes even while it only listens;
//! - messages are at most `body_limit` bytes; a socket that answers no
//!   ping, or has no operation for [`IDLE`], is closed;
//! - when the socket closes, every operation on it is dropped, and with it
//!   the blocking work it was waiting for (see `budget.rs`).

use std::collections::HashMap;
use std::net::IpAddr;

use std::time::Duration;

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use super::guard::{self, Client, Peer, Secret, SignInRefused};
use super::http::HttpState;
use super::metrics::Refused;
use super::{AppState, SporbarSchema};
use crate::access::Viewer;

/// The one subprotocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// Default longest wait for `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default most operations in flight on one socket: the web page keeps one
/// subscription open; GraphiQL a few.
pub const OPERATIONS_PER_SOCKET: usize = 16;
/// Default most operations in flight for one client over all its sockets.
pub const OPERATIONS_PER_CLIENT: usize = 64;
/// How often the server pings; a socket silent for twice this is closed.
const PING_EVERY: Duration = Duration::from_secs(30);
/// A socket with no operation in flight for this long is closed.
pub const IDLE: Duration = Duration::from_secs(120);
/// Messages waiting to be written to one socket; an operation that would
/// add more waits, so a client that does not read slows only itself.
const OUTBOX: usize = 32;

/// The upgrade: the client must offer graphql-transport-ws, and the socket
/// takes one of the server's connection places for as long as it is open.
pub async fn websocket(
    State(state): State<HttpState>,
    Extension(viewer): Extension<Viewer>,
    Extension(Peer(address)): Extension<Peer>,
    secret: Option<Extension<Secret>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let offered = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL);
    if !offered {
        return (
            StatusCode::BAD_REQUEST,
            format!("offer the WebSocket subprotocol '{PROTOCOL}'\n"),
        )
            .into_response();
    }
    let HttpState { app, schema } = state;
    let limits = app.settings.limits;
    let from_here = app.connections_per_address.enter(
        &Client::address(address),
        limits.max_connections_per_address,
    );
    let (Some(from_here), Ok(place)) = (from_here, app.connections.clone().try_acquire_owned())
    else {
        app.metrics.refused(Refused::Connection);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            "the server has too many open connections; try again shortly\n",
        )
            .into_response();
    };
    let limit = limits.body_limit;
    upgrade
        .protocols([PROTOCOL])
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| async move {
            let session = Session {
                app,
                schema,
                address,
                secret: secret.map(|Extension(s)| s),
                viewer,
                acked: false,
                operations: HashMap::new(),
            };
            session.run(socket).await;
            drop((place, from_here));
        })
}

/// Why the server closes a socket: a code of graphql-transport-ws (44xx)
/// or of WebSocket itself, and a reason.
struct Close(u16, String);

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Close(code, reason.into())
    }
}

struct Session {
    app: AppState,
    schema: SporbarSchema,
    address: IpAddr,
    /// The token the socket signed in with, looked up again per operation
    /// and every `token_recheck`.
    secret: Option<Secret>,
    viewer: Viewer,
    acked: bool,
    operations: HashMap<String, AbortHandle>,
}

impl Session {
    async fn run(mut self, socket: WebSocket) {
        let limits = self.app.settings.limits;
        let (mut sink, mut stream) = socket.split();
        // Messages as the text sent, each serialized once, by its operation.
        let (outbox, mut outgoing) = mpsc::channel::<String>(OUTBOX);
        let mut running: JoinSet<String> = JoinSet::new();
        let init_deadline = tokio::time::sleep(limits.socket_init_timeout);
        tokio::pin!(init_deadline);
        let mut recheck = tokio::time::interval(limits.token_recheck);
        recheck.reset();
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.reset();
        let mut heard = Instant::now();
        let mut busy = Instant::now();
        let closing = self.app.closing.clone();
        let close = loop {
            tokio::select! {
                () = closing.cancelled() => break Some(Close::new(1001, "the server is stopping")),
                () = &mut init_deadline, if !self.acked => {
                    break Some(Close::new(4408, "Connection initialisation timeout"));
                }
                _ = recheck.tick(), if self.acked && self.secret.is_some() => {
                    if let Err(close) = self.refresh().await {
                        break Some(close);
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() > 2 * PING_EVERY {
                        break Some(Close::new(1001, "the client answers no pings"));
                    }
                    if self.operations.is_empty() && busy.elapsed() > IDLE {
                        break Some(Close::new(1000, "idle"));
                    }
                    if send_within(&mut sink, Message::Ping(Default::default()), limits.request_timeout).await.is_err() {
                        break None;
                    }
                }
                Some(done) = running.join_next() => {
                    if let Ok(id) = done {
                        self.operations.remove(&id);
                        busy = Instant::now();
                    }
                }
                Some(message) = outgoing.recv() => {
                    let text = Message::Text(Utf8Bytes::from(message));
                    if send_within(&mut sink, text, limits.request_timeout).await.is_err() {
                        break None;
                    }
                }
                message = stream.next() => {
                    heard = Instant::now();
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Binary(_))) => break Some(Close::new(4400, "messages are JSON text")),
                        // Closed, broken, or larger than the message limit.
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break None,
                    };
                    busy = Instant::now();
                    match self.receive(&text, &outbox, &mut running).await {
                        Ok(None) => {}
                        // Answered here, not through the outbox: the loop
                        // that drains the outbox must never wait on it.
                        Ok(Some(reply)) => {
                            let text = Message::Text(Utf8Bytes::from(reply.to_string()));
                            if send_within(&mut sink, text, limits.request_timeout).await.is_err() {
                                break None;
                            }
                        }
                        Err(close) => break Some(close),
                    }
                }
            }
        };
        // Dropping `running` aborts every operation still in flight, and
        // with them the work they wait for.
        drop(running);
        let Some(close) = close else { return };
        let frame = CloseFrame {
            code: close.0,
            reason: Utf8Bytes::from(close.1),
        };
        let _ = send_within(
            &mut sink,
            Message::Close(Some(frame)),
            Duration::from_secs(1),
        )
        .await;
    }

    /// Looks the socket's token up again (from the cache within the recheck
    /// window); a token no longer valid closes the socket.
    async fn refresh(&mut self) -> Result<(), Close> {
        let Some(secret) = &self.secret else {
            return Ok(());
        };
        match self
            .app
            .identities
            .resolve(&self.app, secret.0.to_string())
            .await
        {
            Ok(Some(identity)) => {
                self.viewer = Viewer::Signed(identity);
                Ok(())
            }
            Ok(None) => Err(Close::new(4403, guard::BAD_TOKEN)),
            // The database did not answer: keep the identity until it does.
            Err(_) => Ok(()),
        }
    }

    /// Handles one message from the client; what to answer at once, if
    /// anything.
    async fn receive(
        &mut self,
        text: &str,
        outbox: &mpsc::Sender<String>,
        running: &mut JoinSet<String>,
    ) -> Result<Option<Value>, Close> {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Err(Close::new(4400, "the message is not JSON"));
        };
        let id = message.get("id").and_then(Value::as_str);
        match (message.get("type").and_then(Value::as_str), id) {
            (Some("connection_init"), _) => {
                if self.acked {
                    return Err(Close::new(4429, "Too many initialisation requests"));
                }
                self.sign_in(message.get("payload")).await?;
                self.acked = true;
                Ok(Some(json!({ "type": "connection_ack" })))
            }
            (Some("ping"), _) => Ok(Some(json!({ "type": "pong" }))),
            (Some("pong"), _) => Ok(None),
            (Some("complete"), Some(id)) => {
                if let Some(operation) = self.operations.remove(id) {
                    operation.abort();
                }
                Ok(None)
            }
            (Some("subscribe"), Some(id)) => {
                if !self.acked {
                    return Err(Close::new(4401, "Unauthorized"));
                }
                if self.operations.contains_key(id) {
                    return Err(Close::new(
                        4409,
                        format!("Subscriber for {id} already exists"),
                    ));
                }
                let payload = message.get("payload").cloned().unwrap_or(Value::Null);
                self.subscribe(id.to_owned(), payload, outbox, running)
                    .await
            }
            _ => Err(Close::new(4400, "not a graphql-transport-ws message")),
        }
    }

    /// `connection_init`: a token in the payload signs the socket in (the
    /// upgrade's `Authorization` header may have already). An unknown token
    /// is counted against the address like a failed HTTP sign-in.
    async fn sign_in(&mut self, payload: Option<&Value>) -> Result<(), Close> {
        let given = payload
            .and_then(|p| p.get("authorization").or_else(|| p.get("Authorization")))
            .and_then(Value::as_str);
        if let Some(value) = given {
            let Ok(Some(secret)) = guard::bearer_value(value) else {
                return Err(Close::new(
                    4403,
                    "the authorization must be 'Bearer <token>'",
                ));
            };
            match guard::sign_in(&self.app, self.address, &secret).await {
                Ok(identity) => {
                    self.viewer = Viewer::Signed(identity);
                    self.secret = Some(Secret(secret.into()));
                }
                Err(SignInRefused::RateLimited(_)) => {
                    return Err(Close::new(4429, "too many sign-in attempts; slow down"));
                }
                Err(SignInRefused::Unknown) => return Err(Close::new(4403, guard::BAD_TOKEN)),
                Err(SignInRefused::Unavailable) => {
                    return Err(Close::new(1011, "the database cannot be read; try again"));
                }
            }
        }
        if matches!(self.viewer, Viewer::Anonymous) && !self.app.settings.public_read {
            return Err(Close::new(4403, guard::SIGN_IN));
        }
        Ok(())
    }

    fn take(&self, client: &Client, n: u32) -> Result<(), Duration> {
        match &self.app.rate_limiter {
            Some(limiter) => limiter.take(client, n).inspect_err(|_| {
                self.app.metrics.refused(Refused::RateLimited);
            }),
            None => Ok(()),
        }
    }

    /// `subscribe`: one operation, admitted like an HTTP request, then run
    /// on its own task until it completes, fails, or is cancelled. A
    /// refusal is answered at once.
    async fn subscribe(
        &mut self,
        id: String,
        payload: Value,
        outbox: &mpsc::Sender<String>,
        running: &mut JoinSet<String>,
    ) -> Result<Option<Value>, Close> {
        let limits = self.app.settings.limits;
        // The identity as it is now, not as it was when the socket opened.
        self.refresh().await?;
        let client = Client::of(&self.viewer, self.address);
        if let Err(wait) = self.take(&client, 1) {
            let error = error_json(
                "too many requests; slow down and try again shortly",
                "RATE_LIMITED",
                Some(("retryAfter", json!(guard::retry_after_seconds(wait)))),
            );
            return Ok(Some(
                json!({ "id": id, "type": "error", "payload": [error] }),
            ));
        }
        let entered = if self.operations.len() >= limits.socket_operations {
            None
        } else {
            self.app.operations.enter(&client, limits.client_operations)
        };
        let Some(entered) = entered else {
            self.app.metrics.refused(Refused::TooManyOperations);
            let error = error_json(
                &format!(
                    "too many operations in flight: at most {} per socket and {} per client; wait for one to complete",
                    limits.socket_operations, limits.client_operations
                ),
                "TOO_MANY_OPERATIONS",
                None,
            );
            return Ok(Some(
                json!({ "id": id, "type": "error", "payload": [error] }),
            ));
        };
        let request = match graphql_request(payload) {
            Ok(request) => request,
            Err(message) => {
                let error = error_json(&message, "VALIDATION", None);
                return Ok(Some(
                    json!({ "id": id, "type": "error", "payload": [error] }),
                ));
            }
        };
        let (request, kind) = request;
        let request = request.data(self.viewer.clone()).data(client);
        let schema = self.schema.clone();
        let outbox = outbox.clone();
        let metrics = self.app.metrics.clone();
        let operation_id = id.clone();
        let handle = running.spawn(async move {
            let _entered = entered;
            let id = operation_id;
            run_operation(schema, request, kind, limits, &metrics, &id, &outbox).await;
            id
        });
        self.operations.insert(id, handle);
        Ok(None)
    }
}

/// Runs one operation and sends its messages: `next` for each answer,
/// then `complete`; or one `error` when it was refused before it ran, took
/// too long, or answered more than the answer limit.
async fn run_operation(
    schema: SporbarSchema,
    request: async_graphql::Request,
    kind: Option<OperationType>,
    limits: super::Limits,
    metrics: &super::metrics::Metrics,
    id: &str,
    outbox: &mpsc::Sender<String>,
) {
    let fail = |error: Value| json!({ "id": id, "type": "error", "payload": [error] });
    let mut answers = schema.execute_stream(request);
    let mut first = true;
    loop {
        // A query or mutation has the request timeout, like over HTTP; a
        // subscription lives as long as its socket wants it.
        let next = match kind {
            Some(OperationType::Subscription) => answers.next().await,
            _ => match tokio::time::timeout(limits.request_timeout, answers.next()).await {
                Ok(next) => next,
                Err(_) => {
                    let message = format!(
                        "the operation took longer than {} s and was stopped",
                        limits.request_timeout.as_secs()
                    );
                    send(outbox, fail(error_json(&message, "TIMEOUT", None))).await;
                    return;
                }
            },
        };
        let Some(answer) = next else { break };
        let refused = first
            && answer.data == async_graphql::Value::Null
            && !answer.errors.is_empty()
            && answer.errors.iter().all(|e| e.path.is_empty());
        first = false;
        let mut body = serde_json::to_value(&answer).unwrap_or_else(|_| json!({}));
        super::http::code_errors(&mut body);
        if refused {
            let errors = body.get("errors").cloned().unwrap_or_else(|| json!([]));
            send(
                outbox,
                json!({ "id": id, "type": "error", "payload": errors }),
            )
            .await;
            return;
        }
        let message = json!({ "id": id, "type": "next", "payload": body }).to_string();
        if message.len() > limits.max_answer_bytes {
            metrics.refused(Refused::AnswerTooLarge);
            let message = super::http::too_large(message.len(), limits.max_answer_bytes);
            send(outbox, fail(error_json(&message, "ANSWER_TOO_LARGE", None))).await;
            return;
        }
        if outbox.send(message).await.is_err() {
            return;
        }
    }
    send(outbox, json!({ "id": id, "type": "complete" })).await;
}

/// The GraphQL request of a `subscribe` payload, and which kind of
/// operation it is (`None` when the document does not say, e.g. it does
/// not parse: the schema then answers with the error).
fn graphql_request(
    payload: Value,
) -> Result<(async_graphql::Request, Option<OperationType>), String> {
    let Value::Object(mut payload) = payload else {
        return Err("the subscribe message needs a payload with a query".into());
    };
    let Some(Value::String(query)) = payload.remove("query") else {
        return Err("the subscribe message needs a payload with a query".into());
    };
    let operation_name = match payload.remove("operationName") {
        Some(Value::String(name)) => Some(name),
        _ => None,
    };
    let kind = if super::nesting::nesting(&query) > super::nesting::MAX_NESTING {
        None
    } else {
        async_graphql::parser::parse_query(&query)
            .ok()
            .and_then(
                |document| match (&document.operations, operation_name.as_deref()) {
                    (DocumentOperations::Single(op), _) => Some(op.node.ty),
                    (DocumentOperations::Multiple(ops), Some(name)) => {
                        ops.get(name).map(|op| op.node.ty)
                    }
                    (DocumentOperations::Multiple(_), None) => None,
                },
            )
    };
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    match payload.remove("variables") {
        None | Some(Value::Null) => {}
        Some(variables @ Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(variables));
        }
        Some(_) => return Err("variables must be a JSON object".into()),
    }
    Ok((request, kind))
}

fn error_json(message: &str, code: &str, extra: Option<(&str, Value)>) -> Value {
    let mut extensions = json!({ "code": code });
    if let (Some((key, value)), Value::Object(map)) = (extra, &mut extensions) {
        map.insert(key.into(), value);
    }
    json!({ "message": message, "extensions": extensions })
}

async fn send(outbox: &mpsc::Sender<String>, message: Value) {
    let _ = outbox.send(message.to_string()).await;
}

/// Writes one message, or gives up after `within`: a client that does not
/// read its socket is closed rather than holding the server's memory.
async fn send_within(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    message: Message,
    within: Duration,
) -> Result<(), ()> {
    match tokio::time::timeout(within, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

//! The public door under abuse, over real HTTP and real WebSockets: limits
//! that count work, sockets under the same rules as HTTP, revoked tokens
//! cut off on open sockets, connections that cannot be held open.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sporbar::access::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::api_support::{ApiScenario, TestApp, client_with_token, open_settings, spawn_app_with};
use crate::support::{Scenario, command, date};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

fn limits() -> sporbar::api::Limits {
    sporbar::api::Limits::unthrottled()
}

fn settings(limits: sporbar::api::Limits) -> sporbar::api::Settings {
    sporbar::api::Settings {
        limits,
        ..open_settings()
    }
}

/// A graphql-transport-ws socket, signed in with `token` in its
/// connection_init when given, acknowledged.
async fn socket(app: &TestApp, token: Option<&str>) -> Socket {
    let mut socket = open_socket(app).await;
    let payload = match token {
        Some(secret) => json!({ "authorization": format!("Bearer {secret}") }),
        None => json!({}),
    };
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    socket
}

async fn open_socket(app: &TestApp) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects")
        .0
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("message sent");
}

fn subscribe(id: impl ToString, query: &str) -> Value {
    json!({ "id": id.to_string(), "type": "subscribe", "payload": { "query": query } })
}

/// The next JSON message, within 20 s.
async fn receive(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("the socket is open")
            .expect("a message");
        match message {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a JSON message, got {other:?}"),
        }
    }
}

/// Reads until the server closes the socket (within `within`), skipping
/// other messages; the close code, if the server sent one.
async fn closed_within(socket: &mut Socket, within: Duration) -> Option<u16> {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = tokio::time::timeout(left, socket.next())
            .await
            .expect("the server closed the socket in time");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

/// POSTs a query with this client; the answer's body.
async fn ask(client: &reqwest::Client, app: &TestApp, query: &str) -> Value {
    client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn aliases(n: usize, field: &str) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

// ---------------------------------------------------------------------------
// Limits that count work
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_thousand_aliased_log_verifications_are_refused_before_anything_runs() {
    let app = spawn_app_with(settings(limits())).await;
    ApiScenario::create(&app).await;
    let query = aliases(1_000, "verifyLog { intact }");
    for client in [&app.anonymous, &app.client] {
        let started = Instant::now();
        let body = ask(client, &app, &query).await;
        assert_eq!(code(&body), "TOO_COSTLY", "{body}");
        assert!(body.get("data").is_none(), "nothing ran: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("costs 20001000"), "{message}");
        assert_eq!(body["errors"][0]["extensions"]["cost"], 20_001_000);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "refused at once, not after verifying: {:?}",
            started.elapsed()
        );
    }
    // One verify is within anyone's limit.
    let one = app.ok("{ verifyLog { intact } }", json!({})).await;
    assert_eq!(one["verifyLog"]["intact"], true);
}

#[tokio::test]
async fn sixteen_hundred_aliased_pages_of_payloads_are_refused_and_the_limit_is_per_role() {
    let app = spawn_app_with(settings(limits())).await;
    ApiScenario::create(&app).await;
    let query = aliases(1_600, "events(first: 100) { nodes { payload } }");
    let body = app.graphql(&query, json!({})).await;
    assert_eq!(code(&body), "TOO_COSTLY", "{body}");
    // A page of payloads costs what it reads: fine for the public a few
    // dozen times, a hundred times only for an auditor.
    let hundred = aliases(100, "events(first: 100) { nodes { position payload } }");
    let anonymous = ask(&app.anonymous, &app, &hundred).await;
    assert_eq!(code(&anonymous), "TOO_COSTLY", "{anonymous}");
    assert!(
        anonymous["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("an anonymous reader"),
        "{anonymous}"
    );
    let auditor = client_with_token(&app.token("revisor", Role::Auditor, &[]));
    let audited = ask(&auditor, &app, &hundred).await;
    assert!(audited.get("errors").is_none(), "{audited}");
    assert_eq!(audited["data"]["a99"]["nodes"][0]["position"], 1);
}

#[tokio::test]
async fn an_answer_larger_than_the_answer_limit_is_refused() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        max_answer_bytes: 1_000,
        ..limits()
    }))
    .await;
    ApiScenario::create(&app).await;
    let body = app
        .graphql("{ events { nodes { payload hash prevHash } } }", json!({}))
        .await;
    assert_eq!(code(&body), "ANSWER_TOO_LARGE", "{body}");
    assert!(body.get("data").is_none(), "{body}");
    // Small answers pass.
    app.ok("{ logHead { position } }", json!({})).await;
}

// ---------------------------------------------------------------------------
// WebSockets under the same rules as HTTP
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_socket_pipelining_two_thousand_operations_is_rate_limited_like_http() {
    // The default burst; a slow refill, so that the test's own pace
    // cannot blur what it measures.
    let rate = sporbar::api::RateLimit {
        per_second: 5,
        burst: 200,
    };
    let app = spawn_app_with(settings(sporbar::api::Limits {
        rate: Some(rate),
        ..limits()
    }))
    .await;
    let mut ws = socket(&app, None).await;
    let started = Instant::now();
    for id in 0..2_000 {
        send(&mut ws, subscribe(id, "{ logHead { position } }")).await;
    }
    let (mut answered, mut limited) = (0u64, 0u64);
    let mut finished = 0;
    while finished < 2_000 {
        let message = receive(&mut ws).await;
        match message["type"].as_str() {
            Some("next") => answered += 1,
            Some("complete") => finished += 1,
            Some("error") => {
                finished += 1;
                let code = message["payload"][0]["extensions"]["code"].as_str();
                assert!(
                    matches!(code, Some("RATE_LIMITED") | Some("TOO_MANY_OPERATIONS")),
                    "{message}"
                );
                if code == Some("RATE_LIMITED") {
                    limited += 1;
                }
            }
            _ => panic!("unexpected {message}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // The upgrade request itself took one; a burst and what refilled since.
    let allowed = f64::from(rate.burst) + f64::from(rate.per_second) * elapsed;
    assert!(
        (answered as f64) <= allowed + 1.0,
        "{answered} answered in {elapsed:.2} s; the limit allows {allowed:.0}"
    );
    assert!(limited > 1_000, "{limited} refused as rate-limited");
    // HTTP from the same address shares the allowance: of twenty more
    // requests at once, only what refilled meanwhile passes.
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let response = app
            .anonymous
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ logHead { position } }" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_socket_holds_no_more_operations_in_flight_than_its_cap() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        socket_operations: 4,
        ..limits()
    }))
    .await;
    let mut ws = socket(&app, None).await;
    // Subscriptions stay in flight until completed.
    for id in 0..6 {
        send(
            &mut ws,
            subscribe(id, "subscription { eventAppended { position } }"),
        )
        .await;
    }
    for _ in 0..2 {
        let message = receive(&mut ws).await;
        assert_eq!(message["type"], "error", "{message}");
        assert_eq!(
            message["payload"][0]["extensions"]["code"], "TOO_MANY_OPERATIONS",
            "{message}"
        );
        let id: u32 = message["id"].as_str().unwrap().parse().unwrap();
        assert!(id >= 4, "the first four were taken: {message}");
    }
    // Completing one makes room for another.
    send(&mut ws, json!({ "id": "0", "type": "complete" })).await;
    send(&mut ws, subscribe("late", "{ logHead { position } }")).await;
    let message = receive(&mut ws).await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "late");
}

#[tokio::test]
async fn closing_a_socket_cancels_its_queued_work_so_another_clients_read_stays_fast() {
    // Caps raised so that much work can queue on one socket.
    let app = spawn_app_with(settings(sporbar::api::Limits {
        socket_operations: 1_000,
        client_operations: 1_000,
        ..limits()
    }))
    .await;
    let verify = AuditorVerifying::on_a_long_log(&app).await;
    let alone = verify.took(&app).await;

    // A hundred verifications queued behind each other on one socket
    // (whole-log work runs one at a time), then the socket is closed.
    let mut ws = socket(&app, None).await;
    for id in 0..100 {
        send(&mut ws, subscribe(id, "{ verifyLog { intact } }")).await;
    }
    // The server reads a socket's messages in order: its pong means it has
    // taken all hundred.
    send(&mut ws, json!({ "type": "ping" })).await;
    loop {
        let message = receive(&mut ws).await;
        if message["type"] == "pong" {
            break;
        }
        assert!(
            message["type"] == "next" || message["type"] == "complete",
            "{message}"
        );
    }
    ws.close(None).await.unwrap();
    drop(ws);

    // Had the queued ones gone on, this would wait for all of them.
    let after = verify.took(&app).await;
    let bound = alone * 4 + Duration::from_millis(500);
    assert!(
        after < bound,
        "the read after the socket closed took {after:?}; alone it took {alone:?}"
    );
}

#[tokio::test]
async fn http_clients_that_leave_take_their_queued_work_with_them() {
    let app = spawn_app_with(settings(limits())).await;
    let verify = AuditorVerifying::on_a_long_log(&app).await;
    let alone = verify.took(&app).await;
    // Sixty clients each ask for a verification (they queue: one runs at a
    // time), then hang up before their answers.
    let body = json!({ "query": "{ verifyLog { intact } }" }).to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: sporbar\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut leaving = Vec::new();
    for _ in 0..60 {
        let mut stream = TcpStream::connect(app.address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        leaving.push(stream);
    }
    // The server has read them all once it answers a request sent after.
    let response = app.anonymous.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    drop(leaving);
    let after = verify.took(&app).await;
    let bound = alone * 4 + Duration::from_millis(500);
    assert!(
        after < bound,
        "the read after the clients left took {after:?}; alone it took {alone:?}"
    );
}

#[tokio::test]
async fn a_websocket_message_over_the_body_limit_closes_the_socket() {
    let app = spawn_app_with(settings(limits())).await;
    let mut ws = socket(&app, None).await;
    let huge = "x".repeat(15 * 1024 * 1024);
    // The server may close while the message is still being sent.
    let _ = ws
        .send(Message::text(
            subscribe(1, &format!("{{ logHead {{ position }} }} # {huge}")).to_string(),
        ))
        .await;
    closed_within(&mut ws, Duration::from_secs(20)).await;
    // The server is well.
    app.ok("{ logHead { position } }", json!({})).await;
}

#[tokio::test]
async fn a_socket_that_never_sends_connection_init_is_closed() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        socket_init_timeout: Duration::from_millis(300),
        ..limits()
    }))
    .await;
    let mut ws = open_socket(&app).await;
    let started = Instant::now();
    assert_eq!(
        closed_within(&mut ws, Duration::from_secs(5)).await,
        Some(4408)
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn a_socket_opened_before_its_token_was_revoked_can_neither_change_nor_listen_afterwards() {
    let recheck = Duration::from_millis(500);
    let app = spawn_app_with(settings(sporbar::api::Limits {
        token_recheck: recheck,
        ..limits()
    }))
    .await;
    let s = ApiScenario::create(&app).await;
    let secret = app.token("kari.nordmann", Role::Editor, &[&s.organization]);
    let mut ws = socket(&app, Some(&secret)).await;
    let assess = |id: &str| {
        json!({ "id": id, "type": "subscribe", "payload": {
            "query": "mutation($g: UUID!) { assessGoal(input: {id: $g, status: IN_PROGRESS, justification: \"oppfølging\", effectiveAt: \"2016-06-01\"}) { receipt { position } } }",
            "variables": { "g": s.goal },
        }})
    };
    send(&mut ws, assess("before")).await;
    let message = receive(&mut ws).await;
    assert!(message["payload"].get("errors").is_none(), "{message}");
    // A live subscription that shows actors to an editor.
    send(
        &mut ws,
        subscribe("live", "subscription { eventAppended { position actor } }"),
    )
    .await;
    let _complete = receive(&mut ws).await;

    sporbar::access::tokens::revoke(&app.db.raw(), "kari.nordmann", chrono::Utc::now())
        .expect("revoked");
    let revoked_at = app.event_count();
    // Within the recheck window the socket is closed, even though it only
    // listens; any mutation it tried meanwhile was refused or not sent.
    let code = closed_within(&mut ws, recheck * 4 + Duration::from_secs(2)).await;
    assert_eq!(code, Some(4403));
    let actors: Vec<String> = app
        .db
        .raw()
        .prepare("SELECT actor FROM events WHERE position > ?1")
        .unwrap()
        .query_map([revoked_at], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(actors.is_empty(), "nothing changed after: {actors:?}");
    // A new socket with the same token is refused at once.
    let mut again = open_socket(&app).await;
    send(
        &mut again,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {secret}") } }),
    )
    .await;
    assert_eq!(
        closed_within(&mut again, Duration::from_secs(5)).await,
        Some(4403)
    );
}

/// An auditor recomputing the chain of a log long enough that it takes a
/// measurable while, to time how long another client's whole-log work waits.
struct AuditorVerifying(reqwest::Client);

impl AuditorVerifying {
    async fn on_a_long_log(app: &TestApp) -> Self {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || long_log(&store, 8_000))
            .await
            .unwrap();
        AuditorVerifying(client_with_token(&app.token("revisor", Role::Auditor, &[])))
    }

    /// How long one `verifyLog` took to answer; it must answer in time and
    /// find the log intact.
    async fn took(&self, app: &TestApp) -> Duration {
        let started = Instant::now();
        let response = self
            .0
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ verifyLog { intact } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "answered in time");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["verifyLog"]["intact"], true, "{body}");
        started.elapsed()
    }
}

/// A goal assessed `events` times, in batches.
fn long_log(store: &sporbar::store::SqliteStore, events: u64) {
    use sporbar::domain::GoalStatus;
    use sporbar::store::Submission;
    let s = Scenario::create(store);
    let statuses = [GoalStatus::InProgress, GoalStatus::PartiallyAchieved];
    for batch in 0..events / 1_000 {
        let submissions = (0..1_000)
            .map(|i| {
                // Within the strategy's period (2015–2018): 1 096 days from 2016.
                let day = date("2016-01-01") + chrono::Days::new((batch * 1_000 + i) % 1_096);
                let effective = day.format("%Y-%m-%d").to_string();
                let assess = s.assess(statuses[(i % 2) as usize], &format!("vurdering {i}"));
                Submission::new(command(&effective, assess), "test:fixture")
            })
            .collect();
        store.execute_all(submissions).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Connections that cannot be held open
// ---------------------------------------------------------------------------

/// Reads until the server closes the connection; what it sent.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return seen,
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
            Err(_) => panic!(
                "the server kept the connection open for {within:?}; it sent {:?}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
}

#[tokio::test]
async fn idle_half_sent_and_kept_alive_connections_are_closed_by_the_server() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        header_timeout: Duration::from_millis(500),
        ..limits()
    }))
    .await;
    let within = Duration::from_secs(5);
    let mut idle = TcpStream::connect(app.address).await.unwrap();
    let mut half = TcpStream::connect(app.address).await.unwrap();
    half.write_all(b"GET /graphql?query=%7BlogHead%7Bposition%7D%7D HTTP/1.1\r\nHost: sporbar\r\n")
        .await
        .unwrap();
    let mut kept = TcpStream::connect(app.address).await.unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: sporbar\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    read_until_closed(&mut idle, within).await;
    read_until_closed(&mut half, within).await;
    let answered = read_until_closed(&mut kept, within).await;
    assert!(
        String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"),
        "the kept-alive connection was answered first"
    );
    assert!(started.elapsed() < within);
}

/// A connection from `from` that a request answered proves was taken.
async fn held_connection(app: &TestApp, from: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut stream = socket.connect(app.address).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: sporbar\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = [0u8; 512];
    let n = stream.read(&mut buffer).await.unwrap();
    assert!(buffer[..n].starts_with(b"HTTP/1.1 200"));
    stream
}

/// A connection from `from` answered 503 and closed.
async fn refused_connection(app: &TestApp, from: &str) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut extra = socket.connect(app.address).await.unwrap();
    let answer = read_until_closed(&mut extra, Duration::from_secs(5)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many open connections"), "{answer}");
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        max_connections_per_address: 3,
        ..limits()
    }))
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(held_connection(&app, "127.0.0.2").await);
    }
    refused_connection(&app, "127.0.0.2").await;
    // Another address is served.
    held.push(held_connection(&app, "127.0.0.3").await);
}

#[tokio::test]
async fn connections_past_the_limit_get_a_503_and_are_closed() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        max_connections: 3,
        ..limits()
    }))
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(held_connection(&app, "127.0.0.1").await);
    }
    refused_connection(&app, "127.0.0.1").await;
    // A place freed is a place taken again.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let response = app.anonymous.get(app.url("/health")).send().await;
        if matches!(&response, Ok(r) if r.status() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "no place freed: {response:?}");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn unknown_tokens_are_rate_limited_by_address() {
    let app = spawn_app_with(settings(sporbar::api::Limits {
        rate: Some(sporbar::api::RateLimit {
            per_second: 1,
            burst: 40,
        }),
        ..limits()
    }))
    .await;
    let (mut unknown, mut limited) = (0, 0);
    for i in 0..40 {
        let response = client_with_token(&format!("spb_guess{i}"))
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ logHead { position } }" }))
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            401 => unknown += 1,
            429 => {
                assert!(response.headers().contains_key("retry-after"));
                limited += 1;
            }
            other => panic!("status {other}"),
        }
    }
    // Each failed guess costs more than a request: a burst of 40 allows
    // only a few.
    assert!(unknown <= 4, "{unknown} guesses were looked up");
    assert!(limited >= 36, "{limited} were refused");
}

#[test]
fn sigterm_with_a_half_sent_request_open_exits_within_the_shutdown_timeout() {
    use std::io::Write;
    let db = crate::support::TestDb::new();
    let mut program = std::process::Command::new(crate::server::SPORBAR);
    // The header timeout is longer than the test, so only the shutdown
    // deadline can end these connections.
    program
        .env("SPORBAR_SHUTDOWN_TIMEOUT", "2")
        .env("SPORBAR_HEADER_TIMEOUT", "120");
    let mut server = crate::server::Server::start_with(program, &db.path).unwrap();
    let mut half_body = std::net::TcpStream::connect(server.address).unwrap();
    half_body
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: sporbar\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":")
        .unwrap();
    let mut half_headers = std::net::TcpStream::connect(server.address).unwrap();
    half_headers
        .write_all(b"GET /health HTTP/1.1\r\nHost: spor")
        .unwrap();
    // Both requests have reached the server before it is told to stop.
    let health = crate::server::request(
        server.address,
        "GET",
        "/health",
        &[],
        b"",
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(health.0, 200);
    let (status, took) = server
        .terminate(Duration::from_secs(15))
        .expect("the server exited after SIGTERM");
    assert!(status.success(), "{status:?}: {}", server.log());
    assert!(
        took < Duration::from_secs(2) + Duration::from_secs(3),
        "exited {took:?} after SIGTERM, with a shutdown timeout of 2 s"
    );
    assert!(
        server.log().contains("abandoned"),
        "the log says what was abandoned: {}",
        server.log()
    );
}

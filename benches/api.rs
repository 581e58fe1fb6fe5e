//! API throughput at a million events: the overview query (every focus area
//! with its attainment) and a focus-area detail query over HTTP, with 1, 16
//! and 64 keep-alive connections, beside the HTTP floor (`/health`) measured
//! in the same run; the SQL statements one request runs; the server's peak
//! memory; the database's size per million events.
//!
//! The server is a real `sporbar serve` process on the generated database
//! (benches/support), so its peak RSS (`VmHWM` in /proc/<pid>/status) is the
//! server's alone. The client is a minimal HTTP/1.1 keep-alive client on one
//! thread, so that it takes as little of the machine as it can. Requests
//! rotate over 64 strategies of different organizations. The view cache
//! works as in production: the first request for a strategy builds its view,
//! later ones at the same log head reuse it.
//!
//! Statements per request are counted in-process (the same router, on its
//! own port), with SQLite's statement trace installed on every connection
//! the process opens (an auto-extension), as tests/it/read.rs counts them.
//!
//! `cargo bench --bench api` runs it for real; under `cargo test` it does a
//! short smoke run on one organization.

#[path = "support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use sporbar::store::{SqliteStore, StoreOptions};
use support::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const OVERVIEW: &str = "query($s: UUID!) { strategy(id: $s) { title attainment { goals score counts { status count } } focusAreas { number title attainment { goals score counts { status count } } } } }";
const DETAIL: &str = "query($s: UUID!) { strategy(id: $s) { focusArea(number: 4) { title goals { number wording status assessment { justification effectiveAt } indicators { name measurements { on value } } actions { title status budgetLines { year category planned } } } budgetTotals { year planned } } } }";

fn main() {
    let full = full_run();
    install_statement_counter();
    let dir = tempfile::tempdir().unwrap();
    let loaded = database(
        if full {
            1_000_000
        } else {
            EVENTS_PER_ORGANIZATION
        },
        dir.path(),
    );
    let duration = if full {
        Duration::from_secs(5)
    } else {
        Duration::from_millis(300)
    };
    println!(
        "api benchmarks ({}), {} events, {} organizations, {} ms per measurement",
        if full { "full" } else { "smoke" },
        loaded.events,
        loaded.organizations,
        duration.as_millis()
    );
    // Strategies of different organizations, the second of each (2020–2023).
    let strategies: Vec<uuid::Uuid> = loaded
        .strategies
        .iter()
        .skip(1)
        .step_by(3)
        .take(64)
        .map(|s| s.0)
        .collect();
    let bodies = |query: &str| -> Vec<String> {
        strategies
            .iter()
            .map(|s| json!({ "query": query, "variables": { "s": s } }).to_string())
            .collect()
    };
    let (overview, detail) = (bodies(OVERVIEW), bodies(DETAIL));

    statements_per_request(&loaded.path, &overview[0], &detail[1 % detail.len()]);

    let server = Server::start(&loaded.path);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!();
    println!(
        "{:>10} {:>12} {:>12} {:>10} {:>10} {:>12}",
        "query", "connections", "requests/s", "p50 µs", "p99 µs", "vs /health"
    );
    for connections in [1, 16, 64] {
        let floor = runtime.block_on(load(
            server.address,
            Request::get("/health", &server.authorization),
            connections,
            duration,
        ));
        for (name, bodies) in [("overview", &overview), ("detail", &detail)] {
            let requests = bodies
                .iter()
                .map(|b| Request::post("/graphql", b, &server.authorization))
                .collect();
            let result = runtime.block_on(load(server.address, requests, connections, duration));
            println!(
                "{name:>10} {connections:>12} {:>12.0} {:>10} {:>10} {:>12.3}",
                result.rate,
                micros(result.p50),
                micros(result.p99),
                result.rate / floor.rate
            );
        }
        println!(
            "{:>10} {connections:>12} {:>12.0} {:>10} {:>10}",
            "/health",
            floor.rate,
            micros(floor.p50),
            micros(floor.p99)
        );
    }
    let (peak, now) = server.memory();
    println!();
    println!(
        "server memory: peak RSS (VmHWM) {:.1} MB, RSS at the end {:.1} MB",
        peak as f64 / 1e6,
        now as f64 / 1e6
    );
    let bytes = database_bytes(&loaded.path);
    println!(
        "database: {:.1} MB for {} events, {:.0} MB per million events",
        bytes as f64 / 1e6,
        loaded.events,
        bytes as f64 / loaded.events as f64
    );
    drop(server);
    if !full {
        println!("\n1 passed, 0 failed");
    }
}

// ---------------------------------------------------------------------------
// Statements per request, counted in-process.

static STATEMENTS: AtomicU64 = AtomicU64::new(0);

fn count(event: rusqlite::trace::TraceEvent<'_>) {
    if let rusqlite::trace::TraceEvent::Profile(..) = event {
        STATEMENTS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Installs the statement counter on every SQLite connection this process
/// opens from now on, the store's pooled readers included.
fn install_statement_counter() {
    unsafe extern "C" fn on_open(
        db: *mut rusqlite::ffi::sqlite3,
        error: *mut *mut std::ffi::c_char,
        _: *const rusqlite::ffi::sqlite3_api_routines,
    ) -> std::ffi::c_int {
        // SAFETY: called by SQLite with the connection it is opening; the
        // borrowed handle does not close it.
        unsafe {
            rusqlite::auto_extension::init_auto_extension(db, error, |conn| {
                conn.trace_v2(
                    rusqlite::trace::TraceEventCodes::SQLITE_TRACE_PROFILE,
                    Some(count),
                );
                Ok(())
            })
        }
    }
    // SAFETY: the extension opens no database and leaves the list alone.
    unsafe { rusqlite::auto_extension::register_auto_extension(on_open) }
        .expect("register the statement counter");
}

fn statements_per_request(path: &Path, overview: &str, detail: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Arc::new(SqliteStore::open(path, StoreOptions::default()).unwrap());
        let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(sporbar::api::serve(
            store,
            "127.0.0.1:0".parse().unwrap(),
            sporbar::api::Settings {
                limits: sporbar::api::Limits::unthrottled(),
                ..sporbar::api::Settings::public()
            },
            move |a| {
                let _ = bound_tx.send(a);
            },
            async {
                let _ = stop_rx.await;
            },
        ));
        let address = bound_rx.await.unwrap();
        let mut stream = BufReader::new(TcpStream::connect(address).await.unwrap());
        // Opens the pooled reader (its set-up statements are not a request's).
        send(&mut stream, &Request::new("GET", "/ready", None, &None))
            .await
            .unwrap();
        let mut counted = Vec::new();
        for (name, body) in [("overview", overview), ("detail", detail)] {
            for round in ["first", "repeated"] {
                let request = Request::post("/graphql", body, &None);
                let before = STATEMENTS.load(Ordering::SeqCst);
                let answer = send(&mut stream, &request).await.unwrap();
                assert_graphql_data(&answer);
                counted.push(format!(
                    "{name} {round} {}",
                    STATEMENTS.load(Ordering::SeqCst) - before
                ));
            }
        }
        println!(
            "SQL statements per request (first: view cache miss; repeated: the view cached for the same log head): {}",
            counted.join(", ")
        );
        let _ = stop_tx.send(());
        server.await.unwrap().unwrap();
    });
}

fn assert_graphql_data(answer: &[u8]) {
    let value: serde_json::Value = serde_json::from_slice(answer).expect("a JSON answer");
    assert!(
        value.get("errors").is_none() && value["data"]["strategy"].is_object(),
        "the query failed: {value}"
    );
}

// ---------------------------------------------------------------------------
// The server: a real `sporbar serve` process.

struct Server {
    child: Child,
    address: SocketAddr,
    /// `Authorization` header value, when the server wants a token.
    authorization: Option<String>,
}

impl Server {
    /// Starts `sporbar serve` on a free port with the request rate limit off
    /// (when the build has one), reading with a reader token (when the build
    /// has tokens), and waits for `/health`.
    fn start(db: &Path) -> Server {
        let binary = env!("CARGO_BIN_EXE_sporbar");
        let help = |args: &[&str]| {
            let out = Command::new(binary).args(args).output().unwrap();
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let serve_help = help(&["serve", "--help"]);
        let authorization = help(&["--help"]).contains("token").then(|| {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let name = format!("bench-{stamp}");
            let out = Command::new(binary)
                .args([
                    "token", "create", "--name", &name, "--role", "reader", "--db",
                ])
                .arg(db)
                .output()
                .unwrap();
            assert!(out.status.success(), "token create: {out:?}");
            format!("Bearer {}", String::from_utf8_lossy(&out.stdout).trim())
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", &address.to_string(), "--db"])
            .arg(db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if serve_help.contains("--rate-limit") {
            command.args(["--rate-limit", "0"]);
        }
        let child = command.spawn().expect("start sporbar serve");
        let server = Server {
            child,
            address,
            authorization,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::net::TcpStream::connect(address).is_ok() {
                break;
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Peak and current resident memory in bytes.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        (kb("VmHWM:"), kb("VmRSS:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client.

#[derive(Clone)]
struct Request(Arc<Vec<u8>>);

impl Request {
    fn get(path: &str, authorization: &Option<String>) -> Vec<Request> {
        vec![Request::new("GET", path, None, authorization)]
    }

    fn post(path: &str, body: &str, authorization: &Option<String>) -> Request {
        Request::new("POST", path, Some(body), authorization)
    }

    fn new(method: &str, path: &str, body: Option<&str>, authorization: &Option<String>) -> Self {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\n");
        if let Some(auth) = authorization {
            head.push_str(&format!("authorization: {auth}\r\n"));
        }
        if let Some(body) = body {
            head.push_str(&format!(
                "content-type: application/json\r\naccept: application/json\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.unwrap_or("").as_bytes());
        Request(Arc::new(bytes))
    }
}

/// Sends one request on a kept-alive connection; the body of a 2xx answer.
async fn send(stream: &mut BufReader<TcpStream>, request: &Request) -> std::io::Result<Vec<u8>> {
    stream.get_mut().write_all(&request.0).await?;
    let mut line = String::new();
    let mut status = 0;
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if status == 0 {
            status = trimmed
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        } else if let Some((name, value)) = trimmed.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
    }
    let mut body = Vec::new();
    if let Some(n) = length {
        body.resize(n, 0);
        stream.read_exact(&mut body).await?;
    } else if chunked {
        loop {
            line.clear();
            stream.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let start = body.len();
            body.resize(start + size + 2, 0);
            stream.read_exact(&mut body[start..]).await?;
            body.truncate(start + size);
            if size == 0 {
                break;
            }
        }
    }
    if !(200..300).contains(&status) {
        return Err(std::io::Error::other(format!(
            "status {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    Ok(body)
}

struct Load {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

/// `connections` clients, each sending the requests in turn, back to back,
/// until `duration` is up.
async fn load(
    address: SocketAddr,
    requests: Vec<Request>,
    connections: usize,
    duration: Duration,
) -> Load {
    let requests = Arc::new(requests);
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut stream = BufReader::new(TcpStream::connect(address).await.unwrap());
                let mut latencies = Vec::new();
                let mut i = c;
                while Instant::now() < deadline {
                    let request = &requests[i % requests.len()];
                    i += 1;
                    let started = Instant::now();
                    let body = send(&mut stream, request).await.unwrap();
                    latencies.push(started.elapsed());
                    if latencies.len() == 1 && request.0.starts_with(b"POST") {
                        assert_graphql_data(&body);
                    }
                }
                latencies
            })
        })
        .collect();
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let p = percentiles(&mut latencies);
    Load {
        rate: p.count as f64 / elapsed.as_secs_f64(),
        p50: p.p50,
        p99: p.p99,
    }
}

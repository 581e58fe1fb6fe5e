//! What a normal reader of a public Sporbar suffers while someone attacks
//! its door: each attack is replayed against a real `sporbar serve
//! --public-read` process with its default limits (the rate limit
//! included), while a reader asks for the web page's overview at a steady
//! 20 requests per second and records every latency and failure.
//!
//! The reader and the attacker come from different addresses, because the
//! rate limit counts anonymous clients per address: the reader binds its
//! sockets to 127.0.0.1, the attacker to 127.0.0.2 (and 127.0.0.3 onwards
//! for the distributed variants); Linux routes all of 127.0.0.0/8 to the
//! loopback interface.
//!
//! Every phase runs against a fresh server on the same database, so that
//! work one attack left queued (blocking reads nobody cancels) does not land
//! in the next phase's figures. A phase's "during" lasts from the attack's
//! start until its last answer, and at least `window`; "after" is the
//! cool-down that follows, with the reader still measuring. A reader
//! request counts in each window it was in flight in, and one still
//! unanswered when the phase ends counts with the time it has waited.
//!
//! The script must work against today's server and against one that refuses
//! these attacks: every answer, status, closed socket and error is counted
//! and printed, never unwrapped.
//!
//! `cargo bench --bench door` (or `scripts/door-load`) runs it for real on
//! the demo data plus about 30 000 generated events; under `cargo test` it
//! does a short smoke run on the demo data with small counts.

#[path = "support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::{Rng, database, full_run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::runtime::Runtime;
use tokio::time::timeout_at;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

/// The web page's overview query (`web/src/api/queries.ts`, `OVERVIEW`).
const OVERVIEW: &str =
    "query Overview($id: UUID!, $validAt: Date, $asOf: DateTime, $previousYearEnd: Date!) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    id title period { start end } vision status adoptedBy adoptedOn
    organization { id name planFileUrl }
    predecessor { id title }
    computedAt { position hash validAt asOf }
    attainment { goals score counts { status count } }
    focusAreas { id number title attainment { goals score counts { status count } } }
  }
  previous: strategy(id: $id, validAt: $previousYearEnd, asOf: $asOf) {
    attainment { goals score counts { status count } }
    focusAreas { id attainment { goals score counts { status count } } }
  }
}";

/// A small query, for the attacks that count requests rather than cost.
const SMALL: &str = "{ logHead { position } }";

/// Half a request: a request line and some headers, never the blank line.
const HALF_REQUEST: &[u8] =
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";

const READER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
/// The reader's requests, per second.
const READER_INTERVAL: Duration = Duration::from_millis(50);
/// Every this many requests the reader opens a new connection, as a new
/// visitor does.
const FRESH_EVERY: usize = 5;
/// A reader request unanswered after this long is a failure with this
/// latency.
const READER_TIMEOUT: Duration = Duration::from_secs(5);
/// A reader answer slower than this (twenty times the overview's usual
/// 2–5 ms, and above a loaded machine's noise) counts as slow when the
/// flood's recovery is timed.
const SLOW: Duration = Duration::from_millis(100);

/// The attacker's address; `attacker(1)`, `attacker(2)`, … are more of them.
fn attacker(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + n as u8))
}

/// How big and how long: the full run, or the smoke run under `cargo test`.
struct Scale {
    full: bool,
    /// Generated events besides the demo data.
    events: u64,
    baseline: Duration,
    /// The least time a phase's "during" lasts.
    window: Duration,
    /// The longest an attack may take before it is given up.
    bound: Duration,
    /// The cool-down after each phase.
    after: Duration,
    /// The cool-down after the pipelined flood's disconnect.
    after_disconnect: Duration,
    verify_aliases: usize,
    verify_requests: usize,
    event_aliases: usize,
    event_requests: usize,
    pipelined: usize,
    big_message: usize,
    flood: usize,
    held: usize,
    tokens: usize,
    token_connections: usize,
    /// How long a SIGTERMed server may take to exit before it is killed.
    exit_bound: Duration,
}

const FULL: Scale = Scale {
    full: true,
    events: 30_000,
    baseline: Duration::from_secs(5),
    window: Duration::from_secs(10),
    bound: Duration::from_secs(35),
    after: Duration::from_secs(4),
    after_disconnect: Duration::from_secs(10),
    verify_aliases: 1_000,
    verify_requests: 3,
    event_aliases: 1_600,
    event_requests: 2,
    pipelined: 2_000,
    big_message: 15 * 1024 * 1024,
    flood: 20_000,
    held: 400,
    tokens: 10_000,
    token_connections: 16,
    exit_bound: Duration::from_secs(60),
};

const SMOKE: Scale = Scale {
    full: false,
    events: 0,
    baseline: Duration::from_millis(300),
    window: Duration::from_millis(300),
    bound: Duration::from_secs(5),
    after: Duration::from_millis(200),
    after_disconnect: Duration::from_millis(300),
    verify_aliases: 20,
    verify_requests: 3,
    event_aliases: 20,
    event_requests: 2,
    pipelined: 50,
    big_message: 64 * 1024,
    flood: 200,
    held: 8,
    tokens: 100,
    token_connections: 4,
    exit_bound: Duration::from_secs(2),
};

fn main() {
    let scale = if full_run() { &FULL } else { &SMOKE };
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = prepare(scale, dir.path());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");

    let (strategies, events) = {
        let server = Server::start(&db);
        runtime.block_on(discover(server.address))
    };
    let previous_year_end = format!(
        "{}-12-31",
        chrono::Datelike::year(&sporbar::api::today()) - 1
    );
    let reader_body = json!({
        "query": OVERVIEW,
        "variables": { "id": strategies[0], "previousYearEnd": previous_year_end },
    })
    .to_string();
    println!(
        "door load ({}): {} events, {} strategies, phases of at least {} s (at most {} s) with {} s after",
        if scale.full { "full" } else { "smoke" },
        events,
        strategies.len(),
        seconds(scale.window),
        seconds(scale.bound),
        seconds(scale.after),
    );
    let context = Context {
        scale,
        db,
        runtime,
        reader_body: Arc::new(reader_body),
        strategies,
        previous_year_end,
    };

    let mut rows = vec![context.phase("0", "baseline: no attack", Attack::Nothing)];
    let s = scale;
    rows.push(context.phase(
        "1",
        &format!(
            "{} × verifyLog in one request, {} at once",
            count(s.verify_aliases),
            s.verify_requests
        ),
        Attack::VerifyLog,
    ));
    rows.push(context.phase(
        "2",
        &format!(
            "{} × events(first: 100) in one request, {} at once",
            count(s.event_aliases),
            s.event_requests
        ),
        Attack::ManyEvents,
    ));
    rows.push(context.phase(
        "3",
        &format!(
            "{} small queries pipelined on one WebSocket",
            count(s.pipelined)
        ),
        Attack::Pipeline,
    ));
    rows.push(context.phase(
        "4",
        &format!("a {} WebSocket message", size(s.big_message as u64)),
        Attack::BigMessage,
    ));
    rows.push(context.phase(
        "5",
        &format!(
            "{} overview queries pipelined on one WebSocket, then disconnect",
            count(s.flood)
        ),
        Attack::Flood,
    ));
    rows.push(context.phase(
        "6",
        &format!(
            "{} connections held open ({} with half a request, {} silent)",
            count(s.held),
            s.held.div_ceil(2),
            s.held / 2
        ),
        Attack::Hold,
    ));
    rows.push(context.phase(
        "7",
        &format!(
            "{} requests with unknown tokens, {} connections",
            count(s.tokens),
            s.token_connections
        ),
        Attack::Tokens { addresses: 1 },
    ));
    rows.push(context.phase(
        "7b",
        &format!(
            "the same from {} addresses, one connection each",
            s.token_connections
        ),
        Attack::Tokens {
            addresses: s.token_connections,
        },
    ));
    rows.push(context.sigterm("8", "SIGTERM with a half-sent request open"));
    rows.push(context.phase(
        "9",
        "a WebSocket that never sends connection_init",
        Attack::NoInit,
    ));

    println!();
    print_table(&rows);
    println!();
    print_details(&rows);
    println!("\nthe run took {:.0} s", started.elapsed().as_secs_f64());
    if !scale.full {
        println!("\n1 passed, 0 failed");
    }
}

// ---------------------------------------------------------------------------
// The database and the server.

/// A database with the demo data, plus generated events in a full run (the
/// generated file is cached by benches/support and copied with `sporbar
/// backup`, so the cache stays as it was).
fn prepare(scale: &Scale, dir: &Path) -> PathBuf {
    let path = dir.join("door.db");
    if scale.events > 0 {
        let loaded = database(scale.events, dir);
        sporbar_command(&[
            "backup".as_ref(),
            "--db".as_ref(),
            loaded.path.as_os_str(),
            "--to".as_ref(),
            path.as_os_str(),
        ]);
    }
    sporbar_command(&["demo".as_ref(), "--db".as_ref(), path.as_os_str()]);
    path
}

fn sporbar_command(args: &[&std::ffi::OsStr]) {
    let out = without_sporbar_environment(&mut Command::new(env!("CARGO_BIN_EXE_sporbar")))
        .args(args)
        .output()
        .expect("run sporbar");
    assert!(out.status.success(), "sporbar {args:?}: {out:?}");
}

/// Removes every `SPORBAR_…` variable, so that the server runs with its
/// default limits whatever the shell has set.
fn without_sporbar_environment(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SPORBAR_") {
            command.env_remove(name);
        }
    }
    command
}

/// A real `sporbar serve --public-read` process on a free port, killed when
/// dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    fn start(db: &Path) -> Server {
        let mut child =
            without_sporbar_environment(&mut Command::new(env!("CARGO_BIN_EXE_sporbar")))
                .args(["serve", "--public-read", "--listen", "127.0.0.1:0", "--db"])
                .arg(db)
                .env("RUST_LOG", "info")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start sporbar serve");
        // The log says which port it took. Standard error is drained for
        // the server's whole life: a full pipe would stop its logging.
        let stderr = child.stderr.take().expect("piped");
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            let mut seen = Vec::new();
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(sender) = &found {
                    let plain = strip_ansi(&line);
                    if let Some(address) = listening_address(&plain) {
                        let _ = sender.send(Ok(address));
                        found = None;
                    } else {
                        seen.push(plain);
                    }
                }
            }
            if let Some(sender) = found {
                let _ = sender.send(Err(seen.join("\n")));
            }
        });
        let address = match address.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(address)) => address,
            Ok(Err(log)) => {
                let _ = child.kill();
                panic!("sporbar serve stopped before it listened:\n{log}");
            }
            Err(_) => {
                let _ = child.kill();
                panic!("sporbar serve did not say where it listens within 60 s");
            }
        };
        Server { child, address }
    }
}

impl Server {
    /// The process's peak resident memory (VmHWM) in bytes, 0 when unknown.
    fn peak_memory(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|kb| kb.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in the server's "listening on http://…" line.
fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("listening on http://")? + "listening on http://".len()..];
    rest.split(|c: char| c.is_whitespace() || c == '"' || c == '/')
        .next()?
        .parse()
        .ok()
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The strategies to ask for, and the log's length.
async fn discover(address: SocketAddr) -> (Vec<String>, u64) {
    let client = http_client(READER, 1);
    let answer: Value = client
        .post(format!("http://{address}/graphql"))
        .json(&json!({ "query": "{ strategies { nodes { id } } logHead { position } }" }))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON answer");
    let strategies: Vec<String> = answer["data"]["strategies"]["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|n| n["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert!(!strategies.is_empty(), "no strategies: {answer}");
    let events = answer["data"]["logHead"]["position"].as_u64().unwrap_or(0);
    (strategies, events)
}

/// An HTTP client whose connections come from `local`; `pool` idle
/// connections kept (0: a new connection per request).
fn http_client(local: IpAddr, pool: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(local)
        .no_proxy()
        .pool_max_idle_per_host(pool)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("an HTTP client")
}

/// A TCP connection from `local` (the rate limit counts per address).
async fn connect_from(local: IpAddr, address: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    match tokio::time::timeout(Duration::from_secs(5), socket.connect(address)).await {
        Ok(connected) => connected,
        Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
    }
}

/// What went wrong with a request, in a word or two.
fn error_kind(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timeout".into()
    } else if error.is_connect() {
        "connect failed".into()
    } else if error.is_body() || error.is_decode() {
        "answer cut off".into()
    } else {
        "closed".into()
    }
}

/// The first error's `extensions.code`, or its message when it has none.
fn error_code(errors: &Value) -> String {
    let first = errors.get(0).unwrap_or(errors);
    if let Some(code) = first["extensions"]["code"].as_str() {
        return code.to_owned();
    }
    let message = first["message"].as_str().unwrap_or("error");
    let mut short: String = message.chars().take(40).collect();
    if short.len() < message.len() {
        short.push('…');
    }
    format!("'{short}'")
}

// ---------------------------------------------------------------------------
// The normal reader.

struct Sample {
    at: Instant,
    latency: Duration,
    failure: Option<String>,
}

/// What the reader has measured, and when it sent the request it still
/// waits for.
#[derive(Default)]
struct Measured {
    samples: Vec<Sample>,
    waiting_since: Option<Instant>,
}

/// Asks for the overview every 50 ms on a thread and runtime of its own,
/// one request at a time, on one kept-alive connection and a fresh one every
/// few requests.
struct Reader {
    stop: Arc<AtomicBool>,
    measured: Arc<Mutex<Measured>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Reader {
    fn start(address: SocketAddr, body: Arc<String>) -> Reader {
        let stop = Arc::new(AtomicBool::new(false));
        let measured = Arc::new(Mutex::new(Measured::default()));
        let thread = {
            let (stop, measured) = (stop.clone(), measured.clone());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async move {
                    let kept = http_client(READER, 1);
                    let fresh = http_client(READER, 0);
                    let url = format!("http://{address}/graphql");
                    let mut tick = tokio::time::interval(READER_INTERVAL);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                    for n in 0usize.. {
                        tick.tick().await;
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let client = if n % FRESH_EVERY == FRESH_EVERY - 1 {
                            &fresh
                        } else {
                            &kept
                        };
                        let at = Instant::now();
                        measured.lock().expect("not poisoned").waiting_since = Some(at);
                        let failure =
                            match tokio::time::timeout(READER_TIMEOUT, read(client, &url, &body))
                                .await
                            {
                                Ok(failure) => failure,
                                Err(_) => Some("timeout".to_owned()),
                            };
                        let latency = at.elapsed().min(READER_TIMEOUT);
                        let mut measured = measured.lock().expect("not poisoned");
                        measured.waiting_since = None;
                        measured.samples.push(Sample {
                            at,
                            latency,
                            failure,
                        });
                    }
                });
            })
        };
        Reader {
            stop,
            measured,
            thread: Some(thread),
        }
    }

    /// Stops asking; the samples so far. A request still unanswered counts
    /// with the time it has waited so far (a lower bound), so that a reader
    /// stuck behind an attack shows in the window it is stuck in.
    fn stop(&self) -> Vec<Sample> {
        self.stop.store(true, Ordering::SeqCst);
        let mut measured = self.measured.lock().expect("not poisoned");
        let mut samples = std::mem::take(&mut measured.samples);
        if let Some(at) = measured.waiting_since.take() {
            samples.push(Sample {
                at,
                latency: at.elapsed(),
                failure: None,
            });
        }
        samples
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One overview request; `None` when it answered the strategy.
async fn read(client: &reqwest::Client, url: &str, body: &str) -> Option<String> {
    let response = match client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => return Some(error_kind(&error)),
    };
    let status = response.status().as_u16();
    let bytes = match response.bytes().await {
        Ok(bytes) => bytes,
        Err(error) => return Some(error_kind(&error)),
    };
    if status != 200 {
        return Some(status.to_string());
    }
    let Ok(answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Some("not JSON".into());
    };
    if let Some(errors) = answer.get("errors") {
        return Some(error_code(errors));
    }
    if !answer["data"]["strategy"].is_object() {
        return Some("no strategy".into());
    }
    None
}

/// A few requests before measuring: the pooled reader and the view cache.
async fn warm_up(address: SocketAddr, body: &str) {
    let client = http_client(READER, 1);
    let url = format!("http://{address}/graphql");
    for _ in 0..3 {
        let _ = tokio::time::timeout(READER_TIMEOUT, read(&client, &url, body)).await;
    }
}

#[derive(Clone, Default)]
struct Stats {
    requests: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    failures: BTreeMap<String, usize>,
    seconds: f64,
}

impl Stats {
    /// The requests in flight at some time between `from` and `until`: a
    /// request that spans the end of one window counts in both.
    fn of(samples: &[Sample], from: Instant, until: Instant) -> Stats {
        let window: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.at < until && s.at + s.latency > from)
            .collect();
        let mut latencies: Vec<Duration> = window.iter().map(|s| s.latency).collect();
        latencies.sort();
        let at = |q: f64| {
            latencies
                .get(((latencies.len().max(1) - 1) as f64 * q).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        let mut failures = BTreeMap::new();
        for failure in window.iter().filter_map(|s| s.failure.as_ref()) {
            *failures.entry(failure.clone()).or_insert(0) += 1;
        }
        Stats {
            requests: latencies.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: latencies.last().copied().unwrap_or_default(),
            failures,
            seconds: until.duration_since(from).as_secs_f64(),
        }
    }

    fn failed(&self) -> usize {
        self.failures.values().sum()
    }

    fn failures_text(&self) -> String {
        if self.failures.is_empty() {
            return "none".into();
        }
        self.failures
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

// ---------------------------------------------------------------------------
// Phases.

struct Context {
    scale: &'static Scale,
    db: PathBuf,
    runtime: Runtime,
    reader_body: Arc<String>,
    strategies: Vec<String>,
    previous_year_end: String,
}

enum Attack {
    Nothing,
    VerifyLog,
    ManyEvents,
    Pipeline,
    BigMessage,
    Flood,
    Hold,
    Tokens { addresses: usize },
    NoInit,
}

/// Where and how long an attack may run.
struct Target {
    address: SocketAddr,
    start: Instant,
    /// The least end of the phase's "during".
    window_end: Instant,
    /// When the attack is given up.
    deadline: Instant,
}

/// What an attack got, and when it disconnected (for the flood).
struct Got {
    text: String,
    disconnected: Option<Instant>,
}

impl From<String> for Got {
    fn from(text: String) -> Self {
        Got {
            text,
            disconnected: None,
        }
    }
}

struct Row {
    phase: String,
    attack: String,
    got: String,
    during: Option<Stats>,
    after: Option<Stats>,
    /// The server's peak resident memory, when measured.
    peak_memory: u64,
}

impl Context {
    /// Runs one attack against a fresh server while the reader measures.
    fn phase(&self, phase: &str, name: &str, attack: Attack) -> Row {
        let scale = self.scale;
        let server = Server::start(&self.db);
        self.runtime
            .block_on(warm_up(server.address, &self.reader_body));
        let reader = Reader::start(server.address, self.reader_body.clone());
        let start = Instant::now();
        let window = if matches!(attack, Attack::Nothing) {
            scale.baseline
        } else {
            scale.window
        };
        let target = Target {
            address: server.address,
            start,
            window_end: start + window,
            deadline: start + scale.bound,
        };
        let got = self.runtime.block_on(self.attack(&attack, &target));
        let during_end = Instant::now().max(target.window_end);
        let after = match attack {
            Attack::Nothing => Duration::ZERO,
            Attack::Flood => scale.after_disconnect,
            _ => scale.after,
        };
        let after_end = during_end + after;
        self.runtime
            .block_on(async { tokio::time::sleep_until(after_end.into()).await });
        let samples = reader.stop();
        let peak_memory = server.peak_memory();
        drop(server);
        drop(reader);
        let mut text = got.text;
        if let Some(disconnected) = got.disconnected {
            let slow = samples
                .iter()
                .filter(|s| s.at + s.latency > disconnected)
                .filter(|s| s.failure.is_some() || s.latency > SLOW)
                .map(|s| s.at + s.latency)
                .max();
            match slow {
                Some(last) => write!(
                    text,
                    "; reader slow (> {}) until {} s after it",
                    latency(SLOW),
                    seconds(last.duration_since(disconnected))
                ),
                None => write!(text, "; reader never slow (> {}) after it", latency(SLOW)),
            }
            .expect("a string");
        }
        println!("{phase:>3} {name}: {text}");
        Row {
            phase: phase.into(),
            attack: name.into(),
            got: text,
            during: Some(Stats::of(&samples, start, during_end)),
            peak_memory,
            after: (after > Duration::ZERO).then(|| Stats::of(&samples, during_end, after_end)),
        }
    }

    async fn attack(&self, attack: &Attack, target: &Target) -> Got {
        let s = self.scale;
        match attack {
            Attack::Nothing => "—".to_owned().into(),
            Attack::VerifyLog => {
                let mut query = String::from("{");
                for i in 0..s.verify_aliases {
                    write!(query, " a{i}: verifyLog {{ intact }}").expect("a string");
                }
                query.push_str(" }");
                big_requests(target, &query, s.verify_requests, false)
                    .await
                    .into()
            }
            Attack::ManyEvents => {
                let mut query = String::from("{");
                for i in 0..s.event_aliases {
                    write!(query, " a{i}: events(first: 100) {{ nodes {{ payload }} }}")
                        .expect("a string");
                }
                query.push_str(" }");
                big_requests(target, &query, s.event_requests, true)
                    .await
                    .into()
            }
            Attack::Pipeline => pipeline(target, s.pipelined).await.into(),
            Attack::BigMessage => big_message(target, s.big_message).await.into(),
            Attack::Flood => {
                let subscribe = |i: usize| {
                    // Different strategies and dates, so the view cache
                    // cannot answer them.
                    let valid_at = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).expect("a date")
                        + chrono::Duration::days((i % 3_650) as i64);
                    json!({
                        "id": i.to_string(),
                        "type": "subscribe",
                        "payload": {
                            "query": OVERVIEW,
                            "variables": {
                                "id": self.strategies[i % self.strategies.len()],
                                "validAt": valid_at.to_string(),
                                "previousYearEnd": self.previous_year_end,
                            },
                        },
                    })
                    .to_string()
                };
                flood(target, s.flood, subscribe).await
            }
            Attack::Hold => hold(target, s.held).await.into(),
            Attack::Tokens { addresses } => {
                unknown_tokens(target, s.tokens, s.token_connections, *addresses)
                    .await
                    .into()
            }
            Attack::NoInit => no_init(target).await.into(),
        }
    }

    /// SIGTERM to a fresh server while a connection has sent half a
    /// request: how long until the process exits.
    fn sigterm(&self, phase: &str, name: &str) -> Row {
        let mut server = Server::start(&self.db);
        let address = server.address;
        let bound = self.scale.exit_bound;
        let child = &mut server.child;
        let text = self.runtime.block_on(async move {
            let mut stream = match connect_from(attacker(0), address).await {
                Ok(stream) => stream,
                Err(error) => return format!("could not connect: {error}"),
            };
            if let Err(error) = stream.write_all(HALF_REQUEST).await {
                return format!("could not send half a request: {error}");
            }
            // Give the server time to accept it and read what came.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let signalled = Instant::now();
            let connection = tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                loop {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return signalled.elapsed(),
                        Ok(_) => {}
                    }
                }
            });
            let sent = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            if !matches!(sent, Ok(status) if status.success()) {
                return format!("could not send SIGTERM: {sent:?}");
            }
            let exited = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Some(status),
                    Ok(None) if signalled.elapsed() < bound => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    _ => break None,
                }
            };
            let took = signalled.elapsed();
            let closed = if connection.is_finished() {
                match connection.await {
                    Ok(after) => format!(
                        "; the half-sent request's socket closed after {} s",
                        seconds(after)
                    ),
                    Err(_) => String::new(),
                }
            } else {
                connection.abort();
                "; the half-sent request's socket still open".to_owned()
            };
            match exited {
                Some(status) => format!(
                    "exited ({}) {} s after SIGTERM{closed}",
                    status
                        .code()
                        .map(|c| format!("status {c}"))
                        .unwrap_or_else(|| "by a signal".into()),
                    seconds(took)
                ),
                None => format!(
                    "did not exit within {} s of SIGTERM (killed){closed}",
                    seconds(bound)
                ),
            }
        });
        println!("{phase:>3} {name}: {text}");
        Row {
            phase: phase.into(),
            attack: name.into(),
            got: text,
            during: None,
            after: None,
            peak_memory: 0,
        }
    }
}

// ---------------------------------------------------------------------------
// The attacks.

/// `n` copies of one expensive request at once from the attacker's address;
/// each answer's status (and size, with `sizes`) and time.
async fn big_requests(target: &Target, query: &str, n: usize, sizes: bool) -> String {
    let client = http_client(attacker(0), n);
    let url = format!("http://{}/graphql", target.address);
    let body = Arc::new(json!({ "query": query }).to_string());
    let requests: Vec<_> = (0..n)
        .map(|_| {
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            let deadline = target.deadline;
            tokio::spawn(async move {
                let started = Instant::now();
                let label = match timeout_at(deadline.into(), answer_of(&client, &url, &body)).await
                {
                    Ok((label, bytes)) if sizes && bytes > 0 => {
                        format!("{label} of {}", size(bytes))
                    }
                    Ok((label, _)) => label,
                    Err(_) => "no answer".to_owned(),
                };
                (label, started.elapsed())
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for request in requests {
        if let Ok(outcome) = request.await {
            outcomes.push(outcome);
        }
    }
    summarize(&outcomes)
}

/// Sends one request and reads its answer to the end, keeping only the
/// start: the status (with the first error's code), and the answer's bytes.
async fn answer_of(client: &reqwest::Client, url: &str, body: &str) -> (String, u64) {
    let mut response = match client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => return (error_kind(&error), 0),
    };
    let status = response.status().as_u16();
    let mut bytes = 0u64;
    let mut head = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                bytes += chunk.len() as u64;
                let room = 65_536usize.saturating_sub(head.len());
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) => break,
            Err(error) => {
                return (
                    format!(
                        "{status}, then {} after {}",
                        error_kind(&error),
                        size(bytes)
                    ),
                    bytes,
                );
            }
        }
    }
    let code = (bytes as usize == head.len())
        .then(|| serde_json::from_slice::<Value>(&head).ok())
        .flatten()
        .and_then(|answer| answer.get("errors").map(error_code));
    match code {
        Some(code) => (format!("{status} {code}"), bytes),
        None => (status.to_string(), bytes),
    }
}

/// "3× 408 after 30.0 s, 1× 200 after 2.1 s": outcomes with the same label
/// together, in the order they first came.
fn summarize(outcomes: &[(String, Duration)]) -> String {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<Duration>> = HashMap::new();
    for (label, took) in outcomes {
        if !groups.contains_key(label.as_str()) {
            order.push(label);
        }
        groups.entry(label).or_default().push(*took);
    }
    if order.is_empty() {
        return "nothing came back".into();
    }
    order
        .iter()
        .map(|label| {
            let times = &groups[label];
            let (low, high) = (
                times.iter().min().copied().unwrap_or_default(),
                times.iter().max().copied().unwrap_or_default(),
            );
            let when = if seconds(low) == seconds(high) {
                format!("{} s", seconds(low))
            } else {
                format!("{}–{} s", seconds(low), seconds(high))
            };
            format!("{}× {label} after {when}", times.len())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

type Socket = tokio_tungstenite::WebSocketStream<TcpStream>;

/// A WebSocket on /graphql/ws (graphql-transport-ws) from the attacker's
/// address, not yet initialised.
async fn open_socket(local: IpAddr, address: SocketAddr) -> Result<Socket, String> {
    let stream = connect_from(local, address)
        .await
        .map_err(|e| format!("could not connect ({})", e.kind()))?;
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .expect("a WebSocket request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio_tungstenite::client_async(request, stream),
    )
    .await
    {
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => Err(format!(
            "upgrade refused with {}",
            response.status().as_u16()
        )),
        Ok(Err(error)) => Err(format!("upgrade failed ({error})")),
        Err(_) => Err("no upgrade within 5 s".into()),
    }
}

/// `connection_init`, then waits for `connection_ack`.
async fn initialise(socket: &mut Socket) -> Result<(), String> {
    let init = json!({ "type": "connection_init", "payload": {} }).to_string();
    socket
        .send(Message::text(init))
        .await
        .map_err(|e| format!("connection_init not sent ({e})"))?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match timeout_at(deadline.into(), socket.next()).await {
            Err(_) => return Err("no connection_ack within 5 s".into()),
            Ok(None) | Ok(Some(Err(_))) => return Err("closed before connection_ack".into()),
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Err(format!(
                    "closed before connection_ack{}",
                    close_code(&frame)
                ));
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                let message: Value = serde_json::from_str(&text).unwrap_or_default();
                match message["type"].as_str() {
                    Some("connection_ack") => return Ok(()),
                    Some("ping") | Some("pong") => {}
                    other => return Err(format!("connection_init answered {other:?}")),
                }
            }
            Ok(Some(Ok(_))) => {}
        }
    }
}

async fn open_initialised(local: IpAddr, address: SocketAddr) -> Result<Socket, String> {
    let mut socket = open_socket(local, address).await?;
    initialise(&mut socket).await?;
    Ok(socket)
}

fn close_code(frame: &Option<tungstenite::protocol::CloseFrame>) -> String {
    match frame {
        Some(frame) if frame.reason.is_empty() => format!(" (code {})", u16::from(frame.code)),
        Some(frame) => format!(" (code {}: {})", u16::from(frame.code), frame.reason),
        None => String::new(),
    }
}

/// How the server answered operations on a socket: each operation's
/// outcome, "next" or an error code, and which ones are finished.
#[derive(Default)]
struct Operations {
    outcome: HashMap<String, String>,
    finished: usize,
}

impl Operations {
    /// Takes one server message.
    fn take(&mut self, text: &str) {
        let message: Value = serde_json::from_str(text).unwrap_or_default();
        let id = message["id"].as_str().unwrap_or("").to_owned();
        match message["type"].as_str() {
            Some("next") => {
                let outcome = match message["payload"].get("errors") {
                    Some(errors) => error_code(errors),
                    None => "next".to_owned(),
                };
                self.outcome.entry(id).or_insert(outcome);
            }
            Some("error") => {
                self.outcome.insert(id, error_code(&message["payload"]));
                self.finished += 1;
            }
            Some("complete") => {
                self.outcome.entry(id).or_insert_with(|| "complete".into());
                self.finished += 1;
            }
            _ => {}
        }
    }

    /// "200 next, 1800 RATE_LIMITED"
    fn counts(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for outcome in self.outcome.values() {
            *counts.entry(outcome).or_insert(0) += 1;
        }
        let mut parts: Vec<(usize, &str)> = counts.into_iter().map(|(k, n)| (n, k)).collect();
        parts.sort_by(|a, b| b.cmp(a));
        if parts.is_empty() {
            return "no answers".into();
        }
        parts
            .iter()
            .map(|(n, k)| format!("{} {k}", count(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `n` small queries sent back to back on one socket, answers read
/// meanwhile.
async fn pipeline(target: &Target, n: usize) -> String {
    let started = Instant::now();
    let socket = match open_initialised(attacker(0), target.address).await {
        Ok(socket) => socket,
        Err(error) => return error,
    };
    let (mut sink, mut stream) = socket.split();
    let sent = Arc::new(AtomicUsize::new(0));
    let writer = {
        let sent = sent.clone();
        tokio::spawn(async move {
            for i in 0..n {
                let message = json!({
                    "id": i.to_string(),
                    "type": "subscribe",
                    "payload": { "query": SMALL },
                });
                if sink.feed(Message::text(message.to_string())).await.is_err() {
                    return;
                }
                sent.fetch_add(1, Ordering::SeqCst);
            }
            let _ = sink.flush().await;
        })
    };
    let mut operations = Operations::default();
    let ending = loop {
        if operations.finished >= n {
            break String::new();
        }
        match timeout_at(target.deadline.into(), stream.next()).await {
            Err(_) => break format!("; gave up after {} s", seconds(started.elapsed())),
            Ok(None) | Ok(Some(Err(_))) => {
                break format!("; socket closed after {} s", seconds(started.elapsed()));
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                break format!(
                    "; closed by the server{} after {} s",
                    close_code(&frame),
                    seconds(started.elapsed())
                );
            }
            Ok(Some(Ok(Message::Text(text)))) => operations.take(&text),
            Ok(Some(Ok(_))) => {}
        }
    };
    writer.abort();
    let sent = sent.load(Ordering::SeqCst);
    let unsent = if sent < n {
        format!(" ({sent} sent)")
    } else {
        String::new()
    };
    let unanswered = sent.saturating_sub(operations.outcome.len());
    let unanswered = if unanswered > 0 {
        format!(", {unanswered} unanswered")
    } else {
        String::new()
    };
    if ending.is_empty() {
        format!(
            "{} ops{unsent}: {}{unanswered} in {} s",
            count(n),
            operations.counts(),
            seconds(started.elapsed())
        )
    } else {
        format!(
            "{} ops{unsent}: {}{unanswered}{ending}",
            count(n),
            operations.counts()
        )
    }
}

/// One subscribe whose query is `bytes` long (aliases of `__typename`):
/// whether the server takes it, and what it answers.
async fn big_message(target: &Target, bytes: usize) -> String {
    let mut socket = match open_initialised(attacker(0), target.address).await {
        Ok(socket) => socket,
        Err(error) => return error,
    };
    let mut query = String::with_capacity(bytes + 32);
    query.push('{');
    let mut i = 0;
    while query.len() < bytes {
        write!(query, " a{i}: __typename").expect("a string");
        i += 1;
    }
    query.push_str(" }");
    let message = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    let started = Instant::now();
    match timeout_at(
        target.deadline.into(),
        socket.send(Message::text(message.to_string())),
    )
    .await
    {
        Err(_) => return format!("not sent within {} s", seconds(started.elapsed())),
        Ok(Err(error)) => {
            return format!(
                "closed while sending ({error}) after {} s",
                seconds(started.elapsed())
            );
        }
        Ok(Ok(())) => {}
    }
    loop {
        let took = || seconds(started.elapsed());
        match timeout_at(target.deadline.into(), socket.next()).await {
            Err(_) => return format!("accepted, no answer within {} s", took()),
            Ok(None) => return format!("accepted, then the socket closed after {} s", took()),
            Ok(Some(Err(error))) => {
                return format!(
                    "accepted, then the socket failed ({error}) after {} s",
                    took()
                );
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return format!(
                    "closed by the server{} after {} s",
                    close_code(&frame),
                    took()
                );
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                let mut operations = Operations::default();
                operations.take(&text);
                if let Some(outcome) = operations.outcome.get("1") {
                    return format!("accepted: answered {outcome} after {} s", took());
                }
            }
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// `n` subscribes sent back to back on one socket (answers drained
/// meanwhile), then the socket dropped at once.
async fn flood(target: &Target, n: usize, subscribe: impl Fn(usize) -> String) -> Got {
    let started = Instant::now();
    let socket = match open_initialised(attacker(0), target.address).await {
        Ok(socket) => socket,
        Err(error) => return error.into(),
    };
    let (mut sink, mut stream) = socket.split();
    let answered = Arc::new(AtomicUsize::new(0));
    let drain = {
        let answered = answered.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message
                    && text.contains("\"next\"")
                {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    };
    let mut sent = 0;
    let mut stopped = None;
    for i in 0..n {
        match timeout_at(
            target.deadline.into(),
            sink.feed(Message::text(subscribe(i))),
        )
        .await
        {
            Ok(Ok(())) => sent += 1,
            Ok(Err(error)) => {
                stopped = Some(format!("the socket failed ({error})"));
                break;
            }
            Err(_) => {
                stopped = Some("gave up".into());
                break;
            }
        }
    }
    if stopped.is_none() {
        match timeout_at(target.deadline.into(), sink.flush()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => stopped = Some(format!("the socket failed ({error})")),
            Err(_) => stopped = Some("gave up".into()),
        }
    }
    // Disconnect: both halves dropped, no close handshake.
    drain.abort();
    let _ = drain.await;
    drop(sink);
    let disconnected = Instant::now();
    let answered = answered.load(Ordering::SeqCst);
    let text = match stopped {
        None => format!(
            "{} sent in {} s, {answered} answered, then disconnected",
            count(sent),
            seconds(disconnected.duration_since(started))
        ),
        Some(why) => format!(
            "{} of {} sent, {why} after {} s, {answered} answered",
            count(sent),
            count(n),
            seconds(disconnected.duration_since(started))
        ),
    };
    Got {
        text,
        disconnected: Some(disconnected),
    }
}

/// What became of one held connection.
enum Held {
    /// Could not connect.
    Refused(String),
    /// Still open when the phase ended.
    Open,
    /// The server closed it (EOF or reset) this long after it opened, having
    /// answered with this status line's code first, if any.
    Closed(Duration, Option<String>),
}

/// `n` connections held open for the phase, half of them having sent half a
/// request, the rest nothing; fresh connections tried in the middle of it.
async fn hold(target: &Target, n: usize) -> String {
    let connections: Vec<_> = (0..n)
        .map(|i| {
            let (address, until) = (target.address, target.window_end);
            tokio::spawn(async move {
                let half = i % 2 == 0;
                let mut stream = match connect_from(attacker(0), address).await {
                    Ok(stream) => stream,
                    Err(error) => return (half, Held::Refused(error.kind().to_string())),
                };
                let opened = Instant::now();
                if half && stream.write_all(HALF_REQUEST).await.is_err() {
                    return (half, Held::Closed(opened.elapsed(), None));
                }
                let mut buffer = [0u8; 1024];
                let mut status = None;
                loop {
                    match timeout_at(until.into(), stream.read(&mut buffer)).await {
                        Err(_) => return (half, Held::Open),
                        Ok(Ok(0)) | Ok(Err(_)) => {
                            return (half, Held::Closed(opened.elapsed(), status));
                        }
                        Ok(Ok(read)) => {
                            if status.is_none() {
                                status = status_of(&buffer[..read]);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    // New connections while the others are held: from the attacker's
    // address, and from one more.
    tokio::time::sleep_until((target.start + (target.window_end - target.start) / 2).into()).await;
    let mut probes = Vec::new();
    for local in [attacker(0), attacker(1)] {
        let mut outcomes = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            outcomes.push((probe(local, target.address).await, started.elapsed()));
        }
        probes.push(format!("{local} {}", summarize(&outcomes)));
    }
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut open = [0usize; 2];
    let mut closed: [Vec<(Duration, Option<String>)>; 2] = [Vec::new(), Vec::new()];
    for connection in connections {
        match connection.await {
            Ok((half, Held::Open)) => open[usize::from(half)] += 1,
            Ok((half, Held::Closed(after, status))) => {
                closed[usize::from(half)].push((after, status))
            }
            Ok((_, Held::Refused(why))) => *refused.entry(why).or_insert(0) += 1,
            Err(_) => *refused.entry("task failed".into()).or_insert(0) += 1,
        }
    }
    let mut kinds = Vec::new();
    for (half, kind) in [(true, "half-request"), (false, "silent")] {
        let closed = &mut closed[usize::from(half)];
        closed.sort();
        let mut part = format!(
            "{} of {} {kind}",
            closed.len(),
            closed.len() + open[usize::from(half)]
        );
        if let (Some(first), Some(last)) = (closed.first(), closed.last()) {
            let median = closed[closed.len() / 2].0;
            write!(
                part,
                " (EOF after {}–{} s, median {} s",
                seconds(first.0),
                seconds(last.0),
                seconds(median)
            )
            .expect("a string");
            let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
            for status in closed.iter().filter_map(|(_, s)| s.as_deref()) {
                *statuses.entry(status).or_insert(0) += 1;
            }
            for (status, n) in statuses {
                write!(part, "; {n}× {status} first").expect("a string");
            }
            part.push(')');
        }
        kinds.push(part);
    }
    let mut text = format!("closed by the server: {}", kinds.join(", "));
    for (why, n) in refused {
        write!(text, "; {n} could not connect ({why})").expect("a string");
    }
    write!(text, "; new connections: {}", probes.join(", ")).expect("a string");
    text
}

/// The status code of an HTTP answer's first bytes.
fn status_of(bytes: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(bytes);
    let code = line.strip_prefix("HTTP/1.1 ")?.split_whitespace().next()?;
    Some(code.to_owned())
}

/// `GET /health` on a new connection from `local`: its status, or what
/// went wrong.
async fn probe(local: IpAddr, address: SocketAddr) -> String {
    let attempt = async {
        let mut stream = match connect_from(local, address).await {
            Ok(stream) => stream,
            Err(error) => return format!("connect failed ({})", error.kind()),
        };
        let request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if stream.write_all(request).await.is_err() {
            return "closed".into();
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        status_of(&answer).unwrap_or_else(|| "closed without an answer".into())
    };
    tokio::time::timeout(Duration::from_secs(3), attempt)
        .await
        .unwrap_or_else(|_| "no answer within 3 s".into())
}

/// `n` requests with random unknown bearer tokens over `connections`
/// kept-alive connections, from `addresses` addresses; the statuses.
async fn unknown_tokens(target: &Target, n: usize, connections: usize, addresses: usize) -> String {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let url = format!("http://{}/graphql", target.address);
    let body = json!({ "query": SMALL }).to_string();
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let client = http_client(attacker(c % addresses.max(1)), 1);
            let (next, url, body) = (next.clone(), url.clone(), body.clone());
            let deadline = target.deadline;
            tokio::spawn(async move {
                let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n || Instant::now() >= deadline {
                        break;
                    }
                    let mut random = Rng::new(0xD00D ^ i as u64);
                    let token = format!("spb_{:016x}{:016x}", random.next_u64(), random.next_u64());
                    let request = async {
                        let response = client
                            .post(&url)
                            .header("content-type", "application/json")
                            .header("authorization", format!("Bearer {token}"))
                            .body(body.clone())
                            .send()
                            .await
                            .map_err(|error| error_kind(&error))?;
                        let status = response.status().as_u16().to_string();
                        match response.bytes().await {
                            Ok(_) => Ok(status),
                            Err(error) => Err(format!("{status}, then {}", error_kind(&error))),
                        }
                    };
                    let outcome = match timeout_at(deadline.into(), request).await {
                        Err(_) => "no answer".to_owned(),
                        Ok(Ok(status)) => status,
                        Ok(Err(failure)) => failure,
                    };
                    *outcomes.entry(outcome).or_insert(0) += 1;
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for worker in workers {
        if let Ok(counted) = worker.await {
            for (outcome, k) in counted {
                *outcomes.entry(outcome).or_insert(0) += k;
            }
        }
    }
    let done: usize = outcomes.values().sum();
    let mut parts: Vec<(usize, String)> = outcomes.into_iter().map(|(k, n)| (n, k)).collect();
    parts.sort_by(|a, b| b.cmp(a));
    let counts = parts
        .iter()
        .map(|(n, k)| format!("{}× {k}", count(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let took = started.elapsed();
    let of = if done < n {
        format!("{} of {}", count(done), count(n))
    } else {
        count(n)
    };
    format!(
        "{of} in {} s ({:.0}/s): {counts}",
        seconds(took),
        done as f64 / took.as_secs_f64()
    )
}

/// A WebSocket that never sends connection_init: how long the server keeps
/// it.
async fn no_init(target: &Target) -> String {
    let mut socket = match open_socket(attacker(0), target.address).await {
        Ok(socket) => socket,
        Err(error) => return error,
    };
    let opened = Instant::now();
    loop {
        let took = || seconds(opened.elapsed());
        match timeout_at(target.window_end.into(), socket.next()).await {
            Err(_) => return format!("still open after {} s", took()),
            Ok(None) | Ok(Some(Err(_))) => {
                return format!("closed by the server after {} s", took());
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return format!(
                    "closed by the server{} after {} s",
                    close_code(&frame),
                    took()
                );
            }
            Ok(Some(Ok(_))) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Output.

fn print_table(rows: &[Row]) {
    println!(
        "| phase | attack | what the attack got | reader p50 | p99 | max | failures | p99 after |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|");
    for row in rows {
        let (p50, p99, max, failures) = match &row.during {
            Some(d) if d.requests > 0 => (
                latency(d.p50),
                latency(d.p99),
                latency(d.max),
                format!("{} of {}", d.failed(), d.requests),
            ),
            _ => ("—".into(), "—".into(), "—".into(), "—".into()),
        };
        let after = match &row.after {
            Some(a) if a.requests > 0 => latency(a.p99),
            _ => "—".into(),
        };
        println!(
            "| {} | {} | {} | {p50} | {p99} | {max} | {failures} | {after} |",
            row.phase, row.attack, row.got
        );
    }
}

fn print_details(rows: &[Row]) {
    println!("reader per phase (requests, failures by kind) and the server's peak RSS:");
    for row in rows {
        let Some(during) = &row.during else { continue };
        let mut line = format!(
            "{:>3} during {:.1} s: {}, failures: {}",
            row.phase,
            during.seconds,
            requests(during.requests),
            during.failures_text()
        );
        if let Some(after) = &row.after {
            write!(
                line,
                "; after {:.1} s: {}, p50 {}, max {}, failures: {}",
                after.seconds,
                requests(after.requests),
                latency(after.p50),
                latency(after.max),
                after.failures_text()
            )
            .expect("a string");
        }
        if row.peak_memory > 0 {
            write!(
                line,
                "; server peak RSS {:.1} MB",
                row.peak_memory as f64 / 1e6
            )
            .expect("a string");
        }
        println!("{line}");
    }
}

fn requests(n: usize) -> String {
    format!("{} request{}", count(n), if n == 1 { "" } else { "s" })
}

/// "0.8 ms", "12 ms", "5.00 s"
fn latency(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1e3)
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// "15 MiB", "64 KiB", "81.3 MB", "640 B"
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} B")
    }
}

/// "20 000"
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

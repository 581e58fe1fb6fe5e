//! The access log of the real `sporbar serve`: one line per request, at
//! INFO with target `sporbar::access`, naming the method, the route's
//! template, the status, the time taken, the request id the answer carries
//! and the kind of client — never a token, the token's name, an id from the
//! path or a query string.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sporbar::access::Role;

use crate::server::{SPORBAR, Server};
use crate::support::TestDb;

const TARGET: &str = "sporbar::access";

/// Polls until `found` gives a value, for at most 10 s.
async fn within_10_s<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "no {what} within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The JSON access lines of a log.
fn access_lines(log: &str) -> Vec<Value> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| entry["target"] == TARGET)
        .collect()
}

struct Sent {
    request_id: String,
    method: &'static str,
    route: &'static str,
    status: u16,
    identity: &'static str,
}

#[tokio::test]
async fn every_request_is_logged_once_as_json_with_route_status_duration_request_id_and_kind_of_client()
 {
    let db = TestDb::new();
    drop(db.open()); // migrated, for the token
    let reader = sporbar::access::tokens::create(
        &db.raw(),
        "kari.nordmann",
        Role::Reader,
        &[],
        chrono::Utc::now(),
    )
    .unwrap()
    .secret;
    let unknown_token = "spb_this-token-was-never-made";
    let mut serve = Command::new(SPORBAR);
    serve.env("SPORBAR_PUBLIC_READ", "true");
    let server = Server::start_with(serve, &db.path).unwrap_or_else(|log| panic!("{log}"));
    let url = |path: &str| format!("http://{}{path}", server.address);
    let client = reqwest::Client::new();
    let query = json!({ "query": "{ strategies { nodes { title } } }" }).to_string();
    // No such strategy: the route is matched all the same.
    let strategy = uuid::Uuid::new_v4().to_string();
    let export = format!("/export/strategies/{strategy}/goals.csv");

    let requests = [
        (
            client
                .post(url("/graphql?asked_by=ola.nordmann@example.no"))
                .header("content-type", "application/json")
                .body(query.clone()),
            ("POST", "/graphql", 200, "anonymous"),
        ),
        (
            client
                .post(url("/graphql"))
                .bearer_auth(&reader)
                .header("content-type", "application/json")
                .body(query.clone()),
            ("POST", "/graphql", 200, "reader"),
        ),
        (
            client.get(url(&export)),
            ("GET", "/export/strategies/{id}/{table}", 404, "anonymous"),
        ),
        (
            client.get(url("/graphql")).bearer_auth(unknown_token),
            ("GET", "/graphql", 401, "unknown"),
        ),
        (
            client.get(url("/no/such/page?email=kari@example.no")),
            ("GET", "unmatched", 404, "unknown"),
        ),
        (
            // An id a proxy in front gave the request is kept.
            client
                .get(url("/health"))
                .header("x-request-id", "from-the-proxy"),
            ("GET", "/health", 200, "unknown"),
        ),
    ];
    let mut sent = Vec::new();
    for (request, (method, route, status, identity)) in requests {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{method} {route}");
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        sent.push(Sent {
            request_id,
            method,
            route,
            status,
            identity,
        });
    }
    assert_eq!(sent.last().unwrap().request_id, "from-the-proxy");
    for made in &sent[..sent.len() - 1] {
        uuid::Uuid::parse_str(&made.request_id).expect("a UUID when the client sent none");
    }

    // A request's line is written before its answer is sent: once the last
    // one is in the log, every line of the earlier ones is too.
    let last = &sent.last().unwrap().request_id;
    let log = within_10_s("access line of the last request", || {
        let log = server.log();
        access_lines(&log)
            .iter()
            .any(|line| line["span"]["request_id"] == last.as_str())
            .then_some(log)
    })
    .await;
    let lines = access_lines(&log);
    assert_eq!(lines.len(), sent.len(), "one line per request:\n{log}");
    for request in &sent {
        let mine: Vec<&Value> = lines
            .iter()
            .filter(|line| line["span"]["request_id"] == request.request_id.as_str())
            .collect();
        assert_eq!(mine.len(), 1, "{}: {mine:#?}", request.route);
        let line = mine[0];
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["span"]["method"], request.method);
        assert_eq!(line["span"]["route"], request.route);
        assert_eq!(line["fields"]["status"], request.status);
        assert_eq!(line["fields"]["identity"], request.identity, "{line}");
        let duration = line["fields"]["duration_ms"].as_f64().expect("a number");
        assert!((0.0..10_000.0).contains(&duration), "{line}");
    }
    for secret in [
        reader.as_str(),
        unknown_token,
        "kari.nordmann",
        "ola.nordmann@example.no",
        "kari@example.no",
        &strategy,
    ] {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
    }
}

/// `sporbar serve --log-format text` on a free port, its log kept line by
/// line; killed when dropped.
struct TextServer {
    child: Child,
    address: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl TextServer {
    fn start(db: &TestDb) -> TextServer {
        let mut child = Command::new(SPORBAR)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "text"])
            .arg("--db")
            .arg(&db.path)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sporbar serve starts");
        let lines = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = std::sync::mpsc::channel();
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.lines() {
                let Ok(line) = line else { break };
                if let Some((_, rest)) = line.split_once("listening on http://") {
                    let address = rest.split_whitespace().next().unwrap_or_default();
                    let _ = found.send(address.parse::<SocketAddr>().ok());
                }
                kept.lock().unwrap().push(line);
            }
            let _ = found.send(None);
        });
        let address = address
            .recv_timeout(Duration::from_secs(60))
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                panic!("no address in the log:\n{}", log.lock().unwrap().join("\n"))
            });
        TextServer {
            child,
            address,
            log,
        }
    }

    fn access_lines(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|line| line.contains(TARGET))
            .cloned()
            .collect()
    }
}

impl Drop for TextServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_text_log_has_one_access_line_per_request_too() {
    let db = TestDb::new();
    let server = TextServer::start(&db);
    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://{}/health", server.address))
        .header("x-request-id", "text-check")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "text-check");

    let lines = within_10_s("access line", || {
        let lines = server.access_lines();
        (!lines.is_empty()).then_some(lines)
    })
    .await;
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let line = &lines[0];
    for part in [
        " INFO ",
        "method=GET",
        "route=\"/health\"",
        "request_id=\"text-check\"",
        "status=200",
        "duration_ms=",
        "identity=\"unknown\"",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
}

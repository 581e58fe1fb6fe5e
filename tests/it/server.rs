//! The real `sporbar serve` process, started as an operator starts it, and
//! a small blocking HTTP client that speaks GraphQL to it. Shared with the
//! crash test (`tests/crash_server.rs`), which includes this file.

#![allow(dead_code)] // Two test crates include this file; each uses a part of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// The `sporbar` binary Cargo built for this test.
pub const SPORBAR: &str = env!("CARGO_BIN_EXE_sporbar");

/// A running `sporbar serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// `sporbar serve --db DB` on a free port.
    pub fn start(db: &Path) -> Server {
        Server::start_with(Command::new(SPORBAR), db).unwrap_or_else(|log| panic!("{log}"))
    }

    /// Starts `program` (the binary, or a shell that runs it) with the
    /// arguments of `sporbar serve --db DB` on a free port, and waits until
    /// it says where it listens. A server that exits instead gives its log.
    pub fn start_with(mut program: Command, db: &Path) -> Result<Server, String> {
        let mut child = program
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .arg("--db")
            .arg(db)
            .env("RUST_LOG", "info")
            // Tests that are not about the rate limit send faster than it allows.
            .env("SPORBAR_RATE_LIMIT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sporbar serve starts");
        // The log is read to its end by a thread of its own, so that the
        // server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = std::sync::mpsc::channel();
        let lines = BufReader::new(child.stderr.take().unwrap());
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.lines() {
                let Ok(line) = line else { break };
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && let Some(address) = entry["fields"]["address"].as_str()
                {
                    let _ = found.send(address.parse::<SocketAddr>().ok());
                }
                kept.lock().unwrap().push(line);
            }
            // The log ended: the server exited.
            let _ = found.send(None);
        });
        let address = address.recv_timeout(Duration::from_secs(60));
        let log_text = || log.lock().unwrap().join("\n");
        match address {
            Ok(Some(address)) => Ok(Server {
                child,
                address,
                log,
            }),
            Ok(None) => {
                let status = child.wait().unwrap();
                Err(format!("sporbar serve exited ({status}):\n{}", log_text()))
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "sporbar serve did not listen within 60 s; its log:\n{}",
                    log_text()
                ))
            }
        }
    }

    /// SIGKILL, and wait until the process is gone.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits up to `within` for the process to exit: its exit
    /// status and how long it took, or `None` if it was still running (it
    /// is killed when dropped).
    pub fn terminate(&mut self, within: Duration) -> Option<(std::process::ExitStatus, Duration)> {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let started = std::time::Instant::now();
        while started.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some((status, started.elapsed()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// The log lines written so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; the status and the body.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // A server may answer (413) and close before the body is all sent:
    // the answer is what counts, so a failed write is not an error yet.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    if let Err(error) = stream.read_to_end(&mut answer)
        && answer.is_empty()
    {
        return Err(error);
    }
    let broken = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| broken("no end of the response head"))?;
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| broken("no status"))?;
    let mut body = answer[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body).ok_or_else(|| broken("bad chunked body"))?;
    }
    Ok((status, body))
}

fn unchunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// POSTs a GraphQL request as a JSON client; the status and the JSON body.
pub fn graphql(
    address: SocketAddr,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> std::io::Result<(u16, Value)> {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(bearer) = &bearer {
        headers.push(("Authorization", bearer.as_str()));
    }
    let (status, body) = request(
        address,
        "POST",
        "/graphql",
        &headers,
        body.as_bytes(),
        Duration::from_secs(60),
    )?;
    let value = serde_json::from_slice(&body).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{e}: {}", String::from_utf8_lossy(&body)),
        )
    })?;
    Ok((status, value))
}

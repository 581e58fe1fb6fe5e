//! Store benchmarks, each beside its baselines in the same run so that the
//! ratios hold on a noisy machine:
//!
//! - append: durable (`synchronous=FULL`) commands through domain + store
//!   with 1, 8 and 64 concurrent submitters, each assessing goals of its own;
//!   beside it the limit, raw rusqlite inserts of the same row shape into the
//!   same table with the same durability, committed in groups of the same
//!   size; and the peer, cqrs-es with sqlite-es appending the same events with
//!   the same concurrency and durability (benches/peer, its own crate: its
//!   sqlx links another libsqlite3-sys than our rusqlite);
//! - rebuild: all read models from the log of the generated data set
//!   (benches/support), against a raw scan of the log.
//!
//! `cargo bench --bench store` runs the full size (the peer is built on the
//! first run, into the target directory); without `--bench` (as `cargo test`
//! runs it) it does a smoke run at the smallest size, without the peer.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::params;
use sporbar::domain::*;
use sporbar::store::{SqliteStore, StoreOptions, Submission};

fn main() {
    let full = support::full_run();
    // With one writer every command waits for its own fsync: fewer
    // commands keep that row to seconds.
    let commands_for = |writers: usize| {
        if full {
            (2_000 * writers).min(20_000)
        } else {
            200
        }
    };
    let rebuild_events = if full { 1_000_000 } else { 4_000 };
    println!(
        "store benchmarks ({}), {} to {} commands per append run",
        if full { "full" } else { "smoke" },
        commands_for(1),
        commands_for(64)
    );
    println!();
    if support::selected("append") {
        append(full, commands_for);
    }
    if support::selected("rebuild") {
        let dir = tempfile::tempdir().unwrap();
        let loaded = support::database(rebuild_events, dir.path());
        let (rebuild, scan, events) = rebuild_against_scan(&loaded.path);
        println!(
            "rebuild of {events} generated events: {rebuild:.0} events/s; raw scan {scan:.0} events/s; ratio {:.3}",
            rebuild / scan
        );
    }
    // Smoke run: the harness ran end to end.
    if !full {
        println!("\n1 passed, 0 failed");
    }
}

/// Append with 1, 8 and 64 writers, beside raw inserts and the peer.
fn append(full: bool, commands_for: impl Fn(usize) -> usize) {
    let peer = if full { build_peer() } else { None };
    println!("append, synchronous=FULL");
    println!(
        "{:>8} {:>11} {:>8} {:>8} {:>11} {:>9} {:>11} {:>8} {:>8} {:>11} {:>8} {:>8}",
        "writers",
        "commands/s",
        "p50 µs",
        "p99 µs",
        "raw rows/s",
        "/raw",
        "peer ev/s",
        "p50 µs",
        "p99 µs",
        "peer+view/s",
        "/peer",
        "/p+view"
    );
    for writers in [1, 8, 64] {
        let commands_per_run = commands_for(writers);
        let ours = append_through_store(writers, commands_per_run);
        let raw = raw_group_inserts(writers, commands_per_run);
        let (peer_events, peer_view) = match &peer {
            Some(binary) => (
                run_peer(binary, "events", writers, commands_per_run),
                run_peer(binary, "view", writers, commands_per_run),
            ),
            None => (None, None),
        };
        let rate = |r: &Option<AppendResult>| r.as_ref().map(|r| r.rate).unwrap_or(f64::NAN);
        let micros = |r: &Option<AppendResult>, f: fn(&AppendResult) -> Duration| match r.as_ref() {
            Some(r) => f(r).as_micros().to_string(),
            None => "-".into(),
        };
        println!(
            "{writers:>8} {:>11.0} {:>8} {:>8} {:>11.0} {:>9.2} {:>11.0} {:>8} {:>8} {:>11.0} {:>8.2} {:>8.2}",
            ours.rate,
            ours.p50.as_micros(),
            ours.p99.as_micros(),
            raw,
            ours.rate / raw,
            rate(&peer_events),
            micros(&peer_events, |r| r.p50),
            micros(&peer_events, |r| r.p99),
            rate(&peer_view),
            ours.rate / rate(&peer_events),
            ours.rate / rate(&peer_view),
        );
    }
    if peer.is_none() {
        println!("(peer: only in the full run, `cargo bench --bench store`)");
    }
    println!();
}

struct AppendResult {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

fn text(t: &str) -> Text {
    Text::prose("text", t).unwrap()
}

/// An organization with one strategy of nine focus areas and eight goals
/// each: 72 goals, so that each of 64 writers has one of its own.
fn seed(store: &SqliteStore) -> Vec<GoalId> {
    let organization = OrganizationId::new_random();
    let strategy = StrategyId::new_random();
    let run = |body| {
        store
            .execute(Submission::new(
                Command {
                    effective: date("2015-01-01"),
                    body,
                },
                "bench",
            ))
            .unwrap();
    };
    run(CommandBody::RegisterOrganization {
        id: organization,
        name: text("Kongsbergregionen"),
    });
    run(CommandBody::DraftStrategy {
        id: strategy,
        organization,
        title: text("Regional digitaliseringsstrategi"),
        period: Period::new(Year::new(2015).unwrap(), Year::new(2018).unwrap()).unwrap(),
        vision: None,
        predecessor: None,
    });
    let mut goals = Vec::new();
    for area_number in 1..=9 {
        let area = FocusAreaId::new_random();
        run(CommandBody::DefineFocusArea {
            id: area,
            strategy,
            number: AreaNumber::new(area_number).unwrap(),
            title: text(&format!("Satsingsområde {area_number}")),
            description: None,
        });
        for goal_number in 1..=8 {
            let goal = GoalId::new_random();
            run(CommandBody::DefineGoal {
                id: goal,
                focus_area: area,
                number: GoalNumber::parse(&goal_number.to_string()).unwrap(),
                wording: text(
                    "Kommunene har nettbaserte tjenester som tilfredsstiller krav til universell utforming",
                ),
                carried_over_from: None,
            });
            goals.push(goal);
        }
    }
    goals
}

fn assessment(goal: GoalId, i: usize) -> Submission {
    let body = CommandBody::AssessGoal {
        id: goal,
        status: GoalStatus::ALL[i % 6],
        justification: text("Kommunene anses å være i ferd med delvis å nå målsetningen"),
    };
    Submission::new(
        Command {
            effective: date("2016-12-31"),
            body,
        },
        "bench:writer",
    )
}

fn append_through_store(writers: usize, commands: usize) -> AppendResult {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Arc::new(SqliteStore::open(dir.path().join("bench.db"), StoreOptions::default()).unwrap());
    let goals = Arc::new(seed(&store));
    let per_writer = commands / writers;
    let barrier = Arc::new(Barrier::new(writers + 1));
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let (store, goals, barrier) = (store.clone(), goals.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut latencies = Vec::with_capacity(per_writer);
                for i in 0..per_writer {
                    let submission = assessment(goals[w % goals.len()], i);
                    let started = Instant::now();
                    store.execute(submission).unwrap();
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    AppendResult {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
    }
}

/// The limit: the same rows into the same `events` table, `group` rows per
/// durable commit, no domain, no projection, no hashing. "The same rows":
/// payload and hashes of the same sizes, and ids of the same kinds as the
/// store writes: time-ordered event and command ids (UUIDv7), and as many
/// streams (goals, random ids) as there are writers, each one's version
/// counting up.
fn raw_group_inserts(group: usize, rows: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.db");
    // The store's migrations create the very same table, indexes and triggers.
    drop(SqliteStore::open(&path, StoreOptions::default()).unwrap());
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    let payload = r#"{"id":"7d0c6f5e-3b7a-4b8e-9a51-0c1f5bd0c2a4","status":"PARTIALLY_ACHIEVED","justification":"Kommunene anses å være i ferd med delvis å nå målsetningen"}"#;
    let streams: Vec<String> = (0..group)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let mut versions = vec![0u64; group];
    let started = Instant::now();
    let mut position = 0u64;
    while (position as usize) < rows {
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, \
                     schema_version, payload, recorded_at, effective_at, actor, reason, command_id, \
                     correlation_id, causation_id, prev_hash, hash) \
                     VALUES (?1, ?2, ?3, ?4, 'GoalAssessed', 1, ?5, '2026-11-26T10:00:00.000000Z', '2016-12-31', \
                     'bench:writer', NULL, ?6, ?6, NULL, ?7, ?7)",
                )
                .unwrap();
            for _ in 0..group.min(rows - position as usize) {
                let stream = position as usize % streams.len();
                position += 1;
                versions[stream] += 1;
                insert
                    .execute(params![
                        position,
                        uuid::Uuid::now_v7().to_string(),
                        streams[stream],
                        versions[stream],
                        payload,
                        uuid::Uuid::now_v7().to_string(),
                        [7u8; 32].as_slice()
                    ])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

fn rebuild_against_scan(path: &Path) -> (f64, f64, u64) {
    let store = SqliteStore::open(
        path,
        StoreOptions {
            durability: sporbar::store::Durability::Normal,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    // Warm the page cache alike for both: one scan first.
    let scan = || {
        let reader = store.reader().unwrap();
        let started = Instant::now();
        let mut stmt = reader
            .prepare(
                "SELECT position, event_type, schema_version, payload, effective_at \
                 FROM events ORDER BY position",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut scanned = 0u64;
        let mut bytes = 0usize;
        while let Some(row) = rows.next().unwrap() {
            let payload: String = row.get(3).unwrap();
            bytes += payload.len();
            scanned += 1;
        }
        assert!(bytes > 0);
        (scanned, scanned as f64 / started.elapsed().as_secs_f64())
    };
    scan();
    let started = Instant::now();
    let events = store.rebuild().unwrap();
    let rebuild = events as f64 / started.elapsed().as_secs_f64();
    let (scanned, scan) = scan();
    assert_eq!(scanned, events);
    (rebuild, scan, events)
}

/// Builds the peer (benches/peer) with its own lockfile into its own target
/// directory; `None` with a note when that fails (no network on a first run).
fn build_peer() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer/Cargo.toml");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peer-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("building the peer (cqrs-es + sqlite-es) ...");
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR")
        .status();
    match status {
        Ok(s) if s.success() => Some(target.join("release/sporbar-peer-bench")),
        other => {
            eprintln!("the peer did not build ({other:?}); its columns stay empty");
            None
        }
    }
}

/// One run of the peer in a fresh database, parsed from its one line.
fn run_peer(binary: &Path, mode: &str, writers: usize, commands: usize) -> Option<AppendResult> {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(binary)
        .arg("--db")
        .arg(dir.path().join("peer.db"))
        .args(["--writers", &writers.to_string()])
        .args(["--commands", &commands.to_string()])
        .args(["--mode", mode])
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!(
            "the peer failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| -> Option<f64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
    };
    Some(AppendResult {
        rate: field("rate")?,
        p50: Duration::from_micros(field("p50_us")? as u64),
        p99: Duration::from_micros(field("p99_us")? as u64),
    })
}

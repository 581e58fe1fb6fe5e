//! Time travel: the full strategy tree now, valid at a random date, and as
//! of a random instant, at 10 000, 100 000 and 1 000 000 events, with each
//! question's latency as a ratio to the now-question's. History must not
//! make the past dearer: the ratio should stay flat as the log grows.
//!
//! The tree is read the way the API reads it on a cache miss:
//! `read::strategy` on a pooled read-only connection, at the request's log
//! head (as the API's `RequestClock::now`), with `projection::position_at`
//! turning an as-of instant into a position (timed with the question). The
//! view cache is bypassed: every sample builds the view from SQLite. Each
//! iteration picks one random strategy and asks all three questions of it,
//! in turn, so drift and strategy size hit the three alike.
//!
//! `cargo bench --bench timetravel` runs the full sizes (the databases are
//! generated once and kept under the target directory); under `cargo test`
//! it does a smoke run on one organization.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use sporbar::read::{self, Moment};
use sporbar::store::{SqliteStore, StoreOptions};
use support::*;

fn main() {
    let full = full_run();
    let (sizes, samples): (&[u64], usize) = if full {
        (&[10_000, 100_000, 1_000_000], 1_000)
    } else {
        (&[EVENTS_PER_ORGANIZATION], 20)
    };
    println!(
        "time travel ({}): full strategy tree, {samples} samples per question, view cache bypassed",
        if full { "full" } else { "smoke" }
    );
    println!(
        "{:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>11} {:>11}",
        "events", "question", "p50 µs", "p99 µs", "mean µs", "goals", "p50 ratio", "p99 ratio"
    );
    let dir = tempfile::tempdir().unwrap();
    for &size in sizes {
        let loaded = database(size, dir.path());
        if loaded.load_seconds > 0.0 {
            eprintln!(
                "loaded {} events ({} organizations) in {:.1} s: {:.0} events/s",
                loaded.events,
                loaded.organizations,
                loaded.load_seconds,
                loaded.events as f64 / loaded.load_seconds
            );
        }
        let rows = measure(&loaded, samples);
        let now = &rows[0];
        for row in &rows {
            println!(
                "{:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>11.2} {:>11.2}",
                loaded.events,
                row.name,
                micros(row.p50),
                micros(row.p99),
                micros(row.mean),
                row.goals / samples,
                row.p50.as_secs_f64() / now.p50.as_secs_f64(),
                row.p99.as_secs_f64() / now.p99.as_secs_f64(),
            );
        }
    }
    if !full {
        println!("\n1 passed, 0 failed");
    }
}

struct Row {
    name: &'static str,
    p50: Duration,
    p99: Duration,
    mean: Duration,
    /// Goals seen over all samples, to show the trees were not empty.
    goals: usize,
}

fn measure(loaded: &Loaded, samples: usize) -> Vec<Row> {
    let store = SqliteStore::open(&loaded.path, StoreOptions::default()).unwrap();
    let conn = store.reader().unwrap();
    let head = read::head(&conn).unwrap().expect("events").0;
    let recorded = |position: u64| -> DateTime<Utc> {
        let text: String = conn
            .query_row(
                "SELECT recorded_at FROM events WHERE position = ?1",
                [position],
                |r| r.get(0),
            )
            .unwrap();
        sporbar::store::parse_recorded_at(&text).unwrap()
    };
    let (first, last) = (recorded(1), recorded(head));
    let today = sporbar::api::today();
    let first_day = Utc
        .with_ymd_and_hms(FIRST_YEAR - 1, 10, 1, 0, 0, 0)
        .unwrap();
    let last_day = Utc.with_ymd_and_hms(LAST_YEAR, 12, 31, 0, 0, 0).unwrap();

    let mut rng = Rng::new(0x7137);
    let mut times: [Vec<Duration>; 3] = Default::default();
    let mut goals = [0usize; 3];
    let tree = |moment: Moment, strategy| {
        read::strategy(&conn, strategy, moment)
            .unwrap()
            .map(|v| v.areas.iter().map(|a| a.goals.len()).sum::<usize>())
            .unwrap_or(0)
    };
    // A few rounds first so every statement is prepared and pages are warm.
    let warmup = samples / 10 + 1;
    for i in 0..samples + warmup {
        let strategy = rng.pick(&loaded.strategies).0;
        let valid_at = (first_day
            + chrono::Duration::seconds(
                rng.below((last_day - first_day).num_seconds() as u64) as i64
            ))
        .date_naive();
        let instant = first
            + chrono::Duration::microseconds(
                rng.below((last - first).num_microseconds().unwrap() as u64) as i64,
            );

        let started = Instant::now();
        let g_now = tree(
            Moment {
                as_of: head,
                valid_at: today,
            },
            strategy,
        );
        let t_now = started.elapsed();

        let started = Instant::now();
        let g_valid = tree(
            Moment {
                as_of: head,
                valid_at,
            },
            strategy,
        );
        let t_valid = started.elapsed();

        let started = Instant::now();
        let as_of = sporbar::projection::position_at(&conn, instant).unwrap();
        let g_as_of = tree(
            Moment {
                as_of,
                valid_at: today,
            },
            strategy,
        );
        let t_as_of = started.elapsed();

        if i >= warmup {
            for (k, (t, g)) in [(t_now, g_now), (t_valid, g_valid), (t_as_of, g_as_of)]
                .into_iter()
                .enumerate()
            {
                times[k].push(t);
                goals[k] += g;
            }
        }
    }
    ["now", "valid-at", "as-of"]
        .into_iter()
        .zip(times.iter_mut())
        .zip(goals)
        .map(|((name, samples), goals)| {
            let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
            let p = percentiles(samples);
            Row {
                name,
                p50: p.p50,
                p99: p.p99,
                mean,
                goals,
            }
        })
        .collect()
}

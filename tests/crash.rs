//! Crash safety: a child process appends commands from several threads and
//! is killed with SIGKILL at random moments, many times. After every kill,
//! every command the child saw acknowledged is in the log, no command is
//! half-present, the hash chain verifies, and the read models equal a
//! rebuild from the log.
//!
//! The binary is its own child: `crash child DB ACKED GOAL ACTION` runs the
//! writer loop. Without arguments it runs the test.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sporbar::domain::*;
use sporbar::store::{SqliteStore, StoreOptions, Submission};
use uuid::Uuid;

const KILLS: usize = 30;
const WRITER_THREADS: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(&args[2], &args[3], &args[4], &args[5]);
        return;
    }
    // libtest-style lines, so a runner reading the output counts this test.
    let name = "crash::acknowledged_commands_survive_sigkill_and_none_is_half_present";
    println!("\nrunning 1 test");
    match std::panic::catch_unwind(parent) {
        Ok(()) => {
            println!(
                "test {name} ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n"
            );
        }
        Err(_) => {
            println!(
                "test {name} ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n"
            );
            std::process::exit(101);
        }
    }
}

fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

fn text(t: &str) -> Text {
    Text::prose("text", t).unwrap()
}

/// Appends forever from several threads; after each acknowledged command
/// its id goes to the `acked` file (flushed to the OS, which outlives a SIGKILL).
fn child(db: &str, acked: &str, goal: &str, action: &str) {
    let store =
        Arc::new(SqliteStore::open(db, StoreOptions::default()).expect("child opens the store"));
    let goal = GoalId(Uuid::parse_str(goal).unwrap());
    let action = ActionId(Uuid::parse_str(action).unwrap());
    let acked = Arc::new(Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(acked)
            .unwrap(),
    ));
    let threads: Vec<_> = (0..WRITER_THREADS)
        .map(|t| {
            let (store, acked) = (store.clone(), acked.clone());
            std::thread::spawn(move || {
                for i in 0u64.. {
                    let body = if (i + t as u64).is_multiple_of(3) {
                        CommandBody::SetBudgetLine {
                            id: action,
                            year: Year::new(2016 + (i % 3) as i64).unwrap(),
                            category: BudgetCategory::ALL[(i % 7) as usize],
                            planned: Nok::from_kroner("planned", (i * 1000) as i64).unwrap(),
                            actual: None,
                        }
                    } else {
                        CommandBody::AssessGoal {
                            id: goal,
                            status: GoalStatus::ALL[(i % 6) as usize],
                            justification: text(&format!("tråd {t}, vurdering {i}")),
                        }
                    };
                    let submission = Submission::new(
                        Command {
                            effective: date("2017-12-31"),
                            body,
                        },
                        "crash:child",
                    );
                    let id = submission.command_id;
                    store
                        .execute(submission)
                        .expect("child command is accepted");
                    let mut file = acked.lock().unwrap();
                    writeln!(file, "{id}").unwrap();
                    file.flush().unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

/// A small deterministic generator, seeded from the clock and printed, so a
/// failing run can be repeated with `SPORBAR_CRASH_SEED`.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn parent() {
    let seed = std::env::var("SPORBAR_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            now.as_nanos() as u64 ^ u64::from(std::process::id())
        });
    println!("crash test seed: {seed} (set SPORBAR_CRASH_SEED to repeat)");
    let mut random = XorShift(seed.max(1));

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let acked = dir.path().join("acked.txt");
    let (goal, action) = setup(&db);

    let mut total_acked = 0;
    for kill in 0..KILLS {
        let mut child = Process::new(std::env::current_exe().unwrap())
            .args([
                "child",
                db.to_str().unwrap(),
                acked.to_str().unwrap(),
                &goal.to_string(),
                &action.to_string(),
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("child starts");
        // Wait until the child has acknowledged something, then a random while longer.
        let started = Instant::now();
        let acked_before = count_lines(&acked);
        while count_lines(&acked) == acked_before {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "child acknowledged nothing in 30 s"
            );
            assert!(child.try_wait().unwrap().is_none(), "child exited early");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(random.next() % 150));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();

        total_acked = check_after_kill(&db, &acked, kill % 10 == 9 || kill == KILLS - 1);
    }
    println!("crash test: {KILLS} kills, {total_acked} acknowledged commands, all present");
}

fn setup(db: &Path) -> (GoalId, ActionId) {
    let store = SqliteStore::open(db, StoreOptions::default()).unwrap();
    let organization = OrganizationId::new_random();
    let strategy = StrategyId::new_random();
    let area = FocusAreaId::new_random();
    let goal = GoalId::new_random();
    let action = ActionId::new_random();
    let title = |t: &str| Text::title("title", t).unwrap();
    let period = |a, b| Period::new(Year::new(a).unwrap(), Year::new(b).unwrap()).unwrap();
    for body in [
        CommandBody::RegisterOrganization {
            id: organization,
            name: title("IKT Orkidé"),
        },
        CommandBody::DraftStrategy {
            id: strategy,
            organization,
            title: title("Plan for digital transformasjon 2015–2018"),
            period: period(2015, 2018),
            vision: None,
            predecessor: None,
        },
        CommandBody::DefineFocusArea {
            id: area,
            strategy,
            number: AreaNumber::new(1).unwrap(),
            title: title("Helse"),
            description: None,
        },
        CommandBody::DefineGoal {
            id: goal,
            focus_area: area,
            number: GoalNumber::parse("1.1").unwrap(),
            wording: text("Velferdsteknologi er tatt i bruk"),
            carried_over_from: None,
        },
        CommandBody::PlanAction {
            id: action,
            strategy,
            kind: ActionKind::Programme,
            title: title("Velferdsteknologi"),
            description: None,
            owner: None,
            focus_area: None,
            members_involved: vec![],
            period: period(2016, 2018),
            goals: vec![goal],
            decommissioning: false,
        },
    ] {
        store
            .execute(Submission::new(
                Command {
                    effective: date("2015-06-01"),
                    body,
                },
                "crash:setup",
            ))
            .unwrap();
    }
    (goal, action)
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

fn check_after_kill(db: &Path, acked: &Path, compare_rebuild: bool) -> usize {
    let store =
        SqliteStore::open(db, StoreOptions::default()).expect("store reopens after SIGKILL");
    let report = store.verify().unwrap();
    assert!(
        report.problem.is_none(),
        "chain broken after a kill: {:?}",
        report.problem
    );

    let reader = store.reader().unwrap();
    let present: HashSet<String> = reader
        .prepare("SELECT command_id FROM events")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // A torn last line is a write the kill interrupted before the ack was noted.
    let acked_ids: Vec<String> = std::fs::read_to_string(acked)
        .unwrap()
        .lines()
        .filter(|l| l.len() == 36)
        .map(str::to_owned)
        .collect();
    for id in &acked_ids {
        assert!(
            present.contains(id),
            "acknowledged command {id} is missing after a kill"
        );
    }
    // Half-present: an event without its read-model rows, or a stream whose
    // version disagrees with its events.
    let orphans: u64 = reader
        .query_row(
            "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM facts f WHERE f.position = e.position)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "events without read-model rows");
    let version_mismatch: u64 = reader
        .query_row(
            "SELECT count(*) FROM streams s WHERE s.version != \
             (SELECT count(*) FROM events e WHERE e.stream_id = s.stream_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version_mismatch, 0, "stream versions disagree with the log");
    drop(reader);

    if compare_rebuild {
        let before = dump(&store);
        store.rebuild().unwrap();
        assert_eq!(dump(&store), before, "read models differ from a rebuild");
    }
    acked_ids.len()
}

fn dump(store: &SqliteStore) -> Vec<String> {
    let reader = store.reader().unwrap();
    let mut stmt = reader
        .prepare(
            "SELECT entity_id || field || effective_at || position || value FROM facts \
             ORDER BY entity_id, field, effective_at, position",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

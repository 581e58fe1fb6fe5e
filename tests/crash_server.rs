//! Crash safety through the real server: concurrent clients send GraphQL
//! mutations to `sporbar serve` while the process is killed with SIGKILL
//! and started again, many times. Afterwards every mutation that was
//! answered with success is in the log at the position its answer named,
//! no command is half-present (each has all of its events or none), a
//! retried command was appended once, the chain verifies, and the read
//! models equal a rebuild from the log.
//!
//! A client whose request failed in transit does what a careful client
//! does: it sends the same mutation with the same `commandId` again once
//! the server is back, until it gets an answer. So at the end every
//! command sent has an answer, and the log must hold each exactly once.
//!
//! `SPORBAR_CRASH_KILLS` sets the number of kills (default 5; the full run
//! is `scripts/crash-test`), `SPORBAR_CRASH_SEED` repeats a run.

#[path = "it/integrity.rs"]
mod integrity;
#[path = "it/server.rs"]
mod server;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::{Value, json};
use sporbar::domain::*;
use sporbar::store::{SqliteStore, StoreOptions, Submission};
use uuid::Uuid;

use server::{SPORBAR, Server};

const CLIENTS: usize = 8;
const DEFAULT_KILLS: usize = 5;
/// Effective date of every mutation: inside every period below.
const EFFECTIVE: &str = "2020-06-01";

fn main() {
    // libtest-style lines, so a runner reading the output counts this test.
    let name = "crash_server::acknowledged_mutations_survive_sigkill_of_the_server_and_none_is_half_present";
    println!("\nrunning 1 test");
    match std::panic::catch_unwind(run) {
        Ok(()) => println!(
            "test {name} ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n"
        ),
        Err(_) => {
            println!(
                "test {name} ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n"
            );
            std::process::exit(101);
        }
    }
}

/// A small deterministic generator, seeded and printed, so a failing run
/// can be repeated with `SPORBAR_CRASH_SEED`.
#[derive(Clone)]
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What one client works on: its own strategy, so that the strategy views
/// a mutation answers with stay small.
#[derive(Clone, Copy)]
struct Ground {
    area: Uuid,
    goal: Uuid,
    action: Uuid,
    indicator: Uuid,
}

/// One mutation as sent, and what it must leave in the log.
#[derive(Clone, Debug)]
struct Sent {
    command_id: Uuid,
    query: &'static str,
    variables: Value,
    /// Events the command appends.
    events: usize,
    /// A goal this command defines, to be split later.
    defines: Option<Uuid>,
}

/// What the log must show for a command once its answer came.
#[derive(Clone, Debug)]
struct Answered {
    events: usize,
    /// The log position the answer named (the command's last event).
    position: u64,
    duplicate: bool,
    attempts: usize,
}

/// Where the server listens now (none while it is down), and how many
/// times it was started, so that a client that lost its connection waits
/// for the next server instead of hammering a closed port.
struct Address {
    now: Mutex<(u64, Option<SocketAddr>)>,
    changed: Condvar,
}

impl Address {
    fn set(&self, address: Option<SocketAddr>) {
        let mut now = self.now.lock().unwrap();
        now.0 += 1;
        now.1 = address;
        self.changed.notify_all();
    }

    fn get(&self) -> (u64, Option<SocketAddr>) {
        *self.now.lock().unwrap()
    }

    /// Waits (at most a while) for a server other than `generation`.
    fn wait_past(&self, generation: u64) {
        let now = self.now.lock().unwrap();
        let _ = self
            .changed
            .wait_timeout_while(now, Duration::from_millis(500), |n| {
                n.0 == generation || n.1.is_none()
            })
            .unwrap();
    }
}

/// What the clients share with the test.
struct Shared {
    address: Address,
    token: Option<String>,
    /// Set when no new commands should be started.
    stop: AtomicBool,
    answered: Mutex<HashMap<Uuid, Answered>>,
    /// Commands sent whose answer has not come yet (lost in a kill).
    in_doubt: Mutex<HashMap<Uuid, usize>>,
    acknowledged: AtomicUsize,
    problems: Mutex<Vec<String>>,
}

const ASSESS: &str = "mutation($input: AssessGoalInput!) { assessGoal(input: $input) { receipt { position duplicate } } }";
const BUDGET: &str = "mutation($input: SetBudgetLineInput!) { setBudgetLine(input: $input) { receipt { position duplicate } } }";
const MEASURE: &str = "mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { receipt { position duplicate } } }";
const DEFINE: &str = "mutation($input: DefineGoalInput!) { defineGoal(input: $input) { receipt { position duplicate } } }";
const SPLIT: &str = "mutation($input: SplitGoalInput!) { splitGoal(input: $input) { receipt { position duplicate } } }";

const STATUSES: [&str; 6] = [
    "NOT_STARTED",
    "IN_PROGRESS",
    "PARTIALLY_ACHIEVED",
    "ACHIEVED",
    "NOT_ACHIEVED",
    "DROPPED",
];
const CATEGORIES: [&str; 7] = [
    "PROJECT_MANAGEMENT",
    "PURCHASED_SERVICES",
    "INVESTMENT",
    "OPERATIONS",
    "INTERNAL_RESOURCES",
    "TRAINING",
    "OTHER",
];

/// Makes the client's next mutation. Every id is given explicitly, so that
/// a retry is the very same command.
struct Maker {
    client: usize,
    ground: Ground,
    random: XorShift,
    count: u64,
    /// Goal numbers used so far in the client's area.
    numbers: u64,
    /// Goals defined (answered) and not split yet.
    splittable: Vec<Uuid>,
}

impl Maker {
    fn number(&mut self) -> String {
        self.numbers += 1;
        format!("{}.{}", self.numbers / 999 + 1, self.numbers % 999 + 1)
    }

    fn next(&mut self) -> Sent {
        self.count += 1;
        let (client, n) = (self.client, self.count);
        let command_id = Uuid::new_v4();
        let common = |mut input: Value| {
            input["commandId"] = json!(command_id);
            input["effectiveAt"] = json!(EFFECTIVE);
            json!({ "input": input })
        };
        let choice = self.random.below(100);
        let (query, variables, events, defines) = if choice < 15 && !self.splittable.is_empty() {
            let at = self.random.below(self.splittable.len() as u64) as usize;
            let goal = self.splittable.swap_remove(at);
            let parts = 2 + self.random.below(4) as usize;
            let into: Vec<Value> = (0..parts)
                .map(|p| {
                    json!({
                        "id": Uuid::new_v4(),
                        "number": self.number(),
                        "wording": format!("Del {p} av et delt mål (klient {client}, nr. {n})"),
                    })
                })
                .collect();
            let input = json!({ "id": goal, "into": into });
            (SPLIT, common(input), parts + 1, None)
        } else if choice < 30 {
            let goal = Uuid::new_v4();
            let input = json!({
                "id": goal,
                "focusAreaId": self.ground.area,
                "number": self.number(),
                "wording": format!("Nytt mål (klient {client}, nr. {n})"),
            });
            (DEFINE, common(input), 1, Some(goal))
        } else if choice < 55 {
            let input = json!({
                "id": self.ground.goal,
                "status": STATUSES[self.random.below(6) as usize],
                "justification": format!("Vurdering fra klient {client}, nr. {n}"),
            });
            (ASSESS, common(input), 1, None)
        } else if choice < 80 {
            let input = json!({
                "id": self.ground.action,
                "year": 2019 + self.random.below(8),
                "category": CATEGORIES[self.random.below(7) as usize],
                "planned": self.random.below(10_000_000),
            });
            (BUDGET, common(input), 1, None)
        } else {
            let input = json!({
                "id": self.ground.indicator,
                "value": self.random.below(1_000) as f64 / 10.0,
                "comment": format!("Måling fra klient {client}, nr. {n}"),
            });
            (MEASURE, common(input), 1, None)
        };
        Sent {
            command_id,
            query,
            variables,
            events,
            defines,
        }
    }
}

fn client(shared: Arc<Shared>, mut maker: Maker) {
    let mut pending: Option<(Sent, usize)> = None;
    loop {
        let (sent, attempts) = match pending.take() {
            Some(retry) => retry,
            None if shared.stop.load(Ordering::SeqCst) => return,
            None => {
                let sent = maker.next();
                shared
                    .in_doubt
                    .lock()
                    .unwrap()
                    .insert(sent.command_id, sent.events);
                (sent, 0)
            }
        };
        let (generation, address) = shared.address.get();
        let Some(address) = address else {
            shared.address.wait_past(generation);
            pending = Some((sent, attempts));
            continue;
        };
        let answer = server::graphql(
            address,
            shared.token.as_deref(),
            sent.query,
            sent.variables.clone(),
        );
        let attempts = attempts + 1;
        let body = match answer {
            Ok((200, body)) => body,
            Ok((status, body)) => {
                shared
                    .problems
                    .lock()
                    .unwrap()
                    .push(format!("{} answered {status}: {body}", sent.command_id));
                return;
            }
            Err(_) => {
                // Lost in transit (the server was killed, or is starting):
                // the same command again, once a server is there.
                shared.address.wait_past(generation);
                pending = Some((sent, attempts));
                continue;
            }
        };
        let receipt = body["data"]
            .as_object()
            .and_then(|data| data.values().next())
            .map(|payload| payload["receipt"].clone());
        let Some(receipt) = receipt.filter(|_| body.get("errors").is_none()) else {
            shared.problems.lock().unwrap().push(format!(
                "{} was refused: {body} (sent {})",
                sent.command_id, sent.variables
            ));
            return;
        };
        shared.in_doubt.lock().unwrap().remove(&sent.command_id);
        shared.answered.lock().unwrap().insert(
            sent.command_id,
            Answered {
                events: sent.events,
                position: receipt["position"].as_u64().unwrap(),
                duplicate: receipt["duplicate"].as_bool().unwrap(),
                attempts,
            },
        );
        shared.acknowledged.fetch_add(1, Ordering::SeqCst);
        if let Some(goal) = sent.defines {
            maker.splittable.push(goal);
        }
    }
}

fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

/// An organization, and per client a strategy with a focus area, a goal
/// with an indicator, and an action, written through the store directly.
fn setup(db: &Path) -> (OrganizationId, Vec<Ground>) {
    let store = SqliteStore::open(db, StoreOptions::default()).unwrap();
    let title = |t: &str| Text::title("title", t).unwrap();
    let period = |a, b| Period::new(Year::new(a).unwrap(), Year::new(b).unwrap()).unwrap();
    let organization = OrganizationId::new_random();
    let mut commands = vec![CommandBody::RegisterOrganization {
        id: organization,
        name: title("IKT Orkidé"),
    }];
    let mut grounds = Vec::new();
    for client in 0..CLIENTS {
        let strategy = StrategyId::new_random();
        let area = FocusAreaId::new_random();
        let goal = GoalId::new_random();
        let action = ActionId::new_random();
        let indicator = IndicatorId::new_random();
        commands.extend([
            CommandBody::DraftStrategy {
                id: strategy,
                organization,
                title: title(&format!("Plan for digital transformasjon, del {client}")),
                period: period(2019, 2026),
                vision: None,
                predecessor: None,
            },
            CommandBody::DefineFocusArea {
                id: area,
                strategy,
                number: AreaNumber::new(1).unwrap(),
                title: title("Helse og omsorg"),
                description: None,
            },
            CommandBody::DefineGoal {
                id: goal,
                focus_area: area,
                number: GoalNumber::parse("1").unwrap(),
                wording: Text::prose("wording", "Velferdsteknologi er tatt i bruk").unwrap(),
                carried_over_from: None,
            },
            CommandBody::DefineIndicator {
                id: indicator,
                subject: IndicatorSubject::Goal(goal),
                name: title("Brukere med digitalt tilsyn"),
                unit: title("prosent"),
                direction: Direction::HigherIsBetter,
                baseline: None,
                update_every_days: None,
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
                period: period(2019, 2026),
                goals: vec![goal],
                decommissioning: false,
            },
        ]);
        grounds.push(Ground {
            area: area.0,
            goal: goal.0,
            action: action.0,
            indicator: indicator.0,
        });
    }
    for body in commands {
        store
            .execute(Submission::new(
                Command {
                    effective: date("2019-01-01"),
                    body,
                },
                "crash:setup",
            ))
            .unwrap();
    }
    (organization, grounds)
}

/// A token for an editor of the organization, when this version of
/// Sporbar has tokens (`sporbar token create` prints the secret once).
fn token(db: &Path, organization: OrganizationId) -> Option<String> {
    let out = Process::new(SPORBAR)
        .args([
            "token",
            "create",
            "--name",
            "crash-test",
            "--role",
            "editor",
        ])
        .args(["--organization", &organization.0.to_string()])
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let secret = printed
        .split_whitespace()
        .find(|word| word.starts_with("spb_"))
        .unwrap_or_else(|| panic!("no secret in the output of `sporbar token create`: {printed}"));
    Some(
        secret
            .trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .to_owned(),
    )
}

/// Checks the log against the answers so far. `settled`: every command
/// has its answer (no request is in flight).
fn check(db: &Path, shared: &Shared, setup_commands: usize, rebuild: bool, when: &str) {
    let store = SqliteStore::open(db, StoreOptions::default())
        .unwrap_or_else(|e| panic!("{when}: the store does not open: {e:?}"));
    let report = store.verify().unwrap();
    assert!(
        report.problem.is_none(),
        "{when}: the chain does not verify: {:?}",
        report.problem
    );
    let present = integrity::events_by_command(&store);
    let answered = shared.answered.lock().unwrap().clone();
    let in_doubt = shared.in_doubt.lock().unwrap().clone();
    for (id, answer) in &answered {
        let positions = present.get(&id.to_string()).unwrap_or_else(|| {
            panic!("{when}: command {id} was answered with success but is not in the log")
        });
        assert_eq!(
            positions.len(),
            answer.events,
            "{when}: command {id} has {} of its {} events",
            positions.len(),
            answer.events
        );
        assert_eq!(
            positions.last(),
            Some(&answer.position),
            "{when}: command {id} is not at the position its answer named"
        );
        assert!(
            !answer.duplicate || answer.attempts > 1,
            "{when}: command {id} was called a duplicate on its first attempt"
        );
    }
    let mut strangers = 0;
    for (id, positions) in &present {
        let Ok(uuid) = Uuid::parse_str(id) else {
            panic!("{when}: command id '{id}' in the log is not a UUID")
        };
        match (answered.get(&uuid), in_doubt.get(&uuid)) {
            (Some(_), _) => {}
            (None, Some(events)) => assert_eq!(
                positions.len(),
                *events,
                "{when}: command {id}, whose answer was lost, is half-present"
            ),
            (None, None) => strangers += 1,
        }
    }
    assert_eq!(
        strangers, setup_commands,
        "{when}: the log holds commands nobody sent"
    );
    if rebuild {
        integrity::assert_intact(&store, when);
    }
}

fn run() {
    let kills: usize = std::env::var("SPORBAR_CRASH_KILLS")
        .ok()
        .map(|k| k.parse().expect("SPORBAR_CRASH_KILLS is a number"))
        .unwrap_or(DEFAULT_KILLS);
    let seed = std::env::var("SPORBAR_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            now.as_nanos() as u64 ^ u64::from(std::process::id())
        });
    println!(
        "crash test through the server: {kills} kills, seed {seed} (SPORBAR_CRASH_SEED repeats it)"
    );
    let mut random = XorShift(seed.max(1));
    let started = Instant::now();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let (organization, grounds) = setup(&db);
    let setup_commands = 1 + 5 * CLIENTS;
    let shared = Arc::new(Shared {
        address: Address {
            now: Mutex::new((0, None)),
            changed: Condvar::new(),
        },
        token: token(&db, organization),
        stop: AtomicBool::new(false),
        answered: Mutex::new(HashMap::new()),
        in_doubt: Mutex::new(HashMap::new()),
        acknowledged: AtomicUsize::new(0),
        problems: Mutex::new(Vec::new()),
    });
    let clients: Vec<_> = grounds
        .iter()
        .enumerate()
        .map(|(client, ground)| {
            let maker = Maker {
                client,
                ground: *ground,
                random: XorShift(random.next().max(1)),
                count: 0,
                numbers: 0,
                splittable: Vec::new(),
            };
            let shared = shared.clone();
            std::thread::spawn(move || client_thread(shared, maker))
        })
        .collect();

    let problems = |shared: &Shared| {
        let problems = shared.problems.lock().unwrap();
        assert!(problems.is_empty(), "clients saw errors: {problems:#?}");
    };
    for kill in 1..=kills {
        let server = Server::start(&db);
        shared.address.set(Some(server.address));
        // Let it acknowledge something, then kill it at a random moment.
        let before = shared.acknowledged.load(Ordering::SeqCst);
        let waiting = Instant::now();
        while shared.acknowledged.load(Ordering::SeqCst) < before + 5 {
            problems(&shared);
            assert!(
                waiting.elapsed() < Duration::from_secs(60),
                "the server acknowledged nothing in 60 s; its log:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(random.below(300)));
        server.kill();
        shared.address.set(None);
        problems(&shared);
        check(
            &db,
            &shared,
            setup_commands,
            kill % 10 == 0,
            &format!("after kill {kill}"),
        );
    }

    // A last start lets every client get the answer it is missing.
    let server = Server::start(&db);
    shared.stop.store(true, Ordering::SeqCst);
    shared.address.set(Some(server.address));
    for client in clients {
        client.join().unwrap();
    }
    problems(&shared);
    server.kill();
    assert!(
        shared.in_doubt.lock().unwrap().is_empty(),
        "every command has its answer"
    );
    check(&db, &shared, setup_commands, true, "at the end");
    let verify = Process::new(SPORBAR)
        .arg("verify")
        .arg("--db")
        .arg(&db)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "sporbar verify: {}",
        String::from_utf8_lossy(&verify.stderr)
    );

    let answered = shared.answered.lock().unwrap();
    let retried = answered.values().filter(|a| a.attempts > 1).count();
    let duplicates = answered.values().filter(|a| a.duplicate).count();
    let events: usize = answered.values().map(|a| a.events).sum();
    let by_kind: BTreeMap<usize, usize> = answered.values().fold(BTreeMap::new(), |mut m, a| {
        *m.entry(a.events).or_default() += 1;
        m
    });
    println!(
        "crash test through the server: {kills} kills in {:.1} s; {} acknowledged mutations ({events} events; \
         by events per command {by_kind:?}), {retried} retried after a kill, {duplicates} of them found already \
         committed; all present, none half-present, chain verified, read models equal a rebuild",
        started.elapsed().as_secs_f64(),
        answered.len(),
    );
}

fn client_thread(shared: Arc<Shared>, maker: Maker) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        client(shared.clone(), maker)
    }));
    if let Err(panic) = result {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        shared
            .problems
            .lock()
            .unwrap()
            .push(format!("a client panicked: {message}"));
    }
}

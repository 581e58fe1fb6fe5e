//! API throughput: the overview query (every focus area with its
//! attainment) and a focus-area detail query over HTTP, with 1, 16 and 64
//! concurrent connections, beside the HTTP floor (`/health`) measured in the
//! same run. `cargo bench --bench api` runs it for real; under `cargo test`
//! it does a short smoke run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::json;
use sporbar::domain::*;
use sporbar::store::{Durability, SqliteStore, StoreOptions, Submission};

const OVERVIEW: &str = "query($s: UUID!) { strategy(id: $s) { title attainment { goals score counts { status count } } focusAreas { number title attainment { goals score counts { status count } } } } }";
const DETAIL: &str = "query($s: UUID!) { strategy(id: $s) { focusArea(number: 4) { title goals { number wording status assessment { justification effectiveAt } indicators { name measurements { on value } } actions { title status budgetLines { year category planned } } } budgetTotals { year planned } } } }";

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(full));
}

fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

fn text(t: &str) -> Text {
    Text::prose("text", t).unwrap()
}

/// One strategy of nine focus areas, six goals each with four years of
/// assessments, one action per area with three years of budget lines.
fn seed(store: &SqliteStore) -> StrategyId {
    let organization = OrganizationId::new_random();
    let strategy = StrategyId::new_random();
    let mut commands = vec![
        (
            date("2015-01-01"),
            CommandBody::RegisterOrganization {
                id: organization,
                name: text("Kongsbergregionen"),
            },
        ),
        (
            date("2015-01-01"),
            CommandBody::DraftStrategy {
                id: strategy,
                organization,
                title: text("Regional digitaliseringsstrategi 2015–2018"),
                period: Period::new(Year::new(2015).unwrap(), Year::new(2018).unwrap()).unwrap(),
                vision: None,
                predecessor: None,
            },
        ),
    ];
    for area_number in 1..=9i64 {
        let area = FocusAreaId::new_random();
        commands.push((
            date("2015-01-01"),
            CommandBody::DefineFocusArea {
                id: area,
                strategy,
                number: AreaNumber::new(area_number).unwrap(),
                title: text(&format!("Satsingsområde {area_number}")),
                description: None,
            },
        ));
        let mut goals = Vec::new();
        for goal_number in 1..=6 {
            let goal = GoalId::new_random();
            goals.push(goal);
            commands.push((
                date("2015-01-01"),
                CommandBody::DefineGoal {
                    id: goal,
                    focus_area: area,
                    number: GoalNumber::parse(&goal_number.to_string()).unwrap(),
                    wording: text("Kommunene har nettbaserte tjenester for kommunikasjon med innbyggere og næringsliv"),
                    carried_over_from: None,
                },
            ));
            for (i, year) in (2015..=2018).enumerate() {
                commands.push((
                    date(&format!("{year}-12-31")),
                    CommandBody::AssessGoal {
                        id: goal,
                        status: GoalStatus::ALL[(i + goal_number as usize) % 5],
                        justification: text(
                            "Kommunene anses å være i ferd med delvis å nå målsetningen",
                        ),
                    },
                ));
            }
        }
        let action = ActionId::new_random();
        commands.push((
            date("2015-06-01"),
            CommandBody::PlanAction {
                id: action,
                strategy,
                kind: ActionKind::MainProject,
                title: text(&format!("Hovedprosjekt {area_number}")),
                description: None,
                owner: None,
                focus_area: None,
                members_involved: vec![],
                period: Period::new(Year::new(2016).unwrap(), Year::new(2018).unwrap()).unwrap(),
                goals: goals.clone(),
                decommissioning: false,
            },
        ));
        for year in 2016..=2018 {
            commands.push((
                date("2015-10-01"),
                CommandBody::SetBudgetLine {
                    id: action,
                    year: Year::new(year).unwrap(),
                    category: BudgetCategory::ProjectManagement,
                    planned: Nok::from_kroner("planned", 200_000).unwrap(),
                    actual: None,
                },
            ));
        }
    }
    let receivers: Vec<_> = commands
        .into_iter()
        .map(|(effective, body)| {
            store.submit(Submission::new(Command { effective, body }, "bench"))
        })
        .collect();
    for receiver in receivers {
        receiver.blocking_recv().unwrap().unwrap();
    }
    strategy
}

struct Load {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

async fn load(url: String, body: Option<String>, connections: usize, duration: Duration) -> Load {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (url, body) = (url.clone(), body.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let request = match &body {
                        Some(body) => client
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(body.clone()),
                        None => client.get(&url),
                    };
                    let response = request.send().await.unwrap();
                    assert!(response.status().is_success());
                    response.bytes().await.unwrap();
                    latencies.push(started.elapsed());
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
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    Load {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
    }
}

async fn run(full: bool) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(
            dir.path().join("api.db"),
            StoreOptions {
                durability: Durability::Normal,
                ..Default::default()
            },
        )
        .unwrap(),
    );
    let seeding = store.clone();
    let strategy = tokio::task::spawn_blocking(move || seed(&seeding))
        .await
        .unwrap();
    let events = store.head().unwrap().map(|(p, _)| p).unwrap_or(0);

    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
    let server_store = store.clone();
    tokio::spawn(async move {
        sporbar::api::serve(
            server_store,
            "127.0.0.1:0".parse().unwrap(),
            sporbar::api::Settings {
                limits: sporbar::api::Limits::unthrottled(),
                public_read: true,
                cors_origins: Vec::new(),
            },
            move |a| {
                let _ = bound_tx.send(a);
            },
            std::future::pending(),
        )
        .await
        .unwrap();
    });
    let address = bound_rx.await.unwrap();
    let duration = if full {
        Duration::from_secs(5)
    } else {
        Duration::from_millis(300)
    };
    println!(
        "api benchmarks ({}), {events} events, {} per measurement",
        if full { "full" } else { "smoke" },
        humantime(duration)
    );
    println!(
        "{:>10} {:>12} {:>12} {:>10} {:>10} {:>14}",
        "query", "connections", "requests/s", "p50 µs", "p99 µs", "vs /health"
    );
    for connections in [1, 16, 64] {
        let floor = load(
            format!("http://{address}/health"),
            None,
            connections,
            duration,
        )
        .await;
        for (name, query) in [("overview", OVERVIEW), ("detail", DETAIL)] {
            let body = json!({ "query": query, "variables": { "s": strategy.0 } }).to_string();
            let result = load(
                format!("http://{address}/graphql"),
                Some(body),
                connections,
                duration,
            )
            .await;
            println!(
                "{name:>10} {connections:>12} {:>12.0} {:>10} {:>10} {:>14.3}",
                result.rate,
                result.p50.as_micros(),
                result.p99.as_micros(),
                result.rate / floor.rate
            );
        }
        println!(
            "{:>10} {connections:>12} {:>12.0} {:>10} {:>10}",
            "/health",
            floor.rate,
            floor.p50.as_micros(),
            floor.p99.as_micros()
        );
    }
    if !full {
        println!("\n1 passed, 0 failed");
    }
}

fn humantime(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

//! cqrs-es + sqlite-es appending `GoalAssessed` events, the same shape and
//! payload size as Sporbar's, with N concurrent writers and
//! `synchronous=FULL` in WAL mode. Each writer assesses goals of its own (no
//! optimistic-lock conflicts, as in Sporbar's run).
//!
//! `peer --db PATH --writers N --commands N --mode events|view` prints one
//! line: `peer mode=… writers=… commands=… rate=… p50_us=… p99_us=…`.
//! `events`: the events alone. `view`: with a `GenericQuery` keeping a goal
//! status view in `SqliteViewRepository`, as Sporbar keeps read models.
//! Both use sqlite-es's aggregate store (`sqlite_aggregate_cqrs`), which
//! keeps each aggregate serialized beside its events: a command loads one
//! row. Its default event store replays the aggregate's events on every
//! command, which for a goal assessed thousands of times (as here) makes
//! the run quadratic and would measure replay, not appending.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::GenericQuery;
use cqrs_es::{Aggregate, DomainEvent, EventEnvelope, Query, View};
use serde::{Deserialize, Serialize};
use sqlite_es::{SqliteCqrs, SqliteViewRepository, sqlite_aggregate_cqrs};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Goal {
    defined: bool,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
enum GoalCommand {
    DefineGoal {
        id: String,
        number: String,
        wording: String,
    },
    AssessGoal {
        id: String,
        status: String,
        justification: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum GoalEvent {
    GoalDefined {
        id: String,
        number: String,
        wording: String,
    },
    GoalAssessed {
        id: String,
        status: String,
        justification: String,
    },
}

impl DomainEvent for GoalEvent {
    fn event_type(&self) -> String {
        match self {
            GoalEvent::GoalDefined { .. } => "GoalDefined",
            GoalEvent::GoalAssessed { .. } => "GoalAssessed",
        }
        .to_owned()
    }
    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

#[derive(Debug)]
struct GoalError(String);

impl std::fmt::Display for GoalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GoalError {}

const STATUSES: [&str; 6] = [
    "NOT_STARTED",
    "IN_PROGRESS",
    "PARTIALLY_ACHIEVED",
    "ACHIEVED",
    "NOT_ACHIEVED",
    "DROPPED",
];

impl Aggregate for Goal {
    const TYPE: &'static str = "Goal";
    type Command = GoalCommand;
    type Event = GoalEvent;
    type Error = GoalError;
    type Services = ();

    async fn handle(
        &mut self,
        command: GoalCommand,
        _: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), GoalError> {
        // The same rules Sporbar's decide applies to these commands.
        let event = match command {
            GoalCommand::DefineGoal {
                id,
                number,
                wording,
            } => {
                if self.defined {
                    return Err(GoalError(format!("goal '{id}' already exists")));
                }
                GoalEvent::GoalDefined {
                    id,
                    number,
                    wording,
                }
            }
            GoalCommand::AssessGoal {
                id,
                status,
                justification,
            } => {
                if !self.defined {
                    return Err(GoalError(format!("goal '{id}' not found")));
                }
                if !STATUSES.contains(&status.as_str()) || justification.trim().is_empty() {
                    return Err(GoalError("invalid assessment".into()));
                }
                GoalEvent::GoalAssessed {
                    id,
                    status,
                    justification,
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: GoalEvent) {
        match event {
            GoalEvent::GoalDefined { .. } => self.defined = true,
            GoalEvent::GoalAssessed { status, .. } => self.status = Some(status),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct GoalStatusView {
    status: Option<String>,
    justification: Option<String>,
    assessments: u64,
}

impl View<Goal> for GoalStatusView {
    fn update(&mut self, event: &EventEnvelope<Goal>) {
        if let GoalEvent::GoalAssessed {
            status,
            justification,
            ..
        } = &event.payload
        {
            self.status = Some(status.clone());
            self.justification = Some(justification.clone());
            self.assessments += 1;
        }
    }
}

fn arg(name: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| panic!("missing {name}"))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let db = arg("--db");
    let writers: usize = arg("--writers").parse().unwrap();
    let commands: usize = arg("--commands").parse().unwrap();
    let mode = arg("--mode");
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))
        .unwrap()
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30));
    // sqlite-es's `default_sqlite_pool` size, but with FULL durability.
    let pool = SqlitePoolOptions::new()
        .max_connections(10)
        .connect_with(options)
        .await
        .unwrap();
    // sqlite-es's migration, with the view table for `view` mode.
    sqlx::raw_sql(
        "CREATE TABLE events (
           aggregate_type text NOT NULL, aggregate_id text NOT NULL,
           sequence integer CHECK (sequence >= 0) NOT NULL,
           event_type text NOT NULL, event_version text NOT NULL,
           payload text NOT NULL, metadata text NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, sequence)) STRICT;
         CREATE TABLE snapshots (
           aggregate_type text NOT NULL, aggregate_id text NOT NULL,
           last_sequence integer CHECK (last_sequence >= 0) NOT NULL,
           current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
           payload text NOT NULL,
           PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)) STRICT;
         CREATE TABLE goal_status (
           view_id text NOT NULL, version integer CHECK (version >= 0) NOT NULL,
           payload text NOT NULL, PRIMARY KEY (view_id)) STRICT;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let queries: Vec<Box<dyn Query<Goal>>> = match mode.as_str() {
        "events" => vec![],
        "view" => {
            let repo =
                SqliteViewRepository::<GoalStatusView, Goal>::new("goal_status", pool.clone());
            vec![Box::new(GenericQuery::new(Arc::new(repo)))]
        }
        other => panic!("unknown mode '{other}'"),
    };
    let cqrs: Arc<SqliteCqrs<Goal>> = Arc::new(sqlite_aggregate_cqrs(pool, queries, ()));

    // Each writer owns one goal: concurrent commands never touch one stream.
    let goals: Vec<String> = (0..writers)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    for (n, goal) in goals.iter().enumerate() {
        cqrs.execute(
            goal,
            GoalCommand::DefineGoal {
                id: goal.clone(),
                number: format!("{}", n + 1),
                wording: "Kommunene har nettbaserte tjenester som tilfredsstiller krav til universell utforming".into(),
            },
        )
        .await
        .unwrap();
    }
    let per_writer = commands / writers;
    let barrier = Arc::new(tokio::sync::Barrier::new(writers + 1));
    let tasks: Vec<_> = goals
        .into_iter()
        .map(|goal| {
            let (cqrs, barrier) = (cqrs.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut latencies = Vec::with_capacity(per_writer);
                for i in 0..per_writer {
                    let command = GoalCommand::AssessGoal {
                        id: goal.clone(),
                        status: STATUSES[i % 6].to_owned(),
                        justification: "Kommunene anses å være i ferd med delvis å nå målsetningen"
                            .into(),
                    };
                    let metadata = [
                        ("actor".to_owned(), "bench:writer".to_owned()),
                        ("command_id".to_owned(), uuid::Uuid::new_v4().to_string()),
                    ]
                    .into();
                    let started = Instant::now();
                    cqrs.execute_with_metadata(&goal, command, metadata)
                        .await
                        .unwrap();
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize].as_micros();
    println!(
        "peer mode={mode} writers={writers} commands={} rate={:.1} p50_us={} p99_us={}",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99)
    );
}

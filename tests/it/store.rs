//! The event store: positions, concurrency, idempotency, atomicity, the
//! append-only guarantee, the hash chain, rebuild and backup.

use std::sync::{Arc, Barrier};

use sporbar::domain::*;
use sporbar::store::{EventFilter, SqliteStore, StoreError, StoreOptions, Submission};

use crate::support::*;

fn event_count(db: &TestDb) -> u64 {
    db.raw()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

/// Every row of the read models, in a stable order, as text.
pub fn read_model_dump(db: &TestDb) -> Vec<String> {
    let conn = db.raw();
    let mut rows = Vec::new();
    for sql in [
        "SELECT entity_id, kind, organization_id, strategy_id, parent_id, created_position FROM entities ORDER BY entity_id",
        "SELECT entity_id, field, effective_at, position, value FROM facts ORDER BY entity_id, field, effective_at, position",
        "SELECT stream_id, kind, organization_id, version FROM streams ORDER BY stream_id",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns = stmt.column_count();
        let mut query = stmt.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let cells: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            rows.push(cells.join("|"));
        }
    }
    rows
}

#[test]
fn appending_assigns_gap_free_positions_and_stream_versions() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let first = submit(
        &store,
        "2016-01-01",
        s.assess(GoalStatus::InProgress, "i gang"),
    )
    .unwrap();
    let second = submit(&store, "2017-01-01", s.assess(GoalStatus::Achieved, "nådd")).unwrap();
    assert_eq!(first.events[0].position, 6);
    assert_eq!(second.events[0].position, 7);
    assert_eq!(first.events[0].stream_id, s.goal.0);
    assert_eq!(
        (
            first.events[0].stream_version,
            second.events[0].stream_version
        ),
        (2, 3)
    );
    let positions: Vec<u64> = store
        .read_events(&EventFilter::default())
        .unwrap()
        .iter()
        .map(|e| e.position)
        .collect();
    assert_eq!(positions, (1..=7).collect::<Vec<_>>());
}

#[test]
fn concurrent_writers_on_one_stream_exactly_one_wins_the_other_gets_conflict() {
    let db = TestDb::new();
    let store = Arc::new(db.open());
    let s = Scenario::create(&store);
    let writers = 8;
    for round in 0..10u64 {
        let seen_version = 1 + round; // the goal stream: defined, then one win per round
        let barrier = Arc::new(Barrier::new(writers));
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (store, barrier) = (store.clone(), barrier.clone());
                let body = s.assess(
                    GoalStatus::InProgress,
                    &format!("runde {round}, skribent {w}"),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    store.execute(
                        Submission::new(command("2016-06-01", body), "test:writer")
                            .expecting(seen_version),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: exactly one writer wins");
        for result in results.into_iter().filter(|r| r.is_err()) {
            match result {
                Err(StoreError::Conflict {
                    stream_id,
                    expected,
                    actual,
                }) => {
                    assert_eq!(
                        (stream_id, expected, actual),
                        (s.goal.0, seen_version, seen_version + 1)
                    );
                }
                other => panic!("round {round}: expected a conflict, got {other:?}"),
            }
        }
    }
    assert_eq!(event_count(&db), 5 + 10);
}

#[test]
fn repeating_a_command_id_appends_once_and_returns_the_original_result() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let submission = Submission::new(
        command("2016-06-01", s.assess(GoalStatus::InProgress, "i gang")),
        "test:editor",
    );
    let first = store.execute(submission.clone()).unwrap();
    let again = store.execute(submission.clone()).unwrap();
    assert!(!first.duplicate);
    assert!(again.duplicate);
    assert_eq!(first.events, again.events);
    assert_eq!(event_count(&db), 6);

    // Also when both copies arrive in the same group commit.
    let other = Submission::new(
        command("2016-07-01", s.assess(GoalStatus::Achieved, "nådd")),
        "test:editor",
    );
    let receivers: Vec<_> = (0..5).map(|_| store.submit(other.clone())).collect();
    let results: Vec<_> = receivers
        .into_iter()
        .map(|r| r.blocking_recv().unwrap().unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(results.windows(2).all(|w| w[0].events == w[1].events));
    assert_eq!(event_count(&db), 7);
}

#[test]
fn a_refused_command_appends_nothing_while_its_batch_neighbours_land() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let before = read_model_dump(&db);
    let good = Submission::new(
        command("2016-06-01", s.assess(GoalStatus::InProgress, "i gang")),
        "test:editor",
    );
    let bad = Submission::new(
        command(
            "2016-06-01",
            CommandBody::SetBudgetLine {
                id: s.action,
                year: Year::new(2019).unwrap(),
                category: BudgetCategory::Investment,
                planned: Nok::from_kroner("planned", 1_000_000).unwrap(),
                actual: None,
            },
        ),
        "test:editor",
    );
    let receivers = [
        store.submit(bad.clone()),
        store.submit(good),
        store.submit(bad),
    ];
    let results: Vec<_> = receivers
        .into_iter()
        .map(|r| r.blocking_recv().unwrap())
        .collect();
    assert!(matches!(
        &results[0],
        Err(StoreError::Domain(DomainError::Invalid {
            field: "year",
            ..
        }))
    ));
    assert!(results[1].is_ok());
    assert!(results[2].is_err());
    assert_eq!(event_count(&db), 6);
    let after = read_model_dump(&db);
    assert_eq!(
        after.len(),
        before.len() + 1,
        "only the accepted assessment added a fact"
    );
}

#[test]
fn a_command_against_an_unknown_entity_is_not_found_and_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    let missing = GoalId::new_random();
    let result = submit(
        &store,
        "2016-01-01",
        CommandBody::AssessGoal {
            id: missing,
            status: GoalStatus::Achieved,
            justification: prose("x"),
        },
    );
    match result {
        Err(StoreError::Domain(DomainError::NotFound { entity: "goal", id })) => {
            assert_eq!(id, missing.to_string())
        }
        other => panic!("expected not found, got {other:?}"),
    }
    assert_eq!(event_count(&db), 0);
}

#[test]
fn creating_an_entity_with_an_id_in_use_is_rejected() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    // The strategy's id reused for a new organization.
    let result = submit(
        &store,
        "2016-01-01",
        CommandBody::RegisterOrganization {
            id: OrganizationId(s.strategy.0),
            name: title("IKT Orkidé"),
        },
    );
    assert!(
        matches!(
            result,
            Err(StoreError::Domain(DomainError::AlreadyExists { .. }))
        ),
        "{result:?}"
    );
    assert_eq!(event_count(&db), 5);
}

#[test]
fn update_and_delete_of_events_are_refused_by_the_database_itself() {
    let db = TestDb::new();
    let store = db.open();
    Scenario::create(&store);
    drop(store);
    let conn = db.raw();
    let update = conn.execute(
        "UPDATE events SET actor = 'someone else' WHERE position = 1",
        [],
    );
    let delete = conn.execute("DELETE FROM events WHERE position = 5", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(event_count(&db), 5);
}

/// Opens the log behind the store's back with the triggers removed, as an
/// attacker with file access could, and applies `tamper`.
fn tamper(db: &TestDb, sql: &str) {
    let conn = db.raw();
    conn.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn first_problem(db: &TestDb) -> Option<u64> {
    let store = SqliteStore::open(&db.path, StoreOptions::default()).unwrap();
    store.verify().unwrap().problem.map(|p| p.position)
}

fn tampered_log_fails_verify_at(sql: &str, position: u64) {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    for year in 2016..=2018 {
        submit(
            &store,
            &format!("{year}-12-31"),
            s.assess(GoalStatus::InProgress, "årsmelding"),
        )
        .unwrap();
    }
    assert!(store.verify().unwrap().problem.is_none());
    drop(store);
    tamper(&db, sql);
    assert_eq!(first_problem(&db), Some(position));
}

#[test]
fn verify_names_the_position_of_a_changed_payload() {
    tampered_log_fails_verify_at(
        "UPDATE events SET payload = replace(payload, 'IN_PROGRESS', 'ACHIEVED') WHERE position = 7",
        7,
    );
}

#[test]
fn verify_names_the_position_of_a_changed_timestamp() {
    tampered_log_fails_verify_at(
        "UPDATE events SET effective_at = '2017-06-30' WHERE position = 6",
        6,
    );
}

#[test]
fn verify_names_the_position_of_a_changed_recording_time() {
    tampered_log_fails_verify_at(
        "UPDATE events SET recorded_at = replace(recorded_at, substr(recorded_at, 1, 4), '1999') WHERE position = 4",
        4,
    );
}

#[test]
fn verify_names_the_position_of_a_deleted_event() {
    tampered_log_fails_verify_at("DELETE FROM events WHERE position = 3", 3);
}

#[test]
fn verify_catches_a_rewritten_event_even_with_its_hash_recomputed_when_the_next_one_follows() {
    // Rewriting an event and its own hash still breaks the next event's prev_hash.
    tampered_log_fails_verify_at(
        "UPDATE events SET hash = zeroblob(32) WHERE position = 5",
        5,
    );
}

#[test]
fn rebuild_gives_read_models_identical_to_the_incrementally_built_ones() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    for (effective, status) in [
        ("2016-12-31", GoalStatus::InProgress),
        ("2017-12-31", GoalStatus::PartiallyAchieved),
    ] {
        submit(&store, effective, s.assess(status, "årsmelding")).unwrap();
    }
    submit(
        &store,
        "2016-01-01",
        CommandBody::SetBudgetLine {
            id: s.action,
            year: Year::new(2017).unwrap(),
            category: BudgetCategory::ProjectManagement,
            planned: Nok::from_kroner("planned", 200_000).unwrap(),
            actual: None,
        },
    )
    .unwrap();
    let incremental = read_model_dump(&db);
    assert_eq!(store.rebuild().unwrap(), 8);
    assert_eq!(read_model_dump(&db), incremental);
    // And the store keeps working after a rebuild.
    submit(&store, "2018-12-31", s.assess(GoalStatus::Achieved, "nådd")).unwrap();
}

/// A log long enough that a rebuild decodes it in many chunks on several
/// threads: the goal's 2 × 11 000 assessments and budget lines interleave,
/// so one entity's facts come from every chunk.
fn long_log(store: &SqliteStore, s: &Scenario) {
    let statuses = [GoalStatus::InProgress, GoalStatus::PartiallyAchieved];
    for batch in 0..11 {
        let submissions = (0..1_000)
            .flat_map(|i| {
                // Within the strategy's period (2015–2018): 1 096 days from 2016.
                let day = date("2016-01-01") + chrono::Days::new((batch * 1_000 + i) % 1_096);
                let effective = day.format("%Y-%m-%d").to_string();
                let assess = s.assess(statuses[(i % 2) as usize], &format!("vurdering {i}"));
                let budget = CommandBody::SetBudgetLine {
                    id: s.action,
                    year: Year::new(2016 + (i % 3) as i64).unwrap(),
                    category: BudgetCategory::ProjectManagement,
                    planned: Nok::from_kroner("planned", 1_000 * i as i64).unwrap(),
                    actual: None,
                };
                [assess, budget]
                    .map(|body| Submission::new(command(&effective, body), "test:fixture"))
            })
            .collect();
        store.execute_all(submissions).unwrap();
    }
}

#[test]
fn rebuild_of_a_long_log_gives_the_same_read_models() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    long_log(&store, &s);
    let incremental = read_model_dump(&db);
    let events = event_count(&db);
    assert!(events > 22_000);
    assert_eq!(store.rebuild().unwrap(), events);
    assert_eq!(read_model_dump(&db), incremental);
}

#[test]
fn a_rebuild_that_meets_an_unreadable_event_changes_nothing() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    long_log(&store, &s);
    let before = read_model_dump(&db);
    drop(store);
    // Far into the log, in a later chunk than the first.
    tamper(
        &db,
        "UPDATE events SET payload = '{\"not\": \"an assessment\"}' WHERE position = 20000",
    );
    let store = db.open();
    match store.rebuild() {
        Err(StoreError::Corrupt { position, .. }) => assert_eq!(position, 20_000),
        other => panic!("expected the unreadable event to be named, got {other:?}"),
    }
    assert_eq!(read_model_dump(&db), before);
    // The writer keeps working for organizations whose log is readable.
    Scenario::create(&store);
}

#[test]
fn backup_is_a_consistent_verified_copy() {
    let db = TestDb::new();
    let store = db.open();
    Scenario::create(&store);
    let copy = db.dir.path().join("backup.db");
    store.backup(&copy).unwrap();
    let restored = SqliteStore::open(&copy, StoreOptions::default()).unwrap();
    let report = restored.verify().unwrap();
    assert!(report.problem.is_none());
    assert_eq!(report.head, store.head().unwrap());
    assert!(
        store.backup(&copy).is_err(),
        "an existing file is never overwritten"
    );
}

#[test]
fn migrations_are_recorded_in_the_database() {
    let db = TestDb::new();
    drop(db.open());
    let versions: Vec<i64> = db
        .raw()
        .prepare("SELECT version FROM refinery_schema_history ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, vec![1, 2, 3, 4]);
    drop(db.open()); // a second start applies nothing and succeeds
}

#[test]
fn a_foreign_database_or_a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let db = TestDb::new();
    db.raw()
        .execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY);")
        .unwrap();
    let before = std::fs::read(&db.path).unwrap();
    let error = SqliteStore::open(&db.path, StoreOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(error, StoreError::Foreign { .. }), "{error:?}");
    assert_eq!(std::fs::read(&db.path).unwrap(), before);

    let text = db.dir.path().join("notes.db");
    std::fs::write(&text, "dette er ikke en database\n".repeat(200)).unwrap();
    let before = std::fs::read(&text).unwrap();
    let error = SqliteStore::open(&text, StoreOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(error, StoreError::Foreign { .. }), "{error:?}");
    assert_eq!(std::fs::read(&text).unwrap(), before);
}

#[test]
fn an_applied_migration_that_was_edited_afterwards_stops_the_start() {
    let db = TestDb::new();
    drop(db.open());
    // Pretend the file of migration 1 changed after it was applied.
    db.raw()
        .execute(
            "UPDATE refinery_schema_history SET checksum = '1' WHERE version = 1",
            [],
        )
        .unwrap();
    let error = SqliteStore::open(&db.path, StoreOptions::default())
        .err()
        .expect("start refused");
    assert!(matches!(error, StoreError::Migration(_)), "{error:?}");
}

/// A log of 8 events and a checkpoint at its head, kept "elsewhere".
fn log_with_checkpoint() -> (TestDb, sporbar::store::Checkpoint) {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    for year in 2016..=2018 {
        submit(
            &store,
            &format!("{year}-12-31"),
            s.assess(GoalStatus::InProgress, "årsmelding"),
        )
        .unwrap();
    }
    let (position, hash) = store.head().unwrap().unwrap();
    (db, sporbar::store::Checkpoint { position, hash })
}

#[test]
fn a_checkpoint_proves_the_log_unchanged_also_after_later_appends() {
    let (db, checkpoint) = log_with_checkpoint();
    let store = db.open();
    let s_goal = store
        .read_events(&EventFilter {
            event_type: Some("GoalDefined".into()),
            ..EventFilter::default()
        })
        .unwrap()[0]
        .stream_id;
    let body = CommandBody::AssessGoal {
        id: GoalId(s_goal),
        status: GoalStatus::Achieved,
        justification: prose("nådd"),
    };
    submit(&store, "2019-12-31", body).unwrap();
    let report = store.verify_against(&checkpoint).unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
    assert_eq!(report.events_checked, 9);
    assert_eq!(
        sporbar::store::Checkpoint::from_json(&checkpoint.to_json()).unwrap(),
        checkpoint
    );
}

#[test]
fn a_checkpoint_catches_events_cut_from_the_end_of_the_log() {
    let (db, checkpoint) = log_with_checkpoint();
    // Without the checkpoint, a cut tail leaves a chain that verifies.
    tamper(&db, "DELETE FROM events WHERE position >= 7");
    let store = db.open();
    assert!(
        store.verify().unwrap().problem.is_none(),
        "a shorter chain is still a chain"
    );
    let problem = store
        .verify_against(&checkpoint)
        .unwrap()
        .problem
        .expect("the cut is found");
    assert_eq!(problem.position, 7);
    assert!(
        problem.what.contains("removed from its end"),
        "{}",
        problem.what
    );
}

#[test]
fn a_checkpoint_catches_a_log_rewritten_with_a_recomputed_chain() {
    let (db, checkpoint) = log_with_checkpoint();
    // An intruder rewrites every event from 1 on, recomputing every hash, so
    // that the chain is consistent in itself: only the kept hash differs.
    let store = db.open();
    let events = store.read_events(&EventFilter::default()).unwrap();
    drop(store);
    let conn = db.raw();
    conn.execute_batch("DROP TRIGGER events_no_update;")
        .unwrap();
    let mut prev = sporbar::store::chain::GENESIS;
    for e in &events {
        let actor = if e.position == 1 {
            "noen andre".to_owned()
        } else {
            e.actor.clone()
        };
        let (event_id, stream_id, command_id, correlation_id) = (
            e.event_id.to_string(),
            e.stream_id.to_string(),
            e.command_id.to_string(),
            e.correlation_id.to_string(),
        );
        let recorded_at = sporbar::store::format_recorded_at(e.recorded_at);
        let effective_at = e.effective_at.to_string();
        let causation = e.causation_id.map(|c| c.to_string());
        let hash = sporbar::store::chain::ChainedFields {
            position: e.position,
            event_id: &event_id,
            stream_id: &stream_id,
            stream_version: e.stream_version,
            event_type: &e.event_type,
            schema_version: e.schema_version,
            payload: &e.payload,
            recorded_at: &recorded_at,
            effective_at: &effective_at,
            actor: &actor,
            reason: e.reason.as_deref(),
            command_id: &command_id,
            correlation_id: &correlation_id,
            causation_id: causation.as_deref(),
            prev_hash: &prev,
        }
        .hash();
        conn.execute(
            "UPDATE events SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE position = ?4",
            rusqlite::params![actor, prev.as_slice(), hash.as_slice(), e.position],
        )
        .unwrap();
        prev = hash;
    }
    drop(conn);
    let store = db.open();
    assert!(
        store.verify().unwrap().problem.is_none(),
        "the rewritten chain is consistent in itself"
    );
    let problem = store
        .verify_against(&checkpoint)
        .unwrap()
        .problem
        .expect("the rewrite is found");
    assert_eq!(problem.position, checkpoint.position);
    assert!(problem.what.contains("rewritten"), "{}", problem.what);
}

#[test]
fn the_write_ahead_log_is_copied_into_the_database_file_while_the_store_runs() {
    // SQLite copies the WAL back once it passes 1 000 pages; were that off,
    // every change would stay in the WAL until the store closes.
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let file_size = || std::fs::metadata(&db.path).unwrap().len();
    let before = file_size();
    for day in 1..=1_000 {
        let effective = (date("2016-01-01") + chrono::Days::new(day))
            .format("%Y-%m-%d")
            .to_string();
        submit(
            &store,
            &effective,
            s.assess(GoalStatus::InProgress, &"x".repeat(1_000)),
        )
        .unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while file_size() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "after 10 s the database file is still {before} bytes: nothing was checkpointed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_command_that_fails_after_it_began_to_write_leaves_nothing_and_spares_its_batch() {
    // Every refusal comes before a command's first write, so batches run
    // without a savepoint per command. A failure after writing began (here
    // the database refuses the command's `facts` row, after its event row)
    // makes the writer roll the batch back and run it again with
    // savepoints: exactly that command is undone, the rest of its batch
    // commits.
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    db.raw()
        .execute_batch(
            "CREATE TRIGGER refuse_one_fact BEFORE INSERT ON facts \
             WHEN NEW.value LIKE '%refuse me%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
        )
        .unwrap();
    let before = event_count(&db);
    let replies: Vec<_> = (0..40)
        .map(|i| {
            let why = if i == 20 {
                "refuse me".to_owned()
            } else {
                format!("vurdering {i}")
            };
            let body = s.assess(GoalStatus::InProgress, &why);
            store.submit(Submission::new(command("2016-12-31", body), "test:fixture"))
        })
        .collect();
    let results: Vec<_> = replies
        .into_iter()
        .map(|r| r.blocking_recv().unwrap())
        .collect();
    for (i, result) in results.iter().enumerate() {
        match (i, result) {
            (20, Err(StoreError::Sqlite(_))) => {}
            (20, other) => panic!("the refused command got {other:?}"),
            (_, Ok(appended)) => assert!(!appended.duplicate),
            (_, Err(error)) => panic!("command {i} failed with its neighbour: {error}"),
        }
    }
    assert_eq!(
        event_count(&db),
        before + 39,
        "the 39 other assessments, nothing of the refused one"
    );
    let stray: u64 = db
        .raw()
        .query_row(
            "SELECT count(*) FROM events WHERE payload LIKE '%refuse me%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stray, 0, "no event row of the refused command");
    db.raw()
        .execute_batch("DROP TRIGGER refuse_one_fact")
        .unwrap();
    crate::integrity::assert_intact(&store, "after the refused command");
    submit(&store, "2017-12-31", s.assess(GoalStatus::Achieved, "nådd")).unwrap();
}

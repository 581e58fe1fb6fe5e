//! The read side's cost: a whole strategy tree is a fixed number of SQL
//! statements, whatever its size and whatever moment is asked for.

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use sporbar::domain::*;
use sporbar::read::{self, Moment};

use crate::support::*;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// Called once as each statement finishes.
fn count(event: TraceEvent<'_>) {
    if let TraceEvent::Profile(..) = event {
        STATEMENTS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Statements run by one `read::strategy` call on a fresh connection.
fn statements_for_tree(db: &TestDb, strategy: StrategyId, moment: Moment) -> (u64, usize) {
    let conn = db.raw();
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_PROFILE, Some(count));
    let before = STATEMENTS.load(Ordering::SeqCst);
    let view = read::strategy(&conn, strategy.0, moment)
        .unwrap()
        .expect("strategy exists");
    let goals = view.areas.iter().map(|a| a.goals.len()).sum();
    (STATEMENTS.load(Ordering::SeqCst) - before, goals)
}

#[test]
fn a_strategy_tree_costs_the_same_number_of_statements_whatever_its_size_or_moment() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let (small, small_goals) =
        statements_for_tree(&db, s.strategy, Moment::now(date("2026-01-01")));

    for area_number in 2..=9 {
        let area = FocusAreaId::new_random();
        submit(
            &store,
            "2015-06-01",
            CommandBody::DefineFocusArea {
                id: area,
                strategy: s.strategy,
                number: AreaNumber::new(area_number).unwrap(),
                title: title(&format!("Satsingsområde {area_number}")),
                description: None,
            },
        )
        .unwrap();
        for goal_number in 1..=6 {
            let goal = GoalId::new_random();
            submit(
                &store,
                "2015-06-01",
                CommandBody::DefineGoal {
                    id: goal,
                    focus_area: area,
                    number: GoalNumber::parse(&format!("{area_number}.{goal_number}")).unwrap(),
                    wording: prose("Kommunene har kompetanse til å bruke aktuelle IKT-løsninger"),
                    carried_over_from: None,
                },
            )
            .unwrap();
            for year in 2016..=2018 {
                let body = CommandBody::AssessGoal {
                    id: goal,
                    status: GoalStatus::InProgress,
                    justification: prose("årsmelding"),
                };
                submit(&store, &format!("{year}-12-31"), body).unwrap();
            }
        }
    }
    let (large, large_goals) =
        statements_for_tree(&db, s.strategy, Moment::now(date("2026-01-01")));
    let (past, _) = statements_for_tree(
        &db,
        s.strategy,
        Moment {
            as_of: 20,
            valid_at: date("2016-12-31"),
        },
    );
    assert_eq!((small_goals, large_goals), (1, 49));
    assert_eq!(small, large, "statements do not grow with the tree");
    assert_eq!(small, past, "a past moment costs what now costs");
    assert!(small <= 2, "{small} statements for one tree");
}

#[test]
fn a_cached_view_is_reused_for_its_position_and_a_later_position_sees_later_events() {
    let db = TestDb::new();
    let store = db.open();
    let s = Scenario::create(&store);
    let cache = read::ViewCache::new(8);
    let conn = db.raw();
    let at = |position| Moment {
        as_of: position,
        valid_at: date("2026-01-01"),
    };
    let first = cache.strategy(&conn, s.strategy.0, at(5)).unwrap().unwrap();
    let again = cache.strategy(&conn, s.strategy.0, at(5)).unwrap().unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "the same position is served from the cache"
    );

    submit(&store, "2016-12-31", s.assess(GoalStatus::Achieved, "nådd")).unwrap();
    let later = cache.strategy(&conn, s.strategy.0, at(6)).unwrap().unwrap();
    assert_eq!(
        later.areas[0].goals[0].assessment().unwrap().value.status,
        "ACHIEVED"
    );
    let earlier = cache.strategy(&conn, s.strategy.0, at(5)).unwrap().unwrap();
    assert!(
        earlier.areas[0].goals[0].assessment().is_none(),
        "position 5 still answers as it did"
    );
    assert_eq!(
        *earlier,
        read::strategy(&conn, s.strategy.0, at(5)).unwrap().unwrap(),
        "and equals a fresh read"
    );
}

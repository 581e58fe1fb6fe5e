//! The two time axes, on the worked example of DESIGN.md: goal assessments
//! recorded late, corrected, and entered early.

use serde_json::json;
use sporbar::domain::GoalStatus::*;
use sporbar::projection::{Moment, position_at, snapshot};
use sporbar::store::Submission;

use crate::support::*;

/// The status of the scenario goal at (as of instant, valid at date); `None`
/// when no assessment is known then (the page shows NOT_STARTED).
fn status_at(
    db: &TestDb,
    store: &sporbar::store::SqliteStore,
    goal: uuid::Uuid,
    as_of: Option<&str>,
    valid_at: &str,
) -> Option<String> {
    let reader = store.reader().unwrap();
    let as_of = match as_of {
        Some(at) => position_at(&reader, midnight(at)).unwrap(),
        None => u64::MAX,
    };
    let facts = snapshot(
        &reader,
        Moment {
            as_of,
            valid_at: date(valid_at),
        },
    )
    .unwrap();
    let _ = db;
    facts
        .get(&(goal, "assessment".to_string()))
        .map(|a| a["status"].as_str().unwrap().to_string())
}

#[test]
fn the_worked_example_answers_all_three_time_questions() {
    let db = TestDb::new();
    let clock = ManualClock::at("2020-09-01T10:00:00Z");
    let store = db.open_with_clock(clock.clone());
    let s = Scenario::create(&store);

    for (recorded, effective, status, why) in [
        (
            "2021-06-01T09:00:00Z",
            "2021-06-01",
            InProgress,
            "first follow-up",
        ),
        (
            "2022-03-07T09:00:00Z",
            "2021-12-31",
            PartiallyAchieved,
            "annual report 2021",
        ),
        (
            "2022-04-01T09:00:00Z",
            "2021-12-31",
            Achieved,
            "correction: the annual report was wrong",
        ),
        (
            "2022-09-01T09:00:00Z",
            "2022-12-31",
            NotAchieved,
            "planned verdict for year end, entered early",
        ),
    ] {
        clock.set(recorded);
        store
            .execute(
                Submission::new(command(effective, s.assess(status, why)), "test:revisor")
                    .with_reason(why),
            )
            .unwrap();
    }

    let goal = s.goal.0;
    let ask = |as_of, valid_at| status_at(&db, &store, goal, as_of, valid_at);
    assert_eq!(
        ask(None, "2026-11-26").as_deref(),
        Some("NOT_ACHIEVED"),
        "status today"
    );
    assert_eq!(
        ask(None, "2021-12-31").as_deref(),
        Some("ACHIEVED"),
        "per 31.12.2021 as known today"
    );
    assert_eq!(
        ask(Some("2022-03-10"), "2021-12-31").as_deref(),
        Some("PARTIALLY_ACHIEVED"),
        "shown on 10 March 2022"
    );
    assert_eq!(
        ask(Some("2022-01-15"), "2021-12-31").as_deref(),
        Some("IN_PROGRESS"),
        "shown on 15 January 2022"
    );
    assert_eq!(
        ask(None, "2021-09-01").as_deref(),
        Some("IN_PROGRESS"),
        "per 1.9.2021"
    );
    assert_eq!(
        ask(Some("2022-10-01"), "2022-10-01").as_deref(),
        Some("ACHIEVED"),
        "1.10.2022 as known then"
    );
    assert_eq!(ask(None, "2021-05-31"), None, "before the first assessment");
}

#[test]
fn a_later_correction_never_changes_an_earlier_as_of_answer() {
    let db = TestDb::new();
    let clock = ManualClock::at("2022-03-07T09:00:00Z");
    let store = db.open_with_clock(clock.clone());
    let s = Scenario::create(&store);
    submit(
        &store,
        "2021-12-31",
        s.assess(PartiallyAchieved, "annual report 2021"),
    )
    .unwrap();
    let before = status_at(&db, &store, s.goal.0, Some("2022-03-10"), "2021-12-31");

    clock.set("2022-04-01T09:00:00Z");
    submit(&store, "2021-12-31", s.assess(Achieved, "correction")).unwrap();

    assert_eq!(before.as_deref(), Some("PARTIALLY_ACHIEVED"));
    assert_eq!(
        status_at(&db, &store, s.goal.0, Some("2022-03-10"), "2021-12-31"),
        before
    );
    assert_eq!(
        status_at(&db, &store, s.goal.0, None, "2021-12-31").as_deref(),
        Some("ACHIEVED")
    );
}

#[test]
fn an_entity_does_not_exist_before_its_effective_date_or_before_it_was_recorded() {
    let db = TestDb::new();
    let clock = ManualClock::at("2015-06-01T12:00:00Z");
    let store = db.open_with_clock(clock.clone());
    let s = Scenario::create(&store); // effective 2015-06-01, recorded 2015-06-01 12:00
    let reader = store.reader().unwrap();

    let day_before = snapshot(
        &reader,
        Moment {
            as_of: u64::MAX,
            valid_at: date("2015-05-31"),
        },
    )
    .unwrap();
    assert!(!day_before.contains_key(&(s.goal.0, "exists".into())));
    let that_day = snapshot(
        &reader,
        Moment {
            as_of: u64::MAX,
            valid_at: date("2015-06-01"),
        },
    )
    .unwrap();
    assert_eq!(
        that_day.get(&(s.goal.0, "exists".into())),
        Some(&json!(true))
    );

    let before_recorded = position_at(&reader, instant("2015-06-01T11:59:59Z")).unwrap();
    assert_eq!(before_recorded, 0);
    let known_then = snapshot(
        &reader,
        Moment {
            as_of: before_recorded,
            valid_at: date("2020-01-01"),
        },
    )
    .unwrap();
    assert!(known_then.is_empty());
}

#[test]
fn recorded_time_never_decreases_even_when_the_clock_goes_back() {
    let db = TestDb::new();
    let clock = ManualClock::at("2022-01-01T00:00:00Z");
    let store = db.open_with_clock(clock.clone());
    let s = Scenario::create(&store);
    clock.set("2021-01-01T00:00:00Z");
    let appended = submit(
        &store,
        "2021-06-01",
        s.assess(InProgress, "clock went back"),
    )
    .unwrap();
    assert_eq!(
        appended.events[0].recorded_at,
        instant("2022-01-01T00:00:00Z")
    );
    assert!(store.verify().unwrap().problem.is_none());
}

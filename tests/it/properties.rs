//! Property: for random command sequences (many refused, clocks that stand
//! still and jump, effective dates out of order), the read models at every
//! recorded position and many valid-at dates equal an in-memory replay of
//! the log up to that position.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use serde_json::Value;
use sporbar::domain::*;
use sporbar::projection::{Moment, facts_of, position_at, snapshot};
use sporbar::store::{EventFilter, SqliteStore, Submission, payload};
use uuid::Uuid;

use crate::support::*;

#[derive(Clone, Debug)]
enum Op {
    Assess {
        goal: usize,
        status: usize,
        day: u16,
    },
    Reword {
        goal: usize,
        day: u16,
    },
    Retire {
        goal: usize,
        day: u16,
    },
    Budget {
        year: i64,
        category: usize,
        planned: i64,
        day: u16,
    },
    ActionStatus {
        status: usize,
        day: u16,
    },
    Rename {
        day: u16,
    },
    Join {
        member: usize,
        day: u16,
    },
    Leave {
        member: usize,
        day: u16,
    },
}

fn op() -> impl Strategy<Value = (Op, u32)> {
    let day = 0u16..3000; // days after 2013-01-01: before, inside and after the period
    let op = prop_oneof![
        4 => (0usize..2, 0usize..6, day.clone()).prop_map(|(goal, status, day)| Op::Assess { goal, status, day }),
        1 => (0usize..2, day.clone()).prop_map(|(goal, day)| Op::Reword { goal, day }),
        1 => (0usize..2, day.clone()).prop_map(|(goal, day)| Op::Retire { goal, day }),
        2 => (2014i64..2020, 0usize..7, -10i64..5_000_000, day.clone())
            .prop_map(|(year, category, planned, day)| Op::Budget { year, category, planned, day }),
        1 => (0usize..5, day.clone()).prop_map(|(status, day)| Op::ActionStatus { status, day }),
        1 => day.clone().prop_map(|day| Op::Rename { day }),
        1 => (0usize..3, day.clone()).prop_map(|(member, day)| Op::Join { member, day }),
        1 => (0usize..3, day).prop_map(|(member, day)| Op::Leave { member, day }),
    ];
    // Seconds the clock moves before the command: often zero (equal recorded_at).
    (op, prop_oneof![2 => Just(0u32), 3 => 1u32..200_000])
}

const MEMBERS: [&str; 3] = ["3006", "3048", "3050"];

fn day(offset: u16) -> NaiveDate {
    date("2013-01-01") + Duration::days(offset.into())
}

fn to_command(op: &Op, s: &Scenario, second_goal: GoalId) -> Command {
    let goal = |i: usize| if i == 0 { s.goal } else { second_goal };
    let (effective, body) = match op.clone() {
        Op::Assess {
            goal: g,
            status,
            day: d,
        } => (
            d,
            CommandBody::AssessGoal {
                id: goal(g),
                status: GoalStatus::ALL[status],
                justification: prose("vurdering"),
            },
        ),
        Op::Reword { goal: g, day: d } => (
            d,
            CommandBody::RewordGoal {
                id: goal(g),
                wording: prose(&format!("ny ordlyd {d}")),
            },
        ),
        Op::Retire { goal: g, day: d } => (d, CommandBody::RetireGoal { id: goal(g) }),
        Op::Budget {
            year,
            category,
            planned,
            day: d,
        } => {
            // Out-of-range values are refused by the value types; map them to
            // an in-range command so the domain rules get exercised too.
            let planned = Nok::from_kroner("planned", planned.max(0)).unwrap();
            (
                d,
                CommandBody::SetBudgetLine {
                    id: s.action,
                    year: Year::new(year).unwrap(),
                    category: BudgetCategory::ALL[category],
                    planned,
                    actual: None,
                },
            )
        }
        Op::ActionStatus { status, day: d } => (
            d,
            CommandBody::ChangeActionStatus {
                id: s.action,
                status: ActionStatus::ALL[status],
                note: None,
            },
        ),
        Op::Rename { day: d } => (
            d,
            CommandBody::RenameOrganization {
                id: s.organization,
                name: title(&format!("Kongsbergregionen {d}")),
            },
        ),
        Op::Join { member, day: d } => (
            d,
            CommandBody::AdmitMember {
                organization: s.organization,
                kommunenummer: Kommunenummer::parse(MEMBERS[member]).unwrap(),
                name: title("Medlemskommune"),
            },
        ),
        Op::Leave { member, day: d } => (
            d,
            CommandBody::RecordMemberLeaving {
                organization: s.organization,
                kommunenummer: Kommunenummer::parse(MEMBERS[member]).unwrap(),
            },
        ),
    };
    Command {
        effective: day(effective),
        body,
    }
}

/// The in-memory replay: every fact of every event up to `as_of`, effective
/// by `valid_at`, newest effective date first, then newest position.
fn replay(log: &[(u64, NaiveDate, Event)], moment: Moment) -> BTreeMap<(Uuid, String), Value> {
    let mut newest: BTreeMap<(Uuid, String), (NaiveDate, u64, Value)> = BTreeMap::new();
    for (position, effective, event) in log {
        if *position > moment.as_of || *effective > moment.valid_at {
            continue;
        }
        for fact in facts_of(event) {
            let key = (fact.entity_id, fact.field);
            let candidate = (*effective, *position, fact.value);
            match newest.get(&key) {
                Some((d, p, _)) if (*d, *p) > (candidate.0, candidate.1) => {}
                _ => {
                    newest.insert(key, candidate);
                }
            }
        }
    }
    newest.into_iter().map(|(k, (_, _, v))| (k, v)).collect()
}

fn check(ops: Vec<(Op, u32)>) -> Result<(), TestCaseError> {
    let db = TestDb::new();
    let clock = ManualClock::at("2015-06-01T08:00:00Z");
    let store: SqliteStore = db.open_with_clock(clock.clone());
    let s = Scenario::create(&store);
    let second_goal = GoalId::new_random();
    submit(
        &store,
        "2015-06-01",
        CommandBody::DefineGoal {
            id: second_goal,
            focus_area: s.area,
            number: GoalNumber::parse("4").unwrap(),
            wording: prose("Kommunene bruker sosiale medier"),
            carried_over_from: None,
        },
    )
    .unwrap();
    for (op, seconds) in &ops {
        clock.advance_seconds((*seconds).into());
        let _ = store.execute(Submission::new(
            to_command(op, &s, second_goal),
            "test:property",
        ));
    }

    let stored = store.read_events(&EventFilter::default()).unwrap();
    let log: Vec<(u64, NaiveDate, Event)> = stored
        .iter()
        .map(|e| {
            (
                e.position,
                e.effective_at,
                payload::decode(&e.event_type, e.schema_version, &e.payload).unwrap(),
            )
        })
        .collect();
    let mut dates: BTreeSet<NaiveDate> = log.iter().map(|(_, d, _)| *d).collect();
    for d in dates.clone() {
        dates.insert(d - Duration::days(1));
    }
    dates.insert(date("2100-01-01"));
    let reader = store.reader().unwrap();
    let head = log.len() as u64;
    for as_of in 0..=head {
        for valid_at in &dates {
            let moment = Moment {
                as_of,
                valid_at: *valid_at,
            };
            let from_read_model = snapshot(&reader, moment).unwrap();
            prop_assert_eq!(
                &from_read_model,
                &replay(&log, moment),
                "as of {} valid at {}",
                as_of,
                valid_at
            );
        }
    }
    // As of an instant: the position reached then is the last event recorded
    // at or before it, however many share that instant.
    for event in &stored {
        let position = position_at(&reader, event.recorded_at).unwrap();
        let last_at_instant = stored
            .iter()
            .filter(|e| e.recorded_at <= event.recorded_at)
            .map(|e| e.position)
            .max();
        prop_assert_eq!(Some(position), last_at_instant);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn read_models_as_of_every_position_and_valid_at_any_date_equal_a_replay_of_the_log(
        ops in proptest::collection::vec(op(), 1..35)
    ) {
        check(ops)?;
    }
}

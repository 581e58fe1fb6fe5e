//! Plan files in: every rule of the domain applies, re-importing appends
//! nothing, an edit appends only itself, a wrong file appends nothing and
//! says where it is wrong.

use sporbar::plan::{self, PlanError};
use sporbar::read::{self, Moment};

use crate::support::*;

const PLAN: &str = r#"
format = 1

[organization]
key = "kongsbergregionen"
name = "Kongsbergregionen"
registered = 2015-01-01

[[organization.members]]
kommunenummer = "3006"
name = "Kongsberg"
joined = 2015-01-01

[[organization.working_groups]]
key = "suksit"
name = "SuksIT"
formed = 2015-01-01

[[strategies]]
key = "strategi-2015-2018"
title = "Regional digitaliseringsstrategi 2015–2018"
start_year = 2015
end_year = 2018
vision = "Innbyggerne og næringslivet i Kongsbergregionen tilbys fremtidsrettede digitale tjenester."
drafted = 2015-03-01
adopted = { by = "Rådmannsutvalget", on = 2015-06-01 }

[[strategies.focus_areas]]
number = 2
title = "Strategisk ledelse og IKT"

[[strategies.focus_areas.goals]]
number = "2.2"
wording = "Kommunene har IKT-strategi og handlingsplan knyttet til organisasjonens overordnede planer"
assessments = [
  { on = 2015-09-30, status = "ACHIEVED", justification = "Mål 2 anses å være nådd gjennom kommunenes tilslutning til regional digitaliseringsstrategi." },
]

[[strategies.actions]]
key = "hp-kompetanse"
kind = "MAIN_PROJECT"
title = "Digital Kompetanse 2016-2018"
owner = "suksit"
members_involved = ["3006"]
start_year = 2016
end_year = 2018
goals = ["2.2"]
planned = 2015-10-01
budget = [
  { year = 2016, category = "PROJECT_MANAGEMENT", planned = 300_000 },
  { year = 2017, category = "PROJECT_MANAGEMENT", planned = 300_000 },
]
"#;

fn today() -> chrono::NaiveDate {
    date("2026-11-26")
}

fn events(db: &TestDb) -> u64 {
    db.raw()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_plan_file_becomes_commands_recorded_by_the_import_with_the_files_dates() {
    let db = TestDb::new();
    let store = db.open();
    let report = plan::import(&store, "kongsbergregionen.toml", PLAN, today()).unwrap();
    assert_eq!(report.events, 11);
    assert_eq!(events(&db), 11);
    let actors: Vec<String> = db
        .raw()
        .prepare("SELECT DISTINCT actor FROM events")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actors, vec!["import:kongsbergregionen.toml"]);

    let reader = store.reader().unwrap();
    let ids = read::strategy_ids(&reader, None, Moment::now(today())).unwrap();
    let view = read::strategy(&reader, ids[0], Moment::now(today()))
        .unwrap()
        .unwrap();
    assert_eq!(
        view.adoption.as_ref().unwrap().effective_at,
        date("2015-06-01")
    );
    let goal = &view.areas[0].goals[0];
    assert_eq!(goal.assessment().unwrap().value.status, "ACHIEVED");
    assert_eq!(goal.assessment().unwrap().effective_at, date("2015-09-30"));
    assert_eq!(
        view.actions[0]
            .budget
            .iter()
            .map(|l| l.planned)
            .sum::<i64>(),
        600_000
    );
    // Valid-time from the file: before the strategy was drafted it did not exist.
    assert!(
        read::strategy(
            &reader,
            ids[0],
            Moment {
                as_of: u64::MAX,
                valid_at: date("2015-02-28")
            }
        )
        .unwrap()
        .is_none()
    );
}

#[test]
fn importing_the_same_file_again_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    plan::import(&store, "kongsbergregionen.toml", PLAN, today()).unwrap();
    let again = plan::import(&store, "kongsbergregionen.toml", PLAN, today()).unwrap();
    assert_eq!((again.commands, again.events), (0, 0));
    assert_eq!(events(&db), 11);
}

#[test]
fn an_edited_file_appends_exactly_its_edits() {
    let db = TestDb::new();
    let store = db.open();
    plan::import(&store, "kongsbergregionen.toml", PLAN, today()).unwrap();
    let edited = PLAN
        .replace(
            "{ year = 2017, category = \"PROJECT_MANAGEMENT\", planned = 300_000 },",
            "{ year = 2017, category = \"PROJECT_MANAGEMENT\", planned = 350_000 },\n  { year = 2018, category = \"PURCHASED_SERVICES\", planned = 50_000 },",
        )
        .replace("title = \"Digital Kompetanse 2016-2018\"", "title = \"Digital kompetanse 2016–2018\"");
    let report = plan::import(&store, "kongsbergregionen.toml", &edited, today()).unwrap();
    assert_eq!(report.events, 3);
    let types: Vec<String> = db
        .raw()
        .prepare("SELECT event_type FROM events WHERE position > 11 ORDER BY position")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        types,
        vec!["ActionRevised", "BudgetLineSet", "BudgetLineSet"]
    );
    let revised: String = db
        .raw()
        .query_row(
            "SELECT effective_at FROM events WHERE position = 12",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        revised, "2026-11-26",
        "a change the file gives no date for takes effect on the import day"
    );
}

#[test]
fn a_file_that_is_not_a_plan_names_the_line_and_field_and_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    let broken = PLAN.replace("start_year = 2016", "start_yeer = 2016");
    let error = plan::import(&store, "kongsbergregionen.toml", &broken, today()).unwrap_err();
    let PlanError::Parse {
        file,
        line,
        message,
        ..
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(file, "kongsbergregionen.toml");
    assert!(message.contains("start_yeer"), "{message}");
    let field = broken
        .lines()
        .position(|l| l.starts_with("start_yeer"))
        .unwrap()
        + 1;
    assert_eq!(*line, field, "the line of the unknown field");
    assert_eq!(events(&db), 0);

    let bad_date = PLAN.replace("joined = 2015-01-01", "joined = \"1. januar 2015\"");
    let error = plan::import(&store, "kongsbergregionen.toml", &bad_date, today()).unwrap_err();
    let line = PLAN
        .lines()
        .position(|l| l.starts_with("joined ="))
        .unwrap()
        + 1;
    assert!(
        error
            .to_string()
            .starts_with(&format!("kongsbergregionen.toml:{line}:")),
        "{error}"
    );
    assert_eq!(events(&db), 0);
}

#[test]
fn a_file_that_breaks_a_rule_names_the_item_and_appends_nothing_at_all() {
    let db = TestDb::new();
    let store = db.open();
    // Everything before the broken budget line is fine, and still nothing lands.
    let broken = PLAN.replace("{ year = 2017, category", "{ year = 2019, category");
    let error = plan::import(&store, "kongsbergregionen.toml", &broken, today()).unwrap_err();
    let line = broken
        .lines()
        .position(|l| l.contains("year = 2019"))
        .unwrap()
        + 1;
    assert_eq!(
        error.to_string(),
        format!(
            "kongsbergregionen.toml:{line}: strategies[0].actions[0].budget[1]: year: '2019' is outside the action's period 2016–2018"
        )
    );
    assert_eq!(events(&db), 0);

    let bad_number = PLAN.replace("number = \"2.2\"", "number = \"2.x\"");
    let error = plan::import(&store, "kongsbergregionen.toml", &bad_number, today()).unwrap_err();
    let line = PLAN
        .lines()
        .position(|l| l.starts_with("[[strategies.focus_areas.goals]]"))
        .unwrap()
        + 1;
    assert!(
        error.to_string().starts_with(&format!(
            "kongsbergregionen.toml:{line}: strategies[0].focus_areas[0].goals[0]: number:"
        )),
        "{error}"
    );
    assert_eq!(events(&db), 0);
}

/// The list limits live in `decide`, so a plan file meets them too: an
/// action serving 101 goals is refused at its line, and nothing lands.
#[test]
fn an_action_serving_more_than_100_goals_is_refused_in_a_plan_file_too() {
    let db = TestDb::new();
    let store = db.open();
    let numbers: Vec<String> = (10..=110).map(|n| format!("2.{n}")).collect();
    let goals: String = numbers
        .iter()
        .map(|n| {
            format!("\n[[strategies.focus_areas.goals]]\nnumber = \"{n}\"\nwording = \"Delmål\"\n")
        })
        .collect();
    let listed = numbers
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let many = PLAN
        .replace(
            "\n[[strategies.actions]]",
            &format!("{goals}\n[[strategies.actions]]"),
        )
        .replace("goals = [\"2.2\"]", &format!("goals = [{listed}]"));
    let error = plan::import(&store, "kongsbergregionen.toml", &many, today()).unwrap_err();
    let line = many
        .lines()
        .position(|l| l.starts_with("[[strategies.actions]]"))
        .unwrap()
        + 1;
    assert_eq!(
        error.to_string(),
        format!(
            "kongsbergregionen.toml:{line}: strategies[0].actions[0]: goals: lists 101 goals; an action serves at most 100"
        )
    );
    assert_eq!(events(&db), 0);
}

/// Export → import into an empty store → export gives the same file.
fn round_trip(plan_text: &str) {
    let first_db = TestDb::new();
    let first = first_db.open();
    plan::import(&first, "plan.toml", plan_text, today()).unwrap();
    let organization = {
        let reader = first.reader().unwrap();
        read::organization_ids(&reader, Moment::now(today())).unwrap()[0]
    };
    let everything = Moment {
        as_of: u64::MAX,
        valid_at: read::LAST_DATE,
    };
    let exported = plan::export(&first.reader().unwrap(), organization, everything)
        .unwrap()
        .unwrap();

    let second_db = TestDb::new();
    let second = second_db.open();
    plan::import(&second, "exported.toml", &exported, today()).unwrap();
    let again = plan::export(&second.reader().unwrap(), organization, everything)
        .unwrap()
        .unwrap();
    assert_eq!(
        exported.lines().skip(1).collect::<Vec<_>>(),
        again.lines().skip(1).collect::<Vec<_>>()
    );
    // And importing the export into the store it came from changes nothing.
    let report = plan::import(&first, "exported.toml", &exported, today()).unwrap();
    assert_eq!(report.events, 0, "{exported}");
}

#[test]
fn export_then_import_into_an_empty_store_then_export_gives_the_same_file() {
    round_trip(PLAN);
}

/// The same rule as through the API (`api_mutations::
/// a_goal_numbered_for_another_focus_area_is_refused`), from `decide`: a
/// dotted goal number names its focus area.
#[test]
fn a_goal_numbered_for_another_focus_area_is_refused_in_a_plan_file_too() {
    let db = TestDb::new();
    let store = db.open();
    let wrong = PLAN
        .replace("number = \"2.2\"", "number = \"3.2\"")
        .replace("goals = [\"2.2\"]", "goals = [\"3.2\"]");
    let error = plan::import(&store, "kongsbergregionen.toml", &wrong, today()).unwrap_err();
    let PlanError::Invalid { message, .. } = &error else {
        panic!("{error}")
    };
    assert!(
        message.contains("goal '3.2' belongs in focus area '3', not in focus area '2'"),
        "{error}"
    );
    assert_eq!(events(&db), 0, "nothing appended");
}

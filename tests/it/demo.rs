//! The demo data: the source documents as plan files. They import cleanly,
//! re-import appends nothing, they round-trip, and Kongsbergregionen's
//! budget adds up to the document's own tables.

use serde_json::json;
use sporbar::plan;

use crate::api_support::*;
use crate::support::*;

#[test]
fn every_demo_file_imports_and_importing_again_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    let first = plan::load_demo(&store, date("2026-11-26")).unwrap();
    for (name, report) in &first {
        assert!(
            report.events > 10,
            "{name} appended only {} events",
            report.events
        );
    }
    let again = plan::load_demo(&store, date("2026-11-26")).unwrap();
    for (name, report) in again {
        assert_eq!(
            report.events, 0,
            "{name} appended events on the second import"
        );
    }
    assert!(store.verify().unwrap().problem.is_none());
}

#[test]
fn every_demo_file_round_trips_through_export() {
    for (name, text) in plan::DEMO_FILES {
        let first_db = TestDb::new();
        let first = first_db.open();
        plan::import(&first, name, text, date("2026-11-26")).unwrap();
        let everything = sporbar::read::Moment {
            as_of: u64::MAX,
            valid_at: sporbar::read::LAST_DATE,
        };
        let organization =
            sporbar::read::organization_ids(&first.reader().unwrap(), everything).unwrap()[0];
        let exported = plan::export(&first.reader().unwrap(), organization, everything)
            .unwrap()
            .unwrap();
        let second_db = TestDb::new();
        let second = second_db.open();
        plan::import(&second, "exported.toml", &exported, date("2026-11-26")).unwrap();
        let again = plan::export(&second.reader().unwrap(), organization, everything)
            .unwrap()
            .unwrap();
        assert_eq!(
            exported.lines().skip(1).collect::<Vec<_>>(),
            again.lines().skip(1).collect::<Vec<_>>(),
            "{name}"
        );
    }
}

/// "Samlet budsjett for alle satsningsområdene/tiltak i perioden" in
/// Kongsbergregionen's tiltaksplan 2016–2018 (seed 002): per area and year.
const KONGSBERG_BUDGET: &[(u8, [i64; 3])] = &[
    (1, [300_000, 1_250_000, 2_000_000]),
    (3, [650_000, 550_000, 200_000]),
    (4, [5_350_000, 4_950_000, 1_200_000]),
    (6, [300_000, 300_000, 300_000]),
    (7, [3_630_300, 2_830_300, 1_328_000]),
    (8, [350_000, 1_250_000, 260_000]),
    (9, [300_000, 400_000, 400_000]),
];

#[tokio::test]
async fn kongsbergregionens_budget_equals_the_documents_totals_per_area_and_year() {
    let app = spawn_app().await;
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || plan::load_demo(&store, date("2026-11-26")).unwrap())
        .await
        .unwrap();
    let data = app
        .ok(
            "{ strategies { nodes { title budgetTotals { year planned } focusAreas { number budgetTotals { year planned } } } } }",
            json!({}),
        )
        .await;
    let strategy = data["strategies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().contains("2015"))
        .expect("Kongsbergregionen's strategy 2015–2018");
    let planned = |totals: &serde_json::Value, year: i64| {
        totals
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["year"] == year)
            .map(|t| t["planned"].as_i64().unwrap())
            .unwrap_or(0)
    };
    for (number, per_year) in KONGSBERG_BUDGET {
        let area = strategy["focusAreas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["number"] == *number)
            .unwrap();
        for (year, expected) in (2016..=2018).zip(per_year) {
            assert_eq!(
                planned(&area["budgetTotals"], year),
                *expected,
                "area {number}, {year}"
            );
        }
    }
    for (year, total) in [(2016, 10_880_300), (2017, 11_530_300), (2018, 5_688_000)] {
        assert_eq!(
            planned(&strategy["budgetTotals"], year),
            total,
            "total {year}"
        );
    }
}

#[tokio::test]
async fn strategies_page_through_as_a_connection() {
    let app = spawn_app().await;
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || plan::load_demo(&store, date("2026-11-26")).unwrap())
        .await
        .unwrap();
    let page = "query($after: String) { strategies(first: 2, after: $after) { nodes { title } pageInfo { hasNextPage endCursor } } }";
    let first = app.ok(page, json!({ "after": null })).await;
    assert_eq!(first["strategies"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(first["strategies"]["pageInfo"]["hasNextPage"], true);
    let rest = app
        .ok(
            page,
            json!({ "after": first["strategies"]["pageInfo"]["endCursor"] }),
        )
        .await;
    let titles: Vec<&str> = first["strategies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["strategies"]["nodes"].as_array().unwrap())
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles.len(),
        4,
        "Kongsbergregionen 1, IKT Orkidé 2, Digitale Helgeland 1: {titles:?}"
    );
    assert_eq!(rest["strategies"]["pageInfo"]["hasNextPage"], false);
    let (code, _, extensions) = app
        .error("{ strategies(first: 101) { nodes { title } } }", json!({}))
        .await;
    assert_eq!(
        (code.as_str(), &extensions["field"]),
        ("VALIDATION", &json!("first"))
    );
}

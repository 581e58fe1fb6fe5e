//! Exports through the API: the annual status report of a demo strategy
//! and the plan file, as the web page would offer them for download.

use serde_json::json;
use sporbar::plan;

use crate::api_support::*;
use crate::support::*;

async fn demo_app() -> TestApp {
    let app = spawn_app().await;
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || plan::load_demo(&store, date("2026-11-26")).unwrap())
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn the_annual_report_of_a_demo_strategy_has_every_focus_area_with_its_charts() {
    let app = demo_app().await;
    let data = app
        .ok("{ strategies(year: 2016) { nodes { title reportUrl(year: 2016) focusAreas { number title } } } }", json!({}))
        .await;
    let strategy = data["strategies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().contains("2015"))
        .unwrap();
    let response = app
        .client
        .get(app.url(strategy["reportUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("statusrapport-2016.html")
    );
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"nb\">"));
    let areas = strategy["focusAreas"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    for area in areas {
        let heading = format!(
            "{}. {}</h2>",
            area["number"],
            area["title"].as_str().unwrap()
        );
        assert!(html.contains(&heading), "missing {heading}");
    }
    // Two charts for the whole strategy and two per focus area, each with a text title.
    assert_eq!(html.matches("<svg").count(), 2 + 2 * areas.len());
    assert_eq!(
        html.matches("role=\"img\"").count(),
        html.matches("<svg").count()
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
    assert!(html.contains("Status per 31.12.2016"));
    assert!(
        html.contains("Mål 2 anses å være nådd"),
        "justifications are in the report"
    );
    assert!(
        html.contains("1\u{a0}250\u{a0}000\u{a0}kr") || html.contains("300\u{a0}000\u{a0}kr"),
        "amounts in Norwegian format"
    );

    let markdown = app
        .client
        .get(
            app.url(
                &strategy["reportUrl"]
                    .as_str()
                    .unwrap()
                    .replace("report.html", "report.md"),
            ),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for area in areas {
        assert!(markdown.contains(&format!(
            "## {}. {}",
            area["number"],
            area["title"].as_str().unwrap()
        )));
    }
}

#[tokio::test]
async fn a_report_for_an_unknown_strategy_or_without_a_year_is_refused_clearly() {
    let app = spawn_app().await;
    let missing = app
        .client
        .get(app.url(&format!(
            "/export/strategies/{}/report.html?year=2016",
            uuid::Uuid::new_v4()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let no_year = app
        .client
        .get(app.url(&format!(
            "/export/strategies/{}/report.html",
            uuid::Uuid::new_v4()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(no_year.status(), 400);
}

#[tokio::test]
async fn the_plan_file_download_imports_into_an_empty_store_unchanged() {
    let app = demo_app().await;
    let data = app
        .ok(
            "{ organizations { nodes { name planFileUrl } } }",
            json!({}),
        )
        .await;
    let orkide = data["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "IKT Orkidé")
        .unwrap();
    let text = app
        .client
        .get(app.url(orkide["planFileUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let server = app.store.clone();
    let (into_empty, into_server) = tokio::task::spawn_blocking(move || {
        let empty = TestDb::new();
        let store = empty.open();
        let into_empty = plan::import(&store, "plan.toml", &text, date("2026-11-26")).unwrap();
        (
            into_empty,
            plan::import(&server, "plan.toml", &text, date("2026-11-26")).unwrap(),
        )
    })
    .await
    .unwrap();
    assert!(into_empty.events > 50);
    assert_eq!(
        into_server.events, 0,
        "the download describes exactly what the server holds"
    );
}

#[tokio::test]
async fn the_action_plan_downloads_as_a_sheet_that_imports_back_unchanged() {
    let app = demo_app().await;
    let data = app
        .ok(
            "{ strategies(year: 2016) { nodes { id title } } }",
            json!({}),
        )
        .await;
    let strategy = data["strategies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().contains("2015"))
        .unwrap();
    let id: uuid::Uuid = strategy["id"].as_str().unwrap().parse().unwrap();
    let csv = app
        .client
        .get(app.url(&format!(
            "/export/strategies/{id}/actions.csv?validAt=2018-12-31"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("\u{feff}Satsingsområde;Tiltak;Type;Mål;Ansvarlig;Status;Fra år;Til år;Sanering;Beskrivelse;Kategori;Budsjett 2016;Budsjett 2017;Budsjett 2018"));
    assert!(csv.contains("Hovedprosjekt Digital dialog"));
    let server = app.store.clone();
    let report = tokio::task::spawn_blocking(move || {
        plan::import_sheet(
            &server,
            "tiltaksplan.csv",
            csv.as_bytes(),
            id,
            date("2026-11-26"),
        )
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        report.events, 0,
        "the exported action plan is what the server holds"
    );

    let workbook = app
        .client
        .get(app.url(&format!("/export/strategies/{id}/strategy.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(workbook.status(), 200);
    let bytes = workbook.bytes().await.unwrap();
    use calamine::Reader;
    let workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Mål", "Tiltak", "Gevinster"]);
    for table in ["goals.csv", "benefits.csv"] {
        let response = app
            .client
            .get(app.url(&format!("/export/strategies/{id}/{table}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{table}");
    }
}

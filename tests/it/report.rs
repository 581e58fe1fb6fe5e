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

/// The 2015–2018 strategy of the demo data, and its organization.
async fn kongsbergregionen_2015(app: &TestApp) -> (String, String) {
    let data = app
        .ok(
            "{ strategies(year: 2016) { nodes { id title organization { id } } } }",
            json!({}),
        )
        .await;
    let strategy = data["strategies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().contains("2015"))
        .unwrap();
    (
        strategy["id"].as_str().unwrap().to_owned(),
        strategy["organization"]["id"].as_str().unwrap().to_owned(),
    )
}

/// The status, content type and text of a download.
async fn download(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// Regression: `report.md?year=-2147483648` answered a report "per
/// 31.12.9999" (and a debug build a 500): the year was any `i32`, and the
/// year before it wrapped round.
#[tokio::test]
async fn a_report_for_a_year_outside_1900_to_2200_is_refused_with_400_naming_the_year() {
    let app = demo_app().await;
    let (strategy, _) = kongsbergregionen_2015(&app).await;
    for report in ["report.html", "report.md"] {
        for year in ["-2147483648", "0", "1899", "2201", "2147483648"] {
            let (status, content_type, text) = download(
                &app,
                &format!("/export/strategies/{strategy}/{report}?year={year}"),
            )
            .await;
            assert_eq!(
                (status, content_type.as_str(), text.as_str()),
                (
                    400,
                    "text/plain; charset=utf-8",
                    format!("year: '{year}' is outside 1900..=2200").as_str()
                ),
                "{report}?year={year}"
            );
        }
        // Not a number at all, or too large for any year: refused by the
        // query string's own parsing, which names the parameter too.
        for year in ["abc", "2016.5", "99999999999999999999"] {
            let (status, _, text) = download(
                &app,
                &format!("/export/strategies/{strategy}/{report}?year={year}"),
            )
            .await;
            assert_eq!(status, 400, "{report}?year={year}: {text}");
            assert!(text.contains("year"), "{report}?year={year}: {text}");
        }
        let (status, _, _) = download(
            &app,
            &format!("/export/strategies/{strategy}/{report}?year=2200"),
        )
        .await;
        assert_eq!(status, 200, "the last year is a year");
    }
}

#[tokio::test]
async fn a_download_with_a_malformed_valid_at_or_as_of_is_refused_with_400() {
    let app = demo_app().await;
    let (strategy, organization) = kongsbergregionen_2015(&app).await;
    let downloads = [
        format!("/export/strategies/{strategy}/report.md?year=2016&"),
        format!("/export/strategies/{strategy}/report.html?year=2016&"),
        format!("/export/strategies/{strategy}/goals.csv?"),
        format!("/export/strategies/{strategy}/actions.csv?"),
        format!("/export/strategies/{strategy}/benefits.csv?"),
        format!("/export/strategies/{strategy}/strategy.xlsx?"),
        format!("/export/organizations/{organization}/plan.toml?"),
    ];
    for download_path in &downloads {
        for (parameter, bad) in [
            ("validAt", "2021-02-30"),
            ("validAt", "31.12.2021"),
            ("validAt", "-2147483648"),
            ("asOf", "yesterday"),
            ("asOf", "2021-12-31"),
            ("asOf", "%2B275760-01-01T00:00:00Z"),
        ] {
            let (status, content_type, text) =
                download(&app, &format!("{download_path}{parameter}={bad}")).await;
            assert_eq!(
                (status, content_type.as_str()),
                (400, "text/plain; charset=utf-8"),
                "{download_path}{parameter}={bad}: {text}"
            );
            assert!(
                text.contains(parameter),
                "{download_path}{parameter}={bad}: {text}"
            );
        }
    }
}

/// Regression: a well-formed `validAt` beyond the year 9999 found no
/// strategy, because the read models compare dates as four-digit-year
/// text; it now means the last date a question can name, as in GraphQL.
#[tokio::test]
async fn a_download_valid_at_a_date_beyond_9999_is_the_download_valid_at_the_last_date() {
    let app = demo_app().await;
    let (strategy, organization) = kongsbergregionen_2015(&app).await;
    for download_path in [
        format!("/export/strategies/{strategy}/goals.csv"),
        format!("/export/strategies/{strategy}/actions.csv"),
        format!("/export/organizations/{organization}/plan.toml"),
    ] {
        let last = download(&app, &format!("{download_path}?validAt=9999-12-31")).await;
        let beyond = download(&app, &format!("{download_path}?validAt=%2B99999-01-01")).await;
        assert_eq!(last.0, 200, "{download_path}: {}", last.2);
        assert_eq!(beyond, last, "{download_path}");
    }
}

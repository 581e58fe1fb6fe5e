//! Downloads: the exports of a strategy or organization at any moment, as
//! files, so the web page can offer them as links.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::http::HttpState;
use crate::domain::Year;
use crate::read::{self, Moment};

/// The query string of a download. A parameter that is not what it says
/// (`year=abc`, `validAt=2021-02-30`, `asOf=yesterday`, a number too large
/// for an `i64`) is refused by axum's `Query` with 400 and a message naming it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    /// The report's year (status per 31.12): any whole number here, so that
    /// `Year::new` refuses one outside the product's years with its message.
    year: Option<i64>,
    /// The world at this date (plan file; default: every date).
    valid_at: Option<NaiveDate>,
    /// What the system knew at this instant (default: now).
    as_of: Option<DateTime<Utc>>,
}

impl ExportParams {
    /// `validAt` kept within the dates a question can name, as the GraphQL
    /// `validAt` is: the read models compare dates as four-digit-year text,
    /// so 0001-01-01 and "+99999-01-01" would otherwise sort wrongly and
    /// find nothing.
    fn valid_at(&self) -> Option<NaiveDate> {
        self.valid_at
            .map(|date| date.clamp(read::FIRST_DATE, read::LAST_DATE))
    }
}

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/export/strategies/{id}/report.html", get(report_html))
        .route("/export/strategies/{id}/report.md", get(report_markdown))
        .route("/export/organizations/{id}/plan.toml", get(plan_file))
        .route("/export/strategies/{id}/{table}", get(table_file))
}

fn download(content_type: &'static str, file_name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn problem(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn report(
    state: HttpState,
    id: Uuid,
    params: ExportParams,
) -> Result<crate::report::AnnualReport, Response> {
    let year = params.year.ok_or_else(|| {
        problem(
            StatusCode::BAD_REQUEST,
            "give the report's year: ?year=2021".into(),
        )
    })?;
    let year = Year::new(year).map_err(|e| problem(StatusCode::BAD_REQUEST, e.to_string()))?;
    let as_of = params.as_of;
    let found = state
        .app
        .read(move |conn| {
            let position = crate::projection::position_as_of(conn, as_of)?;
            Ok(crate::report::annual_report(conn, id, year, position)?)
        })
        .await
        .map_err(|e| {
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the report could not be made: {}", e.message()),
            )
        })?;
    found.ok_or_else(|| {
        problem(
            StatusCode::NOT_FOUND,
            format!("no strategy '{id}' per 31.12.{}", year.get()),
        )
    })
}

/// The annual report as a self-contained HTML page or as Markdown.
async fn report_file(state: HttpState, id: Uuid, params: ExportParams, markdown: bool) -> Response {
    match report(state, id, params).await {
        Ok(report) if markdown => download(
            "text/markdown; charset=utf-8",
            format!("statusrapport-{}.md", report.year),
            crate::report::to_markdown(&report),
        ),
        Ok(report) => download(
            "text/html; charset=utf-8",
            format!("statusrapport-{}.html", report.year),
            crate::report::to_html(&report),
        ),
        Err(response) => response,
    }
}

async fn report_html(
    State(state): State<HttpState>,
    Path(id): Path<Uuid>,
    Query(params): Query<ExportParams>,
) -> Response {
    report_file(state, id, params, false).await
}

async fn report_markdown(
    State(state): State<HttpState>,
    Path(id): Path<Uuid>,
    Query(params): Query<ExportParams>,
) -> Response {
    report_file(state, id, params, true).await
}

async fn plan_file(
    State(state): State<HttpState>,
    Path(id): Path<Uuid>,
    Query(params): Query<ExportParams>,
) -> Response {
    let (valid_at, as_of) = (params.valid_at(), params.as_of);
    let text = state
        .app
        .read(move |conn| {
            let position = crate::projection::position_as_of(conn, as_of)?;
            let moment = Moment {
                as_of: position,
                valid_at: valid_at.unwrap_or(read::LAST_DATE),
            };
            Ok(crate::plan::export(conn, id, moment)?)
        })
        .await;
    match text {
        Ok(Some(text)) => download("application/toml; charset=utf-8", "plan.toml".into(), text),
        Ok(None) => problem(StatusCode::NOT_FOUND, format!("no organization '{id}'")),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the export failed: {}", e.message()),
        ),
    }
}

/// The strategy's tables at a moment: `goals.csv`, `actions.csv` (the
/// layout `sporbar import` reads back), `benefits.csv`, or all three as
/// `strategy.xlsx`.
async fn table_file(
    State(state): State<HttpState>,
    Path((id, table)): Path<(Uuid, String)>,
    Query(params): Query<ExportParams>,
) -> Response {
    let (valid_at, as_of) = (params.valid_at(), params.as_of);
    let views = state
        .app
        .read(move |conn| {
            let position = crate::projection::position_as_of(conn, as_of)?;
            let moment = Moment {
                as_of: position,
                valid_at: valid_at.unwrap_or_else(super::today),
            };
            let Some(view) = read::strategy(conn, id, moment)? else {
                return Ok(None);
            };
            let organization = read::organization(conn, view.organization_id, moment)?;
            Ok(Some((view, organization)))
        })
        .await;
    let (view, organization) = match views {
        Ok(Some(views)) => views,
        Ok(None) => {
            return problem(
                StatusCode::NOT_FOUND,
                format!("no strategy '{id}' at that moment"),
            );
        }
        Err(e) => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the export failed: {}", e.message()),
            );
        }
    };
    use crate::report::tables;
    let csv = |table: tables::Table| {
        download(
            "text/csv; charset=utf-8",
            format!("{}.csv", table.name.to_lowercase()),
            tables::to_csv(&table),
        )
    };
    match table.as_str() {
        "goals.csv" => csv(tables::goals(&view)),
        "actions.csv" => csv(tables::actions(&view, organization.as_ref())),
        "benefits.csv" => csv(tables::benefits(&view)),
        "strategy.xlsx" => {
            let all = [
                tables::goals(&view),
                tables::actions(&view, organization.as_ref()),
                tables::benefits(&view),
            ];
            match tables::to_xlsx(&all) {
                Ok(bytes) => (
                    [
                        (
                            header::CONTENT_TYPE,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                .to_owned(),
                        ),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"strategi.xlsx\"".to_owned(),
                        ),
                    ],
                    bytes,
                )
                    .into_response(),
                Err(e) => problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the workbook could not be written: {e}"),
                ),
            }
        }
        other => problem(
            StatusCode::NOT_FOUND,
            format!(
                "no export called '{other}': goals.csv, actions.csv, benefits.csv, strategy.xlsx, report.html, report.md"
            ),
        ),
    }
}

//! The annual status report (årsrapport / statusrapport) of a strategy:
//! per focus area the goal status with justifications, attainment against
//! the previous year-end and the previous strategy, actions with their
//! budget, and benefits per stakeholder — as of 31 December of a year, in
//! Markdown and as a self-contained HTML page with SVG charts. The document
//! a strategy group attaches to its annual report, so its labels are
//! Norwegian (bokmål).

mod html;
mod markdown;
pub mod tables;

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::domain::{GoalStatus, Year};
use crate::read::{self, Attainment, Moment, OrganizationView, ReadError, StrategyView};

pub use html::to_html;
pub use markdown::to_markdown;

/// Everything the report shows, read at one log position.
pub struct AnnualReport {
    pub year: i32,
    pub organization: Option<OrganizationView>,
    /// The strategy per 31.12 of the year.
    pub strategy: StrategyView,
    /// The strategy per 31.12 of the year before, when it existed then.
    pub previous_year: Option<StrategyView>,
    /// The predecessor strategy per 31.12 of its last year.
    pub predecessor: Option<StrategyView>,
    /// Attainment per year-end of the period up to the report's year.
    pub series: Vec<(i32, Attainment)>,
    /// The log position and chain hash the report was computed at.
    pub position: u64,
    pub hash: Option<String>,
}

fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(read::LAST_DATE)
}

/// Reads the report of `strategy` for `year`, as the log stood at `as_of`.
///
/// A `Year`, not any number: a year such as -2147483648 has no 31 December
/// to report on (and no year before it).
pub fn annual_report(
    conn: &Connection,
    strategy: uuid::Uuid,
    year: Year,
    as_of: u64,
) -> Result<Option<AnnualReport>, ReadError> {
    let year = year.get();
    let (position, hash) = match read::chain_at(conn, as_of)? {
        Some((p, h)) => (p, Some(hex::encode(h))),
        None => (0, None),
    };
    let at = |valid_at| Moment {
        as_of: position,
        valid_at,
    };
    let Some(view) = read::strategy(conn, strategy, at(year_end(year)))? else {
        return Ok(None);
    };
    let previous_year = read::strategy(conn, strategy, at(year_end(year - 1)))?;
    let predecessor = match view.predecessor {
        None => None,
        Some(id) => match read::strategy(conn, id, at(read::LAST_DATE))? {
            Some(later) => read::strategy(conn, id, at(year_end(later.period.1)))?,
            None => None,
        },
    };
    let mut series = Vec::new();
    for y in view.period.0..=year.min(view.period.1) {
        if let Some(then) = read::strategy(conn, strategy, at(year_end(y)))? {
            series.push((
                y,
                read::attainment_of(then.areas.iter().flat_map(|a| a.goals.iter())),
            ));
        }
    }
    let organization = read::organization(conn, view.organization_id, at(year_end(year)))?;
    Ok(Some(AnnualReport {
        year,
        organization,
        strategy: view,
        previous_year,
        predecessor,
        series,
        position,
        hash,
    }))
}

/// One action's line in a focus area: its budget of the report's year.
pub struct ActionLine<'a> {
    pub title: &'a str,
    pub status: &'static str,
    pub planned: i64,
    /// The actual amount, when any line of the year has one.
    pub actual: Option<i64>,
}

/// The order stakeholders are shown in.
const STAKEHOLDERS: [&str; 5] = [
    "CITIZENS",
    "EMPLOYEES",
    "RELATIVES",
    "ORGANISATION",
    "OTHER_ACTORS",
];

impl AnnualReport {
    /// The actions reported under `area`, with their budget of the year.
    pub fn action_lines(&self, area: uuid::Uuid) -> Vec<ActionLine<'_>> {
        let s = &self.strategy;
        s.actions
            .iter()
            .filter(|a| read::primary_area(s, a) == Some(area))
            .map(|action| {
                let lines = action.budget.iter().filter(|b| b.year == self.year);
                let actual: Vec<i64> = lines.clone().filter_map(|b| b.actual).collect();
                ActionLine {
                    title: &action.title,
                    status: action_status_label(&action.status.value.status),
                    planned: lines.map(|b| b.planned).sum(),
                    actual: (!actual.is_empty()).then(|| actual.iter().sum()),
                }
            })
            .collect()
    }

    /// Benefits grouped by stakeholder (label, then title and status label).
    pub fn benefits_by_stakeholder(&self) -> Vec<(&'static str, Vec<(&str, &'static str)>)> {
        STAKEHOLDERS
            .iter()
            .map(|stakeholder| {
                let benefits = self
                    .strategy
                    .benefits
                    .iter()
                    .filter(|b| b.stakeholder == *stakeholder)
                    .map(|b| {
                        let status = b
                            .status()
                            .map(|s| benefit_status_label(&s.value.status))
                            .unwrap_or("Identifisert");
                        (b.title.as_str(), status)
                    })
                    .collect::<Vec<_>>();
                (stakeholder_label(stakeholder), benefits)
            })
            .filter(|(_, benefits)| !benefits.is_empty())
            .collect()
    }

    fn attainment(view: &StrategyView) -> Attainment {
        read::attainment_of(view.areas.iter().flat_map(|a| a.goals.iter()))
    }

    fn area_attainment(view: Option<&StrategyView>, area: uuid::Uuid) -> Option<Attainment> {
        view?
            .areas
            .iter()
            .find(|a| a.id == area)
            .map(|a| read::attainment_of(a.goals.iter()))
    }
}

/// The status's name in a Norwegian report.
pub fn goal_status_label(status: &str) -> &'static str {
    match GoalStatus::parse(status) {
        Ok(GoalStatus::NotStarted) | Err(_) => "Ikke startet",
        Ok(GoalStatus::InProgress) => "Påbegynt",
        Ok(GoalStatus::PartiallyAchieved) => "Delvis nådd",
        Ok(GoalStatus::Achieved) => "Nådd",
        Ok(GoalStatus::NotAchieved) => "Ikke nådd",
        Ok(GoalStatus::Dropped) => "Utgått",
    }
}

pub fn action_status_label(status: &str) -> &'static str {
    match status {
        "PLANNED" => "Planlagt",
        "ACTIVE" => "Pågår",
        "ON_HOLD" => "Satt på vent",
        "COMPLETED" => "Fullført",
        "CANCELLED" => "Avbrutt",
        _ => "Ukjent",
    }
}

pub fn benefit_status_label(status: &str) -> &'static str {
    match status {
        "IDENTIFIED" => "Identifisert",
        "PLANNED" => "Planlagt",
        "REALISING" => "Under realisering",
        "REALISED" => "Realisert",
        "NOT_REALISED" => "Ikke realisert",
        _ => "Ukjent",
    }
}

pub fn stakeholder_label(stakeholder: &str) -> &'static str {
    match stakeholder {
        "CITIZENS" => "Brukeren / innbyggeren",
        "EMPLOYEES" => "Ansatte",
        "RELATIVES" => "Pårørende",
        "ORGANISATION" => "Organisasjonen",
        "OTHER_ACTORS" => "Andre aktører",
        _ => "Andre",
    }
}

pub fn category_label(category: &str) -> &'static str {
    match category {
        "PROJECT_MANAGEMENT" => "Prosjektledelse",
        "PURCHASED_SERVICES" => "Kjøpte tjenester",
        "INVESTMENT" => "Investering",
        "OPERATIONS" => "Drift",
        "INTERNAL_RESOURCES" => "Interne ressurser",
        "TRAINING" => "Opplæring",
        _ => "Annet",
    }
}

/// "1 250 000 kr": Norwegian thousands separated by a no-break space.
pub fn kroner(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    format!("{}{out}\u{a0}kr", if amount < 0 { "−" } else { "" })
}

/// "31.12.2021".
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// "75 %" or "–" when nothing counts.
pub fn percent(score: Option<f64>) -> String {
    score
        .map(|s| format!("{}\u{a0}%", (s * 100.0).round() as i64))
        .unwrap_or_else(|| "–".to_owned())
}

/// The order statuses are shown in, best first.
pub const STATUS_ORDER: [GoalStatus; 6] = [
    GoalStatus::Achieved,
    GoalStatus::PartiallyAchieved,
    GoalStatus::InProgress,
    GoalStatus::NotStarted,
    GoalStatus::NotAchieved,
    GoalStatus::Dropped,
];

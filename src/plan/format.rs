//! The plan file's shape (docs/plan-format.md), as read from TOML. Items
//! that generate commands keep their span so an error names their line.
//!
//! Every value is checked as it is read, whether or not it leads to a
//! command: a date outside the years the domain knows, a key that is not
//! a key, a value that is not a finite number within the domain's bounds,
//! and text with control characters or beyond any length the domain
//! allows are refused with the line and column of the value, also where
//! the item is already in the log and the value would be ignored.

use chrono::NaiveDate;

use crate::domain::Text;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A calendar date written as a TOML local date (`2021-12-31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlanDate(pub NaiveDate);

impl<'de> Deserialize<'de> for PlanDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = toml::value::Datetime::deserialize(deserializer)?;
        match (raw.date, raw.time, raw.offset) {
            (Some(d), None, None) => {
                let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                    .ok_or_else(|| serde::de::Error::custom(format!("'{raw}' is not a date")))?;
                crate::domain::check_date("date", date)
                    .map(PlanDate)
                    .map_err(|e| serde::de::Error::custom(domain_message(e)))
            }
            _ => Err(serde::de::Error::custom(format!(
                "'{raw}' is not a plain date such as 2021-12-31"
            ))),
        }
    }
}

/// The message of a domain error without its field: the span names it.
fn domain_message(error: crate::domain::DomainError) -> String {
    match error {
        crate::domain::DomainError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// Text that must be there: not blank, at most as long as the longest text
/// the domain takes, and without control characters other than line breaks
/// and tabs. Whether it must fit on one line is checked where it is used.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let raw = any_text(deserializer)?;
    if raw.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(raw)
}

/// Text that may be left empty (meaning none).
fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Some(any_text(deserializer)?))
}

fn any_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let raw = String::deserialize(deserializer)?;
    let chars = raw.chars().count();
    if chars > Text::PROSE_MAX {
        return Err(serde::de::Error::custom(format!(
            "is {chars} characters long; at most {} are allowed",
            Text::PROSE_MAX
        )));
    }
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(serde::de::Error::custom("contains control characters"));
    }
    Ok(raw)
}

/// A measured or target value: finite, within what the domain takes.
fn quantity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let raw = f64::deserialize(deserializer)?;
    crate::domain::Quantity::new("value", raw)
        .map(|q| q.get())
        .map_err(|e| serde::de::Error::custom(domain_message(e)))
}

/// A key: lowercase letters, digits and '-', at most 100 of them.
fn key<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let raw = String::deserialize(deserializer)?;
    let well_formed = (1..=100).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if well_formed {
        Ok(raw)
    } else {
        Err(serde::de::Error::custom(format!(
            "{} is not a key: 1 to 100 lowercase letters, digits and '-'",
            shown(&raw)
        )))
    }
}

/// A name from a closed list, such as `PARTIALLY_ACHIEVED`: capital
/// letters and '_'. Which list is checked where it is used.
fn name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let raw = String::deserialize(deserializer)?;
    let well_formed =
        (1..=40).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    if well_formed {
        Ok(raw)
    } else {
        Err(serde::de::Error::custom(format!(
            "{} is not a name such as PARTIALLY_ACHIEVED",
            shown(&raw)
        )))
    }
}

/// A value quoted for a message, cut short if long.
fn shown(raw: &str) -> String {
    if raw.chars().count() > 40 {
        format!(
            "'{}…'",
            raw.chars().take(40).collect::<String>().escape_debug()
        )
    } else {
        format!("'{}'", raw.escape_debug())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub format: u32,
    pub organization: Spanned<OrganizationSpec>,
    #[serde(default)]
    pub strategies: Vec<Spanned<StrategySpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    pub registered: PlanDate,
    #[serde(default)]
    pub members: Vec<Spanned<MemberSpec>>,
    #[serde(default)]
    pub working_groups: Vec<Spanned<WorkingGroupSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    pub kommunenummer: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    pub joined: PlanDate,
    pub left: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroupSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    pub formed: PlanDate,
    pub disbanded: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    #[serde(deserialize_with = "text")]
    pub by: String,
    pub on: PlanDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    #[serde(deserialize_with = "text")]
    pub title: String,
    pub start_year: i64,
    pub end_year: i64,
    #[serde(default, deserialize_with = "optional_text")]
    pub vision: Option<String>,
    pub drafted: PlanDate,
    pub predecessor: Option<String>,
    pub adopted: Option<Adoption>,
    pub closed: Option<PlanDate>,
    #[serde(default)]
    pub focus_areas: Vec<Spanned<FocusAreaSpec>>,
    #[serde(default)]
    pub actions: Vec<Spanned<ActionSpec>>,
    #[serde(default)]
    pub benefits: Vec<Spanned<BenefitSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FocusAreaSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub number: i64,
    pub defined: Option<PlanDate>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub description: Option<String>,
    #[serde(default)]
    pub goals: Vec<Spanned<GoalSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub number: String,
    #[serde(deserialize_with = "text")]
    pub wording: String,
    pub defined: Option<PlanDate>,
    pub carried_over_from: Option<String>,
    pub retired: Option<PlanDate>,
    #[serde(default)]
    pub assessments: Vec<Spanned<AssessmentSpec>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<IndicatorSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSpec {
    pub on: PlanDate,
    #[serde(deserialize_with = "name")]
    pub status: String,
    #[serde(deserialize_with = "text")]
    pub justification: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub unit: String,
    #[serde(deserialize_with = "name")]
    pub direction: String,
    pub update_every_days: Option<u16>,
    pub defined: Option<PlanDate>,
    pub baseline: Option<ValueAt>,
    #[serde(default)]
    pub targets: Vec<Spanned<TargetSpec>>,
    #[serde(default)]
    pub measurements: Vec<Spanned<MeasurementSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueAt {
    #[serde(deserialize_with = "quantity")]
    pub value: f64,
    pub on: PlanDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    #[serde(deserialize_with = "quantity")]
    pub value: f64,
    pub due: PlanDate,
    pub set_on: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasurementSpec {
    pub on: PlanDate,
    #[serde(deserialize_with = "quantity")]
    pub value: f64,
    #[serde(default, deserialize_with = "optional_text")]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    #[serde(deserialize_with = "name")]
    pub kind: String,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub description: Option<String>,
    pub owner: Option<String>,
    /// The number of the focus area the action is reported under.
    pub focus_area: Option<i64>,
    #[serde(default)]
    pub members_involved: Vec<String>,
    pub start_year: i64,
    pub end_year: i64,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub decommissioning: bool,
    pub planned: PlanDate,
    #[serde(default)]
    pub status: Vec<Spanned<StatusSpec>>,
    #[serde(default)]
    pub budget: Vec<Spanned<BudgetSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSpec {
    pub on: PlanDate,
    #[serde(deserialize_with = "name")]
    pub status: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    pub year: i64,
    #[serde(deserialize_with = "name")]
    pub category: String,
    pub planned: i64,
    pub actual: Option<i64>,
    pub on: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    #[serde(deserialize_with = "key")]
    pub key: String,
    pub action: Option<String>,
    #[serde(deserialize_with = "name")]
    pub stakeholder: String,
    #[serde(deserialize_with = "name")]
    pub category: String,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub description: Option<String>,
    #[serde(default)]
    pub priced: bool,
    #[serde(default)]
    pub disbenefit: bool,
    #[serde(default)]
    pub unexpected: bool,
    #[serde(default, deserialize_with = "optional_text")]
    pub responsible: Option<String>,
    pub due: Option<PlanDate>,
    pub identified: PlanDate,
    #[serde(default)]
    pub realisation: Vec<Spanned<StatusSpec>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<IndicatorSpec>>,
}

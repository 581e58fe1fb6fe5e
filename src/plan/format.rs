//! The plan file's shape (docs/plan-format.md), as read from TOML. Items
//! that generate commands keep their span so an error names their line.

use chrono::NaiveDate;
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
                NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                    .map(PlanDate)
                    .ok_or_else(|| serde::de::Error::custom(format!("'{raw}' is not a date")))
            }
            _ => Err(serde::de::Error::custom(format!(
                "'{raw}' is not a plain date such as 2021-12-31"
            ))),
        }
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
    pub key: String,
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
    pub name: String,
    pub joined: PlanDate,
    pub left: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroupSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub key: String,
    pub name: String,
    pub formed: PlanDate,
    pub disbanded: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    pub by: String,
    pub on: PlanDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub key: String,
    pub title: String,
    pub start_year: i64,
    pub end_year: i64,
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
    pub title: String,
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
    pub status: String,
    pub justification: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub key: String,
    pub name: String,
    pub unit: String,
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
    pub value: f64,
    pub on: PlanDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub value: f64,
    pub due: PlanDate,
    pub set_on: Option<PlanDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasurementSpec {
    pub on: PlanDate,
    pub value: f64,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// An explicit id; by default the id is derived from the keys.
    pub id: Option<uuid::Uuid>,
    pub key: String,
    pub kind: String,
    pub title: String,
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
    pub status: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    pub year: i64,
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
    pub key: String,
    pub action: Option<String>,
    pub stakeholder: String,
    pub category: String,
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub priced: bool,
    #[serde(default)]
    pub disbenefit: bool,
    #[serde(default)]
    pub unexpected: bool,
    pub responsible: Option<String>,
    pub due: Option<PlanDate>,
    pub identified: PlanDate,
    #[serde(default)]
    pub realisation: Vec<Spanned<StatusSpec>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<IndicatorSpec>>,
}

//! The views: plain data assembled from entity rows and fact timelines.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde_json::Value;
use uuid::Uuid;

use super::{EntityRow, FactRow, Moment, ReadError, Scope, Timelines, entities, timelines};

/// A field's value at the moment, with when it took effect and who set it.
#[derive(Clone, Debug, PartialEq)]
pub struct Dated<T> {
    pub value: T,
    pub effective_at: NaiveDate,
    pub position: u64,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub reason: Option<String>,
}

impl<T> Dated<T> {
    fn from_row(row: &FactRow, value: T) -> Self {
        Dated {
            value,
            effective_at: row.effective_at,
            position: row.position,
            recorded_at: row.recorded_at,
            actor: row.actor.clone(),
            reason: row.reason.clone(),
        }
    }
}

/// The fields of one entity.
struct Fields<'a>(Option<&'a BTreeMap<String, Vec<FactRow>>>);

impl<'a> Fields<'a> {
    fn of(timelines: &'a Timelines, id: Uuid) -> Self {
        Fields(timelines.get(&id))
    }

    fn latest(&self, field: &str) -> Option<&'a FactRow> {
        self.0
            .and_then(|f| f.get(field))
            .and_then(|rows| rows.last())
    }

    fn value(&self, field: &str) -> &'a Value {
        self.latest(field).map(|r| &r.value).unwrap_or(&Value::Null)
    }

    fn str(&self, field: &str) -> Option<String> {
        self.value(field).as_str().map(str::to_owned)
    }

    fn timeline(&self, field: &str) -> &'a [FactRow] {
        self.0
            .and_then(|f| f.get(field))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Latest rows of every field starting with `prefix`, keyed by the rest.
    fn keyed(&self, prefix: &str) -> Vec<(&'a str, &'a FactRow)> {
        self.0
            .into_iter()
            .flat_map(|f| f.iter())
            .filter_map(|(field, rows)| Some((field.strip_prefix(prefix)?, rows.last()?)))
            .collect()
    }

    /// True when the entity exists (and so is shown) at the moment.
    fn exists(&self) -> bool {
        self.value("exists").as_bool() == Some(true)
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn uuid_of(value: &Value) -> Option<Uuid> {
    value.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

fn period_of(value: &Value) -> Option<(i32, i32)> {
    let start = value.get("start")?.as_i64()?;
    let end = value.get("end")?.as_i64()?;
    Some((start as i32, end as i32))
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrganizationView {
    pub id: Uuid,
    pub name: String,
    pub since: NaiveDate,
    pub members: Vec<MemberView>,
    pub working_groups: Vec<WorkingGroupView>,
}

/// A municipality's membership as known at the moment: current state and
/// its whole join/leave timeline up to the valid-at date.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub kommunenummer: String,
    pub name: String,
    pub is_member: bool,
    /// (effective date, joined = true / left = false), oldest first.
    pub changes: Vec<(NaiveDate, bool)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkingGroupView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub name: String,
    pub disbanded: bool,
    pub disbanded_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrategyView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub period: (i32, i32),
    pub vision: Option<String>,
    pub predecessor: Option<Uuid>,
    pub status: String,
    /// From when the status holds (the closing date for a closed strategy).
    pub status_since: NaiveDate,
    /// Who adopted it and the date (the adoption's effective date).
    pub adoption: Option<Dated<String>>,
    pub since: NaiveDate,
    pub areas: Vec<AreaView>,
    pub actions: Vec<ActionView>,
    pub benefits: Vec<BenefitView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AreaView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub number: u8,
    pub title: String,
    pub description: Option<String>,
    pub goals: Vec<GoalView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoalView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub area_id: Uuid,
    pub number: String,
    pub wording: String,
    pub carried_over_from: Option<Uuid>,
    pub retired: Option<NaiveDate>,
    pub replaced_by: Vec<Uuid>,
    /// Per effective date, the assessment as last recorded; oldest first.
    pub assessments: Vec<Dated<Assessment>>,
    pub indicators: Vec<IndicatorView>,
}

impl GoalView {
    /// The assessment in force at the moment, if any.
    pub fn assessment(&self) -> Option<&Dated<Assessment>> {
        self.assessments.last()
    }

    /// Sorts goals "1.2" before "1.10".
    fn sort_key(&self) -> Vec<u32> {
        self.number
            .split('.')
            .filter_map(|p| p.parse().ok())
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub status: String,
    pub justification: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub update_every_days: Option<u16>,
    pub baseline: Option<(f64, NaiveDate)>,
    /// (due date, target value), earliest due first.
    pub targets: Vec<Dated<(NaiveDate, f64)>>,
    /// Per measurement date the value as last recorded; oldest first.
    pub measurements: Vec<Dated<Measured>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub value: f64,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<Uuid>,
    /// The focus area the action is reported under, when one is given.
    pub focus_area: Option<Uuid>,
    pub members_involved: Vec<String>,
    pub period: (i32, i32),
    pub decommissioning: bool,
    pub status: Dated<ActionStatusNote>,
    pub status_history: Vec<Dated<ActionStatusNote>>,
    pub goals: Vec<Uuid>,
    pub budget: Vec<BudgetLineView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionStatusNote {
    pub status: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetLineView {
    pub year: i32,
    pub category: String,
    pub planned: i64,
    pub actual: Option<i64>,
    pub effective_at: NaiveDate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BenefitView {
    pub id: Uuid,
    /// From when it exists (its creating event's effective date).
    pub since: NaiveDate,
    pub action: Option<Uuid>,
    pub stakeholder: String,
    pub category: String,
    pub title: String,
    pub description: Option<String>,
    pub priced: bool,
    pub disbenefit: bool,
    pub unexpected: bool,
    pub responsible: Option<String>,
    pub due: Option<NaiveDate>,
    pub realisation: Vec<Dated<ActionStatusNote>>,
    pub indicators: Vec<IndicatorView>,
}

impl BenefitView {
    pub fn status(&self) -> Option<&Dated<ActionStatusNote>> {
        self.realisation.last()
    }
}

fn status_note(row: &FactRow) -> Dated<ActionStatusNote> {
    Dated::from_row(
        row,
        ActionStatusNote {
            status: text(&row.value, "status").unwrap_or_default(),
            note: text(&row.value, "note"),
        },
    )
}

fn since(fields: &Fields<'_>) -> NaiveDate {
    fields
        .latest("exists")
        .map(|r| r.effective_at)
        .unwrap_or(NaiveDate::MIN)
}

/// The organization with its members and working groups at `moment`.
pub fn organization(
    conn: &Connection,
    id: Uuid,
    moment: Moment,
) -> Result<Option<OrganizationView>, ReadError> {
    let rows = entities(conn, Scope::Organization(id), moment)?;
    let facts = timelines(conn, Scope::Organization(id), moment)?;
    let org = Fields::of(&facts, id);
    if !org.exists() {
        return Ok(None);
    }
    let mut members: Vec<MemberView> = org
        .keyed("member:")
        .into_iter()
        .map(|(number, latest)| MemberView {
            kommunenummer: number.to_owned(),
            name: org
                .str(&format!("member_name:{number}"))
                .unwrap_or_default(),
            is_member: latest.value.as_bool() == Some(true),
            changes: org
                .timeline(&format!("member:{number}"))
                .iter()
                .map(|r| (r.effective_at, r.value.as_bool() == Some(true)))
                .collect(),
        })
        .collect();
    members.sort_by(|a, b| a.kommunenummer.cmp(&b.kommunenummer));
    let working_groups = rows
        .iter()
        .filter(|e| e.kind == "working_group")
        .filter_map(|e| {
            let group = Fields::of(&facts, e.id);
            group.exists().then(|| WorkingGroupView {
                id: e.id,
                since: since(&group),
                name: group.str("name").unwrap_or_default(),
                disbanded: group.value("disbanded").as_bool() == Some(true),
                disbanded_on: group
                    .latest("disbanded")
                    .filter(|r| r.value.as_bool() == Some(true))
                    .map(|r| r.effective_at),
            })
        })
        .collect();
    Ok(Some(OrganizationView {
        id,
        name: org.str("name").unwrap_or_default(),
        since: since(&org),
        members,
        working_groups,
    }))
}

/// The whole strategy tree at `moment`: two queries.
pub fn strategy(
    conn: &Connection,
    id: Uuid,
    moment: Moment,
) -> Result<Option<StrategyView>, ReadError> {
    let rows = entities(conn, Scope::Strategy(id), moment)?;
    let facts = timelines(conn, Scope::Strategy(id), moment)?;
    Ok(assemble_strategy(id, &rows, &facts))
}

/// Indicator rows by the goal or benefit they measure, so each parent finds
/// its own without scanning the whole strategy.
fn indicator_rows(rows: &[EntityRow]) -> HashMap<Uuid, Vec<&EntityRow>> {
    let mut by_parent: HashMap<Uuid, Vec<&EntityRow>> = HashMap::new();
    for row in rows.iter().filter(|e| e.kind == "indicator") {
        if let Some(parent) = row.parent_id {
            by_parent.entry(parent).or_default().push(row);
        }
    }
    by_parent
}

fn indicators_of(
    by_parent: &HashMap<Uuid, Vec<&EntityRow>>,
    facts: &Timelines,
    parent: Uuid,
) -> Vec<IndicatorView> {
    by_parent
        .get(&parent)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let f = Fields::of(facts, e.id);
            if !f.exists() {
                return None;
            }
            let definition = f.value("definition");
            let baseline = f.value("baseline");
            let mut targets: Vec<_> = f
                .keyed("target:")
                .into_iter()
                .filter_map(|(due, row)| {
                    let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()?;
                    Some(Dated::from_row(row, (due, row.value.as_f64()?)))
                })
                .collect();
            targets.sort_by_key(|t| t.value.0);
            Some(IndicatorView {
                id: e.id,
                since: since(&f),
                name: text(definition, "name").unwrap_or_default(),
                unit: text(definition, "unit").unwrap_or_default(),
                direction: text(definition, "direction").unwrap_or_default(),
                update_every_days: definition
                    .get("updateEveryDays")
                    .and_then(Value::as_u64)
                    .map(|d| d as u16),
                baseline: baseline.get("value").and_then(Value::as_f64).zip(
                    baseline
                        .get("on")
                        .and_then(Value::as_str)
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                ),
                targets,
                measurements: f
                    .timeline("measurement")
                    .iter()
                    .map(|r| {
                        Dated::from_row(
                            r,
                            Measured {
                                value: r
                                    .value
                                    .get("value")
                                    .and_then(Value::as_f64)
                                    .unwrap_or_default(),
                                comment: text(&r.value, "comment"),
                            },
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

fn assemble_strategy(id: Uuid, rows: &[EntityRow], facts: &Timelines) -> Option<StrategyView> {
    let root = Fields::of(facts, id);
    if !root.exists() {
        return None;
    }
    let organization_id = rows.iter().find(|e| e.id == id)?.organization_id;
    let of_kind = |kind: &'static str| rows.iter().filter(move |e| e.kind == kind);
    let indicators = indicator_rows(rows);

    let mut goals_by_area: HashMap<Uuid, Vec<GoalView>> = HashMap::new();
    let goals = of_kind("goal").filter_map(|e| {
        let f = Fields::of(facts, e.id);
        f.exists().then(|| GoalView {
            id: e.id,
            since: since(&f),
            area_id: e.parent_id.unwrap_or_default(),
            number: f.str("number").unwrap_or_default(),
            wording: f.str("wording").unwrap_or_default(),
            carried_over_from: uuid_of(f.value("carried_over_from")),
            retired: f
                .latest("retired")
                .filter(|r| r.value.as_bool() == Some(true))
                .map(|r| r.effective_at),
            replaced_by: f
                .value("replaced_by")
                .as_array()
                .map(|ids| ids.iter().filter_map(uuid_of).collect())
                .unwrap_or_default(),
            assessments: f
                .timeline("assessment")
                .iter()
                .map(|r| {
                    Dated::from_row(
                        r,
                        Assessment {
                            status: text(&r.value, "status").unwrap_or_default(),
                            justification: text(&r.value, "justification").unwrap_or_default(),
                        },
                    )
                })
                .collect(),
            indicators: indicators_of(&indicators, facts, e.id),
        })
    });
    for goal in goals {
        goals_by_area.entry(goal.area_id).or_default().push(goal);
    }

    let mut areas: Vec<AreaView> = of_kind("focus_area")
        .filter_map(|e| {
            let f = Fields::of(facts, e.id);
            if !f.exists() {
                return None;
            }
            let mut area_goals = goals_by_area.remove(&e.id).unwrap_or_default();
            area_goals.sort_by_key(GoalView::sort_key);
            Some(AreaView {
                id: e.id,
                since: since(&f),
                number: f.value("number").as_u64().unwrap_or_default() as u8,
                title: f.str("title").unwrap_or_default(),
                description: f.str("description"),
                goals: area_goals,
            })
        })
        .collect();
    areas.sort_by_key(|a| a.number);

    let actions = of_kind("action")
        .filter_map(|e| {
            let f = Fields::of(facts, e.id);
            if !f.exists() {
                return None;
            }
            let details = f.value("details");
            let mut budget: Vec<BudgetLineView> = f
                .keyed("budget:")
                .into_iter()
                .filter_map(|(key, row)| {
                    let (year, category) = key.split_once(':')?;
                    Some(BudgetLineView {
                        year: year.parse().ok()?,
                        category: category.to_owned(),
                        planned: row.value.get("planned")?.as_i64()?,
                        actual: row.value.get("actual").and_then(Value::as_i64),
                        effective_at: row.effective_at,
                    })
                })
                .collect();
            budget.sort_by(|a, b| (a.year, &a.category).cmp(&(b.year, &b.category)));
            let status_history: Vec<_> = f.timeline("status").iter().map(status_note).collect();
            Some(ActionView {
                id: e.id,
                since: since(&f),
                kind: f.str("kind").unwrap_or_default(),
                title: text(details, "title").unwrap_or_default(),
                description: text(details, "description"),
                owner: details.get("owner").and_then(uuid_of),
                focus_area: details.get("focusArea").and_then(uuid_of),
                members_involved: details
                    .get("membersInvolved")
                    .and_then(Value::as_array)
                    .map(|m| {
                        m.iter()
                            .filter_map(|k| k.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                period: details
                    .get("period")
                    .and_then(period_of)
                    .unwrap_or_default(),
                decommissioning: details.get("decommissioning").and_then(Value::as_bool)
                    == Some(true),
                status: status_history.last()?.clone(),
                status_history,
                goals: f
                    .keyed("goal:")
                    .into_iter()
                    .filter(|(_, row)| row.value.as_bool() == Some(true))
                    .filter_map(|(goal, _)| Uuid::parse_str(goal).ok())
                    .collect(),
                budget,
            })
        })
        .collect();

    let benefits = of_kind("benefit")
        .filter_map(|e| {
            let f = Fields::of(facts, e.id);
            if !f.exists() {
                return None;
            }
            let d = f.value("details");
            Some(BenefitView {
                id: e.id,
                since: since(&f),
                action: d.get("action").and_then(uuid_of),
                stakeholder: text(d, "stakeholder").unwrap_or_default(),
                category: text(d, "category").unwrap_or_default(),
                title: text(d, "title").unwrap_or_default(),
                description: text(d, "description"),
                priced: d.get("priced").and_then(Value::as_bool) == Some(true),
                disbenefit: d.get("disbenefit").and_then(Value::as_bool) == Some(true),
                unexpected: d.get("unexpected").and_then(Value::as_bool) == Some(true),
                responsible: text(d, "responsible"),
                due: text(d, "due").and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
                realisation: f.timeline("realisation").iter().map(status_note).collect(),
                indicators: indicators_of(&indicators, facts, e.id),
            })
        })
        .collect();

    let adoption = root
        .latest("adopted_by")
        .and_then(|r| Some(Dated::from_row(r, r.value.as_str()?.to_owned())));
    Some(StrategyView {
        id,
        organization_id,
        title: root.str("title").unwrap_or_default(),
        period: period_of(root.value("period")).unwrap_or_default(),
        vision: root.str("vision"),
        predecessor: uuid_of(root.value("predecessor")),
        status: root.str("status").unwrap_or_default(),
        status_since: root
            .latest("status")
            .map(|r| r.effective_at)
            .unwrap_or(NaiveDate::MIN),
        adoption,
        since: since(&root),
        areas,
        actions,
        benefits,
    })
}

/// Which area an action's budget counts for: its own focus area when it has
/// one, else the lowest-numbered focus area among its linked goals (an
/// action serving several areas is counted once).
pub fn primary_area(view: &StrategyView, action: &ActionView) -> Option<Uuid> {
    if action.focus_area.is_some() {
        return action.focus_area;
    }
    view.areas
        .iter()
        .find(|area| area.goals.iter().any(|g| action.goals.contains(&g.id)))
        .map(|area| area.id)
}

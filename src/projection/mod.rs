//! Read models: what the log means, kept in SQLite tables with their
//! history so that any (as of, valid at) question is an index lookup.
//!
//! `project` runs inside the writer's transaction for every appended event
//! (and for every event during `rebuild`). It only inserts rows: an entity
//! row when an event creates an entity, and one `facts` row per field the
//! event sets. See migrations/V2__read_models.sql for the temporal rule.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::{Event, IndicatorSubject, OrganizationId, Text};

/// A point on both time axes: what the system knew at log position `as_of`
/// about the world on `valid_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Highest log position taken into account (`u64::MAX`: everything).
    pub as_of: u64,
    pub valid_at: NaiveDate,
}

impl Moment {
    pub fn now(today: NaiveDate) -> Self {
        Self {
            as_of: u64::MAX,
            valid_at: today,
        }
    }
}

/// One field set by an event, from its effective date on.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub entity_id: Uuid,
    pub field: String,
    pub value: Value,
}

/// An entity an event creates, with its fixed place in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntity {
    pub id: Uuid,
    pub kind: &'static str,
    pub strategy: Option<Uuid>,
    pub parent: Option<Uuid>,
}

pub fn project(
    tx: &Connection,
    position: u64,
    effective_at: &str,
    organization: OrganizationId,
    event: &Event,
) -> rusqlite::Result<()> {
    // Ids are bound as text from stack buffers, without a `String` each.
    let mut id = Uuid::encode_buffer();
    let mut org = Uuid::encode_buffer();
    let strategy_of = |parent: Uuid| -> rusqlite::Result<Option<Uuid>> {
        let strategy: Option<String> = tx
            .prepare_cached("SELECT strategy_id FROM entities WHERE entity_id = ?1")?
            .query_row([parent.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(strategy.and_then(|s| Uuid::parse_str(&s).ok()))
    };
    if let Some(entity) = created_entity(event, strategy_of)? {
        let mut strategy = Uuid::encode_buffer();
        let mut parent = Uuid::encode_buffer();
        let strategy = entity
            .strategy
            .map(|s| &*s.hyphenated().encode_lower(&mut strategy));
        let parent = entity
            .parent
            .map(|p| &*p.hyphenated().encode_lower(&mut parent));
        tx.prepare_cached(
            "INSERT INTO entities (entity_id, kind, organization_id, strategy_id, parent_id, created_position) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            &*entity.id.hyphenated().encode_lower(&mut id),
            entity.kind,
            &*organization.0.hyphenated().encode_lower(&mut org),
            strategy,
            parent,
            position,
        ])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO facts (entity_id, field, effective_at, position, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for fact in facts_of(event) {
        insert.execute(params![
            &*fact.entity_id.hyphenated().encode_lower(&mut id),
            fact.field,
            effective_at,
            position,
            fact.value.to_string(),
        ])?;
    }
    Ok(())
}

/// The entity `event` creates, if any. An indicator belongs to the strategy
/// of the goal or benefit it measures, which `strategy_of` answers.
pub fn created_entity<E>(
    event: &Event,
    strategy_of: impl FnOnce(Uuid) -> Result<Option<Uuid>, E>,
) -> Result<Option<NewEntity>, E> {
    use Event::*;
    let entity = |id: Uuid, kind, strategy: Option<Uuid>, parent: Option<Uuid>| {
        Some(NewEntity {
            id,
            kind,
            strategy,
            parent,
        })
    };
    Ok(match event {
        OrganizationRegistered { id, .. } => entity(id.0, "organization", None, None),
        WorkingGroupFormed {
            id, organization, ..
        } => entity(id.0, "working_group", None, Some(organization.0)),
        StrategyDrafted {
            id, organization, ..
        } => entity(id.0, "strategy", Some(id.0), Some(organization.0)),
        FocusAreaDefined { id, strategy, .. } => {
            entity(id.0, "focus_area", Some(strategy.0), Some(strategy.0))
        }
        GoalDefined {
            id,
            strategy,
            focus_area,
            ..
        } => entity(id.0, "goal", Some(strategy.0), Some(focus_area.0)),
        ActionPlanned { id, strategy, .. } => {
            entity(id.0, "action", Some(strategy.0), Some(strategy.0))
        }
        BenefitIdentified {
            id,
            strategy,
            action,
            ..
        } => entity(
            id.0,
            "benefit",
            Some(strategy.0),
            Some(action.map(|a| a.0).unwrap_or(strategy.0)),
        ),
        IndicatorDefined { id, subject, .. } => {
            let parent = match subject {
                IndicatorSubject::Goal(goal) => goal.0,
                IndicatorSubject::Benefit(benefit) => benefit.0,
            };
            entity(id.0, "indicator", strategy_of(parent)?, Some(parent))
        }
        _ => None,
    })
}

fn text(value: &Text) -> Value {
    Value::String(value.as_str().to_owned())
}

fn optional_text(value: &Option<Text>) -> Value {
    value.as_ref().map(text).unwrap_or(Value::Null)
}

/// The fields an event sets. Pure; shared by `project` and the tests'
/// in-memory replay.
pub fn facts_of(event: &Event) -> Vec<Fact> {
    use Event::*;
    let (entity_id, _) = event.stream();
    let fact = |field: &str, value: Value| Fact {
        entity_id,
        field: field.to_owned(),
        value,
    };
    match event {
        OrganizationRegistered { name, .. } => {
            vec![fact("exists", json!(true)), fact("name", text(name))]
        }
        OrganizationRenamed { name, .. } => vec![fact("name", text(name))],
        MemberJoined {
            kommunenummer,
            name,
            ..
        } => vec![
            fact(&format!("member:{kommunenummer}"), json!(true)),
            fact(&format!("member_name:{kommunenummer}"), text(name)),
        ],
        MemberLeft { kommunenummer, .. } => {
            vec![fact(&format!("member:{kommunenummer}"), json!(false))]
        }
        WorkingGroupFormed { name, .. } => vec![
            fact("exists", json!(true)),
            fact("name", text(name)),
            fact("disbanded", json!(false)),
        ],
        WorkingGroupRenamed { name, .. } => vec![fact("name", text(name))],
        WorkingGroupDisbanded { .. } => vec![fact("disbanded", json!(true))],
        StrategyDrafted {
            title,
            period,
            vision,
            predecessor,
            ..
        } => vec![
            fact("exists", json!(true)),
            fact("title", text(title)),
            fact(
                "period",
                json!({"start": period.start.get(), "end": period.end.get()}),
            ),
            fact("vision", optional_text(vision)),
            fact("predecessor", json!(predecessor.map(|p| p.to_string()))),
            fact("status", json!("DRAFT")),
        ],
        StrategyRevised {
            title,
            period,
            vision,
            ..
        } => vec![
            fact("title", text(title)),
            fact(
                "period",
                json!({"start": period.start.get(), "end": period.end.get()}),
            ),
            fact("vision", optional_text(vision)),
        ],
        StrategyAdopted { adopted_by, .. } => vec![
            fact("status", json!("ADOPTED")),
            fact("adopted_by", text(adopted_by)),
        ],
        StrategyClosed { .. } => vec![fact("status", json!("CLOSED"))],
        FocusAreaDefined {
            number,
            title,
            description,
            ..
        } => vec![
            fact("exists", json!(true)),
            fact("number", json!(number.get())),
            fact("title", text(title)),
            fact("description", optional_text(description)),
        ],
        FocusAreaRevised {
            title, description, ..
        } => vec![
            fact("title", text(title)),
            fact("description", optional_text(description)),
        ],
        FocusAreaRenumbered { number, .. } => vec![fact("number", json!(number.get()))],
        GoalDefined {
            number,
            wording,
            carried_over_from,
            ..
        } => vec![
            fact("exists", json!(true)),
            fact("number", json!(number.to_string())),
            fact("wording", text(wording)),
            fact(
                "carried_over_from",
                json!(carried_over_from.map(|g| g.to_string())),
            ),
            fact("retired", json!(false)),
        ],
        GoalReworded { wording, .. } => vec![fact("wording", text(wording))],
        GoalRetired { .. } => vec![fact("retired", json!(true))],
        GoalMerged { into, .. } => vec![
            fact("retired", json!(true)),
            fact("replaced_by", json!([into.to_string()])),
        ],
        GoalSplit { into, .. } => vec![
            fact("retired", json!(true)),
            fact(
                "replaced_by",
                json!(into.iter().map(|g| g.to_string()).collect::<Vec<_>>()),
            ),
        ],
        GoalAssessed {
            status,
            justification,
            ..
        } => vec![fact(
            "assessment",
            json!({"status": status.as_str(), "justification": justification.as_str()}),
        )],
        IndicatorDefined {
            subject,
            name,
            unit,
            direction,
            baseline,
            update_every_days,
            ..
        } => {
            let subject = match subject {
                IndicatorSubject::Goal(goal) => json!({"goal": goal.to_string()}),
                IndicatorSubject::Benefit(benefit) => json!({"benefit": benefit.to_string()}),
            };
            vec![
                fact("exists", json!(true)),
                fact("subject", subject),
                fact(
                    "definition",
                    json!({
                        "name": name.as_str(),
                        "unit": unit.as_str(),
                        "direction": direction.as_str(),
                        "updateEveryDays": update_every_days,
                    }),
                ),
                fact(
                    "baseline",
                    baseline
                        .map(|b| json!({"value": b.value.get(), "on": b.on.to_string()}))
                        .unwrap_or(Value::Null),
                ),
            ]
        }
        IndicatorTargetSet { value, due, .. } => {
            vec![fact(&format!("target:{due}"), json!(value.get()))]
        }
        MeasurementRecorded { value, comment, .. } => vec![fact(
            "measurement",
            json!({"value": value.get(), "comment": optional_text(comment)}),
        )],
        ActionPlanned {
            kind,
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            goals,
            decommissioning,
            ..
        } => {
            let mut facts = vec![
                fact("exists", json!(true)),
                fact("kind", json!(kind.as_str())),
                fact(
                    "details",
                    action_details(
                        title,
                        description,
                        owner,
                        focus_area,
                        members_involved,
                        period,
                        *decommissioning,
                    ),
                ),
                fact("status", json!({"status": "PLANNED", "note": null})),
            ];
            facts.extend(
                goals
                    .iter()
                    .map(|g| fact(&format!("goal:{g}"), json!(true))),
            );
            facts
        }
        ActionRevised {
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            decommissioning,
            ..
        } => {
            vec![fact(
                "details",
                action_details(
                    title,
                    description,
                    owner,
                    focus_area,
                    members_involved,
                    period,
                    *decommissioning,
                ),
            )]
        }
        ActionLinkedToGoal { goal, .. } => vec![fact(&format!("goal:{goal}"), json!(true))],
        ActionUnlinkedFromGoal { goal, .. } => vec![fact(&format!("goal:{goal}"), json!(false))],
        ActionStatusChanged { status, note, .. } => vec![fact(
            "status",
            json!({"status": status.as_str(), "note": optional_text(note)}),
        )],
        BudgetLineSet {
            year,
            category,
            planned,
            actual,
            ..
        } => vec![fact(
            &format!("budget:{}:{}", year.get(), category.as_str()),
            json!({"planned": planned.kroner(), "actual": actual.map(|a| a.kroner())}),
        )],
        BenefitIdentified {
            action,
            stakeholder,
            category,
            title,
            description,
            priced,
            disbenefit,
            unexpected,
            responsible,
            due,
            ..
        } => vec![
            fact("exists", json!(true)),
            fact(
                "details",
                json!({
                    "action": action.map(|a| a.to_string()),
                    "stakeholder": stakeholder.as_str(),
                    "category": category.as_str(),
                    "title": title.as_str(),
                    "description": optional_text(description),
                    "priced": priced,
                    "disbenefit": disbenefit,
                    "unexpected": unexpected,
                    "responsible": optional_text(responsible),
                    "due": due.map(|d| d.to_string()),
                }),
            ),
            fact("realisation", json!({"status": "IDENTIFIED", "note": null})),
        ],
        BenefitRealisationRecorded { status, note, .. } => vec![fact(
            "realisation",
            json!({"status": status.as_str(), "note": optional_text(note)}),
        )],
    }
}

fn action_details(
    title: &Text,
    description: &Option<Text>,
    owner: &Option<crate::domain::WorkingGroupId>,
    focus_area: &Option<crate::domain::FocusAreaId>,
    members: &[crate::domain::Kommunenummer],
    period: &crate::domain::Period,
    decommissioning: bool,
) -> Value {
    json!({
        "title": title.as_str(),
        "description": optional_text(description),
        "owner": owner.map(|o| o.to_string()),
        "focusArea": focus_area.map(|a| a.to_string()),
        "membersInvolved": members.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "period": {"start": period.start.get(), "end": period.end.get()},
        "decommissioning": decommissioning,
    })
}

/// The value of every field of every entity at `moment`, by the temporal
/// rule: recorded at or before `as_of`, effective at or before `valid_at`,
/// latest effective date wins, then the latest recorded. Entities created
/// after `as_of` are left out.
pub fn snapshot(
    conn: &Connection,
    moment: Moment,
) -> rusqlite::Result<BTreeMap<(Uuid, String), Value>> {
    let as_of = i64::try_from(moment.as_of).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id, field, value FROM ( \
             SELECT f.entity_id, f.field, f.value, row_number() OVER ( \
                 PARTITION BY f.entity_id, f.field ORDER BY f.effective_at DESC, f.position DESC) AS newest \
             FROM facts f JOIN entities e ON e.entity_id = f.entity_id \
             WHERE e.created_position <= ?1 AND f.position <= ?1 AND f.effective_at <= ?2) \
         WHERE newest = 1",
    )?;
    let rows = stmt.query_map(params![as_of, moment.valid_at.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (entity, field, value) = row?;
        let entity = Uuid::parse_str(&entity).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?;
        let value = serde_json::from_str(&value).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?;
        out.insert((entity, field), value);
    }
    Ok(out)
}

/// The position an optional "as of" instant stands for: everything when
/// none is given.
pub fn position_as_of(
    conn: &Connection,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> rusqlite::Result<u64> {
    match at {
        Some(at) => position_at(conn, at),
        None => Ok(u64::MAX),
    }
}

/// The log position the system had reached at instant `at` (0 before the first event).
///
/// `recorded_at` never decreases along `position`, so the answer is the
/// last entry at or before `at` in the `events_recorded` index (which holds
/// the position as its rowid): one descent of the index, however long the
/// log. (`max(position) ... WHERE recorded_at <= ?` reads every entry before
/// `at`, which made as-of questions grow with the log.)
pub fn position_at(conn: &Connection, at: chrono::DateTime<chrono::Utc>) -> rusqlite::Result<u64> {
    conn.prepare_cached(
        "SELECT position FROM events WHERE recorded_at <= ?1 \
         ORDER BY recorded_at DESC, position DESC LIMIT 1",
    )?
    .query_row([crate::store::format_recorded_at(at)], |r| r.get(0))
    .optional()
    .map(|p| p.unwrap_or(0))
}

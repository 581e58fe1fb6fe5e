//! From the log to a plan file: one organization and its strategies at a
//! moment, written in the format `import` reads. Exporting, importing into
//! an empty store and exporting again gives the same file: ids are written
//! out, and keys are derived from them.
//!
//! A plan file is a snapshot with dated facts, not the log: a title revised
//! later is written as the current title, and the events' actors, reasons
//! and recording times are not part of it.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::NaiveDate;
use rusqlite::Connection;
use uuid::Uuid;

use crate::read::{self, Moment, ReadError};

/// A TOML string literal.
fn q(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A short, stable key for an entity, derived from its id.
fn key(id: Uuid) -> String {
    id.simple().to_string()[..8].to_owned()
}

fn line(out: &mut String, name: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{name} = {value}");
}

fn optional(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        line(out, name, q(value));
    }
}

/// Writes the organization and every strategy of it as a plan file.
pub fn export(
    conn: &Connection,
    organization: Uuid,
    moment: Moment,
) -> Result<Option<String>, ReadError> {
    let Some(org) = read::organization(conn, organization, moment)? else {
        return Ok(None);
    };
    let mut out = String::new();
    let (position, hash) = read::chain_at(conn, moment.as_of)?
        .map(|(p, h)| (p, hex::encode(h)))
        .unwrap_or((0, String::new()));
    let valid_at = if moment.valid_at == read::LAST_DATE {
        "every date".to_owned()
    } else {
        moment.valid_at.to_string()
    };
    let _ = writeln!(
        out,
        "# Sporbar plan file (docs/plan-format.md): exported at log position {position} (chain hash {hash}), valid at {valid_at}."
    );
    line(&mut out, "format", 1);
    out.push_str("\n[organization]\n");
    line(&mut out, "id", q(&org.id.to_string()));
    line(&mut out, "key", q(&key(org.id)));
    line(&mut out, "name", q(&org.name));
    line(&mut out, "registered", org.since);
    for member in &org.members {
        // Each joining starts a membership; a leaving ends the one before it.
        let mut joined: Option<NaiveDate> = None;
        let mut terms = Vec::new();
        for (date, is_join) in &member.changes {
            match (is_join, joined) {
                (true, None) => joined = Some(*date),
                (false, Some(start)) => {
                    terms.push((start, Some(*date)));
                    joined = None;
                }
                _ => {}
            }
        }
        if let Some(start) = joined {
            terms.push((start, None));
        }
        for (start, end) in terms {
            out.push_str("\n[[organization.members]]\n");
            line(&mut out, "kommunenummer", q(&member.kommunenummer));
            line(&mut out, "name", q(&member.name));
            line(&mut out, "joined", start);
            if let Some(end) = end {
                line(&mut out, "left", end);
            }
        }
    }
    let mut group_keys = HashMap::new();
    for group in &org.working_groups {
        group_keys.insert(group.id, key(group.id));
        out.push_str("\n[[organization.working_groups]]\n");
        line(&mut out, "id", q(&group.id.to_string()));
        line(&mut out, "key", q(&key(group.id)));
        line(&mut out, "name", q(&group.name));
        line(&mut out, "formed", group.since);
        if let Some(disbanded) = group.disbanded_on {
            line(&mut out, "disbanded", disbanded);
        }
    }
    let mut strategy_keys: HashMap<Uuid, String> = HashMap::new();
    let mut goal_refs: HashMap<Uuid, String> = HashMap::new();
    for id in read::strategy_ids(conn, Some(organization), moment)? {
        let Some(strategy) = read::strategy(conn, id, moment)? else {
            continue;
        };
        write_strategy(
            &mut out,
            &strategy,
            &group_keys,
            &mut strategy_keys,
            &mut goal_refs,
        );
    }
    Ok(Some(out))
}

fn write_strategy(
    out: &mut String,
    s: &read::StrategyView,
    groups: &HashMap<Uuid, String>,
    strategies: &mut HashMap<Uuid, String>,
    goal_refs: &mut HashMap<Uuid, String>,
) {
    let strategy_key = key(s.id);
    strategies.insert(s.id, strategy_key.clone());
    out.push_str("\n[[strategies]]\n");
    line(out, "id", q(&s.id.to_string()));
    line(out, "key", q(&strategy_key));
    line(out, "title", q(&s.title));
    line(out, "start_year", s.period.0);
    line(out, "end_year", s.period.1);
    optional(out, "vision", s.vision.as_deref());
    line(out, "drafted", s.since);
    if let Some(predecessor) = s.predecessor.and_then(|p| strategies.get(&p)) {
        line(out, "predecessor", q(predecessor));
    }
    if let Some(adoption) = &s.adoption {
        line(
            out,
            "adopted",
            format!(
                "{{ by = {}, on = {} }}",
                q(&adoption.value),
                adoption.effective_at
            ),
        );
    }
    if s.status == "CLOSED" {
        line(out, "closed", s.status_since);
    }
    let mut goal_numbers = HashMap::new();
    for area in &s.areas {
        out.push_str("\n[[strategies.focus_areas]]\n");
        line(out, "id", q(&area.id.to_string()));
        line(out, "number", area.number);
        line(out, "title", q(&area.title));
        optional(out, "description", area.description.as_deref());
        line(out, "defined", area.since);
        for goal in &area.goals {
            goal_numbers.insert(goal.id, goal.number.clone());
            goal_refs.insert(goal.id, format!("{strategy_key}/{}", goal.number));
            out.push_str("\n[[strategies.focus_areas.goals]]\n");
            line(out, "id", q(&goal.id.to_string()));
            line(out, "number", q(&goal.number));
            line(out, "wording", q(&goal.wording));
            line(out, "defined", goal.since);
            if let Some(origin) = goal.carried_over_from.and_then(|g| goal_refs.get(&g)) {
                line(out, "carried_over_from", q(origin));
            }
            if let Some(retired) = goal.retired {
                line(out, "retired", retired);
            }
            if !goal.assessments.is_empty() {
                out.push_str("assessments = [\n");
                for a in &goal.assessments {
                    let _ = writeln!(
                        out,
                        "  {{ on = {}, status = {}, justification = {} }},",
                        a.effective_at,
                        q(&a.value.status),
                        q(&a.value.justification)
                    );
                }
                out.push_str("]\n");
            }
            write_indicators(
                out,
                "strategies.focus_areas.goals.indicators",
                &goal.indicators,
            );
        }
    }
    let mut action_keys = HashMap::new();
    for action in &s.actions {
        action_keys.insert(action.id, key(action.id));
        out.push_str("\n[[strategies.actions]]\n");
        line(out, "id", q(&action.id.to_string()));
        line(out, "key", q(&key(action.id)));
        line(out, "kind", q(&action.kind));
        line(out, "title", q(&action.title));
        optional(out, "description", action.description.as_deref());
        if let Some(owner) = action.owner.and_then(|o| groups.get(&o)) {
            line(out, "owner", q(owner));
        }
        if let Some(area) = action
            .focus_area
            .and_then(|a| s.areas.iter().find(|x| x.id == a))
        {
            line(out, "focus_area", area.number);
        }
        if !action.members_involved.is_empty() {
            let members: Vec<String> = action.members_involved.iter().map(|m| q(m)).collect();
            line(out, "members_involved", format!("[{}]", members.join(", ")));
        }
        line(out, "start_year", action.period.0);
        line(out, "end_year", action.period.1);
        let mut goals: Vec<&String> = action
            .goals
            .iter()
            .filter_map(|g| goal_numbers.get(g))
            .collect();
        goals.sort_by_key(|n| {
            n.split('.')
                .filter_map(|p| p.parse::<u32>().ok())
                .collect::<Vec<_>>()
        });
        if !goals.is_empty() {
            let goals: Vec<String> = goals.into_iter().map(|g| q(g)).collect();
            line(out, "goals", format!("[{}]", goals.join(", ")));
        }
        if action.decommissioning {
            line(out, "decommissioning", true);
        }
        line(out, "planned", action.since);
        // The PLANNED status an action starts with is implied by `planned`.
        statuses(
            out,
            "status",
            &action.status_history,
            (action.since, "PLANNED"),
        );
        if !action.budget.is_empty() {
            out.push_str("budget = [\n");
            for b in &action.budget {
                let actual = b
                    .actual
                    .map(|a| format!(", actual = {a}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {{ year = {}, category = {}, planned = {}{actual}, on = {} }},",
                    b.year,
                    q(&b.category),
                    b.planned,
                    b.effective_at
                );
            }
            out.push_str("]\n");
        }
    }
    for benefit in &s.benefits {
        out.push_str("\n[[strategies.benefits]]\n");
        line(out, "id", q(&benefit.id.to_string()));
        line(out, "key", q(&key(benefit.id)));
        if let Some(action) = benefit.action.and_then(|a| action_keys.get(&a)) {
            line(out, "action", q(action));
        }
        line(out, "stakeholder", q(&benefit.stakeholder));
        line(out, "category", q(&benefit.category));
        line(out, "title", q(&benefit.title));
        optional(out, "description", benefit.description.as_deref());
        if benefit.priced {
            line(out, "priced", true);
        }
        if benefit.disbenefit {
            line(out, "disbenefit", true);
        }
        if benefit.unexpected {
            line(out, "unexpected", true);
        }
        optional(out, "responsible", benefit.responsible.as_deref());
        if let Some(due) = benefit.due {
            line(out, "due", due);
        }
        line(out, "identified", benefit.since);
        // The IDENTIFIED status a benefit starts with is implied by `identified`.
        statuses(
            out,
            "realisation",
            &benefit.realisation,
            (benefit.since, "IDENTIFIED"),
        );
        write_indicators(out, "strategies.benefits.indicators", &benefit.indicators);
    }
}

/// A dated list of statuses with notes, leaving out the one the entity
/// started with (implied by its creation date).
fn statuses(
    out: &mut String,
    name: &str,
    history: &[read::Dated<read::ActionStatusNote>],
    initial: (NaiveDate, &str),
) {
    let shown: Vec<_> = history
        .iter()
        .filter(|s| {
            !(s.effective_at == initial.0 && s.value.status == initial.1 && s.value.note.is_none())
        })
        .collect();
    if shown.is_empty() {
        return;
    }
    let _ = writeln!(out, "{name} = [");
    for s in shown {
        let note = s
            .value
            .note
            .as_deref()
            .map(|n| format!(", note = {}", q(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {{ on = {}, status = {}{note} }},",
            s.effective_at,
            q(&s.value.status)
        );
    }
    out.push_str("]\n");
}

fn write_indicators(out: &mut String, table: &str, indicators: &[read::IndicatorView]) {
    for indicator in indicators {
        let _ = writeln!(out, "\n[[{table}]]");
        line(out, "id", q(&indicator.id.to_string()));
        line(out, "key", q(&key(indicator.id)));
        line(out, "name", q(&indicator.name));
        line(out, "unit", q(&indicator.unit));
        line(out, "direction", q(&indicator.direction));
        if let Some(days) = indicator.update_every_days {
            line(out, "update_every_days", days);
        }
        line(out, "defined", indicator.since);
        if let Some((value, on)) = indicator.baseline {
            line(
                out,
                "baseline",
                format!("{{ value = {}, on = {on} }}", number(value)),
            );
        }
        if !indicator.targets.is_empty() {
            out.push_str("targets = [\n");
            for t in &indicator.targets {
                let _ = writeln!(
                    out,
                    "  {{ value = {}, due = {}, set_on = {} }},",
                    number(t.value.1),
                    t.value.0,
                    t.effective_at
                );
            }
            out.push_str("]\n");
        }
        if !indicator.measurements.is_empty() {
            out.push_str("measurements = [\n");
            for m in &indicator.measurements {
                let comment = m
                    .value
                    .comment
                    .as_deref()
                    .map(|c| format!(", comment = {}", q(c)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {{ on = {}, value = {}{comment} }},",
                    m.effective_at,
                    number(m.value.value)
                );
            }
            out.push_str("]\n");
        }
    }
}

/// A TOML float that reads back as the same value.
fn number(value: f64) -> String {
    let text = format!("{value:?}");
    if text.contains('.') || text.contains('e') || text.contains("inf") || text.contains("NaN") {
        text
    } else {
        format!("{text}.0")
    }
}

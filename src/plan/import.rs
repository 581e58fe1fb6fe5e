//! From a plan file to commands: parse, compare with the log, submit.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use toml::Spanned;
use uuid::Uuid;

use super::format::*;
use crate::domain::{self, CommandBody, DomainError, Text};
use crate::read::{self, Moment};
use crate::store::{SqliteStore, StoreError, Submission};

/// Ids of plan-file entities: UUIDv5 in this namespace of
/// "<organization key>/<path>", so a file always names the same entities.
const NAMESPACE: Uuid = Uuid::from_u128(0x5b0e_6f3a_9c1d_4e27_8a64_2f7d_c0b1_9e53);

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file is not a plan file: TOML syntax, a missing or unknown field,
    /// a value of the wrong type.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value or a rule of the domain is broken by one item of the file.
    #[error("{file}:{line}: {path}: {message}")]
    Invalid {
        file: String,
        line: usize,
        path: String,
        message: String,
    },
    #[error("{file}: the store failed")]
    Store {
        file: String,
        #[source]
        source: StoreError,
    },
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// Commands the differences came to.
    pub commands: usize,
    /// Events they appended.
    pub events: usize,
}

/// Where in the file a command comes from.
#[derive(Clone, Debug)]
pub(super) struct Origin {
    start: usize,
    path: String,
}

/// A command with the item of the file it came from.
pub struct PlannedCommand {
    pub submission: Submission,
    origin: Origin,
}

/// Parses `text` and imports the differences between it and the log, in
/// one transaction. `file` names the file in errors and in the actor
/// (`import:<file>`); `today` dates the changes the file gives no date for.
pub fn import(
    store: &SqliteStore,
    file: &str,
    text: &str,
    today: NaiveDate,
) -> Result<ImportReport, PlanError> {
    let planned = plan_commands(store, file, text, today)?;
    submit_planned(store, file, text, planned)
}

/// Submits planned commands in one transaction; a refusal is reported at
/// the line of `text` its item starts on.
pub(super) fn submit_planned(
    store: &SqliteStore,
    file: &str,
    text: &str,
    planned: Vec<PlannedCommand>,
) -> Result<ImportReport, PlanError> {
    if planned.is_empty() {
        return Ok(ImportReport {
            commands: 0,
            events: 0,
        });
    }
    let origins: Vec<Origin> = planned.iter().map(|p| p.origin.clone()).collect();
    let submissions: Vec<Submission> = planned.into_iter().map(|p| p.submission).collect();
    let count = submissions.len();
    match store.execute_all(submissions) {
        Ok(appended) => Ok(ImportReport {
            commands: count,
            events: appended
                .iter()
                .filter(|a| !a.duplicate)
                .map(|a| a.events.len())
                .sum(),
        }),
        Err(StoreError::InBatch { index, source }) => {
            let origin = &origins[index];
            let message = match *source {
                StoreError::Domain(error) => error.to_string(),
                other => {
                    return Err(PlanError::Store {
                        file: file.to_owned(),
                        source: other,
                    });
                }
            };
            Err(PlanError::Invalid {
                file: file.to_owned(),
                line: line_of(text, origin.start),
                path: origin.path.clone(),
                message,
            })
        }
        Err(other) => Err(PlanError::Store {
            file: file.to_owned(),
            source: other,
        }),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// The commands that would bring the log in line with the file, in order.
pub fn plan_commands(
    store: &SqliteStore,
    file: &str,
    text: &str,
    today: NaiveDate,
) -> Result<Vec<PlannedCommand>, PlanError> {
    let plan: PlanFile = toml::from_str(text).map_err(|e| {
        let start = e.span().map(|s| s.start).unwrap_or(0);
        let line = line_of(text, start);
        let column = start
            - text[..start.min(text.len())]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0)
            + 1;
        PlanError::Parse {
            file: file.to_owned(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    let mut generator = Generator {
        file,
        text,
        today,
        org_key: plan.organization.get_ref().key.clone(),
        actor: format!("import:{file}"),
        out: Vec::new(),
        goal_ids: HashMap::new(),
    };
    if plan.format != 1 {
        return Err(generator.error(
            &Origin {
                start: 0,
                path: "format".into(),
            },
            format!(
                "format {} is not known; this version reads format 1",
                plan.format
            ),
        ));
    }
    let reader = store.reader().map_err(|source| PlanError::Store {
        file: file.to_owned(),
        source,
    })?;
    generator.organization(&reader, &plan)?;
    Ok(generator.out)
}

pub(super) struct Generator<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    pub(super) today: NaiveDate,
    pub(super) org_key: String,
    pub(super) actor: String,
    pub(super) out: Vec<PlannedCommand>,
    /// Every goal of the file so far, by "strategy key/goal number".
    pub(super) goal_ids: HashMap<String, domain::GoalId>,
}

/// Everything known, at any date, as of now.
pub(super) fn everything() -> Moment {
    Moment {
        as_of: u64::MAX,
        valid_at: read::LAST_DATE,
    }
}

pub(super) fn origin<T>(item: &Spanned<T>, path: String) -> Origin {
    Origin {
        start: item.span().start,
        path,
    }
}

impl Generator<'_> {
    fn id(&self, path: &str) -> Uuid {
        Uuid::new_v5(&NAMESPACE, format!("{}/{path}", self.org_key).as_bytes())
    }

    /// The file's explicit id, or the one derived from `path`.
    fn id_or(&self, explicit: Option<Uuid>, path: &str) -> Uuid {
        explicit.unwrap_or_else(|| self.id(path))
    }

    fn error(&self, origin: &Origin, message: impl Into<String>) -> PlanError {
        PlanError::Invalid {
            file: self.file.to_owned(),
            line: line_of(self.text, origin.start),
            path: origin.path.clone(),
            message: message.into(),
        }
    }

    fn value<T>(&self, origin: &Origin, result: Result<T, DomainError>) -> Result<T, PlanError> {
        result.map_err(|e| self.error(origin, e.to_string()))
    }

    pub(super) fn push(&mut self, origin: &Origin, effective: NaiveDate, body: CommandBody) {
        let command = domain::Command { effective, body };
        // The same command from the same item always has the same id, so a
        // repeated or concurrent import of one file cannot append it twice.
        let command_id = Uuid::new_v5(
            &NAMESPACE,
            format!("{}/{}/{command:?}", self.org_key, origin.path).as_bytes(),
        );
        let submission = Submission {
            command_id,
            ..Submission::new(command, self.actor.clone())
        };
        self.out.push(PlannedCommand {
            submission,
            origin: origin.clone(),
        });
    }

    fn title(&self, origin: &Origin, field: &'static str, raw: &str) -> Result<Text, PlanError> {
        self.value(origin, Text::title(field, raw))
    }

    fn prose(&self, origin: &Origin, field: &'static str, raw: &str) -> Result<Text, PlanError> {
        self.value(origin, Text::prose(field, raw))
    }

    fn optional_prose(
        &self,
        origin: &Origin,
        field: &'static str,
        raw: &Option<String>,
    ) -> Result<Option<Text>, PlanError> {
        raw.as_deref()
            .filter(|r| !r.trim().is_empty())
            .map(|r| self.prose(origin, field, r))
            .transpose()
    }

    fn period(&self, origin: &Origin, start: i64, end: i64) -> Result<domain::Period, PlanError> {
        let start = self.value(origin, domain::Year::new(start))?;
        let end = self.value(origin, domain::Year::new(end))?;
        self.value(origin, domain::Period::new(start, end))
    }

    fn organization(
        &mut self,
        conn: &rusqlite::Connection,
        plan: &PlanFile,
    ) -> Result<(), PlanError> {
        let spec = plan.organization.get_ref();
        let here = origin(&plan.organization, "organization".into());
        let org = domain::OrganizationId(self.id_or(spec.id, "organization"));
        let current = read::organization(conn, org.0, everything())
            .map_err(|e| self.error(&here, e.to_string()))?;
        let name = self.title(&here, "name", &spec.name)?;
        match &current {
            None => self.push(
                &here,
                spec.registered.0,
                CommandBody::RegisterOrganization { id: org, name },
            ),
            Some(view) if view.name != name.as_str() => self.push(
                &here,
                self.today,
                CommandBody::RenameOrganization { id: org, name },
            ),
            Some(_) => {}
        }

        for (i, member) in spec.members.iter().enumerate() {
            let at = origin(member, format!("organization.members[{i}]"));
            let m = member.get_ref();
            let kommunenummer = self.value(&at, domain::Kommunenummer::parse(&m.kommunenummer))?;
            let changes = current
                .as_ref()
                .and_then(|v| {
                    v.members
                        .iter()
                        .find(|x| x.kommunenummer == kommunenummer.as_str())
                })
                .map(|x| x.changes.clone())
                .unwrap_or_default();
            if !changes.contains(&(m.joined.0, true)) {
                let name = self.title(&at, "name", &m.name)?;
                self.push(
                    &at,
                    m.joined.0,
                    CommandBody::AdmitMember {
                        organization: org,
                        kommunenummer: kommunenummer.clone(),
                        name,
                    },
                );
            }
            if let Some(left) = m.left
                && !changes.contains(&(left.0, false))
            {
                self.push(
                    &at,
                    left.0,
                    CommandBody::RecordMemberLeaving {
                        organization: org,
                        kommunenummer,
                    },
                );
            }
        }

        let mut groups = HashMap::new();
        for (i, group) in spec.working_groups.iter().enumerate() {
            let at = origin(group, format!("organization.working_groups[{i}]"));
            let g = group.get_ref();
            let id = domain::WorkingGroupId(self.id_or(g.id, &format!("working-group/{}", g.key)));
            if groups.insert(g.key.clone(), id).is_some() {
                return Err(self.error(
                    &at,
                    format!("key: working group '{}' is listed twice", g.key),
                ));
            }
            let name = self.title(&at, "name", &g.name)?;
            let existing = current
                .as_ref()
                .and_then(|v| v.working_groups.iter().find(|x| x.id == id.0));
            match existing {
                None => self.push(
                    &at,
                    g.formed.0,
                    CommandBody::FormWorkingGroup {
                        id,
                        organization: org,
                        name,
                    },
                ),
                Some(view) if view.name != name.as_str() => self.push(
                    &at,
                    self.today,
                    CommandBody::RenameWorkingGroup { id, name },
                ),
                Some(_) => {}
            }
            if let Some(disbanded) = g.disbanded
                && !existing.is_some_and(|v| v.disbanded)
            {
                self.push(&at, disbanded.0, CommandBody::DisbandWorkingGroup { id });
            }
        }

        let mut strategies: HashMap<String, domain::StrategyId> = HashMap::new();
        let mut closings = Vec::new();
        for (i, strategy) in plan.strategies.iter().enumerate() {
            let at = origin(strategy, format!("strategies[{i}]"));
            if let Some(closing) =
                self.strategy(conn, org, &groups, &mut strategies, strategy, &at)?
            {
                closings.push(closing);
            }
        }
        // A closed strategy cannot change: close only after everything in it.
        for (at, date, id) in closings {
            self.push(&at, date, CommandBody::CloseStrategy { id });
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn strategy(
        &mut self,
        conn: &rusqlite::Connection,
        org: domain::OrganizationId,
        groups: &HashMap<String, domain::WorkingGroupId>,
        strategies: &mut HashMap<String, domain::StrategyId>,
        item: &Spanned<StrategySpec>,
        at: &Origin,
    ) -> Result<Option<(Origin, NaiveDate, domain::StrategyId)>, PlanError> {
        let spec = item.get_ref();
        let path = format!("strategy/{}", spec.key);
        let id = domain::StrategyId(self.id_or(spec.id, &path));
        if strategies.insert(spec.key.clone(), id).is_some() {
            return Err(self.error(at, format!("key: strategy '{}' is listed twice", spec.key)));
        }
        let predecessor = match &spec.predecessor {
            None => None,
            Some(key) => Some(*strategies.get(key).filter(|p| **p != id).ok_or_else(|| {
                self.error(
                    at,
                    format!("predecessor: no earlier strategy in this file has the key '{key}'"),
                )
            })?),
        };
        let current =
            read::strategy(conn, id.0, everything()).map_err(|e| self.error(at, e.to_string()))?;
        let title = self.title(at, "title", &spec.title)?;
        let period = self.period(at, spec.start_year, spec.end_year)?;
        let vision = self.optional_prose(at, "vision", &spec.vision)?;
        match &current {
            None => self.push(
                at,
                spec.drafted.0,
                CommandBody::DraftStrategy {
                    id,
                    organization: org,
                    title,
                    period,
                    vision,
                    predecessor,
                },
            ),
            Some(view) => {
                let changed = view.title != title.as_str()
                    || view.period != (period.start.get(), period.end.get())
                    || view.vision.as_deref() != vision.as_ref().map(Text::as_str);
                if changed {
                    self.push(
                        at,
                        self.today,
                        CommandBody::ReviseStrategy {
                            id,
                            title,
                            period,
                            vision,
                        },
                    );
                }
            }
        }
        if let Some(adoption) = &spec.adopted
            && current.as_ref().is_none_or(|v| v.adoption.is_none())
        {
            let adopted_by = self.title(at, "adopted.by", &adoption.by)?;
            self.push(
                at,
                adoption.on.0,
                CommandBody::AdoptStrategy { id, adopted_by },
            );
        }

        // Goals by number, for actions and carry-overs.
        let mut goals: HashMap<String, domain::GoalId> = HashMap::new();
        let mut areas: HashMap<u8, domain::FocusAreaId> = HashMap::new();
        let mut follow_ups: Vec<(Origin, NaiveDate, CommandBody)> = Vec::new();
        for (a, area) in spec.focus_areas.iter().enumerate() {
            let area_at = origin(area, format!("{}.focus_areas[{a}]", at.path));
            let area_spec = area.get_ref();
            let number = self.value(&area_at, domain::AreaNumber::new(area_spec.number))?;
            let area_id = domain::FocusAreaId(
                self.id_or(area_spec.id, &format!("{path}/area/{}", number.get())),
            );
            areas.insert(number.get(), area_id);
            let area_view = current
                .as_ref()
                .and_then(|v| v.areas.iter().find(|x| x.id == area_id.0));
            let title = self.title(&area_at, "title", &area_spec.title)?;
            let description =
                self.optional_prose(&area_at, "description", &area_spec.description)?;
            match area_view {
                None => self.push(
                    &area_at,
                    area_spec.defined.unwrap_or(spec.drafted).0,
                    CommandBody::DefineFocusArea {
                        id: area_id,
                        strategy: id,
                        number,
                        title,
                        description,
                    },
                ),
                Some(view)
                    if view.title != title.as_str()
                        || view.description.as_deref()
                            != description.as_ref().map(Text::as_str) =>
                {
                    self.push(
                        &area_at,
                        self.today,
                        CommandBody::ReviseFocusArea {
                            id: area_id,
                            title,
                            description,
                        },
                    )
                }
                Some(_) => {}
            }
            for (g, goal) in area_spec.goals.iter().enumerate() {
                let goal_at = origin(goal, format!("{}.goals[{g}]", area_at.path));
                let goal_spec = goal.get_ref();
                let number = self.value(&goal_at, domain::GoalNumber::parse(&goal_spec.number))?;
                let goal_id =
                    domain::GoalId(self.id_or(goal_spec.id, &format!("{path}/goal/{number}")));
                self.goal_ids
                    .insert(format!("{}/{number}", spec.key), goal_id);
                if goals.insert(number.to_string(), goal_id).is_some() {
                    return Err(self.error(
                        &goal_at,
                        format!("number: goal '{number}' is listed twice in this strategy"),
                    ));
                }
                let goal_view = area_view.and_then(|v| v.goals.iter().find(|x| x.id == goal_id.0));
                let wording = self.prose(&goal_at, "wording", &goal_spec.wording)?;
                let defined = goal_spec.defined.unwrap_or(spec.drafted).0;
                let carried_over_from = match &goal_spec.carried_over_from {
                    None => None,
                    Some(reference) => {
                        let (strategy_key, goal_number) = reference.split_once('/').ok_or_else(|| {
                            self.error(&goal_at, format!("carried_over_from: '{reference}' is not \"strategy key/goal number\""))
                        })?;
                        let goal_number =
                            self.value(&goal_at, domain::GoalNumber::parse(goal_number))?;
                        let origin_goal = self
                            .goal_ids
                            .get(&format!("{strategy_key}/{goal_number}"))
                            .copied();
                        Some(origin_goal.ok_or_else(|| {
                            self.error(&goal_at, format!("carried_over_from: no earlier strategy in this file has the goal '{reference}'"))
                        })?)
                    }
                };
                match goal_view {
                    None => self.push(
                        &goal_at,
                        defined,
                        CommandBody::DefineGoal {
                            id: goal_id,
                            focus_area: area_id,
                            number,
                            wording,
                            carried_over_from,
                        },
                    ),
                    Some(view) if view.wording != wording.as_str() => self.push(
                        &goal_at,
                        self.today,
                        CommandBody::RewordGoal {
                            id: goal_id,
                            wording,
                        },
                    ),
                    Some(_) => {}
                }
                for (n, assessment) in goal_spec.assessments.iter().enumerate() {
                    let here = origin(assessment, format!("{}.assessments[{n}]", goal_at.path));
                    let a = assessment.get_ref();
                    let status = self.value(&here, domain::GoalStatus::parse(&a.status))?;
                    let justification = self.prose(&here, "justification", &a.justification)?;
                    let known = goal_view
                        .and_then(|v| v.assessments.iter().find(|x| x.effective_at == a.on.0));
                    let same = known.is_some_and(|k| {
                        k.value.status == status.as_str()
                            && k.value.justification == justification.as_str()
                    });
                    if !same {
                        follow_ups.push((
                            here,
                            a.on.0,
                            CommandBody::AssessGoal {
                                id: goal_id,
                                status,
                                justification,
                            },
                        ));
                    }
                }
                for (n, indicator) in goal_spec.indicators.iter().enumerate() {
                    let here = origin(indicator, format!("{}.indicators[{n}]", goal_at.path));
                    let known = goal_view.map(|v| v.indicators.as_slice()).unwrap_or(&[]);
                    self.indicator(
                        indicator,
                        &here,
                        &format!("{path}/goal/{}", goal_spec.number.trim()),
                        domain::IndicatorSubject::Goal(goal_id),
                        defined,
                        known,
                    )?;
                }
                if let Some(retired) = goal_spec.retired
                    && goal_view.is_none_or(|v| v.retired.is_none())
                {
                    follow_ups.push((
                        goal_at.clone(),
                        retired.0,
                        CommandBody::RetireGoal { id: goal_id },
                    ));
                }
            }
        }

        let mut actions = HashMap::new();
        for (n, action) in spec.actions.iter().enumerate() {
            let here = origin(action, format!("{}.actions[{n}]", at.path));
            let action_id = self.action(
                action,
                &here,
                &path,
                id,
                groups,
                &goals,
                &areas,
                current.as_ref(),
                &mut follow_ups,
            )?;
            if actions
                .insert(action.get_ref().key.clone(), action_id)
                .is_some()
            {
                return Err(self.error(
                    &here,
                    format!("key: action '{}' is listed twice", action.get_ref().key),
                ));
            }
        }
        for (n, benefit) in spec.benefits.iter().enumerate() {
            let here = origin(benefit, format!("{}.benefits[{n}]", at.path));
            self.benefit(
                benefit,
                &here,
                &path,
                id,
                &actions,
                current.as_ref(),
                &mut follow_ups,
            )?;
        }
        // Assessments, statuses, budgets and retirements after every entity
        // of the strategy exists, in file order.
        for (here, date, body) in follow_ups {
            self.push(&here, date, body);
        }
        let closing = spec
            .closed
            .filter(|_| current.as_ref().is_none_or(|v| v.status != "CLOSED"))
            .map(|date| (at.clone(), date.0, id));
        Ok(closing)
    }

    /// The dated statuses of the file that the log does not hold yet, as
    /// commands made by `command`.
    fn status_changes<S: std::fmt::Display>(
        &self,
        items: &[Spanned<StatusSpec>],
        path: &str,
        known: &[read::Dated<read::ActionStatusNote>],
        parse: fn(&str) -> Result<S, DomainError>,
        command: impl Fn(S, Option<Text>) -> CommandBody,
    ) -> Result<Vec<(Origin, NaiveDate, CommandBody)>, PlanError> {
        let mut out = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let here = origin(item, format!("{path}[{n}]"));
            let s = item.get_ref();
            let status = self.value(&here, parse(&s.status))?;
            let note = self.optional_prose(&here, "note", &s.note)?;
            let same = known.iter().any(|x| {
                x.effective_at == s.on.0
                    && x.value.status == status.to_string()
                    && x.value.note.as_deref() == note.as_ref().map(Text::as_str)
            });
            if !same {
                out.push((here, s.on.0, command(status, note)));
            }
        }
        Ok(out)
    }

    fn indicator(
        &mut self,
        item: &Spanned<IndicatorSpec>,
        at: &Origin,
        parent_path: &str,
        subject: domain::IndicatorSubject,
        parent_date: NaiveDate,
        known: &[read::IndicatorView],
    ) -> Result<(), PlanError> {
        let spec = item.get_ref();
        let id = domain::IndicatorId(
            self.id_or(spec.id, &format!("{parent_path}/indicator/{}", spec.key)),
        );
        let view = known.iter().find(|v| v.id == id.0);
        let defined = spec.defined.map(|d| d.0).unwrap_or(parent_date);
        if view.is_none() {
            let baseline = match &spec.baseline {
                None => None,
                Some(b) => Some(domain::Measurement {
                    value: self.value(at, domain::Quantity::new("baseline.value", b.value))?,
                    on: b.on.0,
                }),
            };
            let body = CommandBody::DefineIndicator {
                id,
                subject,
                name: self.title(at, "name", &spec.name)?,
                unit: self.title(at, "unit", &spec.unit)?,
                direction: self.value(at, domain::Direction::parse(&spec.direction))?,
                baseline,
                update_every_days: spec.update_every_days,
            };
            self.push(at, defined, body);
        }
        for (n, target) in spec.targets.iter().enumerate() {
            let here = origin(target, format!("{}.targets[{n}]", at.path));
            let t = target.get_ref();
            let same = view.is_some_and(|v| {
                v.targets
                    .iter()
                    .any(|x| x.value.0 == t.due.0 && x.value.1 == t.value)
            });
            if !same {
                let value = self.value(&here, domain::Quantity::new("value", t.value))?;
                self.push(
                    &here,
                    t.set_on.map(|d| d.0).unwrap_or(defined),
                    CommandBody::SetIndicatorTarget {
                        id,
                        value,
                        due: t.due.0,
                    },
                );
            }
        }
        for (n, measurement) in spec.measurements.iter().enumerate() {
            let here = origin(measurement, format!("{}.measurements[{n}]", at.path));
            let m = measurement.get_ref();
            let comment = self.optional_prose(&here, "comment", &m.comment)?;
            let same = view.is_some_and(|v| {
                v.measurements.iter().any(|x| {
                    x.effective_at == m.on.0
                        && x.value.value == m.value
                        && x.value.comment.as_deref() == comment.as_ref().map(Text::as_str)
                })
            });
            if !same {
                let value = self.value(&here, domain::Quantity::new("value", m.value))?;
                self.push(
                    &here,
                    m.on.0,
                    CommandBody::RecordMeasurement { id, value, comment },
                );
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn action(
        &mut self,
        item: &Spanned<ActionSpec>,
        at: &Origin,
        strategy_path: &str,
        strategy: domain::StrategyId,
        groups: &HashMap<String, domain::WorkingGroupId>,
        goals: &HashMap<String, domain::GoalId>,
        areas: &HashMap<u8, domain::FocusAreaId>,
        current: Option<&read::StrategyView>,
        follow_ups: &mut Vec<(Origin, NaiveDate, CommandBody)>,
    ) -> Result<domain::ActionId, PlanError> {
        let spec = item.get_ref();
        let id =
            domain::ActionId(self.id_or(spec.id, &format!("{strategy_path}/action/{}", spec.key)));
        let view = current.and_then(|v| v.actions.iter().find(|a| a.id == id.0));
        let kind = self.value(at, domain::ActionKind::parse(&spec.kind))?;
        let title = self.title(at, "title", &spec.title)?;
        let description = self.optional_prose(at, "description", &spec.description)?;
        let owner = match &spec.owner {
            None => None,
            Some(key) => Some(*groups.get(key).ok_or_else(|| {
                self.error(at, format!("owner: no working group has the key '{key}'"))
            })?),
        };
        let focus_area = match spec.focus_area {
            None => None,
            Some(number) => Some(
                u8::try_from(number)
                    .ok()
                    .and_then(|n| areas.get(&n).copied())
                    .ok_or_else(|| {
                        self.error(at, format!("focus_area: no focus area of this strategy has the number '{number}'"))
                    })?,
            ),
        };
        let members = spec
            .members_involved
            .iter()
            .map(|k| self.value(at, domain::Kommunenummer::parse(k)))
            .collect::<Result<Vec<_>, _>>()?;
        let period = self.period(at, spec.start_year, spec.end_year)?;
        let goal_ids = spec
            .goals
            .iter()
            .map(|number| {
                let number = self.value(at, domain::GoalNumber::parse(number))?;
                goals.get(&number.to_string()).copied().ok_or_else(|| {
                    self.error(
                        at,
                        format!("goals: no goal of this strategy has the number '{number}'"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        match view {
            None => self.push(
                at,
                spec.planned.0,
                CommandBody::PlanAction {
                    id,
                    strategy,
                    kind,
                    title,
                    description,
                    owner,
                    focus_area,
                    members_involved: members,
                    period,
                    goals: goal_ids,
                    decommissioning: spec.decommissioning,
                },
            ),
            Some(view) => {
                let changed = view.title != title.as_str()
                    || view.description.as_deref() != description.as_ref().map(Text::as_str)
                    || view.owner != owner.map(|o| o.0)
                    || view.focus_area != focus_area.map(|a| a.0)
                    || view
                        .members_involved
                        .iter()
                        .map(String::as_str)
                        .ne(members.iter().map(|m| m.as_str()))
                    || view.period != (period.start.get(), period.end.get())
                    || view.decommissioning != spec.decommissioning;
                if changed {
                    self.push(
                        at,
                        self.today,
                        CommandBody::ReviseAction {
                            id,
                            title,
                            description,
                            owner,
                            focus_area,
                            members_involved: members,
                            period,
                            decommissioning: spec.decommissioning,
                        },
                    );
                }
                let wanted: BTreeSet<Uuid> = goal_ids.iter().map(|g| g.0).collect();
                let linked: BTreeSet<Uuid> = view.goals.iter().copied().collect();
                for goal in wanted.difference(&linked) {
                    self.push(
                        at,
                        self.today,
                        CommandBody::LinkActionToGoal {
                            id,
                            goal: domain::GoalId(*goal),
                        },
                    );
                }
                for goal in linked.difference(&wanted) {
                    self.push(
                        at,
                        self.today,
                        CommandBody::UnlinkActionFromGoal {
                            id,
                            goal: domain::GoalId(*goal),
                        },
                    );
                }
            }
        }
        let known = view.map(|v| v.status_history.as_slice()).unwrap_or(&[]);
        let changes = self.status_changes(
            &spec.status,
            &format!("{}.status", at.path),
            known,
            domain::ActionStatus::parse,
            |status, note| CommandBody::ChangeActionStatus { id, status, note },
        )?;
        follow_ups.extend(changes);
        for (n, line) in spec.budget.iter().enumerate() {
            let here = origin(line, format!("{}.budget[{n}]", at.path));
            let b = line.get_ref();
            let year = self.value(&here, domain::Year::new(b.year))?;
            let category = self.value(&here, domain::BudgetCategory::parse(&b.category))?;
            let planned = self.value(&here, domain::Nok::from_kroner("planned", b.planned))?;
            let actual = b
                .actual
                .map(|a| self.value(&here, domain::Nok::from_kroner("actual", a)))
                .transpose()?;
            let same = view.is_some_and(|v| {
                v.budget.iter().any(|x| {
                    x.year == year.get()
                        && x.category == category.as_str()
                        && x.planned == planned.kroner()
                        && x.actual == actual.map(|a| a.kroner())
                })
            });
            if !same {
                let on = b.on.unwrap_or(spec.planned).0;
                follow_ups.push((
                    here,
                    on,
                    CommandBody::SetBudgetLine {
                        id,
                        year,
                        category,
                        planned,
                        actual,
                    },
                ));
            }
        }
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn benefit(
        &mut self,
        item: &Spanned<BenefitSpec>,
        at: &Origin,
        strategy_path: &str,
        strategy: domain::StrategyId,
        actions: &HashMap<String, domain::ActionId>,
        current: Option<&read::StrategyView>,
        follow_ups: &mut Vec<(Origin, NaiveDate, CommandBody)>,
    ) -> Result<(), PlanError> {
        let spec = item.get_ref();
        let path = format!("{strategy_path}/benefit/{}", spec.key);
        let id = domain::BenefitId(self.id_or(spec.id, &path));
        let view = current.and_then(|v| v.benefits.iter().find(|b| b.id == id.0));
        let action = match &spec.action {
            None => None,
            Some(key) => Some(*actions.get(key).ok_or_else(|| {
                self.error(
                    at,
                    format!("action: no action of this strategy has the key '{key}'"),
                )
            })?),
        };
        let stakeholder = self.value(at, domain::Stakeholder::parse(&spec.stakeholder))?;
        let category = self.value(at, domain::BenefitCategory::parse(&spec.category))?;
        let title = self.title(at, "title", &spec.title)?;
        let description = self.optional_prose(at, "description", &spec.description)?;
        let responsible = spec
            .responsible
            .as_deref()
            .map(|r| self.title(at, "responsible", r))
            .transpose()?;
        match view {
            None => self.push(
                at,
                spec.identified.0,
                CommandBody::IdentifyBenefit {
                    id,
                    strategy,
                    action,
                    stakeholder,
                    category,
                    title,
                    description,
                    priced: spec.priced,
                    disbenefit: spec.disbenefit,
                    unexpected: spec.unexpected,
                    responsible,
                    due: spec.due.map(|d| d.0),
                },
            ),
            Some(view) => {
                let changed = view.title != title.as_str()
                    || view.description.as_deref() != description.as_ref().map(Text::as_str)
                    || view.action != action.map(|a| a.0)
                    || view.stakeholder != stakeholder.as_str()
                    || view.category != category.as_str();
                if changed {
                    return Err(self.error(
                        at,
                        "a benefit's description cannot be changed yet; add a new benefit instead",
                    ));
                }
            }
        }
        let known = view.map(|v| v.realisation.as_slice()).unwrap_or(&[]);
        let changes = self.status_changes(
            &spec.realisation,
            &format!("{}.realisation", at.path),
            known,
            domain::BenefitStatus::parse,
            |status, note| CommandBody::RecordBenefitRealisation { id, status, note },
        )?;
        follow_ups.extend(changes);
        let known = view.map(|v| v.indicators.as_slice()).unwrap_or(&[]);
        for (n, indicator) in spec.indicators.iter().enumerate() {
            let here = origin(indicator, format!("{}.indicators[{n}]", at.path));
            self.indicator(
                indicator,
                &here,
                &path,
                domain::IndicatorSubject::Benefit(id),
                spec.identified.0,
                known,
            )?;
        }
        Ok(())
    }
}

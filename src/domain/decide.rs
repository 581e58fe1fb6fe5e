//! The rules. `decide` is the only place a command can be refused.

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use super::DomainError;
use super::command::{Command, CommandBody, GoalPart, IndicatorSubject};
use super::event::Event;
use super::state::*;
use super::values::*;

impl CommandBody {
    /// The stream the command changes: the one its `expectedVersion` refers to.
    pub fn target(&self) -> Uuid {
        use CommandBody::*;
        match self {
            RegisterOrganization { id, .. } | RenameOrganization { id, .. } => id.0,
            AdmitMember { organization, .. } | RecordMemberLeaving { organization, .. } => {
                organization.0
            }
            FormWorkingGroup { id, .. }
            | RenameWorkingGroup { id, .. }
            | DisbandWorkingGroup { id } => id.0,
            DraftStrategy { id, .. }
            | ReviseStrategy { id, .. }
            | AdoptStrategy { id, .. }
            | CloseStrategy { id } => id.0,
            DefineFocusArea { id, .. }
            | ReviseFocusArea { id, .. }
            | RenumberFocusArea { id, .. } => id.0,
            DefineGoal { id, .. }
            | MergeGoals { id, .. }
            | SplitGoal { id, .. }
            | RewordGoal { id, .. }
            | RetireGoal { id }
            | AssessGoal { id, .. } => id.0,
            DefineIndicator { id, .. }
            | SetIndicatorTarget { id, .. }
            | RecordMeasurement { id, .. } => id.0,
            PlanAction { id, .. }
            | ReviseAction { id, .. }
            | LinkActionToGoal { id, .. }
            | UnlinkActionFromGoal { id, .. }
            | ChangeActionStatus { id, .. }
            | SetBudgetLine { id, .. } => id.0,
            IdentifyBenefit { id, .. } | RecordBenefitRealisation { id, .. } => id.0,
        }
    }

    /// An existing entity whose organization the command belongs to, and
    /// what kind of entity it is: the parent for a command that creates an
    /// entity, the target otherwise. For `RegisterOrganization` it is the new
    /// organization itself.
    pub fn anchor(&self) -> (Uuid, &'static str) {
        use CommandBody::*;
        match self {
            FormWorkingGroup { organization, .. } | DraftStrategy { organization, .. } => {
                (organization.0, "organization")
            }
            DefineFocusArea { strategy, .. }
            | PlanAction { strategy, .. }
            | IdentifyBenefit { strategy, .. } => (strategy.0, "strategy"),
            DefineGoal { focus_area, .. } | MergeGoals { focus_area, .. } => {
                (focus_area.0, "focus area")
            }
            DefineIndicator {
                subject: IndicatorSubject::Goal(goal),
                ..
            } => (goal.0, "goal"),
            DefineIndicator {
                subject: IndicatorSubject::Benefit(benefit),
                ..
            } => (benefit.0, "benefit"),
            _ => (self.target(), self.target_entity()),
        }
    }

    /// What kind of entity the target stream holds, as named in messages.
    pub fn target_entity(&self) -> &'static str {
        use CommandBody::*;
        match self {
            RegisterOrganization { .. }
            | RenameOrganization { .. }
            | AdmitMember { .. }
            | RecordMemberLeaving { .. } => "organization",
            FormWorkingGroup { .. } | RenameWorkingGroup { .. } | DisbandWorkingGroup { .. } => {
                "working group"
            }
            DraftStrategy { .. }
            | ReviseStrategy { .. }
            | AdoptStrategy { .. }
            | CloseStrategy { .. } => "strategy",
            DefineFocusArea { .. } | ReviseFocusArea { .. } | RenumberFocusArea { .. } => {
                "focus area"
            }
            DefineGoal { .. }
            | MergeGoals { .. }
            | SplitGoal { .. }
            | RewordGoal { .. }
            | RetireGoal { .. }
            | AssessGoal { .. } => "goal",
            DefineIndicator { .. } | SetIndicatorTarget { .. } | RecordMeasurement { .. } => {
                "indicator"
            }
            PlanAction { .. }
            | ReviseAction { .. }
            | LinkActionToGoal { .. }
            | UnlinkActionFromGoal { .. }
            | ChangeActionStatus { .. }
            | SetBudgetLine { .. } => "action",
            IdentifyBenefit { .. } | RecordBenefitRealisation { .. } => "benefit",
        }
    }
}

/// The longest list a command may carry. No real strategy comes near them
/// (the demo plans link an action to at most 7 goals and involve at most 8
/// municipalities, and split or merge no goal); they keep one request from
/// appending thousands of events, as a split into 20 000 parts did, or from
/// making one event of megabytes.
pub mod limits {
    /// Goals a goal is split into.
    pub const SPLIT_PARTS: usize = 20;
    /// Goals merged into one.
    pub const MERGE_SOURCES: usize = 20;
    /// Goals an action serves, whether listed when it is planned or linked
    /// one by one later.
    pub const ACTION_GOALS: usize = 100;
    /// Municipalities involved in an action: more than Norway has had since
    /// the mergers of the 1960s (357 in 2024), so more than a cooperation
    /// can have as members.
    pub const MEMBERS_INVOLVED: usize = 500;
}

/// Refuses a list of more than `max` `items`, before any of them is looked
/// at: "lists 21 goals; a split makes at most 20".
fn at_most<T>(
    field: &'static str,
    list: &[T],
    max: usize,
    items: &str,
    rule: &str,
) -> Result<(), DomainError> {
    if list.len() > max {
        return Err(DomainError::invalid(
            field,
            format!("lists {} {items}; {rule} at most {max}", list.len()),
        ));
    }
    Ok(())
}

/// Checks `command` against `state` (its organization) and returns the
/// events it causes, or why it was refused.
pub fn decide(state: &State, command: &Command) -> Result<Vec<Event>, DomainError> {
    use CommandBody::*;
    let on = check_date("effectiveAt", command.effective)?;
    let event = match command.body.clone() {
        MergeGoals {
            id,
            focus_area: area_id,
            number,
            wording,
            sources,
        } => {
            return merge_goals(state, on, id, area_id, number, wording, sources);
        }
        SplitGoal { id, into } => return split_goal(state, on, id, into),
        RegisterOrganization { id, name } => {
            if state.organization.is_some() {
                return Err(DomainError::already_exists("organization", id));
            }
            Event::OrganizationRegistered { id, name }
        }
        RenameOrganization { id, name } => {
            organization(state, id, on)?;
            Event::OrganizationRenamed { id, name }
        }
        AdmitMember {
            organization: org,
            kommunenummer,
            name,
        } => {
            organization(state, org, on)?;
            if let Some(member) = state.members.get(&kommunenummer) {
                match member.left {
                    None => {
                        return Err(DomainError::invalid(
                            "kommunenummer",
                            format!("municipality '{kommunenummer}' is already a member"),
                        ));
                    }
                    Some(left) if on < left => {
                        return Err(DomainError::invalid(
                            "effectiveAt",
                            format!(
                                "municipality '{kommunenummer}' left on {left}; it cannot rejoin on {on}"
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            Event::MemberJoined {
                organization: org,
                kommunenummer,
                name,
            }
        }
        RecordMemberLeaving {
            organization: org,
            kommunenummer,
        } => {
            organization(state, org, on)?;
            match state.members.get(&kommunenummer) {
                Some(MemberState { joined, left: None }) if *joined <= on => {}
                Some(MemberState { joined, left: None }) => {
                    return Err(DomainError::invalid(
                        "effectiveAt",
                        format!(
                            "municipality '{kommunenummer}' joined on {joined}; it cannot leave on {on}"
                        ),
                    ));
                }
                _ => {
                    return Err(DomainError::invalid(
                        "kommunenummer",
                        format!("municipality '{kommunenummer}' is not a member"),
                    ));
                }
            }
            Event::MemberLeft {
                organization: org,
                kommunenummer,
            }
        }

        FormWorkingGroup {
            id,
            organization: org,
            name,
        } => {
            organization(state, org, on)?;
            if state.working_groups.contains_key(&id) {
                return Err(DomainError::already_exists("working group", id));
            }
            Event::WorkingGroupFormed {
                id,
                organization: org,
                name,
            }
        }
        RenameWorkingGroup { id, name } => {
            working_group(state, "id", id, on)?;
            Event::WorkingGroupRenamed { id, name }
        }
        DisbandWorkingGroup { id } => {
            working_group(state, "id", id, on)?;
            Event::WorkingGroupDisbanded { id }
        }

        DraftStrategy {
            id,
            organization: org,
            title,
            period,
            vision,
            predecessor,
        } => {
            organization(state, org, on)?;
            if state.strategies.contains_key(&id) {
                return Err(DomainError::already_exists("strategy", id));
            }
            if let Some(previous) = predecessor {
                let earlier = state
                    .strategies
                    .get(&previous)
                    .ok_or_else(|| DomainError::not_found("strategy", previous))?;
                if earlier.period.start >= period.start {
                    return Err(DomainError::invalid(
                        "predecessor",
                        format!(
                            "strategy '{previous}' ({}) does not start before {period}",
                            earlier.period
                        ),
                    ));
                }
            }
            Event::StrategyDrafted {
                id,
                organization: org,
                title,
                period,
                vision,
                predecessor,
            }
        }
        ReviseStrategy {
            id,
            title,
            period,
            vision,
        } => {
            let strategy = open_strategy(state, id, on)?;
            if let Some(previous) = strategy.predecessor.and_then(|p| state.strategies.get(&p))
                && previous.period.start >= period.start
            {
                return Err(DomainError::invalid(
                    "period",
                    format!(
                        "{period} does not start after the predecessor's {}",
                        previous.period
                    ),
                ));
            }
            if let Some(next) = state
                .strategies
                .values()
                .find(|s| s.predecessor == Some(id) && s.period.start <= period.start)
            {
                return Err(DomainError::invalid(
                    "period",
                    format!(
                        "{period} does not start before the successor's {}",
                        next.period
                    ),
                ));
            }
            if let Some(action) = state
                .actions
                .values()
                .find(|a| a.strategy == id && !period.contains_period(&a.period))
            {
                return Err(DomainError::invalid(
                    "period",
                    format!(
                        "{period} does not cover an action planned for {}",
                        action.period
                    ),
                ));
            }
            Event::StrategyRevised {
                id,
                title,
                period,
                vision,
            }
        }
        AdoptStrategy { id, adopted_by } => {
            let strategy = open_strategy(state, id, on)?;
            if strategy.status == StrategyStatus::Closed {
                return Err(DomainError::invalid(
                    "id",
                    format!("strategy '{id}' is closed; a closed strategy is not adopted"),
                ));
            }
            if strategy.status == StrategyStatus::Adopted {
                return Err(DomainError::invalid(
                    "id",
                    format!("strategy '{id}' is already adopted"),
                ));
            }
            Event::StrategyAdopted { id, adopted_by }
        }
        CloseStrategy { id } => {
            let strategy = open_strategy(state, id, on)?;
            if let Some(closed) = strategy.closed_on {
                return Err(DomainError::invalid(
                    "id",
                    format!("strategy '{id}' is closed already, from {closed}"),
                ));
            }
            Event::StrategyClosed { id }
        }

        DefineFocusArea {
            id,
            strategy,
            number,
            title,
            description,
        } => {
            open_strategy(state, strategy, on)?;
            if state.focus_areas.contains_key(&id) {
                return Err(DomainError::already_exists("focus area", id));
            }
            area_number_free(state, strategy, number)?;
            Event::FocusAreaDefined {
                id,
                strategy,
                number,
                title,
                description,
            }
        }
        ReviseFocusArea {
            id,
            title,
            description,
        } => {
            let area = focus_area(state, id, on)?;
            open_strategy(state, area.strategy, on)?;
            Event::FocusAreaRevised {
                id,
                title,
                description,
            }
        }
        RenumberFocusArea { id, number } => {
            let area = focus_area(state, id, on)?;
            open_strategy(state, area.strategy, on)?;
            if area.number == number {
                return Err(DomainError::invalid(
                    "number",
                    format!("focus area already has number '{}'", number.get()),
                ));
            }
            area_number_free(state, area.strategy, number)?;
            Event::FocusAreaRenumbered { id, number }
        }

        DefineGoal {
            id,
            focus_area: area_id,
            number,
            wording,
            carried_over_from,
        } => {
            let area = focus_area(state, area_id, on)?;
            let strategy = open_strategy(state, area.strategy, on)?;
            if state.goals.contains_key(&id) {
                return Err(DomainError::already_exists("goal", id));
            }
            goal_number_free(state, area, &number, on, &[])?;
            if let Some(origin) = carried_over_from {
                let earlier = state
                    .goals
                    .get(&origin)
                    .ok_or_else(|| DomainError::not_found("goal", origin))?;
                if strategy.predecessor != Some(earlier.strategy) {
                    return Err(DomainError::invalid(
                        "carriedOverFrom",
                        format!("goal '{origin}' does not belong to the predecessor strategy"),
                    ));
                }
            }
            Event::GoalDefined {
                id,
                strategy: area.strategy,
                focus_area: area_id,
                number,
                wording,
                carried_over_from,
            }
        }
        RewordGoal { id, wording } => {
            let goal = live_goal(state, "id", id, on)?;
            open_strategy(state, goal.strategy, on)?;
            Event::GoalReworded { id, wording }
        }
        RetireGoal { id } => {
            let goal = never_retired_goal(state, "id", id, on)?;
            open_strategy(state, goal.strategy, on)?;
            Event::GoalRetired { id }
        }
        AssessGoal {
            id,
            status,
            justification,
        } => {
            let goal = live_goal(state, "id", id, on)?;
            open_strategy(state, goal.strategy, on)?;
            Event::GoalAssessed {
                id,
                status,
                justification,
            }
        }

        DefineIndicator {
            id,
            subject,
            name,
            unit,
            direction,
            baseline,
            update_every_days,
        } => {
            match subject {
                IndicatorSubject::Goal(goal) => {
                    live_goal(state, "subject", goal, on)?;
                }
                IndicatorSubject::Benefit(benefit) => {
                    existing(&state.benefits, "benefit", benefit, on, |b| b.since)?;
                }
            }
            if state.indicators.contains_key(&id) {
                return Err(DomainError::already_exists("indicator", id));
            }
            if let Some(baseline) = baseline {
                check_date("baseline.date", baseline.on)?;
            }
            if let Some(days) = update_every_days
                && !(1..=3660).contains(&days)
            {
                return Err(DomainError::invalid(
                    "updateEveryDays",
                    format!("'{days}' is not between 1 and 3660 days"),
                ));
            }
            Event::IndicatorDefined {
                id,
                subject,
                name,
                unit,
                direction,
                baseline,
                update_every_days,
            }
        }
        SetIndicatorTarget { id, value, due } => {
            let indicator = existing(&state.indicators, "indicator", id, on, |i| i.since)?;
            if let Some(strategy) = indicator_strategy(state, indicator.subject) {
                open_strategy(state, strategy, on)?;
            }
            check_date("due", due)?;
            Event::IndicatorTargetSet { id, value, due }
        }
        RecordMeasurement { id, value, comment } => {
            let indicator = existing(&state.indicators, "indicator", id, on, |i| i.since)?;
            if let Some(strategy) = indicator_strategy(state, indicator.subject) {
                open_strategy(state, strategy, on)?;
            }
            Event::MeasurementRecorded { id, value, comment }
        }

        PlanAction {
            id,
            strategy,
            kind,
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            goals,
            decommissioning,
        } => {
            let plan = open_strategy(state, strategy, on)?;
            if state.actions.contains_key(&id) {
                return Err(DomainError::already_exists("action", id));
            }
            action_period_inside(plan, period)?;
            action_owner_and_members(state, owner, &members_involved, on)?;
            area_in_strategy(state, focus_area, strategy, on)?;
            at_most(
                "goals",
                &goals,
                limits::ACTION_GOALS,
                "goals",
                "an action serves",
            )?;
            let mut seen = HashSet::new();
            for goal in &goals {
                goal_in_strategy(state, "goals", *goal, strategy, on)?;
                if !seen.insert(goal) {
                    return Err(DomainError::invalid(
                        "goals",
                        format!("goal '{goal}' is listed twice"),
                    ));
                }
            }
            Event::ActionPlanned {
                id,
                strategy,
                kind,
                title,
                description,
                owner,
                focus_area,
                members_involved,
                period,
                goals,
                decommissioning,
            }
        }
        ReviseAction {
            id,
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            decommissioning,
        } => {
            let action = existing(&state.actions, "action", id, on, |a| a.since)?;
            let plan = open_strategy(state, action.strategy, on)?;
            action_period_inside(plan, period)?;
            if let Some(year) = action.budget_years.iter().find(|y| !period.contains(**y)) {
                return Err(DomainError::invalid(
                    "period",
                    format!("{period} leaves out {} which has a budget line", year.get()),
                ));
            }
            action_owner_and_members(state, owner, &members_involved, on)?;
            area_in_strategy(state, focus_area, action.strategy, on)?;
            Event::ActionRevised {
                id,
                title,
                description,
                owner,
                focus_area,
                members_involved,
                period,
                decommissioning,
            }
        }
        LinkActionToGoal { id, goal } => {
            let action = existing(&state.actions, "action", id, on, |a| a.since)?;
            open_strategy(state, action.strategy, on)?;
            goal_in_strategy(state, "goal", goal, action.strategy, on)?;
            if action.goals.contains(&goal) {
                return Err(DomainError::invalid(
                    "goal",
                    format!("goal '{goal}' is already linked"),
                ));
            }
            if action.goals.len() >= limits::ACTION_GOALS {
                return Err(DomainError::invalid(
                    "goal",
                    format!(
                        "action '{id}' serves {} goals already; an action serves at most {}",
                        action.goals.len(),
                        limits::ACTION_GOALS
                    ),
                ));
            }
            Event::ActionLinkedToGoal { id, goal }
        }
        UnlinkActionFromGoal { id, goal } => {
            let action = existing(&state.actions, "action", id, on, |a| a.since)?;
            open_strategy(state, action.strategy, on)?;
            if !action.goals.contains(&goal) {
                return Err(DomainError::invalid(
                    "goal",
                    format!("goal '{goal}' is not linked"),
                ));
            }
            Event::ActionUnlinkedFromGoal { id, goal }
        }
        ChangeActionStatus { id, status, note } => {
            let action = existing(&state.actions, "action", id, on, |a| a.since)?;
            open_strategy(state, action.strategy, on)?;
            Event::ActionStatusChanged { id, status, note }
        }
        SetBudgetLine {
            id,
            year,
            category,
            planned,
            actual,
        } => {
            let action = existing(&state.actions, "action", id, on, |a| a.since)?;
            open_strategy(state, action.strategy, on)?;
            if !action.period.contains(year) {
                return Err(DomainError::invalid(
                    "year",
                    format!(
                        "'{}' is outside the action's period {}",
                        year.get(),
                        action.period
                    ),
                ));
            }
            Event::BudgetLineSet {
                id,
                year,
                category,
                planned,
                actual,
            }
        }

        IdentifyBenefit {
            id,
            strategy,
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
        } => {
            open_strategy(state, strategy, on)?;
            if state.benefits.contains_key(&id) {
                return Err(DomainError::already_exists("benefit", id));
            }
            if let Some(action_id) = action {
                let found = existing(&state.actions, "action", action_id, on, |a| a.since)?;
                if found.strategy != strategy {
                    return Err(DomainError::invalid(
                        "action",
                        format!("action '{action_id}' belongs to another strategy"),
                    ));
                }
            }
            if let Some(due) = due {
                check_date("due", due)?;
            }
            Event::BenefitIdentified {
                id,
                strategy,
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
            }
        }
        RecordBenefitRealisation { id, status, note } => {
            let benefit = existing(&state.benefits, "benefit", id, on, |b| b.since)?;
            open_strategy(state, benefit.strategy, on)?;
            Event::BenefitRealisationRecorded { id, status, note }
        }
    };
    Ok(vec![event])
}

/// Looks up an entity and checks that the change does not take effect
/// before the entity itself did.
fn existing<'s, K, V>(
    map: &'s std::collections::HashMap<K, V>,
    entity: &'static str,
    id: K,
    on: NaiveDate,
    since: impl Fn(&V) -> NaiveDate,
) -> Result<&'s V, DomainError>
where
    K: std::hash::Hash + Eq + std::fmt::Display,
{
    let found = map
        .get(&id)
        .ok_or_else(|| DomainError::not_found(entity, &id))?;
    not_before(entity, &id, since(found), on)?;
    Ok(found)
}

fn not_before(
    entity: &'static str,
    id: &dyn std::fmt::Display,
    since: NaiveDate,
    on: NaiveDate,
) -> Result<(), DomainError> {
    if on < since {
        return Err(DomainError::invalid(
            "effectiveAt",
            format!("{entity} '{id}' exists from {since}; a change cannot take effect on {on}"),
        ));
    }
    Ok(())
}

fn organization(state: &State, id: OrganizationId, on: NaiveDate) -> Result<(), DomainError> {
    match &state.organization {
        Some(org) if org.id == id => not_before("organization", &id, org.since, on),
        _ => Err(DomainError::not_found("organization", id)),
    }
}

fn working_group<'s>(
    state: &'s State,
    field: &'static str,
    id: WorkingGroupId,
    on: NaiveDate,
) -> Result<&'s WorkingGroupState, DomainError> {
    let group = existing(&state.working_groups, "working group", id, on, |g| g.since)?;
    match group.disbanded_on {
        Some(disbanded) if disbanded <= on => Err(DomainError::invalid(
            field,
            format!("working group '{id}' is disbanded from {disbanded}"),
        )),
        _ => Ok(group),
    }
}

/// A strategy that takes changes effective `on`: it exists by then, and is
/// not closed before it. A closed strategy still takes late reporting and
/// corrections effective on or before its closing date.
fn open_strategy(
    state: &State,
    id: StrategyId,
    on: NaiveDate,
) -> Result<&StrategyState, DomainError> {
    let strategy = existing(&state.strategies, "strategy", id, on, |s| s.since)?;
    if let Some(closed) = strategy.closed_on
        && on > closed
    {
        return Err(DomainError::invalid(
            "strategy",
            format!(
                "strategy '{id}' is closed from {closed}; no change can take effect after that"
            ),
        ));
    }
    Ok(strategy)
}

/// The strategy an indicator's subject belongs to.
fn indicator_strategy(state: &State, subject: IndicatorSubject) -> Option<StrategyId> {
    match subject {
        IndicatorSubject::Goal(goal) => state.goals.get(&goal).map(|g| g.strategy),
        IndicatorSubject::Benefit(benefit) => state.benefits.get(&benefit).map(|b| b.strategy),
    }
}

fn focus_area(
    state: &State,
    id: FocusAreaId,
    on: NaiveDate,
) -> Result<&FocusAreaState, DomainError> {
    existing(&state.focus_areas, "focus area", id, on, |a| a.since)
}

fn area_number_free(
    state: &State,
    strategy: StrategyId,
    number: AreaNumber,
) -> Result<(), DomainError> {
    if state
        .focus_areas
        .values()
        .any(|a| a.strategy == strategy && a.number == number)
    {
        return Err(DomainError::invalid(
            "number",
            format!(
                "focus area '{}' already exists in this strategy",
                number.get()
            ),
        ));
    }
    Ok(())
}

/// A goal that exists on `on` and is not retired by then.
fn live_goal<'s>(
    state: &'s State,
    field: &'static str,
    id: GoalId,
    on: NaiveDate,
) -> Result<&'s GoalState, DomainError> {
    let goal = existing(&state.goals, "goal", id, on, |g| g.since)?;
    match goal.retired_on {
        Some(retired) if retired <= on => Err(DomainError::invalid(
            field,
            format!("goal '{}' is retired from {retired}", goal.number),
        )),
        _ => Ok(goal),
    }
}

/// A goal of `strategy` that exists and is not retired on `on`; `field`
/// names the input the goal came in.
fn goal_in_strategy(
    state: &State,
    field: &'static str,
    goal: GoalId,
    strategy: StrategyId,
    on: NaiveDate,
) -> Result<(), DomainError> {
    let found = live_goal(state, field, goal, on)?;
    if found.strategy != strategy {
        return Err(DomainError::invalid(
            field,
            format!("goal '{goal}' belongs to another strategy"),
        ));
    }
    Ok(())
}

/// A goal that exists on `on` and has no retirement recorded at all: it
/// can be retired, merged or split once.
fn never_retired_goal<'s>(
    state: &'s State,
    field: &'static str,
    id: GoalId,
    on: NaiveDate,
) -> Result<&'s GoalState, DomainError> {
    let goal = existing(&state.goals, "goal", id, on, |g| g.since)?;
    if let Some(retired) = goal.retired_on {
        return Err(DomainError::invalid(
            field,
            format!("goal '{}' is retired from {retired}", goal.number),
        ));
    }
    Ok(goal)
}

fn action_period_inside(strategy: &StrategyState, period: Period) -> Result<(), DomainError> {
    if !strategy.period.contains_period(&period) {
        return Err(DomainError::invalid(
            "period",
            format!(
                "{period} is outside the strategy period {}",
                strategy.period
            ),
        ));
    }
    Ok(())
}

fn action_owner_and_members(
    state: &State,
    owner: Option<WorkingGroupId>,
    members: &[Kommunenummer],
    on: NaiveDate,
) -> Result<(), DomainError> {
    if let Some(group) = owner {
        working_group(state, "owner", group, on)?;
    }
    at_most(
        "membersInvolved",
        members,
        limits::MEMBERS_INVOLVED,
        "municipalities",
        "an action involves",
    )?;
    let mut seen = HashSet::new();
    for member in members {
        let active = state
            .members
            .get(member)
            .is_some_and(|m| m.joined <= on && m.left.is_none_or(|left| on < left));
        if !active {
            return Err(DomainError::invalid(
                "membersInvolved",
                format!("municipality '{member}' is not a member of the organization on {on}"),
            ));
        }
        if !seen.insert(member) {
            return Err(DomainError::invalid(
                "membersInvolved",
                format!("municipality '{member}' is listed twice"),
            ));
        }
    }
    Ok(())
}

/// A new goal's number, from `on`, must not be taken by another goal of the
/// same area that is still in force on or after that date, other than the
/// goals it replaces.
fn goal_number_free(
    state: &State,
    area: &FocusAreaState,
    number: &GoalNumber,
    on: NaiveDate,
    replaced: &[GoalId],
) -> Result<(), DomainError> {
    // A dotted number names its area: "2.1" is the first goal of area 2,
    // wherever it is entered from.
    if let Some(named) = number.area_part()
        && named != u16::from(area.number.get())
    {
        return Err(DomainError::invalid(
            "number",
            format!(
                "goal '{number}' belongs in focus area '{named}', not in focus area '{}'",
                area.number.get()
            ),
        ));
    }
    // Unique in its area. A dotted number is thereby unique in the whole
    // strategy; plain numbers may start afresh in every area, as some
    // strategy documents number them.
    let taken = state.goals.iter().any(|(id, g)| {
        g.strategy == area.strategy
            && state.focus_areas.get(&g.focus_area).map(|a| a.number) == Some(area.number)
            && &g.number == number
            && g.retired_on.is_none_or(|retired| retired > on)
            && !replaced.contains(id)
    });
    if taken {
        return Err(DomainError::invalid(
            "number",
            format!(
                "goal '{number}' already exists in focus area '{}'",
                area.number.get()
            ),
        ));
    }
    Ok(())
}

fn merge_goals(
    state: &State,
    on: NaiveDate,
    id: GoalId,
    area_id: FocusAreaId,
    number: GoalNumber,
    wording: Text,
    sources: Vec<GoalId>,
) -> Result<Vec<Event>, DomainError> {
    let area = focus_area(state, area_id, on)?;
    open_strategy(state, area.strategy, on)?;
    if state.goals.contains_key(&id) {
        return Err(DomainError::already_exists("goal", id));
    }
    if sources.len() < 2 {
        return Err(DomainError::invalid(
            "sources",
            "a merge needs at least two goals",
        ));
    }
    at_most(
        "sources",
        &sources,
        limits::MERGE_SOURCES,
        "goals",
        "a merge takes",
    )?;
    let mut seen = HashSet::new();
    for source in &sources {
        let goal = never_retired_goal(state, "sources", *source, on)?;
        if goal.strategy != area.strategy {
            return Err(DomainError::invalid(
                "sources",
                format!("goal '{source}' belongs to another strategy"),
            ));
        }
        if !seen.insert(source) {
            return Err(DomainError::invalid(
                "sources",
                format!("goal '{source}' is listed twice"),
            ));
        }
    }
    goal_number_free(state, area, &number, on, &sources)?;
    let mut events = vec![Event::GoalDefined {
        id,
        strategy: area.strategy,
        focus_area: area_id,
        number,
        wording,
        carried_over_from: None,
    }];
    events.extend(sources.into_iter().map(|source| Event::GoalMerged {
        id: source,
        into: id,
    }));
    Ok(events)
}

fn split_goal(
    state: &State,
    on: NaiveDate,
    id: GoalId,
    into: Vec<GoalPart>,
) -> Result<Vec<Event>, DomainError> {
    let source = never_retired_goal(state, "id", id, on)?;
    open_strategy(state, source.strategy, on)?;
    let area = focus_area(state, source.focus_area, on)?;
    if into.len() < 2 {
        return Err(DomainError::invalid(
            "into",
            "a split needs at least two goals",
        ));
    }
    at_most("into", &into, limits::SPLIT_PARTS, "goals", "a split makes")?;
    let mut ids = HashSet::new();
    let mut numbers = HashSet::new();
    for part in &into {
        if state.goals.contains_key(&part.id) || !ids.insert(part.id) {
            return Err(DomainError::already_exists("goal", part.id));
        }
        if !numbers.insert(part.number.clone()) {
            return Err(DomainError::invalid(
                "into",
                format!("goal number '{}' is listed twice", part.number),
            ));
        }
        goal_number_free(state, area, &part.number, on, &[id])?;
    }
    let mut events: Vec<Event> = into
        .iter()
        .map(|part| Event::GoalDefined {
            id: part.id,
            strategy: source.strategy,
            focus_area: source.focus_area,
            number: part.number.clone(),
            wording: part.wording.clone(),
            carried_over_from: None,
        })
        .collect();
    events.push(Event::GoalSplit {
        id,
        into: into.iter().map(|p| p.id).collect(),
    });
    Ok(events)
}

/// An action's focus area, when given, must be one of its strategy's.
fn area_in_strategy(
    state: &State,
    area: Option<FocusAreaId>,
    strategy: StrategyId,
    on: NaiveDate,
) -> Result<(), DomainError> {
    let Some(area) = area else { return Ok(()) };
    let found = existing(&state.focus_areas, "focus area", area, on, |a| a.since)?;
    if found.strategy != strategy {
        return Err(DomainError::invalid(
            "focusArea",
            format!("focus area '{area}' belongs to another strategy"),
        ));
    }
    Ok(())
}

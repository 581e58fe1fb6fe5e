//! The decision state of one organization: only what `decide` needs to
//! enforce the rules, never the full history (that lives in the read models).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::command::IndicatorSubject;
use super::event::Event;
use super::values::*;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    pub organization: Option<OrganizationState>,
    pub members: HashMap<Kommunenummer, MemberState>,
    pub working_groups: HashMap<WorkingGroupId, WorkingGroupState>,
    pub strategies: HashMap<StrategyId, StrategyState>,
    pub focus_areas: HashMap<FocusAreaId, FocusAreaState>,
    pub goals: HashMap<GoalId, GoalState>,
    pub indicators: HashMap<IndicatorId, IndicatorState>,
    pub actions: HashMap<ActionId, ActionState>,
    pub benefits: HashMap<BenefitId, BenefitState>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrganizationState {
    pub id: OrganizationId,
    pub since: NaiveDate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberState {
    pub joined: NaiveDate,
    pub left: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkingGroupState {
    pub since: NaiveDate,
    pub disbanded_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrategyState {
    pub since: NaiveDate,
    pub status: StrategyStatus,
    pub period: Period,
    pub predecessor: Option<StrategyId>,
    /// The date it was closed from: no change may take effect after it.
    pub closed_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FocusAreaState {
    pub since: NaiveDate,
    pub strategy: StrategyId,
    pub number: AreaNumber,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoalState {
    pub since: NaiveDate,
    pub strategy: StrategyId,
    pub focus_area: FocusAreaId,
    pub number: GoalNumber,
    pub retired_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorState {
    pub since: NaiveDate,
    pub subject: IndicatorSubject,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionState {
    pub since: NaiveDate,
    pub strategy: StrategyId,
    pub period: Period,
    pub goals: BTreeSet<GoalId>,
    /// Years that hold a budget line, so a revised period cannot orphan one.
    pub budget_years: BTreeSet<Year>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BenefitState {
    pub since: NaiveDate,
    pub strategy: StrategyId,
}

impl State {
    /// Folds one event into the state. Never fails: every rule was checked by
    /// `decide` before the event existed.
    pub fn apply(&mut self, event: &Event, effective: NaiveDate) {
        use Event::*;
        match event {
            OrganizationRegistered { id, .. } => {
                self.organization = Some(OrganizationState {
                    id: *id,
                    since: effective,
                });
            }
            OrganizationRenamed { .. } => {}
            MemberJoined { kommunenummer, .. } => {
                self.members.insert(
                    kommunenummer.clone(),
                    MemberState {
                        joined: effective,
                        left: None,
                    },
                );
            }
            MemberLeft { kommunenummer, .. } => {
                if let Some(member) = self.members.get_mut(kommunenummer) {
                    member.left = Some(effective);
                }
            }
            WorkingGroupFormed { id, .. } => {
                self.working_groups.insert(
                    *id,
                    WorkingGroupState {
                        since: effective,
                        disbanded_on: None,
                    },
                );
            }
            WorkingGroupRenamed { .. } => {}
            WorkingGroupDisbanded { id } => {
                if let Some(group) = self.working_groups.get_mut(id) {
                    group.disbanded_on = Some(effective);
                }
            }
            StrategyDrafted {
                id,
                period,
                predecessor,
                ..
            } => {
                self.strategies.insert(
                    *id,
                    StrategyState {
                        since: effective,
                        status: StrategyStatus::Draft,
                        period: *period,
                        predecessor: *predecessor,
                        closed_on: None,
                    },
                );
            }
            StrategyRevised { id, period, .. } => {
                if let Some(strategy) = self.strategies.get_mut(id) {
                    strategy.period = *period;
                }
            }
            StrategyAdopted { id, .. } => self.set_strategy_status(*id, StrategyStatus::Adopted),
            StrategyClosed { id } => {
                self.set_strategy_status(*id, StrategyStatus::Closed);
                if let Some(strategy) = self.strategies.get_mut(id) {
                    strategy.closed_on = Some(effective);
                }
            }
            FocusAreaDefined {
                id,
                strategy,
                number,
                ..
            } => {
                self.focus_areas.insert(
                    *id,
                    FocusAreaState {
                        since: effective,
                        strategy: *strategy,
                        number: *number,
                    },
                );
            }
            FocusAreaRevised { .. } => {}
            FocusAreaRenumbered { id, number } => {
                if let Some(area) = self.focus_areas.get_mut(id) {
                    area.number = *number;
                }
            }
            GoalDefined {
                id,
                strategy,
                focus_area,
                number,
                ..
            } => {
                self.goals.insert(
                    *id,
                    GoalState {
                        since: effective,
                        strategy: *strategy,
                        focus_area: *focus_area,
                        number: number.clone(),
                        retired_on: None,
                    },
                );
            }
            GoalReworded { .. } | GoalAssessed { .. } => {}
            GoalRetired { id } | GoalMerged { id, .. } | GoalSplit { id, .. } => {
                if let Some(goal) = self.goals.get_mut(id) {
                    goal.retired_on = Some(effective);
                }
            }
            IndicatorDefined { id, subject, .. } => {
                self.indicators.insert(
                    *id,
                    IndicatorState {
                        since: effective,
                        subject: *subject,
                    },
                );
            }
            IndicatorTargetSet { .. } | MeasurementRecorded { .. } => {}
            ActionPlanned {
                id,
                strategy,
                period,
                goals,
                ..
            } => {
                self.actions.insert(
                    *id,
                    ActionState {
                        since: effective,
                        strategy: *strategy,
                        period: *period,
                        goals: goals.iter().copied().collect(),
                        budget_years: BTreeSet::new(),
                    },
                );
            }
            ActionRevised { id, period, .. } => {
                if let Some(action) = self.actions.get_mut(id) {
                    action.period = *period;
                }
            }
            ActionLinkedToGoal { id, goal } => {
                if let Some(action) = self.actions.get_mut(id) {
                    action.goals.insert(*goal);
                }
            }
            ActionUnlinkedFromGoal { id, goal } => {
                if let Some(action) = self.actions.get_mut(id) {
                    action.goals.remove(goal);
                }
            }
            ActionStatusChanged { .. } => {}
            BudgetLineSet { id, year, .. } => {
                if let Some(action) = self.actions.get_mut(id) {
                    action.budget_years.insert(*year);
                }
            }
            BenefitIdentified { id, strategy, .. } => {
                self.benefits.insert(
                    *id,
                    BenefitState {
                        since: effective,
                        strategy: *strategy,
                    },
                );
            }
            BenefitRealisationRecorded { .. } => {}
        }
    }

    fn set_strategy_status(&mut self, id: StrategyId, status: StrategyStatus) {
        if let Some(strategy) = self.strategies.get_mut(&id) {
            strategy.status = status;
        }
    }
}

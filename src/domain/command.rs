//! Commands: what a user asks the system to do. Each names the entity it
//! changes; ids of new entities come in with the command.

use chrono::NaiveDate;

use super::values::*;

/// One request to change the world, with the valid-time date it takes effect.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The date the change became (or becomes) true in the world.
    pub effective: NaiveDate,
    pub body: CommandBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandBody {
    RegisterOrganization {
        id: OrganizationId,
        name: Text,
    },
    RenameOrganization {
        id: OrganizationId,
        name: Text,
    },
    AdmitMember {
        organization: OrganizationId,
        kommunenummer: Kommunenummer,
        name: Text,
    },
    RecordMemberLeaving {
        organization: OrganizationId,
        kommunenummer: Kommunenummer,
    },

    FormWorkingGroup {
        id: WorkingGroupId,
        organization: OrganizationId,
        name: Text,
    },
    RenameWorkingGroup {
        id: WorkingGroupId,
        name: Text,
    },
    DisbandWorkingGroup {
        id: WorkingGroupId,
    },

    DraftStrategy {
        id: StrategyId,
        organization: OrganizationId,
        title: Text,
        period: Period,
        vision: Option<Text>,
        predecessor: Option<StrategyId>,
    },
    ReviseStrategy {
        id: StrategyId,
        title: Text,
        period: Period,
        vision: Option<Text>,
    },
    AdoptStrategy {
        id: StrategyId,
        adopted_by: Text,
    },
    CloseStrategy {
        id: StrategyId,
    },

    DefineFocusArea {
        id: FocusAreaId,
        strategy: StrategyId,
        number: AreaNumber,
        title: Text,
        description: Option<Text>,
    },
    ReviseFocusArea {
        id: FocusAreaId,
        title: Text,
        description: Option<Text>,
    },
    RenumberFocusArea {
        id: FocusAreaId,
        number: AreaNumber,
    },

    DefineGoal {
        id: GoalId,
        focus_area: FocusAreaId,
        number: GoalNumber,
        wording: Text,
        carried_over_from: Option<GoalId>,
    },
    /// Replaces two or more goals by one new goal; the sources are retired.
    MergeGoals {
        id: GoalId,
        focus_area: FocusAreaId,
        number: GoalNumber,
        wording: Text,
        sources: Vec<GoalId>,
    },
    /// Replaces one goal by two or more new goals in the same focus area; the source is retired.
    SplitGoal {
        id: GoalId,
        into: Vec<GoalPart>,
    },
    RewordGoal {
        id: GoalId,
        wording: Text,
    },
    RetireGoal {
        id: GoalId,
    },
    AssessGoal {
        id: GoalId,
        status: GoalStatus,
        justification: Text,
    },

    DefineIndicator {
        id: IndicatorId,
        subject: IndicatorSubject,
        name: Text,
        unit: Text,
        direction: Direction,
        baseline: Option<Measurement>,
        update_every_days: Option<u16>,
    },
    SetIndicatorTarget {
        id: IndicatorId,
        value: Quantity,
        due: NaiveDate,
    },
    /// A measured value; the command's effective date is the date it was measured.
    RecordMeasurement {
        id: IndicatorId,
        value: Quantity,
        comment: Option<Text>,
    },

    PlanAction {
        id: ActionId,
        strategy: StrategyId,
        kind: ActionKind,
        title: Text,
        description: Option<Text>,
        owner: Option<WorkingGroupId>,
        /// The focus area the action is reported under (its budget counts there).
        focus_area: Option<FocusAreaId>,
        members_involved: Vec<Kommunenummer>,
        period: Period,
        goals: Vec<GoalId>,
        decommissioning: bool,
    },
    ReviseAction {
        id: ActionId,
        title: Text,
        description: Option<Text>,
        owner: Option<WorkingGroupId>,
        /// The focus area the action is reported under (its budget counts there).
        focus_area: Option<FocusAreaId>,
        members_involved: Vec<Kommunenummer>,
        period: Period,
        decommissioning: bool,
    },
    LinkActionToGoal {
        id: ActionId,
        goal: GoalId,
    },
    UnlinkActionFromGoal {
        id: ActionId,
        goal: GoalId,
    },
    ChangeActionStatus {
        id: ActionId,
        status: ActionStatus,
        note: Option<Text>,
    },
    SetBudgetLine {
        id: ActionId,
        year: Year,
        category: BudgetCategory,
        planned: Nok,
        actual: Option<Nok>,
    },

    IdentifyBenefit {
        id: BenefitId,
        strategy: StrategyId,
        action: Option<ActionId>,
        stakeholder: Stakeholder,
        category: BenefitCategory,
        title: Text,
        description: Option<Text>,
        priced: bool,
        disbenefit: bool,
        unexpected: bool,
        responsible: Option<Text>,
        due: Option<NaiveDate>,
    },
    RecordBenefitRealisation {
        id: BenefitId,
        status: BenefitStatus,
        note: Option<Text>,
    },
}

/// One of the goals a goal is split into.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalPart {
    pub id: GoalId,
    pub number: GoalNumber,
    pub wording: Text,
}

/// What an indicator measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndicatorSubject {
    Goal(GoalId),
    Benefit(BenefitId),
}

/// A value at a date: a baseline (nullpunktsmåling) or a measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    pub value: Quantity,
    pub on: NaiveDate,
}

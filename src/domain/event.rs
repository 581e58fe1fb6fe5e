//! Events: what happened, in the past tense. A persisted event's type name
//! never changes; the store maps these to versioned payloads.

use chrono::NaiveDate;

use super::command::{IndicatorSubject, Measurement};
use super::values::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    OrganizationRegistered {
        id: OrganizationId,
        name: Text,
    },
    OrganizationRenamed {
        id: OrganizationId,
        name: Text,
    },
    MemberJoined {
        organization: OrganizationId,
        kommunenummer: Kommunenummer,
        name: Text,
    },
    MemberLeft {
        organization: OrganizationId,
        kommunenummer: Kommunenummer,
    },

    WorkingGroupFormed {
        id: WorkingGroupId,
        organization: OrganizationId,
        name: Text,
    },
    WorkingGroupRenamed {
        id: WorkingGroupId,
        name: Text,
    },
    WorkingGroupDisbanded {
        id: WorkingGroupId,
    },

    StrategyDrafted {
        id: StrategyId,
        organization: OrganizationId,
        title: Text,
        period: Period,
        vision: Option<Text>,
        predecessor: Option<StrategyId>,
    },
    StrategyRevised {
        id: StrategyId,
        title: Text,
        period: Period,
        vision: Option<Text>,
    },
    StrategyAdopted {
        id: StrategyId,
        adopted_by: Text,
    },
    StrategyClosed {
        id: StrategyId,
    },

    FocusAreaDefined {
        id: FocusAreaId,
        strategy: StrategyId,
        number: AreaNumber,
        title: Text,
        description: Option<Text>,
    },
    FocusAreaRevised {
        id: FocusAreaId,
        title: Text,
        description: Option<Text>,
    },
    FocusAreaRenumbered {
        id: FocusAreaId,
        number: AreaNumber,
    },

    GoalDefined {
        id: GoalId,
        strategy: StrategyId,
        focus_area: FocusAreaId,
        number: GoalNumber,
        wording: Text,
        carried_over_from: Option<GoalId>,
    },
    /// The goal was merged into `into` and is retired from the effective date.
    GoalMerged {
        id: GoalId,
        into: GoalId,
    },
    /// The goal was split into the goals `into` and is retired from the effective date.
    GoalSplit {
        id: GoalId,
        into: Vec<GoalId>,
    },
    GoalReworded {
        id: GoalId,
        wording: Text,
    },
    GoalRetired {
        id: GoalId,
    },
    GoalAssessed {
        id: GoalId,
        status: GoalStatus,
        justification: Text,
    },

    IndicatorDefined {
        id: IndicatorId,
        subject: IndicatorSubject,
        name: Text,
        unit: Text,
        direction: Direction,
        baseline: Option<Measurement>,
        update_every_days: Option<u16>,
    },
    IndicatorTargetSet {
        id: IndicatorId,
        value: Quantity,
        due: NaiveDate,
    },
    MeasurementRecorded {
        id: IndicatorId,
        value: Quantity,
        comment: Option<Text>,
    },

    ActionPlanned {
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
    ActionRevised {
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
    ActionLinkedToGoal {
        id: ActionId,
        goal: GoalId,
    },
    ActionUnlinkedFromGoal {
        id: ActionId,
        goal: GoalId,
    },
    ActionStatusChanged {
        id: ActionId,
        status: ActionStatus,
        note: Option<Text>,
    },
    BudgetLineSet {
        id: ActionId,
        year: Year,
        category: BudgetCategory,
        planned: Nok,
        actual: Option<Nok>,
    },

    BenefitIdentified {
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
    BenefitRealisationRecorded {
        id: BenefitId,
        status: BenefitStatus,
        note: Option<Text>,
    },
}

/// The kind of entity a stream holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamKind {
    Organization,
    WorkingGroup,
    Strategy,
    FocusArea,
    Goal,
    Indicator,
    Action,
    Benefit,
}

impl StreamKind {
    /// The entity's name in messages.
    pub fn entity_name(self) -> &'static str {
        match self {
            StreamKind::Organization => "organization",
            StreamKind::WorkingGroup => "working group",
            StreamKind::Strategy => "strategy",
            StreamKind::FocusArea => "focus area",
            StreamKind::Goal => "goal",
            StreamKind::Indicator => "indicator",
            StreamKind::Action => "action",
            StreamKind::Benefit => "benefit",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StreamKind::Organization => "organization",
            StreamKind::WorkingGroup => "working_group",
            StreamKind::Strategy => "strategy",
            StreamKind::FocusArea => "focus_area",
            StreamKind::Goal => "goal",
            StreamKind::Indicator => "indicator",
            StreamKind::Action => "action",
            StreamKind::Benefit => "benefit",
        }
    }
}

impl Event {
    /// The stream (entity) this event belongs to, and its kind.
    pub fn stream(&self) -> (uuid::Uuid, StreamKind) {
        use Event::*;
        match self {
            OrganizationRegistered { id, .. } | OrganizationRenamed { id, .. } => {
                (id.0, StreamKind::Organization)
            }
            MemberJoined { organization, .. } | MemberLeft { organization, .. } => {
                (organization.0, StreamKind::Organization)
            }
            WorkingGroupFormed { id, .. }
            | WorkingGroupRenamed { id, .. }
            | WorkingGroupDisbanded { id } => (id.0, StreamKind::WorkingGroup),
            StrategyDrafted { id, .. }
            | StrategyRevised { id, .. }
            | StrategyAdopted { id, .. }
            | StrategyClosed { id } => (id.0, StreamKind::Strategy),
            FocusAreaDefined { id, .. }
            | FocusAreaRevised { id, .. }
            | FocusAreaRenumbered { id, .. } => (id.0, StreamKind::FocusArea),
            GoalDefined { id, .. }
            | GoalMerged { id, .. }
            | GoalSplit { id, .. }
            | GoalReworded { id, .. }
            | GoalRetired { id }
            | GoalAssessed { id, .. } => (id.0, StreamKind::Goal),
            IndicatorDefined { id, .. }
            | IndicatorTargetSet { id, .. }
            | MeasurementRecorded { id, .. } => (id.0, StreamKind::Indicator),
            ActionPlanned { id, .. }
            | ActionRevised { id, .. }
            | ActionLinkedToGoal { id, .. }
            | ActionUnlinkedFromGoal { id, .. }
            | ActionStatusChanged { id, .. }
            | BudgetLineSet { id, .. } => (id.0, StreamKind::Action),
            BenefitIdentified { id, .. } | BenefitRealisationRecorded { id, .. } => {
                (id.0, StreamKind::Benefit)
            }
        }
    }

    /// True for the event that starts its stream (creates the entity).
    pub fn creates_stream(&self) -> bool {
        use Event::*;
        matches!(
            self,
            OrganizationRegistered { .. }
                | WorkingGroupFormed { .. }
                | StrategyDrafted { .. }
                | FocusAreaDefined { .. }
                | GoalDefined { .. }
                | IndicatorDefined { .. }
                | ActionPlanned { .. }
                | BenefitIdentified { .. }
        )
    }

    /// The persisted type name. Never change one: add a new event instead.
    pub fn type_name(&self) -> &'static str {
        use Event::*;
        match self {
            OrganizationRegistered { .. } => "OrganizationRegistered",
            OrganizationRenamed { .. } => "OrganizationRenamed",
            MemberJoined { .. } => "MemberJoined",
            MemberLeft { .. } => "MemberLeft",
            WorkingGroupFormed { .. } => "WorkingGroupFormed",
            WorkingGroupRenamed { .. } => "WorkingGroupRenamed",
            WorkingGroupDisbanded { .. } => "WorkingGroupDisbanded",
            StrategyDrafted { .. } => "StrategyDrafted",
            StrategyRevised { .. } => "StrategyRevised",
            StrategyAdopted { .. } => "StrategyAdopted",
            StrategyClosed { .. } => "StrategyClosed",
            FocusAreaDefined { .. } => "FocusAreaDefined",
            FocusAreaRevised { .. } => "FocusAreaRevised",
            FocusAreaRenumbered { .. } => "FocusAreaRenumbered",
            GoalDefined { .. } => "GoalDefined",
            GoalMerged { .. } => "GoalMerged",
            GoalSplit { .. } => "GoalSplit",
            GoalReworded { .. } => "GoalReworded",
            GoalRetired { .. } => "GoalRetired",
            GoalAssessed { .. } => "GoalAssessed",
            IndicatorDefined { .. } => "IndicatorDefined",
            IndicatorTargetSet { .. } => "IndicatorTargetSet",
            MeasurementRecorded { .. } => "MeasurementRecorded",
            ActionPlanned { .. } => "ActionPlanned",
            ActionRevised { .. } => "ActionRevised",
            ActionLinkedToGoal { .. } => "ActionLinkedToGoal",
            ActionUnlinkedFromGoal { .. } => "ActionUnlinkedFromGoal",
            ActionStatusChanged { .. } => "ActionStatusChanged",
            BudgetLineSet { .. } => "BudgetLineSet",
            BenefitIdentified { .. } => "BenefitIdentified",
            BenefitRealisationRecorded { .. } => "BenefitRealisationRecorded",
        }
    }
}

//! The rules of the strategy domain, written as specifications: given these
//! events happened (each with the date it took effect), when this command
//! arrives with its effective date, then exactly these events follow, or the
//! command is refused for this reason.
//!
//! The data is Kongsbergregionen's regional digitalisation strategy 2015–2018
//! and its action plan 2016–2018 (seed `002_…`), with Kristiansund (IKT
//! Orkidé, seed `000_…`) as a municipality that is not a member.

use chrono::NaiveDate;
use sporbar::domain::*;
use uuid::Uuid;

// ---------------------------------------------------------------------------
// The harness: given events / when command / then events or error.
// ---------------------------------------------------------------------------

/// The decision state after a history of events.
struct Given {
    state: State,
}

/// Folds `history` (event, effective date) into a fresh state.
fn given(history: &[(Event, &str)]) -> Given {
    Given {
        state: State::default(),
    }
    .and(history)
}

impl Given {
    /// More history on top of what was given.
    fn and(mut self, history: &[(Event, &str)]) -> Given {
        for (event, effective) in history {
            self.state.apply(event, day(effective));
        }
        self
    }

    fn when(&self, body: CommandBody, effective: &str) -> Outcome {
        self.when_on(body, day(effective))
    }

    /// For effective dates that `day` would not build, such as 1899-12-31.
    fn when_on(&self, body: CommandBody, effective: NaiveDate) -> Outcome {
        let command = Command { effective, body };
        let result = decide(&self.state, &command);
        Outcome { command, result }
    }
}

/// What `decide` answered, kept with the command for failure messages.
#[must_use = "an outcome asserts nothing until `then_…` is called"]
struct Outcome {
    command: Command,
    result: Result<Vec<Event>, DomainError>,
}

impl Outcome {
    #[track_caller]
    fn then_events(self, expected: Vec<Event>) {
        assert_eq!(
            self.result,
            Ok(expected),
            "when {:?} on {}",
            self.command.body,
            self.command.effective
        );
    }

    #[track_caller]
    fn then_error(self, expected: DomainError) {
        assert_eq!(
            self.result,
            Err(expected),
            "when {:?} on {}",
            self.command.body,
            self.command.effective
        );
    }

    #[track_caller]
    fn then_not_found(self, entity: &'static str, id: impl ToString) {
        self.then_error(DomainError::not_found(entity, id));
    }

    /// Refused as invalid input `field`, with a message containing `message`.
    #[track_caller]
    fn then_invalid(self, field: &str, message: &str) {
        let context = format!("when {:?} on {}", self.command.body, self.command.effective);
        assert_invalid(self.result, field, message, &context);
    }
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(
    result: Result<T, DomainError>,
    field: &str,
    message: &str,
    context: &str,
) {
    match result {
        Err(DomainError::Invalid {
            field: actual_field,
            message: actual_message,
        }) if actual_field == field && actual_message.contains(message) => {}
        other => panic!(
            "expected {field}: …{message}…, got {other:?}{}{context}",
            if context.is_empty() { "" } else { "\n" }
        ),
    }
}

/// A value constructor refused `field` with a message containing `message`.
#[track_caller]
fn rejected<T: std::fmt::Debug>(result: Result<T, DomainError>, field: &str, message: &str) {
    assert_invalid(result, field, message, "");
}

// ---------------------------------------------------------------------------
// Values used throughout. Invalid ones are a bug in the test, hence `expect`.
// ---------------------------------------------------------------------------

fn day(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").expect("a YYYY-MM-DD date")
}

fn title(raw: &str) -> Text {
    Text::title("title", raw).expect("a valid title")
}

fn prose(raw: &str) -> Text {
    Text::prose("description", raw).expect("a valid text")
}

fn kommune(raw: &str) -> Kommunenummer {
    Kommunenummer::parse(raw).expect("a valid kommunenummer")
}

fn year(y: i64) -> Year {
    Year::new(y).expect("a valid year")
}

fn years(start: i64, end: i64) -> Period {
    Period::new(year(start), year(end)).expect("a valid period")
}

fn goal_number(raw: &str) -> GoalNumber {
    GoalNumber::parse(raw).expect("a valid goal number")
}

fn area_number(n: i64) -> AreaNumber {
    AreaNumber::new(n).expect("a valid area number")
}

fn kroner(amount: i64) -> Nok {
    Nok::from_kroner("planned", amount).expect("a valid amount")
}

fn quantity(value: f64) -> Quantity {
    Quantity::new("value", value).expect("a valid quantity")
}

// Fixed ids, so that failure messages and expected events are stable.
const KONGSBERGREGIONEN: OrganizationId = OrganizationId(Uuid::from_u128(0x01));
/// A cooperation this state knows nothing about.
const IKT_ORKIDE: OrganizationId = OrganizationId(Uuid::from_u128(0x02));
const SUKSIT: WorkingGroupId = WorkingGroupId(Uuid::from_u128(0x11));
const ARKIVNETTVERKET: WorkingGroupId = WorkingGroupId(Uuid::from_u128(0x12));
const STRATEGY_2015: StrategyId = StrategyId(Uuid::from_u128(0x21));
const STRATEGY_2019: StrategyId = StrategyId(Uuid::from_u128(0x22));
const DIGITAL_DIALOG: FocusAreaId = FocusAreaId(Uuid::from_u128(0x31));
const KOMPETANSE: FocusAreaId = FocusAreaId(Uuid::from_u128(0x33));
const DIGITAL_DIALOG_2019: FocusAreaId = FocusAreaId(Uuid::from_u128(0x34));
/// "1.3 Kommunene har automatiserte prosesser der tjenesteområdene henger sammen"
const GOAL_1_3: GoalId = GoalId(Uuid::from_u128(0x41));
/// "3.2 Kommunene har kompetanse til å utnytte anskaffelsesprosessen …"
const GOAL_3_2: GoalId = GoalId(Uuid::from_u128(0x42));
/// Goal 1.3 as carried over into the 2019 strategy.
const GOAL_2019_1_3: GoalId = GoalId(Uuid::from_u128(0x43));
const NEW_GOAL: GoalId = GoalId(Uuid::from_u128(0x44));
const DIGITAL_DIALOG_PROJECT: ActionId = ActionId(Uuid::from_u128(0x51));
const NEW_ACTION: ActionId = ActionId(Uuid::from_u128(0x52));
const ROUND_THE_CLOCK_ANSWERS: BenefitId = BenefitId(Uuid::from_u128(0x61));
const NEW_BENEFIT: BenefitId = BenefitId(Uuid::from_u128(0x62));
const DIGITAL_APPLICATIONS: IndicatorId = IndicatorId(Uuid::from_u128(0x71));
const NEW_INDICATOR: IndicatorId = IndicatorId(Uuid::from_u128(0x72));
const UNKNOWN: u128 = 0xdead;

// ---------------------------------------------------------------------------
// Histories.
// ---------------------------------------------------------------------------

fn member_joined(kommunenummer: &str, name: &str) -> Event {
    Event::MemberJoined {
        organization: KONGSBERGREGIONEN,
        kommunenummer: kommune(kommunenummer),
        name: title(name),
    }
}

fn member_left(kommunenummer: &str) -> Event {
    Event::MemberLeft {
        organization: KONGSBERGREGIONEN,
        kommunenummer: kommune(kommunenummer),
    }
}

fn area_defined(id: FocusAreaId, strategy: StrategyId, number: i64, name: &str) -> Event {
    Event::FocusAreaDefined {
        id,
        strategy,
        number: area_number(number),
        title: title(name),
        description: None,
    }
}

fn goal_defined(
    id: GoalId,
    strategy: StrategyId,
    focus_area: FocusAreaId,
    number: &str,
    wording: &str,
) -> Event {
    Event::GoalDefined {
        id,
        strategy,
        focus_area,
        number: goal_number(number),
        wording: prose(wording),
        carried_over_from: None,
    }
}

/// Kongsbergregionen while its 2015–2018 strategy is a draft: two members,
/// the secretariat SuksIT, focus areas 1 and 3 with goals 1.3 and 3.2.
fn kongsbergregionen() -> Vec<(Event, &'static str)> {
    vec![
        (
            Event::OrganizationRegistered {
                id: KONGSBERGREGIONEN,
                name: title("Kongsbergregionen"),
            },
            "2015-01-01",
        ),
        (member_joined("3006", "Kongsberg"), "2015-01-01"),
        (member_joined("3808", "Notodden"), "2015-01-01"),
        (
            Event::WorkingGroupFormed {
                id: SUKSIT,
                organization: KONGSBERGREGIONEN,
                name: title("SuksIT"),
            },
            "2015-01-01",
        ),
        (
            Event::StrategyDrafted {
                id: STRATEGY_2015,
                organization: KONGSBERGREGIONEN,
                title: title("Regional digitaliseringsstrategi 2015–2018"),
                period: years(2015, 2018),
                vision: None,
                predecessor: None,
            },
            "2015-03-01",
        ),
        (
            area_defined(DIGITAL_DIALOG, STRATEGY_2015, 1, "Digital dialog"),
            "2015-03-01",
        ),
        (
            area_defined(KOMPETANSE, STRATEGY_2015, 3, "Kompetanse"),
            "2015-03-01",
        ),
        (
            goal_defined(
                GOAL_1_3,
                STRATEGY_2015,
                DIGITAL_DIALOG,
                "1.3",
                "Kommunene har automatiserte prosesser der tjenesteområdene henger sammen",
            ),
            "2015-03-01",
        ),
        (
            goal_defined(
                GOAL_3_2,
                STRATEGY_2015,
                KOMPETANSE,
                "3.2",
                "Kommunene har kompetanse til å utnytte anskaffelsesprosessen \
                 som et strategisk virkemiddel for å fremme innovasjon",
            ),
            "2015-03-01",
        ),
    ]
}

fn adopted() -> (Event, &'static str) {
    (
        Event::StrategyAdopted {
            id: STRATEGY_2015,
            adopted_by: title("Rådmannsutvalget"),
        },
        "2015-06-01",
    )
}

fn closed() -> (Event, &'static str) {
    (Event::StrategyClosed { id: STRATEGY_2015 }, "2018-12-31")
}

/// «Hovedprosjekt Digital dialog», 2016–2018, for goal 1.3, presented to the
/// rådmannsutvalg in the autumn of 2015.
fn digital_dialog_project() -> (Event, &'static str) {
    (
        Event::ActionPlanned {
            id: DIGITAL_DIALOG_PROJECT,
            strategy: STRATEGY_2015,
            kind: ActionKind::MainProject,
            title: title("Hovedprosjekt Digital dialog"),
            description: None,
            owner: Some(SUKSIT),
            focus_area: None,
            members_involved: vec![kommune("3006"), kommune("3808")],
            period: years(2016, 2018),
            goals: vec![GOAL_1_3],
            decommissioning: false,
        },
        "2015-10-01",
    )
}

fn budget_line_set(y: i64, category: BudgetCategory, planned: i64) -> Event {
    Event::BudgetLineSet {
        id: DIGITAL_DIALOG_PROJECT,
        year: year(y),
        category,
        planned: kroner(planned),
        actual: None,
    }
}

fn round_the_clock_answers() -> (Event, &'static str) {
    (
        Event::BenefitIdentified {
            id: ROUND_THE_CLOCK_ANSWERS,
            strategy: STRATEGY_2015,
            action: Some(DIGITAL_DIALOG_PROJECT),
            stakeholder: Stakeholder::Citizens,
            category: BenefitCategory::Quality,
            title: title("Innbyggerne får svar døgnet rundt i digitale kanaler"),
            description: None,
            priced: false,
            disbenefit: false,
            unexpected: false,
            responsible: Some(title("Prosjektleder Digital dialog")),
            due: Some(day("2018-12-31")),
        },
        "2016-02-01",
    )
}

fn digital_applications() -> (Event, &'static str) {
    (
        Event::IndicatorDefined {
            id: DIGITAL_APPLICATIONS,
            subject: IndicatorSubject::Goal(GOAL_1_3),
            name: title("Andel byggesøknader levert digitalt"),
            unit: title("%"),
            direction: Direction::HigherIsBetter,
            baseline: Some(Measurement {
                value: quantity(35.0),
                on: day("2015-12-31"),
            }),
            update_every_days: Some(365),
        },
        "2016-03-01",
    )
}

/// The 2019–2022 strategy, successor of 2015–2018, with goal 1.3 carried over.
fn successor_strategy() -> Vec<(Event, &'static str)> {
    vec![
        (
            Event::StrategyDrafted {
                id: STRATEGY_2019,
                organization: KONGSBERGREGIONEN,
                title: title("Regional digitaliseringsstrategi 2019–2022"),
                period: years(2019, 2022),
                vision: None,
                predecessor: Some(STRATEGY_2015),
            },
            "2018-10-01",
        ),
        (
            area_defined(DIGITAL_DIALOG_2019, STRATEGY_2019, 1, "Digital dialog"),
            "2018-10-01",
        ),
        (
            Event::GoalDefined {
                id: GOAL_2019_1_3,
                strategy: STRATEGY_2019,
                focus_area: DIGITAL_DIALOG_2019,
                number: goal_number("1.3"),
                wording: prose(
                    "Kommunene har automatiserte prosesser der tjenesteområdene henger sammen",
                ),
                carried_over_from: Some(GOAL_1_3),
            },
            "2018-10-01",
        ),
    ]
}

/// A new action in the 2015 strategy; the parts the rules look at are parameters.
fn plan_action(
    owner: Option<WorkingGroupId>,
    members: &[&str],
    period: Period,
    goals: &[GoalId],
) -> CommandBody {
    CommandBody::PlanAction {
        id: NEW_ACTION,
        strategy: STRATEGY_2015,
        kind: ActionKind::MainProject,
        title: title("Hovedprosjekt Digital kompetanse 2016–2018"),
        description: None,
        owner,
        focus_area: None,
        members_involved: members.iter().map(|k| kommune(k)).collect(),
        period,
        goals: goals.to_vec(),
        decommissioning: false,
    }
}

fn revise_project_period(period: Period) -> CommandBody {
    CommandBody::ReviseAction {
        id: DIGITAL_DIALOG_PROJECT,
        title: title("Hovedprosjekt Digital dialog"),
        description: None,
        owner: Some(SUKSIT),
        focus_area: None,
        members_involved: vec![kommune("3006"), kommune("3808")],
        period,
        decommissioning: false,
    }
}

fn revise_strategy_period(period: Period) -> CommandBody {
    CommandBody::ReviseStrategy {
        id: STRATEGY_2015,
        title: title("Regional digitaliseringsstrategi 2015–2018"),
        period,
        vision: None,
    }
}

fn define_goal(
    id: GoalId,
    focus_area: FocusAreaId,
    number: &str,
    carried_over_from: Option<GoalId>,
) -> CommandBody {
    CommandBody::DefineGoal {
        id,
        focus_area,
        number: goal_number(number),
        wording: prose("Kommunene har etablert løsning for mottak og forsendelse av digital post"),
        carried_over_from,
    }
}

fn assess(id: GoalId, status: GoalStatus) -> CommandBody {
    CommandBody::AssessGoal {
        id,
        status,
        justification: prose("Mål 2 anses å være nådd gjennom kommunenes tilslutning"),
    }
}

fn identify_benefit(strategy: StrategyId, action: Option<ActionId>) -> CommandBody {
    CommandBody::IdentifyBenefit {
        id: NEW_BENEFIT,
        strategy,
        action,
        stakeholder: Stakeholder::Employees,
        category: BenefitCategory::Efficiency,
        title: title("Færre telefonhenvendelser til servicetorget"),
        description: None,
        priced: true,
        disbenefit: false,
        unexpected: false,
        responsible: None,
        due: None,
    }
}

fn define_indicator(subject: IndicatorSubject, update_every_days: Option<u16>) -> CommandBody {
    CommandBody::DefineIndicator {
        id: NEW_INDICATOR,
        subject,
        name: title("Antall digitale henvendelser per måned"),
        unit: title("henvendelser"),
        direction: Direction::HigherIsBetter,
        baseline: None,
        update_every_days,
    }
}

// ---------------------------------------------------------------------------
// Organizations and members.
// ---------------------------------------------------------------------------

#[test]
fn registering_an_organization_records_it() {
    given(&[])
        .when(
            CommandBody::RegisterOrganization {
                id: KONGSBERGREGIONEN,
                name: title("Kongsbergregionen"),
            },
            "2015-01-01",
        )
        .then_events(vec![Event::OrganizationRegistered {
            id: KONGSBERGREGIONEN,
            name: title("Kongsbergregionen"),
        }]);
}

#[test]
fn registering_an_organization_twice_is_rejected() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RegisterOrganization {
                id: KONGSBERGREGIONEN,
                name: title("Kongsbergregionen"),
            },
            "2016-01-01",
        )
        .then_error(DomainError::already_exists(
            "organization",
            KONGSBERGREGIONEN,
        ));
}

#[test]
fn a_command_against_an_unknown_organization_is_not_found() {
    let kongsberg = given(&kongsbergregionen());
    kongsberg
        .when(
            CommandBody::RenameOrganization {
                id: IKT_ORKIDE,
                name: title("IKT Orkidé"),
            },
            "2021-01-01",
        )
        .then_not_found("organization", IKT_ORKIDE);
    kongsberg
        .when(
            CommandBody::AdmitMember {
                organization: IKT_ORKIDE,
                kommunenummer: kommune("1505"),
                name: title("Kristiansund"),
            },
            "2021-01-01",
        )
        .then_not_found("organization", IKT_ORKIDE);
    given(&[])
        .when(
            CommandBody::FormWorkingGroup {
                id: SUKSIT,
                organization: KONGSBERGREGIONEN,
                name: title("SuksIT"),
            },
            "2015-01-01",
        )
        .then_not_found("organization", KONGSBERGREGIONEN);
}

#[test]
fn admitting_a_municipality_makes_it_a_member() {
    given(&kongsbergregionen())
        .when(
            CommandBody::AdmitMember {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3050"),
                name: title("Flesberg"),
            },
            "2015-02-01",
        )
        .then_events(vec![member_joined("3050", "Flesberg")]);
}

#[test]
fn admitting_a_member_that_has_not_left_is_rejected() {
    given(&kongsbergregionen())
        .when(
            CommandBody::AdmitMember {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3006"),
                name: title("Kongsberg"),
            },
            "2016-01-01",
        )
        .then_invalid("kommunenummer", "municipality '3006' is already a member");
}

#[test]
fn a_municipality_that_left_may_be_admitted_again() {
    given(&kongsbergregionen())
        .and(&[(member_left("3808"), "2019-12-31")])
        .when(
            CommandBody::AdmitMember {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3808"),
                name: title("Notodden"),
            },
            "2021-01-01",
        )
        .then_events(vec![member_joined("3808", "Notodden")]);
}

#[test]
fn a_municipality_cannot_be_admitted_again_before_the_date_it_left() {
    given(&kongsbergregionen())
        .and(&[(member_left("3808"), "2019-12-31")])
        .when(
            CommandBody::AdmitMember {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3808"),
                name: title("Notodden"),
            },
            "2019-06-01",
        )
        .then_invalid(
            "effectiveAt",
            "municipality '3808' left on 2019-12-31; it cannot rejoin on 2019-06-01",
        );
}

#[test]
fn recording_a_member_leaving_records_it() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RecordMemberLeaving {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3808"),
            },
            "2019-12-31",
        )
        .then_events(vec![member_left("3808")]);
}

#[test]
fn leaving_before_joining_is_rejected() {
    given(&kongsbergregionen())
        .and(&[(member_joined("3050", "Flesberg"), "2017-01-01")])
        .when(
            CommandBody::RecordMemberLeaving {
                organization: KONGSBERGREGIONEN,
                kommunenummer: kommune("3050"),
            },
            "2016-12-31",
        )
        .then_invalid(
            "effectiveAt",
            "municipality '3050' joined on 2017-01-01; it cannot leave on 2016-12-31",
        );
}

#[test]
fn leaving_when_not_a_member_is_rejected() {
    let kongsberg = given(&kongsbergregionen()).and(&[(member_left("3808"), "2019-12-31")]);
    let leave = |kommunenummer: &str| CommandBody::RecordMemberLeaving {
        organization: KONGSBERGREGIONEN,
        kommunenummer: kommune(kommunenummer),
    };
    // Kristiansund never was a member; Notodden has already left.
    kongsberg
        .when(leave("1505"), "2020-06-01")
        .then_invalid("kommunenummer", "municipality '1505' is not a member");
    kongsberg
        .when(leave("3808"), "2020-06-01")
        .then_invalid("kommunenummer", "municipality '3808' is not a member");
}

// ---------------------------------------------------------------------------
// Ids and references.
// ---------------------------------------------------------------------------

#[test]
fn creating_an_entity_with_an_id_in_use_is_rejected() {
    let kongsberg = given(&kongsbergregionen()).and(&[
        digital_dialog_project(),
        round_the_clock_answers(),
        digital_applications(),
    ]);
    let mut replan = plan_action(None, &[], years(2016, 2018), &[]);
    if let CommandBody::PlanAction { id, .. } = &mut replan {
        *id = DIGITAL_DIALOG_PROJECT;
    }
    let mut reidentify = identify_benefit(STRATEGY_2015, None);
    if let CommandBody::IdentifyBenefit { id, .. } = &mut reidentify {
        *id = ROUND_THE_CLOCK_ANSWERS;
    }
    let mut redefine = define_indicator(IndicatorSubject::Goal(GOAL_3_2), None);
    if let CommandBody::DefineIndicator { id, .. } = &mut redefine {
        *id = DIGITAL_APPLICATIONS;
    }
    let cases = [
        (
            CommandBody::FormWorkingGroup {
                id: SUKSIT,
                organization: KONGSBERGREGIONEN,
                name: title("Sekretariatet"),
            },
            DomainError::already_exists("working group", SUKSIT),
        ),
        (
            CommandBody::DraftStrategy {
                id: STRATEGY_2015,
                organization: KONGSBERGREGIONEN,
                title: title("Tiltaksplan 2016–2018"),
                period: years(2016, 2018),
                vision: None,
                predecessor: None,
            },
            DomainError::already_exists("strategy", STRATEGY_2015),
        ),
        (
            CommandBody::DefineFocusArea {
                id: KOMPETANSE,
                strategy: STRATEGY_2015,
                number: area_number(9),
                title: title("Plan, bygg og geodata"),
                description: None,
            },
            DomainError::already_exists("focus area", KOMPETANSE),
        ),
        (
            define_goal(GOAL_3_2, KOMPETANSE, "3.4", None),
            DomainError::already_exists("goal", GOAL_3_2),
        ),
        (
            replan,
            DomainError::already_exists("action", DIGITAL_DIALOG_PROJECT),
        ),
        (
            reidentify,
            DomainError::already_exists("benefit", ROUND_THE_CLOCK_ANSWERS),
        ),
        (
            redefine,
            DomainError::already_exists("indicator", DIGITAL_APPLICATIONS),
        ),
    ];
    for (command, error) in cases {
        kongsberg.when(command, "2016-06-01").then_error(error);
    }
}

#[test]
fn a_command_naming_an_unknown_entity_is_not_found() {
    let unknown = Uuid::from_u128(UNKNOWN);
    let kongsberg = given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .and(&successor_strategy());
    let cases = [
        (
            CommandBody::RenameWorkingGroup {
                id: WorkingGroupId(unknown),
                name: title("Arkivnettverket"),
            },
            "working group",
        ),
        (
            plan_action(Some(WorkingGroupId(unknown)), &[], years(2016, 2018), &[]),
            "working group",
        ),
        (
            CommandBody::DraftStrategy {
                id: StrategyId(Uuid::from_u128(0x23)),
                organization: KONGSBERGREGIONEN,
                title: title("Regional digitaliseringsstrategi 2023–2026"),
                period: years(2023, 2026),
                vision: None,
                predecessor: Some(StrategyId(unknown)),
            },
            "strategy",
        ),
        (
            CommandBody::DefineFocusArea {
                id: FocusAreaId(Uuid::from_u128(0x35)),
                strategy: StrategyId(unknown),
                number: area_number(1),
                title: title("Digital dialog"),
                description: None,
            },
            "strategy",
        ),
        (
            define_goal(NEW_GOAL, FocusAreaId(unknown), "1.1", None),
            "focus area",
        ),
        (
            define_goal(NEW_GOAL, DIGITAL_DIALOG_2019, "1.2", Some(GoalId(unknown))),
            "goal",
        ),
        (assess(GoalId(unknown), GoalStatus::InProgress), "goal"),
        (
            plan_action(None, &[], years(2016, 2018), &[GOAL_1_3, GoalId(unknown)]),
            "goal",
        ),
        (
            CommandBody::ChangeActionStatus {
                id: ActionId(unknown),
                status: ActionStatus::Active,
                note: None,
            },
            "action",
        ),
        (
            CommandBody::RecordBenefitRealisation {
                id: BenefitId(unknown),
                status: BenefitStatus::Realised,
                note: None,
            },
            "benefit",
        ),
        (
            CommandBody::RecordMeasurement {
                id: IndicatorId(unknown),
                value: quantity(1.0),
                comment: None,
            },
            "indicator",
        ),
    ];
    for (command, entity) in cases {
        kongsberg
            .when(command, "2018-11-01")
            .then_not_found(entity, unknown);
    }
}

// ---------------------------------------------------------------------------
// Working groups.
// ---------------------------------------------------------------------------

#[test]
fn forming_a_working_group_records_it() {
    given(&kongsbergregionen())
        .when(
            CommandBody::FormWorkingGroup {
                id: ARKIVNETTVERKET,
                organization: KONGSBERGREGIONEN,
                name: title("Regionalt arkivnettverk"),
            },
            "2015-04-01",
        )
        .then_events(vec![Event::WorkingGroupFormed {
            id: ARKIVNETTVERKET,
            organization: KONGSBERGREGIONEN,
            name: title("Regionalt arkivnettverk"),
        }]);
}

#[test]
fn a_disbanded_working_group_cannot_be_renamed_or_disbanded_again() {
    let kongsberg = given(&kongsbergregionen())
        .and(&[(Event::WorkingGroupDisbanded { id: SUKSIT }, "2019-01-01")]);
    let disbanded = format!("working group '{SUKSIT}' is disbanded");
    kongsberg
        .when(
            CommandBody::RenameWorkingGroup {
                id: SUKSIT,
                name: title("Digitaliseringssekretariatet"),
            },
            "2019-02-01",
        )
        .then_invalid("id", &disbanded);
    kongsberg
        .when(
            CommandBody::DisbandWorkingGroup { id: SUKSIT },
            "2019-02-01",
        )
        .then_invalid("id", &disbanded);
}

#[test]
fn a_disbanded_working_group_cannot_own_an_action() {
    given(&kongsbergregionen())
        .and(&[(Event::WorkingGroupDisbanded { id: SUKSIT }, "2015-09-01")])
        .when(
            plan_action(Some(SUKSIT), &[], years(2016, 2018), &[]),
            "2015-10-01",
        )
        .then_invalid("owner", &format!("working group '{SUKSIT}' is disbanded"));
}

// ---------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------

#[test]
fn drafting_a_strategy_records_its_period_and_vision() {
    given(&kongsbergregionen())
        .when(
            CommandBody::DraftStrategy {
                id: STRATEGY_2019,
                organization: KONGSBERGREGIONEN,
                title: title("Regional digitaliseringsstrategi 2019–2022"),
                period: years(2019, 2022),
                vision: Some(prose(
                    "Innbyggerne og næringslivet i Kongsbergregionen tilbys \
                     fremtidsrettede digitale tjenester",
                )),
                predecessor: Some(STRATEGY_2015),
            },
            "2018-10-01",
        )
        .then_events(vec![Event::StrategyDrafted {
            id: STRATEGY_2019,
            organization: KONGSBERGREGIONEN,
            title: title("Regional digitaliseringsstrategi 2019–2022"),
            period: years(2019, 2022),
            vision: Some(prose(
                "Innbyggerne og næringslivet i Kongsbergregionen tilbys \
                 fremtidsrettede digitale tjenester",
            )),
            predecessor: Some(STRATEGY_2015),
        }]);
}

#[test]
fn a_predecessor_must_start_before_its_successor() {
    let draft = |start, end| CommandBody::DraftStrategy {
        id: STRATEGY_2019,
        organization: KONGSBERGREGIONEN,
        title: title("Revidert digitaliseringsstrategi"),
        period: years(start, end),
        vision: None,
        predecessor: Some(STRATEGY_2015),
    };
    let kongsberg = given(&kongsbergregionen());
    // Same start year as the 2015–2018 predecessor, and an earlier one.
    kongsberg
        .when(draft(2015, 2016), "2015-10-01")
        .then_invalid("predecessor", "(2015–2018) does not start before 2015–2016");
    kongsberg
        .when(draft(2014, 2019), "2015-10-01")
        .then_invalid("predecessor", "(2015–2018) does not start before 2014–2019");
}

#[test]
fn adopting_a_draft_strategy_records_who_adopted_it() {
    given(&kongsbergregionen())
        .when(
            CommandBody::AdoptStrategy {
                id: STRATEGY_2015,
                adopted_by: title("Rådmannsutvalget"),
            },
            "2015-06-01",
        )
        .then_events(vec![Event::StrategyAdopted {
            id: STRATEGY_2015,
            adopted_by: title("Rådmannsutvalget"),
        }]);
}

#[test]
fn adopting_a_strategy_twice_is_rejected() {
    given(&kongsbergregionen())
        .and(&[adopted()])
        .when(
            CommandBody::AdoptStrategy {
                id: STRATEGY_2015,
                adopted_by: title("Regionrådet"),
            },
            "2015-09-01",
        )
        .then_invalid(
            "id",
            &format!("strategy '{STRATEGY_2015}' is already adopted"),
        );
}

#[test]
fn revising_a_strategy_records_its_new_period() {
    given(&kongsbergregionen())
        .and(&[adopted(), digital_dialog_project()])
        .when(revise_strategy_period(years(2015, 2019)), "2017-06-01")
        .then_events(vec![Event::StrategyRevised {
            id: STRATEGY_2015,
            title: title("Regional digitaliseringsstrategi 2015–2018"),
            period: years(2015, 2019),
            vision: None,
        }]);
}

#[test]
fn revising_a_strategy_period_so_that_an_action_falls_outside_is_rejected() {
    given(&kongsbergregionen())
        .and(&[adopted(), digital_dialog_project()])
        .when(revise_strategy_period(years(2015, 2017)), "2017-06-01")
        .then_invalid(
            "period",
            "2015–2017 does not cover an action planned for 2016–2018",
        );
}

#[test]
fn closing_a_strategy_records_it() {
    given(&kongsbergregionen())
        .and(&[adopted()])
        .when(
            CommandBody::CloseStrategy { id: STRATEGY_2015 },
            "2018-12-31",
        )
        .then_events(vec![Event::StrategyClosed { id: STRATEGY_2015 }]);
}

#[test]
fn any_change_to_a_closed_strategy_is_rejected() {
    let closed_strategy =
        given(&kongsbergregionen()).and(&[adopted(), digital_dialog_project(), closed()]);
    let changes = [
        revise_strategy_period(years(2015, 2019)),
        CommandBody::AdoptStrategy {
            id: STRATEGY_2015,
            adopted_by: title("Rådmannsutvalget"),
        },
        CommandBody::CloseStrategy { id: STRATEGY_2015 },
        CommandBody::DefineFocusArea {
            id: FocusAreaId(Uuid::from_u128(UNKNOWN)),
            strategy: STRATEGY_2015,
            number: area_number(9),
            title: title("Plan, bygg og geodata"),
            description: None,
        },
        define_goal(NEW_GOAL, KOMPETANSE, "3.6", None),
        plan_action(None, &[], years(2016, 2018), &[]),
        revise_project_period(years(2016, 2018)),
        CommandBody::SetBudgetLine {
            id: DIGITAL_DIALOG_PROJECT,
            year: year(2018),
            category: BudgetCategory::PurchasedServices,
            planned: kroner(50_000),
            actual: Some(kroner(48_500)),
        },
        identify_benefit(STRATEGY_2015, None),
    ];
    for change in changes {
        closed_strategy
            .when(change, "2019-01-15")
            .then_invalid("strategy", &format!("strategy '{STRATEGY_2015}' is closed"));
    }
}

// ---------------------------------------------------------------------------
// Focus areas.
// ---------------------------------------------------------------------------

#[test]
fn defining_a_focus_area_records_it_with_its_description() {
    let area = FocusAreaId(Uuid::from_u128(0x36));
    given(&kongsbergregionen())
        .when(
            CommandBody::DefineFocusArea {
                id: area,
                strategy: STRATEGY_2015,
                number: area_number(6),
                title: title("Arkitektur og standardisering"),
                description: Some(prose(
                    "Bruk av standarder og gjenbruk av nasjonale og kommunale felleskomponenter",
                )),
            },
            "2015-03-01",
        )
        .then_events(vec![Event::FocusAreaDefined {
            id: area,
            strategy: STRATEGY_2015,
            number: area_number(6),
            title: title("Arkitektur og standardisering"),
            description: Some(prose(
                "Bruk av standarder og gjenbruk av nasjonale og kommunale felleskomponenter",
            )),
        }]);
}

#[test]
fn focus_area_numbers_are_unique_within_a_strategy() {
    given(&kongsbergregionen())
        .when(
            CommandBody::DefineFocusArea {
                id: FocusAreaId(Uuid::from_u128(UNKNOWN)),
                strategy: STRATEGY_2015,
                number: area_number(1),
                title: title("Digital kommunikasjon"),
                description: None,
            },
            "2015-03-01",
        )
        .then_invalid("number", "focus area '1' already exists in this strategy");
}

#[test]
fn the_same_focus_area_number_may_be_used_in_another_strategy() {
    let area = FocusAreaId(Uuid::from_u128(0x35));
    given(&kongsbergregionen())
        .and(&successor_strategy())
        .when(
            CommandBody::DefineFocusArea {
                id: area,
                strategy: STRATEGY_2019,
                number: area_number(3),
                title: title("Kompetanse"),
                description: None,
            },
            "2018-10-01",
        )
        .then_events(vec![area_defined(area, STRATEGY_2019, 3, "Kompetanse")]);
}

#[test]
fn revising_a_focus_area_records_its_new_title() {
    given(&kongsbergregionen())
        .when(
            CommandBody::ReviseFocusArea {
                id: KOMPETANSE,
                title: title("Digital kompetanse"),
                description: None,
            },
            "2016-01-01",
        )
        .then_events(vec![Event::FocusAreaRevised {
            id: KOMPETANSE,
            title: title("Digital kompetanse"),
            description: None,
        }]);
}

#[test]
fn renumbering_a_focus_area_to_a_free_number_records_it() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RenumberFocusArea {
                id: KOMPETANSE,
                number: area_number(2),
            },
            "2016-01-01",
        )
        .then_events(vec![Event::FocusAreaRenumbered {
            id: KOMPETANSE,
            number: area_number(2),
        }]);
}

#[test]
fn renumbering_a_focus_area_to_its_own_number_is_rejected() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RenumberFocusArea {
                id: KOMPETANSE,
                number: area_number(3),
            },
            "2016-01-01",
        )
        .then_invalid("number", "focus area already has number '3'");
}

#[test]
fn renumbering_a_focus_area_to_a_number_taken_in_its_strategy_is_rejected() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RenumberFocusArea {
                id: KOMPETANSE,
                number: area_number(1),
            },
            "2016-01-01",
        )
        .then_invalid("number", "focus area '1' already exists in this strategy");
}

// ---------------------------------------------------------------------------
// Goals and assessments.
// ---------------------------------------------------------------------------

#[test]
fn defining_a_goal_records_it_with_the_strategy_of_its_focus_area() {
    given(&kongsbergregionen())
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG, "1.6", None),
            "2015-03-01",
        )
        .then_events(vec![goal_defined(
            NEW_GOAL,
            STRATEGY_2015,
            DIGITAL_DIALOG,
            "1.6",
            "Kommunene har etablert løsning for mottak og forsendelse av digital post",
        )]);
}

#[test]
fn goal_numbers_are_unique_within_a_focus_area() {
    given(&kongsbergregionen())
        .when(define_goal(NEW_GOAL, KOMPETANSE, "3.2", None), "2015-03-01")
        .then_invalid("number", "goal '3.2' already exists in focus area '3'");
}

#[test]
fn the_same_goal_number_may_be_used_in_another_focus_area() {
    // The strategy document numbers goals 1–6 afresh in every area.
    given(&kongsbergregionen())
        .and(&[(
            goal_defined(
                GoalId(Uuid::from_u128(0x45)),
                STRATEGY_2015,
                KOMPETANSE,
                "2",
                "Kommunene har kompetanse til å utnytte anskaffelsesprosessen",
            ),
            "2015-03-01",
        )])
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG, "2", None),
            "2015-03-01",
        )
        .then_events(vec![goal_defined(
            NEW_GOAL,
            STRATEGY_2015,
            DIGITAL_DIALOG,
            "2",
            "Kommunene har etablert løsning for mottak og forsendelse av digital post",
        )]);
}

#[test]
fn the_number_of_a_retired_goal_may_be_reused() {
    given(&kongsbergregionen())
        .and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2016-12-31")])
        .when(define_goal(NEW_GOAL, KOMPETANSE, "3.2", None), "2017-01-01")
        .then_events(vec![goal_defined(
            NEW_GOAL,
            STRATEGY_2015,
            KOMPETANSE,
            "3.2",
            "Kommunene har etablert løsning for mottak og forsendelse av digital post",
        )]);
}

#[test]
fn a_goal_may_be_carried_over_from_the_predecessor_strategy() {
    given(&kongsbergregionen())
        .and(&successor_strategy())
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG_2019, "1.2", Some(GOAL_3_2)),
            "2018-10-01",
        )
        .then_events(vec![Event::GoalDefined {
            id: NEW_GOAL,
            strategy: STRATEGY_2019,
            focus_area: DIGITAL_DIALOG_2019,
            number: goal_number("1.2"),
            wording: prose(
                "Kommunene har etablert løsning for mottak og forsendelse av digital post",
            ),
            carried_over_from: Some(GOAL_3_2),
        }]);
}

#[test]
fn a_carried_over_goal_must_belong_to_the_predecessor_strategy() {
    let kongsberg = given(&kongsbergregionen()).and(&successor_strategy());
    // From the same strategy: 2015–2018 has no predecessor at all.
    kongsberg
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG, "1.6", Some(GOAL_3_2)),
            "2015-03-01",
        )
        .then_invalid(
            "carriedOverFrom",
            &format!("goal '{GOAL_3_2}' does not belong to the predecessor strategy"),
        );
    // From the successor into the predecessor: the wrong way round.
    kongsberg
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG, "1.6", Some(GOAL_2019_1_3)),
            "2018-11-01",
        )
        .then_invalid(
            "carriedOverFrom",
            &format!("goal '{GOAL_2019_1_3}' does not belong to the predecessor strategy"),
        );
}

#[test]
fn rewording_a_goal_records_the_new_wording() {
    given(&kongsbergregionen())
        .when(
            CommandBody::RewordGoal {
                id: GOAL_3_2,
                wording: prose("Kommunene bruker anskaffelser strategisk for å fremme innovasjon"),
            },
            "2016-09-01",
        )
        .then_events(vec![Event::GoalReworded {
            id: GOAL_3_2,
            wording: prose("Kommunene bruker anskaffelser strategisk for å fremme innovasjon"),
        }]);
}

#[test]
fn retiring_a_goal_records_it() {
    given(&kongsbergregionen())
        .when(CommandBody::RetireGoal { id: GOAL_3_2 }, "2017-12-31")
        .then_events(vec![Event::GoalRetired { id: GOAL_3_2 }]);
}

#[test]
fn assessing_a_goal_records_its_status_and_justification() {
    given(&kongsbergregionen())
        .and(&[adopted()])
        .when(assess(GOAL_3_2, GoalStatus::Achieved), "2015-12-31")
        .then_events(vec![Event::GoalAssessed {
            id: GOAL_3_2,
            status: GoalStatus::Achieved,
            justification: prose("Mål 2 anses å være nådd gjennom kommunenes tilslutning"),
        }]);
}

#[test]
fn a_retired_goal_cannot_be_assessed_reworded_or_retired_from_its_retirement_date_on() {
    let retired =
        given(&kongsbergregionen()).and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2017-12-31")]);
    for on in ["2017-12-31", "2018-06-30"] {
        for command in [
            assess(GOAL_3_2, GoalStatus::PartiallyAchieved),
            CommandBody::RewordGoal {
                id: GOAL_3_2,
                wording: prose("Kommunene har bestillerkompetanse"),
            },
            CommandBody::RetireGoal { id: GOAL_3_2 },
        ] {
            retired
                .when(command, on)
                .then_invalid("id", "goal '3.2' is retired from 2017-12-31");
        }
    }
}

#[test]
fn an_assessment_effective_before_the_retirement_date_is_accepted() {
    given(&kongsbergregionen())
        .and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2017-12-31")])
        .when(
            assess(GOAL_3_2, GoalStatus::PartiallyAchieved),
            "2017-12-30",
        )
        .then_events(vec![Event::GoalAssessed {
            id: GOAL_3_2,
            status: GoalStatus::PartiallyAchieved,
            justification: prose("Mål 2 anses å være nådd gjennom kommunenes tilslutning"),
        }]);
}

// ---------------------------------------------------------------------------
// Merging and splitting goals.
// ---------------------------------------------------------------------------

/// "3.3 Kommunene har ansatte som har tilstrekkelig kompetanse til å bruke
/// aktuelle IKT-løsninger", beside 3.2 in Kompetanse.
const GOAL_3_3: GoalId = GoalId(Uuid::from_u128(0x46));

fn goal_3_3() -> (Event, &'static str) {
    (
        goal_defined(
            GOAL_3_3,
            STRATEGY_2015,
            KOMPETANSE,
            "3.3",
            "Kommunene har ansatte som har tilstrekkelig kompetanse til å bruke \
             aktuelle IKT-løsninger",
        ),
        "2015-03-01",
    )
}

fn merge(number: &str, sources: &[GoalId]) -> CommandBody {
    CommandBody::MergeGoals {
        id: NEW_GOAL,
        focus_area: KOMPETANSE,
        number: goal_number(number),
        wording: prose("Kommunene har kompetanse til å anskaffe og bruke IKT-løsninger"),
        sources: sources.to_vec(),
    }
}

fn part(id: u128, number: &str, wording: &str) -> GoalPart {
    GoalPart {
        id: GoalId(Uuid::from_u128(id)),
        number: goal_number(number),
        wording: prose(wording),
    }
}

#[test]
fn merging_goals_defines_the_new_goal_and_retires_the_sources() {
    // The new goal may take the number of one of the goals it replaces.
    given(&kongsbergregionen())
        .and(&[goal_3_3()])
        .when(merge("3.2", &[GOAL_3_2, GOAL_3_3]), "2017-01-01")
        .then_events(vec![
            goal_defined(
                NEW_GOAL,
                STRATEGY_2015,
                KOMPETANSE,
                "3.2",
                "Kommunene har kompetanse til å anskaffe og bruke IKT-løsninger",
            ),
            Event::GoalMerged {
                id: GOAL_3_2,
                into: NEW_GOAL,
            },
            Event::GoalMerged {
                id: GOAL_3_3,
                into: NEW_GOAL,
            },
        ]);
}

#[test]
fn a_merged_goal_is_retired_from_the_merge_date() {
    let merged = given(&kongsbergregionen()).and(&[
        goal_3_3(),
        (
            goal_defined(
                NEW_GOAL,
                STRATEGY_2015,
                KOMPETANSE,
                "3.2",
                "Sammenslått mål",
            ),
            "2017-01-01",
        ),
        (
            Event::GoalMerged {
                id: GOAL_3_3,
                into: NEW_GOAL,
            },
            "2017-01-01",
        ),
    ]);
    merged
        .when(assess(GOAL_3_3, GoalStatus::InProgress), "2017-01-01")
        .then_invalid("id", "goal '3.3' is retired from 2017-01-01");
    merged
        .when(assess(GOAL_3_3, GoalStatus::InProgress), "2016-12-31")
        .then_events(vec![Event::GoalAssessed {
            id: GOAL_3_3,
            status: GoalStatus::InProgress,
            justification: prose("Mål 2 anses å være nådd gjennom kommunenes tilslutning"),
        }]);
}

#[test]
fn a_merge_needs_at_least_two_distinct_live_goals_of_the_same_strategy() {
    let kongsberg = given(&kongsbergregionen())
        .and(&[
            goal_3_3(),
            (Event::GoalRetired { id: GOAL_1_3 }, "2016-12-31"),
        ])
        .and(&successor_strategy());
    kongsberg
        .when(merge("3.2", &[GOAL_3_2]), "2018-11-01")
        .then_invalid("sources", "a merge needs at least two goals");
    kongsberg
        .when(merge("3.2", &[GOAL_3_2, GOAL_3_2]), "2018-11-01")
        .then_invalid("sources", &format!("goal '{GOAL_3_2}' is listed twice"));
    kongsberg
        .when(merge("3.2", &[GOAL_3_2, GOAL_2019_1_3]), "2018-11-01")
        .then_invalid(
            "sources",
            &format!("goal '{GOAL_2019_1_3}' belongs to another strategy"),
        );
    kongsberg
        .when(merge("3.2", &[GOAL_3_2, GOAL_1_3]), "2018-11-01")
        .then_invalid("sources", "goal '1.3' is retired from 2016-12-31");
}

#[test]
fn a_merged_goal_cannot_take_the_number_of_a_goal_it_does_not_replace() {
    given(&kongsbergregionen())
        .and(&[
            goal_3_3(),
            (
                goal_defined(
                    GoalId(Uuid::from_u128(0x47)),
                    STRATEGY_2015,
                    KOMPETANSE,
                    "3.4",
                    "Kommunene har ansatte som kan gi innbyggerne veiledning",
                ),
                "2015-03-01",
            ),
        ])
        .when(merge("3.4", &[GOAL_3_2, GOAL_3_3]), "2017-01-01")
        .then_invalid("number", "goal '3.4' already exists in focus area '3'");
}

#[test]
fn splitting_a_goal_defines_its_parts_and_retires_it() {
    given(&kongsbergregionen())
        .when(
            CommandBody::SplitGoal {
                id: GOAL_1_3,
                into: vec![
                    part(0x48, "1.3", "Kommunene har automatisert søknadsbehandling"),
                    part(
                        0x49,
                        "1.3.2",
                        "Tjenesteområdene deler data gjennom felles integrasjoner",
                    ),
                ],
            },
            "2017-01-01",
        )
        .then_events(vec![
            goal_defined(
                GoalId(Uuid::from_u128(0x48)),
                STRATEGY_2015,
                DIGITAL_DIALOG,
                "1.3",
                "Kommunene har automatisert søknadsbehandling",
            ),
            goal_defined(
                GoalId(Uuid::from_u128(0x49)),
                STRATEGY_2015,
                DIGITAL_DIALOG,
                "1.3.2",
                "Tjenesteområdene deler data gjennom felles integrasjoner",
            ),
            Event::GoalSplit {
                id: GOAL_1_3,
                into: vec![GoalId(Uuid::from_u128(0x48)), GoalId(Uuid::from_u128(0x49))],
            },
        ]);
}

#[test]
fn a_split_needs_at_least_two_new_goals_with_distinct_free_numbers() {
    let kongsberg = given(&kongsbergregionen()).and(&[(
        goal_defined(
            GoalId(Uuid::from_u128(0x4a)),
            STRATEGY_2015,
            DIGITAL_DIALOG,
            "1.4",
            "Kommunene bruker sosiale medier for å fremme dialog",
        ),
        "2015-03-01",
    )]);
    let split = |into: Vec<GoalPart>| CommandBody::SplitGoal { id: GOAL_1_3, into };
    kongsberg
        .when(
            split(vec![part(0x48, "1.3.1", "Automatisert søknadsbehandling")]),
            "2017-01-01",
        )
        .then_invalid("into", "a split needs at least two goals");
    kongsberg
        .when(
            split(vec![
                part(0x48, "1.3.1", "Automatisert søknadsbehandling"),
                part(0x49, "1.3.1", "Felles integrasjoner"),
            ]),
            "2017-01-01",
        )
        .then_invalid("into", "goal number '1.3.1' is listed twice");
    kongsberg
        .when(
            split(vec![
                part(0x48, "1.3.1", "Automatisert søknadsbehandling"),
                part(0x49, "1.4", "Felles integrasjoner"),
            ]),
            "2017-01-01",
        )
        .then_invalid("number", "goal '1.4' already exists in focus area '1'");
    kongsberg
        .when(
            split(vec![
                part(0x48, "1.3.1", "Automatisert søknadsbehandling"),
                part(0x42, "1.3.2", "Felles integrasjoner"),
            ]),
            "2017-01-01",
        )
        .then_error(DomainError::already_exists("goal", GOAL_3_2));
}

// ---------------------------------------------------------------------------
// Effective dates.
// ---------------------------------------------------------------------------

#[test]
fn a_change_effective_before_its_entity_exists_is_rejected() {
    let kongsberg = given(&kongsbergregionen()).and(&[
        digital_dialog_project(),
        round_the_clock_answers(),
        digital_applications(),
    ]);
    let cases = [
        (
            CommandBody::RenameOrganization {
                id: KONGSBERGREGIONEN,
                name: title("Kongsbergregionen IKT"),
            },
            "2014-12-31",
            format!("organization '{KONGSBERGREGIONEN}' exists from 2015-01-01"),
        ),
        (
            CommandBody::RenameWorkingGroup {
                id: SUKSIT,
                name: title("Sekretariatet"),
            },
            "2014-12-31",
            format!("working group '{SUKSIT}' exists from 2015-01-01"),
        ),
        (
            CommandBody::AdoptStrategy {
                id: STRATEGY_2015,
                adopted_by: title("Rådmannsutvalget"),
            },
            "2015-02-28",
            format!("strategy '{STRATEGY_2015}' exists from 2015-03-01"),
        ),
        (
            CommandBody::ReviseFocusArea {
                id: KOMPETANSE,
                title: title("Digital kompetanse"),
                description: None,
            },
            "2015-02-28",
            format!("focus area '{KOMPETANSE}' exists from 2015-03-01"),
        ),
        (
            assess(GOAL_3_2, GoalStatus::NotStarted),
            "2015-02-28",
            format!("goal '{GOAL_3_2}' exists from 2015-03-01"),
        ),
        (
            CommandBody::ChangeActionStatus {
                id: DIGITAL_DIALOG_PROJECT,
                status: ActionStatus::Active,
                note: None,
            },
            "2015-09-30",
            format!("action '{DIGITAL_DIALOG_PROJECT}' exists from 2015-10-01"),
        ),
        (
            CommandBody::RecordBenefitRealisation {
                id: ROUND_THE_CLOCK_ANSWERS,
                status: BenefitStatus::Planned,
                note: None,
            },
            "2016-01-31",
            format!("benefit '{ROUND_THE_CLOCK_ANSWERS}' exists from 2016-02-01"),
        ),
        (
            CommandBody::RecordMeasurement {
                id: DIGITAL_APPLICATIONS,
                value: quantity(41.5),
                comment: None,
            },
            "2016-02-29",
            format!("indicator '{DIGITAL_APPLICATIONS}' exists from 2016-03-01"),
        ),
    ];
    for (command, on, message) in cases {
        kongsberg
            .when(command, on)
            .then_invalid("effectiveAt", &message);
    }
}

#[test]
fn a_change_effective_on_the_day_its_entity_came_into_existence_is_accepted() {
    given(&kongsbergregionen())
        .when(assess(GOAL_3_2, GoalStatus::NotStarted), "2015-03-01")
        .then_events(vec![Event::GoalAssessed {
            id: GOAL_3_2,
            status: GoalStatus::NotStarted,
            justification: prose("Mål 2 anses å være nådd gjennom kommunenes tilslutning"),
        }]);
}

#[test]
fn an_effective_date_outside_the_years_1900_to_2200_is_rejected() {
    let kongsberg = given(&kongsbergregionen());
    for (y, m, d) in [(1899, 12, 31), (2201, 1, 1)] {
        let on = NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date");
        kongsberg
            .when_on(assess(GOAL_3_2, GoalStatus::InProgress), on)
            .then_invalid(
                "effectiveAt",
                &format!("'{on}' is outside the years 1900..=2200"),
            );
    }
}

// ---------------------------------------------------------------------------
// Actions and budget lines.
// ---------------------------------------------------------------------------

#[test]
fn planning_an_action_records_it_whole() {
    given(&kongsbergregionen())
        .when(
            CommandBody::PlanAction {
                id: DIGITAL_DIALOG_PROJECT,
                strategy: STRATEGY_2015,
                kind: ActionKind::MainProject,
                title: title("Hovedprosjekt Digital dialog"),
                description: None,
                owner: Some(SUKSIT),
                focus_area: None,
                members_involved: vec![kommune("3006"), kommune("3808")],
                period: years(2016, 2018),
                goals: vec![GOAL_1_3],
                decommissioning: false,
            },
            "2015-10-01",
        )
        .then_events(vec![digital_dialog_project().0]);
}

#[test]
fn an_action_period_must_lie_inside_the_strategy_period() {
    given(&kongsbergregionen())
        .when(plan_action(None, &[], years(2017, 2019), &[]), "2015-10-01")
        .then_invalid(
            "period",
            "2017–2019 is outside the strategy period 2015–2018",
        );
}

#[test]
fn members_involved_in_an_action_must_be_members() {
    given(&kongsbergregionen())
        .when(
            plan_action(None, &["3006", "1505"], years(2016, 2018), &[]),
            "2015-10-01",
        )
        .then_invalid(
            "membersInvolved",
            "municipality '1505' is not a member of the organization",
        );
}

#[test]
fn a_member_involved_twice_in_an_action_is_rejected() {
    given(&kongsbergregionen())
        .when(
            plan_action(None, &["3006", "3808", "3006"], years(2016, 2018), &[]),
            "2015-10-01",
        )
        .then_invalid("membersInvolved", "municipality '3006' is listed twice");
}

#[test]
fn an_action_goal_must_belong_to_the_same_strategy() {
    given(&kongsbergregionen())
        .and(&successor_strategy())
        .when(
            plan_action(None, &[], years(2016, 2018), &[GOAL_3_2, GOAL_2019_1_3]),
            "2018-11-01",
        )
        .then_invalid(
            "goals",
            &format!("goal '{GOAL_2019_1_3}' belongs to another strategy"),
        );
}

#[test]
fn an_action_goal_listed_twice_is_rejected() {
    given(&kongsbergregionen())
        .when(
            plan_action(
                None,
                &[],
                years(2016, 2018),
                &[GOAL_3_2, GOAL_1_3, GOAL_3_2],
            ),
            "2015-10-01",
        )
        .then_invalid("goals", &format!("goal '{GOAL_3_2}' is listed twice"));
}

#[test]
fn changing_an_action_status_records_it_with_its_note() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::ChangeActionStatus {
                id: DIGITAL_DIALOG_PROJECT,
                status: ActionStatus::Active,
                note: Some(prose("Prosjektmandat vedtatt i RMU")),
            },
            "2016-01-04",
        )
        .then_events(vec![Event::ActionStatusChanged {
            id: DIGITAL_DIALOG_PROJECT,
            status: ActionStatus::Active,
            note: Some(prose("Prosjektmandat vedtatt i RMU")),
        }]);
}

#[test]
fn setting_a_budget_line_records_it() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::SetBudgetLine {
                id: DIGITAL_DIALOG_PROJECT,
                year: year(2017),
                category: BudgetCategory::Investment,
                planned: kroner(1_000_000),
                actual: None,
            },
            "2015-10-01",
        )
        .then_events(vec![budget_line_set(
            2017,
            BudgetCategory::Investment,
            1_000_000,
        )]);
}

#[test]
fn a_budget_line_year_must_lie_inside_the_action_period() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::SetBudgetLine {
                id: DIGITAL_DIALOG_PROJECT,
                year: year(2015),
                category: BudgetCategory::ProjectManagement,
                planned: kroner(200_000),
                actual: None,
            },
            "2015-10-01",
        )
        .then_invalid("year", "'2015' is outside the action's period 2016–2018");
}

#[test]
fn revising_an_action_period_so_that_a_budget_line_falls_outside_is_rejected() {
    given(&kongsbergregionen())
        .and(&[
            digital_dialog_project(),
            (
                budget_line_set(2016, BudgetCategory::ProjectManagement, 200_000),
                "2015-10-01",
            ),
            (
                budget_line_set(2018, BudgetCategory::Investment, 2_000_000),
                "2015-10-01",
            ),
        ])
        .when(revise_project_period(years(2016, 2017)), "2017-01-01")
        .then_invalid(
            "period",
            "2016–2017 leaves out 2018 which has a budget line",
        );
}

#[test]
fn revising_an_action_period_that_still_covers_its_budget_lines_is_accepted() {
    given(&kongsbergregionen())
        .and(&[
            digital_dialog_project(),
            (
                budget_line_set(2017, BudgetCategory::PurchasedServices, 50_000),
                "2015-10-01",
            ),
        ])
        .when(revise_project_period(years(2017, 2018)), "2016-06-01")
        .then_events(vec![Event::ActionRevised {
            id: DIGITAL_DIALOG_PROJECT,
            title: title("Hovedprosjekt Digital dialog"),
            description: None,
            owner: Some(SUKSIT),
            focus_area: None,
            members_involved: vec![kommune("3006"), kommune("3808")],
            period: years(2017, 2018),
            decommissioning: false,
        }]);
}

#[test]
fn linking_an_action_to_a_goal_records_it() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::LinkActionToGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_3_2,
            },
            "2016-01-01",
        )
        .then_events(vec![Event::ActionLinkedToGoal {
            id: DIGITAL_DIALOG_PROJECT,
            goal: GOAL_3_2,
        }]);
}

#[test]
fn linking_an_action_to_a_goal_it_is_linked_to_is_rejected() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::LinkActionToGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_1_3,
            },
            "2016-01-01",
        )
        .then_invalid("goal", &format!("goal '{GOAL_1_3}' is already linked"));
}

#[test]
fn linking_an_action_to_a_goal_of_another_strategy_is_rejected() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .and(&successor_strategy())
        .when(
            CommandBody::LinkActionToGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_2019_1_3,
            },
            "2018-11-01",
        )
        .then_invalid(
            "goal",
            &format!("goal '{GOAL_2019_1_3}' belongs to another strategy"),
        );
}

#[test]
fn unlinking_a_linked_goal_records_it() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            CommandBody::UnlinkActionFromGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_1_3,
            },
            "2017-01-01",
        )
        .then_events(vec![Event::ActionUnlinkedFromGoal {
            id: DIGITAL_DIALOG_PROJECT,
            goal: GOAL_1_3,
        }]);
}

#[test]
fn unlinking_a_goal_that_is_not_linked_is_rejected() {
    let kongsberg = given(&kongsbergregionen()).and(&[
        digital_dialog_project(),
        (
            Event::ActionUnlinkedFromGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_1_3,
            },
            "2017-01-01",
        ),
    ]);
    // Never linked, and linked once but unlinked since.
    for goal in [GOAL_3_2, GOAL_1_3] {
        kongsberg
            .when(
                CommandBody::UnlinkActionFromGoal {
                    id: DIGITAL_DIALOG_PROJECT,
                    goal,
                },
                "2017-06-01",
            )
            .then_invalid("goal", &format!("goal '{goal}' is not linked"));
    }
}

// ---------------------------------------------------------------------------
// Benefits.
// ---------------------------------------------------------------------------

#[test]
fn identifying_a_benefit_records_it_whole() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .when(
            identify_benefit(STRATEGY_2015, Some(DIGITAL_DIALOG_PROJECT)),
            "2016-02-01",
        )
        .then_events(vec![Event::BenefitIdentified {
            id: NEW_BENEFIT,
            strategy: STRATEGY_2015,
            action: Some(DIGITAL_DIALOG_PROJECT),
            stakeholder: Stakeholder::Employees,
            category: BenefitCategory::Efficiency,
            title: title("Færre telefonhenvendelser til servicetorget"),
            description: None,
            priced: true,
            disbenefit: false,
            unexpected: false,
            responsible: None,
            due: None,
        }]);
}

#[test]
fn a_benefit_action_must_belong_to_the_same_strategy() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project()])
        .and(&successor_strategy())
        .when(
            identify_benefit(STRATEGY_2019, Some(DIGITAL_DIALOG_PROJECT)),
            "2018-11-01",
        )
        .then_invalid(
            "action",
            &format!("action '{DIGITAL_DIALOG_PROJECT}' belongs to another strategy"),
        );
}

#[test]
fn recording_a_benefit_realisation_records_it() {
    given(&kongsbergregionen())
        .and(&[digital_dialog_project(), round_the_clock_answers()])
        .when(
            CommandBody::RecordBenefitRealisation {
                id: ROUND_THE_CLOCK_ANSWERS,
                status: BenefitStatus::Realising,
                note: Some(prose("Chatbot satt i drift i tre kommuner")),
            },
            "2017-12-31",
        )
        .then_events(vec![Event::BenefitRealisationRecorded {
            id: ROUND_THE_CLOCK_ANSWERS,
            status: BenefitStatus::Realising,
            note: Some(prose("Chatbot satt i drift i tre kommuner")),
        }]);
}

// ---------------------------------------------------------------------------
// Indicators.
// ---------------------------------------------------------------------------

#[test]
fn defining_an_indicator_for_a_goal_records_it_whole() {
    given(&kongsbergregionen())
        .when(
            CommandBody::DefineIndicator {
                id: DIGITAL_APPLICATIONS,
                subject: IndicatorSubject::Goal(GOAL_1_3),
                name: title("Andel byggesøknader levert digitalt"),
                unit: title("%"),
                direction: Direction::HigherIsBetter,
                baseline: Some(Measurement {
                    value: quantity(35.0),
                    on: day("2015-12-31"),
                }),
                update_every_days: Some(365),
            },
            "2016-03-01",
        )
        .then_events(vec![digital_applications().0]);
}

#[test]
fn an_indicator_subject_must_exist() {
    let kongsberg = given(&kongsbergregionen());
    kongsberg
        .when(
            define_indicator(IndicatorSubject::Goal(NEW_GOAL), None),
            "2016-03-01",
        )
        .then_not_found("goal", NEW_GOAL);
    kongsberg
        .when(
            define_indicator(IndicatorSubject::Benefit(NEW_BENEFIT), None),
            "2016-03-01",
        )
        .then_not_found("benefit", NEW_BENEFIT);
}

#[test]
fn an_indicator_for_a_retired_goal_is_rejected() {
    given(&kongsbergregionen())
        .and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2017-12-31")])
        .when(
            define_indicator(IndicatorSubject::Goal(GOAL_3_2), None),
            "2018-01-01",
        )
        .then_invalid("subject", "goal '3.2' is retired from 2017-12-31");
}

#[test]
fn an_indicator_update_frequency_is_between_1_and_3660_days() {
    let kongsberg = given(&kongsbergregionen());
    for days in [0, 3661] {
        kongsberg
            .when(
                define_indicator(IndicatorSubject::Goal(GOAL_1_3), Some(days)),
                "2016-03-01",
            )
            .then_invalid(
                "updateEveryDays",
                &format!("'{days}' is not between 1 and 3660 days"),
            );
    }
    for days in [1, 3660] {
        kongsberg
            .when(
                define_indicator(IndicatorSubject::Goal(GOAL_1_3), Some(days)),
                "2016-03-01",
            )
            .then_events(vec![Event::IndicatorDefined {
                id: NEW_INDICATOR,
                subject: IndicatorSubject::Goal(GOAL_1_3),
                name: title("Antall digitale henvendelser per måned"),
                unit: title("henvendelser"),
                direction: Direction::HigherIsBetter,
                baseline: None,
                update_every_days: Some(days),
            }]);
    }
}

#[test]
fn an_indicator_baseline_dated_outside_the_accepted_years_is_rejected() {
    let mut command = define_indicator(IndicatorSubject::Goal(GOAL_1_3), None);
    if let CommandBody::DefineIndicator { baseline, .. } = &mut command {
        *baseline = Some(Measurement {
            value: quantity(35.0),
            on: NaiveDate::from_ymd_opt(1015, 12, 31).expect("a calendar date"),
        });
    }
    given(&kongsbergregionen())
        .when(command, "2016-03-01")
        .then_invalid("baseline.date", "'1015-12-31' is outside the years");
}

#[test]
fn setting_an_indicator_target_and_recording_a_measurement_record_them() {
    let kongsberg = given(&kongsbergregionen()).and(&[digital_applications()]);
    kongsberg
        .when(
            CommandBody::SetIndicatorTarget {
                id: DIGITAL_APPLICATIONS,
                value: quantity(80.0),
                due: day("2018-12-31"),
            },
            "2016-03-01",
        )
        .then_events(vec![Event::IndicatorTargetSet {
            id: DIGITAL_APPLICATIONS,
            value: quantity(80.0),
            due: day("2018-12-31"),
        }]);
    kongsberg
        .when(
            CommandBody::RecordMeasurement {
                id: DIGITAL_APPLICATIONS,
                value: quantity(52.5),
                comment: Some(prose("Tall fra KOSTRA")),
            },
            "2016-12-31",
        )
        .then_events(vec![Event::MeasurementRecorded {
            id: DIGITAL_APPLICATIONS,
            value: quantity(52.5),
            comment: Some(prose("Tall fra KOSTRA")),
        }]);
}

// ---------------------------------------------------------------------------
// Lists: longer than any real strategy needs is refused, before anything
// in them is looked at.
// ---------------------------------------------------------------------------

/// `count` goals in Kompetanse (3.10, 3.11, …) with ids from 0x1000 on.
fn many_goals(count: u128) -> (Vec<(Event, &'static str)>, Vec<GoalId>) {
    let ids: Vec<GoalId> = (0..count)
        .map(|n| GoalId(Uuid::from_u128(0x1000 + n)))
        .collect();
    let history = ids
        .iter()
        .zip(10..)
        .map(|(id, n)| {
            (
                goal_defined(
                    *id,
                    STRATEGY_2015,
                    KOMPETANSE,
                    &format!("3.{n}"),
                    "Kommunene deler kompetanse på tvers",
                ),
                "2015-03-01",
            )
        })
        .collect();
    (history, ids)
}

/// `count` parts of goal 1.3: 1.3.1, 1.3.2, …
fn parts(count: u128) -> Vec<GoalPart> {
    (1..=count)
        .map(|n| part(0x2000 + n, &format!("1.3.{n}"), "Delmål av 1.3"))
        .collect()
}

/// `count` municipalities of the organization, 1001, 1002, …
fn many_members(count: u16) -> (Vec<(Event, &'static str)>, Vec<String>) {
    let numbers: Vec<String> = (1..=count).map(|n| format!("{}", 1000 + n)).collect();
    let history = numbers
        .iter()
        .map(|k| (member_joined(k, "Kommune"), "2015-01-01"))
        .collect();
    (history, numbers)
}

#[test]
fn a_goal_is_split_into_at_most_20_goals() {
    let plan = given(&kongsbergregionen());
    let split = |into| CommandBody::SplitGoal { id: GOAL_1_3, into };
    let twenty = plan.when(split(parts(20)), "2017-01-01").result;
    assert_eq!(twenty.map(|events| events.len()), Ok(21));
    plan.when(split(parts(21)), "2017-01-01")
        .then_invalid("into", "lists 21 goals; a split makes at most 20");
}

#[test]
fn at_most_20_goals_are_merged_into_one() {
    let (history, goals) = many_goals(21);
    let plan = given(&kongsbergregionen()).and(&history);
    let twenty = plan.when(merge("3.9", &goals[..20]), "2017-01-01").result;
    assert_eq!(twenty.map(|events| events.len()), Ok(21));
    plan.when(merge("3.9", &goals), "2017-01-01")
        .then_invalid("sources", "lists 21 goals; a merge takes at most 20");
}

#[test]
fn an_action_serves_at_most_100_goals_listed_or_linked() {
    let (history, goals) = many_goals(101);
    let plan = given(&kongsbergregionen()).and(&history);
    plan.when(
        plan_action(None, &[], years(2016, 2018), &goals),
        "2015-10-01",
    )
    .then_invalid("goals", "lists 101 goals; an action serves at most 100");
    let hundred = plan_action(None, &[], years(2016, 2018), &goals[..100]);
    let planned = plan.when(hundred, "2015-10-01").result.expect("100 goals");
    let linked = plan.and(&[(planned[0].clone(), "2015-10-01")]);
    linked
        .when(
            CommandBody::LinkActionToGoal {
                id: NEW_ACTION,
                goal: goals[100],
            },
            "2016-01-01",
        )
        .then_invalid(
            "goal",
            &format!(
                "action '{NEW_ACTION}' serves 100 goals already; an action serves at most 100"
            ),
        );
}

#[test]
fn an_action_involves_at_most_500_municipalities() {
    let (history, members) = many_members(501);
    let plan = given(&kongsbergregionen()).and(&history);
    let involving = |members: &[String]| {
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        plan_action(None, &members, years(2016, 2018), &[])
    };
    assert!(
        plan.when(involving(&members[..500]), "2015-10-01")
            .result
            .is_ok()
    );
    plan.when(involving(&members), "2015-10-01").then_invalid(
        "membersInvolved",
        "lists 501 municipalities; an action involves at most 500",
    );
    let mut revised = revise_project_period(years(2016, 2018));
    if let CommandBody::ReviseAction {
        members_involved, ..
    } = &mut revised
    {
        *members_involved = members.iter().map(|k| kommune(k)).collect();
    }
    plan.and(&[digital_dialog_project()])
        .when(revised, "2016-01-01")
        .then_invalid(
            "membersInvolved",
            "lists 501 municipalities; an action involves at most 500",
        );
}

// ---------------------------------------------------------------------------
// Values: invalid ones cannot be constructed.
// ---------------------------------------------------------------------------

#[test]
fn a_goal_number_has_one_to_three_parts_of_1_to_999() {
    for raw in ["2", "3.2", "3.2.1", "999.999.999"] {
        assert_eq!(goal_number(raw).to_string(), raw);
    }
    assert_eq!(
        goal_number(" 3.2 ").to_string(),
        "3.2",
        "surrounding blanks"
    );
    for raw in [
        "0", "3.0", "1000", "3..2", "3.2.", ".3", "a", "3.b", "1.2.3.4", "", "-1", "3,2",
    ] {
        rejected(
            GoalNumber::parse(raw),
            "number",
            &format!("'{raw}' is not a goal number"),
        );
    }
}

#[test]
fn goal_numbers_order_part_by_part_as_numbers() {
    assert!(goal_number("3.2") < goal_number("3.10"));
    assert!(goal_number("3") < goal_number("3.1"));
    assert!(goal_number("2.9.9") < goal_number("3"));
}

#[test]
fn a_focus_area_number_is_between_1_and_99() {
    assert_eq!(area_number(1).get(), 1);
    assert_eq!(area_number(99).get(), 99);
    for n in [0, 100, -1, 256, i64::MAX] {
        rejected(
            AreaNumber::new(n),
            "number",
            &format!("'{n}' is not a focus area number between 1 and 99"),
        );
    }
}

#[test]
fn a_year_is_between_1900_and_2200() {
    assert_eq!(year(1900).get(), 1900);
    assert_eq!(year(2200).get(), 2200);
    for y in [1899, 2201, 0, -2015, i64::MAX] {
        rejected(
            Year::new(y),
            "year",
            &format!("'{y}' is outside 1900..=2200"),
        );
    }
}

#[test]
fn a_period_runs_forwards_for_at_most_30_years() {
    assert_eq!(years(2016, 2016).to_string(), "2016–2016", "a single year");
    assert_eq!(years(2000, 2029).to_string(), "2000–2029", "30 years");
    rejected(
        Period::new(year(2018), year(2015)),
        "period",
        "ends in 2015 before it starts in 2018",
    );
    rejected(
        Period::new(year(2000), year(2030)),
        "period",
        "2000–2030 is longer than 30 years",
    );
}

#[test]
fn a_period_contains_the_years_and_periods_between_its_ends() {
    let strategy = years(2015, 2018);
    assert!(strategy.contains(year(2015)) && strategy.contains(year(2018)));
    assert!(!strategy.contains(year(2014)) && !strategy.contains(year(2019)));
    assert!(strategy.contains_period(&years(2016, 2018)));
    assert!(!strategy.contains_period(&years(2016, 2019)));
    assert!(!strategy.contains_period(&years(2014, 2016)));
}

#[test]
fn an_amount_is_whole_kroner_from_zero_to_a_trillion() {
    assert_eq!(kroner(0).kroner(), 0);
    assert_eq!(kroner(1_250_000).kroner(), 1_250_000);
    assert_eq!(kroner(Nok::MAX).kroner(), 1_000_000_000_000);
    rejected(
        Nok::from_kroner("planned", -200_000),
        "planned",
        "'-200000' is negative",
    );
    rejected(
        Nok::from_kroner("actual", i64::MIN),
        "actual",
        "is negative",
    );
    rejected(
        Nok::from_kroner("planned", Nok::MAX + 1),
        "planned",
        "'1000000000001' is above the largest accepted amount 1000000000000",
    );
    rejected(
        Nok::from_kroner("planned", i64::MAX),
        "planned",
        "is above the largest accepted amount",
    );
}

#[test]
fn a_title_is_one_trimmed_line_of_at_most_300_characters() {
    assert_eq!(
        Text::title("name", "  Kongsbergregionen \t").map(|t| t.to_string()),
        Ok("Kongsbergregionen".to_owned())
    );
    // Characters, not bytes: 300 «ø» are 600 bytes.
    assert!(Text::title("name", &"ø".repeat(Text::TITLE_MAX)).is_ok());
    rejected(
        Text::title("name", &"ø".repeat(Text::TITLE_MAX + 1)),
        "name",
        "is 301 characters long; at most 300 are allowed",
    );
    rejected(
        Text::title("name", "Digital\ndialog"),
        "name",
        "must be a single line",
    );
    rejected(
        Text::title("name", "Digital\rdialog"),
        "name",
        "must be a single line",
    );
}

#[test]
fn a_text_is_never_empty_or_blank() {
    for raw in ["", "   ", "\n\t \r\n"] {
        rejected(Text::title("name", raw), "name", "must not be empty");
        rejected(
            Text::prose("justification", raw),
            "justification",
            "must not be empty",
        );
    }
}

#[test]
fn a_text_holds_no_control_characters_but_line_breaks_and_tabs() {
    for raw in [
        "Digital\u{0}dialog",
        "Digital\u{7}dialog",
        "Digital\u{1b}[31m",
        "Kompe\u{85}tanse",
    ] {
        rejected(
            Text::prose("justification", raw),
            "justification",
            "contains control characters",
        );
    }
    let multi_line = "Mål 2 anses å være nådd.\n\tMål 3 krever en betydelig innsats.";
    assert_eq!(
        Text::prose("justification", multi_line).map(|t| t.as_str().to_owned()),
        Ok(multi_line.to_owned())
    );
}

/// A title shown to the public must read as it is stored: a right-to-left
/// override can make "Digital dialog" of other letters in another order,
/// and a zero-width space makes two titles that look the same differ.
#[test]
fn a_text_holds_no_bidirectional_controls_or_other_invisible_formatting() {
    let invisible = [
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{200B}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{2062}',
        '\u{FFF9}',
        '\u{E0041}',
    ];
    for c in invisible {
        let raw = format!("Digital{c}dialog");
        let message = format!(
            "contains 'U+{:04X}', an invisible formatting character that would make the text read other than it is stored",
            u32::from(c)
        );
        rejected(Text::title("title", &raw), "title", &message);
        rejected(Text::prose("wording", &raw), "wording", &message);
    }
}

#[test]
fn ordinary_norwegian_text_with_its_punctuation_is_accepted() {
    for raw in [
        "Økt bruk av «digitale» tjenester – også i Åmli og Bø …",
        "Kongsberg/Notodden: 50 % færre papirskjema (jf. § 3-2)",
        // A soft hyphen, as word processors break long compounds.
        "Regional digitaliserings\u{AD}strategi",
        // An emoji joined with a zero-width joiner.
        "Kompetanseløft for saksbehandlere 👩\u{200D}💻",
        "Ressursbruk ≥ 1 årsverk, ca. 2 mill. kr",
    ] {
        assert_eq!(title(raw).as_str(), raw);
        assert_eq!(prose(raw).as_str(), raw);
    }
}

/// The log is never rewritten: a text recorded before invisible formatting
/// was refused is read back as it was written, while a control character,
/// never accepted, still is not.
#[test]
fn a_recorded_text_is_read_back_under_the_rules_it_was_recorded_under() {
    let recorded = "Digital\u{202E}dialog";
    assert_eq!(
        Text::recorded_title("title", recorded).unwrap().as_str(),
        recorded
    );
    assert_eq!(
        Text::recorded_prose("wording", recorded).unwrap().as_str(),
        recorded
    );
    rejected(
        Text::recorded_title("title", "Digital\u{7}dialog"),
        "title",
        "contains control characters",
    );
    rejected(
        Text::recorded_title("title", "Digital\ndialog"),
        "title",
        "must be a single line",
    );
}

#[test]
fn a_prose_text_is_at_most_20000_characters() {
    assert!(Text::prose("description", &"å".repeat(Text::PROSE_MAX)).is_ok());
    rejected(
        Text::prose("description", &"å".repeat(Text::PROSE_MAX + 1)),
        "description",
        "is 20001 characters long; at most 20000 are allowed",
    );
}

#[test]
fn a_kommunenummer_is_four_digits_other_than_0000() {
    assert_eq!(kommune("3006").as_str(), "3006");
    assert_eq!(kommune("1505").to_string(), "1505");
    assert_eq!(kommune(" 0301 ").as_str(), "0301", "Oslo, trimmed");
    for raw in ["0000", "306", "30066", "30O6", "", "+306", "3 06", "٣٠٠٦"] {
        rejected(
            Kommunenummer::parse(raw),
            "kommunenummer",
            &format!("'{}' is not a four-digit municipality number", raw.trim()),
        );
    }
}

#[test]
fn a_quantity_is_finite_and_within_ten_to_the_fifteenth() {
    assert_eq!(quantity(-1e15).get(), -1e15);
    assert_eq!(quantity(1e15).get(), 1e15);
    assert_eq!(quantity(0.5).get(), 0.5);
    for value in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.000_000_1e15,
        -2e15,
    ] {
        rejected(
            Quantity::new("baseline.value", value),
            "baseline.value",
            "is not a finite number within ±10^15",
        );
    }
}

#[test]
fn a_date_is_accepted_from_1900_through_2200() {
    for iso in ["1900-01-01", "2200-12-31"] {
        assert_eq!(check_date("due", day(iso)), Ok(day(iso)));
    }
    for iso in ["1899-12-31", "2201-01-01"] {
        rejected(
            check_date("due", day(iso)),
            "due",
            &format!("'{iso}' is outside the years 1900..=2200"),
        );
    }
}

#[test]
fn status_names_are_stable_and_parsed_exactly() {
    for status in GoalStatus::ALL {
        assert_eq!(GoalStatus::parse(status.as_str()), Ok(*status));
    }
    assert_eq!(
        ActionStatus::parse("ON_HOLD"),
        Ok(ActionStatus::OnHold),
        "wire name"
    );
    assert_eq!(BenefitStatus::NotRealised.as_str(), "NOT_REALISED");
    rejected(
        GoalStatus::parse("achieved"),
        "GoalStatus",
        "'achieved' is not one of NOT_STARTED, IN_PROGRESS, PARTIALLY_ACHIEVED, \
         ACHIEVED, NOT_ACHIEVED, DROPPED",
    );
    rejected(
        BudgetCategory::parse("Kjøpte tjenester"),
        "BudgetCategory",
        "'Kjøpte tjenester' is not one of",
    );
}

#[test]
fn a_goal_scores_one_when_achieved_a_half_when_partially_and_leaves_the_score_when_dropped() {
    let scores: Vec<_> = GoalStatus::ALL.iter().map(|s| (*s, s.score())).collect();
    assert_eq!(
        scores,
        vec![
            (GoalStatus::NotStarted, Some(0.0)),
            (GoalStatus::InProgress, Some(0.0)),
            (GoalStatus::PartiallyAchieved, Some(0.5)),
            (GoalStatus::Achieved, Some(1.0)),
            (GoalStatus::NotAchieved, Some(0.0)),
            (GoalStatus::Dropped, None),
        ]
    );
}

// ---------------------------------------------------------------------------
// Regressions: holes found when these specifications were first written.
// ---------------------------------------------------------------------------

/// Broke: members involved were checked against ever having been a member,
/// so a municipality that had left could still be involved in a new action.
#[test]
fn a_municipality_that_has_left_cannot_be_involved_in_an_action() {
    given(&kongsbergregionen())
        .and(&[(member_left("3808"), "2015-06-30")])
        .when(
            plan_action(Some(SUKSIT), &["3808"], years(2016, 2018), &[]),
            "2015-10-01",
        )
        .then_invalid(
            "membersInvolved",
            "'3808' is not a member of the organization on 2015-10-01",
        );
}

/// Broke: revising a strategy's period skipped the predecessor rule.
#[test]
fn a_revised_period_must_still_start_after_the_predecessor_and_before_the_successor() {
    let both = given(&kongsbergregionen()).and(&successor_strategy());
    both.when(revise_strategy_period(years(2019, 2020)), "2018-11-01")
        .then_invalid("period", "does not start before the successor's 2019–2022");
    both.when(
        CommandBody::ReviseStrategy {
            id: STRATEGY_2019,
            title: title("Regional digitaliseringsstrategi 2019–2022"),
            period: years(2014, 2022),
            vision: None,
        },
        "2018-11-01",
    )
    .then_invalid("period", "does not start after the predecessor's 2015–2018");
}

/// Broke: any retirement freed a goal number, even one dated after the new goal.
#[test]
fn a_goal_number_is_taken_until_the_old_goal_is_retired() {
    let retires_later =
        given(&kongsbergregionen()).and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2017-12-31")]);
    retires_later
        .when(define_goal(NEW_GOAL, KOMPETANSE, "3.2", None), "2016-01-01")
        .then_invalid("number", "goal '3.2' already exists in focus area '3'");
    assert!(
        retires_later
            .when(define_goal(NEW_GOAL, KOMPETANSE, "3.2", None), "2017-12-31")
            .result
            .is_ok()
    );
}

/// Broke: a retired goal could be retired again with an earlier date.
#[test]
fn a_retired_goal_cannot_be_retired_again_with_an_earlier_date() {
    given(&kongsbergregionen())
        .and(&[(Event::GoalRetired { id: GOAL_3_2 }, "2017-12-31")])
        .when(CommandBody::RetireGoal { id: GOAL_3_2 }, "2016-12-31")
        .then_invalid("id", "goal '3.2' is retired from 2017-12-31");
}

/// Broke: the parts of a closed strategy could still be changed.
#[test]
fn the_parts_of_a_closed_strategy_cannot_be_changed() {
    let closed_plan = given(&kongsbergregionen()).and(&[digital_dialog_project(), closed()]);
    for command in [
        CommandBody::ReviseFocusArea {
            id: KOMPETANSE,
            title: title("Digital kompetanse"),
            description: None,
        },
        CommandBody::RenumberFocusArea {
            id: KOMPETANSE,
            number: area_number(2),
        },
        CommandBody::RewordGoal {
            id: GOAL_3_2,
            wording: prose("Ny ordlyd"),
        },
        CommandBody::RetireGoal { id: GOAL_3_2 },
        CommandBody::LinkActionToGoal {
            id: DIGITAL_DIALOG_PROJECT,
            goal: GOAL_3_2,
        },
        CommandBody::UnlinkActionFromGoal {
            id: DIGITAL_DIALOG_PROJECT,
            goal: GOAL_1_3,
        },
    ] {
        closed_plan
            .when(command, "2019-01-15")
            .then_invalid("strategy", "is closed");
    }
}

/// Broke: a retired goal could be linked to an action.
#[test]
fn a_retired_goal_cannot_be_linked_to_an_action() {
    given(&kongsbergregionen())
        .and(&[
            digital_dialog_project(),
            (Event::GoalRetired { id: GOAL_3_2 }, "2016-12-31"),
        ])
        .when(
            CommandBody::LinkActionToGoal {
                id: DIGITAL_DIALOG_PROJECT,
                goal: GOAL_3_2,
            },
            "2017-06-01",
        )
        .then_invalid("goal", "goal '3.2' is retired from 2016-12-31");
}

/// Broke: "+3.02" parsed as goal 3.2, so two spellings named one goal.
#[test]
fn goal_numbers_with_signs_or_leading_zeros_are_rejected() {
    for raw in ["+3.2", "3.02", "03", "3.+2"] {
        rejected(GoalNumber::parse(raw), "number", "is not a goal number");
    }
}

/// Broke: a Unicode line separator passed as part of a one-line title.
#[test]
fn a_title_with_a_unicode_line_separator_is_rejected() {
    rejected(
        Text::title("title", "Digital\u{2028}dialog"),
        "title",
        "single line",
    );
}

/// A working group disbanded at a date can own actions revised before it.
#[test]
fn a_working_group_is_disbanded_only_from_its_disbanding_date() {
    let disbanded = given(&kongsbergregionen()).and(&[
        digital_dialog_project(),
        (Event::WorkingGroupDisbanded { id: SUKSIT }, "2017-12-31"),
    ]);
    assert!(
        disbanded
            .when(revise_project_period(years(2016, 2018)), "2017-06-01")
            .result
            .is_ok()
    );
    disbanded
        .when(revise_project_period(years(2016, 2018)), "2018-01-01")
        .then_invalid("owner", "working group");
}

#[test]
fn an_action_is_reported_under_a_focus_area_of_its_own_strategy_only() {
    let plan = given(&kongsbergregionen()).and(&successor_strategy());
    let mut body = plan_action(None, &[], years(2016, 2018), &[]);
    if let CommandBody::PlanAction { focus_area, .. } = &mut body {
        *focus_area = Some(DIGITAL_DIALOG_2019);
    }
    plan.when(body.clone(), "2018-11-01").then_invalid(
        "focusArea",
        &format!("focus area '{DIGITAL_DIALOG_2019}' belongs to another strategy"),
    );
    if let CommandBody::PlanAction { focus_area, .. } = &mut body {
        *focus_area = Some(KOMPETANSE);
    }
    assert!(plan.when(body, "2018-11-01").result.is_ok());
}

// ---------------------------------------------------------------------------
// One truth on every write path: rules that lived in one importer, or in
// none.
// ---------------------------------------------------------------------------

/// Broke: `defineGoal(focusAreaId: <area 1>, number: "2.1")` was accepted
/// through the API while the plan-file importer refused the same goal.
#[test]
fn a_dotted_goal_number_belongs_in_the_area_it_names() {
    given(&kongsbergregionen())
        .when(
            define_goal(NEW_GOAL, DIGITAL_DIALOG, "3.6", None),
            "2015-03-01",
        )
        .then_invalid(
            "number",
            "goal '3.6' belongs in focus area '3', not in focus area '1'",
        );
    // In its own area it is a goal like any other.
    given(&kongsbergregionen())
        .when(define_goal(NEW_GOAL, KOMPETANSE, "3.6", None), "2015-03-01")
        .then_events(vec![goal_defined(
            NEW_GOAL,
            STRATEGY_2015,
            KOMPETANSE,
            "3.6",
            "Kommunene har etablert løsning for mottak og forsendelse av digital post",
        )]);
}

/// Broke: after `closeStrategy`, an action's status (and a goal's
/// assessment, a measurement, a benefit's realisation) effective after the
/// closing date was accepted, while planning an action there was refused.
#[test]
fn a_closed_strategy_takes_no_report_effective_after_its_closing_date() {
    let closed_plan = given(&kongsbergregionen()).and(&[
        digital_dialog_project(),
        round_the_clock_answers(),
        digital_applications(),
        closed(),
    ]);
    let reports = [
        CommandBody::AssessGoal {
            id: GOAL_3_2,
            status: GoalStatus::Achieved,
            justification: prose("Fullført"),
        },
        CommandBody::ChangeActionStatus {
            id: DIGITAL_DIALOG_PROJECT,
            status: ActionStatus::Completed,
            note: None,
        },
        CommandBody::RecordBenefitRealisation {
            id: ROUND_THE_CLOCK_ANSWERS,
            status: BenefitStatus::Realised,
            note: None,
        },
        CommandBody::RecordMeasurement {
            id: DIGITAL_APPLICATIONS,
            value: quantity(80.0),
            comment: None,
        },
        CommandBody::SetIndicatorTarget {
            id: DIGITAL_APPLICATIONS,
            value: quantity(90.0),
            due: day("2020-12-31"),
        },
    ];
    for report in reports {
        closed_plan.when(report, "2019-01-15").then_invalid(
            "strategy",
            &format!(
                "strategy '{STRATEGY_2015}' is closed from 2018-12-31; no change can take effect after that"
            ),
        );
    }
}

/// Late reporting: what happened before the strategy closed may still be
/// recorded after, effective when it happened.
#[test]
fn a_closed_strategy_takes_a_late_report_effective_on_or_before_its_closing_date() {
    let closed_plan = given(&kongsbergregionen()).and(&[digital_dialog_project(), closed()]);
    closed_plan
        .when(
            CommandBody::ChangeActionStatus {
                id: DIGITAL_DIALOG_PROJECT,
                status: ActionStatus::Completed,
                note: None,
            },
            "2018-12-31",
        )
        .then_events(vec![Event::ActionStatusChanged {
            id: DIGITAL_DIALOG_PROJECT,
            status: ActionStatus::Completed,
            note: None,
        }]);
    closed_plan
        .when(
            CommandBody::CloseStrategy { id: STRATEGY_2015 },
            "2018-06-30",
        )
        .then_invalid(
            "id",
            &format!("strategy '{STRATEGY_2015}' is closed already, from 2018-12-31"),
        );
}

//! Every mutation as a client meets it, one section per kind of entity.
//!
//! A success returns the changed entity and a receipt, and appends exactly
//! the events the change stands for. A refusal answers with a stable
//! `extensions.code` (and for `VALIDATION` the offending `extensions.field`)
//! and appends nothing at all.
//!
//! The data is Kongsbergregionen's strategy 2015–2018 and IKT Orkidé's
//! members and working groups, from `/work/shared/seeds/`.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::api_support::{ApiScenario, TestApp, spawn_app};

// ---------------------------------------------------------------------------
// The mutations, each with the payload fields the specifications look at
// ---------------------------------------------------------------------------

/// A mutation document taking its whole input as `$input` and answering
/// with `selection` and the receipt.
macro_rules! mutation {
    ($field:literal, $input:literal, $selection:literal) => {
        concat!(
            "mutation($input: ",
            $input,
            "!) { ",
            $field,
            "(input: $input) { ",
            $selection,
            " receipt { position streamVersion duplicate } } }"
        )
    };
}

const REGISTER_ORGANIZATION: &str = mutation!(
    "registerOrganization",
    "RegisterOrganizationInput",
    "organization { id name since }"
);
const RENAME_ORGANIZATION: &str = mutation!(
    "renameOrganization",
    "RenameOrganizationInput",
    "organization { id name since }"
);
const ADMIT_MEMBER: &str = mutation!(
    "admitMember",
    "AdmitMemberInput",
    "organization { id members(includeFormer: true) { kommunenummer name isMember changes { effectiveAt joined } } }"
);
const RECORD_MEMBER_LEAVING: &str = mutation!(
    "recordMemberLeaving",
    "RecordMemberLeavingInput",
    "organization { id members(includeFormer: true) { kommunenummer name isMember changes { effectiveAt joined } } }"
);
const FORM_WORKING_GROUP: &str = mutation!(
    "formWorkingGroup",
    "FormWorkingGroupInput",
    "workingGroup { id name disbanded }"
);
const RENAME_WORKING_GROUP: &str = mutation!(
    "renameWorkingGroup",
    "RenameWorkingGroupInput",
    "workingGroup { id name disbanded }"
);
const DISBAND_WORKING_GROUP: &str = mutation!(
    "disbandWorkingGroup",
    "DisbandWorkingGroupInput",
    "workingGroup { id name disbanded }"
);
const DRAFT_STRATEGY: &str = mutation!(
    "draftStrategy",
    "DraftStrategyInput",
    "strategy { id title period { start end } vision status predecessor { id } }"
);
const REVISE_STRATEGY: &str = mutation!(
    "reviseStrategy",
    "ReviseStrategyInput",
    "strategy { id title period { start end } vision status }"
);
const ADOPT_STRATEGY: &str = mutation!(
    "adoptStrategy",
    "AdoptStrategyInput",
    "strategy { id status adoptedBy adoptedOn }"
);
const CLOSE_STRATEGY: &str = mutation!(
    "closeStrategy",
    "CloseStrategyInput",
    "strategy { id status }"
);
const DEFINE_FOCUS_AREA: &str = mutation!(
    "defineFocusArea",
    "DefineFocusAreaInput",
    "focusArea { id number title description }"
);
const REVISE_FOCUS_AREA: &str = mutation!(
    "reviseFocusArea",
    "ReviseFocusAreaInput",
    "focusArea { id number title description }"
);
const RENUMBER_FOCUS_AREA: &str = mutation!(
    "renumberFocusArea",
    "RenumberFocusAreaInput",
    "focusArea { id number title }"
);
const DEFINE_GOAL: &str = mutation!(
    "defineGoal",
    "DefineGoalInput",
    "goal { id number wording focusAreaNumber status carriedOverFrom retiredOn }"
);
const MERGE_GOALS: &str = mutation!(
    "mergeGoals",
    "MergeGoalsInput",
    "goal { id number wording status retiredOn }"
);
const SPLIT_GOAL: &str = mutation!(
    "splitGoal",
    "SplitGoalInput",
    "goal { id number retiredOn replacedBy }"
);
const REWORD_GOAL: &str = mutation!(
    "rewordGoal",
    "RewordGoalInput",
    "goal { id number wording }"
);
const RETIRE_GOAL: &str = mutation!(
    "retireGoal",
    "RetireGoalInput",
    "goal { id number retiredOn replacedBy }"
);
const ASSESS_GOAL: &str = mutation!(
    "assessGoal",
    "AssessGoalInput",
    "goal { id status assessment { status justification effectiveAt } }"
);
const DEFINE_INDICATOR: &str = mutation!(
    "defineIndicator",
    "DefineIndicatorInput",
    "indicator { id name unit direction updateEveryDays baseline { value on } targets { due value } measurements { value } }"
);
const SET_INDICATOR_TARGET: &str = mutation!(
    "setIndicatorTarget",
    "SetIndicatorTargetInput",
    "indicator { id targets { due value setOn } }"
);
const RECORD_MEASUREMENT: &str = mutation!(
    "recordMeasurement",
    "RecordMeasurementInput",
    "indicator { id measurements { value on comment actor } }"
);
const PLAN_ACTION: &str = mutation!(
    "planAction",
    "PlanActionInput",
    "action { id kind title description owner { name } membersInvolved period { start end } decommissioning goals { number } budgetLines { year } }"
);
const REVISE_ACTION: &str = mutation!(
    "reviseAction",
    "ReviseActionInput",
    "action { id kind title description owner { name } membersInvolved period { start end } decommissioning }"
);
const LINK_ACTION_TO_GOAL: &str = mutation!(
    "linkActionToGoal",
    "ActionGoalInput",
    "action { id goals { id number } }"
);
const UNLINK_ACTION_FROM_GOAL: &str = mutation!(
    "unlinkActionFromGoal",
    "ActionGoalInput",
    "action { id goals { id number } }"
);
const CHANGE_ACTION_STATUS: &str = mutation!(
    "changeActionStatus",
    "ChangeActionStatusInput",
    "action { id status statusNote statusSince }"
);
const SET_BUDGET_LINE: &str = mutation!(
    "setBudgetLine",
    "SetBudgetLineInput",
    "action { id budgetLines { year category planned actual effectiveAt } budgetTotals { year planned actual } }"
);
const IDENTIFY_BENEFIT: &str = mutation!(
    "identifyBenefit",
    "IdentifyBenefitInput",
    "benefit { id actionId stakeholder category title description priced disbenefit unexpected responsible due }"
);
const RECORD_BENEFIT_REALISATION: &str = mutation!(
    "recordBenefitRealisation",
    "RecordBenefitRealisationInput",
    "benefit { id status realisation { status note effectiveAt } }"
);

const HISTORY: &str = "query($id: UUID!) { history(entityId: $id) { edges { node { eventType reason actor effectiveAt } } } }";

// ---------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------

/// Sends `mutation` with `input` and returns its payload.
async fn send(app: &TestApp, mutation: &str, input: Value) -> Value {
    let data = app.ok(mutation, json!({ "input": input })).await;
    let (_, payload) = data
        .as_object()
        .and_then(|fields| fields.iter().next())
        .expect("the mutation's payload");
    payload.clone()
}

/// Checks that the log grew by `appended` events since it held `before`,
/// and that the receipt names the last of them and the entity's version.
fn assert_appended(
    app: &TestApp,
    payload: &Value,
    before: u64,
    appended: u64,
    stream_version: u64,
) {
    assert_eq!(app.event_count(), before + appended, "events appended");
    assert_eq!(
        payload["receipt"],
        json!({ "position": before + appended, "streamVersion": stream_version, "duplicate": false })
    );
}

/// How a mutation was refused.
struct Refusal {
    code: String,
    message: String,
    extensions: Value,
}

/// Sends a mutation that must be refused, and checks that it appended nothing.
async fn refused(app: &TestApp, mutation: &str, input: Value) -> Refusal {
    let before = app.event_count();
    let (code, message, extensions) = app.error(mutation, json!({ "input": input })).await;
    assert_eq!(
        app.event_count(),
        before,
        "a refused mutation appended events"
    );
    Refusal {
        code,
        message,
        extensions,
    }
}

impl Refusal {
    fn is_invalid(&self, field: &str, message: &str) {
        assert_eq!(
            (
                self.code.as_str(),
                &self.extensions["field"],
                self.message.as_str()
            ),
            ("VALIDATION", &json!(field), message)
        );
    }

    fn is_not_found(&self, message: &str) {
        assert_eq!(
            (self.code.as_str(), self.message.as_str()),
            ("NOT_FOUND", message)
        );
    }

    fn is_conflict(&self, message: &str) {
        assert_eq!(
            (self.code.as_str(), self.message.as_str()),
            ("CONFLICT", message)
        );
    }
}

fn id_of(payload: &Value, entity: &str) -> String {
    payload[entity]["id"].as_str().expect("an id").to_owned()
}

fn unknown_id() -> String {
    Uuid::new_v4().to_string()
}

// ---------------------------------------------------------------------------
// Fixtures: small steps on top of `ApiScenario`
// ---------------------------------------------------------------------------

async fn kongsbergregionen() -> (TestApp, ApiScenario) {
    let app = spawn_app().await;
    let scenario = ApiScenario::create(&app).await;
    (app, scenario)
}

/// IKT Orkidé, which has existed since 1997.
async fn register_ikt_orkide(app: &TestApp) -> String {
    let payload = send(
        app,
        REGISTER_ORGANIZATION,
        json!({ "name": "IKT Orkidé", "effectiveAt": "1997-01-01" }),
    )
    .await;
    id_of(&payload, "organization")
}

async fn admit(app: &TestApp, organization: &str, kommunenummer: &str, name: &str, on: &str) {
    send(
        app,
        ADMIT_MEMBER,
        json!({ "organizationId": organization, "kommunenummer": kommunenummer, "name": name, "effectiveAt": on }),
    )
    .await;
}

async fn form_working_group(app: &TestApp, organization: &str, name: &str) -> String {
    let payload = send(
        app,
        FORM_WORKING_GROUP,
        json!({ "organizationId": organization, "name": name, "effectiveAt": "2015-01-01" }),
    )
    .await;
    id_of(&payload, "workingGroup")
}

async fn define_goal(app: &TestApp, area: &str, number: &str, wording: &str) -> String {
    let payload = send(
        app,
        DEFINE_GOAL,
        json!({ "focusAreaId": area, "number": number, "wording": wording, "effectiveAt": "2015-03-01" }),
    )
    .await;
    id_of(&payload, "goal")
}

/// "Hovedprosjekt Digital dialog", 2016–2018, serving goal 1.3.
async fn plan_digital_dialog(app: &TestApp, scenario: &ApiScenario) -> String {
    let payload = send(
        app,
        PLAN_ACTION,
        json!({
            "strategyId": scenario.strategy,
            "kind": "MAIN_PROJECT",
            "title": "Hovedprosjekt Digital dialog",
            "startYear": 2016,
            "endYear": 2018,
            "goalIds": [scenario.goal],
            "effectiveAt": "2015-10-01",
        }),
    )
    .await;
    id_of(&payload, "action")
}

async fn define_indicator_for_goal(app: &TestApp, goal: &str) -> String {
    let payload = send(
        app,
        DEFINE_INDICATOR,
        json!({
            "goalId": goal,
            "name": "Søknader behandlet uten manuell registrering",
            "unit": "prosent",
            "direction": "HIGHER_IS_BETTER",
            "effectiveAt": "2015-06-01",
        }),
    )
    .await;
    id_of(&payload, "indicator")
}

async fn identify_benefit(app: &TestApp, scenario: &ApiScenario, action: &str) -> String {
    let payload = send(
        app,
        IDENTIFY_BENEFIT,
        json!({
            "strategyId": scenario.strategy,
            "actionId": action,
            "stakeholder": "CITIZENS",
            "category": "QUALITY",
            "title": "Raskere svar på byggesøknader",
            "effectiveAt": "2016-01-01",
        }),
    )
    .await;
    id_of(&payload, "benefit")
}

async fn draft_successor(app: &TestApp, scenario: &ApiScenario) -> String {
    let payload = send(
        app,
        DRAFT_STRATEGY,
        json!({
            "organizationId": scenario.organization,
            "title": "Regional digitaliseringsstrategi 2019–2022",
            "startYear": 2019,
            "endYear": 2022,
            "predecessorId": scenario.strategy,
            "effectiveAt": "2018-10-01",
        }),
    )
    .await;
    id_of(&payload, "strategy")
}

// ---------------------------------------------------------------------------
// Organizations and their members
// ---------------------------------------------------------------------------

#[tokio::test]
async fn registering_an_organization_starts_its_stream() {
    let app = spawn_app().await;

    let payload = send(
        &app,
        REGISTER_ORGANIZATION,
        json!({ "name": "IKT Orkidé", "effectiveAt": "2008-01-01" }),
    )
    .await;

    let organization = &payload["organization"];
    assert_eq!(organization["name"], "IKT Orkidé");
    assert_eq!(organization["since"], "2008-01-01");
    assert_appended(&app, &payload, 0, 1, 1);
}

#[tokio::test]
async fn registering_an_organization_without_a_name_is_rejected() {
    let app = spawn_app().await;

    refused(&app, REGISTER_ORGANIZATION, json!({ "name": "   " }))
        .await
        .is_invalid("name", "name: must not be empty");
}

#[tokio::test]
async fn registering_an_organization_under_an_id_in_use_is_a_conflict() {
    let app = spawn_app().await;
    let id = register_ikt_orkide(&app).await;

    let refusal = refused(
        &app,
        REGISTER_ORGANIZATION,
        json!({ "id": id, "name": "Kongsbergregionen" }),
    )
    .await;

    refusal.is_conflict(&format!("organization '{id}' already exists"));
}

#[tokio::test]
async fn renaming_an_organization_keeps_its_id_and_start() {
    let app = spawn_app().await;
    let id = id_of(
        &send(
            &app,
            REGISTER_ORGANIZATION,
            json!({ "name": "IKT-samarbeidet på Nordmøre", "effectiveAt": "1997-01-01" }),
        )
        .await,
        "organization",
    );

    let payload = send(
        &app,
        RENAME_ORGANIZATION,
        json!({ "id": id, "name": "IKT Orkidé", "effectiveAt": "2008-01-01" }),
    )
    .await;

    assert_eq!(
        payload["organization"],
        json!({ "id": id, "name": "IKT Orkidé", "since": "1997-01-01" })
    );
    assert_appended(&app, &payload, 1, 1, 2);
}

#[tokio::test]
async fn renaming_an_unknown_organization_is_not_found() {
    let app = spawn_app().await;
    register_ikt_orkide(&app).await;
    let unknown = unknown_id();

    refused(
        &app,
        RENAME_ORGANIZATION,
        json!({ "id": unknown, "name": "IKT Orkidé" }),
    )
    .await
    .is_not_found(&format!("organization '{unknown}' not found"));
}

#[tokio::test]
async fn admitting_a_member_adds_the_municipality_from_its_date() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;

    let payload = send(
        &app,
        ADMIT_MEMBER,
        json!({ "organizationId": orkide, "kommunenummer": "1505", "name": "Kristiansund", "effectiveAt": "2008-01-01" }),
    )
    .await;

    assert_eq!(
        payload["organization"]["members"],
        json!([{
            "kommunenummer": "1505",
            "name": "Kristiansund",
            "isMember": true,
            "changes": [{ "effectiveAt": "2008-01-01", "joined": true }],
        }])
    );
    // Membership is a change to the organization: its stream grows.
    assert_appended(&app, &payload, 1, 1, 2);
}

#[tokio::test]
async fn admitting_a_municipality_that_is_already_a_member_is_rejected() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    admit(&app, &orkide, "1505", "Kristiansund", "2008-01-01").await;

    refused(
        &app,
        ADMIT_MEMBER,
        json!({ "organizationId": orkide, "kommunenummer": "1505", "name": "Kristiansund", "effectiveAt": "2012-01-01" }),
    )
    .await
    .is_invalid(
        "kommunenummer",
        "kommunenummer: municipality '1505' is already a member",
    );
}

#[tokio::test]
async fn a_member_leaving_stays_listed_as_a_former_member() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    admit(&app, &orkide, "1554", "Averøy", "2008-01-01").await;

    let payload = send(
        &app,
        RECORD_MEMBER_LEAVING,
        json!({ "organizationId": orkide, "kommunenummer": "1554", "effectiveAt": "2020-01-01" }),
    )
    .await;

    assert_eq!(
        payload["organization"]["members"],
        json!([{
            "kommunenummer": "1554",
            "name": "Averøy",
            "isMember": false,
            "changes": [
                { "effectiveAt": "2008-01-01", "joined": true },
                { "effectiveAt": "2020-01-01", "joined": false },
            ],
        }])
    );
    assert_appended(&app, &payload, 2, 1, 3);
}

#[tokio::test]
async fn a_municipality_that_is_not_a_member_cannot_leave() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    admit(&app, &orkide, "1505", "Kristiansund", "2008-01-01").await;

    refused(
        &app,
        RECORD_MEMBER_LEAVING,
        json!({ "organizationId": orkide, "kommunenummer": "1554" }),
    )
    .await
    .is_invalid(
        "kommunenummer",
        "kommunenummer: municipality '1554' is not a member",
    );
}

#[tokio::test]
async fn a_member_cannot_leave_before_it_joined() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    admit(&app, &orkide, "1554", "Averøy", "2008-01-01").await;

    refused(
        &app,
        RECORD_MEMBER_LEAVING,
        json!({ "organizationId": orkide, "kommunenummer": "1554", "effectiveAt": "2005-01-01" }),
    )
    .await
    .is_invalid(
        "effectiveAt",
        "effectiveAt: municipality '1554' joined on 2008-01-01; it cannot leave on 2005-01-01",
    );
}

// ---------------------------------------------------------------------------
// Working groups
// ---------------------------------------------------------------------------

#[tokio::test]
async fn forming_a_working_group_starts_its_own_stream() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;

    let payload = send(
        &app,
        FORM_WORKING_GROUP,
        json!({ "organizationId": orkide, "name": "Helse og omsorg", "effectiveAt": "2021-01-01" }),
    )
    .await;

    assert_eq!(payload["workingGroup"]["name"], "Helse og omsorg");
    assert_eq!(payload["workingGroup"]["disbanded"], false);
    assert_appended(&app, &payload, 1, 1, 1);
}

#[tokio::test]
async fn forming_a_working_group_in_an_unknown_organization_is_not_found() {
    let app = spawn_app().await;
    register_ikt_orkide(&app).await;
    let unknown = unknown_id();

    refused(
        &app,
        FORM_WORKING_GROUP,
        json!({ "organizationId": unknown, "name": "Teknisk" }),
    )
    .await
    .is_not_found(&format!("organization '{unknown}' not found"));
}

#[tokio::test]
async fn renaming_a_working_group_changes_its_name() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    let group = form_working_group(&app, &orkide, "Helse").await;

    let payload = send(
        &app,
        RENAME_WORKING_GROUP,
        json!({ "id": group, "name": "Helse og omsorg", "effectiveAt": "2021-01-01" }),
    )
    .await;

    assert_eq!(
        payload["workingGroup"],
        json!({ "id": group, "name": "Helse og omsorg", "disbanded": false })
    );
    assert_appended(&app, &payload, 2, 1, 2);
}

#[tokio::test]
async fn renaming_a_working_group_to_a_multiline_name_is_rejected() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    let group = form_working_group(&app, &orkide, "Helse").await;

    refused(
        &app,
        RENAME_WORKING_GROUP,
        json!({ "id": group, "name": "Helse\nog omsorg" }),
    )
    .await
    .is_invalid("name", "name: must be a single line");
}

/// Broke: a right-to-left override in a title was stored and shown to the
/// public, reading other than it was stored.
#[tokio::test]
async fn a_title_or_reason_with_a_bidirectional_control_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        RENAME_ORGANIZATION,
        json!({ "id": scenario.organization, "name": "Kongsberg\u{202E}regionen" }),
    )
    .await
    .is_invalid(
        "name",
        "name: contains 'U+202E', an invisible formatting character that would make the text read other than it is stored",
    );
    refused(
        &app,
        REWORD_GOAL,
        json!({ "id": scenario.goal, "wording": "Kommunene har\u{2066} automatiserte prosesser", "reason": "ok" }),
    )
    .await
    .is_invalid(
        "wording",
        "wording: contains 'U+2066', an invisible formatting character that would make the text read other than it is stored",
    );
    refused(
        &app,
        REWORD_GOAL,
        json!({ "id": scenario.goal, "wording": "Kommunene har automatiserte prosesser", "reason": "vedtak\u{200F}" }),
    )
    .await
    .is_invalid(
        "reason",
        "reason: contains 'U+200F', an invisible formatting character that would make the text read other than it is stored",
    );
}

#[tokio::test]
async fn renaming_an_unknown_working_group_is_not_found() {
    let app = spawn_app().await;
    register_ikt_orkide(&app).await;
    let unknown = unknown_id();

    refused(
        &app,
        RENAME_WORKING_GROUP,
        json!({ "id": unknown, "name": "Oppvekst" }),
    )
    .await
    .is_not_found(&format!("working group '{unknown}' not found"));
}

#[tokio::test]
async fn disbanding_a_working_group_marks_it_disbanded() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    let group = form_working_group(&app, &orkide, "Stab/støtte").await;

    let payload = send(
        &app,
        DISBAND_WORKING_GROUP,
        json!({ "id": group, "effectiveAt": "2021-12-31" }),
    )
    .await;

    assert_eq!(
        payload["workingGroup"],
        json!({ "id": group, "name": "Stab/støtte", "disbanded": true })
    );
    assert_appended(&app, &payload, 2, 1, 2);
}

#[tokio::test]
async fn a_disbanded_working_group_cannot_be_disbanded_again() {
    let app = spawn_app().await;
    let orkide = register_ikt_orkide(&app).await;
    let group = form_working_group(&app, &orkide, "Stab/støtte").await;
    send(
        &app,
        DISBAND_WORKING_GROUP,
        json!({ "id": group, "effectiveAt": "2021-12-31" }),
    )
    .await;

    refused(
        &app,
        DISBAND_WORKING_GROUP,
        json!({ "id": group, "effectiveAt": "2022-06-01" }),
    )
    .await
    .is_invalid(
        "id",
        &format!("id: working group '{group}' is disbanded from 2021-12-31"),
    );
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn drafting_a_strategy_opens_it_as_a_draft_for_its_period() {
    let app = spawn_app().await;
    let org = id_of(
        &send(
            &app,
            REGISTER_ORGANIZATION,
            json!({ "name": "Kongsbergregionen", "effectiveAt": "2015-01-01" }),
        )
        .await,
        "organization",
    );

    let payload = send(
        &app,
        DRAFT_STRATEGY,
        json!({
            "organizationId": org,
            "title": "Regional digitaliseringsstrategi 2015–2018",
            "startYear": 2015,
            "endYear": 2018,
            "vision": "Innbyggerne og næringslivet i Kongsbergregionen tilbys fremtidsrettede digitale tjenester.",
            "effectiveAt": "2015-03-01",
        }),
    )
    .await;

    let strategy = &payload["strategy"];
    assert_eq!(
        strategy["title"],
        "Regional digitaliseringsstrategi 2015–2018"
    );
    assert_eq!(strategy["period"], json!({ "start": 2015, "end": 2018 }));
    assert_eq!(
        strategy["vision"],
        "Innbyggerne og næringslivet i Kongsbergregionen tilbys fremtidsrettede digitale tjenester."
    );
    assert_eq!(strategy["status"], "DRAFT");
    assert_eq!(strategy["predecessor"], Value::Null);
    assert_appended(&app, &payload, 1, 1, 1);
}

#[tokio::test]
async fn drafting_a_strategy_that_ends_before_it_starts_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DRAFT_STRATEGY,
        json!({ "organizationId": scenario.organization, "title": "Tiltaksplan", "startYear": 2018, "endYear": 2016 }),
    )
    .await
    .is_invalid("endYear", "endYear: ends in 2016 before it starts in 2018");
}

#[tokio::test]
async fn drafting_a_strategy_for_an_unknown_organization_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        DRAFT_STRATEGY,
        json!({ "organizationId": unknown, "title": "Digitaliseringsstrategi", "startYear": 2022, "endYear": 2025 }),
    )
    .await
    .is_not_found(&format!("organization '{unknown}' not found"));
}

#[tokio::test]
async fn drafting_a_successor_links_it_to_its_predecessor() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        DRAFT_STRATEGY,
        json!({
            "organizationId": scenario.organization,
            "title": "Regional digitaliseringsstrategi 2019–2022",
            "startYear": 2019,
            "endYear": 2022,
            "predecessorId": scenario.strategy,
            "effectiveAt": "2018-10-01",
        }),
    )
    .await;

    assert_eq!(
        payload["strategy"]["predecessor"],
        json!({ "id": scenario.strategy })
    );
    assert_appended(&app, &payload, 4, 1, 1);
}

#[tokio::test]
async fn revising_a_strategy_changes_its_title_period_and_vision() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        REVISE_STRATEGY,
        json!({
            "id": scenario.strategy,
            "title": "Regional digitaliseringsstrategi 2015–2019",
            "startYear": 2015,
            "endYear": 2019,
            "vision": "Kongsbergregionen skal være en foregangsregion for digitale tjenester.",
            "effectiveAt": "2016-01-01",
        }),
    )
    .await;

    assert_eq!(
        payload["strategy"],
        json!({
            "id": scenario.strategy,
            "title": "Regional digitaliseringsstrategi 2015–2019",
            "period": { "start": 2015, "end": 2019 },
            "vision": "Kongsbergregionen skal være en foregangsregion for digitale tjenester.",
            "status": "DRAFT",
        })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn revising_a_strategy_period_to_leave_out_a_planned_action_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    plan_digital_dialog(&app, &scenario).await;

    refused(
        &app,
        REVISE_STRATEGY,
        json!({ "id": scenario.strategy, "title": "Regional digitaliseringsstrategi 2017–2018", "startYear": 2017, "endYear": 2018 }),
    )
    .await
    .is_invalid(
        "startYear",
        "startYear: 2017–2018 does not cover an action planned for 2016–2018",
    );
}

#[tokio::test]
async fn adopting_a_strategy_records_by_whom_and_when() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        ADOPT_STRATEGY,
        json!({ "id": scenario.strategy, "adoptedBy": "Rådmannsutvalget", "effectiveAt": "2015-06-01" }),
    )
    .await;

    assert_eq!(
        payload["strategy"],
        json!({
            "id": scenario.strategy,
            "status": "ADOPTED",
            "adoptedBy": "Rådmannsutvalget",
            "adoptedOn": "2015-06-01",
        })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn adopting_a_strategy_twice_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        ADOPT_STRATEGY,
        json!({ "id": scenario.strategy, "adoptedBy": "Rådmannsutvalget", "effectiveAt": "2015-06-01" }),
    )
    .await;

    refused(
        &app,
        ADOPT_STRATEGY,
        json!({ "id": scenario.strategy, "adoptedBy": "Regionrådet", "effectiveAt": "2015-09-01" }),
    )
    .await
    .is_invalid(
        "id",
        &format!("id: strategy '{}' is already adopted", scenario.strategy),
    );
}

#[tokio::test]
async fn closing_a_strategy_marks_it_closed() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        CLOSE_STRATEGY,
        json!({ "id": scenario.strategy, "effectiveAt": "2019-01-01" }),
    )
    .await;

    assert_eq!(
        payload["strategy"],
        json!({ "id": scenario.strategy, "status": "CLOSED" })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn a_closed_strategy_cannot_be_closed_again() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        CLOSE_STRATEGY,
        json!({ "id": scenario.strategy, "effectiveAt": "2019-01-01" }),
    )
    .await;

    refused(
        &app,
        CLOSE_STRATEGY,
        json!({ "id": scenario.strategy, "effectiveAt": "2019-02-01" }),
    )
    .await
    .is_invalid(
        "id",
        &format!(
            "id: strategy '{}' is closed from 2019-01-01; no change can take effect after that",
            scenario.strategy
        ),
    );
}

#[tokio::test]
async fn no_goal_can_be_added_to_a_closed_strategy() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        CLOSE_STRATEGY,
        json!({ "id": scenario.strategy, "effectiveAt": "2019-01-01" }),
    )
    .await;

    refused(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": scenario.area, "number": "1.7", "wording": "Kommunene tilbyr chat med innbyggerne", "effectiveAt": "2019-01-15" }),
    )
    .await
    .is_invalid(
        "strategyId",
        &format!(
            "strategyId: strategy '{}' is closed from 2019-01-01; no change can take effect after that",
            scenario.strategy
        ),
    );
}

/// Broke: after `closeStrategy`, `changeActionStatus` effective after the
/// close was accepted while `planAction` was refused.
#[tokio::test]
async fn no_status_can_be_reported_on_a_closed_strategy_after_its_closing_date() {
    let (app, scenario) = kongsbergregionen().await;
    let planned = send(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MAIN_PROJECT", "title": "Digital dialog – hovedprosjekt", "startYear": 2016, "endYear": 2018, "effectiveAt": "2015-10-01" }),
    )
    .await;
    let action = id_of(&planned, "action");
    send(
        &app,
        CLOSE_STRATEGY,
        json!({ "id": scenario.strategy, "effectiveAt": "2019-01-01" }),
    )
    .await;
    refused(
        &app,
        CHANGE_ACTION_STATUS,
        json!({ "id": action, "status": "COMPLETED", "effectiveAt": "2019-02-01" }),
    )
    .await
    .is_invalid(
        "id",
        &format!(
            "id: strategy '{}' is closed from 2019-01-01; no change can take effect after that",
            scenario.strategy
        ),
    );
    // Reported late, effective when it happened: accepted.
    send(
        &app,
        CHANGE_ACTION_STATUS,
        json!({ "id": action, "status": "COMPLETED", "effectiveAt": "2018-12-31", "reason": "Rapportert etter avslutning" }),
    )
    .await;
}

/// Broke: `defineGoal(focusAreaId: <area 1>, number: "2.1")` was accepted.
#[tokio::test]
async fn a_goal_numbered_for_another_focus_area_is_refused() {
    let (app, scenario) = kongsbergregionen().await;
    refused(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": scenario.area, "number": "2.1", "wording": "Kommunene har felles løsninger", "effectiveAt": "2015-03-01" }),
    )
    .await
    .is_invalid(
        "number",
        "number: goal '2.1' belongs in focus area '2', not in focus area '1'",
    );
}

// ---------------------------------------------------------------------------
// Focus areas
// ---------------------------------------------------------------------------

#[tokio::test]
async fn defining_a_focus_area_numbers_it_within_its_strategy() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        DEFINE_FOCUS_AREA,
        json!({
            "strategyId": scenario.strategy,
            "number": 2,
            "title": "Strategisk ledelse og IKT",
            "description": "Kommunene har en strategisk tilnærming til digitalisering.",
            "effectiveAt": "2015-03-01",
        }),
    )
    .await;

    let area = &payload["focusArea"];
    assert_eq!(area["number"], 2);
    assert_eq!(area["title"], "Strategisk ledelse og IKT");
    assert_eq!(
        area["description"],
        "Kommunene har en strategisk tilnærming til digitalisering."
    );
    assert_appended(&app, &payload, 4, 1, 1);
}

#[tokio::test]
async fn defining_a_focus_area_under_a_number_in_use_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_FOCUS_AREA,
        json!({ "strategyId": scenario.strategy, "number": 1, "title": "Kompetanse" }),
    )
    .await
    .is_invalid(
        "number",
        "number: focus area '1' already exists in this strategy",
    );
}

#[tokio::test]
async fn revising_a_focus_area_changes_its_title_and_description() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        REVISE_FOCUS_AREA,
        json!({
            "id": scenario.area,
            "title": "Digital dialog med innbyggere og næringsliv",
            "description": "Kommunene skal etablere digitale selvbetjeningsløsninger som er forståelige og enkle å ta i bruk.",
            "effectiveAt": "2016-01-01",
        }),
    )
    .await;

    assert_eq!(
        payload["focusArea"],
        json!({
            "id": scenario.area,
            "number": 1,
            "title": "Digital dialog med innbyggere og næringsliv",
            "description": "Kommunene skal etablere digitale selvbetjeningsløsninger som er forståelige og enkle å ta i bruk.",
        })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn revising_a_focus_area_to_an_empty_title_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        REVISE_FOCUS_AREA,
        json!({ "id": scenario.area, "title": "" }),
    )
    .await
    .is_invalid("title", "title: must not be empty");
}

#[tokio::test]
async fn revising_an_unknown_focus_area_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        REVISE_FOCUS_AREA,
        json!({ "id": unknown, "title": "Digital dialog" }),
    )
    .await
    .is_not_found(&format!("focus area '{unknown}' not found"));
}

#[tokio::test]
async fn renumbering_a_focus_area_gives_it_the_new_number() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        RENUMBER_FOCUS_AREA,
        json!({ "id": scenario.area, "number": 3, "effectiveAt": "2016-01-01" }),
    )
    .await;

    assert_eq!(
        payload["focusArea"],
        json!({ "id": scenario.area, "number": 3, "title": "Digital dialog" })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn renumbering_a_focus_area_to_its_own_number_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        RENUMBER_FOCUS_AREA,
        json!({ "id": scenario.area, "number": 1 }),
    )
    .await
    .is_invalid("number", "number: focus area already has number '1'");
}

#[tokio::test]
async fn renumbering_a_focus_area_to_a_number_in_use_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        DEFINE_FOCUS_AREA,
        json!({ "strategyId": scenario.strategy, "number": 2, "title": "Strategisk ledelse og IKT", "effectiveAt": "2015-03-01" }),
    )
    .await;

    refused(
        &app,
        RENUMBER_FOCUS_AREA,
        json!({ "id": scenario.area, "number": 2 }),
    )
    .await
    .is_invalid(
        "number",
        "number: focus area '2' already exists in this strategy",
    );
}

// ---------------------------------------------------------------------------
// Goals
// ---------------------------------------------------------------------------

#[tokio::test]
async fn defining_a_goal_starts_it_not_started() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        DEFINE_GOAL,
        json!({
            "focusAreaId": scenario.area,
            "number": "1.1",
            "wording": "Kommunene har nettbaserte tjenester for kommunikasjon med innbyggere og næringsliv som tilfredsstiller krav til universell utforming",
            "effectiveAt": "2015-03-01",
        }),
    )
    .await;

    let goal = &payload["goal"];
    assert_eq!(goal["number"], "1.1");
    assert_eq!(goal["focusAreaNumber"], 1);
    assert_eq!(goal["status"], "NOT_STARTED");
    assert_eq!(goal["retiredOn"], Value::Null);
    assert_appended(&app, &payload, 4, 1, 1);
}

#[tokio::test]
async fn defining_a_goal_under_a_number_in_use_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": scenario.area, "number": "1.3", "wording": "Kommunene bruker sosiale medier", "effectiveAt": "2015-03-01" }),
    )
    .await
    .is_invalid(
        "number",
        "number: goal '1.3' already exists in focus area '1'",
    );
}

#[tokio::test]
async fn defining_a_goal_in_an_unknown_focus_area_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": unknown, "number": "1.4", "wording": "Kommunene bruker sosiale medier" }),
    )
    .await
    .is_not_found(&format!("focus area '{unknown}' not found"));
}

#[tokio::test]
async fn a_goal_carried_over_into_the_successor_remembers_its_origin() {
    let (app, scenario) = kongsbergregionen().await;
    let successor = draft_successor(&app, &scenario).await;
    let area = id_of(
        &send(
            &app,
            DEFINE_FOCUS_AREA,
            json!({ "strategyId": successor, "number": 1, "title": "Digital dialog", "effectiveAt": "2018-10-01" }),
        )
        .await,
        "focusArea",
    );
    let before = app.event_count();

    let payload = send(
        &app,
        DEFINE_GOAL,
        json!({
            "focusAreaId": area,
            "number": "1.1",
            "wording": "Kommunene har automatiserte prosesser der tjenesteområdene henger sammen",
            "carriedOverFrom": scenario.goal,
            "effectiveAt": "2018-10-01",
        }),
    )
    .await;

    assert_eq!(payload["goal"]["carriedOverFrom"], json!(scenario.goal));
    assert_appended(&app, &payload, before, 1, 1);
}

#[tokio::test]
async fn a_goal_can_only_be_carried_over_from_the_predecessor() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_GOAL,
        json!({
            "focusAreaId": scenario.area,
            "number": "1.4",
            "wording": "Kommunene har automatiserte prosesser",
            "carriedOverFrom": scenario.goal,
            "effectiveAt": "2015-03-01",
        }),
    )
    .await
    .is_invalid(
        "carriedOverFrom",
        &format!(
            "carriedOverFrom: goal '{}' does not belong to the predecessor strategy",
            scenario.goal
        ),
    );
}

#[tokio::test]
async fn merging_goals_defines_a_new_goal_and_retires_the_sources() {
    let (app, scenario) = kongsbergregionen().await;
    let web = define_goal(
        &app,
        &scenario.area,
        "1.1",
        "Kommunene har nettbaserte tjenester for kommunikasjon med innbyggere og næringsliv",
    )
    .await;
    let login = define_goal(
        &app,
        &scenario.area,
        "1.2",
        "Kommunene har løsninger for sikker pålogging for innbyggers tilgang til egne opplysninger",
    )
    .await;
    let before = app.event_count();

    let payload = send(
        &app,
        MERGE_GOALS,
        json!({
            "focusAreaId": scenario.area,
            "number": "1.1",
            "wording": "Kommunene har nettbaserte tjenester med sikker pålogging",
            "sources": [web, login],
            "effectiveAt": "2017-01-01",
        }),
    )
    .await;

    let merged = id_of(&payload, "goal");
    assert_eq!(payload["goal"]["number"], "1.1");
    assert_eq!(payload["goal"]["retiredOn"], Value::Null);
    // One event defines the new goal, one per source retires it into the
    // new one; the receipt names the new goal's first version.
    assert_appended(&app, &payload, before, 3, 1);
    let goals = app
        .ok(
            "query($s: UUID!) { strategy(id: $s) { focusArea(number: 1) { goals(includeRetired: true) { id retiredOn replacedBy } } } }",
            json!({ "s": scenario.strategy }),
        )
        .await;
    let goals = goals["strategy"]["focusArea"]["goals"]
        .as_array()
        .unwrap()
        .clone();
    for source in [&web, &login] {
        let goal = goals.iter().find(|g| g["id"] == json!(source)).unwrap();
        assert_eq!(goal["retiredOn"], "2017-01-01");
        assert_eq!(goal["replacedBy"], json!([merged]));
    }
}

#[tokio::test]
async fn a_merge_needs_at_least_two_goals() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        MERGE_GOALS,
        json!({ "focusAreaId": scenario.area, "number": "1.1", "wording": "Kommunene har automatiserte prosesser", "sources": [scenario.goal] }),
    )
    .await
    .is_invalid("sources", "sources: a merge needs at least two goals");
}

#[tokio::test]
async fn splitting_a_goal_defines_its_parts_and_retires_it() {
    let (app, scenario) = kongsbergregionen().await;
    let processes = Uuid::new_v4().to_string();
    let services = Uuid::new_v4().to_string();

    let payload = send(
        &app,
        SPLIT_GOAL,
        json!({
            "id": scenario.goal,
            "into": [
                { "id": processes, "number": "1.3", "wording": "Kommunene har automatiserte prosesser" },
                { "id": services, "number": "1.7", "wording": "Tjenesteområdene i kommunene henger sammen" },
            ],
            "effectiveAt": "2017-01-01",
        }),
    )
    .await;

    assert_eq!(
        payload["goal"],
        json!({ "id": scenario.goal, "number": "1.3", "retiredOn": "2017-01-01", "replacedBy": [processes, services] })
    );
    // Two new goals are defined, then the split goal's stream records the split.
    assert_appended(&app, &payload, 4, 3, 2);
}

#[tokio::test]
async fn a_split_needs_at_least_two_parts() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        SPLIT_GOAL,
        json!({ "id": scenario.goal, "into": [{ "number": "1.7", "wording": "Kommunene har automatiserte prosesser" }] }),
    )
    .await
    .is_invalid("into", "into: a split needs at least two goals");
}

#[tokio::test]
async fn a_split_part_with_a_malformed_number_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        SPLIT_GOAL,
        json!({
            "id": scenario.goal,
            "into": [
                { "number": "1.3a", "wording": "Kommunene har automatiserte prosesser" },
                { "number": "1.7", "wording": "Tjenesteområdene henger sammen" },
            ],
        }),
    )
    .await
    .is_invalid(
        "number",
        "number: '1.3a' is not a goal number such as '2' or '3.2'",
    );
}

#[tokio::test]
async fn a_split_into_two_parts_with_the_same_number_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        SPLIT_GOAL,
        json!({
            "id": scenario.goal,
            "into": [
                { "number": "1.7", "wording": "Kommunene har automatiserte prosesser" },
                { "number": "1.7", "wording": "Tjenesteområdene henger sammen" },
            ],
        }),
    )
    .await
    .is_invalid("into", "into: goal number '1.7' is listed twice");
}

#[tokio::test]
async fn rewording_a_goal_replaces_its_wording() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        REWORD_GOAL,
        json!({ "id": scenario.goal, "wording": "Kommunene har helautomatiserte prosesser på tvers av tjenesteområdene", "effectiveAt": "2016-01-01" }),
    )
    .await;

    assert_eq!(
        payload["goal"],
        json!({ "id": scenario.goal, "number": "1.3", "wording": "Kommunene har helautomatiserte prosesser på tvers av tjenesteområdene" })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn rewording_a_goal_to_nothing_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        REWORD_GOAL,
        json!({ "id": scenario.goal, "wording": " \n " }),
    )
    .await
    .is_invalid("wording", "wording: must not be empty");
}

#[tokio::test]
async fn a_retired_goal_cannot_be_reworded() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        RETIRE_GOAL,
        json!({ "id": scenario.goal, "effectiveAt": "2017-01-01" }),
    )
    .await;

    refused(
        &app,
        REWORD_GOAL,
        json!({ "id": scenario.goal, "wording": "Kommunene har automatiserte prosesser", "effectiveAt": "2017-06-01" }),
    )
    .await
    .is_invalid("id", "id: goal '1.3' is retired from 2017-01-01");
}

#[tokio::test]
async fn retiring_a_goal_records_from_when() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        RETIRE_GOAL,
        json!({ "id": scenario.goal, "effectiveAt": "2017-01-01" }),
    )
    .await;

    assert_eq!(
        payload["goal"],
        json!({ "id": scenario.goal, "number": "1.3", "retiredOn": "2017-01-01", "replacedBy": [] })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn a_retired_goal_cannot_be_retired_again() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        RETIRE_GOAL,
        json!({ "id": scenario.goal, "effectiveAt": "2017-01-01" }),
    )
    .await;

    refused(
        &app,
        RETIRE_GOAL,
        json!({ "id": scenario.goal, "effectiveAt": "2018-01-01" }),
    )
    .await
    .is_invalid("id", "id: goal '1.3' is retired from 2017-01-01");
}

#[tokio::test]
async fn assessing_a_goal_sets_its_status_with_the_justification() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        ASSESS_GOAL,
        json!({
            "id": scenario.goal,
            "status": "PARTIALLY_ACHIEVED",
            "justification": "Særlig mål 3 vil kreve en betydelig innsats.",
            "effectiveAt": "2015-12-31",
        }),
    )
    .await;

    assert_eq!(
        payload["goal"],
        json!({
            "id": scenario.goal,
            "status": "PARTIALLY_ACHIEVED",
            "assessment": {
                "status": "PARTIALLY_ACHIEVED",
                "justification": "Særlig mål 3 vil kreve en betydelig innsats.",
                "effectiveAt": "2015-12-31",
            },
        })
    );
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn assessing_a_goal_without_a_justification_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "ACHIEVED", "justification": "" }),
    )
    .await
    .is_invalid("justification", "justification: must not be empty");
}

#[tokio::test]
async fn assessing_a_goal_before_it_was_defined_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "IN_PROGRESS", "justification": "Arbeidet er startet.", "effectiveAt": "2014-12-31" }),
    )
    .await
    .is_invalid(
        "effectiveAt",
        &format!(
            "effectiveAt: goal '{}' exists from 2015-03-01; a change cannot take effect on 2014-12-31",
            scenario.goal
        ),
    );
}

#[tokio::test]
async fn assessing_an_unknown_goal_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": unknown, "status": "ACHIEVED", "justification": "Målet anses å være nådd." }),
    )
    .await
    .is_not_found(&format!("goal '{unknown}' not found"));
}

// ---------------------------------------------------------------------------
// Indicators
// ---------------------------------------------------------------------------

#[tokio::test]
async fn defining_an_indicator_for_a_goal_records_its_unit_and_baseline() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        DEFINE_INDICATOR,
        json!({
            "goalId": scenario.goal,
            "name": "Søknader behandlet uten manuell registrering",
            "unit": "prosent",
            "direction": "HIGHER_IS_BETTER",
            "baselineValue": 35.0,
            "baselineOn": "2015-01-01",
            "updateEveryDays": 365,
            "effectiveAt": "2015-06-01",
        }),
    )
    .await;

    let indicator = &payload["indicator"];
    assert_eq!(
        indicator["name"],
        "Søknader behandlet uten manuell registrering"
    );
    assert_eq!(indicator["unit"], "prosent");
    assert_eq!(indicator["direction"], "HIGHER_IS_BETTER");
    assert_eq!(indicator["updateEveryDays"], 365);
    assert_eq!(
        indicator["baseline"],
        json!({ "value": 35.0, "on": "2015-01-01" })
    );
    assert_eq!(indicator["targets"], json!([]));
    assert_eq!(indicator["measurements"], json!([]));
    assert_appended(&app, &payload, 4, 1, 1);
}

#[tokio::test]
async fn defining_an_indicator_for_a_benefit_measures_the_benefit() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    let benefit = identify_benefit(&app, &scenario, &action).await;

    let payload = send(
        &app,
        DEFINE_INDICATOR,
        json!({
            "benefitId": benefit,
            "name": "Dager fra søknad til vedtak",
            "unit": "dager",
            "direction": "LOWER_IS_BETTER",
            "effectiveAt": "2016-01-01",
        }),
    )
    .await;

    assert_eq!(payload["indicator"]["unit"], "dager");
    assert_eq!(payload["indicator"]["direction"], "LOWER_IS_BETTER");
    assert_appended(&app, &payload, 6, 1, 1);
}

#[tokio::test]
async fn an_indicator_needs_exactly_one_of_goal_and_benefit() {
    let (app, _) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_INDICATOR,
        json!({ "name": "Andel digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER" }),
    )
    .await
    .is_invalid("goalId", "goalId: give exactly one of goalId and benefitId");
}

#[tokio::test]
async fn an_indicator_baseline_needs_both_value_and_date() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_INDICATOR,
        json!({ "goalId": scenario.goal, "name": "Andel digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER", "baselineValue": 35.0 }),
    )
    .await
    .is_invalid(
        "baselineOn",
        "baselineOn: give both baselineValue and baselineOn, or neither",
    );
}

#[tokio::test]
async fn an_indicator_update_frequency_of_zero_days_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        DEFINE_INDICATOR,
        json!({ "goalId": scenario.goal, "name": "Andel digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER", "updateEveryDays": 0, "effectiveAt": "2015-06-01" }),
    )
    .await
    .is_invalid(
        "updateEveryDays",
        "updateEveryDays: '0' is not between 1 and 3660 days",
    );
}

#[tokio::test]
async fn defining_an_indicator_for_an_unknown_goal_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        DEFINE_INDICATOR,
        json!({ "goalId": unknown, "name": "Andel digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER" }),
    )
    .await
    .is_not_found(&format!("goal '{unknown}' not found"));
}

#[tokio::test]
async fn setting_an_indicator_target_adds_it_by_due_date() {
    let (app, scenario) = kongsbergregionen().await;
    let indicator = define_indicator_for_goal(&app, &scenario.goal).await;

    let payload = send(
        &app,
        SET_INDICATOR_TARGET,
        json!({ "id": indicator, "value": 80.0, "due": "2018-12-31", "effectiveAt": "2016-01-15" }),
    )
    .await;

    assert_eq!(
        payload["indicator"]["targets"],
        json!([{ "due": "2018-12-31", "value": 80.0, "setOn": "2016-01-15" }])
    );
    assert_appended(&app, &payload, 5, 1, 2);
}

#[tokio::test]
async fn an_indicator_target_due_outside_the_planning_years_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let indicator = define_indicator_for_goal(&app, &scenario.goal).await;

    refused(
        &app,
        SET_INDICATOR_TARGET,
        json!({ "id": indicator, "value": 80.0, "due": "1800-12-31" }),
    )
    .await
    .is_invalid("due", "due: '1800-12-31' is outside the years 1900..=2200");
}

#[tokio::test]
async fn recording_a_measurement_adds_it_on_its_date() {
    let (app, scenario) = kongsbergregionen().await;
    let indicator = define_indicator_for_goal(&app, &scenario.goal).await;

    let payload = send(
        &app,
        RECORD_MEASUREMENT,
        json!({ "id": indicator, "value": 52.5, "comment": "Tall fra årsrapporten 2016", "effectiveAt": "2016-12-31" }),
    )
    .await;

    assert_eq!(
        payload["indicator"]["measurements"],
        json!([{ "value": 52.5, "on": "2016-12-31", "comment": "Tall fra årsrapporten 2016", "actor": "token:test-admin" }])
    );
    assert_appended(&app, &payload, 5, 1, 2);
}

#[tokio::test]
async fn recording_a_measurement_of_an_unknown_indicator_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        RECORD_MEASUREMENT,
        json!({ "id": unknown, "value": 52.5 }),
    )
    .await
    .is_not_found(&format!("indicator '{unknown}' not found"));
}

// ---------------------------------------------------------------------------
// Actions and their budgets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn planning_an_action_records_its_kind_period_members_and_goals() {
    let (app, scenario) = kongsbergregionen().await;
    admit(
        &app,
        &scenario.organization,
        "0604",
        "Kongsberg",
        "2015-01-01",
    )
    .await;
    let before = app.event_count();

    let payload = send(
        &app,
        PLAN_ACTION,
        json!({
            "strategyId": scenario.strategy,
            "kind": "MAIN_PROJECT",
            "title": "Hovedprosjekt Digital dialog",
            "description": "Identifisere og realisere tiltak som sikrer at målene for digital dialog nås.",
            "membersInvolved": ["0604"],
            "startYear": 2016,
            "endYear": 2018,
            "goalIds": [scenario.goal],
            "effectiveAt": "2015-10-01",
        }),
    )
    .await;

    assert_eq!(
        payload["action"],
        json!({
            "id": id_of(&payload, "action"),
            "kind": "MAIN_PROJECT",
            "title": "Hovedprosjekt Digital dialog",
            "description": "Identifisere og realisere tiltak som sikrer at målene for digital dialog nås.",
            "owner": null,
            "membersInvolved": ["0604"],
            "period": { "start": 2016, "end": 2018 },
            "decommissioning": false,
            "goals": [{ "number": "1.3" }],
            "budgetLines": [],
        })
    );
    assert_appended(&app, &payload, before, 1, 1);
}

#[tokio::test]
async fn planning_an_action_outside_the_strategy_period_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MAIN_PROJECT", "title": "Hovedprosjekt Digital dialog", "startYear": 2016, "endYear": 2019, "effectiveAt": "2015-10-01" }),
    )
    .await
    .is_invalid(
        "startYear",
        "startYear: 2016–2019 is outside the strategy period 2015–2018",
    );
}

#[tokio::test]
async fn planning_an_action_involving_a_non_member_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MAIN_PROJECT", "title": "Hovedprosjekt Digital dialog", "membersInvolved": ["1505"], "startYear": 2016, "endYear": 2018, "effectiveAt": "2015-10-01" }),
    )
    .await
    .is_invalid(
        "membersInvolved",
        "membersInvolved: municipality '1505' is not a member of the organization on 2015-10-01",
    );
}

#[tokio::test]
async fn planning_an_action_in_an_unknown_strategy_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": unknown, "kind": "MEASURE", "title": "Innføre digital post", "startYear": 2016, "endYear": 2016 }),
    )
    .await
    .is_not_found(&format!("strategy '{unknown}' not found"));
}

#[tokio::test]
async fn revising_an_action_changes_its_description_owner_members_and_period() {
    let (app, scenario) = kongsbergregionen().await;
    admit(
        &app,
        &scenario.organization,
        "0604",
        "Kongsberg",
        "2015-01-01",
    )
    .await;
    let group = form_working_group(&app, &scenario.organization, "Digitaliseringsnettverket").await;
    let action = plan_digital_dialog(&app, &scenario).await;

    let payload = send(
        &app,
        REVISE_ACTION,
        json!({
            "id": action,
            "title": "Hovedprosjekt Digital dialog",
            "description": "Regional varslingsløsning og KomSam fase 2.",
            "ownerId": group,
            "membersInvolved": ["0604"],
            "startYear": 2016,
            "endYear": 2017,
            "decommissioning": true,
            "effectiveAt": "2016-03-01",
        }),
    )
    .await;

    assert_eq!(
        payload["action"],
        json!({
            "id": action,
            "kind": "MAIN_PROJECT",
            "title": "Hovedprosjekt Digital dialog",
            "description": "Regional varslingsløsning og KomSam fase 2.",
            "owner": { "name": "Digitaliseringsnettverket" },
            "membersInvolved": ["0604"],
            "period": { "start": 2016, "end": 2017 },
            "decommissioning": true,
        })
    );
    assert_appended(&app, &payload, 7, 1, 2);
}

#[tokio::test]
async fn revising_an_action_period_to_leave_out_a_budgeted_year_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    send(
        &app,
        SET_BUDGET_LINE,
        json!({ "id": action, "year": 2016, "category": "PROJECT_MANAGEMENT", "planned": 200_000, "effectiveAt": "2015-12-01" }),
    )
    .await;

    refused(
        &app,
        REVISE_ACTION,
        json!({ "id": action, "title": "Hovedprosjekt Digital dialog", "startYear": 2017, "endYear": 2018, "effectiveAt": "2016-06-01" }),
    )
    .await
    .is_invalid(
        "startYear",
        "startYear: 2017–2018 leaves out 2016 which has a budget line",
    );
}

#[tokio::test]
async fn linking_an_action_to_a_goal_lists_the_goal() {
    let (app, scenario) = kongsbergregionen().await;
    let action = id_of(
        &send(
            &app,
            PLAN_ACTION,
            json!({ "strategyId": scenario.strategy, "kind": "SUB_PROJECT", "title": "Regional varslingsløsning", "startYear": 2016, "endYear": 2017, "effectiveAt": "2015-10-01" }),
        )
        .await,
        "action",
    );

    let payload = send(
        &app,
        LINK_ACTION_TO_GOAL,
        json!({ "id": action, "goalId": scenario.goal, "effectiveAt": "2016-01-01" }),
    )
    .await;

    assert_eq!(
        payload["action"]["goals"],
        json!([{ "id": scenario.goal, "number": "1.3" }])
    );
    assert_appended(&app, &payload, 5, 1, 2);
}

#[tokio::test]
async fn linking_an_action_to_an_unknown_goal_is_not_found() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    let unknown = unknown_id();

    refused(
        &app,
        LINK_ACTION_TO_GOAL,
        json!({ "id": action, "goalId": unknown, "effectiveAt": "2016-01-01" }),
    )
    .await
    .is_not_found(&format!("goal '{unknown}' not found"));
}

#[tokio::test]
async fn unlinking_an_action_from_a_goal_removes_the_goal() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    let payload = send(
        &app,
        UNLINK_ACTION_FROM_GOAL,
        json!({ "id": action, "goalId": scenario.goal, "effectiveAt": "2017-01-01" }),
    )
    .await;

    assert_eq!(payload["action"]["goals"], json!([]));
    assert_appended(&app, &payload, 5, 1, 2);
}

#[tokio::test]
async fn unlinking_an_unknown_action_is_not_found() {
    let (app, scenario) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        UNLINK_ACTION_FROM_GOAL,
        json!({ "id": unknown, "goalId": scenario.goal }),
    )
    .await
    .is_not_found(&format!("action '{unknown}' not found"));
}

#[tokio::test]
async fn changing_an_action_status_records_the_note_and_date() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    let payload = send(
        &app,
        CHANGE_ACTION_STATUS,
        json!({ "id": action, "status": "ACTIVE", "note": "Prosjektmandat vedtatt i RMU", "effectiveAt": "2016-01-04" }),
    )
    .await;

    assert_eq!(
        payload["action"],
        json!({ "id": action, "status": "ACTIVE", "statusNote": "Prosjektmandat vedtatt i RMU", "statusSince": "2016-01-04" })
    );
    assert_appended(&app, &payload, 5, 1, 2);
}

#[tokio::test]
async fn changing_an_action_status_before_the_action_was_planned_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    refused(
        &app,
        CHANGE_ACTION_STATUS,
        json!({ "id": action, "status": "ACTIVE", "effectiveAt": "2015-09-30" }),
    )
    .await
    .is_invalid(
        "effectiveAt",
        &format!(
            "effectiveAt: action '{action}' exists from 2015-10-01; a change cannot take effect on 2015-09-30"
        ),
    );
}

#[tokio::test]
async fn budget_lines_of_a_year_add_up_to_its_total() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    for (category, planned) in [
        ("PROJECT_MANAGEMENT", 200_000),
        ("PURCHASED_SERVICES", 50_000),
    ] {
        send(
            &app,
            SET_BUDGET_LINE,
            json!({ "id": action, "year": 2016, "category": category, "planned": planned, "effectiveAt": "2015-12-01" }),
        )
        .await;
    }

    let payload = send(
        &app,
        SET_BUDGET_LINE,
        json!({ "id": action, "year": 2016, "category": "INVESTMENT", "planned": 50_000, "actual": 48_500, "effectiveAt": "2015-12-01" }),
    )
    .await;

    let lines = payload["action"]["budgetLines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert!(lines.contains(&json!({
        "year": 2016,
        "category": "INVESTMENT",
        "planned": 50_000,
        "actual": 48_500,
        "effectiveAt": "2015-12-01",
    })));
    assert_eq!(
        payload["action"]["budgetTotals"],
        json!([{ "year": 2016, "planned": 300_000, "actual": 48_500 }])
    );
    assert_appended(&app, &payload, 7, 1, 4);
}

#[tokio::test]
async fn a_budget_line_outside_the_action_period_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    refused(
        &app,
        SET_BUDGET_LINE,
        json!({ "id": action, "year": 2019, "category": "OPERATIONS", "planned": 100_000, "effectiveAt": "2015-12-01" }),
    )
    .await
    .is_invalid(
        "year",
        "year: '2019' is outside the action's period 2016–2018",
    );
}

#[tokio::test]
async fn a_negative_planned_amount_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    refused(
        &app,
        SET_BUDGET_LINE,
        json!({ "id": action, "year": 2016, "category": "OPERATIONS", "planned": -300_000 }),
    )
    .await
    .is_invalid("planned", "planned: '-300000' is negative");
}

// ---------------------------------------------------------------------------
// Benefits
// ---------------------------------------------------------------------------

#[tokio::test]
async fn identifying_a_benefit_records_who_gains_what_and_by_when() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;

    let payload = send(
        &app,
        IDENTIFY_BENEFIT,
        json!({
            "strategyId": scenario.strategy,
            "actionId": action,
            "stakeholder": "EMPLOYEES",
            "category": "EFFICIENCY",
            "title": "Redusert tidsbruk til manuell registrering",
            "description": "Søknader fra innbyggerne går rett inn i fagsystemet.",
            "priced": true,
            "responsible": "Rådmannen i Kongsberg",
            "due": "2018-12-31",
            "effectiveAt": "2016-01-01",
        }),
    )
    .await;

    assert_eq!(
        payload["benefit"],
        json!({
            "id": id_of(&payload, "benefit"),
            "actionId": action,
            "stakeholder": "EMPLOYEES",
            "category": "EFFICIENCY",
            "title": "Redusert tidsbruk til manuell registrering",
            "description": "Søknader fra innbyggerne går rett inn i fagsystemet.",
            "priced": true,
            "disbenefit": false,
            "unexpected": false,
            "responsible": "Rådmannen i Kongsberg",
            "due": "2018-12-31",
        })
    );
    assert_appended(&app, &payload, 5, 1, 1);
}

#[tokio::test]
async fn identifying_a_benefit_in_an_unknown_strategy_is_not_found() {
    let (app, _) = kongsbergregionen().await;
    let unknown = unknown_id();

    refused(
        &app,
        IDENTIFY_BENEFIT,
        json!({ "strategyId": unknown, "stakeholder": "CITIZENS", "category": "QUALITY", "title": "Raskere svar" }),
    )
    .await
    .is_not_found(&format!("strategy '{unknown}' not found"));
}

#[tokio::test]
async fn a_benefit_due_outside_the_planning_years_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        IDENTIFY_BENEFIT,
        json!({ "strategyId": scenario.strategy, "stakeholder": "CITIZENS", "category": "QUALITY", "title": "Raskere svar", "due": "2300-01-01", "effectiveAt": "2016-01-01" }),
    )
    .await
    .is_invalid(
        "due",
        "due: '2300-01-01' is outside the years 1900..=2200",
    );
}

#[tokio::test]
async fn recording_a_benefit_realisation_moves_its_status_on() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    let benefit = identify_benefit(&app, &scenario, &action).await;

    let payload = send(
        &app,
        RECORD_BENEFIT_REALISATION,
        json!({ "id": benefit, "status": "REALISING", "note": "Tre av seks kommuner har tatt løsningen i bruk", "effectiveAt": "2017-06-30" }),
    )
    .await;

    let benefit_now = &payload["benefit"];
    assert_eq!(benefit_now["status"], "REALISING");
    let last = benefit_now["realisation"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(
        last,
        &json!({ "status": "REALISING", "note": "Tre av seks kommuner har tatt løsningen i bruk", "effectiveAt": "2017-06-30" })
    );
    assert_appended(&app, &payload, 6, 1, 2);
}

#[tokio::test]
async fn a_benefit_realisation_before_the_benefit_was_identified_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &scenario).await;
    let benefit = identify_benefit(&app, &scenario, &action).await;

    refused(
        &app,
        RECORD_BENEFIT_REALISATION,
        json!({ "id": benefit, "status": "REALISED", "effectiveAt": "2015-12-31" }),
    )
    .await
    .is_invalid(
        "effectiveAt",
        &format!(
            "effectiveAt: benefit '{benefit}' exists from 2016-01-01; a change cannot take effect on 2015-12-31"
        ),
    );
}

// ---------------------------------------------------------------------------
// What every mutation accepts: expectedVersion, commandId, reason, effectiveAt
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_naming_the_current_version() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "IN_PROGRESS", "justification": "Arbeidet er startet.", "effectiveAt": "2015-12-31" }),
    )
    .await;

    let refusal = refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "ACHIEVED", "justification": "Målet anses å være nådd.", "expectedVersion": 1 }),
    )
    .await;

    refusal.is_conflict(&format!(
        "stream '{}' is at version 2, not the expected 1",
        scenario.goal
    ));
    assert_eq!(refusal.extensions["currentVersion"], 2);
}

#[tokio::test]
async fn a_matching_expected_version_lets_the_change_through() {
    let (app, scenario) = kongsbergregionen().await;

    let payload = send(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "IN_PROGRESS", "justification": "Arbeidet er startet.", "expectedVersion": 1, "effectiveAt": "2015-12-31" }),
    )
    .await;

    assert_eq!(payload["goal"]["status"], "IN_PROGRESS");
    assert_appended(&app, &payload, 4, 1, 2);
}

#[tokio::test]
async fn the_same_command_id_sent_twice_appends_once() {
    let (app, scenario) = kongsbergregionen().await;
    let input = json!({
        "id": scenario.goal,
        "status": "PARTIALLY_ACHIEVED",
        "justification": "Kommunene har delvis oppnådd enkelte mål.",
        "commandId": Uuid::new_v4(),
        "effectiveAt": "2015-12-31",
    });

    let first = send(&app, ASSESS_GOAL, input.clone()).await;
    let second = send(&app, ASSESS_GOAL, input).await;

    assert_eq!(app.event_count(), 5);
    assert_eq!(first["receipt"]["duplicate"], false);
    assert_eq!(
        second["receipt"],
        json!({ "position": first["receipt"]["position"], "streamVersion": 2, "duplicate": true })
    );
    assert_eq!(second["goal"]["status"], "PARTIALLY_ACHIEVED");
}

#[tokio::test]
async fn a_creating_mutation_retried_with_its_command_id_creates_nothing_twice() {
    // A client that lost the answer sends the same mutation again, with no
    // id of its own for the new goal: the id derives from the command id,
    // so the retry is the same command, not a second goal or a conflict.
    let (app, scenario) = kongsbergregionen().await;
    let input = json!({
        "focusAreaId": scenario.area,
        "number": "1.7",
        "wording": "Kommunene tilbyr chat med innbyggerne",
        "commandId": Uuid::new_v4(),
        "effectiveAt": "2019-01-15",
    });
    let first = send(&app, DEFINE_GOAL, input.clone()).await;
    let events = app.event_count();
    let second = send(&app, DEFINE_GOAL, input.clone()).await;

    assert_eq!(app.event_count(), events);
    assert_eq!(second["receipt"]["duplicate"], true);
    assert_eq!(second["goal"]["id"], first["goal"]["id"]);

    // Another command id is another goal, with another id.
    let other = send(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": scenario.area, "number": "1.8", "wording": "Kommunene tilbyr video",
                "commandId": Uuid::new_v4(), "effectiveAt": "2019-01-15" }),
    )
    .await;
    assert_ne!(other["goal"]["id"], first["goal"]["id"]);
}

#[tokio::test]
async fn a_split_retried_with_its_command_id_creates_its_parts_once() {
    let (app, scenario) = kongsbergregionen().await;
    let input = json!({
        "id": scenario.goal,
        "into": [
            { "number": "1.3", "wording": "Kommunene har automatiserte prosesser" },
            { "number": "1.7", "wording": "Tjenesteområdene i kommunene henger sammen" },
        ],
        "commandId": Uuid::new_v4(),
        "effectiveAt": "2017-01-01",
    });
    let first = send(&app, SPLIT_GOAL, input.clone()).await;
    let events = app.event_count();
    let second = send(&app, SPLIT_GOAL, input).await;

    assert_eq!(app.event_count(), events);
    assert_eq!(second["receipt"]["duplicate"], true);
    let parts = first["goal"]["replacedBy"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_ne!(parts[0], parts[1], "each part has an id of its own");
    assert_eq!(second["goal"]["replacedBy"], first["goal"]["replacedBy"]);
}

#[tokio::test]
async fn the_reason_is_kept_with_the_event_for_auditors() {
    let (app, scenario) = kongsbergregionen().await;
    send(
        &app,
        ASSESS_GOAL,
        json!({
            "id": scenario.goal,
            "status": "ACHIEVED",
            "justification": "Målet anses å være nådd.",
            "reason": "correction: the annual report was wrong",
            "effectiveAt": "2016-12-31",
        }),
    )
    .await;

    let history = app.ok(HISTORY, json!({ "id": scenario.goal })).await;

    let edges = history["history"]["edges"].as_array().unwrap();
    assert_eq!(
        edges.last().unwrap()["node"],
        json!({
            "eventType": "GoalAssessed",
            "reason": "correction: the annual report was wrong",
            "actor": "token:test-admin",
            "effectiveAt": "2016-12-31",
        })
    );
}

#[tokio::test]
async fn an_effective_date_outside_the_planning_years_is_rejected() {
    let (app, scenario) = kongsbergregionen().await;

    refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": scenario.goal, "status": "ACHIEVED", "justification": "Målet anses å være nådd.", "effectiveAt": "1800-01-01" }),
    )
    .await
    .is_invalid(
        "effectiveAt",
        "effectiveAt: '1800-01-01' is outside the years 1900..=2200",
    );
}

#[tokio::test]
async fn a_malformed_id_is_refused_by_graphql_before_anything_is_appended() {
    let (app, _) = kongsbergregionen().await;

    let refusal = refused(
        &app,
        ASSESS_GOAL,
        json!({ "id": "mål-1.3", "status": "ACHIEVED", "justification": "Målet anses å være nådd." }),
    )
    .await;

    assert!(
        refusal.message.starts_with("Failed to parse \"UUID\""),
        "{}",
        refusal.message
    );
}

// ---------------------------------------------------------------------------
// Regressions found when these specifications were first written
// ---------------------------------------------------------------------------

/// Broke: value errors raised while reading an input lost `extensions.code`
/// and `field` (the domain error went straight to async-graphql).
#[tokio::test]
async fn a_value_the_domain_refuses_names_the_input_field_with_code_validation() {
    let (app, s) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &s).await;
    let organization = register_ikt_orkide(&app).await;
    let indicator = define_indicator_for_goal(&app, &s.goal).await;
    for (mutation, input, field) in [
        (
            DEFINE_FOCUS_AREA,
            json!({ "strategyId": s.strategy, "number": 100, "title": "Ny" }),
            "number",
        ),
        (
            RENUMBER_FOCUS_AREA,
            json!({ "id": s.area, "number": 0 }),
            "number",
        ),
        (
            DEFINE_GOAL,
            json!({ "focusAreaId": s.area, "number": "1.03", "wording": "Ny" }),
            "number",
        ),
        (
            ADMIT_MEMBER,
            json!({ "organizationId": organization, "kommunenummer": "15O5", "name": "Kristiansund" }),
            "kommunenummer",
        ),
        (
            SET_INDICATOR_TARGET,
            json!({ "id": indicator, "value": 1e16, "due": "2018-12-31" }),
            "value",
        ),
        (
            RECORD_MEASUREMENT,
            json!({ "id": indicator, "value": 1e16 }),
            "value",
        ),
        (
            SET_BUDGET_LINE,
            json!({ "id": action, "year": 1800, "category": "INVESTMENT", "planned": 1 }),
            "year",
        ),
        (
            DRAFT_STRATEGY,
            json!({ "organizationId": organization, "title": "Plan", "startYear": 1800, "endYear": 2021 }),
            "startYear",
        ),
    ] {
        let refusal = refused(&app, mutation, input.clone()).await;
        assert_eq!(refusal.code, "VALIDATION", "{input}");
        assert_eq!(refusal.extensions["field"], json!(field), "{input}");
    }
}

/// Broke: a command id reused for a different mutation was answered as a
/// duplicate, so the client believed a change happened that did not.
#[tokio::test]
async fn a_command_id_reused_for_a_different_mutation_is_a_conflict() {
    let (app, s) = kongsbergregionen().await;
    let command_id = Uuid::new_v4().to_string();
    send(&app, ASSESS_GOAL, json!({ "id": s.goal, "status": "IN_PROGRESS", "justification": "i gang", "effectiveAt": "2016-06-01", "commandId": command_id })).await;
    let refusal = refused(
        &app,
        RENAME_ORGANIZATION,
        json!({ "id": s.organization, "name": "Kongsbergregionen IKS", "commandId": command_id }),
    )
    .await;
    refusal.is_conflict(&format!(
        "command id '{command_id}' was already used for a different command"
    ));
}

/// Broke: `extensions.field` named the domain's field, not the input's.
#[tokio::test]
async fn refusals_name_the_input_field_not_the_domains() {
    let (app, s) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &s).await;
    let other_strategy = draft_successor(&app, &s).await;
    let other_area = send(
        &app,
        DEFINE_FOCUS_AREA,
        json!({ "strategyId": other_strategy, "number": 1, "title": "Digital dialog", "effectiveAt": "2018-11-01" }),
    )
    .await;
    let foreign_goal = send(
        &app,
        DEFINE_GOAL,
        json!({ "focusAreaId": id_of(&other_area, "focusArea"), "number": "1.1", "wording": "Digital post", "effectiveAt": "2019-01-01" }),
    )
    .await;
    let foreign_goal = id_of(&foreign_goal, "goal");
    refused(
        &app,
        LINK_ACTION_TO_GOAL,
        json!({ "id": action, "goalId": foreign_goal, "effectiveAt": "2019-02-01" }),
    )
    .await
    .is_invalid(
        "goalId",
        &format!("goalId: goal '{foreign_goal}' belongs to another strategy"),
    );
    let refusal = refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": s.strategy, "kind": "MEASURE", "title": "Tiltak", "startYear": 2016, "endYear": 2016, "membersInvolved": ["12"] }),
    )
    .await;
    assert_eq!(refusal.extensions["field"], "membersInvolved");
    let refusal = refused(
        &app,
        DRAFT_STRATEGY,
        json!({ "organizationId": s.organization, "title": "Plan", "startYear": 2014, "endYear": 2016, "predecessorId": s.strategy }),
    )
    .await;
    assert_eq!(refusal.extensions["field"], "predecessorId");
}

/// Broke: GraphQL's `Int` is 32-bit, but an input typed `u64` in Rust
/// (`expectedVersion`) took any 64-bit number, so 2^40 was a conflict
/// rather than a refusal, and an input typed `i32` refused 2^40 without
/// naming its field. Every `Int` input now refuses a value outside its
/// range, the `Int` range or a narrower one of the domain, naming the field.
#[tokio::test]
async fn an_int_input_outside_its_range_is_refused_naming_the_field() {
    let (app, s) = kongsbergregionen().await;
    let action = plan_digital_dialog(&app, &s).await;
    let indicator = json!({ "goalId": s.goal, "name": "Digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER" });
    let with = |base: &Value, field: &str, value: i64| {
        let mut input = base.clone();
        input[field] = json!(value);
        input
    };
    let assess =
        json!({ "id": s.goal, "status": "IN_PROGRESS", "justification": "Arbeidet er startet." });
    let draft = json!({ "organizationId": s.organization, "title": "Plan", "startYear": 2019, "endYear": 2022 });
    let area = json!({ "strategyId": s.strategy, "number": 2, "title": "Kompetanse" });
    let budget =
        json!({ "id": action, "year": 2016, "category": "INVESTMENT", "planned": 100_000 });
    let cases = [
        (
            ASSESS_GOAL,
            with(&assess, "expectedVersion", 1_i64 << 40),
            "expectedVersion",
            "'1099511627776' is not between 0 and 2147483647",
        ),
        (
            ASSESS_GOAL,
            with(&assess, "expectedVersion", 2_147_483_648),
            "expectedVersion",
            "'2147483648' is not between 0 and 2147483647",
        ),
        (
            ASSESS_GOAL,
            with(&assess, "expectedVersion", -1),
            "expectedVersion",
            "'-1' is not between 0 and 2147483647",
        ),
        (
            DRAFT_STRATEGY,
            with(&draft, "startYear", 1_i64 << 32),
            "startYear",
            "'4294967296' is outside 1900..=2200",
        ),
        (
            DRAFT_STRATEGY,
            with(&draft, "endYear", i64::MAX),
            "endYear",
            "'9223372036854775807' is outside 1900..=2200",
        ),
        (
            PLAN_ACTION,
            json!({ "strategyId": s.strategy, "kind": "MEASURE", "title": "Tiltak", "startYear": -(1_i64 << 40), "endYear": 2016 }),
            "startYear",
            "'-1099511627776' is outside 1900..=2200",
        ),
        (
            DEFINE_FOCUS_AREA,
            with(&area, "number", 1_i64 << 40),
            "number",
            "'1099511627776' is not a focus area number between 1 and 99",
        ),
        (
            RENUMBER_FOCUS_AREA,
            json!({ "id": s.area, "number": i64::MIN }),
            "number",
            "'-9223372036854775808' is not a focus area number between 1 and 99",
        ),
        (
            DEFINE_INDICATOR,
            with(&indicator, "updateEveryDays", 70_000),
            "updateEveryDays",
            "'70000' is not between 1 and 3660 days",
        ),
        (
            DEFINE_INDICATOR,
            with(&indicator, "updateEveryDays", -1),
            "updateEveryDays",
            "'-1' is not between 1 and 3660 days",
        ),
        (
            SET_BUDGET_LINE,
            with(&budget, "year", 1_i64 << 32),
            "year",
            "'4294967296' is outside 1900..=2200",
        ),
        (
            SET_BUDGET_LINE,
            with(&budget, "planned", 2_147_483_648),
            "planned",
            "'2147483648' is above 2147483647, the largest amount an Int carries",
        ),
        (
            SET_BUDGET_LINE,
            with(&budget, "actual", 1_000_000_000_000),
            "actual",
            "'1000000000000' is above 2147483647, the largest amount an Int carries",
        ),
        (
            SET_BUDGET_LINE,
            with(&budget, "actual", -1),
            "actual",
            "'-1' is negative",
        ),
    ];
    for (mutation, input, field, message) in cases {
        refused(&app, mutation, input)
            .await
            .is_invalid(field, &format!("{field}: {message}"));
    }

    // The largest Int is an Int: a version no stream has reached is a
    // conflict, and an amount of 2 147 483 647 kroner is stored.
    let refusal = refused(
        &app,
        ASSESS_GOAL,
        with(&assess, "expectedVersion", i32::MAX.into()),
    )
    .await;
    assert_eq!(refusal.code, "CONFLICT");
    send(
        &app,
        SET_BUDGET_LINE,
        with(&budget, "planned", i32::MAX.into()),
    )
    .await;

    // Beyond the 64-bit range GraphQL's own type check refuses the value
    // before any resolver runs; the message names the field.
    let refusal = refused(
        &app,
        ASSESS_GOAL,
        serde_json::from_str(&format!(
            r#"{{ "id": "{}", "status": "ACHIEVED", "justification": "Nådd.", "expectedVersion": 18446744073709551615 }}"#,
            s.goal
        ))
        .unwrap(),
    )
    .await;
    assert_eq!(refusal.code, "VALIDATION");
    assert!(
        refusal.message.contains("expectedVersion"),
        "{}",
        refusal.message
    );
}

#[tokio::test]
async fn an_int_argument_of_a_query_outside_its_range_is_refused_naming_the_argument() {
    let (app, _) = kongsbergregionen().await;
    for (query, field, message) in [
        (
            "{ events(first: 1099511627776) { edges { cursor } } }",
            "first",
            "first: '1099511627776' is not between 0 and 100, the largest page this server returns",
        ),
        (
            "{ strategies(first: -1) { edges { cursor } } }",
            "first",
            "first: '-1' is not between 0 and 100, the largest page this server returns",
        ),
        (
            "{ verifyLog(againstPosition: 2147483648, againstHash: \"00\") { intact } }",
            "againstPosition",
            "againstPosition: '2147483648' is not between 0 and 2147483647",
        ),
        (
            "{ verifyLog(againstPosition: -1, againstHash: \"00\") { intact } }",
            "againstPosition",
            "againstPosition: '-1' is not between 0 and 2147483647",
        ),
    ] {
        let (code, actual, extensions) = app.error(query, json!({})).await;
        assert_eq!(
            (code.as_str(), &extensions["field"], actual.as_str()),
            ("VALIDATION", &json!(field), message),
            "{query}"
        );
    }
}

// ---------------------------------------------------------------------------
// Lists longer than any real strategy needs
// ---------------------------------------------------------------------------

/// `count` random ids.
fn ids(count: usize) -> Vec<String> {
    (0..count).map(|_| unknown_id()).collect()
}

/// Kommunenumre 1001, 1002, …: well formed, and members of nothing.
fn kommunenumre(count: u16) -> Vec<String> {
    (1..=count).map(|n| format!("{}", 1000 + n)).collect()
}

/// Broke: `splitGoal` with 20 000 parts appended 20 001 events in one request.
#[tokio::test]
async fn a_split_into_more_than_20_goals_is_refused_and_appends_nothing() {
    let (app, scenario) = kongsbergregionen().await;
    for count in [21, 20_001] {
        let into: Vec<Value> = (0..count)
            .map(
                |n| json!({ "number": format!("{}.{}", 1 + n / 999, 1 + n % 999), "wording": "x" }),
            )
            .collect();
        refused(
            &app,
            SPLIT_GOAL,
            json!({ "id": scenario.goal, "into": into, "effectiveAt": "2017-01-01" }),
        )
        .await
        .is_invalid(
            "into",
            &format!("into: lists {count} goals; a split makes at most 20"),
        );
    }
}

#[tokio::test]
async fn a_merge_of_more_than_20_goals_is_refused_and_appends_nothing() {
    let (app, scenario) = kongsbergregionen().await;
    refused(
        &app,
        MERGE_GOALS,
        json!({ "focusAreaId": scenario.area, "number": "1.1", "wording": "Samlet mål", "sources": ids(21), "effectiveAt": "2017-01-01" }),
    )
    .await
    .is_invalid("sources", "sources: lists 21 goals; a merge takes at most 20");
}

#[tokio::test]
async fn an_action_planned_for_more_than_100_goals_is_refused_and_appends_nothing() {
    let (app, scenario) = kongsbergregionen().await;
    refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MEASURE", "title": "Tiltak", "startYear": 2016, "endYear": 2018, "goalIds": ids(101) }),
    )
    .await
    .is_invalid(
        "goalIds",
        "goalIds: lists 101 goals; an action serves at most 100",
    );
}

#[tokio::test]
async fn an_action_serving_100_goals_cannot_be_linked_to_another_and_appends_nothing() {
    let (app, scenario) = kongsbergregionen().await;
    let mut goals = Vec::new();
    for n in 1..=101 {
        goals.push(define_goal(&app, &scenario.area, &format!("1.{}", n + 100), "Delmål").await);
    }
    let planned = send(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MEASURE", "title": "Tiltak", "startYear": 2016, "endYear": 2018, "goalIds": goals[..100], "effectiveAt": "2015-10-01" }),
    )
    .await;
    let action = id_of(&planned, "action");
    refused(
        &app,
        LINK_ACTION_TO_GOAL,
        json!({ "id": action, "goalId": goals[100], "effectiveAt": "2016-01-01" }),
    )
    .await
    .is_invalid(
        "goalId",
        &format!(
            "goalId: action '{action}' serves 100 goals already; an action serves at most 100"
        ),
    );
}

#[tokio::test]
async fn an_action_involving_more_than_500_municipalities_is_refused_and_appends_nothing() {
    let (app, scenario) = kongsbergregionen().await;
    refused(
        &app,
        PLAN_ACTION,
        json!({ "strategyId": scenario.strategy, "kind": "MEASURE", "title": "Tiltak", "startYear": 2016, "endYear": 2018, "membersInvolved": kommunenumre(501) }),
    )
    .await
    .is_invalid(
        "membersInvolved",
        "membersInvolved: lists 501 municipalities; an action involves at most 500",
    );
    let action = plan_digital_dialog(&app, &scenario).await;
    refused(
        &app,
        REVISE_ACTION,
        json!({ "id": action, "title": "Hovedprosjekt Digital dialog", "startYear": 2016, "endYear": 2018, "membersInvolved": kommunenumre(501) }),
    )
    .await
    .is_invalid(
        "membersInvolved",
        "membersInvolved: lists 501 municipalities; an action involves at most 500",
    );
}

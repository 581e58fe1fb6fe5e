//! Mutations: one per domain command, each with a typed input. Every input
//! takes `expectedVersion`, `commandId`, `effectiveAt` and `reason`; every
//! payload returns the changed entity and the log position. A refused
//! mutation appends nothing and answers with a stable `extensions.code`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::enums::*;
use super::error::FieldResult;
use super::query::{
    self, Action, Benefit, FocusArea, Goal, Indicator, Organization, Strategy, WorkingGroup, app,
    clock,
};
use super::scalars::{self, Date};
use super::{ApiError, ApiResult};
use crate::access::{Refusal, Viewer};
use crate::domain::{self, CommandBody, Text};
use crate::read::{self, Moment};
use crate::store::{Appended, Submission};

/// What every mutation accepts besides its own fields.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CommandOptions {
    /// The version of the changed entity you saw; if it has changed since,
    /// the mutation fails with CONFLICT and the current version. 0 means
    /// "must not exist yet".
    pub expected_version: Option<i64>,
    /// Idempotency key: the same mutation sent again with the same id
    /// appends nothing and returns the first result.
    pub command_id: Option<Uuid>,
    /// The date the change is true from in the world (default: today).
    pub effective_at: Option<Date>,
    /// Why the change is made; kept with the event for auditors.
    pub reason: Option<String>,
}

/// The id of an entity a mutation creates when the client names none.
///
/// With a `commandId`, the id is derived from it (UUIDv5; `part` tells apart
/// several new entities of one command), so that sending the same mutation
/// again is recognised as the same command and creates nothing twice.
/// Without one, a fresh time-ordered id (UUIDv7).
fn new_id(options: &CommandOptions, part: u32) -> Uuid {
    match options.command_id {
        Some(command_id) => {
            let mut name = [0u8; 20];
            name[..16].copy_from_slice(command_id.as_bytes());
            name[16..].copy_from_slice(&part.to_be_bytes());
            Uuid::new_v5(&CREATED_ID_NAMESPACE, &name)
        }
        None => Uuid::now_v7(),
    }
}

/// The namespace of ids derived from command ids (a fixed random UUID).
const CREATED_ID_NAMESPACE: Uuid = Uuid::from_u128(0x5f0b_7d2e_93c4_4a61_b8e5_2c7f_01d9_a6e3);

/// What a mutation appended.
#[derive(SimpleObject, Clone, Debug)]
pub struct Receipt {
    /// Log position of the (last) event appended.
    pub position: u64,
    /// The changed entity's version after the mutation.
    pub stream_version: u64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// True when this command id had been seen before and nothing was appended.
    pub duplicate: bool,
}

macro_rules! payload {
    ($(#[$doc:meta])* $name:ident { $field:ident : $ty:ty }) => {
        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $name {
            /// The changed entity, as of the mutation's log position.
            pub $field: Option<$ty>,
            /// What was appended.
            pub receipt: Receipt,
        }
    };
}

payload!(
    /// Result of a change to an organization or its members.
    OrganizationPayload { organization: Organization }
);
payload!(
    /// Result of a change to a working group.
    WorkingGroupPayload { working_group: WorkingGroup }
);
payload!(
    /// Result of a change to a strategy.
    StrategyPayload { strategy: Strategy }
);
payload!(
    /// Result of a change to a focus area.
    FocusAreaPayload { focus_area: FocusArea }
);
payload!(
    /// Result of a change to a goal.
    GoalPayload { goal: Goal }
);
payload!(
    /// Result of a change to an indicator.
    IndicatorPayload { indicator: Indicator }
);
payload!(
    /// Result of a change to an action.
    ActionPayload { action: Action }
);
payload!(
    /// Result of a change to a benefit.
    BenefitPayload { benefit: Benefit }
);

fn title(field: &'static str, raw: &str) -> ApiResult<Text> {
    Ok(Text::title(field, raw)?)
}

fn prose(field: &'static str, raw: &str) -> ApiResult<Text> {
    Ok(Text::prose(field, raw)?)
}

fn optional_prose(field: &'static str, raw: Option<&str>) -> ApiResult<Option<Text>> {
    raw.filter(|r| !r.trim().is_empty())
        .map(|r| prose(field, r))
        .transpose()
}

fn optional_title(field: &'static str, raw: Option<&str>) -> ApiResult<Option<Text>> {
    raw.filter(|r| !r.trim().is_empty())
        .map(|r| title(field, r))
        .transpose()
}

/// A domain value error, named after the input field it came from.
fn field<T>(name: &str, result: Result<T, domain::DomainError>) -> ApiResult<T> {
    result.map_err(|e| match e {
        domain::DomainError::Invalid { message, .. } => ApiError::validation(name, message),
        other => other.into(),
    })
}

fn period(start: i64, end: i64) -> ApiResult<domain::Period> {
    let start = field("startYear", domain::Year::new(start))?;
    let end = field("endYear", domain::Year::new(end))?;
    field("endYear", domain::Period::new(start, end))
}

fn year(name: &str, year: i64) -> ApiResult<domain::Year> {
    field(name, domain::Year::new(year))
}

fn kommune(name: &str, raw: &str) -> ApiResult<domain::Kommunenummer> {
    field(name, domain::Kommunenummer::parse(raw))
}

fn area_number(name: &str, number: i64) -> ApiResult<domain::AreaNumber> {
    field(name, domain::AreaNumber::new(number))
}

fn goal_number(name: &str, raw: &str) -> ApiResult<domain::GoalNumber> {
    field(name, domain::GoalNumber::parse(raw))
}

fn quantity(name: &'static str, value: f64) -> ApiResult<domain::Quantity> {
    Ok(domain::Quantity::new(name, value)?)
}

/// The domain names a command's fields; an input may name them differently
/// (ids carry an `Id` suffix), and an error about the entity itself names
/// the input's `id`. `given` are the fields the client sent.
fn input_field(domain_field: &str, given: &[String]) -> String {
    let has = |name: &str| given.iter().any(|g| g == name);
    if has(domain_field) {
        return domain_field.to_owned();
    }
    let renamed = match domain_field {
        "goal" | "subject" => "goalId",
        "goals" => "goalIds",
        "owner" => "ownerId",
        "focusArea" => "focusAreaId",
        "predecessor" => "predecessorId",
        "action" => "actionId",
        "strategy" => "strategyId",
        "baseline.date" => "baselineOn",
        "period" => "startYear",
        "kommunenummer" => "membersInvolved",
        other => other,
    };
    if has(renamed) {
        renamed.to_owned()
    } else if has("id") && ["strategy", "subject", "goal"].contains(&domain_field) {
        "id".to_owned()
    } else {
        renamed.to_owned()
    }
}

fn members(raw: &[String]) -> ApiResult<Vec<domain::Kommunenummer>> {
    raw.iter().map(|k| kommune("membersInvolved", k)).collect()
}

/// An amount of kroner. The domain takes up to a trillion (a plan file may
/// hold one), but an `Int` carries at most 2 147 483 647: more than 600
/// times the largest budget line of the demo data, for one action, year
/// and category.
fn nok(field: &'static str, kroner: i64) -> ApiResult<domain::Nok> {
    if kroner > scalars::INT_MAX {
        return Err(ApiError::validation(
            field,
            format!(
                "'{kroner}' is above {}, the largest amount an Int carries",
                scalars::INT_MAX
            ),
        ));
    }
    Ok(domain::Nok::from_kroner(field, kroner)?)
}

/// Days between measurements: the domain's rule (1 to 3660) is in
/// `decide`; a number that is not even a `u16` is refused here with the
/// same words.
fn update_every_days(days: Option<i64>) -> ApiResult<Option<u16>> {
    days.map(|days| {
        u16::try_from(days).map_err(|_| {
            ApiError::validation(
                "updateEveryDays",
                format!("'{days}' is not between 1 and 3660 days"),
            )
        })
    })
    .transpose()
}

/// Submits one command and returns the receipt and the moment to show the
/// changed entity at: the mutation's position, valid at today or, for a
/// change entered early, its effective date.
async fn submit(
    ctx: &Context<'_>,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<(Receipt, Moment)> {
    // The actor is the signed-in identity, never something the client says.
    let viewer = ctx.data::<Viewer>().cloned().unwrap_or_default();
    let (actor, allowed_organizations) = match (viewer.identity(), viewer.write_scope()) {
        (Some(identity), Ok(scope)) => (identity.actor(), scope),
        (_, Err(Refusal::Forbidden)) => {
            return Err(ApiError::Forbidden(
                "your role may not make changes; ask for an editor's token".into(),
            ));
        }
        _ => {
            return Err(ApiError::Unauthenticated(
                "sign in with an editor's or admin's API token to make changes".into(),
            ));
        }
    };
    let today = clock(ctx).await?.today;
    let effective = options.effective_at.map(NaiveDate::from).unwrap_or(today);
    let target = body.target();
    let expected_version = options
        .expected_version
        .map(|version| scalars::count("expectedVersion", version))
        .transpose()?;
    let submission = Submission {
        command: domain::Command { effective, body },
        expected_version,
        command_id: options.command_id.unwrap_or_else(Uuid::now_v7),
        actor,
        reason: options.reason.clone().filter(|r| !r.trim().is_empty()),
        correlation_id: None,
        causation_id: None,
        allowed_organizations,
    };
    // The reason is kept for auditors as it is written: the same rules as
    // any prose of the domain (length, no control characters).
    if let Some(reason) = &submission.reason {
        prose("reason", reason)?;
    }
    let appended: Appended = app(ctx)
        .store
        .execute_async(submission)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Validation { field, message } => {
                let given: Vec<String> = ctx
                    .field()
                    .arguments()
                    .ok()
                    .into_iter()
                    .flatten()
                    .filter(|(name, _)| name.as_str() == "input")
                    .flat_map(|(_, value)| match value {
                        async_graphql::Value::Object(fields) => {
                            fields.keys().map(|k| k.to_string()).collect()
                        }
                        _ => Vec::new(),
                    })
                    .collect();
                ApiError::validation(input_field(&field, &given), message)
            }
            other => other,
        })?;
    let last = appended
        .events
        .iter()
        .rev()
        .find(|e| e.stream_id == target)
        .or(appended.events.last())
        .ok_or_else(|| ApiError::Internal("a command appended no event".into()))?;
    let receipt = Receipt {
        position: appended.last_position().unwrap_or(last.position),
        stream_version: last.stream_version,
        recorded_at: last.recorded_at,
        duplicate: appended.duplicate,
    };
    let moment = Moment {
        as_of: receipt.position,
        valid_at: today.max(effective),
    };
    Ok((receipt, moment))
}

/// The strategy an entity belongs to, loaded at `moment`.
async fn strategy_of(
    ctx: &Context<'_>,
    entity: Uuid,
    moment: Moment,
) -> ApiResult<Option<Strategy>> {
    let strategy = app(ctx)
        .read(move |conn| {
            let rows = read::entities(conn, read::Scope::Entity(entity), moment)?;
            Ok(rows.first().and_then(|r| r.strategy_id))
        })
        .await?;
    match strategy {
        Some(id) => query::load_strategy(ctx, id, moment).await,
        None => Ok(None),
    }
}

async fn organization_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<OrganizationPayload> {
    let (receipt, moment) = submit(ctx, options, body).await?;
    Ok(OrganizationPayload {
        organization: query::load_organization(ctx, id, moment).await?,
        receipt,
    })
}

async fn working_group_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<WorkingGroupPayload> {
    let (receipt, moment) = submit(ctx, options, body).await?;
    let organization = app(ctx)
        .read(move |conn| {
            Ok(read::entities(conn, read::Scope::Entity(id), moment)?
                .first()
                .map(|e| e.organization_id))
        })
        .await?;
    let working_group = match organization {
        Some(org) => query::load_organization(ctx, org, moment)
            .await?
            .and_then(|o| o.working_group(id)),
        None => None,
    };
    Ok(WorkingGroupPayload {
        working_group,
        receipt,
    })
}

async fn strategy_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<StrategyPayload> {
    let (receipt, moment) = submit(ctx, options, body).await?;
    Ok(StrategyPayload {
        strategy: query::load_strategy(ctx, id, moment).await?,
        receipt,
    })
}

/// Submits a command about a part of a strategy, and finds that part, as
/// of the command's position, in its strategy's tree.
async fn strategy_part<T>(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
    find: impl FnOnce(Strategy, Uuid) -> Option<T>,
) -> ApiResult<(Option<T>, Receipt)> {
    let (receipt, moment) = submit(ctx, options, body).await?;
    let part = strategy_of(ctx, id, moment)
        .await?
        .and_then(|s| find(s, id));
    Ok((part, receipt))
}

async fn focus_area_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<FocusAreaPayload> {
    let (focus_area, receipt) =
        strategy_part(ctx, id, options, body, |s, id| s.focus_area_by_id(id)).await?;
    Ok(FocusAreaPayload {
        focus_area,
        receipt,
    })
}

async fn goal_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<GoalPayload> {
    let (goal, receipt) = strategy_part(ctx, id, options, body, |s, id| s.goal_by_id(id)).await?;
    Ok(GoalPayload { goal, receipt })
}

async fn indicator_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<IndicatorPayload> {
    let (indicator, receipt) =
        strategy_part(ctx, id, options, body, |s, id| s.indicator_by_id(id)).await?;
    Ok(IndicatorPayload { indicator, receipt })
}

async fn action_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<ActionPayload> {
    let (action, receipt) =
        strategy_part(ctx, id, options, body, |s, id| s.action_by_id(id)).await?;
    Ok(ActionPayload { action, receipt })
}

async fn benefit_payload(
    ctx: &Context<'_>,
    id: Uuid,
    options: &CommandOptions,
    body: CommandBody,
) -> ApiResult<BenefitPayload> {
    let (benefit, receipt) =
        strategy_part(ctx, id, options, body, |s, id| s.benefit_by_id(id)).await?;
    Ok(BenefitPayload { benefit, receipt })
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/// Register an organization (samarbeid).
#[derive(InputObject)]
pub struct RegisterOrganizationInput {
    /// Id for the new organization (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// Its name, e.g. IKT Orkidé.
    pub name: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Rename an organization.
#[derive(InputObject)]
pub struct RenameOrganizationInput {
    /// The organization.
    pub id: Uuid,
    /// The new name.
    pub name: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// A municipality joins (from `effectiveAt`).
#[derive(InputObject)]
pub struct AdmitMemberInput {
    /// The organization.
    pub organization_id: Uuid,
    /// Kommunenummer, four digits.
    pub kommunenummer: String,
    /// The municipality's name.
    pub name: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// A municipality leaves (from `effectiveAt`).
#[derive(InputObject)]
pub struct RecordMemberLeavingInput {
    /// The organization.
    pub organization_id: Uuid,
    /// Kommunenummer, four digits.
    pub kommunenummer: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Form a working group (faggruppe / nettverk).
#[derive(InputObject)]
pub struct FormWorkingGroupInput {
    /// Id for the new group (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The organization.
    pub organization_id: Uuid,
    /// Its name.
    pub name: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Rename a working group.
#[derive(InputObject)]
pub struct RenameWorkingGroupInput {
    /// The group.
    pub id: Uuid,
    /// The new name.
    pub name: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Disband a working group (from `effectiveAt`).
#[derive(InputObject)]
pub struct DisbandWorkingGroupInput {
    /// The group.
    pub id: Uuid,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Draft a strategy for a period.
#[derive(InputObject)]
pub struct DraftStrategyInput {
    /// Id for the new strategy (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The organization.
    pub organization_id: Uuid,
    /// Its title.
    pub title: String,
    /// First year of the period.
    pub start_year: i64,
    /// Last year of the period.
    pub end_year: i64,
    /// Its vision (visjon).
    pub vision: Option<String>,
    /// The strategy it succeeds.
    pub predecessor_id: Option<Uuid>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Revise a strategy's title, period and vision.
#[derive(InputObject)]
pub struct ReviseStrategyInput {
    /// The strategy.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// First year of the period.
    pub start_year: i64,
    /// Last year of the period.
    pub end_year: i64,
    /// Its vision.
    pub vision: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Record that a strategy was adopted (vedtatt), on `effectiveAt`.
#[derive(InputObject)]
pub struct AdoptStrategyInput {
    /// The strategy.
    pub id: Uuid,
    /// Who adopted it, e.g. Rådmannsutvalget.
    pub adopted_by: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Close a strategy; its parts can no longer be changed.
#[derive(InputObject)]
pub struct CloseStrategyInput {
    /// The strategy.
    pub id: Uuid,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Define a focus area (satsingsområde).
#[derive(InputObject)]
pub struct DefineFocusAreaInput {
    /// Id for the new area (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The strategy.
    pub strategy_id: Uuid,
    /// Its number in the strategy, 1–99.
    pub number: i64,
    /// Its title.
    pub title: String,
    /// Its description and rationale.
    pub description: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Revise a focus area's title and description.
#[derive(InputObject)]
pub struct ReviseFocusAreaInput {
    /// The area.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Give a focus area another number.
#[derive(InputObject)]
pub struct RenumberFocusAreaInput {
    /// The area.
    pub id: Uuid,
    /// The new number, 1–99, not used by another area of the strategy.
    pub number: i64,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Define a goal (mål) in a focus area.
#[derive(InputObject)]
pub struct DefineGoalInput {
    /// Id for the new goal (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The focus area.
    pub focus_area_id: Uuid,
    /// Its number as the document writes it, e.g. "3.2".
    pub number: String,
    /// Its wording.
    pub wording: String,
    /// The goal of the predecessor strategy it carries over.
    pub carried_over_from: Option<Uuid>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Merge two or more goals into a new one; the sources are retired.
#[derive(InputObject)]
pub struct MergeGoalsInput {
    /// Id for the new goal (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The focus area of the new goal.
    pub focus_area_id: Uuid,
    /// Its number.
    pub number: String,
    /// Its wording.
    pub wording: String,
    /// The goals merged.
    pub sources: Vec<Uuid>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// One part of a split goal.
#[derive(InputObject)]
pub struct GoalPartInput {
    /// Id for the new goal (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// Its number.
    pub number: String,
    /// Its wording.
    pub wording: String,
}

/// Split a goal into two or more new goals in its area; it is retired.
#[derive(InputObject)]
pub struct SplitGoalInput {
    /// The goal split.
    pub id: Uuid,
    /// The new goals.
    pub into: Vec<GoalPartInput>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Reword a goal.
#[derive(InputObject)]
pub struct RewordGoalInput {
    /// The goal.
    pub id: Uuid,
    /// The new wording.
    pub wording: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Retire a goal (utgått) from `effectiveAt`.
#[derive(InputObject)]
pub struct RetireGoalInput {
    /// The goal.
    pub id: Uuid,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Record an assessment (vurdering) of a goal, valid from `effectiveAt`
/// (for "status per 31.12", give that date).
#[derive(InputObject)]
pub struct AssessGoalInput {
    /// The goal.
    pub id: Uuid,
    /// The status.
    pub status: GoalStatus,
    /// The written justification.
    pub justification: String,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Define an indicator for a goal or a benefit (exactly one of them).
#[derive(InputObject)]
pub struct DefineIndicatorInput {
    /// Id for the new indicator (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The goal it measures.
    pub goal_id: Option<Uuid>,
    /// The benefit it measures.
    pub benefit_id: Option<Uuid>,
    /// What it measures.
    pub name: String,
    /// The unit.
    pub unit: String,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// Baseline value (nullpunktsmåling).
    pub baseline_value: Option<f64>,
    /// Date of the baseline.
    pub baseline_on: Option<Date>,
    /// Expected days between measurements (1–3660).
    pub update_every_days: Option<i64>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Set a target for an indicator; a target for the same due date replaces the earlier one.
#[derive(InputObject)]
pub struct SetIndicatorTargetInput {
    /// The indicator.
    pub id: Uuid,
    /// The target value.
    pub value: f64,
    /// The date it should be reached by.
    pub due: Date,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Record a measurement; `effectiveAt` is the date measured.
#[derive(InputObject)]
pub struct RecordMeasurementInput {
    /// The indicator.
    pub id: Uuid,
    /// The value.
    pub value: f64,
    /// A comment.
    pub comment: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Plan an action (tiltak).
#[derive(InputObject)]
pub struct PlanActionInput {
    /// Id for the new action (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The strategy.
    pub strategy_id: Uuid,
    /// Main project, sub-project, programme or measure.
    pub kind: ActionKind,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// The working group that owns it.
    pub owner_id: Option<Uuid>,
    /// The focus area the action is reported under (its budget counts there).
    pub focus_area_id: Option<Uuid>,
    /// Kommunenummer of the members involved.
    #[graphql(default)]
    pub members_involved: Vec<String>,
    /// First year.
    pub start_year: i64,
    /// Last year.
    pub end_year: i64,
    /// The goals it serves.
    #[graphql(default)]
    pub goal_ids: Vec<Uuid>,
    /// Whether it retires a legacy system (sanering).
    #[graphql(default)]
    pub decommissioning: bool,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Revise an action's description, owner, members and period.
#[derive(InputObject)]
pub struct ReviseActionInput {
    /// The action.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// The working group that owns it.
    pub owner_id: Option<Uuid>,
    /// The focus area the action is reported under (its budget counts there).
    pub focus_area_id: Option<Uuid>,
    /// Kommunenummer of the members involved.
    #[graphql(default)]
    pub members_involved: Vec<String>,
    /// First year.
    pub start_year: i64,
    /// Last year.
    pub end_year: i64,
    /// Whether it retires a legacy system (sanering).
    #[graphql(default)]
    pub decommissioning: bool,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Link an action to, or unlink it from, a goal.
#[derive(InputObject)]
pub struct ActionGoalInput {
    /// The action.
    pub id: Uuid,
    /// The goal.
    pub goal_id: Uuid,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Change an action's status, from `effectiveAt`.
#[derive(InputObject)]
pub struct ChangeActionStatusInput {
    /// The action.
    pub id: Uuid,
    /// The new status.
    pub status: ActionStatus,
    /// A note with it.
    pub note: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Set a budget line: one action, one year, one category; replaces the earlier line for the same year and category.
#[derive(InputObject)]
pub struct SetBudgetLineInput {
    /// The action.
    pub id: Uuid,
    /// The year, inside the action's period.
    pub year: i64,
    /// The cost category.
    pub category: BudgetCategory,
    /// Planned amount, whole NOK, not negative.
    pub planned: i64,
    /// Actual amount, whole NOK, once known.
    pub actual: Option<i64>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Identify a benefit (gevinst).
#[derive(InputObject)]
pub struct IdentifyBenefitInput {
    /// Id for the new benefit (default: derived from `commandId` when one is given, so that a retry creates nothing twice; otherwise a new id).
    pub id: Option<Uuid>,
    /// The strategy.
    pub strategy_id: Uuid,
    /// The action it is expected from.
    pub action_id: Option<Uuid>,
    /// Who it is for.
    pub stakeholder: Stakeholder,
    /// Efficiency, quality or benefits for others.
    pub category: BenefitCategory,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// Whether it is priced in NOK.
    #[graphql(default)]
    pub priced: bool,
    /// Whether it is a disbenefit (ulempe).
    #[graphql(default)]
    pub disbenefit: bool,
    /// Whether it was unexpected.
    #[graphql(default)]
    pub unexpected: bool,
    /// The responsible manager (gevinstansvarlig).
    pub responsible: Option<String>,
    /// When it should be realised.
    pub due: Option<Date>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

/// Record where a benefit's realisation stands, from `effectiveAt`.
#[derive(InputObject)]
pub struct RecordBenefitRealisationInput {
    /// The benefit.
    pub id: Uuid,
    /// The status.
    pub status: BenefitStatus,
    /// A note, e.g. why realised differs from expected.
    pub note: Option<String>,
    #[graphql(flatten)]
    pub options: CommandOptions,
}

pub struct MutationRoot;

/// Changes: one per domain command, each appended as events to the log.
#[Object(name = "Mutation")]
impl MutationRoot {
    /// Register an organization (samarbeid).
    async fn register_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RegisterOrganizationInput,
    ) -> FieldResult<OrganizationPayload> {
        let id = domain::OrganizationId(input.id.unwrap_or_else(|| new_id(&input.options, 0)));
        let body = CommandBody::RegisterOrganization {
            id,
            name: title("name", &input.name)?,
        };
        Ok(organization_payload(ctx, id.0, &input.options, body).await?)
    }

    /// Rename an organization.
    async fn rename_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RenameOrganizationInput,
    ) -> FieldResult<OrganizationPayload> {
        let body = CommandBody::RenameOrganization {
            id: domain::OrganizationId(input.id),
            name: title("name", &input.name)?,
        };
        Ok(organization_payload(ctx, input.id, &input.options, body).await?)
    }

    /// A municipality joins an organization.
    async fn admit_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: AdmitMemberInput,
    ) -> FieldResult<OrganizationPayload> {
        let body = CommandBody::AdmitMember {
            organization: domain::OrganizationId(input.organization_id),
            kommunenummer: kommune("kommunenummer", &input.kommunenummer)?,
            name: title("name", &input.name)?,
        };
        Ok(organization_payload(ctx, input.organization_id, &input.options, body).await?)
    }

    /// A municipality leaves an organization.
    async fn record_member_leaving(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RecordMemberLeavingInput,
    ) -> FieldResult<OrganizationPayload> {
        let body = CommandBody::RecordMemberLeaving {
            organization: domain::OrganizationId(input.organization_id),
            kommunenummer: kommune("kommunenummer", &input.kommunenummer)?,
        };
        Ok(organization_payload(ctx, input.organization_id, &input.options, body).await?)
    }

    /// Form a working group.
    async fn form_working_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: FormWorkingGroupInput,
    ) -> FieldResult<WorkingGroupPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::FormWorkingGroup {
            id: domain::WorkingGroupId(id),
            organization: domain::OrganizationId(input.organization_id),
            name: title("name", &input.name)?,
        };
        Ok(working_group_payload(ctx, id, &input.options, body).await?)
    }

    /// Rename a working group.
    async fn rename_working_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RenameWorkingGroupInput,
    ) -> FieldResult<WorkingGroupPayload> {
        let body = CommandBody::RenameWorkingGroup {
            id: domain::WorkingGroupId(input.id),
            name: title("name", &input.name)?,
        };
        Ok(working_group_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Disband a working group.
    async fn disband_working_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: DisbandWorkingGroupInput,
    ) -> FieldResult<WorkingGroupPayload> {
        let body = CommandBody::DisbandWorkingGroup {
            id: domain::WorkingGroupId(input.id),
        };
        Ok(working_group_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Draft a strategy.
    async fn draft_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: DraftStrategyInput,
    ) -> FieldResult<StrategyPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::DraftStrategy {
            id: domain::StrategyId(id),
            organization: domain::OrganizationId(input.organization_id),
            title: title("title", &input.title)?,
            period: period(input.start_year, input.end_year)?,
            vision: optional_prose("vision", input.vision.as_deref())?,
            predecessor: input.predecessor_id.map(domain::StrategyId),
        };
        Ok(strategy_payload(ctx, id, &input.options, body).await?)
    }

    /// Revise a strategy.
    async fn revise_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ReviseStrategyInput,
    ) -> FieldResult<StrategyPayload> {
        let body = CommandBody::ReviseStrategy {
            id: domain::StrategyId(input.id),
            title: title("title", &input.title)?,
            period: period(input.start_year, input.end_year)?,
            vision: optional_prose("vision", input.vision.as_deref())?,
        };
        Ok(strategy_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Record that a strategy was adopted (vedtatt).
    async fn adopt_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: AdoptStrategyInput,
    ) -> FieldResult<StrategyPayload> {
        let body = CommandBody::AdoptStrategy {
            id: domain::StrategyId(input.id),
            adopted_by: title("adoptedBy", &input.adopted_by)?,
        };
        Ok(strategy_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Close a strategy.
    async fn close_strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: CloseStrategyInput,
    ) -> FieldResult<StrategyPayload> {
        let body = CommandBody::CloseStrategy {
            id: domain::StrategyId(input.id),
        };
        Ok(strategy_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Define a focus area (satsingsområde).
    async fn define_focus_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: DefineFocusAreaInput,
    ) -> FieldResult<FocusAreaPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::DefineFocusArea {
            id: domain::FocusAreaId(id),
            strategy: domain::StrategyId(input.strategy_id),
            number: area_number("number", input.number)?,
            title: title("title", &input.title)?,
            description: optional_prose("description", input.description.as_deref())?,
        };
        Ok(focus_area_payload(ctx, id, &input.options, body).await?)
    }

    /// Revise a focus area.
    async fn revise_focus_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ReviseFocusAreaInput,
    ) -> FieldResult<FocusAreaPayload> {
        let body = CommandBody::ReviseFocusArea {
            id: domain::FocusAreaId(input.id),
            title: title("title", &input.title)?,
            description: optional_prose("description", input.description.as_deref())?,
        };
        Ok(focus_area_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Give a focus area another number.
    async fn renumber_focus_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RenumberFocusAreaInput,
    ) -> FieldResult<FocusAreaPayload> {
        let body = CommandBody::RenumberFocusArea {
            id: domain::FocusAreaId(input.id),
            number: area_number("number", input.number)?,
        };
        Ok(focus_area_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Define a goal (mål).
    async fn define_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: DefineGoalInput,
    ) -> FieldResult<GoalPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::DefineGoal {
            id: domain::GoalId(id),
            focus_area: domain::FocusAreaId(input.focus_area_id),
            number: goal_number("number", &input.number)?,
            wording: prose("wording", &input.wording)?,
            carried_over_from: input.carried_over_from.map(domain::GoalId),
        };
        Ok(goal_payload(ctx, id, &input.options, body).await?)
    }

    /// Merge goals into a new one.
    async fn merge_goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: MergeGoalsInput,
    ) -> FieldResult<GoalPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::MergeGoals {
            id: domain::GoalId(id),
            focus_area: domain::FocusAreaId(input.focus_area_id),
            number: goal_number("number", &input.number)?,
            wording: prose("wording", &input.wording)?,
            sources: input.sources.into_iter().map(domain::GoalId).collect(),
        };
        Ok(goal_payload(ctx, id, &input.options, body).await?)
    }

    /// Split a goal into new ones; returns the split (now retired) goal.
    async fn split_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: SplitGoalInput,
    ) -> FieldResult<GoalPayload> {
        let into = input
            .into
            .iter()
            .zip(1..)
            .map(|(part, n)| {
                Ok(domain::GoalPart {
                    id: domain::GoalId(part.id.unwrap_or_else(|| new_id(&input.options, n))),
                    number: goal_number("number", &part.number)?,
                    wording: prose("wording", &part.wording)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let body = CommandBody::SplitGoal {
            id: domain::GoalId(input.id),
            into,
        };
        Ok(goal_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Reword a goal.
    async fn reword_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RewordGoalInput,
    ) -> FieldResult<GoalPayload> {
        let body = CommandBody::RewordGoal {
            id: domain::GoalId(input.id),
            wording: prose("wording", &input.wording)?,
        };
        Ok(goal_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Retire a goal (utgått).
    async fn retire_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RetireGoalInput,
    ) -> FieldResult<GoalPayload> {
        let body = CommandBody::RetireGoal {
            id: domain::GoalId(input.id),
        };
        Ok(goal_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Record an assessment (vurdering) of a goal.
    async fn assess_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: AssessGoalInput,
    ) -> FieldResult<GoalPayload> {
        let body = CommandBody::AssessGoal {
            id: domain::GoalId(input.id),
            status: input.status.into(),
            justification: prose("justification", &input.justification)?,
        };
        Ok(goal_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Define an indicator (indikator) for a goal or a benefit.
    async fn define_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: DefineIndicatorInput,
    ) -> FieldResult<IndicatorPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let subject = match (input.goal_id, input.benefit_id) {
            (Some(goal), None) => domain::IndicatorSubject::Goal(domain::GoalId(goal)),
            (None, Some(benefit)) => domain::IndicatorSubject::Benefit(domain::BenefitId(benefit)),
            _ => {
                return Err(ApiError::validation(
                    "goalId",
                    "give exactly one of goalId and benefitId",
                )
                .into());
            }
        };
        let baseline = match (input.baseline_value, input.baseline_on) {
            (Some(value), Some(on)) => Some(domain::Measurement {
                value: quantity("baselineValue", value)?,
                on: on.into(),
            }),
            (None, None) => None,
            _ => {
                return Err(ApiError::validation(
                    "baselineOn",
                    "give both baselineValue and baselineOn, or neither",
                )
                .into());
            }
        };
        let body = CommandBody::DefineIndicator {
            id: domain::IndicatorId(id),
            subject,
            name: title("name", &input.name)?,
            unit: title("unit", &input.unit)?,
            direction: input.direction.into(),
            baseline,
            update_every_days: update_every_days(input.update_every_days)?,
        };
        Ok(indicator_payload(ctx, id, &input.options, body).await?)
    }

    /// Set a target for an indicator.
    async fn set_indicator_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: SetIndicatorTargetInput,
    ) -> FieldResult<IndicatorPayload> {
        let body = CommandBody::SetIndicatorTarget {
            id: domain::IndicatorId(input.id),
            value: quantity("value", input.value)?,
            due: input.due.into(),
        };
        Ok(indicator_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Record a measurement of an indicator.
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: RecordMeasurementInput,
    ) -> FieldResult<IndicatorPayload> {
        let body = CommandBody::RecordMeasurement {
            id: domain::IndicatorId(input.id),
            value: quantity("value", input.value)?,
            comment: optional_prose("comment", input.comment.as_deref())?,
        };
        Ok(indicator_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Plan an action (tiltak).
    async fn plan_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: PlanActionInput,
    ) -> FieldResult<ActionPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::PlanAction {
            id: domain::ActionId(id),
            strategy: domain::StrategyId(input.strategy_id),
            kind: input.kind.into(),
            title: title("title", &input.title)?,
            description: optional_prose("description", input.description.as_deref())?,
            owner: input.owner_id.map(domain::WorkingGroupId),
            focus_area: input.focus_area_id.map(domain::FocusAreaId),
            members_involved: members(&input.members_involved)?,
            period: period(input.start_year, input.end_year)?,
            goals: input.goal_ids.into_iter().map(domain::GoalId).collect(),
            decommissioning: input.decommissioning,
        };
        Ok(action_payload(ctx, id, &input.options, body).await?)
    }

    /// Revise an action.
    async fn revise_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ReviseActionInput,
    ) -> FieldResult<ActionPayload> {
        let body = CommandBody::ReviseAction {
            id: domain::ActionId(input.id),
            title: title("title", &input.title)?,
            description: optional_prose("description", input.description.as_deref())?,
            owner: input.owner_id.map(domain::WorkingGroupId),
            focus_area: input.focus_area_id.map(domain::FocusAreaId),
            members_involved: members(&input.members_involved)?,
            period: period(input.start_year, input.end_year)?,
            decommissioning: input.decommissioning,
        };
        Ok(action_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Link an action to a goal.
    async fn link_action_to_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ActionGoalInput,
    ) -> FieldResult<ActionPayload> {
        let body = CommandBody::LinkActionToGoal {
            id: domain::ActionId(input.id),
            goal: domain::GoalId(input.goal_id),
        };
        Ok(action_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Unlink an action from a goal.
    async fn unlink_action_from_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ActionGoalInput,
    ) -> FieldResult<ActionPayload> {
        let body = CommandBody::UnlinkActionFromGoal {
            id: domain::ActionId(input.id),
            goal: domain::GoalId(input.goal_id),
        };
        Ok(action_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Change an action's status.
    async fn change_action_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: ChangeActionStatusInput,
    ) -> FieldResult<ActionPayload> {
        let body = CommandBody::ChangeActionStatus {
            id: domain::ActionId(input.id),
            status: input.status.into(),
            note: optional_prose("note", input.note.as_deref())?,
        };
        Ok(action_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Set a budget line (budsjettpost).
    async fn set_budget_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: SetBudgetLineInput,
    ) -> FieldResult<ActionPayload> {
        let body = CommandBody::SetBudgetLine {
            id: domain::ActionId(input.id),
            year: year("year", input.year)?,
            category: input.category.into(),
            planned: nok("planned", input.planned)?,
            actual: input.actual.map(|a| nok("actual", a)).transpose()?,
        };
        Ok(action_payload(ctx, input.id, &input.options, body).await?)
    }

    /// Identify a benefit (gevinst).
    async fn identify_benefit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")] input: IdentifyBenefitInput,
    ) -> FieldResult<BenefitPayload> {
        let id = input.id.unwrap_or_else(|| new_id(&input.options, 0));
        let body = CommandBody::IdentifyBenefit {
            id: domain::BenefitId(id),
            strategy: domain::StrategyId(input.strategy_id),
            action: input.action_id.map(domain::ActionId),
            stakeholder: input.stakeholder.into(),
            category: input.category.into(),
            title: title("title", &input.title)?,
            description: optional_prose("description", input.description.as_deref())?,
            priced: input.priced,
            disbenefit: input.disbenefit,
            unexpected: input.unexpected,
            responsible: optional_title("responsible", input.responsible.as_deref())?,
            due: input.due.map(Into::into),
        };
        Ok(benefit_payload(ctx, id, &input.options, body).await?)
    }

    /// Record a benefit's realisation (gevinstrealisering).
    async fn record_benefit_realisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change; see the input type.")]
        input: RecordBenefitRealisationInput,
    ) -> FieldResult<BenefitPayload> {
        let body = CommandBody::RecordBenefitRealisation {
            id: domain::BenefitId(input.id),
            status: input.status.into(),
            note: optional_prose("note", input.note.as_deref())?,
        };
        Ok(benefit_payload(ctx, input.id, &input.options, body).await?)
    }
}

//! Queries. Every root field answers the three time questions: now;
//! `validAt` (the world at that date as known today); `asOf` (what the
//! system showed at that instant); and both together. Objects below a root
//! field inherit its moment.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::enums::*;
use super::error::FieldResult;
use super::scalars::Date;
use super::{ApiError, ApiResult, AppState, RequestClock};
use crate::access::Viewer;
use crate::read::{self, Moment};
use crate::store::{EventFilter, StoredEvent};

/// Largest page a connection returns.
/// Default largest page of a list query.
pub const MAX_PAGE: usize = 100;

pub(super) fn app<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The request's clock, or a fresh one where no HTTP request set it.
pub(super) async fn clock(ctx: &Context<'_>) -> ApiResult<RequestClock> {
    if let Some(clock) = ctx.data_opt::<RequestClock>() {
        return Ok(*clock);
    }
    Ok(RequestClock {
        head: app(ctx).store.committed_head(),
        today: super::today(),
    })
}

/// An actor's name as this viewer may see it: actors are personal data,
/// shown to editors, auditors and admins, hidden (null) from readers and
/// the public.
pub(super) fn shown_actor<'a>(ctx: &Context<'_>, actor: &'a str) -> Option<&'a str> {
    ctx.data_opt::<Viewer>()
        .is_some_and(Viewer::sees_actors)
        .then_some(actor)
}

/// Turns the time arguments into a moment: `asOf` becomes the log position
/// reached at that instant (never past the request's head).
pub(super) async fn moment(
    ctx: &Context<'_>,
    as_of: Option<DateTime<Utc>>,
    valid_at: Option<Date>,
) -> ApiResult<Moment> {
    let clock = clock(ctx).await?;
    let head = clock.head_position();
    let position = match as_of {
        None => head,
        Some(at) => app(ctx)
            .read(move |conn| Ok(crate::projection::position_at(conn, at)?))
            .await?
            .min(head),
    };
    Ok(Moment {
        as_of: position,
        // Dates are compared as text in the read models: keep them to four-digit years.
        valid_at: valid_at
            .map(NaiveDate::from)
            .unwrap_or(clock.today)
            .clamp(read::FIRST_DATE, read::LAST_DATE),
    })
}

pub(super) async fn load_strategy(
    ctx: &Context<'_>,
    id: Uuid,
    moment: Moment,
) -> ApiResult<Option<Strategy>> {
    let views = app(ctx).views.clone();
    let view = match views.cached(id, moment) {
        Some(view) => view,
        None => {
            app(ctx)
                .read(move |conn| Ok(views.strategy(conn, id, moment)?))
                .await?
        }
    };
    Ok(view.map(|v| Strategy::new(v, moment)))
}

pub(super) async fn load_organization(
    ctx: &Context<'_>,
    id: Uuid,
    moment: Moment,
) -> ApiResult<Option<Organization>> {
    let view = app(ctx)
        .read(move |conn| Ok(read::organization(conn, id, moment)?))
        .await?;
    Ok(view.map(|v| Organization {
        view: Arc::new(v),
        moment,
        asked_as_of: None,
    }))
}

pub struct QueryRoot;

/// The one asking, as the API sees them.
pub struct ViewerInfo(Viewer);

/// The one asking: anonymous or signed in with a token, their role, and what they may see and change.
#[Object(name = "Viewer")]
impl ViewerInfo {
    /// True when a valid token came with the request.
    async fn signed_in(&self) -> bool {
        self.0.identity().is_some()
    }
    /// The token's name (also the actor recorded for changes made with it).
    async fn name(&self) -> Option<&str> {
        self.0.identity().map(|i| i.name.as_str())
    }
    /// The role; null when anonymous.
    async fn role(&self) -> Option<Role> {
        self.0.role().map(Role::from)
    }
    /// The organizations an editor may change (empty for other roles: an
    /// admin may change all, readers and auditors none).
    async fn organizations(&self) -> Vec<Uuid> {
        self.0
            .identity()
            .map(|i| i.organizations.iter().map(|o| o.0).collect())
            .unwrap_or_default()
    }
    /// Whether actor names (who recorded a change) are shown to you.
    async fn sees_actors(&self) -> bool {
        self.0.sees_actors()
    }
    /// Whether you may change this organization's data.
    async fn can_edit(
        &self,
        #[graphql(desc = "The organization's id.")] organization: Uuid,
    ) -> bool {
        self.0
            .may_change(crate::domain::OrganizationId(organization))
    }
}

/// Questions about strategies and their history; each answers now, valid at a date, as of an instant, or both.
#[Object(name = "Query")]
impl QueryRoot {
    /// Who is asking: signed in or not, with which role, and what they
    /// may see and change.
    async fn viewer(&self, ctx: &Context<'_>) -> ViewerInfo {
        ViewerInfo(ctx.data_opt::<Viewer>().cloned().unwrap_or_default())
    }

    /// The newest event in the log: the position and chain hash an auditor
    /// keeps to prove later that nothing before it was rewritten.
    async fn log_head(&self, ctx: &Context<'_>) -> FieldResult<ComputedAt> {
        let clock = clock(ctx).await?;
        Ok(ComputedAt::new(clock.now(), clock.head, None))
    }

    /// Organizations (samarbeid) known at the moment, in the order they
    /// were registered.
    #[graphql(
        complexity = "super::cost::paged(first, super::cost::plus(super::cost::VIEW, child_complexity))"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the system showed at this instant (default: now).")] as_of: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "The world at this date (default: today).")] valid_at: Option<Date>,
        #[graphql(
            desc = "Page size; default and most: the server's page limit (100 unless configured)."
        )]
        first: Option<i64>,
        #[graphql(desc = "Cursor of the last organization of the previous page.")] after: Option<
            String,
        >,
    ) -> FieldResult<Connection<String, Organization, EmptyFields, EmptyFields>> {
        let moment = moment(ctx, as_of, valid_at).await?;
        let (offset, size) = page_bounds(ctx, first, after)?;
        let (views, more) = app(ctx)
            .read(move |conn| {
                let ids = read::organization_ids(conn, moment)?;
                let more = ids.len() > offset + size;
                let mut out = Vec::new();
                for id in ids.into_iter().skip(offset).take(size) {
                    out.extend(read::organization(conn, id, moment)?);
                }
                Ok((out, more))
            })
            .await?;
        let nodes = views.into_iter().map(|v| Organization {
            view: Arc::new(v),
            moment,
            asked_as_of: as_of,
        });
        Ok(paged(offset, nodes, more))
    }

    /// One organization (samarbeid) with its members and working groups.
    #[graphql(complexity = "super::cost::plus(super::cost::VIEW, child_complexity)")]
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's id.")] id: Uuid,
        #[graphql(desc = "What the system showed at this instant (default: now).")] as_of: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "The world at this date (default: today).")] valid_at: Option<Date>,
    ) -> FieldResult<Option<Organization>> {
        let moment = moment(ctx, as_of, valid_at).await?;
        Ok(load_organization(ctx, id, moment)
            .await?
            .map(|o| Organization {
                asked_as_of: as_of,
                ..o
            }))
    }

    /// Strategies (strategiplaner), optionally of one organization, in a
    /// status, or running in a year, in the order they were drafted.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "super::cost::paged(first, super::cost::plus(super::cost::VIEW, child_complexity))"
    )]
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only strategies of this organization.")] organization_id: Option<Uuid>,
        #[graphql(desc = "Only strategies in this status.")] status: Option<StrategyStatus>,
        #[graphql(desc = "Only strategies whose period includes this year.")] year: Option<i32>,
        #[graphql(desc = "What the system showed at this instant (default: now).")] as_of: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "The world at this date (default: today).")] valid_at: Option<Date>,
        #[graphql(
            desc = "Page size; default and most: the server's page limit (100 unless configured)."
        )]
        first: Option<i64>,
        #[graphql(desc = "Cursor of the last strategy of the previous page.")] after: Option<
            String,
        >,
    ) -> FieldResult<Connection<String, Strategy, EmptyFields, EmptyFields>> {
        let moment = moment(ctx, as_of, valid_at).await?;
        let (offset, size) = page_bounds(ctx, first, after)?;
        let cache = app(ctx).views.clone();
        let (views, more) = app(ctx)
            .read(move |conn| {
                let mut matching = Vec::new();
                for id in read::strategy_ids(conn, organization_id, moment)? {
                    let Some(view) = cache.strategy(conn, id, moment)? else {
                        continue;
                    };
                    let wanted = status
                        .is_none_or(|s| StrategyStatus::from_wire(&view.status) == Some(s))
                        && year.is_none_or(|y| view.period.0 <= y && y <= view.period.1);
                    if wanted {
                        matching.push(view);
                    }
                    if matching.len() > offset + size {
                        break;
                    }
                }
                let more = matching.len() > offset + size;
                Ok((
                    matching
                        .into_iter()
                        .skip(offset)
                        .take(size)
                        .collect::<Vec<_>>(),
                    more,
                ))
            })
            .await?;
        Ok(paged(
            offset,
            views
                .into_iter()
                .map(|v| Strategy::new(v, moment).asked(as_of)),
            more,
        ))
    }

    /// One strategy with its whole tree: focus areas, goals with their
    /// assessments and indicators, actions with budgets, benefits.
    #[graphql(complexity = "super::cost::plus(super::cost::VIEW, child_complexity)")]
    async fn strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy's id.")] id: Uuid,
        #[graphql(desc = "What the system showed at this instant (default: now).")] as_of: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "The world at this date (default: today).")] valid_at: Option<Date>,
    ) -> FieldResult<Option<Strategy>> {
        let moment = moment(ctx, as_of, valid_at).await?;
        Ok(load_strategy(ctx, id, moment)
            .await?
            .map(|s| s.asked(as_of)))
    }

    /// The events of one entity (its stream), oldest first: who changed
    /// what, when it was recorded, from when it is effective, and why.
    #[graphql(complexity = "super::cost::paged(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The entity (stream) id: an organization, strategy, focus area, goal, indicator, action, benefit or working group."
        )]
        entity_id: Uuid,
        #[graphql(
            desc = "Page size; default and most: the server's page limit (100 unless configured)."
        )]
        first: Option<i64>,
        #[graphql(desc = "Cursor of the last event of the previous page.")] after: Option<String>,
    ) -> FieldResult<Connection<String, LogEvent, EmptyFields, EmptyFields>> {
        let filter = EventFilter {
            stream_id: Some(entity_id),
            ..EventFilter::default()
        };
        Ok(events_page(ctx, filter, first, after).await?)
    }

    /// The global log, oldest first, filtered by type, stream and
    /// recording time.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::cost::paged(first, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events of this type, e.g. GoalAssessed.")] event_type: Option<
            String,
        >,
        #[graphql(desc = "Only events of this stream (entity).")] stream_id: Option<Uuid>,
        #[graphql(desc = "Only events recorded at or after this instant.")] recorded_from: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "Only events recorded before this instant.")] recorded_until: Option<
            DateTime<Utc>,
        >,
        #[graphql(
            desc = "Page size; default and most: the server's page limit (100 unless configured)."
        )]
        first: Option<i64>,
        #[graphql(desc = "Cursor of the last event of the previous page.")] after: Option<String>,
    ) -> FieldResult<Connection<String, LogEvent, EmptyFields, EmptyFields>> {
        let filter = EventFilter {
            stream_id,
            event_type,
            recorded_from,
            recorded_until,
            ..EventFilter::default()
        };
        Ok(events_page(ctx, filter, first, after).await?)
    }

    /// Recomputes the whole hash chain; with a checkpoint kept elsewhere
    /// (`sporbar verify --checkpoint`), also proves that the log up to it is
    /// unchanged and nothing was removed from its end. Reads the whole log.
    #[graphql(complexity = "super::cost::plus(super::cost::WHOLE_LOG, child_complexity)")]
    async fn verify_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The checkpoint's position.")] against_position: Option<i64>,
        #[graphql(desc = "The checkpoint's chain hash (hex).")] against_hash: Option<String>,
    ) -> FieldResult<VerifyResult> {
        let checkpoint = match (against_position, against_hash) {
            (None, None) => None,
            (Some(position), Some(hash)) => {
                let position = super::scalars::count("againstPosition", position)?;
                let hash = hex::decode(&hash)
                    .ok()
                    .and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok())
                    .ok_or_else(|| {
                        ApiError::validation("againstHash", "is not 64 hexadecimal digits")
                    })?;
                Some(crate::store::Checkpoint { position, hash })
            }
            _ => {
                return Err(ApiError::validation(
                    "againstHash",
                    "give both againstPosition and againstHash, or neither",
                )
                .into());
            }
        };
        let store = app(ctx).store.clone();
        // One whole-log verify at a time on the whole server, and it stops
        // when its request ends (see budget.rs).
        let report = app(ctx)
            .budget
            .whole_log(move |wanted| {
                let go_on = || wanted.still();
                Ok(match checkpoint {
                    Some(checkpoint) => store.verify_against_while(&checkpoint, &go_on),
                    None => store.verify_while(&go_on),
                }?)
            })
            .await?;
        Ok(VerifyResult {
            intact: report.problem.is_none(),
            events_checked: report.events_checked,
            head_position: report.head.map(|(p, _)| p),
            head_hash: report.head.map(|(_, h)| hex::encode(h)),
            problem_position: report.problem.as_ref().map(|p| p.position),
            problem: report.problem.map(|p| p.what),
        })
    }

    /// What changed in a strategy between two instants: per entity and
    /// field the value before and after, with who changed it and why.
    #[graphql(
        complexity = "super::cost::plus(super::cost::DIFF, super::cost::list(child_complexity))"
    )]
    async fn diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy.")] strategy_id: Uuid,
        #[graphql(desc = "The earlier instant.")] from: DateTime<Utc>,
        #[graphql(desc = "The later instant.")] to: DateTime<Utc>,
        #[graphql(desc = "Compare the world at this date (default: today).")] valid_at: Option<
            NaiveDate,
        >,
    ) -> FieldResult<Vec<Change>> {
        if to < from {
            return Err(
                ApiError::validation("to", "the later instant is before the earlier one").into(),
            );
        }
        let before = moment(ctx, Some(from), valid_at.map(Into::into)).await?;
        let after = moment(ctx, Some(to), valid_at.map(Into::into)).await?;
        Ok(app(ctx)
            .read(move |conn| {
                let scope = read::Scope::Strategy(strategy_id);
                let kinds: BTreeMap<Uuid, String> = read::entities(conn, scope, after)?
                    .into_iter()
                    .map(|e| (e.id, e.kind))
                    .collect();
                let old = read::timelines(conn, scope, before)?;
                let new = read::timelines(conn, scope, after)?;
                let mut changes = Vec::new();
                for (entity, fields) in &new {
                    for (field, rows) in fields {
                        let Some(now) = rows.last() else { continue };
                        let was = old
                            .get(entity)
                            .and_then(|f| f.get(field))
                            .and_then(|r| r.last());
                        if was.map(|w| &w.value) == Some(&now.value) {
                            continue;
                        }
                        changes.push(Change {
                            entity_id: *entity,
                            entity_kind: kinds.get(entity).cloned().unwrap_or_default(),
                            field: field.clone(),
                            before: was.map(|w| Json(w.value.clone())),
                            after: Json(now.value.clone()),
                            effective_at: now.effective_at.into(),
                            position: now.position,
                            recorded_at: now.recorded_at,
                            actor: now.actor.clone(),
                            reason: now.reason.clone(),
                        });
                    }
                }
                changes.sort_by_key(|c| c.position);
                Ok(changes)
            })
            .await?)
    }
}

/// The page size asked for: the server's largest page when not given,
/// refused above it. `first` is an `Int` read as an `i64` (see `scalars`),
/// so that 2^40 is refused here, naming the field.
fn page_size(ctx: &Context<'_>, first: Option<i64>) -> ApiResult<usize> {
    let most = app(ctx).settings.limits.max_page_size;
    match first {
        None => Ok(most),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&size| size <= most)
            .ok_or_else(|| {
                ApiError::validation(
                    "first",
                    format!(
                        "'{n}' is not between 0 and {most}, the largest page this server returns"
                    ),
                )
            }),
    }
}

/// Offset and size of a page of a list whose cursors are offsets.
fn page_bounds(
    ctx: &Context<'_>,
    first: Option<i64>,
    after: Option<String>,
) -> ApiResult<(usize, usize)> {
    let size = page_size(ctx, first)?;
    let offset = match after {
        None => 0,
        // The page starts after the cursor's node. Checked, because a
        // cursor of usize::MAX plus one wrapped round to the first page.
        Some(raw) => usize::try_from(cursor(&raw)?)
            .ok()
            .and_then(|last| last.checked_add(1))
            .ok_or_else(|| not_a_cursor(&raw))?,
    };
    // The callers look one node past the page (offset + size); keep that sum
    // representable even for a server configured with a boundless page.
    Ok((offset, size.min(usize::MAX - offset)))
}

/// The number a cursor holds: a log position for events, an offset for
/// other lists. Both are SQLite integers, so a cursor is at most
/// `i64::MAX`; anything else (a sign, a fraction, a larger number) was not
/// made by this API.
fn cursor(raw: &str) -> ApiResult<u64> {
    raw.parse::<u64>()
        .ok()
        .filter(|&n| i64::try_from(n).is_ok())
        .ok_or_else(|| not_a_cursor(raw))
}

fn not_a_cursor(raw: &str) -> ApiError {
    ApiError::validation("after", format!("'{raw}' is not a cursor from this API"))
}

/// A page of nodes whose cursors are their offsets in the whole list.
fn paged<T: async_graphql::OutputType>(
    offset: usize,
    nodes: impl Iterator<Item = T>,
    has_next: bool,
) -> Connection<String, T, EmptyFields, EmptyFields> {
    let mut connection = Connection::new(offset > 0, has_next);
    connection.edges.extend(
        nodes
            .enumerate()
            .map(|(i, node)| Edge::new((offset + i).to_string(), node)),
    );
    connection
}

async fn events_page(
    ctx: &Context<'_>,
    mut filter: EventFilter,
    first: Option<i64>,
    after: Option<String>,
) -> ApiResult<Connection<String, LogEvent, EmptyFields, EmptyFields>> {
    let size = page_size(ctx, first)?;
    filter.after_position = match after {
        None => 0,
        Some(raw) => cursor(&raw)?,
    };
    let clock = clock(ctx).await?;
    filter.limit = Some(size as u64 + 1);
    let head = clock.head_position();
    let store = app(ctx).store.clone();
    let mut events = app(ctx)
        .budget
        .blocking(move |_| Ok(store.read_events(&filter)?))
        .await?;
    // Answer at the request's head: events committed meanwhile wait for the next page.
    events.retain(|e| e.position <= head);
    let has_next = events.len() > size;
    events.truncate(size);
    let mut connection = Connection::new(false, has_next);
    connection.edges.extend(
        events
            .into_iter()
            .map(|e| Edge::new(e.position.to_string(), LogEvent(Arc::new(e)))),
    );
    Ok(connection)
}

/// Which log position and chain hash an answer was computed at, and for
/// which moment.
#[derive(SimpleObject, Clone, Debug)]
pub struct ComputedAt {
    /// The log position the answer takes into account (0: empty log).
    pub position: u64,
    /// The chain hash at that position (hex), absent for an empty log.
    pub hash: Option<String>,
    /// The date the world is shown at.
    pub valid_at: Date,
    /// The instant asked for, when the question was "as of".
    pub as_of: Option<DateTime<Utc>>,
}

impl ComputedAt {
    fn new(moment: Moment, chain: Option<(u64, [u8; 32])>, as_of: Option<DateTime<Utc>>) -> Self {
        ComputedAt {
            position: chain.map(|(p, _)| p).unwrap_or(0).min(moment.as_of),
            hash: chain.map(|(_, h)| hex::encode(h)),
            valid_at: moment.valid_at.into(),
            as_of,
        }
    }
}

async fn computed_at(
    ctx: &Context<'_>,
    moment: Moment,
    asked_as_of: Option<DateTime<Utc>>,
) -> ApiResult<ComputedAt> {
    let chain = app(ctx)
        .read(move |conn| Ok(read::chain_at(conn, moment.as_of)?))
        .await?;
    Ok(ComputedAt::new(moment, chain, asked_as_of))
}

/// A stream's version at a log position: its last event's version there.
async fn version_at(ctx: &Context<'_>, stream_id: Uuid, position: u64) -> ApiResult<u64> {
    app(ctx)
        .read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT coalesce(max(stream_version), 0) FROM events \
                     WHERE stream_id = ?1 AND position <= ?2",
                )?
                .query_row(rusqlite::params![stream_id.to_string(), position], |r| {
                    r.get(0)
                })?)
        })
        .await
}

/// The outcome of recomputing the hash chain.
#[derive(SimpleObject, Clone, Debug)]
pub struct VerifyResult {
    /// True when every event is as it was written (and, with a checkpoint,
    /// the log still reaches it unchanged).
    pub intact: bool,
    /// Events found intact before the first problem.
    pub events_checked: u64,
    /// Position of the last intact event.
    pub head_position: Option<u64>,
    /// Its chain hash (hex): keep it as a checkpoint.
    pub head_hash: Option<String>,
    /// Where the first problem is.
    pub problem_position: Option<u64>,
    /// What the first problem is.
    pub problem: Option<String>,
}

/// One change found by `diff`.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Change {
    /// The entity that changed.
    pub entity_id: Uuid,
    /// Its kind: organization, strategy, focus_area, goal, indicator, action, benefit, working_group.
    pub entity_kind: String,
    /// The field, as stored in the read models (e.g. `assessment`, `budget:2017:INVESTMENT`).
    pub field: String,
    /// The value at the earlier instant; absent when the field was not set then.
    pub before: Option<Json<serde_json::Value>>,
    /// The value at the later instant.
    pub after: Json<serde_json::Value>,
    /// From when the new value is effective.
    pub effective_at: Date,
    /// The log position of the event that set the new value.
    pub position: u64,
    /// When that event was recorded.
    pub recorded_at: DateTime<Utc>,
    #[graphql(skip)]
    pub actor: String,
    /// Why, as they wrote it.
    pub reason: Option<String>,
}

/// One event of the log.
pub struct LogEvent(pub Arc<StoredEvent>);

/// One event of the log: what happened, to which entity, when it was recorded and from when it holds, by whom and why, with its place in the hash chain.
#[Object]
impl LogEvent {
    /// Global order in the log, gap-free from 1.
    async fn position(&self) -> u64 {
        self.0.position
    }
    /// Unique id of the event.
    async fn event_id(&self) -> Uuid {
        self.0.event_id
    }
    /// The entity (stream) the event belongs to.
    async fn stream_id(&self) -> Uuid {
        self.0.stream_id
    }
    /// The entity's version after this event.
    async fn stream_version(&self) -> u64 {
        self.0.stream_version
    }
    /// The event's type, e.g. GoalAssessed (see events/README.md).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// The version of the payload's schema.
    async fn schema_version(&self) -> u32 {
        self.0.schema_version
    }
    /// The payload as stored (JSON).
    #[graphql(complexity = "super::cost::PAYLOAD")]
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.payload).unwrap_or(serde_json::Value::Null))
    }
    /// When the system learned it (transaction time, UTC).
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
    /// From when it is true in the world (valid time).
    async fn effective_at(&self) -> Date {
        self.0.effective_at.into()
    }
    /// Who recorded it; null unless you may see actors (editors,
    /// auditors, admins: names are personal data).
    async fn actor(&self, ctx: &Context<'_>) -> Option<&str> {
        shown_actor(ctx, &self.0.actor)
    }
    /// Why, as they wrote it.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The command that caused it (idempotency key).
    async fn command_id(&self) -> Uuid {
        self.0.command_id
    }
    /// Groups the events of one piece of work.
    async fn correlation_id(&self) -> Uuid {
        self.0.correlation_id
    }
    /// The event or command that led to this one, when known.
    async fn causation_id(&self) -> Option<Uuid> {
        self.0.causation_id
    }
    /// Hash of the previous event (hex).
    async fn prev_hash(&self) -> String {
        hex::encode(self.0.prev_hash)
    }
    /// SHA-256 over this event's canonical bytes (hex).
    async fn hash(&self) -> String {
        hex::encode(self.0.hash)
    }
}

/// An organization (samarbeid): an inter-municipal IT cooperation.
pub struct Organization {
    pub view: Arc<read::OrganizationView>,
    pub moment: Moment,
    /// The instant asked for, when the question was "as of".
    pub asked_as_of: Option<DateTime<Utc>>,
}

/// An organization (samarbeid): an inter-municipal IT cooperation with member municipalities and working groups.
#[Object]
impl Organization {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view.id
    }
    /// Its name, e.g. IKT Orkidé.
    async fn name(&self) -> &str {
        &self.view.name
    }
    /// The date it was registered from.
    async fn since(&self) -> Date {
        self.view.since.into()
    }
    /// Member municipalities (medlemskommuner) and their joining and leaving
    /// up to the valid-at date; by default only current members.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn members(
        &self,
        #[graphql(desc = "Also list municipalities that have left.", default = false)]
        include_former: bool,
    ) -> Vec<Member> {
        self.view
            .members
            .iter()
            .filter(|m| include_former || m.is_member)
            .map(|m| Member {
                kommunenummer: m.kommunenummer.clone(),
                name: m.name.clone(),
                is_member: m.is_member,
                changes: m
                    .changes
                    .iter()
                    .map(|(effective_at, joined)| MembershipChange {
                        effective_at: (*effective_at).into(),
                        joined: *joined,
                    })
                    .collect(),
            })
            .collect()
    }
    /// Working groups (faggrupper / nettverk); by default only those not disbanded.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn working_groups(
        &self,
        #[graphql(desc = "Also list disbanded groups.", default = false)] include_disbanded: bool,
    ) -> Vec<WorkingGroup> {
        self.view
            .working_groups
            .iter()
            .filter(|g| include_disbanded || !g.disbanded)
            .map(|g| WorkingGroup {
                id: g.id,
                name: g.name.clone(),
                disbanded: g.disbanded,
            })
            .collect()
    }
    /// Download link of its plan file (docs/plan-format.md): every
    /// strategy with its dated facts, importable again.
    async fn plan_file_url(&self) -> String {
        format!("/export/organizations/{}/plan.toml", self.view.id)
    }
    /// Its strategies at the same moment.
    #[graphql(
        complexity = "super::cost::list(super::cost::plus(super::cost::VIEW, child_complexity))"
    )]
    async fn strategies(&self, ctx: &Context<'_>) -> FieldResult<Vec<Strategy>> {
        let (id, moment) = (self.view.id, self.moment);
        let cache = app(ctx).views.clone();
        let views = app(ctx)
            .read(move |conn| {
                let mut out = Vec::new();
                for strategy in read::strategy_ids(conn, Some(id), moment)? {
                    out.extend(cache.strategy(conn, strategy, moment)?);
                }
                Ok(out)
            })
            .await?;
        Ok(views
            .into_iter()
            .map(|v| Strategy::new(v, moment).asked(self.asked_as_of))
            .collect())
    }
    /// The log position and chain hash this answer was computed at.
    #[graphql(complexity = "super::cost::plus(super::cost::READ, child_complexity)")]
    async fn computed_at(&self, ctx: &Context<'_>) -> FieldResult<ComputedAt> {
        Ok(computed_at(ctx, self.moment, self.asked_as_of).await?)
    }
}

impl Organization {
    pub(super) fn working_group(&self, id: Uuid) -> Option<WorkingGroup> {
        self.view
            .working_groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| WorkingGroup {
                id: g.id,
                name: g.name.clone(),
                disbanded: g.disbanded,
            })
    }
}

/// A member municipality (medlemskommune).
#[derive(SimpleObject, Clone, Debug)]
pub struct Member {
    /// Kommunenummer, four digits.
    pub kommunenummer: String,
    /// The municipality's name.
    pub name: String,
    /// Whether it is a member at the valid-at date.
    pub is_member: bool,
    /// Its joining and leaving, oldest first.
    pub changes: Vec<MembershipChange>,
}

/// A municipality joining or leaving.
#[derive(SimpleObject, Clone, Debug)]
pub struct MembershipChange {
    /// From when.
    pub effective_at: Date,
    /// True for joining, false for leaving.
    pub joined: bool,
}

/// A working group (faggruppe / nettverk).
#[derive(SimpleObject, Clone, Debug)]
pub struct WorkingGroup {
    /// Its id.
    pub id: Uuid,
    /// Its name, e.g. Helse og omsorg.
    pub name: String,
    /// Whether it is disbanded at the valid-at date.
    pub disbanded: bool,
}

/// A span of whole years.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct YearPeriod {
    /// First year.
    pub start: i32,
    /// Last year, included.
    pub end: i32,
}

/// A strategy (strategiplan) for a period.
#[derive(Clone)]
pub struct Strategy {
    pub view: Arc<read::StrategyView>,
    pub moment: Moment,
    /// The owning organization, loaded once for all the strategy's actions
    /// (their owners are its working groups) instead of once per action.
    organization: Arc<tokio::sync::OnceCell<Option<Arc<read::OrganizationView>>>>,
    /// The instant asked for, when the question was "as of".
    asked_as_of: Option<DateTime<Utc>>,
}

impl Strategy {
    pub(super) fn new(view: Arc<read::StrategyView>, moment: Moment) -> Self {
        Strategy {
            view,
            moment,
            organization: Arc::default(),
            asked_as_of: None,
        }
    }

    /// Remembers the instant an as-of question named, for `computedAt`.
    pub(super) fn asked(self, as_of: Option<DateTime<Utc>>) -> Self {
        Strategy {
            asked_as_of: as_of,
            ..self
        }
    }

    async fn organization_view(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<Arc<read::OrganizationView>>> {
        let (id, moment) = (self.view.organization_id, self.moment);
        let view = self
            .organization
            .get_or_try_init(|| async move {
                let view = app(ctx)
                    .read(move |conn| Ok(read::organization(conn, id, moment)?))
                    .await?;
                Ok::<_, ApiError>(view.map(Arc::new))
            })
            .await?;
        Ok(view.clone())
    }
}

fn budget_totals<'a>(actions: impl Iterator<Item = &'a read::ActionView>) -> Vec<BudgetTotal> {
    let mut per_year: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for line in actions.flat_map(|a| a.budget.iter()) {
        let entry = per_year.entry(line.year).or_default();
        entry.0 += line.planned;
        entry.1 += line.actual.unwrap_or(0);
    }
    per_year
        .into_iter()
        .map(|(year, (planned, actual))| BudgetTotal {
            year,
            planned,
            actual,
        })
        .collect()
}

/// A strategy (strategiplan) for a period, with its focus areas, goals, actions and benefits, at one moment.
#[Object]
impl Strategy {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view.id
    }
    /// The organization that owns it, at the same moment.
    #[graphql(complexity = "super::cost::plus(super::cost::VIEW, child_complexity)")]
    async fn organization(&self, ctx: &Context<'_>) -> FieldResult<Option<Organization>> {
        Ok(
            load_organization(ctx, self.view.organization_id, self.moment)
                .await?
                .map(|o| Organization {
                    asked_as_of: self.asked_as_of,
                    ..o
                }),
        )
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.view.title
    }
    /// The years it covers (strategiperiode).
    async fn period(&self) -> YearPeriod {
        YearPeriod {
            start: self.view.period.0,
            end: self.view.period.1,
        }
    }
    /// Its vision (visjon).
    async fn vision(&self) -> Option<&str> {
        self.view.vision.as_deref()
    }
    /// Draft, adopted (vedtatt) or closed.
    async fn status(&self) -> Option<StrategyStatus> {
        StrategyStatus::from_wire(&self.view.status)
    }
    /// Who adopted it (vedtatt av).
    async fn adopted_by(&self) -> Option<&str> {
        self.view.adoption.as_ref().map(|a| a.value.as_str())
    }
    /// The date it was adopted.
    async fn adopted_on(&self) -> Option<Date> {
        self.view
            .adoption
            .as_ref()
            .map(|a| a.effective_at)
            .map(Into::into)
    }
    /// The strategy it succeeds, at the same moment.
    #[graphql(complexity = "super::cost::plus(super::cost::VIEW, child_complexity)")]
    async fn predecessor(&self, ctx: &Context<'_>) -> FieldResult<Option<Strategy>> {
        match self.view.predecessor {
            Some(id) => Ok(load_strategy(ctx, id, self.moment)
                .await?
                .map(|s| s.asked(self.asked_as_of))),
            None => Ok(None),
        }
    }
    /// Its focus areas (satsingsområder), by number.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn focus_areas(&self) -> Vec<FocusArea> {
        (0..self.view.areas.len())
            .map(|index| FocusArea {
                strategy: self.clone(),
                index,
            })
            .collect()
    }
    /// One focus area by its number.
    async fn focus_area(
        &self,
        #[graphql(desc = "The area's number, e.g. 3.")] number: u8,
    ) -> Option<FocusArea> {
        let index = self.view.areas.iter().position(|a| a.number == number)?;
        Some(FocusArea {
            strategy: self.clone(),
            index,
        })
    }
    /// Every goal of every focus area.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn goals(&self) -> Vec<Goal> {
        self.goal_handles()
    }
    /// Actions (tiltak), optionally only decommissioning (sanering) ones or in a status.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn actions(
        &self,
        #[graphql(desc = "Only actions that retire a legacy system (sanering).")]
        decommissioning: Option<bool>,
        #[graphql(desc = "Only actions in this status.")] status: Option<ActionStatus>,
    ) -> Vec<Action> {
        self.view
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| decommissioning.is_none_or(|d| a.decommissioning == d))
            .filter(|(_, a)| {
                status.is_none_or(|s| ActionStatus::from_wire(&a.status.value.status) == Some(s))
            })
            .map(|(index, _)| Action {
                strategy: self.clone(),
                index,
            })
            .collect()
    }
    /// Benefits (gevinster), optionally for one stakeholder group.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn benefits(
        &self,
        #[graphql(desc = "Only benefits for this stakeholder.")] stakeholder: Option<Stakeholder>,
    ) -> Vec<Benefit> {
        self.view
            .benefits
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                stakeholder.is_none_or(|s| Stakeholder::from_wire(&b.stakeholder) == Some(s))
            })
            .map(|(index, _)| Benefit {
                strategy: self.clone(),
                index,
            })
            .collect()
    }
    /// Planned and actual budget per year, all actions together.
    #[graphql(complexity = "super::cost::list(child_complexity)")]
    async fn budget_totals(&self) -> Vec<BudgetTotal> {
        budget_totals(self.view.actions.iter())
    }
    /// Attainment of all goals in force at the moment.
    async fn attainment(&self) -> Attainment {
        read::attainment_of(self.view.areas.iter().flat_map(|a| a.goals.iter())).into()
    }
    /// Attainment per year-end (status per 31.12) of every year of the
    /// period, as known at this moment's log position: a time series.
    #[graphql(
        complexity = "super::cost::times(super::cost::YEARS, super::cost::plus(super::cost::VIEW, child_complexity))"
    )]
    async fn attainment_by_year(&self, ctx: &Context<'_>) -> FieldResult<Vec<YearAttainment>> {
        let (id, as_of) = (self.view.id, self.moment.as_of);
        let (start, end) = self.view.period;
        let cache = app(ctx).views.clone();
        Ok(app(ctx)
            .read(move |conn| {
                let mut series = Vec::new();
                for year in start..=end {
                    let Some(valid_at) = NaiveDate::from_ymd_opt(year, 12, 31) else {
                        continue;
                    };
                    let Some(view) = cache.strategy(conn, id, Moment { as_of, valid_at })? else {
                        series.push(YearAttainment {
                            year,
                            valid_at: valid_at.into(),
                            attainment: read::attainment_of([]).into(),
                            areas: vec![],
                        });
                        continue;
                    };
                    series.push(YearAttainment {
                        year,
                        valid_at: valid_at.into(),
                        attainment: read::attainment_of(
                            view.areas.iter().flat_map(|a| a.goals.iter()),
                        )
                        .into(),
                        areas: view
                            .areas
                            .iter()
                            .map(|a| AreaAttainment {
                                focus_area_id: a.id,
                                number: a.number,
                                title: a.title.clone(),
                                attainment: read::attainment_of(a.goals.iter()).into(),
                            })
                            .collect(),
                    });
                }
                Ok(series)
            })
            .await?)
    }
    /// Side by side with the predecessor strategy: its attainment at its
    /// last year-end, and each goal carried over with its status then and now.
    #[graphql(complexity = "super::cost::plus(2 * super::cost::VIEW, child_complexity)")]
    async fn predecessor_comparison(
        &self,
        ctx: &Context<'_>,
    ) -> FieldResult<Option<PredecessorComparison>> {
        let Some(predecessor_id) = self.view.predecessor else {
            return Ok(None);
        };
        let as_of = self.moment.as_of;
        let cache = app(ctx).views.clone();
        let predecessor_end = app(ctx)
            .read(move |conn| {
                let now = cache.strategy(
                    conn,
                    predecessor_id,
                    Moment {
                        as_of,
                        valid_at: read::LAST_DATE,
                    },
                )?;
                let Some(now) = now else { return Ok(None) };
                let valid_at =
                    NaiveDate::from_ymd_opt(now.period.1, 12, 31).unwrap_or(read::LAST_DATE);
                Ok(cache
                    .strategy(conn, predecessor_id, Moment { as_of, valid_at })?
                    .map(|v| (v, valid_at)))
            })
            .await?;
        let Some((previous, valid_at)) = predecessor_end else {
            return Ok(None);
        };
        let previous = Strategy::new(previous, Moment { as_of, valid_at }).asked(self.asked_as_of);
        let previous_goals = previous.goal_handles();
        let carried_over = self
            .goal_handles()
            .into_iter()
            .filter_map(|goal| {
                let origin = goal.view().carried_over_from?;
                let earlier = previous_goals
                    .iter()
                    .find(|g| g.view().id == origin)?
                    .clone();
                Some(CarriedGoal {
                    goal,
                    previous: earlier,
                })
            })
            .collect();
        Ok(Some(PredecessorComparison {
            attainment: read::attainment_of(
                previous.view.areas.iter().flat_map(|a| a.goals.iter()),
            )
            .into(),
            valid_at: valid_at.into(),
            predecessor: previous,
            carried_over,
        }))
    }
    /// Download link of the annual status report (årsrapport) per 31.12 of
    /// `year`, as this answer knows the log: a self-contained HTML page with
    /// charts, or Markdown.
    async fn report_url(
        &self,
        #[graphql(desc = "The report's year: the status per 31 December.")] year: i32,
        #[graphql(desc = "MARKDOWN for Markdown; HTML by default.", default)] format: ReportFormat,
    ) -> String {
        let extension = match format {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
        };
        format!(
            "/export/strategies/{}/report.{extension}?year={year}",
            self.view.id
        )
    }
    /// The log position and chain hash this answer was computed at.
    #[graphql(complexity = "super::cost::plus(super::cost::READ, child_complexity)")]
    async fn computed_at(&self, ctx: &Context<'_>) -> FieldResult<ComputedAt> {
        Ok(computed_at(ctx, self.moment, self.asked_as_of).await?)
    }
}

/// The form of a downloadable report.
#[derive(async_graphql::Enum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportFormat {
    /// A self-contained HTML page with SVG charts.
    #[default]
    Html,
    /// Markdown.
    Markdown,
}

impl Strategy {
    pub(super) fn focus_area_by_id(&self, id: Uuid) -> Option<FocusArea> {
        let index = self.view.areas.iter().position(|a| a.id == id)?;
        Some(FocusArea {
            strategy: self.clone(),
            index,
        })
    }

    pub(super) fn goal_by_id(&self, id: Uuid) -> Option<Goal> {
        self.goal_handles().into_iter().find(|g| g.view().id == id)
    }

    pub(super) fn action_by_id(&self, id: Uuid) -> Option<Action> {
        let index = self.view.actions.iter().position(|a| a.id == id)?;
        Some(Action {
            strategy: self.clone(),
            index,
        })
    }

    pub(super) fn benefit_by_id(&self, id: Uuid) -> Option<Benefit> {
        let index = self.view.benefits.iter().position(|b| b.id == id)?;
        Some(Benefit {
            strategy: self.clone(),
            index,
        })
    }

    pub(super) fn indicator_by_id(&self, id: Uuid) -> Option<Indicator> {
        let valid_at = self.moment.valid_at;
        let of_goals = self
            .view
            .areas
            .iter()
            .flat_map(|a| a.goals.iter())
            .flat_map(|g| g.indicators.iter());
        let of_benefits = self.view.benefits.iter().flat_map(|b| b.indicators.iter());
        of_goals
            .chain(of_benefits)
            .find(|i| i.id == id)
            .map(|view| Indicator {
                view: view.clone(),
                valid_at,
                as_of: self.moment.as_of,
            })
    }

    fn goal_handles(&self) -> Vec<Goal> {
        self.view
            .areas
            .iter()
            .enumerate()
            .flat_map(|(a, area)| (0..area.goals.len()).map(move |g| (a, g)))
            .map(|(area, goal)| Goal {
                strategy: self.clone(),
                area,
                goal,
            })
            .collect()
    }
}

/// A focus area (satsingsområde / fokusområde).
#[derive(Clone)]
pub struct FocusArea {
    strategy: Strategy,
    index: usize,
}

impl FocusArea {
    fn view(&self) -> &read::AreaView {
        &self.strategy.view.areas[self.index]
    }
}

/// A focus area (satsingsområde / fokusområde) of a strategy.
#[Object]
impl FocusArea {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view().id
    }
    /// Its number within the strategy.
    async fn number(&self) -> u8 {
        self.view().number
    }
    /// Its title, e.g. Digital dialog.
    async fn title(&self) -> &str {
        &self.view().title
    }
    /// Its description and rationale.
    async fn description(&self) -> Option<&str> {
        self.view().description.as_deref()
    }
    /// Its goals (mål), by number; retired goals only when asked for.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn goals(
        &self,
        #[graphql(desc = "Also list retired goals.", default = false)] include_retired: bool,
    ) -> Vec<Goal> {
        self.view()
            .goals
            .iter()
            .enumerate()
            .filter(|(_, g)| include_retired || g.retired.is_none())
            .map(|(goal, _)| Goal {
                strategy: self.strategy.clone(),
                area: self.index,
                goal,
            })
            .collect()
    }
    /// Attainment of its goals in force.
    async fn attainment(&self) -> Attainment {
        read::attainment_of(self.view().goals.iter()).into()
    }
    /// Actions whose lowest-numbered linked goal is in this area.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn actions(&self) -> Vec<Action> {
        let area = self.view().id;
        let view = &self.strategy.view;
        view.actions
            .iter()
            .enumerate()
            .filter(|(_, a)| read::primary_area(view, a) == Some(area))
            .map(|(index, _)| Action {
                strategy: self.strategy.clone(),
                index,
            })
            .collect()
    }
    /// Planned and actual budget per year of this area's actions.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn budget_totals(&self) -> Vec<BudgetTotal> {
        let area = self.view().id;
        let view = &self.strategy.view;
        budget_totals(
            view.actions
                .iter()
                .filter(|a| read::primary_area(view, a) == Some(area)),
        )
    }
}

/// A goal (mål).
#[derive(Clone)]
pub struct Goal {
    strategy: Strategy,
    area: usize,
    goal: usize,
}

impl Goal {
    fn view(&self) -> &read::GoalView {
        &self.strategy.view.areas[self.area].goals[self.goal]
    }
}

/// A goal (mål) of a focus area, with its assessed status over time.
#[Object]
impl Goal {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view().id
    }
    /// The entity's version (its number of events) at the answer's log
    /// position: send it as `expectedVersion` to change it only if nobody
    /// else has since.
    #[graphql(complexity = "super::cost::READ")]
    async fn version(&self, ctx: &Context<'_>) -> FieldResult<u64> {
        Ok(version_at(ctx, self.view().id, self.strategy.moment.as_of).await?)
    }
    /// Its number as the documents write it, e.g. "3.2".
    async fn number(&self) -> &str {
        &self.view().number
    }
    /// Its wording.
    async fn wording(&self) -> &str {
        &self.view().wording
    }
    /// The focus area's number.
    async fn focus_area_number(&self) -> u8 {
        self.strategy.view.areas[self.area].number
    }
    /// Its status at the moment; NOT_STARTED until first assessed.
    async fn status(&self) -> GoalStatus {
        self.view()
            .assessment()
            .and_then(|a| GoalStatus::from_wire(&a.value.status))
            .unwrap_or(GoalStatus::NotStarted)
    }
    /// The assessment in force at the moment.
    async fn assessment(&self) -> Option<Assessment> {
        self.view().assessment().map(Assessment::from)
    }
    /// Its assessments up to the valid-at date, one per effective date (a
    /// later correction for the same date replaces the earlier one), oldest first.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn assessments(&self) -> Vec<Assessment> {
        self.view()
            .assessments
            .iter()
            .map(Assessment::from)
            .collect()
    }
    /// The goal of the predecessor strategy it was carried over from.
    async fn carried_over_from(&self) -> Option<Uuid> {
        self.view().carried_over_from
    }
    /// The date it was retired (utgått), merged or split, if it was by the valid-at date.
    async fn retired_on(&self) -> Option<Date> {
        self.view().retired.map(Into::into)
    }
    /// The goals that replaced it by a merge or split.
    async fn replaced_by(&self) -> Vec<Uuid> {
        self.view().replaced_by.clone()
    }
    /// Its indicators (styringsdata).
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn indicators(&self) -> Vec<Indicator> {
        self.view()
            .indicators
            .iter()
            .cloned()
            .map(|view| Indicator {
                view,
                valid_at: self.strategy.moment.valid_at,
                as_of: self.strategy.moment.as_of,
            })
            .collect()
    }
    /// The actions linked to it.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn actions(&self) -> Vec<Action> {
        let id = self.view().id;
        self.strategy
            .view
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.goals.contains(&id))
            .map(|(index, _)| Action {
                strategy: self.strategy.clone(),
                index,
            })
            .collect()
    }
}

/// An assessment (vurdering) of a goal.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Assessment {
    /// The status.
    pub status: GoalStatus,
    /// The written justification.
    pub justification: String,
    /// From when it holds.
    pub effective_at: Date,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    #[graphql(skip)]
    pub actor: String,
    /// Why it was recorded (e.g. "correction").
    pub reason: Option<String>,
    /// The log position of the event that recorded it.
    pub position: u64,
}

impl From<&read::Dated<read::Assessment>> for Assessment {
    fn from(a: &read::Dated<read::Assessment>) -> Self {
        Assessment {
            status: GoalStatus::from_wire(&a.value.status).unwrap_or(GoalStatus::NotStarted),
            justification: a.value.justification.clone(),
            effective_at: a.effective_at.into(),
            recorded_at: a.recorded_at,
            actor: a.actor.clone(),
            reason: a.reason.clone(),
            position: a.position,
        }
    }
}

/// An indicator (indikator / styringsdata) with its measurements.
pub struct Indicator {
    view: read::IndicatorView,
    valid_at: NaiveDate,
    /// The log position the answer is computed at.
    as_of: u64,
}

/// An indicator (indikator / styringsdata) of a goal or benefit: unit, baseline, targets and measurements.
#[Object]
impl Indicator {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view.id
    }
    /// The entity's version (its number of events) at the answer's log
    /// position: send it as `expectedVersion` to change it only if nobody
    /// else has since.
    #[graphql(complexity = "super::cost::READ")]
    async fn version(&self, ctx: &Context<'_>) -> FieldResult<u64> {
        Ok(version_at(ctx, self.view.id, self.as_of).await?)
    }
    /// What it measures.
    async fn name(&self) -> &str {
        &self.view.name
    }
    /// The unit, e.g. "dager" or "NOK".
    async fn unit(&self) -> &str {
        &self.view.unit
    }
    /// Whether higher or lower is better.
    async fn direction(&self) -> Option<Direction> {
        Direction::from_wire(&self.view.direction)
    }
    /// Expected days between measurements.
    async fn update_every_days(&self) -> Option<u16> {
        self.view.update_every_days
    }
    /// True when the last measurement (or the baseline) is older than the
    /// expected update frequency at the valid-at date.
    async fn stale(&self) -> bool {
        let Some(days) = self.view.update_every_days else {
            return false;
        };
        let last = self
            .view
            .measurements
            .last()
            .map(|m| m.effective_at)
            .or(self.view.baseline.map(|b| b.1));
        last.is_none_or(|d| (self.valid_at - d).num_days() > i64::from(days))
    }
    /// The baseline (nullpunktsmåling).
    async fn baseline(&self) -> Option<Measurement> {
        self.view.baseline.map(|(value, on)| Measurement {
            value,
            on: on.into(),
            comment: None,
            recorded_at: None,
            actor: None,
        })
    }
    /// Targets by due date; a revised target for the same date replaces the earlier one (both stay in the history).
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn targets(&self) -> Vec<Target> {
        self.view
            .targets
            .iter()
            .map(|t| Target {
                due: t.value.0.into(),
                value: t.value.1,
                set_on: t.effective_at.into(),
            })
            .collect()
    }
    /// Measurements up to the valid-at date, oldest first.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn measurements(&self) -> Vec<Measurement> {
        self.view
            .measurements
            .iter()
            .map(|m| Measurement {
                value: m.value.value,
                on: m.effective_at.into(),
                comment: m.value.comment.clone(),
                recorded_at: Some(m.recorded_at),
                actor: Some(m.actor.clone()),
            })
            .collect()
    }
}

/// A measured value.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Measurement {
    /// The value.
    pub value: f64,
    /// The date measured.
    pub on: Date,
    /// A comment.
    pub comment: Option<String>,
    /// When it was recorded.
    pub recorded_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub actor: Option<String>,
}

/// A target for an indicator.
#[derive(SimpleObject, Clone, Debug)]
pub struct Target {
    /// The date it should be reached by.
    pub due: Date,
    /// The target value.
    pub value: f64,
    /// When the target was set.
    pub set_on: Date,
}

/// An action (tiltak).
#[derive(Clone)]
pub struct Action {
    strategy: Strategy,
    index: usize,
}

impl Action {
    fn view(&self) -> &read::ActionView {
        &self.strategy.view.actions[self.index]
    }
}

/// An action (tiltak): a project, programme or measure for one or more goals, with budget lines.
#[Object]
impl Action {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view().id
    }
    /// The entity's version (its number of events) at the answer's log
    /// position: send it as `expectedVersion` to change it only if nobody
    /// else has since.
    #[graphql(complexity = "super::cost::READ")]
    async fn version(&self, ctx: &Context<'_>) -> FieldResult<u64> {
        Ok(version_at(ctx, self.view().id, self.strategy.moment.as_of).await?)
    }
    /// Main project, sub-project, programme or measure.
    async fn kind(&self) -> Option<ActionKind> {
        ActionKind::from_wire(&self.view().kind)
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.view().title
    }
    /// Its description.
    async fn description(&self) -> Option<&str> {
        self.view().description.as_deref()
    }
    /// The working group that owns it.
    #[graphql(complexity = "super::cost::plus(super::cost::VIEW, child_complexity)")]
    async fn owner(&self, ctx: &Context<'_>) -> FieldResult<Option<WorkingGroup>> {
        let Some(owner) = self.view().owner else {
            return Ok(None);
        };
        let organization = self.strategy.organization_view(ctx).await?;
        Ok(organization.and_then(|o| {
            o.working_groups
                .iter()
                .find(|g| g.id == owner)
                .map(|g| WorkingGroup {
                    id: g.id,
                    name: g.name.clone(),
                    disbanded: g.disbanded,
                })
        }))
    }
    /// The focus area it is reported under: its own, or the lowest-numbered
    /// area among its goals.
    async fn focus_area_id(&self) -> Option<Uuid> {
        read::primary_area(&self.strategy.view, self.view())
    }
    /// Kommunenummer of the member municipalities involved.
    async fn members_involved(&self) -> &[String] {
        &self.view().members_involved
    }
    /// The years it runs.
    async fn period(&self) -> YearPeriod {
        YearPeriod {
            start: self.view().period.0,
            end: self.view().period.1,
        }
    }
    /// Whether it retires a legacy system (sanering).
    async fn decommissioning(&self) -> bool {
        self.view().decommissioning
    }
    /// Its status at the moment.
    async fn status(&self) -> Option<ActionStatus> {
        ActionStatus::from_wire(&self.view().status.value.status)
    }
    /// The note given with the status.
    async fn status_note(&self) -> Option<&str> {
        self.view().status.value.note.as_deref()
    }
    /// From when the status holds.
    async fn status_since(&self) -> Date {
        self.view().status.effective_at.into()
    }
    /// Its status changes up to the valid-at date, oldest first.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn status_history(&self) -> Vec<StatusChange> {
        self.view()
            .status_history
            .iter()
            .map(StatusChange::from)
            .collect()
    }
    /// The goals it serves.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn goals(&self) -> Vec<Goal> {
        let goals = &self.view().goals;
        self.strategy
            .goal_handles()
            .into_iter()
            .filter(|g| goals.contains(&g.view().id))
            .collect()
    }
    /// Its budget lines (budsjettposter), by year and category.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn budget_lines(&self) -> Vec<BudgetLine> {
        self.view()
            .budget
            .iter()
            .map(|l| BudgetLine {
                year: l.year,
                category: BudgetCategory::from_wire(&l.category).unwrap_or(BudgetCategory::Other),
                planned: l.planned,
                actual: l.actual,
                effective_at: l.effective_at.into(),
            })
            .collect()
    }
    /// Planned and actual per year.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn budget_totals(&self) -> Vec<BudgetTotal> {
        budget_totals(std::iter::once(self.view()))
    }
    /// Its benefits.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn benefits(&self) -> Vec<Benefit> {
        let id = self.view().id;
        self.strategy
            .view
            .benefits
            .iter()
            .enumerate()
            .filter(|(_, b)| b.action == Some(id))
            .map(|(index, _)| Benefit {
                strategy: self.strategy.clone(),
                index,
            })
            .collect()
    }
}

/// A status change of an action or benefit.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct StatusChange {
    /// The status (wire name).
    pub status: String,
    /// The note given with it.
    pub note: Option<String>,
    /// From when it holds.
    pub effective_at: Date,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    #[graphql(skip)]
    pub actor: String,
}

impl From<&read::Dated<read::ActionStatusNote>> for StatusChange {
    fn from(s: &read::Dated<read::ActionStatusNote>) -> Self {
        StatusChange {
            status: s.value.status.clone(),
            note: s.value.note.clone(),
            effective_at: s.effective_at.into(),
            recorded_at: s.recorded_at,
            actor: s.actor.clone(),
        }
    }
}

/// A budget line (budsjettpost): one action, one year, one category.
#[derive(SimpleObject, Clone, Debug)]
pub struct BudgetLine {
    /// The year.
    pub year: i32,
    /// The cost category.
    pub category: BudgetCategory,
    /// Planned amount, NOK.
    pub planned: i64,
    /// Actual amount, NOK, once known.
    pub actual: Option<i64>,
    /// From when this line holds.
    pub effective_at: Date,
}

/// Budget summed for one year.
#[derive(SimpleObject, Clone, Debug)]
pub struct BudgetTotal {
    /// The year.
    pub year: i32,
    /// Planned, NOK.
    pub planned: i64,
    /// Actual so far, NOK.
    pub actual: i64,
}

/// A benefit (gevinst).
#[derive(Clone)]
pub struct Benefit {
    strategy: Strategy,
    index: usize,
}

impl Benefit {
    fn view(&self) -> &read::BenefitView {
        &self.strategy.view.benefits[self.index]
    }
}

/// A benefit (gevinst) expected from an action, with its realisation (gevinstrealisering) over time.
#[Object]
impl Benefit {
    /// Its id.
    async fn id(&self) -> Uuid {
        self.view().id
    }
    /// The entity's version (its number of events) at the answer's log
    /// position: send it as `expectedVersion` to change it only if nobody
    /// else has since.
    #[graphql(complexity = "super::cost::READ")]
    async fn version(&self, ctx: &Context<'_>) -> FieldResult<u64> {
        Ok(version_at(ctx, self.view().id, self.strategy.moment.as_of).await?)
    }
    /// The action it is expected from.
    async fn action_id(&self) -> Option<Uuid> {
        self.view().action
    }
    /// Who it is for.
    async fn stakeholder(&self) -> Option<Stakeholder> {
        Stakeholder::from_wire(&self.view().stakeholder)
    }
    /// Efficiency, quality or benefits for other actors.
    async fn category(&self) -> Option<BenefitCategory> {
        BenefitCategory::from_wire(&self.view().category)
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.view().title
    }
    /// Its description.
    async fn description(&self) -> Option<&str> {
        self.view().description.as_deref()
    }
    /// Whether it is priced in NOK.
    async fn priced(&self) -> bool {
        self.view().priced
    }
    /// Whether it is a disbenefit (ulempe).
    async fn disbenefit(&self) -> bool {
        self.view().disbenefit
    }
    /// Whether it was unexpected.
    async fn unexpected(&self) -> bool {
        self.view().unexpected
    }
    /// The responsible manager (gevinstansvarlig).
    async fn responsible(&self) -> Option<&str> {
        self.view().responsible.as_deref()
    }
    /// When it should be realised.
    async fn due(&self) -> Option<Date> {
        self.view().due.map(Into::into)
    }
    /// Its realisation status at the moment.
    async fn status(&self) -> Option<BenefitStatus> {
        self.view()
            .status()
            .and_then(|s| BenefitStatus::from_wire(&s.value.status))
    }
    /// Its realisation history (gevinstrealisering), oldest first.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn realisation(&self) -> Vec<StatusChange> {
        self.view()
            .realisation
            .iter()
            .map(StatusChange::from)
            .collect()
    }
    /// Its indicators.
    #[graphql(complexity = "super::cost::few(child_complexity)")]
    async fn indicators(&self) -> Vec<Indicator> {
        self.view()
            .indicators
            .iter()
            .cloned()
            .map(|view| Indicator {
                view,
                valid_at: self.strategy.moment.valid_at,
                as_of: self.strategy.moment.as_of,
            })
            .collect()
    }
}

/// Goal attainment (måloppnåelse) of a set of goals.
#[derive(SimpleObject, Clone, Debug)]
pub struct Attainment {
    /// Goals in force (retired goals left out).
    pub goals: u32,
    /// Score between 0 and 1: ACHIEVED = 1, PARTIALLY_ACHIEVED = 0.5, others 0, DROPPED left out of the denominator.
    pub score: Option<f64>,
    /// Goals per status, every status listed.
    pub counts: Vec<StatusCount>,
}

/// How many goals have a status.
#[derive(SimpleObject, Clone, Debug)]
pub struct StatusCount {
    /// The status.
    pub status: GoalStatus,
    /// The number of goals.
    pub count: u32,
}

impl From<read::Attainment> for Attainment {
    fn from(a: read::Attainment) -> Self {
        Attainment {
            goals: a.goals,
            score: a.score,
            counts: a
                .counts
                .into_iter()
                .map(|(status, count)| StatusCount {
                    status: status.into(),
                    count,
                })
                .collect(),
        }
    }
}

/// Attainment at one year-end.
#[derive(SimpleObject, Clone, Debug)]
pub struct YearAttainment {
    /// The year.
    pub year: i32,
    /// 31 December of that year.
    pub valid_at: Date,
    /// All goals.
    pub attainment: Attainment,
    /// Per focus area.
    pub areas: Vec<AreaAttainment>,
}

/// Attainment of one focus area.
#[derive(SimpleObject, Clone, Debug)]
pub struct AreaAttainment {
    /// The focus area.
    pub focus_area_id: Uuid,
    /// Its number.
    pub number: u8,
    /// Its title.
    pub title: String,
    /// Its attainment.
    pub attainment: Attainment,
}

/// A strategy beside its predecessor.
#[derive(SimpleObject)]
pub struct PredecessorComparison {
    /// The predecessor, at its last year-end.
    pub predecessor: Strategy,
    /// The date the predecessor is shown at: 31 December of its last year.
    pub valid_at: Date,
    /// The predecessor's attainment then.
    pub attainment: Attainment,
    /// Goals carried over, each with its earlier self.
    pub carried_over: Vec<CarriedGoal>,
}

/// A goal carried over from the predecessor.
#[derive(SimpleObject)]
pub struct CarriedGoal {
    /// The goal in this strategy.
    pub goal: Goal,
    /// The goal it came from, at the predecessor's last year-end.
    pub previous: Goal,
}

/// Who recorded it; null unless you may see actors (editors, auditors,
/// admins: names are personal data).
macro_rules! actor_field {
    ($($ty:ident),*) => {$(
        #[async_graphql::ComplexObject]
        impl $ty {
            /// Who recorded it; null unless you may see actors (editors,
            /// auditors, admins: names are personal data).
            async fn actor(&self, ctx: &Context<'_>) -> Option<&str> {
                shown_actor(ctx, &self.actor)
            }
        }
    )*};
}

actor_field!(Change, Assessment, StatusChange);

#[async_graphql::ComplexObject]
impl Measurement {
    /// Who recorded it; null for a baseline, and unless you may see actors
    /// (editors, auditors, admins: names are personal data).
    async fn actor(&self, ctx: &Context<'_>) -> Option<&str> {
        self.actor.as_deref().and_then(|a| shown_actor(ctx, a))
    }
}

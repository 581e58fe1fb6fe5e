//! What a query costs, counted before it runs, and what each viewer may
//! spend at once.
//!
//! async-graphql adds up a cost per field as it validates the document:
//! 1 for a field plus what is selected below it, unless the field says
//! otherwise with `#[graphql(complexity = …)]`. Those attributes (in
//! `query.rs` and `subscription.rs`) use the functions and figures here, so
//! that what a field is charged says what it does:
//!
//! - a field that lists a page (`strategies`, `events`, `history`, …)
//!   multiplies what is selected per item by the page size asked for, or
//!   the default page when `first` is not given;
//! - a list inside an already loaded strategy multiplies by a length
//!   typical of real strategies: [`LIST`] for a strategy's own areas,
//!   goals and actions, [`FEW`] for a list under one of them (a goal's
//!   assessments, an indicator's measurements);
//! - a field that loads a strategy or an organization costs [`VIEW`], one
//!   that runs a query of its own [`READ`], an event's payload [`PAYLOAD`];
//! - whole-log work carries a large fixed cost: recomputing the chain
//!   ([`WHOLE_LOG`]), comparing a strategy at two instants ([`DIFF`]).
//!
//! Aliases are counted like any field, so asking for the same costly field
//! a thousand times costs a thousand times as much. A document over the
//! viewer's limit is refused before anything runs, with the cost and the
//! limit in the error (`extensions.code` = `TOO_COSTLY`). What passes is
//! also charged to the client's rate limit: every [`COST_PER_REQUEST`]
//! counts as one request more, so a client asking for costly answers all
//! day runs out of allowance sooner than one asking for small ones.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};

use super::AppState;
use super::guard::{Client, retry_after_seconds};
use super::metrics::Refused;
use crate::access::{Role, Viewer};

/// A field that loads a strategy or organization view (cached, but a
/// database read when it is not).
pub const VIEW: usize = 20;
/// A field that runs a database query of its own.
pub const READ: usize = 5;
/// An event's payload: decoded JSON, often the largest part of an event.
pub const PAYLOAD: usize = 5;
/// Items a strategy's or an organization's own list is counted as: its
/// areas, goals, actions, benefits, members. Real strategies have 4 to 8
/// areas, 5 to 60 goals, and tens of actions.
pub const LIST: usize = 10;
/// Items a list under one area, goal, action, benefit or indicator is
/// counted as: an area's goals, a goal's assessments, an action's
/// benefits, an indicator's measurements. A handful each in real plans.
/// Counting every level multiplies, so that a path round the relations
/// (`goals { actions { goals { actions … } } }`) costs as it fans out.
pub const FEW: usize = 3;
/// Recomputing the hash chain reads every event of the log.
pub const WHOLE_LOG: usize = 20_000;
/// Comparing a strategy's read models at two instants reads all of its
/// facts twice.
pub const DIFF: usize = 1_000;
/// The years of a strategy's period, for per-year attainment: each is a
/// strategy view of its own.
pub const YEARS: usize = 8;

/// Cost that counts as one more request against the client's rate limit.
pub const COST_PER_REQUEST: usize = 1_000;

/// Most any one field is charged. async-graphql adds the costs of sibling
/// fields with plain `usize` addition, which must not overflow: a document
/// (at most the body limit, so well under 2^24 fields) of fields charged at
/// most 2^40 each adds up to less than 2^64.
const CEILING: usize = 1 << 40;

/// Page size counted: `first`, or the default page when it is not given.
/// A `first` that is no page size at all (negative, or past GraphQL's
/// Int) counts nothing: the field refuses it as VALIDATION, naming it,
/// before any work.
pub fn page(first: Option<i64>) -> usize {
    match first {
        None => super::query::MAX_PAGE,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&n| n <= i32::MAX as usize)
            .unwrap_or(0),
    }
}

/// A page of `first` items, each costing `per_item`.
pub fn paged(first: Option<i64>, per_item: usize) -> usize {
    READ.saturating_add(page(first).saturating_mul(per_item))
        .min(CEILING)
}

/// A strategy's or organization's own list, each item costing `per_item`.
pub fn list(per_item: usize) -> usize {
    1usize
        .saturating_add(LIST.saturating_mul(per_item))
        .min(CEILING)
}

/// A list under one item of a strategy, each item costing `per_item`.
pub fn few(per_item: usize) -> usize {
    1usize
        .saturating_add(FEW.saturating_mul(per_item))
        .min(CEILING)
}

/// `n` times `each`.
pub fn times(n: usize, each: usize) -> usize {
    n.saturating_mul(each).min(CEILING)
}

/// A field costing `own` with `below` selected under it once.
pub fn plus(own: usize, below: usize) -> usize {
    own.saturating_add(below).min(CEILING)
}

/// The most a single query may cost, by who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostLimits {
    /// Anonymous readers, readers and editors: the web page's largest view
    /// (the list of organizations with their strategies) costs about half
    /// of this.
    pub public: usize,
    /// Auditors and admins, who replay history and verify the log.
    pub auditor: usize,
}

impl Default for CostLimits {
    fn default() -> Self {
        CostLimits {
            public: 50_000,
            auditor: 100_000,
        }
    }
}

impl CostLimits {
    /// The limit for this viewer, and how to name the viewer in an error.
    pub fn for_viewer(&self, viewer: &Viewer) -> (usize, &'static str) {
        match viewer.role() {
            None => (self.public, "an anonymous reader"),
            Some(Role::Reader) => (self.public, "a reader"),
            Some(Role::Editor) => (self.public, "an editor"),
            Some(Role::Auditor) => (self.auditor, "an auditor"),
            Some(Role::Admin) => (self.auditor, "an admin"),
        }
    }
}

/// Refuses documents that cost more than the viewer may spend, and charges
/// what passes to the client's rate limit. Runs for HTTP and WebSocket
/// operations alike, since both execute through the schema.
pub struct CostLimit;

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimit)
    }
}

#[async_trait::async_trait]
impl Extension for CostLimit {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(app) = ctx.data_opt::<AppState>() else {
            return Ok(result);
        };
        let viewer = ctx.data_opt::<Viewer>().cloned().unwrap_or_default();
        let (limit, who) = app.settings.limits.max_cost.for_viewer(&viewer);
        let cost = result.complexity;
        if cost > limit {
            app.metrics.refused(Refused::TooCostly);
            let mut error = ServerError::new(
                format!(
                    "the query costs {cost}, more than the {limit} {who} may ask for at once; \
                     ask for fewer fields or aliases, or smaller pages (first)"
                ),
                None,
            );
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", "TOO_COSTLY");
            extensions.set("cost", cost as u64);
            extensions.set("limit", limit as u64);
            error.extensions = Some(extensions);
            return Err(vec![error]);
        }
        let extra = (cost / COST_PER_REQUEST) as u32;
        if extra > 0
            && let (Some(limiter), Some(client)) = (&app.rate_limiter, ctx.data_opt::<Client>())
            && let Err(wait) = limiter.take(client, extra)
        {
            app.metrics.refused(Refused::RateLimited);
            let mut error = ServerError::new(
                "too many costly requests; slow down and try again shortly",
                None,
            );
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", "RATE_LIMITED");
            extensions.set("retryAfter", retry_after_seconds(wait));
            error.extensions = Some(extensions);
            return Err(vec![error]);
        }
        Ok(result)
    }
}

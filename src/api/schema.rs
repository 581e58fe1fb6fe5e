//! The schema: roots, limits, and the SDL written to `schema.graphql`.

use async_graphql::Schema;

use super::AppState;
use super::mutation::MutationRoot;
use super::query::QueryRoot;
use super::subscription::SubscriptionRoot;

pub type SporbarSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Default deepest query accepted: a strategy tree with its predecessor comparison
/// and nested goals reaches about 9.
pub const MAX_DEPTH: usize = 16;

pub fn build_schema(state: AppState) -> SporbarSchema {
    let limits = state.settings.limits;
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .data(state)
        .limit_depth(limits.max_depth)
        .extension(super::nesting::NestingLimit)
        .extension(super::cost::CostLimit)
        .finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .finish()
        .sdl()
}

//! GraphiQL, served entirely from the binary: the vendored bundle in
//! `web/vendor/graphiql` is embedded at build time (`build.rs`), so the page
//! works on a network without internet. No inline script: the page loads
//! its start-up code from a file, so a strict Content-Security-Policy can
//! apply. Served by memory-serve like the web page (`web.rs` says why):
//! ETags, 304s, and the brotli or gzip variant of its 4 MB of script.

use std::sync::LazyLock;

use axum::Router;
use memory_serve::CacheControl;

use super::http::HttpState;

/// Made once per process, like the web page's router.
static GRAPHIQL: LazyLock<Router<HttpState>> = LazyLock::new(|| {
    // The bundle's names carry no hash: a day, then revalidated by ETag.
    let cache = CacheControl::Custom("public, max-age=86400");
    let files = memory_serve::load!("graphiql")
        // `/graphiql` itself is the page.
        .index_file(Some("/graphiql.html"))
        .html_cache_control(cache)
        .cache_control(cache)
        .enable_brotli(true)
        .enable_gzip(true)
        .into_router();
    Router::new().nest("/graphiql", files)
});

pub fn routes() -> Router<HttpState> {
    GRAPHIQL.clone()
}

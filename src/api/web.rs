//! The web page: the single-page app built from `web/` into `web/dist` and
//! embedded in the binary at build time (`build.rs`), so `sporbar serve`
//! needs no files beside it. `index.html` is served at `/` and never cached
//! without asking (it names the current bundle); the bundle's files have
//! content hashes in their names and are cached for a year.
//!
//! The files are served by memory-serve rather than by hand: it gives every
//! file a strong ETag and answers `If-None-Match` with 304, and serves the
//! brotli or gzip variant the client's `Accept-Encoding` prefers, brotli
//! made at build time. It was chosen over rust-embed with axum-embed, which
//! serve only variants already on disk (`.br`/`.gz` files we would have to
//! make and check in beside 4 MB of GraphiQL) and whose axum-embed is built
//! for axum 0.7.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use memory_serve::CacheControl;

use super::http::HttpState;

/// The page's files, served the same way by every router of the process:
/// memory-serve leaks the bytes it serves and gzips them when its router is
/// made, so it is made once, however many servers a process starts (tests,
/// benchmarks).
static PAGE: LazyLock<Router<HttpState>> = LazyLock::new(|| {
    memory_serve::load!("web")
        .index_file(Some("/index.html"))
        .html_cache_control(CacheControl::NoCache)
        .cache_control(CacheControl::Custom("public, max-age=3600"))
        // memory-serve turns these off in debug builds; the tests check them.
        .enable_brotli(true)
        .enable_gzip(true)
        .into_router()
        .layer(axum::middleware::from_fn(hashed_assets_are_immutable))
});

/// Vite names every file it writes to `assets/` by its content's hash.
const ASSETS: &str = "/assets/";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn routes() -> Router<HttpState> {
    PAGE.clone().fallback(not_found)
}

/// memory-serve has one Cache-Control for every file that is not HTML; a
/// file under `assets/` changes its name when it changes, so it may be kept
/// for a year, while any other file (one copied from `web/public`) may not.
async fn hashed_assets_are_immutable(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().starts_with(ASSETS);
    let mut response = next.run(request).await;
    let found = matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    if hashed && found {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    response
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

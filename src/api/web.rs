//! The web page: the single-page app built from `web/` into `web/dist` and
//! embedded in the binary at build time, so `sporbar serve` needs no files
//! beside it. `index.html` is served at `/` and never cached (it names the
//! current bundle); the bundle's files have content hashes in their names
//! and are cached for a year.

use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::http::HttpState;

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .fallback(get(asset))
}

fn find(path: &str) -> Option<&'static [u8]> {
    WEB_ASSETS
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, bytes)| *bytes)
}

async fn index() -> Response {
    match find("index.html") {
        Some(page) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            page,
        )
            .into_response(),
        // A binary built without `web/dist` still says where things are.
        None => Html(include_str!("index.html")).into_response(),
    }
}

async fn asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    match find(path) {
        Some(bytes) if path != "index.html" => {
            let cache = if path.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=3600"
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(path)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes,
            )
                .into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found\n",
        )
            .into_response(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

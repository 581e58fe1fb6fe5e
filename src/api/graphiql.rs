//! GraphiQL, served entirely from the binary: the vendored bundle in
//! `web/vendor/graphiql` is embedded at build time, so the page works on a
//! network without internet. No inline script: the page loads its start-up
//! code from a file, so a strict Content-Security-Policy can apply.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::http::HttpState;

macro_rules! asset {
    ($file:literal, $content_type:literal) => {
        get(|| async {
            (
                [
                    (header::CONTENT_TYPE, $content_type),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/web/vendor/graphiql/",
                    $file
                ))
                .as_slice(),
            )
                .into_response()
        })
    };
}

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(
            "/graphiql",
            asset!("graphiql.html", "text/html; charset=utf-8"),
        )
        .route(
            "/graphiql/graphiql.min.js",
            asset!("graphiql.min.js", "text/javascript; charset=utf-8"),
        )
        .route(
            "/graphiql/graphiql.min.css",
            asset!("graphiql.min.css", "text/css; charset=utf-8"),
        )
        .route(
            "/graphiql/graphiql-page.css",
            asset!("graphiql-page.css", "text/css; charset=utf-8"),
        )
        .route(
            "/graphiql/graphiql-init.js",
            asset!("graphiql-init.js", "text/javascript; charset=utf-8"),
        )
        .route(
            "/graphiql/react.production.min.js",
            asset!("react.production.min.js", "text/javascript; charset=utf-8"),
        )
        .route(
            "/graphiql/react-dom.production.min.js",
            asset!(
                "react-dom.production.min.js",
                "text/javascript; charset=utf-8"
            ),
        )
}

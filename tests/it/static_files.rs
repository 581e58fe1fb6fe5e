//! The static files: the web page from `web/dist` and GraphiQL from
//! `web/vendor/graphiql`, embedded in the binary. Each carries an ETag and
//! is answered 304 when the client has it; each comes brotli- or
//! gzip-compressed when the client accepts it, decoding to the file's
//! bytes; each is cached as long as its name allows.

use std::io::Read;
use std::path::Path;

use crate::api_support::*;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const A_DAY: &str = "public, max-age=86400";

/// The body of a response as it was before the server encoded it, and the
/// encoding it came in (`None`: plain).
pub async fn decoded(response: reqwest::Response) -> (Option<String>, Vec<u8>) {
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|e| e.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap();
    let mut plain = Vec::new();
    match encoding.as_deref() {
        None => plain.extend_from_slice(&raw),
        Some("br") => {
            brotli::Decompressor::new(&raw[..], 4096)
                .read_to_end(&mut plain)
                .expect("a brotli body");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut plain)
                .expect("a gzip body");
        }
        Some(other) => panic!("unexpected content-encoding {other}"),
    }
    (encoding, plain)
}

fn file(relative: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

/// The page's script and style sheet, by the hashed names `index.html`
/// gives them.
fn hashed_assets() -> Vec<String> {
    let page = String::from_utf8(file("web/dist/index.html")).unwrap();
    let assets: Vec<String> = page
        .split('"')
        .filter(|part| part.starts_with("/assets/"))
        .map(str::to_owned)
        .collect();
    assert_eq!(assets.len(), 2, "{assets:?}");
    assets
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.anonymous.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {}", response.url()))
        .to_str()
        .unwrap()
        .to_owned()
}

fn assert_security_headers(response: &reqwest::Response) {
    let csp = header(response, "content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "x-frame-options"), "DENY");
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert_eq!(
        header(response, "cross-origin-opener-policy"),
        "same-origin"
    );
}

#[tokio::test]
async fn the_page_is_served_at_the_root_and_as_index_html_and_revalidated_every_time() {
    let app = spawn_app().await;
    let mut etags = Vec::new();
    for path in ["/", "/index.html"] {
        let response = get(&app, path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(header(&response, "content-type").starts_with("text/html"));
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        etags.push(header(&response, "etag"));
        assert_eq!(response.bytes().await.unwrap(), file("web/dist/index.html"));
    }
    assert_eq!(etags[0], etags[1]);
    assert!(
        etags[0].starts_with('"') && etags[0].ends_with('"'),
        "a strong ETag"
    );
}

#[tokio::test]
async fn hashed_assets_are_kept_a_year_and_graphiql_a_day_each_with_its_content_type() {
    let app = spawn_app().await;
    for asset in hashed_assets() {
        let response = get(&app, &asset, &[]).await;
        assert_eq!(response.status(), 200, "{asset}");
        assert_eq!(header(&response, "cache-control"), IMMUTABLE, "{asset}");
        let expected = if asset.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(header(&response, "content-type").starts_with(expected));
        assert_eq!(
            response.bytes().await.unwrap(),
            file(&format!("web/dist{asset}"))
        );
    }
    for (path, content_type, file_name) in [
        ("/graphiql", "text/html", "graphiql.html"),
        (
            "/graphiql/graphiql-init.js",
            "text/javascript",
            "graphiql-init.js",
        ),
        ("/graphiql/graphiql.min.css", "text/css", "graphiql.min.css"),
    ] {
        let response = get(&app, path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), A_DAY, "{path}");
        assert!(header(&response, "content-type").starts_with(content_type));
        assert_eq!(
            response.bytes().await.unwrap(),
            file(&format!("web/vendor/graphiql/{file_name}"))
        );
    }
}

#[tokio::test]
async fn a_request_with_the_files_etag_is_answered_304_without_a_body_but_with_the_security_headers()
 {
    let app = spawn_app().await;
    let mut paths = vec!["/".to_owned(), "/graphiql".to_owned()];
    paths.extend(hashed_assets());
    for path in &paths {
        let first = get(&app, path, &[]).await;
        assert_eq!(first.status(), 200, "{path}");
        let etag = header(&first, "etag");
        let cache = header(&first, "cache-control");

        let again = get(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "etag"), etag, "{path}");
        assert_eq!(header(&again, "cache-control"), cache, "{path}");
        assert_security_headers(&again);
        assert!(again.bytes().await.unwrap().is_empty(), "{path}: no body");

        let changed = get(&app, path, &[("if-none-match", "\"an-older-version\"")]).await;
        assert_eq!(changed.status(), 200, "{path}: another ETag gets the file");
    }
}

#[tokio::test]
async fn the_page_its_assets_and_graphiql_come_brotli_or_gzip_compressed_as_the_client_accepts() {
    let app = spawn_app().await;
    let mut files = vec![("/".to_owned(), "web/dist/index.html".to_owned())];
    for asset in hashed_assets() {
        files.push((asset.clone(), format!("web/dist{asset}")));
    }
    files.push((
        "/graphiql/graphiql.min.js".into(),
        "web/vendor/graphiql/graphiql.min.js".into(),
    ));
    for (path, source) in &files {
        let bytes = file(source);
        for (accepts, expected) in [
            (None, None),
            (Some("br"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (Some("gzip, deflate, br"), Some("br")),
            (Some("br;q=0.5, gzip"), Some("gzip")),
            (Some("identity"), None),
        ] {
            let headers: Vec<(&str, &str)> = accepts
                .map(|a| ("accept-encoding", a))
                .into_iter()
                .collect();
            let response = get(&app, path, &headers).await;
            assert_eq!(response.status(), 200, "{path}");
            assert!(header(&response, "vary").contains("accept-encoding"));
            assert_security_headers(&response);
            let length: usize = header(&response, "content-length").parse().unwrap();
            let (encoding, plain) = decoded(response).await;
            assert_eq!(encoding.as_deref(), expected, "{path} for {accepts:?}");
            assert_eq!(plain, bytes, "{path} for {accepts:?} decodes to the file");
            if expected.is_some() {
                assert!(
                    length < bytes.len(),
                    "{path}: {length} bytes as {accepts:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn unknown_paths_are_404_not_found_and_kept_nowhere() {
    let app = spawn_app().await;
    for path in [
        "/no/such/page",
        "/assets/index-00000000.js",
        "/graphiql/no-such-file.js",
        "/graphiql/",
    ] {
        let response = get(&app, path, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.headers().get("cache-control").is_none(), "{path}");
        assert!(response.headers().get("etag").is_none(), "{path}");
        assert_security_headers(&response);
        assert_eq!(response.text().await.unwrap(), "not found\n", "{path}");
    }
}

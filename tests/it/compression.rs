//! Compressed answers: GraphQL answers and exports come brotli- or
//! gzip-compressed when the client accepts it, plain when it does not, with
//! the status they would have had; a workbook and the WebSocket upgrade are
//! never compressed. Every compressed body is decoded and compared with the
//! plain one.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::api_support::*;
use crate::static_files::decoded;

/// A query whose answer is far above the 32 bytes below which nothing is
/// compressed.
const SCHEMA_TYPES: &str = "{ __schema { types { name fields { name } } } }";

async fn post_graphql(
    app: &TestApp,
    accept_encoding: Option<&str>,
    accept: &str,
    body: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body.to_owned());
    if let Some(encoding) = accept_encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_graphql_answer_comes_brotli_or_gzip_compressed_as_the_client_accepts_and_plain_otherwise()
 {
    let app = spawn_app().await;
    let body = json!({ "query": SCHEMA_TYPES }).to_string();
    let plain = post_graphql(&app, None, "application/json", &body).await;
    assert_eq!(plain.status(), 200);
    let (encoding, plain) = decoded(plain).await;
    assert_eq!(encoding, None, "no Accept-Encoding, no compression");
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    assert!(plain["data"]["__schema"]["types"].as_array().unwrap().len() > 20);

    for (accepts, expected) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let response = post_graphql(&app, Some(accepts), "application/json", &body).await;
        assert_eq!(response.status(), 200, "{accepts}");
        assert!(
            response.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding"),
            "{accepts}"
        );
        let (encoding, answer) = decoded(response).await;
        assert_eq!(encoding.as_deref(), Some(expected), "{accepts}");
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(answer, plain, "{accepts}");
    }

    let over_get = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", SCHEMA_TYPES)])
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    let (encoding, answer) = decoded(over_get).await;
    assert_eq!(encoding.as_deref(), Some("gzip"), "over GET too");
    assert_eq!(serde_json::from_slice::<Value>(&answer).unwrap(), plain);
}

#[tokio::test]
async fn compression_keeps_the_graphql_over_http_status_codes() {
    let app = spawn_app().await;
    // Not a GraphQL document: 400 for graphql-response+json, 200 with
    // errors for a legacy JSON client.
    let broken = json!({ "query": "{ strategies { nodes { title " }).to_string();
    for (accept, status) in [
        ("application/graphql-response+json", 400),
        ("application/json", 200),
    ] {
        let response = post_graphql(&app, Some("gzip"), accept, &broken).await;
        assert_eq!(response.status(), status, "{accept}");
        let (encoding, body) = decoded(response).await;
        assert_eq!(encoding.as_deref(), Some("gzip"), "{accept}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert!(body["errors"][0]["message"].is_string(), "{body:#}");
        assert!(body.get("data").is_none(), "{body:#}");
    }
    // A body that is not JSON at all: 400 for every client.
    let response = post_graphql(
        &app,
        Some("br"),
        "application/json",
        "{ this is no JSON, and long enough to be compressed",
    )
    .await;
    assert_eq!(response.status(), 400);
    let (encoding, body) = decoded(response).await;
    assert_eq!(encoding.as_deref(), Some("br"));
    assert!(serde_json::from_slice::<Value>(&body).unwrap()["errors"].is_array());
}

#[tokio::test]
async fn exports_come_compressed_but_a_workbook_does_not() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    let get = |path: String, encoding: Option<&'static str>| {
        let mut request = app.client.get(app.url(&path));
        if let Some(encoding) = encoding {
            request = request.header("accept-encoding", encoding);
        }
        async move { request.send().await.unwrap() }
    };
    for path in [
        format!("/export/strategies/{}/report.html?year=2016", s.strategy),
        format!("/export/strategies/{}/report.md?year=2016", s.strategy),
        format!("/export/strategies/{}/goals.csv", s.strategy),
        format!("/export/organizations/{}/plan.toml", s.organization),
    ] {
        let plain = get(path.clone(), None).await;
        assert_eq!(plain.status(), 200, "{path}");
        let (encoding, plain) = decoded(plain).await;
        assert_eq!(encoding, None, "{path}");
        for accepts in ["br", "gzip"] {
            let response = get(path.clone(), Some(accepts)).await;
            assert_eq!(response.status(), 200, "{path}");
            assert!(
                response.headers()["content-disposition"]
                    .as_bytes()
                    .starts_with(b"attachment"),
                "{path}"
            );
            let (encoding, body) = decoded(response).await;
            assert_eq!(encoding.as_deref(), Some(accepts), "{path}");
            assert_eq!(body, plain, "{path} decoded as {accepts}");
        }
    }

    let workbook = get(
        format!("/export/strategies/{}/strategy.xlsx", s.strategy),
        Some("gzip, br"),
    )
    .await;
    assert_eq!(workbook.status(), 200);
    let (encoding, body) = decoded(workbook).await;
    assert_eq!(encoding, None, "a workbook is a zip file already");
    assert_eq!(&body[..2], b"PK");
}

#[tokio::test]
async fn the_websocket_upgrade_is_not_compressed_and_the_subscription_works() {
    let app = spawn_app().await;
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    headers.insert("Accept-Encoding", "gzip, br".parse().unwrap());
    let (mut socket, upgrade) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    assert_eq!(upgrade.status(), 101);
    assert!(upgrade.headers().get("content-encoding").is_none());
    socket
        .send(Message::text(
            json!({"type": "connection_init"}).to_string(),
        ))
        .await
        .unwrap();
    let ack = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("an answer within 10 s")
        .expect("socket open")
        .expect("message");
    let ack: Value = serde_json::from_str(ack.to_text().unwrap()).unwrap();
    assert_eq!(ack["type"], "connection_ack");
}

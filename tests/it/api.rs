//! The API over HTTP: GraphQL-over-HTTP conformance, the three time
//! questions, attainment, history, diff, live events, GraphiQL offline,
//! and the schema file.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::api_support::*;
use crate::support::ManualClock;

const JSON: &str = "application/json";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post(
    app: &TestApp,
    content_type: &str,
    accept: Option<&str>,
    body: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.unwrap()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------
// GraphQL over HTTP
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_client_accepting_graphql_response_json_gets_it() {
    let app = spawn_app().await;
    let response = post(
        &app,
        JSON,
        Some(GRAPHQL_RESPONSE),
        r#"{"query":"{ logHead { position } }"}"#,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with(GRAPHQL_RESPONSE));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["logHead"]["position"], 0);
}

#[tokio::test]
async fn a_client_accepting_only_json_or_sending_no_accept_gets_application_json() {
    let app = spawn_app().await;
    for accept in [Some(JSON), None, Some("*/*")] {
        let response = post(
            &app,
            JSON,
            accept,
            r#"{"query":"{ logHead { position } }"}"#,
        )
        .await;
        assert_eq!(response.status(), 200, "accept {accept:?}");
        assert!(
            content_type(&response).starts_with(JSON),
            "accept {accept:?}"
        );
    }
}

#[tokio::test]
async fn a_client_accepting_neither_media_type_gets_406() {
    let app = spawn_app().await;
    let response = post(
        &app,
        JSON,
        Some("text/html"),
        r#"{"query":"{ logHead { position } }"}"#,
    )
    .await;
    assert_eq!(response.status(), 406);
}

#[tokio::test]
async fn request_errors_are_400_without_data_for_graphql_response_json() {
    let app = spawn_app().await;
    for body in [
        r#"{"query":"{ logHead { position "}"#, // does not parse
        r#"{"query":"{ noSuchField }"}"#,       // does not validate
        r#"{"query":"query($n: Int!) { logHead { position } }"}"#, // variable missing
        r#"{"variables":{}}"#,                  // no query
        r#"not json"#,                          // not a GraphQL request
    ] {
        let response = post(&app, JSON, Some(GRAPHQL_RESPONSE), body).await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert!(answer.get("data").is_none(), "{body}: {answer}");
        assert!(
            answer["errors"].as_array().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn legacy_json_clients_get_200_for_well_formed_requests_with_errors_and_400_for_malformed_ones()
 {
    let app = spawn_app().await;
    let invalid = post(&app, JSON, Some(JSON), r#"{"query":"{ noSuchField }"}"#).await;
    assert_eq!(invalid.status(), 200);
    let malformed = post(&app, JSON, Some(JSON), "not json").await;
    assert_eq!(malformed.status(), 400);
}

#[tokio::test]
async fn a_post_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "text/plain",
        Some(GRAPHQL_RESPONSE),
        "{ logHead { position } }",
    )
    .await;
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn queries_run_over_get_and_mutations_over_get_are_405() {
    let app = spawn_app().await;
    let query = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ logHead { position } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);
    let mutation = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { registerOrganization(input: {name: \"IKT Orkidé\"}) { receipt { position } } }")])
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
    assert_eq!(app.event_count(), 0);
}

#[tokio::test]
async fn every_answer_says_which_log_position_and_hash_it_was_computed_at() {
    let app = spawn_app().await;
    ApiScenario::create(&app).await;
    let body = app
        .graphql("{ logHead { position hash } }", json!({}))
        .await;
    let head = &body["data"]["logHead"];
    assert_eq!(head["position"], 4);
    assert_eq!(body["extensions"]["sporbar"]["position"], 4);
    assert_eq!(body["extensions"]["sporbar"]["hash"], head["hash"]);
    let (_, hash) = app.store.head().unwrap().unwrap();
    assert_eq!(head["hash"], hex::encode(hash));
}

#[tokio::test]
async fn a_query_past_the_depth_limit_is_refused_with_a_clear_error() {
    let app = spawn_app().await;
    // Strategy → predecessor → predecessor … nests without end.
    let mut selection = "id".to_owned();
    for _ in 0..20 {
        selection = format!("predecessor {{ {selection} }}");
    }
    let body = app
        .graphql(
            &format!("{{ strategies {{ nodes {{ {selection} }} }} }}"),
            json!({}),
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.to_lowercase().contains("nested too deep"), "{body}");
}

// ---------------------------------------------------------------------------
// Time travel: the worked example of DESIGN.md through the API
// ---------------------------------------------------------------------------

const STATUS_AT: &str = "query($s: UUID!, $asOf: DateTime, $validAt: Date) {
  strategy(id: $s, asOf: $asOf, validAt: $validAt) {
    goals { number status assessment { justification effectiveAt } }
    computedAt { position hash validAt }
  }
}";

async fn status_at(
    app: &TestApp,
    strategy: &str,
    as_of: Option<&str>,
    valid_at: Option<&str>,
) -> Value {
    let data = app
        .ok(
            STATUS_AT,
            json!({ "s": strategy, "asOf": as_of, "validAt": valid_at }),
        )
        .await;
    data["strategy"]["goals"][0]["status"].clone()
}

#[tokio::test]
async fn a_status_recorded_late_and_corrected_answers_every_time_question() {
    let clock = ManualClock::at("2020-09-01T10:00:00Z");
    let app = spawn_app_with_clock(clock.clone()).await;
    let s = ApiScenario::create_until(&app, 2022).await;
    let assess = "mutation($g: UUID!, $st: GoalStatus!, $j: String!, $e: Date!, $r: String) {
        assessGoal(input: {id: $g, status: $st, justification: $j, effectiveAt: $e, reason: $r}) { receipt { position } } }";
    for (recorded, effective, status, why) in [
        (
            "2021-06-01T09:00:00Z",
            "2021-06-01",
            "IN_PROGRESS",
            "første oppfølging",
        ),
        (
            "2022-03-07T09:00:00Z",
            "2021-12-31",
            "PARTIALLY_ACHIEVED",
            "årsmelding 2021",
        ),
        (
            "2022-04-01T09:00:00Z",
            "2021-12-31",
            "ACHIEVED",
            "korrigering: årsmeldingen var feil",
        ),
        (
            "2022-09-01T09:00:00Z",
            "2022-12-31",
            "NOT_ACHIEVED",
            "planlagt vurdering for årsslutt, registrert tidlig",
        ),
    ] {
        clock.set(recorded);
        app.ok(
            assess,
            json!({ "g": s.goal, "st": status, "j": why, "e": effective, "r": why }),
        )
        .await;
    }
    let shown_on_10_march = status_at(
        &app,
        &s.strategy,
        Some("2022-03-10T00:00:00Z"),
        Some("2021-12-31"),
    )
    .await;

    assert_eq!(
        status_at(&app, &s.strategy, None, None).await,
        "NOT_ACHIEVED"
    );
    assert_eq!(
        status_at(&app, &s.strategy, None, Some("2021-12-31")).await,
        "ACHIEVED"
    );
    assert_eq!(shown_on_10_march, "PARTIALLY_ACHIEVED");
    assert_eq!(
        status_at(
            &app,
            &s.strategy,
            Some("2022-01-15T00:00:00Z"),
            Some("2021-12-31")
        )
        .await,
        "IN_PROGRESS"
    );
    assert_eq!(
        status_at(&app, &s.strategy, None, Some("2021-09-01")).await,
        "IN_PROGRESS"
    );
    assert_eq!(
        status_at(
            &app,
            &s.strategy,
            Some("2022-10-01T00:00:00Z"),
            Some("2022-10-01")
        )
        .await,
        "ACHIEVED"
    );
    assert_eq!(
        status_at(&app, &s.strategy, None, Some("2021-05-31")).await,
        "NOT_STARTED"
    );

    // A later correction never changes what was shown at an earlier instant.
    clock.set("2023-01-10T09:00:00Z");
    app.ok(assess, json!({ "g": s.goal, "st": "NOT_ACHIEVED", "j": "ny korrigering", "e": "2021-12-31", "r": null })).await;
    assert_eq!(
        status_at(
            &app,
            &s.strategy,
            Some("2022-03-10T00:00:00Z"),
            Some("2021-12-31")
        )
        .await,
        shown_on_10_march
    );
    assert_eq!(
        status_at(&app, &s.strategy, None, Some("2021-12-31")).await,
        "NOT_ACHIEVED"
    );
}

#[tokio::test]
async fn attainment_per_year_end_is_a_time_series_over_the_period() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    let second = app
        .ok(
            "mutation($a: UUID!) { defineGoal(input: {focusAreaId: $a, number: \"1.6\", wording: \"Kommunene har etablert løsning for mottak og forsendelse av digital post\", effectiveAt: \"2015-03-01\"}) { goal { id } } }",
            json!({ "a": s.area }),
        )
        .await["defineGoal"]["goal"]["id"]
        .clone();
    let assess = "mutation($g: UUID!, $st: GoalStatus!, $e: Date!) { assessGoal(input: {id: $g, status: $st, justification: \"årsmelding\", effectiveAt: $e}) { receipt { position } } }";
    for (goal, status, effective) in [
        (json!(s.goal), "IN_PROGRESS", "2015-12-31"),
        (json!(s.goal), "PARTIALLY_ACHIEVED", "2016-12-31"),
        (second.clone(), "ACHIEVED", "2016-12-31"),
        (json!(s.goal), "ACHIEVED", "2017-12-31"),
        (second, "DROPPED", "2018-06-30"),
    ] {
        app.ok(assess, json!({ "g": goal, "st": status, "e": effective }))
            .await;
    }
    let data = app
        .ok(
            "query($s: UUID!) { strategy(id: $s) { attainmentByYear { year validAt attainment { goals score } areas { number attainment { score } } } } }",
            json!({ "s": s.strategy }),
        )
        .await;
    let series = data["strategy"]["attainmentByYear"].as_array().unwrap();
    let scores: Vec<(i64, Value)> = series
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().unwrap(),
                y["attainment"]["score"].clone(),
            )
        })
        .collect();
    assert_eq!(
        scores,
        vec![
            (2015, json!(0.0)),  // in progress, not started
            (2016, json!(0.75)), // partially (0.5) + achieved (1) over 2
            (2017, json!(1.0)),  // both achieved
            (2018, json!(1.0)),  // achieved; the dropped goal leaves the denominator
        ]
    );
    assert_eq!(series[1]["validAt"], "2016-12-31");
    assert_eq!(series[1]["areas"][0]["attainment"]["score"], json!(0.75));
}

#[tokio::test]
async fn history_lists_an_entitys_events_with_actor_reason_and_both_times_as_a_relay_connection() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    for (status, effective) in [("IN_PROGRESS", "2016-06-30"), ("ACHIEVED", "2016-12-31")] {
        app.ok(
            "mutation($g: UUID!, $st: GoalStatus!, $e: Date!) { assessGoal(input: {id: $g, status: $st, justification: \"oppfølging\", effectiveAt: $e, reason: \"årsmelding\"}) { receipt { position } } }",
            json!({ "g": s.goal, "st": status, "e": effective }),
        )
        .await;
    }
    let page = "query($g: UUID!, $after: String) { history(entityId: $g, first: 2, after: $after) {
        edges { cursor node { position eventType actor reason effectiveAt recordedAt streamVersion } }
        pageInfo { hasNextPage endCursor } } }";
    let first = app.ok(page, json!({ "g": s.goal, "after": null })).await;
    let edges = first["history"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[0]["node"]["eventType"], "GoalDefined");
    assert_eq!(edges[1]["node"]["eventType"], "GoalAssessed");
    assert_eq!(edges[1]["node"]["reason"], "årsmelding");
    assert_eq!(edges[1]["node"]["effectiveAt"], "2016-06-30");
    assert_eq!(edges[1]["node"]["actor"], "token:test-admin");
    assert_eq!(first["history"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["history"]["pageInfo"]["endCursor"].clone();
    let second = app.ok(page, json!({ "g": s.goal, "after": cursor })).await;
    let edges = second["history"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["streamVersion"], 3);
    assert_eq!(second["history"]["pageInfo"]["hasNextPage"], false);

    let too_big = app
        .error(
            "query($g: UUID!) { history(entityId: $g, first: 1000) { edges { cursor } } }",
            json!({ "g": s.goal }),
        )
        .await;
    assert_eq!(too_big.0, "VALIDATION");
}

/// Regression: a cursor beyond `i64::MAX` reached SQLite as a position and
/// answered INTERNAL (`events`, `history`), and an offset cursor of
/// `u64::MAX` overflowed (a panic, or in a release build a wrap round to the
/// first page) in `strategies` and `organizations`.
#[tokio::test]
async fn a_cursor_no_page_can_end_at_is_refused_as_validation_of_after() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    let lists = [
        "query($after: String) { events(after: $after) { edges { cursor } } }".to_owned(),
        format!(
            "query($after: String) {{ history(entityId: \"{}\", after: $after) {{ edges {{ cursor }} }} }}",
            s.goal
        ),
        "query($after: String) { strategies(after: $after) { edges { cursor } } }".to_owned(),
        "query($after: String) { organizations(after: $after) { edges { cursor } } }".to_owned(),
    ];
    for list in &lists {
        for cursor in [
            "18446744073709551615",
            "9223372036854775808",
            "-1",
            "1.5",
            "3 ",
            "",
            "Mw==",
        ] {
            let (code, message, extensions) = app.error(list, json!({ "after": cursor })).await;
            assert_eq!(
                (code.as_str(), &extensions["field"], message.as_str()),
                (
                    "VALIDATION",
                    &json!("after"),
                    format!("after: '{cursor}' is not a cursor from this API").as_str()
                ),
                "{list} after {cursor:?}"
            );
        }
        // The largest cursor a position or an offset can be is past the end:
        // an empty last page, not the first one again.
        let data = app
            .ok(list, json!({ "after": "9223372036854775807" }))
            .await;
        let (_, connection) = data.as_object().unwrap().iter().next().unwrap();
        assert_eq!(connection["edges"], json!([]), "{list}");
    }
}

#[tokio::test]
async fn events_are_filtered_by_type_and_stream() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    let data = app
        .ok(
            "query($s: UUID!) { byType: events(eventType: \"GoalDefined\") { edges { node { eventType } } }
               byStream: events(streamId: $s) { edges { node { eventType streamId } } } }",
            json!({ "s": s.strategy }),
        )
        .await;
    assert_eq!(data["byType"]["edges"].as_array().unwrap().len(), 1);
    let by_stream = data["byStream"]["edges"].as_array().unwrap();
    assert_eq!(by_stream.len(), 1);
    assert_eq!(by_stream[0]["node"]["eventType"], "StrategyDrafted");
}

#[tokio::test]
async fn diff_says_what_changed_between_two_instants_with_who_and_why() {
    let clock = ManualClock::at("2021-01-01T00:00:00Z");
    let app = spawn_app_with_clock(clock.clone()).await;
    let s = ApiScenario::create_until(&app, 2022).await;
    clock.set("2022-03-07T09:00:00Z");
    app.ok(
        "mutation($g: UUID!) { assessGoal(input: {id: $g, status: PARTIALLY_ACHIEVED, justification: \"delvis\", effectiveAt: \"2021-12-31\", reason: \"årsmelding 2021\"}) { receipt { position } } }",
        json!({ "g": s.goal }),
    )
    .await;
    clock.set("2022-05-01T09:00:00Z");
    app.ok(
        "mutation($g: UUID!) { rewordGoal(input: {id: $g, wording: \"Kommunene har helautomatiserte prosesser\", effectiveAt: \"2022-05-01\"}) { receipt { position } } }",
        json!({ "g": s.goal }),
    )
    .await;
    let data = app
        .ok(
            "query($s: UUID!) { diff(strategyId: $s, from: \"2022-01-01T00:00:00Z\", to: \"2022-04-01T00:00:00Z\") { entityId entityKind field before after actor reason effectiveAt } }",
            json!({ "s": s.strategy }),
        )
        .await;
    let changes = data["diff"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["entityId"], json!(s.goal));
    assert_eq!(changes[0]["entityKind"], "goal");
    assert_eq!(changes[0]["field"], "assessment");
    assert_eq!(changes[0]["before"], Value::Null);
    assert_eq!(changes[0]["after"]["status"], "PARTIALLY_ACHIEVED");
    assert_eq!(changes[0]["reason"], "årsmelding 2021");
    assert_eq!(changes[0]["effectiveAt"], "2021-12-31");

    let later = app
        .ok(
            "query($s: UUID!) { diff(strategyId: $s, from: \"2022-04-01T00:00:00Z\", to: \"2022-06-01T00:00:00Z\") { field before after } }",
            json!({ "s": s.strategy }),
        )
        .await;
    let changes = later["diff"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["field"], "wording");
    assert_eq!(
        changes[0]["before"],
        "Kommunene har automatiserte prosesser der tjenesteområdene henger sammen"
    );
    assert_eq!(
        changes[0]["after"],
        "Kommunene har helautomatiserte prosesser"
    );
}

// ---------------------------------------------------------------------------
// Live events
// ---------------------------------------------------------------------------

async fn next_message(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Value {
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a message within 10 s")
        .expect("socket open")
        .expect("message");
    serde_json::from_str(message.to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn a_subscription_catches_up_from_a_position_then_receives_new_events_once_in_order() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await; // positions 1–4
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    socket
        .send(Message::text(
            json!({"type": "connection_init"}).to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(next_message(&mut socket).await["type"], "connection_ack");
    socket
        .send(Message::text(
            json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { eventAppended(afterPosition: 2) { position eventType } }"}})
                .to_string(),
        ))
        .await
        .unwrap();
    let mut positions = Vec::new();
    for _ in 0..2 {
        let message = next_message(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        positions.push(
            message["payload"]["data"]["eventAppended"]["position"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(positions, vec![3, 4], "caught up on what it asked for");

    for status in ["IN_PROGRESS", "ACHIEVED"] {
        app.ok(
            "mutation($g: UUID!, $st: GoalStatus!) { assessGoal(input: {id: $g, status: $st, justification: \"oppfølging\", effectiveAt: \"2016-06-01\"}) { receipt { position } } }",
            json!({ "g": s.goal, "st": status }),
        )
        .await;
    }
    for expected in [5, 6] {
        let message = next_message(&mut socket).await;
        assert_eq!(
            message["payload"]["data"]["eventAppended"]["position"],
            expected
        );
        assert_eq!(
            message["payload"]["data"]["eventAppended"]["eventType"],
            "GoalAssessed"
        );
    }
}

// ---------------------------------------------------------------------------
// GraphiQL offline, the schema file
// ---------------------------------------------------------------------------

#[tokio::test]
async fn graphiql_and_all_its_assets_are_served_from_this_server_with_no_external_url() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "no inline script");
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert_eq!(assets.len(), 6, "{assets:?}");
    for asset in assets {
        let response = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let body = response.text().await.unwrap();
        for cdn in [
            "unpkg.com",
            "cdn.jsdelivr.net",
            "cdnjs.cloudflare.com",
            "fonts.googleapis.com",
            "fonts.gstatic.com",
        ] {
            assert!(!body.contains(cdn), "{asset} refers to {cdn}");
        }
        if asset.ends_with(".css") {
            assert!(
                !body.contains("url(http"),
                "{asset} loads a remote resource"
            );
        }
    }
}

#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let generated = sporbar::api::sdl();
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != generated {
        std::fs::write(&path, &generated).unwrap();
        panic!(
            "schema.graphql was stale and has been rewritten from the code; review and commit it"
        );
    }
}

#[test]
fn every_type_field_and_argument_of_the_schema_has_a_description() {
    let sdl = sporbar::api::sdl();
    let document = async_graphql::parser::parse_schema(&sdl).unwrap();
    let mut missing = Vec::new();
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        // Built-in scalars and connection plumbing from async-graphql.
        if ["Date", "DateTime", "UUID", "JSON", "PageInfo"].contains(&name) {
            continue;
        }
        if ty.description.is_none() && !name.ends_with("Connection") && !name.ends_with("Edge") {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(object) => {
                for field in &object.fields {
                    let field = &field.node;
                    if name.ends_with("Connection") || name.ends_with("Edge") {
                        continue;
                    }
                    if field.description.is_none() {
                        missing.push(format!("{name}.{}", field.name.node));
                    }
                    for argument in &field.arguments {
                        if argument.node.description.is_none() {
                            missing.push(format!(
                                "{name}.{}({})",
                                field.name.node, argument.node.name.node
                            ));
                        }
                    }
                }
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(e) => {
                for value in &e.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "without a description: {missing:#?}");
}

#[tokio::test]
async fn a_strategy_is_compared_with_its_predecessor_through_carried_over_goals() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    app.ok(
        "mutation($g: UUID!) { assessGoal(input: {id: $g, status: PARTIALLY_ACHIEVED, justification: \"delvis nådd ved periodens slutt\", effectiveAt: \"2018-12-31\"}) { receipt { position } } }",
        json!({ "g": s.goal }),
    )
    .await;
    let next = app
        .ok(
            "mutation($o: UUID!, $p: UUID!) { draftStrategy(input: {organizationId: $o, predecessorId: $p, title: \"Regional digitaliseringsstrategi 2019–2022\", startYear: 2019, endYear: 2022, effectiveAt: \"2018-11-01\"}) { strategy { id } } }",
            json!({ "o": s.organization, "p": s.strategy }),
        )
        .await["draftStrategy"]["strategy"]["id"]
        .clone();
    let area = app
        .ok(
            "mutation($s: UUID!) { defineFocusArea(input: {strategyId: $s, number: 1, title: \"Digital dialog\", effectiveAt: \"2018-11-01\"}) { focusArea { id } } }",
            json!({ "s": next }),
        )
        .await["defineFocusArea"]["focusArea"]["id"]
        .clone();
    let carried = app
        .ok(
            "mutation($a: UUID!, $from: UUID!) { defineGoal(input: {focusAreaId: $a, number: \"1.1\", wording: \"Kommunene har automatiserte prosesser der tjenesteområdene henger sammen\", carriedOverFrom: $from, effectiveAt: \"2019-01-01\"}) { goal { id } } }",
            json!({ "a": area, "from": s.goal }),
        )
        .await["defineGoal"]["goal"]["id"]
        .clone();
    app.ok(
        "mutation($g: UUID!) { assessGoal(input: {id: $g, status: ACHIEVED, justification: \"nådd\", effectiveAt: \"2020-12-31\"}) { receipt { position } } }",
        json!({ "g": carried }),
    )
    .await;
    let data = app
        .ok(
            "query($s: UUID!) { strategy(id: $s) { predecessorComparison { validAt attainment { score } predecessor { title }
                carriedOver { goal { number status } previous { number status } } } } }",
            json!({ "s": next }),
        )
        .await;
    let comparison = &data["strategy"]["predecessorComparison"];
    assert_eq!(comparison["validAt"], "2018-12-31");
    assert_eq!(comparison["attainment"]["score"], json!(0.5));
    assert_eq!(
        comparison["predecessor"]["title"],
        "Regional digitaliseringsstrategi 2015–2018"
    );
    let carried_over = comparison["carriedOver"].as_array().unwrap();
    assert_eq!(carried_over.len(), 1);
    assert_eq!(carried_over[0]["goal"]["status"], "ACHIEVED");
    assert_eq!(carried_over[0]["previous"]["number"], "1.3");
    assert_eq!(carried_over[0]["previous"]["status"], "PARTIALLY_ACHIEVED");
}

#[tokio::test]
async fn the_api_verifies_the_log_against_a_checkpoint_and_says_when_it_is_ready() {
    let app = spawn_app().await;
    ApiScenario::create(&app).await;
    let head = app
        .ok(
            "{ verifyLog { intact eventsChecked headPosition headHash } }",
            json!({}),
        )
        .await;
    assert_eq!(head["verifyLog"]["intact"], true);
    assert_eq!(head["verifyLog"]["eventsChecked"], 4);
    let checkpoint =
        json!({ "p": head["verifyLog"]["headPosition"], "h": head["verifyLog"]["headHash"] });
    let query = "query($p: Int, $h: String) { verifyLog(againstPosition: $p, againstHash: $h) { intact problem problemPosition } }";
    assert_eq!(
        app.ok(query, checkpoint.clone()).await["verifyLog"]["intact"],
        true
    );
    let wrong = json!({ "p": 4, "h": "00".repeat(32) });
    let answer = app.ok(query, wrong).await;
    assert_eq!(answer["verifyLog"]["intact"], false);
    assert_eq!(answer["verifyLog"]["problemPosition"], 4);
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert!(ready.text().await.unwrap().contains("position 4"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_an_oversized_body_is_413() {
    let app = spawn_app().await;
    for path in [
        "/graphiql",
        "/health",
        "/graphql?query=%7BlogHead%7Bposition%7D%7D",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "CORS is off by default"
        );
    }
    let huge = format!(
        r#"{{"query":"{{ logHead {{ position }} }}","variables":{{"x":"{}"}}}}"#,
        "a".repeat(sporbar::api::BODY_LIMIT)
    );
    let response = post(&app, JSON, Some(GRAPHQL_RESPONSE), &huge).await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn errors_raised_by_graphql_itself_carry_a_code_too() {
    let app = spawn_app().await;
    for (query, variables) in [
        (
            "query($id: UUID!) { strategy(id: $id) { title } }",
            json!({ "id": "ikke-en-uuid" }),
        ),
        (
            "{ strategies(status: VEDTATT) { nodes { title } } }",
            json!({}),
        ),
        ("{ noSuchField }", json!({})),
    ] {
        let body = app.graphql(query, variables).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "VALIDATION",
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn computed_at_names_the_instant_asked_for_and_entities_carry_their_version_then() {
    let app = spawn_app().await;
    let s = ApiScenario::create(&app).await;
    let assess = "mutation($g: UUID!, $st: GoalStatus!) { assessGoal(input: {id: $g, status: $st, justification: \"oppfølging\", effectiveAt: \"2016-06-01\"}) { receipt { recordedAt streamVersion } } }";
    let first = app
        .ok(assess, json!({ "g": s.goal, "st": "IN_PROGRESS" }))
        .await;
    let then = first["assessGoal"]["receipt"]["recordedAt"].clone();
    let version_then = first["assessGoal"]["receipt"]["streamVersion"].clone();
    app.ok(assess, json!({ "g": s.goal, "st": "ACHIEVED" }))
        .await;

    let query = "query($s: UUID!, $at: DateTime) { strategy(id: $s, asOf: $at) { computedAt { asOf position } goals { version } organization { computedAt { asOf } } } }";
    let past = app.ok(query, json!({ "s": s.strategy, "at": then })).await;
    assert_eq!(past["strategy"]["computedAt"]["asOf"], then);
    assert_eq!(past["strategy"]["organization"]["computedAt"]["asOf"], then);
    assert_eq!(past["strategy"]["goals"][0]["version"], version_then);

    let now = app.ok(query, json!({ "s": s.strategy, "at": null })).await;
    assert!(now["strategy"]["computedAt"]["asOf"].is_null());
    assert_eq!(
        now["strategy"]["goals"][0]["version"],
        version_then.as_u64().unwrap() + 1
    );
}

#[tokio::test]
async fn a_document_nested_thousands_deep_is_refused_before_parsing_and_the_server_lives_on() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ logHead(x: {}1{}) {{ position }} }}",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let body = app.graphql(&deep, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested more than 64 levels"),
        "{body}"
    );
    // In-process (as over the WebSocket) the schema refuses it too.
    let schema = sporbar::api::build_schema(sporbar::api::AppState::new(
        app.store.clone(),
        sporbar::api::Settings::public(),
    ));
    let response = schema.execute(deep.as_str()).await;
    assert!(
        response.errors[0]
            .message
            .contains("nested more than 64 levels"),
        "{:?}",
        response.errors
    );
    let health = app.anonymous.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

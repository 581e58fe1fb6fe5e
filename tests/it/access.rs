//! Who may do what, through a real server: every role against every
//! mutation, personal data (actor names) per role, anonymous reading on and
//! off, tokens revoked or wrong, rate limits, query limits, CORS and the
//! WebSocket's sign-in.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sporbar::access::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::api_support::{TestApp, client_with_token, open_settings, spawn_app, spawn_app_with};

/// The ids of one organization's parts, built through the API by an admin.
#[derive(Clone, Debug)]
struct Parts {
    organization: String,
    group: String,
    strategy: String,
    area: String,
    goal: String,
    indicator: String,
    action: String,
    benefit: String,
}

async fn id(app: &TestApp, mutation: &str, input: Value, entity: &str) -> String {
    let query = format!(
        "mutation($input: {}Input!) {{ {mutation}(input: $input) {{ {entity} {{ id }} }} }}",
        upper_first(mutation)
    );
    app.ok(&query, json!({ "input": input })).await[mutation][entity]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn build(app: &TestApp, name: &str) -> Parts {
    let organization = id(
        app,
        "registerOrganization",
        json!({ "name": name, "effectiveAt": "2019-01-01" }),
        "organization",
    )
    .await;
    let group = id(
        app,
        "formWorkingGroup",
        json!({ "organizationId": organization, "name": "Teknisk", "effectiveAt": "2019-01-01" }),
        "workingGroup",
    )
    .await;
    let strategy = id(
        app,
        "draftStrategy",
        json!({ "organizationId": organization, "title": "Strategi 2019–2022", "startYear": 2019, "endYear": 2022, "effectiveAt": "2019-01-01" }),
        "strategy",
    )
    .await;
    let area = id(
        app,
        "defineFocusArea",
        json!({ "strategyId": strategy, "number": 1, "title": "Digital dialog", "effectiveAt": "2019-01-01" }),
        "focusArea",
    )
    .await;
    let goal = id(
        app,
        "defineGoal",
        json!({ "focusAreaId": area, "number": "1", "wording": "Innbyggerne møter én digital dør", "effectiveAt": "2019-01-01" }),
        "goal",
    )
    .await;
    let indicator = id(
        app,
        "defineIndicator",
        json!({ "goalId": goal, "name": "Saksbehandlingstid", "unit": "dager", "direction": "LOWER_IS_BETTER", "effectiveAt": "2019-01-01" }),
        "indicator",
    )
    .await;
    let action = id(
        app,
        "planAction",
        json!({ "strategyId": strategy, "kind": "MAIN_PROJECT", "title": "Felles innbyggerportal", "startYear": 2019, "endYear": 2020, "effectiveAt": "2019-01-01" }),
        "action",
    )
    .await;
    let benefit = id(
        app,
        "identifyBenefit",
        json!({ "strategyId": strategy, "stakeholder": "CITIZENS", "category": "QUALITY", "title": "Raskere svar", "effectiveAt": "2019-01-01" }),
        "benefit",
    )
    .await;
    Parts {
        organization,
        group,
        strategy,
        area,
        goal,
        indicator,
        action,
        benefit,
    }
}

/// Every mutation of the schema, each with an input that reaches into the
/// given organization's data.
fn every_mutation(p: &Parts) -> Vec<(&'static str, Value)> {
    vec![
        ("registerOrganization", json!({ "name": "Nytt samarbeid" })),
        (
            "renameOrganization",
            json!({ "id": p.organization, "name": "Nytt navn" }),
        ),
        (
            "admitMember",
            json!({ "organizationId": p.organization, "kommunenummer": "3006", "name": "Kongsberg" }),
        ),
        (
            "recordMemberLeaving",
            json!({ "organizationId": p.organization, "kommunenummer": "3006" }),
        ),
        (
            "formWorkingGroup",
            json!({ "organizationId": p.organization, "name": "Oppvekst" }),
        ),
        (
            "renameWorkingGroup",
            json!({ "id": p.group, "name": "Teknisk nettverk" }),
        ),
        ("disbandWorkingGroup", json!({ "id": p.group })),
        (
            "draftStrategy",
            json!({ "organizationId": p.organization, "title": "Neste strategi", "startYear": 2023, "endYear": 2026 }),
        ),
        (
            "reviseStrategy",
            json!({ "id": p.strategy, "title": "Strategi 2019–2022 (revidert)", "startYear": 2019, "endYear": 2022 }),
        ),
        (
            "adoptStrategy",
            json!({ "id": p.strategy, "adoptedBy": "Styret" }),
        ),
        (
            "defineFocusArea",
            json!({ "strategyId": p.strategy, "number": 2, "title": "Infrastruktur" }),
        ),
        (
            "reviseFocusArea",
            json!({ "id": p.area, "title": "Digital dialog med innbyggerne" }),
        ),
        ("renumberFocusArea", json!({ "id": p.area, "number": 3 })),
        (
            "defineGoal",
            json!({ "focusAreaId": p.area, "number": "2", "wording": "Alle skjema er digitale" }),
        ),
        (
            "assessGoal",
            json!({ "id": p.goal, "status": "IN_PROGRESS", "justification": "Portalen er i drift", "effectiveAt": "2020-01-31" }),
        ),
        (
            "rewordGoal",
            json!({ "id": p.goal, "wording": "Innbyggerne møter én digital inngang" }),
        ),
        (
            "setIndicatorTarget",
            json!({ "id": p.indicator, "value": 10.0, "due": "2022-12-31" }),
        ),
        (
            "recordMeasurement",
            json!({ "id": p.indicator, "value": 20.0, "effectiveAt": "2020-06-30" }),
        ),
        (
            "defineIndicator",
            json!({ "goalId": p.goal, "name": "Andel digitale søknader", "unit": "prosent", "direction": "HIGHER_IS_BETTER" }),
        ),
        (
            "planAction",
            json!({ "strategyId": p.strategy, "kind": "MEASURE", "title": "Opplæring", "startYear": 2020, "endYear": 2021 }),
        ),
        (
            "reviseAction",
            json!({ "id": p.action, "title": "Felles innbyggerportal", "startYear": 2019, "endYear": 2021 }),
        ),
        (
            "linkActionToGoal",
            json!({ "id": p.action, "goalId": p.goal }),
        ),
        (
            "unlinkActionFromGoal",
            json!({ "id": p.action, "goalId": p.goal }),
        ),
        (
            "changeActionStatus",
            json!({ "id": p.action, "status": "ACTIVE" }),
        ),
        (
            "setBudgetLine",
            json!({ "id": p.action, "year": 2020, "category": "PROJECT_MANAGEMENT", "planned": 250000 }),
        ),
        (
            "identifyBenefit",
            json!({ "strategyId": p.strategy, "stakeholder": "EMPLOYEES", "category": "EFFICIENCY", "title": "Mindre dobbeltføring" }),
        ),
        (
            "recordBenefitRealisation",
            json!({ "id": p.benefit, "status": "PLANNED" }),
        ),
        (
            "splitGoal",
            json!({ "id": p.goal, "into": [{ "number": "5", "wording": "Del én" }, { "number": "6", "wording": "Del to" }] }),
        ),
        (
            "mergeGoals",
            json!({ "focusAreaId": p.area, "number": "7", "wording": "Samlet mål", "sources": [p.goal] }),
        ),
        ("retireGoal", json!({ "id": p.goal })),
        ("closeStrategy", json!({ "id": p.strategy })),
    ]
}

fn mutation_document(name: &str) -> String {
    let input = match name {
        "linkActionToGoal" | "unlinkActionFromGoal" => "ActionGoalInput".to_owned(),
        _ => format!("{}Input", upper_first(name)),
    };
    format!("mutation($input: {input}!) {{ {name}(input: $input) {{ receipt {{ position }} }} }}")
}

async fn post(client: &reqwest::Client, app: &TestApp, name: &str, input: &Value) -> (u16, Value) {
    let response = client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(
            json!({ "query": mutation_document(name), "variables": { "input": input } })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_mutation_table_covers_every_mutation_of_the_schema() {
    let parts = Parts {
        organization: String::new(),
        group: String::new(),
        strategy: String::new(),
        area: String::new(),
        goal: String::new(),
        indicator: String::new(),
        action: String::new(),
        benefit: String::new(),
    };
    let mut tested: Vec<&str> = every_mutation(&parts).iter().map(|(n, _)| *n).collect();
    tested.sort();
    let sdl = sporbar::api::sdl();
    let document = async_graphql::parser::parse_schema(&sdl).unwrap();
    let mut in_schema = Vec::new();
    for definition in &document.definitions {
        if let async_graphql::parser::types::TypeSystemDefinition::Type(ty) = definition
            && ty.node.name.node == "Mutation"
            && let async_graphql::parser::types::TypeKind::Object(object) = &ty.node.kind
        {
            in_schema.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
        }
    }
    in_schema.sort();
    assert_eq!(tested, in_schema);
}

#[tokio::test]
async fn every_mutation_is_refused_to_anonymous_readers_auditors_and_editors_of_another_organization()
 {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    let theirs = build(&app, "IKT Orkidé").await;
    let editor = client_with_token(&app.token("kari", Role::Editor, &[&ours.organization]));
    let reader = client_with_token(&app.token("ola", Role::Reader, &[]));
    let auditor = client_with_token(&app.token("revisor", Role::Auditor, &[]));
    let before = app.event_count();

    for (name, input) in every_mutation(&theirs) {
        let (status, body) = post(&app.anonymous, &app, name, &input).await;
        assert_eq!(status, 401, "anonymous {name}: {body}");
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "anonymous {name}");

        for (who, client) in [("reader", &reader), ("auditor", &auditor)] {
            let (status, body) = post(client, &app, name, &input).await;
            assert_eq!(status, 403, "{who} {name}: {body}");
            assert_eq!(codes(&body), ["FORBIDDEN"], "{who} {name}");
        }

        let (status, body) = post(&editor, &app, name, &input).await;
        assert_eq!(status, 200, "editor {name}: {body}");
        assert_eq!(
            codes(&body),
            ["FORBIDDEN"],
            "an editor of another organization, {name}: {body}"
        );
    }
    assert_eq!(app.event_count(), before, "nothing was appended");
}

#[tokio::test]
async fn an_editor_changes_its_own_organization_and_is_recorded_by_its_token_name() {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    let editor = client_with_token(&app.token("kari", Role::Editor, &[&ours.organization]));
    let mut accepted = 0;
    for (name, input) in every_mutation(&ours) {
        if name == "registerOrganization" {
            continue; // a new organization is nobody's own: see below
        }
        let (status, body) = post(&editor, &app, name, &input).await;
        assert_eq!(status, 200, "{name}: {body}");
        let codes = codes(&body);
        assert!(
            !codes
                .iter()
                .any(|c| c == "FORBIDDEN" || c == "UNAUTHENTICATED"),
            "{name} within the editor's organization: {body}"
        );
        if codes.is_empty() {
            accepted += 1;
        }
    }
    // registerOrganization creates a new organization, which is outside
    // the editor's scope; every other mutation reaches the domain.
    let (_, body) = post(
        &editor,
        &app,
        "registerOrganization",
        &json!({ "name": "X" }),
    )
    .await;
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    assert!(
        accepted >= 25,
        "most of the table applies cleanly: {accepted}"
    );
    let actors: Vec<String> = app
        .db
        .raw()
        .prepare("SELECT DISTINCT actor FROM events WHERE actor <> 'token:test-admin'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actors, ["token:kari"]);
}

#[tokio::test]
async fn the_actor_comes_from_the_token_whatever_the_client_claims() {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    let editor = client_with_token(&app.token("kari", Role::Editor, &[&ours.organization]));
    let response = editor
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("x-actor", "someone-else")
        .body(json!({
            "query": "mutation($g: UUID!) { assessGoal(input: {id: $g, status: ACHIEVED, justification: \"Ferdig\", effectiveAt: \"2020-01-31\"}) { goal { assessment { actor } } } }",
            "variables": { "g": ours.goal },
            "extensions": { "actor": "someone-else" },
        }).to_string())
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["data"]["assessGoal"]["goal"]["assessment"]["actor"], "token:kari",
        "{body}"
    );
}

const PERSONAL_DATA: &str = "query($s: UUID!, $g: UUID!) {
  strategy(id: $s) {
    goals { assessments { actor } indicators { measurements { actor } } }
    actions { statusHistory { actor } }
    benefits { realisation { actor } }
  }
  history(entityId: $g) { edges { node { actor } } }
  events(first: 5) { edges { node { actor } } }
  diff(strategyId: $s, from: \"2000-01-01T00:00:00Z\", to: \"2100-01-01T00:00:00Z\") { actor }
}";

/// Every actor value anywhere in an answer.
fn actors(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "actor" {
                    found.push(v.clone());
                } else {
                    actors(v, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| actors(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn actor_names_are_shown_to_editors_auditors_and_admins_only() {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    for (mutation, input) in [
        (
            "assessGoal",
            json!({ "id": ours.goal, "status": "IN_PROGRESS", "justification": "I gang", "effectiveAt": "2020-01-31" }),
        ),
        (
            "recordMeasurement",
            json!({ "id": ours.indicator, "value": 12.0, "effectiveAt": "2020-01-31" }),
        ),
        (
            "changeActionStatus",
            json!({ "id": ours.action, "status": "ACTIVE", "effectiveAt": "2020-01-31" }),
        ),
        (
            "recordBenefitRealisation",
            json!({ "id": ours.benefit, "status": "PLANNED" }),
        ),
    ] {
        let (_, body) = post(&app.client, &app, mutation, &input).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let variables = json!({ "s": ours.strategy, "g": ours.goal });
    let ask = |client: reqwest::Client| {
        let url = app.url("/graphql");
        let variables = variables.clone();
        async move {
            let body: Value = client
                .post(url)
                .header("content-type", "application/json")
                .body(json!({ "query": PERSONAL_DATA, "variables": variables }).to_string())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(body.get("errors").is_none(), "{body}");
            let mut found = Vec::new();
            actors(&body["data"], &mut found);
            found
        }
    };
    let kinds = 7; // assessments, measurements, status, realisation, history, events, diff
    for (who, client, shown) in [
        ("anonymous", app.anonymous.clone(), false),
        (
            "reader",
            client_with_token(&app.token("ola", Role::Reader, &[])),
            false,
        ),
        (
            "editor",
            client_with_token(&app.token("kari", Role::Editor, &[&ours.organization])),
            true,
        ),
        (
            "auditor",
            client_with_token(&app.token("revisor", Role::Auditor, &[])),
            true,
        ),
        ("admin", app.client.clone(), true),
    ] {
        let found = ask(client).await;
        assert!(
            found.len() >= kinds,
            "{who}: every kind is asked: {found:?}"
        );
        if shown {
            assert!(
                found.iter().all(|a| a == "token:test-admin"),
                "{who} sees every actor: {found:?}"
            );
        } else {
            assert!(
                found.iter().all(Value::is_null),
                "{who} sees no actor: {found:?}"
            );
        }
    }
}

#[tokio::test]
async fn without_public_read_only_signed_in_clients_read_and_the_page_itself_stays_open() {
    let app = spawn_app_with(sporbar::api::Settings {
        public_read: false,
        ..open_settings()
    })
    .await;
    let ours = build(&app, "Kongsbergregionen").await;
    let query = json!({ "query": "{ organizations { nodes { name } } }" }).to_string();
    let anonymous = app
        .anonymous
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(query.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        "Bearer realm=\"sporbar\""
    );
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
    assert!(body.get("data").is_none());

    let export = app
        .anonymous
        .get(app.url(&format!("/export/strategies/{}/goals.csv", ours.strategy)))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 401, "downloads hold strategy data too");

    for open in ["/", "/health", "/ready", "/metrics", "/graphiql"] {
        let response = app.anonymous.get(app.url(open)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{open} needs no token");
    }

    let reader = client_with_token(&app.token("ola", Role::Reader, &[]));
    let response = reader
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["data"]["organizations"]["nodes"][0]["name"],
        "Kongsbergregionen"
    );
}

#[tokio::test]
async fn a_wrong_malformed_or_revoked_token_is_refused_even_when_reading_is_public() {
    let app = spawn_app().await;
    let ask = |authorization: String| {
        let request = app
            .anonymous
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header("authorization", authorization)
            .body(json!({ "query": "{ viewer { signedIn } }" }).to_string());
        async move { request.send().await.unwrap() }
    };
    let wrong = ask("Bearer spb_0000".into()).await;
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["message"],
        "the token is unknown or revoked"
    );

    assert_eq!(ask("Basic a2FyaTpzZWNyZXQ=".into()).await.status(), 401);
    assert_eq!(ask("Bearer".into()).await.status(), 401);

    let secret = app.token("ola", Role::Reader, &[]);
    sporbar::access::tokens::revoke(&app.db.raw(), "ola", chrono::Utc::now()).unwrap();
    assert_eq!(
        ask(format!("Bearer {secret}")).await.status(),
        401,
        "a revoked token signs nobody in"
    );
}

#[tokio::test]
async fn the_viewer_query_tells_the_page_who_is_signed_in_and_what_they_may_change() {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    let theirs = build(&app, "IKT Orkidé").await;
    let query = json!({
        "query": "query($a: UUID!, $b: UUID!) { viewer { signedIn name role organizations seesActors ours: canEdit(organization: $a) theirs: canEdit(organization: $b) } }",
        "variables": { "a": ours.organization, "b": theirs.organization },
    })
    .to_string();
    let ask = |client: reqwest::Client| {
        let request = client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(query.clone());
        async move {
            let body: Value = request.send().await.unwrap().json().await.unwrap();
            body["data"]["viewer"].clone()
        }
    };
    assert_eq!(
        ask(app.anonymous.clone()).await,
        json!({ "signedIn": false, "name": null, "role": null, "organizations": [], "seesActors": false, "ours": false, "theirs": false })
    );
    let editor = client_with_token(&app.token("kari", Role::Editor, &[&ours.organization]));
    assert_eq!(
        ask(editor).await,
        json!({ "signedIn": true, "name": "kari", "role": "EDITOR", "organizations": [ours.organization], "seesActors": true, "ours": true, "theirs": false })
    );
    let viewer = ask(app.client.clone()).await;
    assert_eq!(
        (viewer["ours"].clone(), viewer["theirs"].clone()),
        (json!(true), json!(true))
    );
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected() {
    let app = spawn_app_with(sporbar::api::Settings {
        limits: sporbar::api::Limits {
            rate: Some(sporbar::api::RateLimit {
                per_second: 1,
                burst: 3,
            }),
            ..sporbar::api::Limits::default()
        },
        ..open_settings()
    })
    .await;
    let ask = |client: &reqwest::Client| {
        client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(json!({ "query": "{ logHead { position } }" }).to_string())
            .send()
    };
    for _ in 0..3 {
        assert_eq!(ask(&app.anonymous).await.unwrap().status(), 200);
    }
    let limited = ask(&app.anonymous).await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(codes(&body), ["RATE_LIMITED"]);
    // A signed-in client is counted by its token, not its address.
    assert_eq!(ask(&app.client).await.unwrap().status(), 200);
    // The page and health checks are not counted.
    assert_eq!(
        app.anonymous
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn depth_cost_and_page_size_limits_are_the_configured_ones() {
    let app = spawn_app_with(sporbar::api::Settings {
        limits: sporbar::api::Limits {
            max_depth: 3,
            max_cost: sporbar::api::CostLimits {
                public: 1_000,
                auditor: 1_000,
            },
            max_page_size: 2,
            ..sporbar::api::Limits::unthrottled()
        },
        ..open_settings()
    })
    .await;
    build(&app, "Kongsbergregionen").await;
    let deep = app
        .graphql(
            "{ strategies { nodes { focusAreas { goals { wording } } } } }",
            json!({}),
        )
        .await;
    assert!(
        deep["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{deep}"
    );
    let complex = app
        .graphql(
            "{ a: verifyLog { intact } b: verifyLog { intact } }",
            json!({}),
        )
        .await;
    assert_eq!(
        complex["errors"][0]["extensions"]["code"], "TOO_COSTLY",
        "{complex}"
    );
    assert!(
        complex["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("costs 40002, more than the 1000 an admin may ask for"),
        "{complex}"
    );
    let page = app
        .graphql("{ events(first: 3) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(
        page["errors"][0]["extensions"]["code"], "VALIDATION",
        "{page}"
    );
    assert!(
        page["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("between 0 and 2"),
        "{page}"
    );
    let default_page = app.ok("{ events { edges { cursor } } }", json!({})).await;
    assert_eq!(default_page["events"]["edges"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn cors_is_off_by_default_and_answers_only_configured_origins() {
    let preflight = |app: &TestApp, origin: &str| {
        app.anonymous
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let closed = spawn_app().await;
    let response = preflight(&closed, "https://intranett.kommune.no")
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let open = spawn_app_with(sporbar::api::Settings {
        cors_origins: vec!["https://intranett.kommune.no".into()],
        ..open_settings()
    })
    .await;
    let response = preflight(&open, "https://intranett.kommune.no")
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://intranett.kommune.no"
    );
    let response = preflight(&open, "https://evil.example").await.unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

async fn websocket(app: &TestApp, init: Value) -> Option<Value> {
    let mut request = format!("ws://{}/graphql/ws", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": init }).to_string(),
        ))
        .await
        .unwrap();
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("an answer within 10 s")?;
    match message {
        Ok(Message::Text(text)) => Some(serde_json::from_str(&text).unwrap()),
        _ => None, // closed: refused
    }
}

#[tokio::test]
async fn a_websocket_signs_in_with_its_first_message_when_reading_is_not_public() {
    let app = spawn_app_with(sporbar::api::Settings {
        public_read: false,
        ..open_settings()
    })
    .await;
    assert_eq!(
        websocket(&app, json!({})).await,
        None,
        "anonymous is refused"
    );
    assert_eq!(
        websocket(&app, json!({ "authorization": "Bearer spb_wrong" })).await,
        None
    );
    let secret = app.token("ola", Role::Reader, &[]);
    let answer = websocket(&app, json!({ "authorization": format!("Bearer {secret}") })).await;
    assert_eq!(answer.unwrap()["type"], "connection_ack");
}

#[tokio::test]
async fn metrics_count_requests_commands_and_events_in_prometheus_format() {
    let app = spawn_app().await;
    build(&app, "Kongsbergregionen").await;
    let (_, refused) = post(
        &app.client,
        &app,
        "renameOrganization",
        &json!({ "id": uuid::Uuid::new_v4(), "name": "X" }),
    )
    .await;
    assert_eq!(codes(&refused), ["NOT_FOUND"]);
    let response = app.anonymous.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let value = |line_start: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(line_start))
            .unwrap_or_else(|| panic!("no {line_start} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(value("sporbar_commands_total{outcome=\"accepted\"}"), 8.0);
    assert_eq!(value("sporbar_commands_total{outcome=\"refused\"}"), 1.0);
    assert_eq!(value("sporbar_events_appended_total"), 8.0);
    assert_eq!(value("sporbar_log_position"), 8.0);
    assert_eq!(value("sporbar_commit_batch_size_count"), 9.0);
    assert!(value("sporbar_projection_duration_seconds_count") >= 8.0);
    assert!(value("sporbar_http_requests_total{route=\"graphql\",status=\"2xx\"}") >= 9.0);
    assert!(value("sporbar_http_request_duration_seconds_count{route=\"graphql\"}") >= 9.0);
}

#[tokio::test]
async fn a_repeated_command_id_tells_an_editor_of_another_organization_nothing() {
    let app = spawn_app().await;
    let ours = build(&app, "Kongsbergregionen").await;
    let theirs = build(&app, "IKT Orkidé").await;
    let command_id = uuid::Uuid::new_v4();
    let input = json!({ "id": theirs.goal, "status": "ACHIEVED", "justification": "Ferdig", "effectiveAt": "2020-01-31", "commandId": command_id });
    let (_, first) = post(&app.client, &app, "assessGoal", &input).await;
    assert!(first.get("errors").is_none(), "{first}");
    let editor = client_with_token(&app.token("kari", Role::Editor, &[&ours.organization]));
    let (_, repeated) = post(&editor, &app, "assessGoal", &input).await;
    assert_eq!(codes(&repeated), ["FORBIDDEN"], "{repeated}");
    assert!(repeated["data"]["assessGoal"].is_null());
}

// ---------------------------------------------------------------------------
// Token names: a plain slug, never an id, and revoking picks no guess
// ---------------------------------------------------------------------------

/// A fresh database with the tokens table.
fn token_db() -> crate::support::TestDb {
    let db = crate::support::TestDb::new();
    drop(db.open());
    db
}

fn create(
    db: &crate::support::TestDb,
    name: &str,
) -> Result<sporbar::access::tokens::NewToken, String> {
    sporbar::access::tokens::create(&db.raw(), name, Role::Reader, &[], chrono::Utc::now())
        .map_err(|e| e.to_string())
}

const SLUG_RULE: &str =
    "a token name may only hold a–z, 0–9, '.', '_' and '-' and must start with a letter";

#[test]
fn a_token_name_is_a_lowercase_slug_that_starts_with_a_letter() {
    let db = token_db();
    for name in [
        "kari.nordmann",
        "ola",
        "test-admin",
        "fuzz_test",
        "a",
        "bench-1764871234567890123",
        &"k".repeat(100),
    ] {
        assert!(create(&db, name).is_ok(), "{name}");
    }
    // Trimmed, as before: a name pasted with a space around it is the name.
    assert_eq!(
        create(&db, " per\n").unwrap().info.name,
        "per",
        "surrounding white space is not part of the name"
    );
    for name in [
        "Kari",
        "kari nordmann",
        "1kari",
        ".kari",
        "-kari",
        "kåre",
        "kari@kommune.no",
        "kari/../ola",
    ] {
        assert_eq!(
            create(&db, name).unwrap_err(),
            format!("'{name}' is not a token name: {SLUG_RULE}"),
            "{name}"
        );
    }
    for (name, length) in [("", 0), ("   ", 0)] {
        assert_eq!(
            create(&db, name).unwrap_err(),
            format!("a token name is 1 to 100 characters, not {length}")
        );
    }
    assert_eq!(
        create(&db, &"k".repeat(101)).unwrap_err(),
        "a token name is 1 to 100 characters, not 101"
    );
}

/// Names are the actor of every change the token makes, shown to those who
/// read the log: a bidi control would make "kari" of a name that is not,
/// and a Cyrillic "а" would make a second "kari". The message shows the
/// name escaped, as it is, not as it looks.
#[test]
fn a_token_name_with_invisible_or_look_alike_characters_is_refused_showing_them() {
    let db = token_db();
    for (name, shown) in [
        ("kari\u{202e}nnamdron", "kari\\u{202e}nnamdron"),
        ("ka\u{200b}ri", "ka\\u{200b}ri"),
        ("k\u{0430}ri", "kаri"),
        ("kari\u{2066}", "kari\\u{2066}"),
        ("kari\u{7}", "kari\\u{7}"),
    ] {
        assert_eq!(
            create(&db, name).unwrap_err(),
            format!("'{shown}' is not a token name: {SLUG_RULE}"),
            "{name:?}"
        );
    }
}

/// Broke: `token create --name <another token's id>` made a second token
/// that `token revoke <id>` could revoke instead of the first.
#[test]
fn a_token_name_that_could_be_taken_for_an_id_is_refused() {
    let db = token_db();
    let kari = create(&db, "kari").unwrap().info.id;
    let hex_letters = "deadbeef-0000-4000-8000-00000000cafe";
    let secret_like = format!("spb_{}", "ab12".repeat(16));
    for name in [
        hex_letters.to_owned(),
        hex_letters.replace('-', ""),
        format!("a{}", kari.simple()).chars().take(33).collect(),
        secret_like,
    ] {
        assert_eq!(
            create(&db, &name).unwrap_err(),
            format!(
                "'{name}' is not a token name: it could be taken for a token's id (a UUID, or 32 or more hex digits in a row)"
            ),
            "{name}"
        );
    }
    // Kari's own id, whichever rule it meets first (it may start with a digit).
    assert!(create(&db, &kari.to_string()).is_err());
}

#[test]
fn revoking_matches_an_id_before_a_name_and_refuses_to_guess_between_two_tokens() {
    use sporbar::access::tokens;
    let db = token_db();
    let conn = db.raw();
    let kari = create(&db, "kari").unwrap().info.id;
    let ola = create(&db, "ola").unwrap().info.id;
    // A token named with kari's id, as `token create` allowed before names
    // were checked.
    let legacy = uuid::Uuid::new_v4();
    conn.execute(
        "INSERT INTO tokens (id, name, role, secret_hash, created_at) \
         VALUES (?1, ?2, 'admin', x'00', '2026-01-01T00:00:00.000000Z')",
        [legacy.to_string(), kari.to_string()],
    )
    .unwrap();
    let now = chrono::Utc::now();

    let ambiguous = tokens::revoke(&conn, &kari.to_string(), now).unwrap_err();
    assert_eq!(
        ambiguous.to_string(),
        format!(
            "'{kari}' is both the id of token 'kari' and the name of token '{legacy}' (by id); give '{}' to revoke the first or '{legacy}' to revoke the second",
            kari.simple()
        )
    );
    assert!(
        tokens::list(&conn)
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_none()),
        "nothing was revoked"
    );

    // Either reading that the message offers revokes just that token.
    assert_eq!(
        tokens::revoke(&conn, &kari.simple().to_string(), now)
            .unwrap()
            .name,
        "kari"
    );
    assert_eq!(
        tokens::revoke(&conn, &legacy.to_string(), now).unwrap().id,
        legacy
    );
    // An id in any spelling is an id; a name is a name.
    assert_eq!(
        tokens::revoke(&conn, &ola.to_string().to_uppercase(), now)
            .unwrap()
            .name,
        "ola"
    );
    create(&db, "per").unwrap();
    assert_eq!(tokens::revoke(&conn, "per", now).unwrap().name, "per");
    let unknown = uuid::Uuid::new_v4().simple().to_string();
    assert!(matches!(
        tokens::revoke(&conn, &unknown, now),
        Err(tokens::TokenError::NotFound(given)) if given == unknown
    ));
}

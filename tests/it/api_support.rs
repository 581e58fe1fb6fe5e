//! The API as a client sees it: a real server on port 0 with a fresh
//! database file, spoken to over HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::support::{ManualClock, TestDb};

pub struct TestApp {
    pub address: SocketAddr,
    pub db: TestDb,
    pub store: Arc<sporbar::store::SqliteStore>,
    /// Sends an admin's token with every request.
    pub client: reqwest::Client,
    /// Sends no token.
    pub anonymous: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A server with anonymous reading on and no rate limit; `client` is an admin.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDb::new(), None, open_settings()).await
}

/// A server whose transaction time the test controls.
pub async fn spawn_app_with_clock(clock: Arc<ManualClock>) -> TestApp {
    spawn_app_on(TestDb::new(), Some(clock), open_settings()).await
}

/// A server run with these settings.
pub async fn spawn_app_with(settings: sporbar::api::Settings) -> TestApp {
    spawn_app_on(TestDb::new(), None, settings).await
}

pub fn open_settings() -> sporbar::api::Settings {
    sporbar::api::Settings {
        limits: sporbar::api::Limits::unthrottled(),
        public_read: true,
        cors_origins: Vec::new(),
    }
}

/// A client that sends `Authorization: Bearer <secret>`.
pub fn client_with_token(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {secret}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn spawn_app_on(
    db: TestDb,
    clock: Option<Arc<ManualClock>>,
    settings: sporbar::api::Settings,
) -> TestApp {
    let store = Arc::new(match clock {
        Some(clock) => db.open_with_clock(clock),
        None => db.open(),
    });
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let (bound, address) = tokio::sync::oneshot::channel();
    let server_store = store.clone();
    tokio::spawn(async move {
        sporbar::api::serve(
            server_store,
            "127.0.0.1:0".parse().unwrap(),
            settings,
            move |a| {
                let _ = bound.send(a);
            },
            async move {
                let _ = stop.await;
            },
        )
        .await
        .expect("server runs");
    });
    let address = address.await.expect("server bound a port");
    let admin = sporbar::access::tokens::create(
        &db.raw(),
        "test-admin",
        sporbar::access::Role::Admin,
        &[],
        chrono::Utc::now(),
    )
    .expect("token created");
    TestApp {
        address,
        db,
        store,
        client: client_with_token(&admin.secret),
        anonymous: reqwest::Client::new(),
        shutdown: Some(shutdown),
    }
}

impl TestApp {
    /// Creates a token and returns its secret.
    pub fn token(&self, name: &str, role: sporbar::access::Role, organizations: &[&str]) -> String {
        let organizations: Vec<_> = organizations
            .iter()
            .map(|o| sporbar::domain::OrganizationId(o.parse().unwrap()))
            .collect();
        sporbar::access::tokens::create(
            &self.db.raw(),
            name,
            role,
            &organizations,
            chrono::Utc::now(),
        )
        .expect("token created")
        .secret
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// POSTs a GraphQL request as a plain JSON client and returns the body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .body(json!({ "query": query, "variables": variables }).to_string())
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200, "status of {query}");
        response.json().await.expect("JSON body")
    }

    /// Like `graphql`, but fails the test when the answer has errors.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "errors from {query}: {body:#}"
        );
        body["data"].clone()
    }

    /// The single error of an answer: (code, message, extensions).
    pub async fn error(&self, query: &str, variables: Value) -> (String, String, Value) {
        let body = self.graphql(query, variables).await;
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors from {query}: {body:#}"));
        assert_eq!(errors.len(), 1, "{body:#}");
        let e = &errors[0];
        (
            e["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            e["message"].as_str().unwrap_or_default().to_owned(),
            e["extensions"].clone(),
        )
    }

    /// Events in the log.
    pub fn event_count(&self) -> u64 {
        self.db
            .raw()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    }
}

/// Builds Kongsbergregionen with its 2015–2018 strategy, focus area 1
/// "Digital dialog" and goal 1.3, through the API. Returns their ids.
pub struct ApiScenario {
    pub organization: String,
    pub strategy: String,
    pub area: String,
    pub goal: String,
}

impl ApiScenario {
    pub async fn create(app: &TestApp) -> Self {
        Self::create_until(app, 2018).await
    }

    /// The same, with a strategy period ending in `end_year`: reports take
    /// effect within a strategy's period, and some tests follow a goal up
    /// to 2022.
    pub async fn create_until(app: &TestApp, end_year: i32) -> Self {
        let org = app
            .ok(
                "mutation($n: String!) { registerOrganization(input: {name: $n, effectiveAt: \"2015-01-01\"}) { organization { id } } }",
                json!({ "n": "Kongsbergregionen" }),
            )
            .await["registerOrganization"]["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let strategy = app
            .ok(
                "mutation($o: UUID!, $end: Int!) { draftStrategy(input: {organizationId: $o, title: \"Regional digitaliseringsstrategi 2015–2018\", startYear: 2015, endYear: $end, vision: \"Innbyggerne og næringslivet i Kongsbergregionen tilbys fremtidsrettede digitale tjenester.\", effectiveAt: \"2015-03-01\"}) { strategy { id } } }",
                json!({ "o": org, "end": end_year }),
            )
            .await["draftStrategy"]["strategy"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let area = app
            .ok(
                "mutation($s: UUID!) { defineFocusArea(input: {strategyId: $s, number: 1, title: \"Digital dialog\", effectiveAt: \"2015-03-01\"}) { focusArea { id } } }",
                json!({ "s": strategy }),
            )
            .await["defineFocusArea"]["focusArea"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let goal = app
            .ok(
                "mutation($a: UUID!) { defineGoal(input: {focusAreaId: $a, number: \"1.3\", wording: \"Kommunene har automatiserte prosesser der tjenesteområdene henger sammen\", effectiveAt: \"2015-03-01\"}) { goal { id } } }",
                json!({ "a": area }),
            )
            .await["defineGoal"]["goal"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        ApiScenario {
            organization: org,
            strategy,
            area,
            goal,
        }
    }
}

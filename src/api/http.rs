//! GraphQL over HTTP, following the GraphQL-over-HTTP specification:
//! `application/graphql-response+json` when the client accepts it (request
//! errors then answer 400 with no `data`), `application/json` otherwise;
//! 415 for a POST that is not JSON; 405 for a mutation over GET; 406 when
//! the client accepts neither media type.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::guard::Client;
use super::metrics::Refused;
use super::{AppState, RequestClock, SporbarSchema, today};
use crate::access::{Refusal, Viewer};

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: SporbarSchema,
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// Which media type the answer is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    GraphqlResponseJson,
    Json,
}

impl Answer {
    fn content_type(self) -> &'static str {
        match self {
            Answer::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Answer::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the media type from the Accept header: graphql-response+json when
/// listed, else application/json (also for a missing header or `*/*`).
fn negotiate(headers: &HeaderMap) -> Option<Answer> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Answer::Json);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|part| part.split(';').next().unwrap_or("").trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE_JSON) {
        Some(Answer::GraphqlResponseJson)
    } else if types
        .iter()
        .any(|t| *t == JSON || *t == "application/*" || *t == "*/*")
    {
        Some(Answer::Json)
    } else {
        None
    }
}

fn respond(status: StatusCode, answer: Answer, body: Value) -> Response {
    respond_text(status, answer, body.to_string())
}

fn respond_text(status: StatusCode, answer: Answer, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type()),
    );
    response
}

/// A request error: 400 with no `data` for graphql-response+json; for
/// legacy application/json clients, 400 only when the request itself was
/// not well-formed JSON, else 200.
fn request_error(answer: Answer, well_formed: bool, message: &str) -> Response {
    let status = if answer == Answer::GraphqlResponseJson || !well_formed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    respond(
        status,
        answer,
        json!({ "errors": [{ "message": message, "extensions": { "code": "VALIDATION" } }] }),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphqlParams {
    query: Option<String>,
    variables: Option<Value>,
    operation_name: Option<String>,
    extensions: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
}

pub async fn graphql_get(
    State(state): State<HttpState>,
    Extension(viewer): Extension<Viewer>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    Query(params): Query<GetParams>,
) -> Response {
    let Some(answer) = negotiate(&headers) else {
        return not_acceptable();
    };
    let variables = match params
        .variables
        .as_deref()
        .map(serde_json::from_str::<Value>)
    {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => return request_error(answer, false, "variables are not valid JSON"),
    };
    let params = GraphqlParams {
        query: params.query,
        variables,
        operation_name: params.operation_name,
        extensions: None,
    };
    execute(state, viewer, client, answer, params, false).await
}

pub async fn graphql_post(
    State(state): State<HttpState>,
    Extension(viewer): Extension<Viewer>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(answer) = negotiate(&headers) else {
        return not_acceptable();
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case(JSON)
        })
        .unwrap_or(false);
    if !is_json {
        let mut response = respond(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            answer,
            json!({ "errors": [{ "message": "a POST to /graphql must have Content-Type: application/json" }] }),
        );
        response
            .headers_mut()
            .insert(header::ACCEPT, HeaderValue::from_static(JSON));
        return response;
    }
    let params: GraphqlParams = match serde_json::from_slice(&body) {
        Ok(params) => params,
        Err(e) => {
            return request_error(
                answer,
                false,
                &format!("the request body is not a GraphQL request: {e}"),
            );
        }
    };
    execute(state, viewer, client, answer, params, true).await
}

fn not_acceptable() -> Response {
    (
        StatusCode::NOT_ACCEPTABLE,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({ "errors": [{ "message": "accept application/graphql-response+json or application/json" }] })
            .to_string(),
    )
        .into_response()
}

async fn execute(
    state: HttpState,
    viewer: Viewer,
    client: Client,
    answer: Answer,
    params: GraphqlParams,
    is_post: bool,
) -> Response {
    let Some(query) = params.query.filter(|q| !q.trim().is_empty()) else {
        return request_error(answer, false, "the request has no query");
    };
    if let Some(variables) = &params.variables
        && !variables.is_object()
        && !variables.is_null()
    {
        return request_error(answer, false, "variables must be a JSON object");
    }
    // A document nested deeper than any real question would exhaust the
    // parser's stack: refuse it before parsing.
    if super::nesting::nesting(&query) > super::nesting::MAX_NESTING {
        return request_error(answer, true, &super::nesting::too_deep().message);
    }
    // Parse first: a document that does not parse is a request error, and
    // over GET only queries may run.
    let document = match async_graphql::parser::parse_query(&query) {
        Ok(document) => document,
        Err(e) => return request_error(answer, true, &e.to_string()),
    };
    let operation = match (&document.operations, params.operation_name.as_deref()) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(_), None) => None,
    };
    match operation {
        Some(OperationType::Mutation) if !is_post => {
            let mut response = request_error(answer, true, "mutations are only accepted over POST");
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        Some(OperationType::Subscription) => {
            return request_error(
                answer,
                true,
                "subscriptions are served over WebSocket at /graphql/ws",
            );
        }
        // Who may not change anything is told so before anything runs;
        // an editor's organizations are checked per command by the writer.
        Some(OperationType::Mutation) => match viewer.write_scope() {
            Err(Refusal::Unauthenticated) => {
                return super::guard::unauthenticated(
                    "sign in to make changes: send an editor's or admin's API token as 'Authorization: Bearer <token>'",
                );
            }
            Err(Refusal::Forbidden) => {
                let role = viewer.role().map(|r| r.as_str()).unwrap_or("anonymous");
                return respond(
                    StatusCode::FORBIDDEN,
                    answer,
                    json!({ "errors": [{
                        "message": format!("a {role} may not make changes; ask for an editor's token"),
                        "extensions": { "code": "FORBIDDEN" },
                    }] }),
                );
            }
            Ok(_) => {}
        },
        _ => {}
    }

    // The head as the writer last committed it: no query, no blocking
    // thread, for a question the view cache can answer on its own.
    let clock = RequestClock {
        head: state.app.store.committed_head(),
        today: today(),
    };
    let mut request = async_graphql::Request::new(query)
        .data(clock)
        .data(viewer)
        .data(client);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables {
        request = request.variables(async_graphql::Variables::from_json(variables));
    }
    if let Some(Value::Object(extensions)) = params.extensions {
        for (key, value) in extensions {
            if let Ok(value) = async_graphql::Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    let response = state.schema.execute(request).await;
    // A mutation's answer is computed after its own commit.
    let clock = if operation == Some(OperationType::Mutation) {
        RequestClock {
            head: state.app.store.committed_head(),
            ..clock
        }
    } else {
        clock
    };

    // Errors before execution (validation, unknown operation, variables that
    // do not fit) carry no path and leave no data: request errors.
    let request_failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    let status = if request_failed {
        if let Value::Object(map) = &mut body {
            map.remove("data");
        }
        if answer == Answer::GraphqlResponseJson {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        }
    } else {
        StatusCode::OK
    };
    code_errors(&mut body);
    if let Value::Object(map) = &mut body {
        // Which log position and chain hash the answer was computed at.
        let extensions = map.entry("extensions").or_insert_with(|| json!({}));
        if let Value::Object(ext) = extensions {
            ext.insert(
                "sporbar".into(),
                json!({
                    "position": clock.head_position(),
                    "hash": clock.head.map(|(_, h)| hex::encode(h)),
                    "today": clock.today.to_string(),
                }),
            );
        }
    }
    let text = body.to_string();
    let most = state.app.settings.limits.max_answer_bytes;
    if text.len() > most {
        state.app.metrics.refused(Refused::AnswerTooLarge);
        return respond(
            StatusCode::OK,
            answer,
            json!({ "errors": [{
                "message": too_large(text.len(), most),
                "extensions": { "code": "ANSWER_TOO_LARGE" },
            }] }),
        );
    }
    respond_text(status, answer, text)
}

/// Every error of our resolvers carries a code (see error.rs); the ones
/// without come from GraphQL itself refusing the request's input (an
/// unknown field, a value that does not fit its type), so they get
/// VALIDATION like ours.
pub fn code_errors(body: &mut Value) {
    if let Some(Value::Array(errors)) = body.get_mut("errors") {
        for error in errors.iter_mut().filter_map(Value::as_object_mut) {
            let extensions = error.entry("extensions").or_insert_with(|| json!({}));
            if let Value::Object(extensions) = extensions {
                extensions
                    .entry("code")
                    .or_insert_with(|| json!("VALIDATION"));
            }
        }
    }
}

/// The message for an answer over the answer limit.
pub fn too_large(size: usize, most: usize) -> String {
    format!(
        "the answer is {size} bytes, more than the {most} this server sends at once; ask for fewer fields, aliases or items"
    )
}

/// Ready when the database answers: the store was opened, so its
/// migrations have run.
pub async fn ready(State(state): State<HttpState>) -> Response {
    match state.app.read(|conn| Ok(crate::read::head(conn)?)).await {
        Ok(head) => (
            StatusCode::OK,
            format!(
                "ready: log at position {}\n",
                head.map(|(p, _)| p).unwrap_or(0)
            ),
        )
            .into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", error.message()),
        )
            .into_response(),
    }
}

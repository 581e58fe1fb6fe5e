//! Subscriptions: committed events, live. A subscriber may first catch up
//! from a position; it then gets every later event once, in order, with no
//! gap: each wake-up re-reads the log after the last position delivered.

use std::sync::Arc;

use async_graphql::{Context, Data, Subscription};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::error::FieldResult;
use super::http::HttpState;
use super::query::{LogEvent, MAX_PAGE, app};
use super::{ApiError, AppState, guard};
use crate::access::Viewer;
use crate::store::EventFilter;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;

pub struct SubscriptionRoot;

/// Live events.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Events as they are committed. With `afterPosition`, first every
    /// event after that position (catch-up), then live ones.
    async fn event_appended(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Deliver events after this log position first (default: only new events)."
        )]
        after_position: Option<u64>,
        #[graphql(desc = "Only events of this type, e.g. GoalAssessed.")] event_type: Option<
            String,
        >,
        #[graphql(desc = "Only events of this stream (entity).")] stream_id: Option<Uuid>,
    ) -> FieldResult<impl Stream<Item = LogEvent>> {
        let store = app(ctx).store.clone();
        // Subscribe before reading the head so no commit falls in between.
        let mut committed = store.subscribe();
        let start = match after_position {
            Some(position) => position,
            None => {
                let reader = store.clone();
                tokio::task::spawn_blocking(move || reader.head())
                    .await
                    .map_err(|e| ApiError::Internal(Box::new(e)))??
                    .map(|(p, _)| p)
                    .unwrap_or(0)
            }
        };
        let (sender, receiver) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            let mut last = start;
            // A head position known to have been committed before the next
            // drain starts: everything up to it is examined by that drain,
            // so filtered-out events are not scanned again.
            let mut known_head = start;
            loop {
                loop {
                    let filter = EventFilter {
                        stream_id,
                        event_type: event_type.clone(),
                        after_position: last,
                        limit: Some(MAX_PAGE as u64),
                        ..EventFilter::default()
                    };
                    let reader = store.clone();
                    let page = match tokio::task::spawn_blocking(move || {
                        reader.read_events(&filter)
                    })
                    .await
                    {
                        Ok(Ok(page)) => page,
                        _ => return,
                    };
                    let full = page.len() == MAX_PAGE;
                    for event in page {
                        last = event.position;
                        if sender.send(LogEvent(Arc::new(event))).await.is_err() {
                            return;
                        }
                    }
                    if !full {
                        break;
                    }
                }
                last = last.max(known_head);
                tokio::select! {
                    notice = committed.recv() => match notice {
                        Ok(head) => known_head = head,
                        Err(RecvError::Lagged(_)) => {}
                        Err(RecvError::Closed) => return,
                    },
                    _ = sender.closed() => return,
                }
            }
        });
        Ok(tokio_stream::wrappers::ReceiverStream::new(receiver))
    }
}

/// The WebSocket endpoint (graphql-transport-ws and graphql-ws). A browser
/// cannot put a token in the upgrade request's headers, so a client may
/// instead send `{"authorization": "Bearer <token>"}` as the payload of its
/// `connection_init`; without either, the connection is anonymous and is
/// refused unless anonymous reading is on.
pub async fn websocket(
    State(state): State<HttpState>,
    Extension(viewer): Extension<Viewer>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let HttpState { app, schema } = state;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| sign_in(app, viewer, payload))
                .serve()
        })
}

async fn sign_in(
    app: AppState,
    viewer: Viewer,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let given = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(|v| v.as_str());
    let viewer = match given {
        None => viewer,
        Some(value) => {
            let Ok(Some(secret)) = guard::bearer_value(value) else {
                return Err("the authorization must be 'Bearer <token>'".into());
            };
            match app.identities.resolve(&app, secret).await {
                Ok(Some(identity)) => Viewer::Signed(identity),
                Ok(None) => return Err(guard::BAD_TOKEN.into()),
                Err(_) => return Err("the database cannot be read; try again".into()),
            }
        }
    };
    if matches!(viewer, Viewer::Anonymous) && !app.settings.public_read {
        return Err(guard::SIGN_IN.into());
    }
    let mut data = Data::default();
    data.insert(viewer);
    Ok(data)
}

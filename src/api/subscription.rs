//! Subscriptions: committed events, live. A subscriber may first catch up
//! from a position; it then gets every later event once, in order, with no
//! gap: each wake-up re-reads the log after the last position delivered.

use std::sync::Arc;

use async_graphql::{Context, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::error::FieldResult;
use super::query::{LogEvent, MAX_PAGE, app};
use crate::store::EventFilter;

pub struct SubscriptionRoot;

/// Live events.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Events as they are committed. With `afterPosition`, first every
    /// event after that position (catch-up), then live ones.
    #[graphql(complexity = "super::cost::paged(None, child_complexity)")]
    async fn event_appended(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Deliver events after this log position first (default: only new events)."
        )]
        after_position: Option<i64>,
        #[graphql(desc = "Only events of this type, e.g. GoalAssessed.")] event_type: Option<
            String,
        >,
        #[graphql(desc = "Only events of this stream (entity).")] stream_id: Option<Uuid>,
    ) -> FieldResult<impl Stream<Item = LogEvent>> {
        let app = app(ctx).clone();
        let store = app.store.clone();
        // Subscribe before reading the head so no commit falls in between.
        let mut committed = store.subscribe();
        let after_position = after_position
            .map(|p| super::scalars::count("afterPosition", p))
            .transpose()?;
        let start = match after_position {
            Some(position) => position,
            None => {
                let reader = store.clone();
                app.budget
                    .blocking(move |_| Ok(reader.head()?))
                    .await?
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
                    let page = match app
                        .budget
                        .blocking(move |_| Ok(reader.read_events(&filter)?))
                        .await
                    {
                        Ok(page) => page,
                        Err(_) => return,
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

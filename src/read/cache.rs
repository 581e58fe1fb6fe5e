//! Strategy views by (strategy, log position, valid-at date). What the log
//! says up to a position never changes — rows are only ever appended after
//! it — so a view built once for a position is right for as long as the
//! process runs, and needs no invalidation. Only the most recent views are
//! kept.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::Connection;
use uuid::Uuid;

use super::{Moment, ReadError, StrategyView};

type Key = (Uuid, u64, NaiveDate);

pub struct ViewCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    views: HashMap<Key, Option<Arc<StrategyView>>>,
    /// Keys oldest first, for eviction.
    order: VecDeque<Key>,
}

impl ViewCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The strategy at `moment` if it is in the cache: `Some(answer)` when
    /// it was built before, `None` when it must be read. Needs no
    /// connection, so a hit never waits for a database thread.
    pub fn cached(&self, id: Uuid, moment: Moment) -> Option<Option<Arc<StrategyView>>> {
        if moment.as_of == u64::MAX {
            return None;
        }
        self.inner
            .lock()
            .expect("view cache lock")
            .views
            .get(&(id, moment.as_of, moment.valid_at))
            .cloned()
    }

    /// The strategy at `moment`, from the cache when it was built before.
    /// A moment of "everything, whatever comes" (`as_of == u64::MAX`) is
    /// not a fixed position and is never cached.
    pub fn strategy(
        &self,
        conn: &Connection,
        id: Uuid,
        moment: Moment,
    ) -> Result<Option<Arc<StrategyView>>, ReadError> {
        if moment.as_of == u64::MAX {
            return Ok(super::strategy(conn, id, moment)?.map(Arc::new));
        }
        let key = (id, moment.as_of, moment.valid_at);
        if let Some(view) = self.inner.lock().expect("view cache lock").views.get(&key) {
            return Ok(view.clone());
        }
        let view = super::strategy(conn, id, moment)?.map(Arc::new);
        let mut inner = self.inner.lock().expect("view cache lock");
        if inner.views.insert(key, view.clone()).is_none() {
            inner.order.push_back(key);
            while inner.order.len() > self.capacity {
                if let Some(oldest) = inner.order.pop_front() {
                    inner.views.remove(&oldest);
                }
            }
        }
        Ok(view)
    }
}

//! The event store: the append-only log in SQLite, its hash chain, and the
//! single writer that turns commands into committed events.

pub mod payload;

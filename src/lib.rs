//! Sporbar: an event-sourced tracker for municipal digital-transformation
//! strategies. A tour of the crate, from the inside out:

/// The strategy domain: commands, events, rules (`decide`) and the decision
/// state (`State::apply`). Pure: no IO, no clock.
pub mod domain;
/// The event store: append-only SQLite log, hash chain, single writer.
pub mod store;

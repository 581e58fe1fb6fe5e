//! Sporbar: an event-sourced tracker for municipal digital-transformation
//! strategies. A tour of the crate, from the inside out:

/// Who is asking and what they may do: roles, identities, API tokens.
pub mod access;
/// The HTTP surface: GraphQL over HTTP and WebSocket, GraphiQL, health.
pub mod api;
/// The command line: subcommands and their glue to the library.
pub mod cli;
/// The strategy domain: commands, events, rules (`decide`) and the decision
/// state (`State::apply`). Pure: no IO, no clock.
pub mod domain;
/// Plan files: an organization and its strategies in TOML, imported as commands.
pub mod plan;
/// Read models: bitemporal facts derived from the log, and their queries.
pub mod projection;
/// Typed views of the read models at any moment: organizations, strategy
/// trees, attainment.
pub mod read;
/// The annual status report of a strategy, in Markdown and HTML with SVG charts.
pub mod report;
/// The event store: append-only SQLite log, hash chain, single writer.
pub mod store;
/// Counters and histograms behind `/metrics`.
pub mod telemetry;

//! One integration-test binary (one link step) with a module per area.

mod catalogue;
mod cli;
mod domain;
mod properties;
mod store;
mod support;
mod temporal;

//! One integration-test binary (one link step) with a module per area.

mod access;
mod access_log;
mod api;
mod api_mutations;
mod api_support;
mod catalogue;
mod cli;
mod compression;
mod demo;
mod domain;
mod door;
mod failure;
mod fuzz;
mod import;
mod integrity;
mod properties;
mod read;
mod report;
mod server;
mod sheet;
mod static_files;
mod store;
mod support;
mod temporal;

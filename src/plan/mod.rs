//! Plan files: a whole organization and its strategies in one TOML file
//! (docs/plan-format.md), imported as ordinary commands. Importing compares
//! the file with what the log already says and submits only the
//! differences, all in one transaction: an unchanged file appends nothing,
//! an edited file appends only its edits, a wrong file appends nothing.

mod export;
mod format;
mod import;

pub use export::export;
pub use format::PlanFile;
pub use import::{ImportReport, PlanError, import, plan_commands};

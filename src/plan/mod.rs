//! Plan files: a whole organization and its strategies in one TOML file
//! (docs/plan-format.md), imported as ordinary commands. Importing compares
//! the file with what the log already says and submits only the
//! differences, all in one transaction: an unchanged file appends nothing,
//! an edited file appends only its edits, a wrong file appends nothing.

mod export;
mod format;
mod import;
mod sheet;

pub use export::export;
pub use format::PlanFile;
pub use import::{ImportReport, PlanError, import, plan_commands};
pub use sheet::import_sheet;

/// The demo data: the source documents of `shared/seeds`, encoded as plan
/// files in `demo/` and built into the binary, so a fresh machine needs
/// nothing else.
pub const DEMO_FILES: &[(&str, &str)] = &[
    (
        "kongsbergregionen.toml",
        include_str!("../../demo/kongsbergregionen.toml"),
    ),
    (
        "ikt-orkide.toml",
        include_str!("../../demo/ikt-orkide.toml"),
    ),
    (
        "digitale-helgeland.toml",
        include_str!("../../demo/digitale-helgeland.toml"),
    ),
];

/// Imports every demo file; importing them again appends nothing.
pub fn load_demo(
    store: &crate::store::SqliteStore,
    today: chrono::NaiveDate,
) -> Result<Vec<(&'static str, ImportReport)>, PlanError> {
    DEMO_FILES
        .iter()
        .map(|(name, text)| Ok((*name, import(store, name, text, today)?)))
        .collect()
}

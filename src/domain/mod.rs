//! The strategy domain: commands, events and rules. Pure: no IO, no clock,
//! no SQL, no serialization. `decide` checks a command against the state of
//! its organization and returns the events it causes; `State::apply` folds
//! an event in and cannot fail.

mod command;
mod decide;
mod event;
mod state;
mod values;

pub use command::{Command, CommandBody, GoalPart, IndicatorSubject, Measurement};
pub use decide::{decide, limits};
pub use event::{Event, StreamKind};
pub use state::*;
pub use values::*;

/// Why a command was refused. Messages are lowercase and quote the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value or a rule about values was broken; `field` names the input.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// A referenced entity does not exist (in this organization).
    #[error("{entity} '{id}' not found")]
    NotFound { entity: &'static str, id: String },
    /// An entity with this id already exists.
    #[error("{entity} '{id}' already exists")]
    AlreadyExists { entity: &'static str, id: String },
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            message: message.into(),
        }
    }

    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        DomainError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub fn already_exists(entity: &'static str, id: impl ToString) -> Self {
        DomainError::AlreadyExists {
            entity,
            id: id.to_string(),
        }
    }
}

//! How errors reach a client: a clear message and a stable
//! `extensions.code`. Internal detail is logged with its cause chain and
//! never echoed.

use async_graphql::ErrorExtensions;

use crate::domain::DomainError;
use crate::read::ReadError;
use crate::store::StoreError;

/// An error of the API layer, mapped to a GraphQL error at the boundary.
///
/// Deliberately not `Display`: async-graphql turns anything `Display` into
/// an error without extensions, so `?` must go through the `From` below,
/// which sets `extensions.code`.
#[derive(Debug)]
pub enum ApiError {
    Validation {
        field: String,
        message: String,
    },
    NotFound(String),
    /// Nobody is signed in, and the request needs someone.
    Unauthenticated(String),
    /// Signed in, but not allowed to do this.
    Forbidden(String),
    /// The database cannot take changes now (disk full, read-only, I/O
    /// error); nothing was stored, and reads still work.
    Unavailable(String),
    Conflict {
        message: String,
        current_version: Option<u64>,
    },
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message a client sees.
    pub fn message(&self) -> String {
        match self {
            ApiError::Validation { field, message } => format!("{field}: {message}"),
            ApiError::NotFound(message)
            | ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message)
            | ApiError::Unavailable(message)
            | ApiError::Conflict { message, .. } => message.clone(),
            ApiError::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "VALIDATION",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::Unavailable(_) => "UNAVAILABLE",
            ApiError::Conflict { .. } => "CONFLICT",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid { field, message } => ApiError::Validation {
                field: field.to_owned(),
                message,
            },
            DomainError::NotFound { .. } => ApiError::NotFound(error.to_string()),
            DomainError::AlreadyExists { .. } => ApiError::Conflict {
                message: error.to_string(),
                current_version: None,
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(domain) => domain.into(),
            StoreError::Conflict { actual, .. } => ApiError::Conflict {
                message: error.to_string(),
                current_version: Some(actual),
            },
            StoreError::CommandIdReused { .. } => ApiError::Conflict {
                message: error.to_string(),
                current_version: None,
            },
            StoreError::Forbidden { .. } => ApiError::Forbidden(error.to_string()),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _))
                if unwritable(failure.code).is_some() =>
            {
                tracing::error!(error = %crate::store::error_chain(&error), "a change could not be stored");
                ApiError::Unavailable(nothing_stored(unwritable(failure.code)))
            }
            StoreError::CommitFailed(ref why) => {
                tracing::error!(error = %why, "a change could not be stored");
                let lower = why.to_lowercase();
                let reason = if lower.contains("full") {
                    Some("the disk is full")
                } else if lower.contains("readonly") || lower.contains("read-only") {
                    Some("the database is read-only")
                } else {
                    None
                };
                ApiError::Unavailable(nothing_stored(reason))
            }
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

/// Why SQLite cannot write, for the errors that are the machine's and not
/// the request's.
fn unwritable(code: rusqlite::ErrorCode) -> Option<&'static str> {
    use rusqlite::ErrorCode::*;
    match code {
        DiskFull => Some("the disk is full"),
        ReadOnly => Some("the database is read-only"),
        SystemIoFailure => Some("the disk reported an error"),
        DatabaseBusy | DatabaseLocked => Some("the database is busy"),
        _ => None,
    }
}

fn nothing_stored(reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!(
            "the change could not be stored because {reason}; nothing was stored, reading still works, try again later"
        ),
        None => "the change could not be stored; nothing was stored, reading still works, try again later".into(),
    }
}

impl From<ReadError> for ApiError {
    fn from(error: ReadError) -> Self {
        ApiError::Internal(Box::new(error))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        ApiError::Internal(Box::new(error))
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(cause) = &error {
            tracing::error!(error = %crate::store::error_chain(cause.as_ref()), "request failed");
        }
        let code = error.code();
        async_graphql::Error::new(error.message()).extend_with(|_, ext| {
            ext.set("code", code);
            match &error {
                ApiError::Validation { field, .. } => ext.set("field", field.as_str()),
                ApiError::Conflict {
                    current_version: Some(version),
                    ..
                } => ext.set("currentVersion", *version),
                _ => {}
            }
        })
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a resolver returns: errors already carry their extensions.
pub type FieldResult<T> = async_graphql::Result<T>;

//! API tokens: created from the command line, shown once, kept only as the
//! SHA-256 of the secret, sent as `Authorization: Bearer <secret>`.
//!
//! The secret is 32 bytes from the operating system's random source, so a
//! plain hash (no salt, no slow hash) is enough: there is nothing to guess.

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Credential, Identity, Role};
use crate::domain::OrganizationId;
use crate::store::{format_recorded_at, parse_recorded_at};

/// What every secret starts with, so a leaked one is recognisable in logs
/// and secret scanners.
pub const SECRET_PREFIX: &str = "spb_";

/// Longest token name.
pub const NAME_MAX: usize = 100;

/// A token as listed: everything but the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub organizations: Vec<OrganizationId>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just created: the only time its secret is known.
#[derive(Debug)]
pub struct NewToken {
    pub secret: String,
    pub info: TokenInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the name must be 1 to {NAME_MAX} characters without control characters")]
    BadName,
    #[error("a token named '{0}' exists already (names are never reused)")]
    NameTaken(String),
    #[error("an editor needs at least one --organization")]
    EditorWithoutOrganization,
    #[error("only editors are limited to organizations; a {0} reads or changes all of them")]
    OrganizationsNotForRole(&'static str),
    #[error("organization '{0}' does not exist")]
    UnknownOrganization(Uuid),
    #[error("no token is named or has the id '{0}'")]
    NotFound(String),
    #[error("token '{0}' was revoked already")]
    AlreadyRevoked(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
}

/// SHA-256 of a secret, as stored.
pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Creates a token; its secret is in the answer and nowhere else.
pub fn create(
    conn: &Connection,
    name: &str,
    role: Role,
    organizations: &[OrganizationId],
    now: DateTime<Utc>,
) -> Result<NewToken, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(TokenError::BadName);
    }
    match (role, organizations.is_empty()) {
        (Role::Editor, true) => return Err(TokenError::EditorWithoutOrganization),
        (Role::Editor, false) | (_, true) => {}
        (other, false) => return Err(TokenError::OrganizationsNotForRole(other.as_str())),
    }
    for organization in organizations {
        let known = conn
            .query_row(
                "SELECT 1 FROM streams WHERE stream_id = ?1 AND kind = 'organization'",
                [organization.0.to_string()],
                |_| Ok(()),
            )
            .optional()?;
        if known.is_none() {
            return Err(TokenError::UnknownOrganization(organization.0));
        }
    }
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|e| TokenError::Random(e.to_string()))?;
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(random));
    let info = TokenInfo {
        id: Uuid::new_v4(),
        name: name.to_owned(),
        role,
        organizations: organizations.to_vec(),
        created_at: now.trunc_subsecs(6),
        revoked_at: None,
    };
    let organizations_json = serde_json::to_string(
        &info
            .organizations
            .iter()
            .map(|o| o.0.to_string())
            .collect::<Vec<_>>(),
    )
    .expect("a list of strings serializes");
    let inserted = conn.execute(
        "INSERT INTO tokens (id, name, role, organizations, secret_hash, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            info.id.to_string(),
            info.name,
            role.as_str(),
            organizations_json,
            hash(&secret).as_slice(),
            format_recorded_at(info.created_at),
        ],
    );
    match inserted {
        Ok(_) => Ok(NewToken { secret, info }),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(TokenError::NameTaken(info.name))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every token, oldest first, revoked ones included.
pub fn list(conn: &Connection) -> Result<Vec<TokenInfo>, TokenError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, role, organizations, created_at, revoked_at FROM tokens ORDER BY created_at, name",
    )?;
    let rows = stmt.query_map([], row_info)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes a token by name or id; from then on it signs nobody in.
pub fn revoke(
    conn: &Connection,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<TokenInfo, TokenError> {
    let info = conn
        .query_row(
            "SELECT id, name, role, organizations, created_at, revoked_at FROM tokens \
             WHERE name = ?1 OR id = ?1",
            [name_or_id.trim()],
            row_info,
        )
        .optional()?
        .ok_or_else(|| TokenError::NotFound(name_or_id.to_owned()))?;
    if info.revoked_at.is_some() {
        return Err(TokenError::AlreadyRevoked(info.name));
    }
    let revoked_at = now.trunc_subsecs(6);
    conn.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1",
        params![info.id.to_string(), format_recorded_at(revoked_at)],
    )?;
    Ok(TokenInfo {
        revoked_at: Some(revoked_at),
        ..info
    })
}

/// The identity a presented secret signs in, if it is a live token.
pub fn authenticate(conn: &Connection, secret: &str) -> Result<Option<Identity>, rusqlite::Error> {
    let found = conn
        .prepare_cached(
            "SELECT id, name, role, organizations, created_at, revoked_at FROM tokens \
             WHERE secret_hash = ?1",
        )?
        .query_row([hash(secret).as_slice()], row_info)
        .optional()?;
    Ok(found
        .filter(|info| info.revoked_at.is_none())
        .map(|info| Identity {
            name: info.name,
            role: info.role,
            organizations: info.organizations,
            credential: Credential::Token { id: info.id },
        }))
}

fn row_info(row: &rusqlite::Row<'_>) -> rusqlite::Result<TokenInfo> {
    let bad = |column: usize, why: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            why.to_owned().into(),
        )
    };
    let id: String = row.get(0)?;
    let role: String = row.get(2)?;
    let organizations: String = row.get(3)?;
    let created_at: String = row.get(4)?;
    let revoked_at: Option<String> = row.get(5)?;
    let organizations: Vec<Uuid> =
        serde_json::from_str(&organizations).map_err(|_| bad(3, "not a list of ids"))?;
    Ok(TokenInfo {
        id: Uuid::parse_str(&id).map_err(|_| bad(0, "not a UUID"))?,
        name: row.get(1)?,
        role: Role::parse(&role).ok_or_else(|| bad(2, "not a role"))?,
        organizations: organizations.into_iter().map(OrganizationId).collect(),
        created_at: parse_recorded_at(&created_at).ok_or_else(|| bad(4, "not a time"))?,
        revoked_at: revoked_at
            .map(|t| parse_recorded_at(&t).ok_or_else(|| bad(5, "not a time")))
            .transpose()?,
    })
}

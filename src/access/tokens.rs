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

/// The shortest run of hex digits that makes a name look like an id: the
/// length of a UUID without its hyphens (a secret or a hash is longer).
const HEX_RUN_MAX: usize = 32;

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
    #[error("a token name is 1 to {NAME_MAX} characters, not {0}")]
    NameLength(usize),
    /// The name quoted with anything invisible or unusual escaped, so the
    /// message shows what was given rather than what it looks like.
    #[error(
        "'{}' is not a token name: a token name may only hold a–z, 0–9, '.', '_' and '-' and must start with a letter",
        .0.escape_debug()
    )]
    NameCharacters(String),
    #[error(
        "'{0}' is not a token name: it could be taken for a token's id (a UUID, or {HEX_RUN_MAX} or more hex digits in a row)"
    )]
    NameLikeId(String),
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
    /// A name given before names were checked may be another token's id.
    #[error(
        "'{given}' is both the id of token '{id_of}' and the name of token '{name_of}' (by id); give '{id_spelled_otherwise}' to revoke the first or '{name_of}' to revoke the second"
    )]
    Ambiguous {
        given: String,
        /// The name of the token with that id, escaped: it was not checked.
        id_of: String,
        /// The id of the token with that name.
        name_of: Uuid,
        /// The first token's id in a spelling that is no token's name.
        id_spelled_otherwise: String,
    },
    #[error("token '{0}' was revoked already")]
    AlreadyRevoked(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
}

/// Checks a new token's name. Names are recorded as the actor
/// (`token:<name>`) of every change, shown in the log and in `token list`,
/// and `token revoke` takes a name or an id, so a name is a plain slug such
/// as `kari.nordmann`: nothing invisible, no look-alike letters, no bidi
/// controls, and nothing that reads as an id.
pub fn check_name(name: &str) -> Result<(), TokenError> {
    let length = name.chars().count();
    if !(1..=NAME_MAX).contains(&length) {
        return Err(TokenError::NameLength(length));
    }
    let mut bytes = name.bytes();
    let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
    let slug = bytes
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if !(starts_with_letter && slug) {
        return Err(TokenError::NameCharacters(name.to_owned()));
    }
    let longest_hex_run = name
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if Uuid::parse_str(name).is_ok() || longest_hex_run >= HEX_RUN_MAX {
        return Err(TokenError::NameLikeId(name.to_owned()));
    }
    Ok(())
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
    check_name(name)?;
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

/// Revokes a token by id (in any spelling of a UUID) or by name; from then
/// on it signs nobody in.
///
/// An id is looked up first. A name can no longer be an id, but a token
/// named before names were checked may be named with another token's id:
/// then the two readings are refused as ambiguous rather than one of them
/// picked, so that nobody revokes the wrong token.
pub fn revoke(
    conn: &Connection,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<TokenInfo, TokenError> {
    let given = name_or_id.trim();
    let find = |sql: &str, value: String| conn.query_row(sql, [value], row_info).optional();
    let by_id = match Uuid::parse_str(given) {
        Ok(id) => find(
            "SELECT id, name, role, organizations, created_at, revoked_at FROM tokens \
             WHERE id = ?1",
            id.to_string(),
        )?,
        Err(_) => None,
    };
    let by_name = find(
        "SELECT id, name, role, organizations, created_at, revoked_at FROM tokens \
         WHERE name = ?1",
        given.to_owned(),
    )?;
    let info = match (by_id, by_name) {
        (Some(by_id), Some(by_name)) if by_id.id != by_name.id => {
            let hyphenated = by_id.id.hyphenated().to_string();
            return Err(TokenError::Ambiguous {
                given: given.to_owned(),
                id_of: by_id.name.escape_debug().to_string(),
                name_of: by_name.id,
                id_spelled_otherwise: if given == hyphenated {
                    by_id.id.simple().to_string()
                } else {
                    hyphenated
                },
            });
        }
        (Some(info), _) | (None, Some(info)) => info,
        (None, None) => return Err(TokenError::NotFound(given.to_owned())),
    };
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

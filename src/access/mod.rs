//! Who is asking and what they may do: identities, roles, and the API
//! tokens that carry them.
//!
//! The domain never sees any of this. The API turns a request into a
//! [`Viewer`]; a change is sent to the store with the viewer's actor name
//! and the organizations it may change, and the writer refuses anything
//! outside them in the same transaction as the decision.

pub mod tokens;

use std::sync::Arc;

use uuid::Uuid;

use crate::domain::OrganizationId;

/// What an identity may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// Reads strategies and their status; sees no actor identities.
    Reader,
    /// Reads, sees who changed what, and changes the data of its own
    /// organizations.
    Editor,
    /// Reads everything, including the full log with actor identities and
    /// the hash chain; changes nothing.
    Auditor,
    /// Everything, including registering organizations.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        [Role::Reader, Role::Editor, Role::Auditor, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == raw)
    }

    /// Actor identities are personal data: shown to those who work with
    /// the log, not to readers or the public.
    pub fn sees_actors(self) -> bool {
        matches!(self, Role::Editor | Role::Auditor | Role::Admin)
    }
}

/// How an identity proved who it is. Tokens today; an OpenID Connect
/// sign-in becomes another variant here, and nothing outside this module
/// and the sign-in itself needs to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Token { id: Uuid },
}

/// A signed-in identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The name shown to people and recorded as the actor.
    pub name: String,
    pub role: Role,
    /// The organizations an editor may change (empty for other roles).
    pub organizations: Vec<OrganizationId>,
    pub credential: Credential,
}

impl Identity {
    /// The actor recorded in every event this identity causes: the kind of
    /// credential and its unique name, so an auditor can look it up.
    pub fn actor(&self) -> String {
        match self.credential {
            Credential::Token { .. } => format!("token:{}", self.name),
        }
    }
}

/// Who is asking: nobody in particular, or a signed-in identity.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
    Signed(Arc<Identity>),
}

/// Why a viewer may not change something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nobody signed in.
    Unauthenticated,
    /// Signed in, but the role may not change data.
    Forbidden,
}

impl Viewer {
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Signed(identity) => Some(identity),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.identity().map(|i| i.role)
    }

    pub fn sees_actors(&self) -> bool {
        self.role().is_some_and(Role::sees_actors)
    }

    /// The organizations this viewer may change: `None` for any, or the
    /// list; refused when the viewer may change nothing at all.
    pub fn write_scope(&self) -> Result<Option<Vec<OrganizationId>>, Refusal> {
        match self.identity() {
            None => Err(Refusal::Unauthenticated),
            Some(identity) => match identity.role {
                Role::Admin => Ok(None),
                Role::Editor => Ok(Some(identity.organizations.clone())),
                Role::Reader | Role::Auditor => Err(Refusal::Forbidden),
            },
        }
    }

    /// Whether this viewer may change the organization's data.
    pub fn may_change(&self, organization: OrganizationId) -> bool {
        match self.write_scope() {
            Ok(None) => true,
            Ok(Some(allowed)) => allowed.contains(&organization),
            Err(_) => false,
        }
    }
}

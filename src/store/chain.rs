//! The hash chain over the log. Each event's hash is SHA-256 over its
//! canonical bytes, which include the previous event's hash, so changing any
//! stored byte of any event, or removing one, breaks the chain from there on.
//!
//! Canonical bytes: the fields below in this order, each written as an 8-byte
//! big-endian length followed by its UTF-8 bytes; an absent optional field is
//! written as the length `u64::MAX` with no bytes. Integers are written in
//! decimal, hashes in lowercase hex. The payload is hashed exactly as stored.
//!
//! position, event_id, stream_id, stream_version, event_type, schema_version,
//! payload, recorded_at, effective_at, actor, reason, command_id,
//! correlation_id, causation_id, prev_hash

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The `prev_hash` of the first event.
pub const GENESIS: Hash = [0; 32];

/// The stored columns of one event that the chain covers, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedFields<'a> {
    pub position: u64,
    pub event_id: &'a str,
    pub stream_id: &'a str,
    pub stream_version: u64,
    pub event_type: &'a str,
    pub schema_version: u32,
    pub payload: &'a str,
    pub recorded_at: &'a str,
    pub effective_at: &'a str,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub command_id: &'a str,
    pub correlation_id: &'a str,
    pub causation_id: Option<&'a str>,
    pub prev_hash: &'a [u8],
}

impl ChainedFields<'_> {
    pub fn hash(&self) -> Hash {
        let mut hasher = Sha256::new();
        let mut field = |bytes: Option<&[u8]>| match bytes {
            Some(bytes) => {
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
            None => hasher.update(u64::MAX.to_be_bytes()),
        };
        field(Some(self.position.to_string().as_bytes()));
        field(Some(self.event_id.as_bytes()));
        field(Some(self.stream_id.as_bytes()));
        field(Some(self.stream_version.to_string().as_bytes()));
        field(Some(self.event_type.as_bytes()));
        field(Some(self.schema_version.to_string().as_bytes()));
        field(Some(self.payload.as_bytes()));
        field(Some(self.recorded_at.as_bytes()));
        field(Some(self.effective_at.as_bytes()));
        field(Some(self.actor.as_bytes()));
        field(self.reason.map(str::as_bytes));
        field(Some(self.command_id.as_bytes()));
        field(Some(self.correlation_id.as_bytes()));
        field(self.causation_id.map(str::as_bytes));
        field(Some(hex::encode(self.prev_hash).as_bytes()));
        hasher.finalize().into()
    }
}

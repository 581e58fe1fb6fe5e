//! Stored event payloads (filled in next).

//! The archive: every accepted submission is stored here before any email
//! is sent.
//!
//! Layout (a folder, or an S3 bucket under a prefix):
//!
//! ```text
//! submissions/<key>.json   the record; created only if absent
//! pending/<key>            present while the support email is not sent
//! leases/<key>…            the claim of whoever is sending it (see below)
//! damaged/<key>-….json     an unreadable record set aside (local only)
//! webhook-pending/<key>    present while the webhook is not delivered
//! webhooks/<key>.json      the webhook's state once tried (`HookState`)
//! leases/webhook-<key>…    the claim of whoever is posting the webhook
//! ```
//!
//! `<key>` is the reference, or `sid-<submission_id>` when the page sent a
//! client submission id: the conditional create of the record then makes a
//! retried post a duplicate of the first, stored and mailed once.
//!
//! Whoever sends a record (the request that stored it, any number of
//! `redeliver` runs) first claims it: a lease with an owner and an expiry,
//! created only if none is live (S3: `If-None-Match: *`, an expired lease
//! replaced with `If-Match` on its ETag; locally: `leases/<key>/<n>`, the
//! next generation created with a hard link, which fails if it exists).
//! A lease whose email went out but whose record could not be marked sent
//! is kept as a *sent claim*, which never expires: it stops any resend
//! until `redeliver` has recorded the status.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::record::Record;

/// The archive could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("archive: {0}")]
pub struct ArchiveError(pub String);

impl ArchiveError {
    pub(crate) fn io(what: &str, path: &Path, e: std::io::Error) -> ArchiveError {
        ArchiveError(format!("{what} {}: {e}", path.display()))
    }
}

/// What an archive's `create` found.
#[derive(Debug)]
pub enum Created {
    New,
    /// A record with the same key existed already: this is a retry.
    Exists(Box<Record>),
}

/// A key waiting in `pending/`, with its age in milliseconds when known.
#[derive(Debug, Clone)]
pub struct PendingEntry {
    pub key: String,
    pub modified_ms: Option<u64>,
}

/// An object found by listing a prefix: its name relative to the archive's
/// root (or prefix), `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub modified_ms: Option<u64>,
}

/// An object name made of `/`-separated parts, none empty, `.` or `..`.
pub(crate) fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.chars().any(char::is_control))
}

/// A claim on one record, held until released.
#[derive(Debug, Clone)]
pub struct Lease {
    pub key: String,
    /// Locally the generation's file name; in S3 the lease object's ETag.
    pub(crate) token: String,
}

/// What an archive's `claim` found.
#[derive(Debug)]
pub enum Claim {
    Held(Lease),
    /// Someone else holds a live lease: they are sending it.
    Busy,
    /// A sent claim: the email went out, the record was not updated.
    Sent,
}

/// What a lease object or file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LeaseBody {
    pub owner: String,
    pub expires_at_ms: u64,
    #[serde(default)]
    pub sent: bool,
}

impl LeaseBody {
    pub(crate) fn new(ttl: std::time::Duration) -> LeaseBody {
        LeaseBody {
            owner: format!(
                "{}-{}",
                std::process::id(),
                crate::core::reference::new_reference("L")
            ),
            expires_at_ms: crate::core::time::now_ms().saturating_add(ttl.as_millis() as u64),
            sent: false,
        }
    }

    pub(crate) fn to_vec(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("serializable")
    }
}

pub(crate) fn parse_record(bytes: &[u8], what: &str) -> Result<Record, ArchiveError> {
    serde_json::from_slice(bytes).map_err(|e| ArchiveError(format!("{what}: {e}")))
}

/// Keys are references or `sid-` plus a validated submission id.
pub(crate) fn is_safe_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 80
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the archive knows of a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub size: u64,
    pub content_type: String,
}

/// How a browser sends one file: a `post` of `fields` then the file as a
/// `multipart/form-data` form (S3's presigned POST), or a `put` of the
/// file's bytes with its `Content-Type` (the local archive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadTarget {
    pub key: String,
    pub url: String,
    pub method: &'static str,
    pub fields: std::collections::BTreeMap<String, String>,
}

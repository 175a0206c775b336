//! The archive: every accepted submission is stored here before any email
//! is sent.
//!
//! Layout (a folder, or an S3 bucket under a prefix):
//!
//! ```text
//! submissions/<key>.json   the record; created only if absent
//! pending/<key>            present while the support email is not sent
//! ```
//!
//! `<key>` is the reference, or `sid-<submission_id>` when the page sent a
//! client submission id: the conditional create of the record then makes a
//! retried post a duplicate of the first, stored and mailed once.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::input::Submission;

/// Whether the support email has gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Sent,
}

/// The acknowledgement to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AckStatus {
    /// Not configured.
    Off,
    /// Waiting for the support email to be sent first.
    Pending,
    Sent,
    /// Tried and failed; not retried (the support email matters, this does not).
    Failed,
}

/// One stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    pub key: String,
    pub reference: String,
    pub received_at_ms: u64,
    pub received_at: String,
    pub lang: String,
    pub topic: String,
    pub name: String,
    pub email: String,
    pub order: Option<String>,
    pub message: String,
    pub submission_id: Option<String>,
    pub status: Status,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub sent_at_ms: Option<u64>,
    pub ack: AckStatus,
}

impl Record {
    pub fn new(sub: Submission, reference: String, received_at_ms: u64, ack: bool) -> Record {
        let key = match &sub.submission_id {
            Some(id) => format!("sid-{id}"),
            None => reference.clone(),
        };
        Record {
            version: 1,
            key,
            reference,
            received_at_ms,
            received_at: crate::time::rfc3339(received_at_ms),
            lang: sub.lang,
            topic: sub.topic,
            name: sub.name,
            email: sub.email,
            order: sub.order,
            message: sub.message,
            submission_id: sub.submission_id,
            status: Status::Pending,
            attempts: 0,
            last_error: None,
            sent_at_ms: None,
            ack: if ack {
                AckStatus::Pending
            } else {
                AckStatus::Off
            },
        }
    }
}

/// The archive could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("archive: {0}")]
pub struct ArchiveError(pub String);

impl ArchiveError {
    fn io(what: &str, path: &Path, e: std::io::Error) -> ArchiveError {
        ArchiveError(format!("{what} {}: {e}", path.display()))
    }
}

/// What [`Archive::create`] found.
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

/// Where records live.
#[derive(Debug, Clone)]
pub enum Archive {
    Local(LocalArchive),
    #[cfg(feature = "aws")]
    S3(crate::aws::S3Archive),
}

impl Archive {
    /// Stores a new record unless one with its key exists (then returns it).
    /// The pending marker is written first, so a stored record is never
    /// without one until it is sent.
    pub async fn create(&self, rec: &Record) -> Result<Created, ArchiveError> {
        let body = serde_json::to_vec_pretty(rec).map_err(|e| ArchiveError(e.to_string()))?;
        match self {
            Archive::Local(a) => a.create(&rec.key, &body).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.create(&rec.key, &body).await,
        }
    }

    /// Replaces a record (status changes).
    pub async fn update(&self, rec: &Record) -> Result<(), ArchiveError> {
        let body = serde_json::to_vec_pretty(rec).map_err(|e| ArchiveError(e.to_string()))?;
        match self {
            Archive::Local(a) => a.update(&rec.key, &body).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.update(&rec.key, &body).await,
        }
    }

    pub async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        match self {
            Archive::Local(a) => a.load(key).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.load(key).await,
        }
    }

    /// Removes the pending marker of a sent (or vanished) record.
    pub async fn clear_pending(&self, key: &str) -> Result<(), ArchiveError> {
        match self {
            Archive::Local(a) => a.clear_pending(key).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.clear_pending(key).await,
        }
    }

    pub async fn pending(&self) -> Result<Vec<PendingEntry>, ArchiveError> {
        match self {
            Archive::Local(a) => a.pending().await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.pending().await,
        }
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

/// A folder on disk.
#[derive(Debug, Clone)]
pub struct LocalArchive {
    root: PathBuf,
}

impl LocalArchive {
    pub fn new(root: impl Into<PathBuf>) -> LocalArchive {
        LocalArchive { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn record_path(&self, key: &str) -> PathBuf {
        self.root.join("submissions").join(format!("{key}.json"))
    }

    fn pending_path(&self, key: &str) -> PathBuf {
        self.root.join("pending").join(key)
    }

    async fn write_tmp(&self, dir: &Path, key: &str, body: &[u8]) -> Result<PathBuf, ArchiveError> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| ArchiveError::io("creating", dir, e))?;
        let tmp = dir.join(format!(
            ".{key}.{}.tmp",
            crate::reference::new_reference("T")
        ));
        let mut f = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| ArchiveError::io("creating", &tmp, e))?;
        use tokio::io::AsyncWriteExt;
        f.write_all(body)
            .await
            .map_err(|e| ArchiveError::io("writing", &tmp, e))?;
        f.sync_all()
            .await
            .map_err(|e| ArchiveError::io("syncing", &tmp, e))?;
        Ok(tmp)
    }

    async fn create(&self, key: &str, body: &[u8]) -> Result<Created, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let pending = self.pending_path(key);
        let pending_dir = pending.parent().expect("has parent");
        tokio::fs::create_dir_all(pending_dir)
            .await
            .map_err(|e| ArchiveError::io("creating", pending_dir, e))?;
        tokio::fs::write(&pending, b"")
            .await
            .map_err(|e| ArchiveError::io("writing", &pending, e))?;
        let path = self.record_path(key);
        let tmp = self
            .write_tmp(path.parent().expect("has parent"), key, body)
            .await?;
        // A hard link is created only if the name is free: an atomic "create if absent"
        // that never exposes a half-written record.
        let linked = tokio::fs::hard_link(&tmp, &path).await;
        let _ = tokio::fs::remove_file(&tmp).await;
        match linked {
            Ok(()) => Ok(Created::New),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                match self.load(key).await? {
                    Some(existing) => Ok(Created::Exists(Box::new(existing))),
                    None => Err(ArchiveError(format!("{} vanished", path.display()))),
                }
            }
            Err(e) => Err(ArchiveError::io("storing", &path, e)),
        }
    }

    async fn update(&self, key: &str, body: &[u8]) -> Result<(), ArchiveError> {
        let path = self.record_path(key);
        let tmp = self
            .write_tmp(path.parent().expect("has parent"), key, body)
            .await?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| ArchiveError::io("replacing", &path, e))
    }

    async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        let path = self.record_path(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => parse_record(&bytes, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io("reading", &path, e)),
        }
    }

    async fn clear_pending(&self, key: &str) -> Result<(), ArchiveError> {
        let path = self.pending_path(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ArchiveError::io("removing", &path, e)),
        }
    }

    async fn pending(&self) -> Result<Vec<PendingEntry>, ArchiveError> {
        let dir = self.root.join("pending");
        let mut entries = match tokio::fs::read_dir(&dir).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ArchiveError::io("listing", &dir, e)),
        };
        let mut out = Vec::new();
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| ArchiveError::io("listing", &dir, e))?
        {
            let key = entry.file_name().to_string_lossy().into_owned();
            if !is_safe_key(&key) {
                continue;
            }
            let modified_ms = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as u64);
            out.push(PendingEntry { key, modified_ms });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}

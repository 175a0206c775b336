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

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::durable::{self, Place};
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
    fn write(e: durable::WriteError) -> ArchiveError {
        ArchiveError(e.to_string())
    }

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

/// A claim on one record, held until released.
#[derive(Debug, Clone)]
pub struct Lease {
    pub key: String,
    /// Locally the generation's file name; in S3 the lease object's ETag.
    pub(crate) token: String,
}

/// What [`Archive::claim`] found.
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
                crate::reference::new_reference("L")
            ),
            expires_at_ms: crate::time::now_ms().saturating_add(ttl.as_millis() as u64),
            sent: false,
        }
    }

    pub(crate) fn to_vec(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("serializable")
    }
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

    /// Claims `key` for sending for `ttl` (see the module documentation).
    pub async fn claim(&self, key: &str, ttl: std::time::Duration) -> Result<Claim, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let body = LeaseBody::new(ttl);
        match self {
            Archive::Local(a) => a.claim(key, &body).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.claim(key, &body).await,
        }
    }

    /// Gives a claim up once the outcome is recorded.
    pub async fn release(&self, lease: &Lease) -> Result<(), ArchiveError> {
        match self {
            Archive::Local(a) => a.release(lease).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.release(lease).await,
        }
    }

    /// Turns a held claim into a sent claim that never expires.
    pub async fn keep_as_sent(&self, lease: &Lease) -> Result<(), ArchiveError> {
        match self {
            Archive::Local(a) => a.keep_as_sent(lease).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.keep_as_sent(lease).await,
        }
    }

    /// Moves a local record that cannot be parsed to `damaged/` (kept for
    /// a human) and drops its pending marker: there is nothing in it to
    /// send, and it must not fail every later run. Returns where it went;
    /// `None` when the record is readable, absent, or in S3 (written whole
    /// by S3, so never half-written).
    pub async fn set_aside_if_unreadable(
        &self,
        key: &str,
    ) -> Result<Option<PathBuf>, ArchiveError> {
        match self {
            Archive::Local(a) => match a.read(key).await? {
                Some(Err(_)) => {
                    let to = a.set_aside(key).await?;
                    a.clear_pending(key).await?;
                    Ok(to)
                }
                _ => Ok(None),
            },
            #[cfg(feature = "aws")]
            Archive::S3(_) => Ok(None),
        }
    }

    /// Removes the sent claim of a record now marked sent.
    pub async fn clear_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
        match self {
            Archive::Local(a) => a.clear_sent_claim(key).await,
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.clear_sent_claim(key).await,
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

    async fn create(&self, key: &str, body: &[u8]) -> Result<Created, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let pending = self.pending_path(key);
        durable::write(pending.clone(), Vec::new(), Place::Replace)
            .await
            .map_err(ArchiveError::write)?;
        let path = self.record_path(key);
        // A record that cannot be read (an old crash's leftover) must not
        // block its id forever: it is set aside and the create retried.
        for _ in 0..3 {
            match durable::write(path.clone(), body.to_vec(), Place::CreateNew).await {
                Ok(()) => return Ok(Created::New),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(ArchiveError::write(e)),
            }
            match self.read(key).await? {
                Some(Ok(existing)) => return Ok(Created::Exists(Box::new(existing))),
                Some(Err(_)) => {
                    self.set_aside(key).await?;
                }
                None => {}
            }
        }
        Err(ArchiveError(format!("{} keeps changing", path.display())))
    }

    /// Moves an unreadable record to `damaged/`, kept for a human to look at.
    async fn set_aside(&self, key: &str) -> Result<Option<PathBuf>, ArchiveError> {
        let from = self.record_path(key);
        let dir = self.root.join("damaged");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| ArchiveError::io("creating", &dir, e))?;
        let to = dir.join(format!(
            "{key}-{}-{}.json",
            crate::time::now_ms(),
            crate::reference::new_reference("D")
        ));
        match tokio::fs::rename(&from, &to).await {
            Ok(()) => {
                tracing::warn!(from = %from.display(), to = %to.display(), "unreadable record set aside");
                Ok(Some(to))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io("setting aside", &from, e)),
        }
    }

    async fn update(&self, key: &str, body: &[u8]) -> Result<(), ArchiveError> {
        durable::write(self.record_path(key), body.to_vec(), Place::Replace)
            .await
            .map_err(ArchiveError::write)
    }

    /// The record's bytes parsed, `Some(Err)` when they do not parse.
    async fn read(&self, key: &str) -> Result<Option<Result<Record, ArchiveError>>, ArchiveError> {
        let path = self.record_path(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(parse_record(&bytes, &path.display().to_string()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io("reading", &path, e)),
        }
    }

    async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        self.read(key).await?.transpose()
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

    fn lease_dir(&self, key: &str) -> PathBuf {
        self.root.join("leases").join(key)
    }

    /// The highest lease generation in `leases/<key>/`, and whether a sent
    /// claim is there.
    async fn lease_state(&self, dir: &Path) -> Result<(Option<u64>, bool), ArchiveError> {
        let mut entries = match tokio::fs::read_dir(dir).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, false)),
            Err(e) => return Err(ArchiveError::io("listing", dir, e)),
        };
        let (mut highest, mut sent) = (None, false);
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| ArchiveError::io("listing", dir, e))?
        {
            let name = entry.file_name();
            match name.to_str() {
                Some(SENT_CLAIM) => sent = true,
                Some(n) => {
                    if let Ok(g) = n.parse::<u64>() {
                        highest = highest.max(Some(g));
                    }
                }
                None => {}
            }
        }
        Ok((highest, sent))
    }

    /// Claims by creating the generation after the highest one, once that
    /// one has expired: two claimants of one generation cannot both create
    /// it, and nothing is removed while it may still be held.
    async fn claim(&self, key: &str, body: &LeaseBody) -> Result<Claim, ArchiveError> {
        let dir = self.lease_dir(key);
        for _ in 0..3 {
            let (highest, sent) = self.lease_state(&dir).await?;
            if sent {
                return Ok(Claim::Sent);
            }
            if let Some(g) = highest {
                let path = dir.join(g.to_string());
                match tokio::fs::read(&path).await {
                    Ok(bytes) => {
                        let live = serde_json::from_slice::<LeaseBody>(&bytes)
                            .map(|l| l.expires_at_ms > crate::time::now_ms())
                            .unwrap_or(false);
                        if live {
                            return Ok(Claim::Busy);
                        }
                    }
                    // Released meanwhile: look again.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(ArchiveError::io("reading", &path, e)),
                }
            }
            let next = highest.map_or(0, |g| g + 1).to_string();
            match durable::write(dir.join(&next), body.to_vec(), Place::CreateNew).await {
                Ok(()) => {
                    return Ok(Claim::Held(Lease {
                        key: key.to_string(),
                        token: next,
                    }))
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Claim::Busy),
                // The folder went with a release: look again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(ArchiveError::write(e)),
            }
        }
        Ok(Claim::Busy)
    }

    /// Removes this generation and the older ones, never a newer one.
    async fn release(&self, lease: &Lease) -> Result<(), ArchiveError> {
        let dir = self.lease_dir(&lease.key);
        let mine: u64 = lease.token.parse().unwrap_or(u64::MAX);
        let mut entries = match tokio::fs::read_dir(&dir).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(ArchiveError::io("listing", &dir, e)),
        };
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| ArchiveError::io("listing", &dir, e))?
        {
            let older = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|g| g <= mine);
            if older {
                match tokio::fs::remove_file(entry.path()).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(ArchiveError::io("removing", &entry.path(), e)),
                }
            }
        }
        // Fails while a newer claim is there; that is fine.
        let _ = tokio::fs::remove_dir(&dir).await;
        Ok(())
    }

    /// A rename: it needs no free space, so it works on the full disk that
    /// may have kept the record from being updated.
    async fn keep_as_sent(&self, lease: &Lease) -> Result<(), ArchiveError> {
        let dir = self.lease_dir(&lease.key);
        let to = dir.join(SENT_CLAIM);
        tokio::fs::rename(dir.join(&lease.token), &to)
            .await
            .map_err(|e| ArchiveError::io("keeping the claim", &to, e))?;
        durable::sync_dir(&dir).map_err(ArchiveError::write)
    }

    async fn clear_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
        let dir = self.lease_dir(key);
        let path = dir.join(SENT_CLAIM);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ArchiveError::io("removing", &path, e)),
        }
        let _ = tokio::fs::remove_dir(&dir).await;
        Ok(())
    }
}

/// The file name of a sent claim in `leases/<key>/`.
const SENT_CLAIM: &str = "sent";

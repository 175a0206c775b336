//! The archive in a folder on disk (see [`crate::ports::archive`] for the layout).

use std::path::{Path, PathBuf};

use crate::adapters::durable::{self, Place};
use crate::core::record::Record;
use crate::ports::archive::{
    is_safe_key, parse_record, ArchiveError, Claim, Created, Lease, LeaseBody, PendingEntry,
};

fn write_error(e: durable::WriteError) -> ArchiveError {
    ArchiveError(e.to_string())
}

/// A folder on disk.
#[derive(Debug, Clone)]
pub struct LocalArchive {
    pub(crate) root: PathBuf,
}

impl LocalArchive {
    pub fn new(root: impl Into<PathBuf>) -> LocalArchive {
        LocalArchive { root: root.into() }
    }

    fn record_path(&self, key: &str) -> PathBuf {
        self.root.join("submissions").join(format!("{key}.json"))
    }

    fn pending_path(&self, key: &str) -> PathBuf {
        self.root.join("pending").join(key)
    }

    pub(crate) async fn create(&self, key: &str, body: &[u8]) -> Result<Created, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let pending = self.pending_path(key);
        durable::write(pending.clone(), Vec::new(), Place::Replace)
            .await
            .map_err(write_error)?;
        let path = self.record_path(key);
        // A record that cannot be read (an old crash's leftover) must not
        // block its id forever: it is set aside and the create retried.
        for _ in 0..3 {
            match durable::write(path.clone(), body.to_vec(), Place::CreateNew).await {
                Ok(()) => return Ok(Created::New),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(write_error(e)),
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

    /// Moves a record that cannot be parsed to `damaged/` (kept for a
    /// human) and drops its pending marker. Returns where it went; `None`
    /// when the record is readable or absent.
    pub(crate) async fn set_aside_if_unreadable(
        &self,
        key: &str,
    ) -> Result<Option<PathBuf>, ArchiveError> {
        match self.read(key).await? {
            Some(Err(_)) => {
                let to = self.set_aside(key).await?;
                self.clear_pending(key).await?;
                Ok(to)
            }
            _ => Ok(None),
        }
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
            crate::core::time::now_ms(),
            crate::core::reference::new_reference("D")
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

    pub(crate) async fn update(&self, key: &str, body: &[u8]) -> Result<(), ArchiveError> {
        durable::write(self.record_path(key), body.to_vec(), Place::Replace)
            .await
            .map_err(write_error)
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

    pub(crate) async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        self.read(key).await?.transpose()
    }

    pub(crate) async fn clear_pending(&self, key: &str) -> Result<(), ArchiveError> {
        let path = self.pending_path(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ArchiveError::io("removing", &path, e)),
        }
    }

    pub(crate) async fn pending(&self) -> Result<Vec<PendingEntry>, ArchiveError> {
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
    pub(crate) async fn claim(&self, key: &str, body: &LeaseBody) -> Result<Claim, ArchiveError> {
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
                            .map(|l| l.expires_at_ms > crate::core::time::now_ms())
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
                Err(e) => return Err(write_error(e)),
            }
        }
        Ok(Claim::Busy)
    }

    /// Removes this generation and the older ones, never a newer one.
    pub(crate) async fn release(&self, lease: &Lease) -> Result<(), ArchiveError> {
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
    pub(crate) async fn keep_as_sent(&self, lease: &Lease) -> Result<(), ArchiveError> {
        let dir = self.lease_dir(&lease.key);
        let to = dir.join(SENT_CLAIM);
        tokio::fs::rename(dir.join(&lease.token), &to)
            .await
            .map_err(|e| ArchiveError::io("keeping the claim", &to, e))?;
        durable::sync_dir(&dir).map_err(write_error)
    }

    pub(crate) async fn clear_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
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

/// Anonymous signals (`crate::core::event`) beside the submissions.
impl LocalArchive {
    /// Creates `<root>/<name>` unless it exists. Returns whether it was new.
    pub(crate) async fn put_if_absent(
        &self,
        name: &str,
        body: Vec<u8>,
    ) -> Result<bool, ArchiveError> {
        match durable::write(self.root.join(name), body, Place::CreateNew).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(write_error(e)),
        }
    }
}

/// The file name of a sent claim in `leases/<key>/`.
const SENT_CLAIM: &str = "sent";

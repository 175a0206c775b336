//! Storage of anonymous visitor signals: "Was this helpful?" votes and
//! reasons, searches that found nothing, suggested answers opened.
//!
//! Layout beside the submissions (a folder, or the S3 bucket and prefix):
//!
//! ```text
//! feedback/<YYYY-MM-DD>/<id>.json   a vote or a reason
//! insights/<YYYY-MM-DD>/<id>.json   a zero-hit query or an opened suggestion
//! ```
//!
//! One small object per event, created only if absent: `<id>` is derived
//! from the page view's random id, so a repeated post of the same vote from
//! one page view stores nothing new. Nothing identifies a visitor: no IP
//! address, no cookie, no user agent; the page-view id is random per view.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::ArchiveError;

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A Yes/No vote on a page or a FAQ answer.
    Vote,
    /// Why a page did not help (after a No).
    Reason,
    /// A search that found nothing.
    ZeroHits,
    /// A suggested answer opened from the contact form.
    SuggestionOpened,
}

impl Kind {
    /// The archive folder the kind is stored under.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Vote | Kind::Reason => "feedback",
            Kind::ZeroHits | Kind::SuggestionOpened => "insights",
        }
    }
}

/// One stored event. Short field names: a million of them are read at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the epoch, when received.
    pub t: u64,
    pub k: Kind,
    /// The page's language.
    pub l: String,
    /// The random page-view id (groups a vote and its reason); not kept for insights.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub v: String,
    /// The page's path (`/en/billing/`); for insights the contact page or search page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub p: String,
    /// The FAQ question's anchor, for a vote on one answer.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// `yes` / `no` for a vote.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub y: String,
    /// The reason's choice id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r: String,
    /// The reason's free text, or the normalized query / opened URL for insights.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub x: String,
}

impl Event {
    /// The object's name under its folder: day and an id derived from the
    /// page view, so the same event from one view maps to one name.
    pub fn object_name(&self) -> String {
        let day = &crate::time::rfc3339(self.t)[..10];
        let suffix = match self.k {
            Kind::Vote => format!("{}-v", self.q_hash()),
            Kind::Reason => format!("{}-r", self.q_hash()),
            Kind::ZeroHits => format!("z{:016x}", fnv1a(self.x.as_bytes())),
            Kind::SuggestionOpened => format!("o{:016x}", fnv1a(self.x.as_bytes())),
        };
        format!("{}/{day}/{}-{suffix}.json", self.k.folder(), self.v)
    }

    fn q_hash(&self) -> String {
        format!("{:08x}", fnv1a(self.q.as_bytes()) as u32)
    }
}

/// FNV-1a: a stable, dependency-free hash for object names (not security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where events are written: the same place as the submissions.
#[derive(Debug, Clone)]
pub enum EventStore {
    Local(PathBuf),
    #[cfg(feature = "aws")]
    S3(crate::aws::S3Archive),
}

impl EventStore {
    /// The store beside the services' archive.
    pub fn of(archive: &crate::archive::Archive) -> EventStore {
        match archive {
            crate::archive::Archive::Local(a) => EventStore::Local(a.root().to_path_buf()),
            #[cfg(feature = "aws")]
            crate::archive::Archive::S3(a) => EventStore::S3(a.clone()),
        }
    }

    /// Stores the event unless the same one exists. Returns whether it was new.
    pub async fn put(&self, ev: &Event) -> Result<bool, ArchiveError> {
        let name = ev.object_name();
        // Insights keep the language and the query only; the view id just names the object.
        let kept = match ev.k.folder() {
            "insights" => Event {
                v: String::new(),
                ..ev.clone()
            },
            _ => ev.clone(),
        };
        let mut body = serde_json::to_vec(&kept).map_err(|e| ArchiveError(e.to_string()))?;
        body.push(b'\n');
        match self {
            EventStore::Local(root) => put_local(root, &name, body).await,
            #[cfg(feature = "aws")]
            EventStore::S3(a) => a.put_if_absent(&name, body).await,
        }
    }
}

async fn put_local(root: &Path, name: &str, body: Vec<u8>) -> Result<bool, ArchiveError> {
    let path = root.join(name);
    tokio::task::spawn_blocking(move || create_file_once(&path, &body))
        .await
        .map_err(|e| ArchiveError(e.to_string()))?
}

/// Writes a temp file, flushes and fsyncs it, then hard-links it to `path`:
/// the name appears complete or not at all, and only if it was free.
fn create_file_once(path: &Path, body: &[u8]) -> Result<bool, ArchiveError> {
    use std::io::Write;
    let io = |what: &str, p: &Path, e: std::io::Error| {
        ArchiveError(format!("{what} {}: {e}", p.display()))
    };
    if path.exists() {
        return Ok(false);
    }
    let dir = path.parent().expect("has a folder");
    std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    let tmp = dir.join(format!(".{}.tmp", crate::reference::new_reference("T")));
    let mut f = std::fs::File::create(&tmp).map_err(|e| io("creating", &tmp, e))?;
    f.write_all(body).map_err(|e| io("writing", &tmp, e))?;
    f.flush().map_err(|e| io("writing", &tmp, e))?;
    f.sync_all().map_err(|e| io("syncing", &tmp, e))?;
    drop(f);
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io("storing", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(v: &str, q: &str) -> Event {
        Event {
            t: 1_714_657_500_000,
            k: Kind::Vote,
            l: "en".into(),
            v: v.into(),
            p: "/en/billing/".into(),
            q: q.into(),
            y: "no".into(),
            r: String::new(),
            x: String::new(),
        }
    }

    #[test]
    fn one_name_per_view_and_question() {
        assert_eq!(
            vote("abcDEF123456", "").object_name(),
            vote("abcDEF123456", "").object_name()
        );
        assert!(vote("abcDEF123456", "")
            .object_name()
            .starts_with("feedback/2024-05-02/abcDEF123456-"));
        assert_ne!(
            vote("abcDEF123456", "a").object_name(),
            vote("abcDEF123456", "b").object_name()
        );
    }

    #[tokio::test]
    async fn a_repeat_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = EventStore::Local(dir.path().to_path_buf());
        assert!(store.put(&vote("abcDEF123456", "")).await.unwrap());
        assert!(!store.put(&vote("abcDEF123456", "")).await.unwrap());
        let day = dir.path().join("feedback/2024-05-02");
        assert_eq!(std::fs::read_dir(day).unwrap().count(), 1);
    }
}

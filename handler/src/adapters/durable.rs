//! Files that are either complete on disk or absent: the local archive and
//! the outbox write through here.
//!
//! The bytes go to a temporary file in the target's folder (`write_all`,
//! `flush`, `sync_all`, every result checked), which is then moved into
//! place and the folder synced. A failure (a full disk) removes the
//! temporary file and leaves the target as it was. The work is done with
//! `std::fs` on the blocking pool: tokio's `File` reports a failed write
//! only on an explicit flush, and silently drops it otherwise.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use tokio::sync::oneshot;

/// How the finished file takes its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Replace whatever is there (a rename).
    Replace,
    /// Only if the name is free (a hard link): `AlreadyExists` otherwise.
    CreateNew,
}

/// An I/O error with what was being done and to which path.
#[derive(Debug)]
pub struct WriteError {
    pub what: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

impl WriteError {
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.what, self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {}

fn err<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `body` to `path` (see the module documentation).
pub async fn write(path: PathBuf, body: Vec<u8>, place: Place) -> Result<(), WriteError> {
    tokio::task::spawn_blocking(move || write_blocking(&path, &body, place))
        .await
        .unwrap_or_else(|e| {
            Err(WriteError {
                what: "writing",
                path: PathBuf::new(),
                source: io::Error::other(e),
            })
        })
}

/// The blocking body of [`write`].
pub fn write_blocking(path: &Path, body: &[u8], place: Place) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = filled_beside(path, body)?;
    let placed = match place {
        Place::Replace => fs::rename(&tmp, path).map_err(err("replacing", path)),
        Place::CreateNew => fs::hard_link(&tmp, path).map_err(err("creating", path)),
    };
    // After a rename the temporary name is gone already; after a hard link
    // or a failure it must go. Once the file is in place, a leftover
    // temporary name is only untidy, not a failed write.
    if let Err(e) = fs::remove_file(&tmp) {
        if e.kind() != io::ErrorKind::NotFound {
            tracing::warn!(path = %tmp.display(), error = %e, "temporary file not removed");
        }
    }
    placed?;
    sync_dir(dir)
}

/// A temporary file holding `body` in `path`'s folder, created if needed.
/// While the temporary file is there the folder is not empty, so nothing
/// removes it before the move into place.
fn filled_beside(path: &Path, body: &[u8]) -> Result<PathBuf, WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut tries = 0;
    loop {
        tries += 1;
        let tmp = dir.join(format!(
            ".{name}.{}.tmp",
            crate::core::reference::new_reference("T")
        ));
        let filled = fs::create_dir_all(dir)
            .map_err(err("creating", dir))
            .and_then(|()| fill(&tmp, body));
        match filled {
            Ok(()) => return Ok(tmp),
            // Another writer removed the folder once its last file was gone,
            // between our making (or finding) it and creating the file.
            Err(e) if folder_vanished(&e) && tries < 8 => {}
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
}

/// `create_dir_all` answers `AlreadyExists` when the folder it found is
/// removed before it checks it; creating a fresh name answers `NotFound`.
fn folder_vanished(e: &WriteError) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::AlreadyExists
    )
}

fn fill(tmp: &Path, body: &[u8]) -> Result<(), WriteError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(err("creating", tmp))?;
    f.write_all(body).map_err(err("writing", tmp))?;
    f.flush().map_err(err("writing", tmp))?;
    f.sync_all().map_err(err("syncing", tmp))
}

/// Makes a rename, link or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<(), WriteError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(err("syncing", dir))
}

/// Empty files created only if absent (an event whose name is its data),
/// made durable in groups: one thread creates every name queued while the
/// previous group was being synced, then syncs each folder that got a new
/// name once, and only then answers the group. A fsync per event capped a
/// busy local server at a few hundred events a second; a group shares one.
#[derive(Debug, Clone)]
pub struct GroupCreate {
    tx: mpsc::Sender<Job>,
}

type Job = (PathBuf, oneshot::Sender<Result<bool, WriteError>>);

/// The most names one group creates before syncing.
const GROUP_MAX: usize = 4096;

impl GroupCreate {
    /// Starts the creating thread; it ends when the last clone is dropped.
    pub fn start() -> io::Result<GroupCreate> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("archive-group-create".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut group = vec![first];
                    while group.len() < GROUP_MAX {
                        match rx.try_recv() {
                            Ok(job) => group.push(job),
                            Err(_) => break,
                        }
                    }
                    commit(group);
                }
            })?;
        Ok(GroupCreate { tx })
    }

    /// Creates the empty file `path` unless it exists; answers once the name
    /// is durable. Returns whether it was new.
    pub async fn create(&self, path: PathBuf) -> Result<bool, WriteError> {
        let gone = |path: PathBuf| WriteError {
            what: "creating",
            path,
            source: io::Error::other("the archive's writer thread stopped"),
        };
        let (tx, rx) = oneshot::channel();
        self.tx
            .send((path.clone(), tx))
            .map_err(|_| gone(path.clone()))?;
        rx.await.unwrap_or_else(|_| Err(gone(path)))
    }
}

/// Creates a group's names, syncs their folders, answers every job.
fn commit(group: Vec<Job>) {
    let mut made_dirs = Vec::new();
    let mut results: Vec<Result<bool, WriteError>> = group
        .iter()
        .map(|(path, _)| create_empty(path, &mut made_dirs))
        .collect();
    let mut dirs: Vec<PathBuf> = group
        .iter()
        .zip(&results)
        .filter(|(_, r)| matches!(r, Ok(true)))
        .filter_map(|((p, _), _)| p.parent().map(Path::to_path_buf))
        .collect();
    // A folder made here is durable once its own parent is synced.
    dirs.extend(
        made_dirs
            .iter()
            .filter_map(|d: &PathBuf| d.parent().map(Path::to_path_buf)),
    );
    dirs.sort_unstable();
    dirs.dedup();
    for dir in &dirs {
        if let Err(e) = sync_dir(dir) {
            for ((p, _), r) in group.iter().zip(results.iter_mut()) {
                // Conservative: a failed sync fails every name beneath the folder.
                if p.starts_with(dir) && r.is_ok() {
                    *r = Err(WriteError {
                        what: e.what,
                        path: e.path.clone(),
                        source: io::Error::new(e.source.kind(), e.source.to_string()),
                    });
                }
            }
        }
    }
    for ((_, reply), r) in group.into_iter().zip(results) {
        let _ = reply.send(r);
    }
}

fn create_empty(path: &Path, made_dirs: &mut Vec<PathBuf>) -> Result<bool, WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.is_dir() {
        // Every folder made here (the day's, maybe its kind's) is durable
        // once its parent is synced.
        let mut first_new = dir;
        while let Some(parent) = first_new.parent().filter(|p| !p.is_dir()) {
            first_new = parent;
        }
        fs::create_dir_all(dir).map_err(err("creating", dir))?;
        made_dirs.extend(
            dir.ancestors()
                .take_while(|d| d.starts_with(first_new))
                .map(Path::to_path_buf),
        );
    }
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(err("creating", path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_group_creates_each_name_once() {
        let dir = tempfile::tempdir().unwrap();
        let g = GroupCreate::start().unwrap();
        let p = dir.path().join("day/a.e");
        assert!(g.create(p.clone()).await.unwrap());
        assert!(!g.create(p.clone()).await.unwrap());
        assert_eq!(fs::metadata(&p).unwrap().len(), 0);
        // A folder that cannot be made is an error, not a silent loss.
        fs::write(dir.path().join("file"), b"").unwrap();
        let e = g.create(dir.path().join("file/x.e")).await.unwrap_err();
        assert!(e.to_string().contains("file"), "{e}");
    }

    #[test]
    fn create_new_refuses_an_existing_name_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.json");
        write_blocking(&p, b"first", Place::CreateNew).unwrap();
        let e = write_blocking(&p, b"second", Place::CreateNew).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        write_blocking(&p, b"third", Place::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"third");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
    }
}

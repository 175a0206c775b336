//! Named objects in the local archive folder: read, replace, delete and
//! list by prefix, for what sits beside the records (webhook states,
//! attachments, signals) and for erasure and retention.

use std::path::{Path, PathBuf};

use crate::adapters::durable::{self, Place};
use crate::adapters::local_archive::LocalArchive;
use crate::ports::archive::{ArchiveError, Listed};

impl LocalArchive {
    fn object_path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub(crate) async fn get_object(&self, name: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let path = self.object_path(name);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io("reading", &path, e)),
        }
    }

    pub(crate) async fn put_object(&self, name: &str, body: Vec<u8>) -> Result<(), ArchiveError> {
        durable::write(self.object_path(name), body, Place::Replace)
            .await
            .map_err(|e| ArchiveError(e.to_string()))
    }

    /// Removes the file, then its folders up to the root while they are empty.
    pub(crate) async fn delete_object(&self, name: &str) -> Result<(), ArchiveError> {
        let path = self.object_path(name);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(ArchiveError::io("removing", &path, e)),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if tokio::fs::remove_dir(d).await.is_err() {
                break; // not empty
            }
            dir = d.parent();
        }
        Ok(())
    }

    /// Every file whose name starts with `prefix` (`/`-separated, relative
    /// to the root), sorted.
    pub(crate) async fn list_objects(&self, prefix: &str) -> Result<Vec<Listed>, ArchiveError> {
        let root = self.root.clone();
        let prefix = prefix.to_string();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&root, &root, &prefix, &mut out)?;
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })
        .await
        .map_err(|e| ArchiveError(format!("listing: {e}")))?
    }
}

fn walk(root: &Path, dir: &Path, prefix: &str, out: &mut Vec<Listed>) -> Result<(), ArchiveError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ArchiveError::io("listing", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| ArchiveError::io("listing", dir, e))?;
        let path = entry.path();
        let Some(name) = relative(root, &path) else {
            continue;
        };
        let meta = match entry.metadata() {
            Ok(m) => m,
            // Removed since the folder was read (a marker cleared by another
            // run): it is no longer there to list.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(ArchiveError::io("reading", &path, e)),
        };
        if meta.is_dir() {
            // Only descend where the prefix may still match.
            let as_dir = format!("{name}/");
            if as_dir.starts_with(prefix) || prefix.starts_with(&as_dir) {
                walk(root, &path, prefix, out)?;
            }
        } else if name.starts_with(prefix) {
            let modified_ms = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as u64);
            out.push(Listed { name, modified_ms });
        }
    }
    Ok(())
}

/// `path` relative to `root` with `/` separators; `None` if not UTF-8.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;

    /// Another process delivering a webhook removes its marker while a
    /// listing is under way: the listing leaves it out instead of failing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_file_removed_while_listing_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let archive = LocalArchive::new(dir.path());
        let folder = dir.path().join("webhook-pending");
        std::fs::create_dir_all(&folder).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let churn = {
            let (folder, stop) = (folder.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let f = folder.join(format!("k{}", n % 64));
                    if std::fs::write(&f, b"").is_ok() {
                        let _ = std::fs::remove_file(&f);
                    }
                    n += 1;
                }
            })
        };
        std::fs::write(folder.join("stays"), b"").unwrap();
        for _ in 0..2_000 {
            let listed = archive.list_objects("webhook-pending/").await;
            let listed = listed.expect("a vanished file is not an error");
            assert!(listed.iter().any(|l| l.name == "webhook-pending/stays"));
        }
        stop.store(true, Ordering::Relaxed);
        churn.join().unwrap();
    }

    /// A marker written while another run clears the last one (and with it
    /// the folder) is written all the same.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_survives_its_folder_being_removed_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let archive = LocalArchive::new(dir.path());
        let clearing = {
            let archive = LocalArchive::new(dir.path());
            tokio::spawn(async move {
                for n in 0..2_000 {
                    let name = format!("webhook-pending/a{}", n % 8);
                    archive.put_object(&name, Vec::new()).await.unwrap();
                    archive.delete_object(&name).await.unwrap();
                }
            })
        };
        for n in 0..2_000 {
            let name = format!("webhook-pending/b{n}");
            archive.put_object(&name, Vec::new()).await.unwrap();
            archive.delete_object(&name).await.unwrap();
        }
        clearing.await.unwrap();
    }
}

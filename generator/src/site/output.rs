//! Writing the built site: into a fresh folder, swapped in whole, so a failed
//! build never leaves a half-written site and the previous one survives.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Error, Result};

/// One file of the built site, path relative to the output folder (`/`-separated).
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A folder next to the output that a build writes into; swapped in whole by
/// [`Staging::commit`], removed if the build is dropped before that.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
    /// Folders (relative, as in `OutputFile::path`) already made: most files
    /// share theirs with others, and asking the file system again costs two
    /// system calls a file.
    made: Mutex<HashSet<String>>,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::leftovers::remove_stale(
            parent,
            &[&format!(".{name}.staging-"), &format!(".{name}.old-")],
        );
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            old,
            committed: false,
            made: Mutex::default(),
        })
    }

    /// Writes one file (safe to call from many threads).
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        let path = self.dir.join(&file.path);
        if let Some((folder, _)) = file.path.rsplit_once('/') {
            self.make(folder)?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| Error::io(&path, e))
    }

    /// Makes the staging folder's sub-folder `folder` unless it was made.
    fn make(&self, folder: &str) -> Result<()> {
        let made = |f: &str| {
            self.made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(f)
        };
        if made(folder) {
            return Ok(());
        }
        let path = self.dir.join(folder);
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(folder.to_string());
        Ok(())
    }

    /// Replaces the output with what was written.
    pub fn commit(mut self) -> Result<()> {
        swap(&self.out, &self.dir, &self.old)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `files` as the whole new output (used by tests and small tools).
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

fn swap(out: &Path, staging: &Path, old: &Path) -> Result<()> {
    if out.exists() {
        std::fs::rename(out, old).map_err(|e| Error::io(out, e))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous site back rather than leave nothing.
            let _ = std::fs::rename(old, out);
            return Err(Error::io(out, e));
        }
        let _ = std::fs::remove_dir_all(old);
    } else {
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
    }
    Ok(())
}

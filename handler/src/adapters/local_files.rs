//! Attachments in the local archive: `<root>/<key>` holds a file's bytes,
//! `<root>/types/<key>` its media type. Written complete or not at all.

use std::path::PathBuf;

use crate::adapters::durable::{self, Place};
use crate::adapters::local_archive::LocalArchive;
use crate::core::upload::{ATTACHMENTS, UPLOADS};
use crate::ports::archive::{ArchiveError, FileInfo};

impl LocalArchive {
    /// The file and type paths of `key`, which must stay under `uploads/`
    /// or `attachments/`.
    fn file_paths(&self, key: &str) -> Result<(PathBuf, PathBuf), ArchiveError> {
        let inside = key.starts_with(UPLOADS) || key.starts_with(ATTACHMENTS);
        let tidy = key
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.contains('\\'));
        if !inside || !tidy {
            return Err(ArchiveError(format!("unsafe file key {key:?}")));
        }
        Ok((self.root.join(key), self.root.join("types").join(key)))
    }

    /// Stores a new upload; `Ok(false)` when the key is taken.
    pub(crate) async fn put_file(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<bool, ArchiveError> {
        let (file, kind) = self.file_paths(key)?;
        let typed = durable::write(kind, content_type.as_bytes().to_vec(), Place::CreateNew).await;
        match typed {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(ArchiveError(e.to_string())),
        }
        durable::write(file, body, Place::CreateNew)
            .await
            .map_err(|e| ArchiveError(e.to_string()))?;
        Ok(true)
    }

    /// The size and type of a stored file; `None` when it is absent.
    pub(crate) async fn head(&self, key: &str) -> Result<Option<FileInfo>, ArchiveError> {
        let (file, kind) = self.file_paths(key)?;
        let size = match tokio::fs::metadata(&file).await {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ArchiveError::io("reading", &file, e)),
        };
        let content_type = tokio::fs::read_to_string(&kind)
            .await
            .map_err(|e| ArchiveError::io("reading", &kind, e))?;
        Ok(Some(FileInfo { size, content_type }))
    }

    /// The bytes of a stored file, if it exists.
    pub(crate) async fn read_file(&self, key: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let (file, _) = self.file_paths(key)?;
        match tokio::fs::read(&file).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ArchiveError::io("reading", &file, e)),
        }
    }

    /// Copies a stored file and its type to `to` (replacing what is there).
    pub(crate) async fn copy(&self, from: &str, to: &str) -> Result<(), ArchiveError> {
        let (from_file, from_kind) = self.file_paths(from)?;
        let (to_file, to_kind) = self.file_paths(to)?;
        for (src, dst) in [(from_kind, to_kind), (from_file, to_file)] {
            let bytes = tokio::fs::read(&src)
                .await
                .map_err(|e| ArchiveError::io("reading", &src, e))?;
            durable::write(dst, bytes, Place::Replace)
                .await
                .map_err(|e| ArchiveError(e.to_string()))?;
        }
        Ok(())
    }
}

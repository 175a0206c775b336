//! Local sending: each message is written as an `.eml` file into a folder.

use std::path::Path;

use crate::adapters::durable::{self, Place};
use crate::core::time::now_ms;
use crate::ports::mail::{MailError, Outgoing};

/// Writes `<dir>/<now-ms>-<file stem>.eml`. Complete or absent, like the
/// archive: a failed write (a full disk) is an error, never an empty `.eml`
/// reported as sent.
pub async fn write_eml(dir: &Path, msg: &Outgoing) -> Result<String, MailError> {
    let name = format!("{}-{}.eml", now_ms(), msg.file_stem);
    durable::write(dir.join(&name), msg.raw.clone(), Place::CreateNew)
        .await
        .map_err(|e| MailError(e.to_string()))?;
    Ok(name)
}

/// The `.eml` files in `dir` and their bytes (none when it does not exist).
pub async fn messages(dir: &Path) -> Result<Vec<(std::path::PathBuf, Vec<u8>)>, MailError> {
    let io =
        |what: &str, p: &Path, e: std::io::Error| MailError(format!("{what} {}: {e}", p.display()));
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io("listing", dir, e)),
    };
    let mut out = Vec::new();
    while let Some(entry) = entries
        .next_entry()
        .await
        .map_err(|e| io("listing", dir, e))?
    {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "eml") {
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|e| io("reading", &path, e))?;
            out.push((path, bytes));
        }
    }
    out.sort();
    Ok(out)
}

/// Removes one `.eml` file; absent is fine.
pub async fn remove(path: &Path) -> Result<(), MailError> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(MailError(format!("removing {}: {e}", path.display()))),
    }
}

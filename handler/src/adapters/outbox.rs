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

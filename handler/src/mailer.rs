//! Sending: SES v2 in AWS, `.eml` files in an outbox folder locally.

use std::path::PathBuf;

use crate::email::Outgoing;

/// A message could not be handed over for delivery.
#[derive(Debug, thiserror::Error)]
#[error("mail: {0}")]
pub struct MailError(pub String);

#[derive(Debug, Clone)]
pub enum Mailer {
    /// Writes `<outbox>/<received-ms>-<reference>-<kind>.eml`.
    Outbox(PathBuf),
    #[cfg(feature = "aws")]
    Ses(crate::aws::SesMailer),
}

impl Mailer {
    /// Sends one message; returns the transport's message id (the file name
    /// for the outbox).
    pub async fn send(&self, msg: &Outgoing) -> Result<String, MailError> {
        match self {
            Mailer::Outbox(dir) => write_eml(dir, msg).await,
            #[cfg(feature = "aws")]
            Mailer::Ses(ses) => ses.send(msg).await,
        }
    }
}

async fn write_eml(dir: &std::path::Path, msg: &Outgoing) -> Result<String, MailError> {
    let fail = |what: &str, p: &std::path::Path, e: std::io::Error| {
        MailError(format!("{what} {}: {e}", p.display()))
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| fail("creating", dir, e))?;
    let name = format!("{}-{}.eml", crate::time::now_ms(), msg.file_stem);
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(&name);
    tokio::fs::write(&tmp, &msg.raw)
        .await
        .map_err(|e| fail("writing", &tmp, e))?;
    tokio::fs::rename(&tmp, &path)
        .await
        .map_err(|e| fail("renaming", &path, e))?;
    Ok(name)
}

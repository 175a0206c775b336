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

/// Complete or absent, like the archive: a failed write (a full disk) is an
/// error, never an empty `.eml` reported as sent.
async fn write_eml(dir: &std::path::Path, msg: &Outgoing) -> Result<String, MailError> {
    let name = format!("{}-{}.eml", crate::time::now_ms(), msg.file_stem);
    crate::durable::write(
        dir.join(&name),
        msg.raw.clone(),
        crate::durable::Place::CreateNew,
    )
    .await
    .map_err(|e| MailError(e.to_string()))?;
    Ok(name)
}

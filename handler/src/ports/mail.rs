//! What a mail transport is handed, and how it fails.

/// Who a message goes to and comes from, for the transport (SES takes these
/// from the configuration; the request never names a recipient).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub envelope: Envelope,
    pub raw: Vec<u8>,
    /// Used to name outbox files: reference plus kind.
    pub file_stem: String,
}

/// A message could not be handed over for delivery.
#[derive(Debug, thiserror::Error)]
#[error("mail: {0}")]
pub struct MailError(pub String);

//! A stored submission and its delivery status.

use serde::{Deserialize, Serialize};

use crate::core::submission::Submission;

/// Whether the support email has gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Sent,
}

/// The acknowledgement to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AckStatus {
    /// Not configured.
    Off,
    /// Waiting for the support email to be sent first.
    Pending,
    Sent,
    /// Tried and failed; not retried (the support email matters, this does not).
    Failed,
}

/// One stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    pub key: String,
    pub reference: String,
    pub received_at_ms: u64,
    pub received_at: String,
    pub lang: String,
    pub topic: String,
    pub name: String,
    pub email: String,
    pub order: Option<String>,
    pub message: String,
    /// The site's extra fields that were filled (absent in older records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<helpsite_form::extra::FieldValue>,
    pub submission_id: Option<String>,
    pub status: Status,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub sent_at_ms: Option<u64>,
    pub ack: AckStatus,
    /// Who the support email goes to, chosen by topic and language when the
    /// submission was stored, so a later resend goes to the same inboxes.
    /// Empty in records from before routing: the configured recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Files kept with the record (absent in records stored before attachments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::core::upload::Attachment>,
}

impl Record {
    pub fn new(sub: Submission, reference: String, received_at_ms: u64, ack: bool) -> Record {
        let key = Record::key_for(sub.submission_id.as_deref(), &reference);
        Record {
            version: 1,
            key,
            reference,
            received_at_ms,
            received_at: crate::core::time::rfc3339(received_at_ms),
            lang: sub.lang,
            topic: sub.topic,
            name: sub.name,
            email: sub.email,
            order: sub.order,
            message: sub.message,
            fields: sub.fields,
            submission_id: sub.submission_id,
            status: Status::Pending,
            attempts: 0,
            last_error: None,
            sent_at_ms: None,
            ack: if ack {
                AckStatus::Pending
            } else {
                AckStatus::Off
            },
            recipients: Vec::new(),
            attachments: sub.attachments,
        }
    }

    /// The archive key of a submission: `sid-<id>` when the page sent a
    /// submission id, else its reference.
    pub fn key_for(submission_id: Option<&str>, reference: &str) -> String {
        match submission_id {
            Some(id) => format!("sid-{id}"),
            None => reference.to_string(),
        }
    }

    /// The record with its chosen recipients (`Name <addr>` or `addr`).
    pub fn with_recipients(mut self, recipients: Vec<String>) -> Record {
        self.recipients = recipients;
        self
    }
}

//! Store first, then send: the steps after a submission is found valid.

use std::time::Duration;

use tracing::{error, info, warn};

use crate::config::{Config, WebhookConfig};
use crate::core::record::{AckStatus, Record, Status};
use crate::core::submission::Submission;
use crate::core::time::now_ms;
use crate::ports::archive::{ArchiveError, Claim, Created};
use crate::usecases::messages::{self, Files, Letterhead};
use crate::usecases::webhook;
use crate::wiring::Services;

/// What storing and sending a submission needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// Prefix of new references (`HS`).
    pub reference_prefix: &'a str,
    /// Send the visitor an acknowledgement.
    pub acknowledge: bool,
    /// How long a claim to send a record holds.
    pub claim_ttl: Duration,
    pub letterhead: Letterhead<'a>,
    /// `None`: no webhook.
    pub webhook: Option<&'a WebhookConfig>,
    /// How attachments reach the support team.
    pub files: FilePolicy<'a>,
}

/// Links to attachments, and how much may travel with the email.
#[derive(Debug, Clone, Copy)]
pub struct FilePolicy<'a> {
    pub link_ttl: Duration,
    /// Where local download links point (S3 links are presigned).
    pub link_base: &'a str,
    pub attach_max_bytes: u64,
}

impl<'a> Policy<'a> {
    /// The policy the settings describe.
    pub fn of(cfg: &'a Config) -> Policy<'a> {
        Policy {
            reference_prefix: &cfg.reference_prefix,
            acknowledge: cfg.acknowledge,
            claim_ttl: cfg.claim_ttl,
            letterhead: Letterhead::of(cfg),
            webhook: cfg.webhook.as_ref(),
            files: FilePolicy {
                link_ttl: cfg.uploads.link_ttl,
                link_base: cfg.uploads.link_base.as_deref().unwrap_or(""),
                attach_max_bytes: cfg.uploads.attach_max_bytes,
            },
        }
    }
}

/// What happened to an accepted submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub reference: String,
    /// The same client submission id was stored before: nothing new was sent.
    pub duplicate: bool,
    /// The support email went out (false: it waits in the archive as pending).
    pub delivered: bool,
}

/// Archives the submission, then mails it. Fails only when the archive
/// cannot be written — then nothing was sent and the visitor should retry.
pub async fn submit(
    policy: &Policy<'_>,
    services: &Services,
    sub: Submission,
    received_ms: u64,
) -> Result<Accepted, ArchiveError> {
    let reference = crate::core::reference::new_reference(policy.reference_prefix);
    let recipients = policy.letterhead.route(&sub.topic, &sub.lang);
    let rec =
        Record::new(sub, reference, received_ms, policy.acknowledge).with_recipients(recipients);
    if policy.webhook.is_some() {
        // Before the record: a crash in between leaves a marker without a
        // record (removed by redeliver), never a record whose webhook is lost.
        webhook::mark_pending(&services.archive, &rec.key).await?;
    }
    if let Created::Exists(existing) = services.archive.create(&rec).await? {
        if existing.status == Status::Sent {
            // create() re-wrote the marker; the first request already sent it.
            if let Err(e) = services.archive.clear_pending(&existing.key).await {
                warn!(reference = %existing.reference, error = %e, "could not clear the pending marker");
            }
        }
        info!(reference = %existing.reference, status = ?existing.status, "duplicate submission id; not sent again");
        return Ok(Accepted {
            reference: existing.reference,
            duplicate: true,
            delivered: existing.status == Status::Sent,
        });
    }
    info!(reference = %rec.reference, topic = %rec.topic, lang = %rec.lang, "submission archived");
    let delivered = matches!(
        deliver(policy, services, &rec.key).await,
        Delivery::Sent | Delivery::Unrecorded | Delivery::Done
    );
    if policy.webhook.is_some() {
        webhook::deliver_webhook(policy.webhook, policy.claim_ttl, services, &rec.key).await;
    }
    Ok(Accepted {
        reference: rec.reference,
        duplicate: false,
        delivered,
    })
}

/// What [`deliver`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Sent and recorded.
    Sent,
    /// Not sent; the record stays pending with the error.
    Failed,
    /// Another run holds the claim: it is sending it now.
    Busy,
    /// Already sent by someone else (nothing to do).
    Done,
    /// A sent claim was found: the email went out but the record was never
    /// marked sent. [`crate::usecases::redeliver`] records it; nothing is sent again.
    SentClaim,
    /// Sent, but the record could not be marked sent: the claim is kept
    /// as a sent claim so that nothing sends it again.
    Unrecorded,
}

/// Claims the record, then sends the support email (and the
/// acknowledgement, when configured) and records the outcome.
pub async fn deliver(policy: &Policy<'_>, services: &Services, key: &str) -> Delivery {
    let archive = &services.archive;
    let lease = match archive.claim(key, policy.claim_ttl).await {
        Ok(Claim::Held(lease)) => lease,
        Ok(Claim::Busy) => return Delivery::Busy,
        Ok(Claim::Sent) => return Delivery::SentClaim,
        Err(e) => {
            warn!(key, error = %e, "could not claim the submission; left pending");
            return Delivery::Failed;
        }
    };
    // Read after claiming: a run that held the claim before may have sent it.
    let outcome = match archive.load(key).await {
        Ok(Some(mut rec)) if rec.status == Status::Pending => {
            send(policy, services, &mut rec).await
        }
        Ok(Some(_)) => Delivery::Done,
        Ok(None) => {
            warn!(key, "claimed submission has no record");
            Delivery::Failed
        }
        Err(e) => {
            warn!(key, error = %e, "claimed submission unreadable");
            Delivery::Failed
        }
    };
    if outcome == Delivery::Unrecorded {
        match archive.keep_as_sent(&lease).await {
            Ok(()) => error!(key, "support email sent but not recorded as sent; its claim is kept so it is not sent again, and redeliver records it once the archive can be written"),
            Err(e) => error!(key, error = %e, expires_in_s = policy.claim_ttl.as_secs(), "support email sent but neither the record nor the claim could be kept: it may be sent again once the claim expires"),
        }
    } else if let Err(e) = archive.release(&lease).await {
        warn!(key, error = %e, "could not release the claim; it expires by itself");
    }
    outcome
}

/// Sends a claimed pending record and records the outcome.
async fn send(policy: &Policy<'_>, services: &Services, rec: &mut Record) -> Delivery {
    rec.attempts += 1;
    let files = gather_files(&policy.files, services, rec).await;
    let msg = messages::support_message_with(&policy.letterhead, rec, &files);
    match services.mailer.send(&msg).await {
        Ok(id) => {
            info!(reference = %rec.reference, message_id = %id, attempts = rec.attempts, "support email sent");
            rec.status = Status::Sent;
            rec.sent_at_ms = Some(now_ms());
            rec.last_error = None;
            if rec.ack == AckStatus::Pending {
                rec.ack = match services
                    .mailer
                    .send(&messages::acknowledgement(&policy.letterhead, rec))
                    .await
                {
                    Ok(_) => AckStatus::Sent,
                    Err(e) => {
                        warn!(reference = %rec.reference, error = %e, "acknowledgement not sent");
                        AckStatus::Failed
                    }
                };
            }
            if let Err(e) = services.archive.update(rec).await {
                error!(reference = %rec.reference, error = %e, "could not mark the record sent");
                return Delivery::Unrecorded;
            }
            if let Err(e) = services.archive.clear_pending(&rec.key).await {
                // Harmless: redeliver sees the record is sent and removes it.
                warn!(reference = %rec.reference, error = %e, "could not clear the pending marker");
            }
            Delivery::Sent
        }
        Err(e) => {
            warn!(reference = %rec.reference, error = %e, attempts = rec.attempts, "support email not sent; left pending");
            rec.last_error = Some(e.to_string());
            if let Err(e) = services.archive.update(rec).await {
                warn!(reference = %rec.reference, error = %e, "could not record the failure");
            }
            Delivery::Failed
        }
    }
}

/// A link to each attachment, and the bytes of the first ones that fit in
/// `attach_max_bytes` together. A link that cannot be made is left out
/// (logged): the record and its files are kept, and the email still goes.
async fn gather_files(policy: &FilePolicy<'_>, services: &Services, rec: &Record) -> Files {
    let mut files = Files::default();
    let mut budget = policy.attach_max_bytes;
    for (i, a) in rec.attachments.iter().enumerate() {
        let link = services
            .archive
            .download_link(&a.key, policy.link_ttl, policy.link_base)
            .await;
        files.links.push(link.unwrap_or_else(|e| {
            warn!(reference = %rec.reference, error = %e, "no download link for an attachment");
            "-".into()
        }));
        if a.size <= budget {
            if let Ok(Some(bytes)) = services.archive.read_file(&a.key).await {
                budget -= a.size;
                files.attached.push((i, bytes));
            }
        }
    }
    files
}

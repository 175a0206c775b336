//! Store first, then send: the steps after a submission is found valid, and
//! the redelivery of what could not be sent.

use std::time::Duration;

use tracing::{error, info, warn};

use crate::archive::{AckStatus, Archive, Claim, Created, LocalArchive, Record, Status};
use crate::config::{ArchiveConfig, Config, ConfigError, MailerConfig};
use crate::email;
use crate::input::Submission;
use crate::mailer::Mailer;
use crate::time::now_ms;

/// The archive and the mailer a configuration names.
#[derive(Debug, Clone)]
pub struct Services {
    pub archive: Archive,
    pub mailer: Mailer,
}

impl Services {
    /// Builds the clients (for AWS: loads credentials and region once).
    pub async fn from_config(cfg: &Config) -> Result<Services, ConfigError> {
        #[cfg(feature = "aws")]
        let sdk =
            if cfg.mailer == MailerConfig::Ses || matches!(cfg.archive, ArchiveConfig::S3 { .. }) {
                Some(crate::aws::sdk_config(&cfg.aws).await)
            } else {
                None
            };
        let no_aws = || ConfigError::Invalid {
            var: "CONTACT_MAILER/CONTACT_ARCHIVE".into(),
            value: "ses/s3".into(),
            reason: "this build has no AWS support (feature `aws`)",
        };
        let archive = match &cfg.archive {
            ArchiveConfig::Local(dir) => Archive::Local(LocalArchive::new(dir.clone())),
            #[cfg(feature = "aws")]
            ArchiveConfig::S3 { bucket, prefix } => Archive::S3(crate::aws::S3Archive::new(
                sdk.as_ref().expect("loaded for S3"),
                &cfg.aws,
                bucket.clone(),
                prefix.clone(),
            )),
            #[cfg(not(feature = "aws"))]
            ArchiveConfig::S3 { .. } => return Err(no_aws()),
        };
        let mailer = match &cfg.mailer {
            MailerConfig::Outbox(dir) => Mailer::Outbox(dir.clone()),
            #[cfg(feature = "aws")]
            MailerConfig::Ses => Mailer::Ses(crate::aws::SesMailer::new(
                sdk.as_ref().expect("loaded for SES"),
                &cfg.aws,
            )),
            #[cfg(not(feature = "aws"))]
            MailerConfig::Ses => return Err(no_aws()),
        };
        let _ = no_aws;
        Ok(Services { archive, mailer })
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
    cfg: &Config,
    services: &Services,
    sub: Submission,
    received_ms: u64,
) -> Result<Accepted, crate::archive::ArchiveError> {
    let reference = crate::reference::new_reference(&cfg.reference_prefix);
    let rec = Record::new(sub, reference, received_ms, cfg.acknowledge);
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
        deliver(cfg, services, &rec.key).await,
        Delivery::Sent | Delivery::Unrecorded | Delivery::Done
    );
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
    /// marked sent. [`redeliver`] records it; nothing is sent again.
    SentClaim,
    /// Sent, but the record could not be marked sent: the claim is kept
    /// as a sent claim so that nothing sends it again.
    Unrecorded,
}

/// Claims the record, then sends the support email (and the
/// acknowledgement, when configured) and records the outcome.
pub async fn deliver(cfg: &Config, services: &Services, key: &str) -> Delivery {
    let archive = &services.archive;
    let lease = match archive.claim(key, cfg.claim_ttl).await {
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
        Ok(Some(mut rec)) if rec.status == Status::Pending => send(cfg, services, &mut rec).await,
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
            Err(e) => error!(key, error = %e, expires_in_s = cfg.claim_ttl.as_secs(), "support email sent but neither the record nor the claim could be kept: it may be sent again once the claim expires"),
        }
    } else if let Err(e) = archive.release(&lease).await {
        warn!(key, error = %e, "could not release the claim; it expires by itself");
    }
    outcome
}

/// Sends a claimed pending record and records the outcome.
async fn send(cfg: &Config, services: &Services, rec: &mut Record) -> Delivery {
    rec.attempts += 1;
    let msg = email::support_message(cfg, rec);
    match services.mailer.send(&msg).await {
        Ok(id) => {
            info!(reference = %rec.reference, message_id = %id, attempts = rec.attempts, "support email sent");
            rec.status = Status::Sent;
            rec.sent_at_ms = Some(now_ms());
            rec.last_error = None;
            if rec.ack == AckStatus::Pending {
                rec.ack = match services
                    .mailer
                    .send(&email::acknowledgement(cfg, rec))
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

/// Records as sent a record whose email went out under a sent claim, then
/// removes the marker and the claim.
async fn record_sent_claim(
    services: &Services,
    mut rec: Record,
) -> Result<(), crate::archive::ArchiveError> {
    rec.status = Status::Sent;
    rec.sent_at_ms.get_or_insert_with(now_ms);
    rec.last_error = None;
    rec.attempts += 1;
    services.archive.update(&rec).await?;
    services.archive.clear_pending(&rec.key).await?;
    services.archive.clear_sent_claim(&rec.key).await
}

/// What a redelivery run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RedeliverReport {
    pub sent: usize,
    pub failed: usize,
    /// Too recent (maybe still being sent by the request that stored it),
    /// claimed by another run, or sent by another run meanwhile.
    pub skipped: usize,
    /// Markers of records already sent (or long gone) removed, and sent
    /// claims recorded.
    pub cleaned: usize,
    /// Sent, but the archive could not record it (see [`Delivery::Unrecorded`]).
    pub unrecorded: usize,
}

/// A marker without its record is removed once this old (the record write
/// that follows the marker has long failed).
const ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// Sends every pending submission at least `min_age` old.
pub async fn redeliver(
    cfg: &Config,
    services: &Services,
    min_age: Duration,
) -> Result<RedeliverReport, crate::archive::ArchiveError> {
    let mut report = RedeliverReport::default();
    let now = now_ms();
    for entry in services.archive.pending().await? {
        let rec = match services.archive.load(&entry.key).await {
            Ok(r) => r,
            Err(e) => {
                match services.archive.set_aside_if_unreadable(&entry.key).await {
                    Ok(Some(to)) => {
                        error!(key = %entry.key, error = %e, damaged = %to.display(), "pending record unreadable: set aside, nothing to send")
                    }
                    _ => warn!(key = %entry.key, error = %e, "pending record unreadable"),
                }
                report.failed += 1;
                continue;
            }
        };
        match rec {
            None => {
                let age = entry.modified_ms.map(|m| now.saturating_sub(m));
                if age.is_some_and(|a| a >= ORPHAN_AGE.as_millis() as u64) {
                    services.archive.clear_pending(&entry.key).await?;
                    report.cleaned += 1;
                } else {
                    report.skipped += 1;
                }
            }
            Some(rec) if rec.status == Status::Sent => {
                services.archive.clear_pending(&entry.key).await?;
                services.archive.clear_sent_claim(&entry.key).await?;
                report.cleaned += 1;
            }
            Some(rec) if now.saturating_sub(rec.received_at_ms) < min_age.as_millis() as u64 => {
                report.skipped += 1;
            }
            Some(rec) => match deliver(cfg, services, &entry.key).await {
                Delivery::Sent => report.sent += 1,
                Delivery::Failed => report.failed += 1,
                Delivery::Busy | Delivery::Done => report.skipped += 1,
                Delivery::Unrecorded => report.unrecorded += 1,
                Delivery::SentClaim => match record_sent_claim(services, rec).await {
                    Ok(()) => {
                        info!(key = %entry.key, "sent claim recorded; not sent again");
                        report.cleaned += 1;
                    }
                    Err(e) => {
                        error!(key = %entry.key, error = %e, "sent, but still not recorded as sent");
                        report.unrecorded += 1;
                    }
                },
            },
        }
    }
    info!(
        sent = report.sent,
        failed = report.failed,
        skipped = report.skipped,
        cleaned = report.cleaned,
        unrecorded = report.unrecorded,
        "redeliver done"
    );
    Ok(report)
}

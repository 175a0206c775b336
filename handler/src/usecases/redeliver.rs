//! Redelivery: sends what the archive still holds as pending, and records
//! what was sent but never recorded.

use std::time::Duration;

use tracing::{error, info, warn};

use crate::core::record::{Record, Status};
use crate::core::time::now_ms;
use crate::ports::archive::{is_safe_key, ArchiveError, PendingEntry};
use crate::usecases::submit::{deliver, Delivery, Policy};
use crate::usecases::webhook::{self, HookDelivery};
use crate::wiring::Services;

/// Records as sent a record whose email went out under a sent claim, then
/// removes the marker and the claim.
async fn record_sent_claim(services: &Services, mut rec: Record) -> Result<(), ArchiveError> {
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
    /// Webhooks delivered (or found delivered under a sent claim and recorded).
    pub webhooks_sent: usize,
    /// Webhooks still pending: no answer, a 5xx, or the archive failed.
    pub webhooks_failed: usize,
    /// Webhooks the receiver refused (4xx), as `key: status`; recorded as
    /// failed and not retried.
    pub webhooks_rejected: Vec<String>,
}

impl RedeliverReport {
    /// Something needs an operator: unsent, unrecorded or refused.
    pub fn needs_attention(&self) -> bool {
        self.failed > 0
            || self.unrecorded > 0
            || self.webhooks_failed > 0
            || !self.webhooks_rejected.is_empty()
    }
}

/// A marker without its record is removed once this old (the record write
/// that follows the marker has long failed).
const ORPHAN_AGE: Duration = Duration::from_secs(3600);
/// Sends every pending submission at least `min_age` old.
pub async fn redeliver(
    policy: &Policy<'_>,
    services: &Services,
    min_age: Duration,
) -> Result<RedeliverReport, ArchiveError> {
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
        let run = Run {
            policy,
            services,
            now,
            min_age,
        };
        run.handle(&entry, rec, &mut report).await?;
    }
    if policy.webhook.is_some() {
        webhooks(policy, services, now, min_age, &mut report).await?;
    }
    info!(
        webhooks_sent = report.webhooks_sent,
        webhooks_failed = report.webhooks_failed,
        webhooks_rejected = report.webhooks_rejected.len(),
        sent = report.sent,
        failed = report.failed,
        skipped = report.skipped,
        cleaned = report.cleaned,
        unrecorded = report.unrecorded,
        "redeliver done"
    );
    Ok(report)
}

/// Posts every pending webhook whose marker is at least `min_age` old.
async fn webhooks(
    policy: &Policy<'_>,
    services: &Services,
    now: u64,
    min_age: Duration,
    report: &mut RedeliverReport,
) -> Result<(), ArchiveError> {
    let archive = &services.archive;
    for entry in archive.list_objects(webhook::PENDING_PREFIX).await? {
        let Some(key) = entry.name.strip_prefix(webhook::PENDING_PREFIX) else {
            continue;
        };
        let age = entry
            .modified_ms
            .map_or(u64::MAX, |m| now.saturating_sub(m));
        if !is_safe_key(key) || age < min_age.as_millis() as u64 {
            report.skipped += 1;
            continue;
        }
        match webhook::deliver_webhook(policy.webhook, policy.claim_ttl, services, key).await {
            HookDelivery::Delivered | HookDelivery::SentClaim => report.webhooks_sent += 1,
            HookDelivery::Failed | HookDelivery::Unrecorded => report.webhooks_failed += 1,
            HookDelivery::Rejected(code) => report.webhooks_rejected.push(format!("{key}: {code}")),
            HookDelivery::Busy => report.skipped += 1,
            HookDelivery::Done => report.cleaned += 1,
            HookDelivery::NoRecord if age >= ORPHAN_AGE.as_millis() as u64 => {
                archive.delete_object(&entry.name).await?;
                report.cleaned += 1;
            }
            HookDelivery::NoRecord => report.skipped += 1,
        }
    }
    Ok(())
}

/// One redelivery run: what every pending entry is judged against.
struct Run<'a> {
    policy: &'a Policy<'a>,
    services: &'a Services,
    now: u64,
    min_age: Duration,
}

impl Run<'_> {
    /// Cleans, skips or sends one pending entry, counting it in `report`.
    async fn handle(
        &self,
        entry: &PendingEntry,
        rec: Option<Record>,
        report: &mut RedeliverReport,
    ) -> Result<(), ArchiveError> {
        let (archive, now) = (&self.services.archive, self.now);
        match rec {
            None => {
                let age = entry.modified_ms.map(|m| now.saturating_sub(m));
                if age.is_some_and(|a| a >= ORPHAN_AGE.as_millis() as u64) {
                    archive.clear_pending(&entry.key).await?;
                    report.cleaned += 1;
                } else {
                    report.skipped += 1;
                }
            }
            Some(rec) if rec.status == Status::Sent => {
                archive.clear_pending(&entry.key).await?;
                archive.clear_sent_claim(&entry.key).await?;
                report.cleaned += 1;
            }
            Some(rec)
                if now.saturating_sub(rec.received_at_ms) < self.min_age.as_millis() as u64 =>
            {
                report.skipped += 1;
            }
            Some(rec) => self.send(entry, rec, report).await,
        }
        Ok(())
    }

    async fn send(&self, entry: &PendingEntry, rec: Record, report: &mut RedeliverReport) {
        match deliver(self.policy, self.services, &entry.key).await {
            Delivery::Sent => report.sent += 1,
            Delivery::Failed => report.failed += 1,
            Delivery::Busy | Delivery::Done => report.skipped += 1,
            Delivery::Unrecorded => report.unrecorded += 1,
            Delivery::SentClaim => match record_sent_claim(self.services, rec).await {
                Ok(()) => {
                    info!(key = %entry.key, "sent claim recorded; not sent again");
                    report.cleaned += 1;
                }
                Err(e) => {
                    error!(key = %entry.key, error = %e, "sent, but still not recorded as sent");
                    report.unrecorded += 1;
                }
            },
        }
    }
}

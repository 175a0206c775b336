//! The webhook: posted after the archive write, independent of the email,
//! under its own pending marker and claim (see [`crate::ports::archive`]).
//!
//! A 2xx answer is recorded as delivered and never posted again; a 4xx as
//! failed (the receiver refused it: not retried); no answer or a 5xx leaves
//! it pending for `redeliver`.

use std::time::Duration;

use tracing::{error, info, warn};

use crate::config::WebhookConfig;
use crate::core::time::now_ms;
use crate::core::webhook::{payload, signature, HookState, HookStatus};
use crate::ports::archive::{ArchiveError, Claim};
use crate::ports::webhook::{HookAnswer, HookRequest};
use crate::wiring::{Archive, Hooks, Services};

/// Where pending markers of webhooks are.
pub const PENDING_PREFIX: &str = "webhook-pending/";

pub fn pending_name(key: &str) -> String {
    format!("{PENDING_PREFIX}{key}")
}

/// The stored [`HookState`] of a submission's webhook.
pub fn state_name(key: &str) -> String {
    format!("webhooks/{key}.json")
}

/// Marks `key` as waiting for its webhook.
pub async fn mark_pending(archive: &Archive, key: &str) -> Result<(), ArchiveError> {
    archive.put_object(&pending_name(key), Vec::new()).await
}

/// What [`deliver_webhook`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookDelivery {
    /// The receiver answered 2xx; recorded.
    Delivered,
    /// The receiver answered this 4xx; recorded as failed, not retried.
    Rejected(u16),
    /// No answer or a 5xx: left pending.
    Failed,
    /// Another run holds the claim.
    Busy,
    /// Delivered or rejected before (nothing to do), or no webhook configured.
    Done,
    /// The marker has no record (yet, or any more).
    NoRecord,
    /// Delivered before, under a claim kept as sent: now recorded.
    SentClaim,
    /// Delivered, but the state could not be written: the claim is kept
    /// as a sent claim, so nothing posts it again.
    Unrecorded,
}

/// Claims the webhook of `key` for `claim_ttl`, posts it if still
/// pending, and records the outcome.
pub async fn deliver_webhook(
    webhook: Option<&WebhookConfig>,
    claim_ttl: Duration,
    services: &Services,
    key: &str,
) -> HookDelivery {
    let (Some(cfg), Some(hooks)) = (webhook, &services.hooks) else {
        return HookDelivery::Done;
    };
    let archive = &services.archive;
    let lease = match archive.claim_webhook(key, claim_ttl).await {
        Ok(Claim::Held(lease)) => lease,
        Ok(Claim::Busy) => return HookDelivery::Busy,
        Ok(Claim::Sent) => return record_sent_claim(archive, key).await,
        Err(e) => {
            warn!(key, error = %e, "could not claim the webhook; left pending");
            return HookDelivery::Failed;
        }
    };
    // Read after claiming: a run that held the claim before may have posted it.
    let outcome = attempt(cfg, hooks, archive, key).await;
    if outcome == HookDelivery::Unrecorded {
        if let Err(e) = archive.keep_as_sent(&lease).await {
            error!(key, error = %e, "webhook delivered but neither its state nor its claim could be kept: it may be posted again once the claim expires");
        }
    } else if let Err(e) = archive.release(&lease).await {
        warn!(key, error = %e, "could not release the webhook claim; it expires by itself");
    }
    outcome
}

/// Posts a claimed webhook if it is still pending.
async fn attempt(cfg: &WebhookConfig, hooks: &Hooks, archive: &Archive, key: &str) -> HookDelivery {
    let mut state = match load_state(archive, key).await {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            warn!(key, error = %e, "webhook state unreadable; left pending");
            return HookDelivery::Failed;
        }
    };
    if state.status != HookStatus::Pending {
        clear_marker(archive, key).await;
        return HookDelivery::Done;
    }
    let rec = match archive.load(key).await {
        Ok(Some(rec)) => rec,
        Ok(None) => return HookDelivery::NoRecord,
        Err(e) => {
            warn!(key, error = %e, "record unreadable; webhook left pending");
            return HookDelivery::Failed;
        }
    };
    let body = payload(&rec, cfg.format);
    let req = HookRequest {
        url: cfg.url.clone(),
        signature: signature(cfg.secret.as_bytes(), now_ms() / 1000, &body),
        body,
        idempotency_key: rec.key.clone(),
    };
    state.attempts += 1;
    let outcome = judge(&mut state, hooks.post(&req).await);
    log_outcome(key, &state, &outcome);
    if let Err(e) = save_state(archive, key, &state).await {
        error!(key, error = %e, "could not record the webhook's outcome");
        return match outcome {
            HookDelivery::Delivered => HookDelivery::Unrecorded,
            _ => HookDelivery::Failed,
        };
    }
    if state.status != HookStatus::Pending {
        clear_marker(archive, key).await;
    }
    outcome
}

/// Updates `state` from the receiver's answer.
fn judge(state: &mut HookState, answer: HookAnswer) -> HookDelivery {
    match answer {
        HookAnswer::Status(code @ 200..=299) => {
            state.status = HookStatus::Delivered;
            state.http_status = Some(code);
            state.last_error = None;
            state.delivered_at_ms = Some(now_ms());
            HookDelivery::Delivered
        }
        HookAnswer::Status(code @ 400..=499) => {
            state.status = HookStatus::Failed;
            state.http_status = Some(code);
            state.last_error = Some(format!("the receiver answered {code}"));
            HookDelivery::Rejected(code)
        }
        HookAnswer::Status(code) => {
            state.http_status = Some(code);
            state.last_error = Some(format!("the receiver answered {code}"));
            HookDelivery::Failed
        }
        HookAnswer::Unreachable(e) => {
            state.last_error = Some(e);
            HookDelivery::Failed
        }
    }
}

fn log_outcome(key: &str, state: &HookState, outcome: &HookDelivery) {
    let (attempts, error) = (state.attempts, state.last_error.as_deref().unwrap_or(""));
    match outcome {
        HookDelivery::Delivered => info!(key, attempts, "webhook delivered"),
        HookDelivery::Rejected(code) => {
            error!(
                key,
                attempts,
                status = code,
                "webhook refused by the receiver; recorded as failed, not retried"
            )
        }
        _ => warn!(key, attempts, error, "webhook not delivered; left pending"),
    }
}

/// Records a webhook posted under a sent claim, then drops marker and claim.
async fn record_sent_claim(archive: &Archive, key: &str) -> HookDelivery {
    let recorded = async {
        let mut state = load_state(archive, key).await?.unwrap_or_default();
        if state.status == HookStatus::Pending {
            state.status = HookStatus::Delivered;
            state.delivered_at_ms.get_or_insert_with(now_ms);
            save_state(archive, key, &state).await?;
        }
        archive.delete_object(&pending_name(key)).await?;
        archive.clear_webhook_sent_claim(key).await
    };
    match recorded.await {
        Ok(()) => HookDelivery::SentClaim,
        Err(e) => {
            error!(key, error = %e, "webhook delivered, but still not recorded");
            HookDelivery::Unrecorded
        }
    }
}

async fn load_state(archive: &Archive, key: &str) -> Result<Option<HookState>, ArchiveError> {
    match archive.get_object(&state_name(key)).await? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| ArchiveError(format!("{}: {e}", state_name(key)))),
        None => Ok(None),
    }
}

async fn save_state(archive: &Archive, key: &str, state: &HookState) -> Result<(), ArchiveError> {
    let body = serde_json::to_vec_pretty(state).expect("serializable");
    archive.put_object(&state_name(key), body).await
}

/// Harmless when it fails: redeliver finds the state final and removes it.
async fn clear_marker(archive: &Archive, key: &str) {
    if let Err(e) = archive.delete_object(&pending_name(key)).await {
        warn!(key, error = %e, "could not clear the webhook's pending marker");
    }
}

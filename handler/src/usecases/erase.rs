//! Erasure of one visitor's data, and the local archive's retention.
//!
//! A submission is everything whose name has a part equal to its key, its
//! reference or its client submission id (`submissions/<key>.json`,
//! `pending/<key>`, `leases/<key>/…`, `leases/webhook-<key>`,
//! `webhooks/<key>.json`, `uploads/<id>/…`, any attachment prefix named by
//! the id). Besides those, signals (`feedback/`, `insights/`) and records
//! set aside (`damaged/`) that mention the address, and the outbox's
//! messages of those submissions or mentioning the address, are removed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::core::mailbox::{mentions, same_address};
use crate::core::record::Record;
use crate::core::time::now_ms;
use crate::ports::archive::{is_safe_key, ArchiveError};
use crate::wiring::{Archive, Services};

/// Folders whose objects are matched by what they contain.
const SCANNED: &[&str] = &["feedback/", "insights/", "damaged/"];

/// What an erasure or expiry removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Erased {
    /// References of the submissions.
    pub submissions: Vec<String>,
    /// Archive object names.
    pub archive: Vec<String>,
    /// Outbox files.
    pub outbox: Vec<PathBuf>,
}

/// Removes everything stored for `address`; `dry_run` only lists it.
pub async fn erase(
    services: &Services,
    address: &str,
    dry_run: bool,
) -> Result<Erased, ArchiveError> {
    let archive = &services.archive;
    let records = records(archive).await?;
    let theirs: Vec<&Record> = records
        .iter()
        .filter(|r| same_address(&r.email, address))
        .collect();
    let mut names = related(archive, &theirs).await?;
    for prefix in SCANNED {
        for obj in archive.list_objects(prefix).await? {
            if let Some(bytes) = archive.get_object(&obj.name).await? {
                // Search queries are stored lowercased.
                let lowered = *prefix == "insights/" && mentions(&bytes, &address.to_lowercase());
                if mentions(&bytes, address) || lowered {
                    names.insert(obj.name);
                }
            }
        }
    }
    let refs: Vec<String> = theirs.iter().map(|r| r.reference.clone()).collect();
    let outbox = outbox_files(services, &refs, Some(address)).await?;
    remove(services, &names, &outbox, dry_run).await?;
    Ok(Erased {
        submissions: refs,
        archive: names.into_iter().collect(),
        outbox,
    })
}

/// Removes the submissions received more than `keep` ago, with everything
/// stored under their ids and their outbox copies: what the S3 lifecycle
/// rule does to the bucket, for a local archive.
pub async fn expire(
    services: &Services,
    keep: Duration,
    dry_run: bool,
) -> Result<Erased, ArchiveError> {
    let cutoff = now_ms().saturating_sub(keep.as_millis() as u64);
    let records = records(&services.archive).await?;
    let old: Vec<&Record> = records
        .iter()
        .filter(|r| r.received_at_ms < cutoff)
        .collect();
    let names = related(&services.archive, &old).await?;
    let refs: Vec<String> = old.iter().map(|r| r.reference.clone()).collect();
    let outbox = outbox_files(services, &refs, None).await?;
    remove(services, &names, &outbox, dry_run).await?;
    Ok(Erased {
        submissions: refs,
        archive: names.into_iter().collect(),
        outbox,
    })
}

/// Every readable record in `submissions/`.
async fn records(archive: &Archive) -> Result<Vec<Record>, ArchiveError> {
    let mut out = Vec::new();
    for obj in archive.list_objects("submissions/").await? {
        let key = obj
            .name
            .trim_start_matches("submissions/")
            .trim_end_matches(".json");
        if is_safe_key(key) {
            match archive.load(key).await {
                Ok(Some(rec)) => out.push(rec),
                Ok(None) => {}
                Err(e) => tracing::warn!(key, error = %e, "unreadable record skipped"),
            }
        }
    }
    Ok(out)
}

/// The names of every object stored under the ids of `recs`.
async fn related(archive: &Archive, recs: &[&Record]) -> Result<BTreeSet<String>, ArchiveError> {
    let mut ids = BTreeSet::new();
    for r in recs {
        ids.insert(r.key.clone());
        ids.insert(r.reference.clone());
        ids.extend(r.submission_id.clone());
    }
    let mut names = BTreeSet::new();
    if ids.is_empty() {
        return Ok(names);
    }
    for obj in archive.list_objects("").await? {
        if obj.name.split('/').any(|part| names_an_id(part, &ids)) {
            names.insert(obj.name);
        }
    }
    Ok(names)
}

/// `<id>`, `<id>.<ext>` or `webhook-<id>`.
fn names_an_id(part: &str, ids: &BTreeSet<String>) -> bool {
    let part = part.strip_prefix("webhook-").unwrap_or(part);
    let stem = part.split_once('.').map_or(part, |(s, _)| s);
    ids.contains(stem)
}

/// Outbox messages of the references, or mentioning `address`.
async fn outbox_files(
    services: &Services,
    refs: &[String],
    address: Option<&str>,
) -> Result<Vec<PathBuf>, ArchiveError> {
    let messages = services
        .mailer
        .outbox_messages()
        .await
        .map_err(|e| ArchiveError(e.to_string()))?;
    Ok(messages
        .into_iter()
        .filter(|(path, bytes)| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            refs.iter().any(|r| name.contains(&format!("-{r}-")))
                || address.is_some_and(|a| mentions(bytes, a))
        })
        .map(|(path, _)| path)
        .collect())
}

/// Removes the records last, so a run that stops half-way can be repeated.
async fn remove(
    services: &Services,
    names: &BTreeSet<String>,
    outbox: &[PathBuf],
    dry_run: bool,
) -> Result<(), ArchiveError> {
    if dry_run {
        return Ok(());
    }
    for path in outbox {
        services
            .mailer
            .remove_outbox_message(path)
            .await
            .map_err(|e| ArchiveError(e.to_string()))?;
    }
    let (records, rest): (Vec<&String>, Vec<&String>) =
        names.iter().partition(|n| n.starts_with("submissions/"));
    for name in rest.into_iter().chain(records) {
        services.archive.delete_object(name).await?;
    }
    Ok(())
}

//! Wiring: the one place that names both the local and the AWS variants.
//! [`Services::from_config`] picks them from the settings; [`Archive`] and
//! [`Mailer`] dispatch to whichever was picked.

use std::path::PathBuf;

use crate::adapters::local_archive::LocalArchive;
use crate::adapters::outbox;
use crate::config::{ArchiveConfig, Config, ConfigError, MailerConfig};
use crate::core::record::Record;
use crate::ports::archive::{
    is_safe_key, is_safe_name, ArchiveError, Claim, Created, FileInfo, Lease, LeaseBody, Listed,
    PendingEntry, UploadTarget,
};
use crate::ports::mail::{MailError, Outgoing};
use crate::ports::webhook::{HookAnswer, HookRequest};

#[cfg(feature = "aws")]
use crate::adapters::aws::{S3Archive, SesMailer};

/// The archive, the mailer and the webhook client a configuration names.
#[derive(Debug, Clone)]
pub struct Services {
    pub archive: Archive,
    pub mailer: Mailer,
    /// `None` when no webhook is configured.
    pub hooks: Option<Hooks>,
}

impl Services {
    /// Builds the clients (for AWS: loads credentials and region once).
    pub async fn from_config(cfg: &Config) -> Result<Services, ConfigError> {
        #[cfg(feature = "aws")]
        let sdk =
            if cfg.mailer == MailerConfig::Ses || matches!(cfg.archive, ArchiveConfig::S3 { .. }) {
                Some(crate::adapters::aws::sdk_config(&cfg.aws).await)
            } else {
                None
            };
        let archive = match &cfg.archive {
            ArchiveConfig::Local(dir) => Archive::Local(LocalArchive::new(dir.clone())),
            #[cfg(feature = "aws")]
            ArchiveConfig::S3 { bucket, prefix } => Archive::S3(S3Archive::new(
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
            MailerConfig::Ses => Mailer::Ses(SesMailer::new(
                sdk.as_ref().expect("loaded for SES"),
                &cfg.aws,
            )),
            #[cfg(not(feature = "aws"))]
            MailerConfig::Ses => return Err(no_aws()),
        };
        let hooks = match &cfg.webhook {
            Some(w) => Some(Hooks::new(w.timeout)?),
            None => None,
        };
        Ok(Services {
            archive,
            mailer,
            hooks,
        })
    }
}

/// How webhooks leave the handler (only builds with the `aws` feature have
/// an HTTP client; the configuration refuses a webhook without one).
#[derive(Debug, Clone)]
pub struct Hooks {
    #[cfg(feature = "aws")]
    poster: crate::adapters::webhook::HookPoster,
}

impl Hooks {
    fn new(timeout: std::time::Duration) -> Result<Hooks, ConfigError> {
        #[cfg(feature = "aws")]
        {
            let poster =
                crate::adapters::webhook::HookPoster::new(timeout).map_err(ConfigError::Webhook)?;
            Ok(Hooks { poster })
        }
        #[cfg(not(feature = "aws"))]
        {
            let _ = timeout;
            Err(no_aws())
        }
    }

    /// One signed POST.
    pub async fn post(&self, req: &HookRequest) -> HookAnswer {
        #[cfg(feature = "aws")]
        return self.poster.post(req).await;
        #[cfg(not(feature = "aws"))]
        HookAnswer::Unreachable(format!("{}: no HTTP client in this build", req.url))
    }
}

/// The lease name of a webhook's claim.
pub fn webhook_lease(key: &str) -> String {
    format!("webhook-{key}")
}

fn safe_name(name: &str) -> Result<&str, ArchiveError> {
    if is_safe_name(name) {
        Ok(name)
    } else {
        Err(ArchiveError(format!("unsafe object name {name:?}")))
    }
}

/// A build without the `aws` feature asked for SES or S3.
#[cfg(not(feature = "aws"))]
fn no_aws() -> ConfigError {
    ConfigError::Invalid {
        var: "CONTACT_MAILER/CONTACT_ARCHIVE".into(),
        value: "ses/s3".into(),
        reason: "this build has no AWS support (feature `aws`)",
    }
}

/// How email leaves the handler.
#[derive(Debug, Clone)]
pub enum Mailer {
    /// Writes `<outbox>/<received-ms>-<reference>-<kind>.eml`.
    Outbox(PathBuf),
    #[cfg(feature = "aws")]
    Ses(SesMailer),
}

impl Mailer {
    /// Sends one message; returns the transport's message id (the file name
    /// for the outbox).
    pub async fn send(&self, msg: &Outgoing) -> Result<String, MailError> {
        match self {
            Mailer::Outbox(dir) => outbox::write_eml(dir, msg).await,
            #[cfg(feature = "aws")]
            Mailer::Ses(ses) => ses.send(msg).await,
        }
    }
}

impl Mailer {
    /// The outbox's `.eml` files and their bytes (SES keeps no copies: none).
    pub async fn outbox_messages(&self) -> Result<Vec<(PathBuf, Vec<u8>)>, MailError> {
        match self {
            Mailer::Outbox(dir) => outbox::messages(dir).await,
            #[cfg(feature = "aws")]
            Mailer::Ses(_) => Ok(Vec::new()),
        }
    }

    /// Removes one of the files [`Mailer::outbox_messages`] listed.
    pub async fn remove_outbox_message(&self, path: &std::path::Path) -> Result<(), MailError> {
        outbox::remove(path).await
    }
}

/// Where records live.
#[derive(Debug, Clone)]
pub enum Archive {
    Local(LocalArchive),
    #[cfg(feature = "aws")]
    S3(S3Archive),
}

/// Runs `$body` with `$a` bound to whichever archive `$archive` holds.
macro_rules! on_either {
    ($archive:expr, $a:ident => $body:expr) => {
        match $archive {
            Archive::Local($a) => $body,
            #[cfg(feature = "aws")]
            Archive::S3($a) => $body,
        }
    };
}

impl Archive {
    /// Stores a new record unless one with its key exists (then returns it).
    /// The pending marker is written first, so a stored record is never
    /// without one until it is sent.
    pub async fn create(&self, rec: &Record) -> Result<Created, ArchiveError> {
        let body = serde_json::to_vec_pretty(rec).map_err(|e| ArchiveError(e.to_string()))?;
        on_either!(self, a => a.create(&rec.key, &body).await)
    }

    /// Replaces a record (status changes).
    pub async fn update(&self, rec: &Record) -> Result<(), ArchiveError> {
        let body = serde_json::to_vec_pretty(rec).map_err(|e| ArchiveError(e.to_string()))?;
        on_either!(self, a => a.update(&rec.key, &body).await)
    }

    pub async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        on_either!(self, a => a.load(key).await)
    }

    /// Removes the pending marker of a sent (or vanished) record.
    pub async fn clear_pending(&self, key: &str) -> Result<(), ArchiveError> {
        on_either!(self, a => a.clear_pending(key).await)
    }

    pub async fn pending(&self) -> Result<Vec<PendingEntry>, ArchiveError> {
        on_either!(self, a => a.pending().await)
    }

    /// Claims `key` for sending for `ttl` (see [`crate::ports::archive`]).
    pub async fn claim(&self, key: &str, ttl: std::time::Duration) -> Result<Claim, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let body = LeaseBody::new(ttl);
        on_either!(self, a => a.claim(key, &body).await)
    }

    /// Claims the webhook of `key` (a lease of its own, `webhook-<key>`,
    /// so the email and the webhook never wait for each other).
    pub async fn claim_webhook(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> Result<Claim, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        let body = LeaseBody::new(ttl);
        let name = webhook_lease(key);
        on_either!(self, a => a.claim(&name, &body).await)
    }

    /// Removes the sent claim of a webhook now recorded as delivered.
    pub async fn clear_webhook_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
        self.clear_sent_claim(&webhook_lease(key)).await
    }

    /// Gives a claim up once the outcome is recorded.
    pub async fn release(&self, lease: &Lease) -> Result<(), ArchiveError> {
        on_either!(self, a => a.release(lease).await)
    }

    /// Turns a held claim into a sent claim that never expires.
    pub async fn keep_as_sent(&self, lease: &Lease) -> Result<(), ArchiveError> {
        on_either!(self, a => a.keep_as_sent(lease).await)
    }

    /// Moves a local record that cannot be parsed to `damaged/` (kept for
    /// a human) and drops its pending marker: there is nothing in it to
    /// send, and it must not fail every later run. Returns where it went;
    /// `None` when the record is readable, absent, or in S3 (written whole
    /// by S3, so never half-written).
    pub async fn set_aside_if_unreadable(
        &self,
        key: &str,
    ) -> Result<Option<PathBuf>, ArchiveError> {
        match self {
            Archive::Local(a) => a.set_aside_if_unreadable(key).await,
            #[cfg(feature = "aws")]
            Archive::S3(_) => Ok(None),
        }
    }

    /// Removes the sent claim of a record now marked sent.
    pub async fn clear_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
        on_either!(self, a => a.clear_sent_claim(key).await)
    }

    /// The object `name` (`webhooks/<key>.json`, an attachment…), if any.
    pub async fn get_object(&self, name: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let name = safe_name(name)?;
        on_either!(self, a => a.get_object(name).await)
    }

    /// Writes (or replaces) the object `name`.
    pub async fn put_object(&self, name: &str, body: Vec<u8>) -> Result<(), ArchiveError> {
        let name = safe_name(name)?;
        on_either!(self, a => a.put_object(name, body).await)
    }

    /// Removes the object `name`; absent is fine.
    pub async fn delete_object(&self, name: &str) -> Result<(), ArchiveError> {
        let name = safe_name(name)?;
        on_either!(self, a => a.delete_object(name).await)
    }

    /// Every object whose name starts with `prefix` (`""`: all of them).
    pub async fn list_objects(&self, prefix: &str) -> Result<Vec<Listed>, ArchiveError> {
        on_either!(self, a => a.list_objects(prefix).await)
    }

    /// Creates `<root or prefix><name>` unless it exists (the anonymous
    /// signals beside the submissions). Returns whether it was new.
    pub async fn put_if_absent(&self, name: &str, body: Vec<u8>) -> Result<bool, ArchiveError> {
        on_either!(self, a => a.put_if_absent(name, body).await)
    }
}

/// Attachments (see [`crate::core::upload`]).
impl Archive {
    /// Whether files go through this server (the local archive) rather
    /// than straight to storage.
    pub fn is_local(&self) -> bool {
        matches!(self, Archive::Local(_))
    }

    #[cfg_attr(not(feature = "aws"), allow(unused_variables))]
    /// Where a browser sends the file for `key`: a presigned POST to S3, or
    /// a `PUT` to `local_url` (this server's uploads endpoint).
    pub async fn upload_target(
        &self,
        key: &str,
        content_type: &str,
        max_bytes: u64,
        ttl: std::time::Duration,
        local_url: &str,
    ) -> Result<UploadTarget, ArchiveError> {
        match self {
            Archive::Local(_) => Ok(UploadTarget {
                key: key.to_string(),
                url: format!("{local_url}?key={}", query_value(key)),
                method: "put",
                fields: Default::default(),
            }),
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.upload_target(key, content_type, max_bytes, ttl).await,
        }
    }

    /// Stores an upload sent to this server; `Ok(false)` when the key is
    /// taken. S3 takes uploads itself.
    pub async fn put_file(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<bool, ArchiveError> {
        match self {
            Archive::Local(a) => a.put_file(key, body, content_type).await,
            #[cfg(feature = "aws")]
            Archive::S3(_) => Err(ArchiveError("S3 takes uploads by presigned POST".into())),
        }
    }

    /// The size and type of a stored file; `None` when absent.
    pub async fn head(&self, key: &str) -> Result<Option<FileInfo>, ArchiveError> {
        on_either!(self, a => a.head(key).await)
    }

    pub async fn copy(&self, from: &str, to: &str) -> Result<(), ArchiveError> {
        on_either!(self, a => a.copy(from, to).await)
    }

    pub async fn read_file(&self, key: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        on_either!(self, a => a.read_file(key).await)
    }

    #[cfg_attr(not(feature = "aws"), allow(unused_variables))]
    /// A link to a kept attachment: presigned for `ttl` in S3, else on this
    /// server under `link_base` (`http://127.0.0.1:8787/api`).
    pub async fn download_link(
        &self,
        key: &str,
        ttl: std::time::Duration,
        link_base: &str,
    ) -> Result<String, ArchiveError> {
        match self {
            Archive::Local(_) => Ok(format!(
                "{link_base}/contact/uploads?key={}",
                query_value(key)
            )),
            #[cfg(feature = "aws")]
            Archive::S3(a) => a.download_link(key, ttl).await,
        }
    }
}

/// A key as a query value (its `/` kept readable).
fn query_value(key: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    percent_encoding::utf8_percent_encode(key, SET).to_string()
}

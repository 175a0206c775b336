//! The AWS side (feature `aws`): S3 archive with conditional writes, SES v2
//! raw sending, and the shared SDK configuration.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};

use crate::adapters::s3_post::{self, Signer, Upload};
use crate::config::AwsSettings;
use crate::core::record::Record;
use crate::core::upload;
use crate::ports::archive::{
    is_safe_key, parse_record, ArchiveError, Claim, Created, FileInfo, Lease, LeaseBody, Listed,
    PendingEntry, UploadTarget,
};
use crate::ports::mail::{MailError, Outgoing};

/// Loads the SDK configuration (credentials and region from the usual
/// chain: Lambda's role, env, profile) with our retry and timeout bounds.
#[cfg(not(feature = "lambda-env-config"))]
pub async fn sdk_config(s: &AwsSettings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(retry_config(s))
        .timeout_config(timeout_config(s));
    if let Some(region) = &s.region {
        loader = loader.region(Region::new(region.clone()));
    }
    loader.load().await
}

/// The SDK configuration from Lambda's environment only: credentials from
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`,
/// which Lambda sets from the function's role, and the region from
/// `CONTACT_AWS_REGION`, else `AWS_REGION` / `AWS_DEFAULT_REGION`. On Lambda
/// that is what the usual chain finds first; leaving the rest of the chain
/// (profile files, web identity and STS, ECS, instance metadata) and the
/// `AWS_*` settings it reads out of the packaged build keeps its code out of
/// the zip (BENCHMARKS.md, the Lambda package's fifth round).
#[cfg(feature = "lambda-env-config")]
pub async fn sdk_config(s: &AwsSettings) -> aws_config::SdkConfig {
    use aws_config::environment::{
        EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
    };
    use aws_config::meta::region::ProvideRegion;
    let region = match &s.region {
        Some(r) => Some(Region::new(r.clone())),
        None => EnvironmentVariableRegionProvider::new().region().await,
    };
    aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(retry_config(s))
        .timeout_config(timeout_config(s))
        .region(region)
        .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(
            EnvironmentVariableCredentialsProvider::new(),
        ))
        // What the loader sets for this behavior version: credentials are
        // resolved once and kept until they expire.
        .identity_cache(aws_config::identity::IdentityCache::lazy().build())
        .build()
}

fn retry_config(s: &AwsSettings) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(s.max_attempts.max(1))
        .with_initial_backoff(Duration::from_millis(200))
}

fn timeout_config(s: &AwsSettings) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_timeout(s.operation_timeout)
        .build()
}

/// The HTTP client every SDK config needs (the crates are built without a
/// default one): HTTP/1.1 over rustls with ring, see `https.rs`.
pub fn https_client() -> aws_sdk_sesv2::config::SharedHttpClient {
    super::https::client()
}

/// Sends raw MIME through SES v2.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(sdk: &aws_config::SdkConfig, s: &AwsSettings) -> SesMailer {
        let mut b = aws_sdk_sesv2::config::Builder::from(sdk);
        if let Some(url) = &s.ses_endpoint {
            b = b.endpoint_url(url);
        }
        SesMailer {
            client: aws_sdk_sesv2::Client::from_conf(b.build()),
            configuration_set: s.ses_configuration_set.clone(),
        }
    }

    pub async fn send(&self, msg: &Outgoing) -> Result<String, MailError> {
        let raw = RawMessage::builder()
            .data(Blob::new(msg.raw.clone()))
            .build()
            .map_err(|e| MailError(e.to_string()))?;
        let out = self
            .client
            .send_email()
            .from_email_address(&msg.envelope.from)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(msg.envelope.to.clone()))
                    .build(),
            )
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| {
                MailError(format!(
                    "SES SendEmail: {}",
                    aws_sdk_sesv2::error::DisplayErrorContext(&e)
                ))
            })?;
        Ok(out.message_id().unwrap_or_default().to_string())
    }
}

/// An S3 bucket under a key prefix.
#[derive(Debug, Clone)]
pub struct S3Archive {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    /// The configured endpoint (a local S3), where browsers post uploads.
    endpoint: Option<String>,
    /// What presigned POSTs are signed with.
    credentials: Option<aws_sdk_s3::config::SharedCredentialsProvider>,
    region: Option<String>,
}

fn held(key: &str, etag: String) -> Claim {
    Claim::Held(Lease {
        key: key.to_string(),
        token: etag,
    })
}

type S3Error<E> = aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>;

fn status_of<E>(e: &S3Error<E>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// 412: a condition failed; 409: a concurrent conditional write of the same key.
fn is_condition_failure<E>(e: &S3Error<E>) -> bool {
    matches!(status_of(e), Some(412 | 409))
}

fn s3_error<E: std::error::Error + 'static, R: std::fmt::Debug>(
    what: &str,
    e: &aws_sdk_s3::error::SdkError<E, R>,
) -> ArchiveError {
    ArchiveError(format!(
        "S3 {what}: {}",
        aws_sdk_s3::error::DisplayErrorContext(e)
    ))
}

impl S3Archive {
    pub fn new(
        sdk: &aws_config::SdkConfig,
        s: &AwsSettings,
        bucket: String,
        prefix: String,
    ) -> S3Archive {
        let mut b = aws_sdk_s3::config::Builder::from(sdk).force_path_style(s.s3_path_style);
        if let Some(url) = &s.s3_endpoint {
            b = b.endpoint_url(url);
        }
        S3Archive {
            client: aws_sdk_s3::Client::from_conf(b.build()),
            bucket,
            prefix,
            endpoint: s.s3_endpoint.clone(),
            credentials: sdk.credentials_provider(),
            region: sdk.region().map(|r| r.to_string()),
        }
    }

    fn record_key(&self, key: &str) -> String {
        format!("{}submissions/{key}.json", self.prefix)
    }

    fn pending_key(&self, key: &str) -> String {
        format!("{}pending/{key}", self.prefix)
    }

    fn lease_key(&self, key: &str) -> String {
        format!("{}leases/{key}", self.prefix)
    }

    /// Writes the lease object: `If-None-Match: *` when `if_match` is
    /// `None`, else only over that ETag. `Ok(None)`: the condition failed.
    async fn put_lease(
        &self,
        key: &str,
        body: &LeaseBody,
        if_match: Option<&str>,
    ) -> Result<Option<String>, ArchiveError> {
        let mut put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.lease_key(key))
            .content_type("application/json")
            .body(ByteStream::from(body.to_vec()));
        put = match if_match {
            Some(etag) => put.if_match(etag),
            None => put.if_none_match("*"),
        };
        match put.send().await {
            Ok(out) => Ok(Some(out.e_tag().unwrap_or_default().to_string())),
            Err(e) if is_condition_failure(&e) => Ok(None),
            Err(e) => Err(s3_error("PutObject (lease)", &e)),
        }
    }

    /// The lease object and its ETag, if there is one.
    async fn get_lease(&self, key: &str) -> Result<Option<(LeaseBody, String)>, ArchiveError> {
        let Some((bytes, etag)) = self.get(self.lease_key(key), "GetObject (lease)").await? else {
            return Ok(None);
        };
        // An unreadable lease is treated as expired.
        let body = serde_json::from_slice(&bytes).unwrap_or(LeaseBody {
            owner: String::new(),
            expires_at_ms: 0,
            sent: false,
        });
        Ok(Some((body, etag)))
    }

    /// An object's bytes and ETag; `None` when there is no such key.
    async fn get(
        &self,
        object: String,
        what: &str,
    ) -> Result<Option<(Vec<u8>, String)>, ArchiveError> {
        let got = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(object)
            .send()
            .await;
        match got {
            Ok(out) => {
                let etag = out.e_tag().unwrap_or_default().to_string();
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| ArchiveError(format!("S3 GetObject body: {e}")))?;
                Ok(Some((bytes.into_bytes().to_vec(), etag)))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
            Err(e) => Err(s3_error(what, &e)),
        }
    }

    /// Creates the lease if absent, or replaces an expired one by its ETag:
    /// either way only one claimant's write succeeds.
    pub(crate) async fn claim(&self, key: &str, body: &LeaseBody) -> Result<Claim, ArchiveError> {
        for _ in 0..3 {
            if let Some(etag) = self.put_lease(key, body, None).await? {
                return Ok(held(key, etag));
            }
            let Some((current, etag)) = self.get_lease(key).await? else {
                continue; // released meanwhile
            };
            if current.sent {
                return Ok(Claim::Sent);
            }
            if current.expires_at_ms > crate::core::time::now_ms() {
                return Ok(Claim::Busy);
            }
            return Ok(match self.put_lease(key, body, Some(&etag)).await? {
                Some(etag) => held(key, etag),
                None => Claim::Busy,
            });
        }
        Ok(Claim::Busy)
    }

    /// Deletes the lease only if it is still this one.
    pub(crate) async fn release(&self, lease: &Lease) -> Result<(), ArchiveError> {
        let deleted = self
            .client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.lease_key(&lease.key))
            .if_match(&lease.token)
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            // Taken over after it expired, or gone: not ours to delete.
            Err(e) if is_condition_failure(&e) || status_of(&e) == Some(404) => Ok(()),
            Err(e) => Err(s3_error("DeleteObject (lease)", &e)),
        }
    }

    pub(crate) async fn keep_as_sent(&self, lease: &Lease) -> Result<(), ArchiveError> {
        let body = LeaseBody {
            sent: true,
            expires_at_ms: u64::MAX,
            ..LeaseBody::new(std::time::Duration::ZERO)
        };
        match self
            .put_lease(&lease.key, &body, Some(&lease.token))
            .await?
        {
            Some(_) => Ok(()),
            None => Err(ArchiveError(format!(
                "S3 lease of {} was taken over before it could be kept",
                lease.key
            ))),
        }
    }

    pub(crate) async fn clear_sent_claim(&self, key: &str) -> Result<(), ArchiveError> {
        match self.get_lease(key).await? {
            Some((body, etag)) if body.sent => {
                self.release(&Lease {
                    key: key.to_string(),
                    token: etag,
                })
                .await
            }
            _ => Ok(()),
        }
    }

    pub(crate) async fn create(&self, key: &str, body: &[u8]) -> Result<Created, ArchiveError> {
        if !is_safe_key(key) {
            return Err(ArchiveError(format!("unsafe key {key:?}")));
        }
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.pending_key(key))
            .body(ByteStream::from_static(b""))
            .send()
            .await
            .map_err(|e| s3_error("PutObject (pending marker)", &e))?;
        let put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.record_key(key))
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Created::New),
            // The record exists, or a concurrent conditional write of the same key.
            Err(e) if is_condition_failure(&e) => match self.load(key).await? {
                Some(existing) => Ok(Created::Exists(Box::new(existing))),
                None => Err(ArchiveError(format!(
                    "S3 conditional write conflict on {key}"
                ))),
            },
            Err(e) => Err(s3_error("PutObject", &e)),
        }
    }

    pub(crate) async fn update(&self, key: &str, body: &[u8]) -> Result<(), ArchiveError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.record_key(key))
            .content_type("application/json")
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .map_err(|e| s3_error("PutObject", &e))?;
        Ok(())
    }

    pub(crate) async fn load(&self, key: &str) -> Result<Option<Record>, ArchiveError> {
        match self.get(self.record_key(key), "GetObject").await? {
            Some((bytes, _)) => parse_record(&bytes, key).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) async fn clear_pending(&self, key: &str) -> Result<(), ArchiveError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.pending_key(key))
            .send()
            .await
            .map_err(|e| s3_error("DeleteObject", &e))?;
        Ok(())
    }

    pub(crate) async fn pending(&self) -> Result<Vec<PendingEntry>, ArchiveError> {
        let listed = self.list_objects("pending/").await?;
        Ok(listed
            .into_iter()
            .filter_map(|l| {
                let key = l.name.strip_prefix("pending/")?;
                is_safe_key(key).then(|| PendingEntry {
                    key: key.to_string(),
                    modified_ms: l.modified_ms,
                })
            })
            .collect())
    }
}

/// Anonymous signals (`crate::core::event`) beside the submissions.
impl S3Archive {
    /// Creates `<prefix><name>` unless it exists. Returns whether it was new.
    pub(crate) async fn put_if_absent(
        &self,
        name: &str,
        body: Vec<u8>,
    ) -> Result<bool, ArchiveError> {
        let put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(format!("{}{name}", self.prefix))
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(s3_error("PutObject", &e)),
        }
    }
}

/// Named objects beside the records (see `local_objects.rs` for the local side).
impl S3Archive {
    pub(crate) async fn get_object(&self, name: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let got = self
            .get(format!("{}{name}", self.prefix), "GetObject")
            .await?;
        Ok(got.map(|(bytes, _)| bytes))
    }

    pub(crate) async fn put_object(&self, name: &str, body: Vec<u8>) -> Result<(), ArchiveError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(format!("{}{name}", self.prefix))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| s3_error("PutObject", &e))?;
        Ok(())
    }

    pub(crate) async fn delete_object(&self, name: &str) -> Result<(), ArchiveError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(format!("{}{name}", self.prefix))
            .send()
            .await
            .map_err(|e| s3_error("DeleteObject", &e))?;
        Ok(())
    }

    /// Every object under `<prefix><name prefix>`, names without the
    /// archive's prefix.
    pub(crate) async fn list_objects(&self, prefix: &str) -> Result<Vec<Listed>, ArchiveError> {
        let full = format!("{}{prefix}", self.prefix);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(&full)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| s3_error("ListObjectsV2", &e))?;
            for obj in page.contents() {
                let Some(name) = obj.key().and_then(|k| k.strip_prefix(&self.prefix)) else {
                    continue;
                };
                let modified_ms = obj
                    .last_modified()
                    .and_then(|t| t.to_millis().ok())
                    .map(|m| m.max(0) as u64);
                out.push(Listed {
                    name: name.to_string(),
                    modified_ms,
                });
            }
            match page.next_continuation_token() {
                Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// Attachments: uploads checked, copied beside their record, and handed out.
impl S3Archive {
    /// The size and type of `<prefix><key>`; `None` when absent.
    pub(crate) async fn head(&self, key: &str) -> Result<Option<FileInfo>, ArchiveError> {
        let got = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(format!("{}{key}", self.prefix))
            .send()
            .await;
        match got {
            Ok(out) => Ok(Some(FileInfo {
                size: out.content_length().unwrap_or(0).max(0) as u64,
                content_type: out.content_type().unwrap_or_default().to_string(),
            })),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(s3_error("HeadObject", &e)),
        }
    }

    /// Copies `<prefix><from>` to `<prefix><to>` inside the bucket.
    pub(crate) async fn copy(&self, from: &str, to: &str) -> Result<(), ArchiveError> {
        let source = format!("{}/{}{from}", self.bucket, self.prefix);
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(percent_encoding::utf8_percent_encode(&source, COPY_SOURCE).to_string())
            .key(format!("{}{to}", self.prefix))
            .send()
            .await
            .map_err(|e| s3_error("CopyObject", &e))?;
        Ok(())
    }

    /// The bytes of `<prefix><key>`, if it exists.
    pub(crate) async fn read_file(&self, key: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let got = self
            .get(format!("{}{key}", self.prefix), "GetObject")
            .await?;
        Ok(got.map(|(bytes, _)| bytes))
    }

    /// A presigned GET of `<prefix><key>` valid for `ttl`.
    pub(crate) async fn download_link(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<String, ArchiveError> {
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(ttl)
            .map_err(|e| ArchiveError(format!("presigning: {e}")))?;
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(format!("{}{key}", self.prefix))
            .response_content_disposition(upload::content_disposition(
                upload::name_in_key(key).unwrap_or(""),
            ))
            .presigned(config)
            .await
            .map_err(|e| s3_error("presign GetObject", &e))?;
        Ok(req.uri().to_string())
    }

    /// A presigned POST for `<prefix><key>`: exactly that key and type, at
    /// most `max_bytes`, usable for `ttl`.
    pub(crate) async fn upload_target(
        &self,
        key: &str,
        content_type: &str,
        max_bytes: u64,
        ttl: Duration,
    ) -> Result<UploadTarget, ArchiveError> {
        use aws_sdk_s3::config::ProvideCredentials;
        let creds = self
            .credentials
            .as_ref()
            .ok_or_else(|| ArchiveError("no AWS credentials to sign uploads".into()))?
            .provide_credentials()
            .await
            .map_err(|e| ArchiveError(format!("AWS credentials: {e}")))?;
        let region = self.region.clone().unwrap_or_else(|| "us-east-1".into());
        let signer = Signer {
            access_key: creds.access_key_id(),
            secret_key: creds.secret_access_key(),
            session_token: creds.session_token(),
            region: &region,
        };
        let full_key = format!("{}{key}", self.prefix);
        let upload = Upload {
            url: self.post_url(&region),
            bucket: &self.bucket,
            key: &full_key,
            content_type,
            max_bytes,
            ttl,
        };
        let mut target = s3_post::presign(&signer, &upload, std::time::SystemTime::now());
        target.key = key.to_string();
        Ok(target)
    }

    /// Where a browser posts: the endpoint's path-style bucket URL, else
    /// the bucket's virtual-host URL in its region.
    fn post_url(&self, region: &str) -> String {
        match &self.endpoint {
            Some(e) => format!("{}/{}", e.trim_end_matches('/'), self.bucket),
            None => format!("https://{}.s3.{region}.amazonaws.com/", self.bucket),
        }
    }
}

/// `x-amz-copy-source` is the bucket and key, URL-encoded except `/`.
const COPY_SOURCE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    // Both builds of `sdk_config` (the loader's and, with
    // `lambda-env-config`, the environment-only one) carry the handler's
    // settings and its HTTP client.
    #[tokio::test]
    async fn the_sdk_config_carries_the_region_retries_timeouts_client_and_credentials() {
        let s = AwsSettings {
            region: Some("eu-central-1".to_string()),
            max_attempts: 5,
            operation_timeout: Duration::from_secs(7),
            ..AwsSettings::default()
        };
        let c = sdk_config(&s).await;
        assert_eq!(c.region().map(|r| r.as_ref()), Some("eu-central-1"));
        assert_eq!(c.retry_config().map(|r| r.max_attempts()), Some(5));
        let t = c.timeout_config().expect("timeouts set");
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(7)));
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(3)));
        assert!(c.http_client().is_some());
        assert!(c.credentials_provider().is_some());
        assert!(c.behavior_version().is_some());
    }
}

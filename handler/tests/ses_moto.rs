//! The AWS path against moto's server mode on loopback: SES v2 raw sending,
//! the S3 archive with conditional writes, the pending/redeliver path and
//! idempotency. moto comes from `<repo>/.venv` (`tests/setup/python.sh`).
#![cfg(feature = "aws")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use handler::{ArchiveConfig, Config, MailerConfig};
use serde_json::Value;
use tower::ServiceExt;

const BUCKET: &str = "helpsite-archive";
const PREFIX: &str = "contact/";

/// A moto server on 127.0.0.1, killed by PID when dropped.
struct Moto {
    child: Child,
    port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Moto {
    fn start() -> Moto {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let bin = repo.join(".venv/bin/moto_server");
        assert!(
            bin.exists(),
            "moto is not installed: {} is missing. Run `bash tests/setup/python.sh` from the repository root first.",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let mut moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if moto.http("GET", "/moto-api/data.json").is_ok() {
                return moto;
            }
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited early ({status}); is tests/setup/python.sh's install complete?");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A minimal HTTP/1.0 exchange (no client library needed for moto's own API).
    fn http(&self, method: &str, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\r\n",
            self.port
        )?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf)?;
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let head = String::from_utf8_lossy(&buf[..split]).to_string();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        Ok((status, buf[split + 4..].to_vec()))
    }

    /// Raw messages SES accepted, with their envelope recipients.
    fn sent(&self) -> Vec<(Vec<String>, Vec<u8>)> {
        let (status, body) = self.http("GET", "/moto-api/data.json").unwrap();
        assert_eq!(status, 200);
        let data: Value = serde_json::from_slice(&body).unwrap();
        data["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let to = m["destinations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap().to_string())
                    .collect();
                (to, m["raw_data"].as_str().unwrap().as_bytes().to_vec())
            })
            .collect()
    }

    /// Verifies the sender's domain and creates the archive bucket.
    async fn prepare(&self) {
        let sdk = sdk(&self.url()).await;
        let ses = aws_sdk_sesv2::Client::new(&sdk);
        ses.create_email_identity()
            .email_identity("example.com")
            .send()
            .await
            .unwrap();
        s3(&sdk)
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn test_credentials() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Only for this test process; moto accepts any credentials.
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::remove_var("AWS_PROFILE");
        std::env::remove_var("AWS_ENDPOINT_URL");
    });
}

async fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    test_credentials();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(handler::adapters::aws::https_client())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .load()
        .await
}

fn s3(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    )
}

async fn s3_objects(moto: &Moto, prefix: &str) -> Vec<String> {
    let sdk = sdk(&moto.url()).await;
    let out = s3(&sdk)
        .list_objects_v2()
        .bucket(BUCKET)
        .prefix(format!("{PREFIX}{prefix}"))
        .send()
        .await
        .unwrap();
    out.contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect()
}

async fn s3_record(moto: &Moto, key: &str) -> Value {
    let sdk = sdk(&moto.url()).await;
    let out = s3(&sdk)
        .get_object()
        .bucket(BUCKET)
        .key(key)
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&out.body.collect().await.unwrap().into_bytes()).unwrap()
}

/// The handler on SES and S3 at the given endpoints.
fn config(ses: &str, s3: &str) -> Config {
    test_credentials();
    let tmp = std::env::temp_dir();
    let mut cfg = Config::local(
        &tmp,
        vec!["en".into(), "fi".into(), "fa".into()],
        "en".into(),
        vec![],
    );
    cfg.sender =
        handler::core::mailbox::Mailbox::new(Some("Example Help Center"), "help@example.com");
    cfg.recipients = vec![handler::core::mailbox::Mailbox::new(
        Some("Support"),
        "support@example.com",
    )];
    cfg.mailer = MailerConfig::Ses;
    cfg.archive = ArchiveConfig::S3 {
        bucket: BUCKET.into(),
        prefix: PREFIX.into(),
    };
    cfg.acknowledge = false;
    cfg.rate_limit = None;
    cfg.aws.region = Some("us-east-1".into());
    cfg.aws.ses_endpoint = Some(ses.into());
    cfg.aws.s3_endpoint = Some(s3.into());
    cfg.aws.s3_path_style = true;
    cfg.aws.max_attempts = 2;
    cfg.aws.operation_timeout = Duration::from_secs(5);
    cfg
}

async fn post(app: &Router, body: &str) -> (u16, Value) {
    let req = Request::post("/api/contact")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn app(cfg: &Config) -> Router {
    Router::new().nest("/api", handler::router(cfg.clone()))
}

const VISITOR: &str = r#"{"name":"Zoë \"Z\" Ääliö","email":"zoe@visitor.example.org","topic":"billing","order":"A-1001","message":"Hello <script>alert('x')</script> & bye\nSecond line","lang":"fi"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_submission_is_archived_then_sent_with_the_right_headers() {
    let moto = Moto::start();
    moto.prepare().await;
    let mut cfg = config(&moto.url(), &moto.url());
    cfg.acknowledge = true;
    let (status, j) = post(&app(&cfg), VISITOR).await;
    assert_eq!(status, 200, "{j}");
    let reference = j["reference"].as_str().unwrap().to_string();

    let sent = moto.sent();
    assert_eq!(sent.len(), 2, "support message and acknowledgement");
    let (to, raw) = sent
        .iter()
        .find(|(to, _)| to.contains(&"support@example.com".to_string()))
        .unwrap();
    // moto lists the envelope and the To header; both name only support.
    assert!(
        to.iter()
            .all(|t| t.contains("support@example.com") && !t.contains("visitor")),
        "{to:?}"
    );
    let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("help@example.com"));
    assert_eq!(from.name(), Some("Example Help Center"));
    let reply_to = msg.reply_to().unwrap().first().unwrap();
    assert_eq!(reply_to.address(), Some("zoe@visitor.example.org"));
    assert_eq!(reply_to.name(), Some("Zoë \"Z\" Ääliö"));
    assert_eq!(
        msg.to().unwrap().first().unwrap().address(),
        Some("support@example.com")
    );
    assert_eq!(
        msg.subject(),
        Some(format!("[{reference}] billing: Zoë \"Z\" Ääliö").as_str())
    );
    // The subject is RFC 2047-encoded on the wire.
    let head =
        String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()])
            .to_string();
    assert!(head.contains("Subject: =?utf-8?"), "{head}");
    let text = msg.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.contains("Hello <script>alert('x')</script> & bye\nSecond line"),
        "{text}"
    );
    let html = msg.body_html(0).unwrap();
    assert!(
        html.contains("Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; bye"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("Zo\u{eb} &quot;Z&quot; \u{c4}\u{e4}li\u{f6}"),
        "{html}"
    );

    let (ack_to, ack_raw) = sent
        .iter()
        .find(|(to, _)| to.contains(&"zoe@visitor.example.org".to_string()))
        .unwrap();
    assert!(
        ack_to.iter().all(|t| t.contains("zoe@visitor.example.org")),
        "{ack_to:?}"
    );
    let ack = mail_parser::MessageParser::default()
        .parse(ack_raw)
        .unwrap();
    assert!(ack.subject().unwrap().contains(&reference));
    assert!(
        ack.body_text(0).unwrap().contains("Viitenumerosi"),
        "Finnish acknowledgement"
    );

    // Archived, marked sent, no pending marker left.
    let records = s3_objects(&moto, "submissions/").await;
    assert_eq!(
        records,
        vec![format!("{PREFIX}submissions/{reference}.json")]
    );
    let rec = s3_record(&moto, &records[0]).await;
    assert_eq!(rec["status"], "sent");
    assert_eq!(rec["ack"], "sent");
    assert!(s3_objects(&moto, "pending/").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ses_down_leaves_it_pending_then_redeliver_sends_it_once() {
    let moto = Moto::start();
    moto.prepare().await;
    let closed = format!("http://127.0.0.1:{}", free_port());
    let down = config(&closed, &moto.url());
    let started = Instant::now();
    let (status, j) = post(&app(&down), VISITOR).await;
    assert_eq!(status, 200, "the visitor still gets a reference: {j}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded by the retry settings"
    );
    let reference = j["reference"].as_str().unwrap().to_string();
    assert!(moto.sent().is_empty());
    let rec = s3_record(&moto, &format!("{PREFIX}submissions/{reference}.json")).await;
    assert_eq!(rec["status"], "pending");
    assert!(rec["last_error"].as_str().unwrap().contains("SES"));
    assert_eq!(
        s3_objects(&moto, "pending/").await,
        vec![format!("{PREFIX}pending/{reference}")]
    );

    // Still down: redeliver fails and keeps it.
    let services = handler::Services::from_config(&down).await.unwrap();
    let r = handler::redeliver(&down, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));

    // SES back: sent once, and only once.
    let up = config(&moto.url(), &moto.url());
    let services = handler::Services::from_config(&up).await.unwrap();
    let r = handler::redeliver(&up, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (1, 0));
    let r = handler::redeliver(&up, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(r, handler::RedeliverReport::default());
    let sent = moto.sent();
    assert_eq!(sent.len(), 1);
    let msg = mail_parser::MessageParser::default()
        .parse(&sent[0].1)
        .unwrap();
    assert!(msg.subject().unwrap().contains(&reference));
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address(),
        Some("zoe@visitor.example.org")
    );
    let rec = s3_record(&moto, &format!("{PREFIX}submissions/{reference}.json")).await;
    assert_eq!(rec["status"], "sent");
    assert_eq!(rec["attempts"], 3);
    assert!(s3_objects(&moto, "pending/").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_client_submission_id_twice_is_one_email() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = config(&moto.url(), &moto.url());
    let app = app(&cfg);
    let body = VISITOR.replace(
        "\"lang\":\"fi\"",
        "\"lang\":\"fi\",\"submission_id\":\"0b9e7c1e-5d1a-4f7e-9c4e-2f8a6b1d3c55\"",
    );
    let (s1, first) = post(&app, &body).await;
    let (s2, second) = post(&app, &body).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first["reference"], second["reference"]);
    // A new router (another Lambda instance) sees the same archive.
    let (_, third) = post(&handler_app_again(&cfg), &body).await;
    assert_eq!(first["reference"], third["reference"]);
    assert_eq!(moto.sent().len(), 1);
    assert_eq!(s3_objects(&moto, "submissions/").await.len(), 1);
    assert!(
        s3_objects(&moto, "pending/").await.is_empty(),
        "no stale marker after a duplicate"
    );
    // A different id is a different submission.
    let (_, other) = post(&app, &body.replace("0b9e7c1e", "1c0f8d2f")).await;
    assert_ne!(other["reference"], first["reference"]);
    assert_eq!(moto.sent().len(), 2);
}

fn handler_app_again(cfg: &Config) -> Router {
    app(cfg)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_unreachable_sends_nothing_and_asks_to_retry() {
    let moto = Moto::start();
    moto.prepare().await;
    let closed = format!("http://127.0.0.1:{}", free_port());
    let cfg = config(&moto.url(), &closed);
    let (status, j) = post(&app(&cfg), VISITOR).await;
    assert_eq!(status, 503, "{j}");
    assert_eq!(j["errors"][0]["code"], "archive_unavailable");
    assert!(
        moto.sent().is_empty(),
        "nothing is sent that was not stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledgement_through_ses_is_in_the_submissions_language_and_direction() {
    let moto = Moto::start();
    moto.prepare().await;
    let mut cfg = config(&moto.url(), &moto.url());
    cfg.acknowledge = true;
    cfg.languages.extend(["ar".to_string(), "ja".to_string()]);
    for (lang, subject_start, dir) in [
        ("ar", "تلقّينا رسالتك", "rtl"),
        ("ja", "お問い合わせを受け付けました", "ltr"),
    ] {
        let body = VISITOR.replace("\"lang\":\"fi\"", &format!("\"lang\":\"{lang}\""));
        let (status, j) = post(&app(&cfg), &body).await;
        assert_eq!(status, 200, "{j}");
        let reference = j["reference"].as_str().unwrap().to_string();
        let sent = moto.sent();
        let ack = sent
            .iter()
            .filter(|(to, _)| to.contains(&"zoe@visitor.example.org".to_string()))
            .map(|(_, raw)| mail_parser::MessageParser::default().parse(raw).unwrap())
            .find(|m| m.subject().is_some_and(|s| s.contains(&reference)))
            .unwrap_or_else(|| panic!("{lang}: no acknowledgement"));
        let subject = ack.subject().unwrap();
        assert!(subject.starts_with(subject_start), "{lang}: {subject}");
        let html = ack.body_html(0).unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
            "{html}"
        );
    }
}

/// Waits for a child at most `limit`, killing it (by its own handle) if it
/// overruns.
fn wait_for(mut child: Child, limit: Duration) -> std::process::Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("redeliver ran over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_redeliver_runs_send_twenty_pending_submissions_once_each() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = config(&moto.url(), &moto.url());
    let services = handler::Services::from_config(&cfg).await.unwrap();
    let mut refs = Vec::new();
    for i in 0..20 {
        let sub = handler::core::submission::Submission {
            name: format!("Visitor {i}"),
            email: format!("visitor{i}@example.org"),
            topic: "billing".into(),
            message: format!("Message number {i}"),
            order: None,
            lang: "en".into(),
            submission_id: None,
            fields: Vec::new(),
            attachments: vec![],
        };
        let reference = handler::reference::new_reference("HS");
        let rec = handler::core::record::Record::new(
            sub,
            reference.clone(),
            handler::time::now_ms() - 1000,
            false,
        );
        services.archive.create(&rec).await.unwrap();
        refs.push(reference);
    }
    assert_eq!(s3_objects(&moto, "pending/").await.len(), 20);

    let runs: Vec<Child> = (0..10)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_redeliver"))
                .args(["--min-age", "0"])
                .env("CONTACT_SENDER", "Example Help <help@example.com>")
                .env("CONTACT_RECIPIENTS", "support@example.com")
                .env("CONTACT_ARCHIVE", format!("s3://{BUCKET}/{PREFIX}"))
                .env("CONTACT_MAILER", "ses")
                .env("CONTACT_SES_ENDPOINT", moto.url())
                .env("CONTACT_S3_ENDPOINT", moto.url())
                .env("CONTACT_S3_PATH_STYLE", "true")
                .env("CONTACT_AWS_REGION", "us-east-1")
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env_remove("AWS_PROFILE")
                .env_remove("AWS_ENDPOINT_URL")
                .env_remove("AWS_LAMBDA_RUNTIME_API")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        let out = wait_for(run, Duration::from_secs(120));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let j: Value = serde_json::from_str(stdout.trim_end())
            .unwrap_or_else(|e| panic!("stdout is one JSON report ({e}):\n{stdout}"));
        assert_eq!(j["failed"], 0, "{j}\n{stderr}");
        sent += j["sent"].as_u64().unwrap();
    }
    assert_eq!(sent, 20, "the reports add up to twenty sent");

    let messages = moto.sent();
    assert_eq!(messages.len(), 20, "twenty emails in SES");
    let subjects: std::collections::HashSet<String> = messages
        .iter()
        .map(|(_, raw)| {
            let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
            let subject = msg.subject().unwrap().to_string();
            assert!(
                refs.iter().any(|r| subject.contains(r.as_str())),
                "{subject}"
            );
            subject
        })
        .collect();
    assert_eq!(subjects.len(), 20, "one email per submission");
    assert!(s3_objects(&moto, "pending/").await.is_empty());
    assert!(
        s3_objects(&moto, "leases/").await.is_empty(),
        "every claim released"
    );
    for key in s3_objects(&moto, "submissions/").await {
        assert_eq!(s3_record(&moto, &key).await["status"], "sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_s3_claim_is_taken_over_a_live_or_sent_one_is_not() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = config(&moto.url(), &moto.url());
    let services = handler::Services::from_config(&cfg).await.unwrap();
    let claim = |ttl| services.archive.claim("HS-0000-0001", ttl);
    let first = match claim(Duration::from_secs(600)).await.unwrap() {
        handler::ports::archive::Claim::Held(l) => l,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        claim(Duration::from_secs(600)).await.unwrap(),
        handler::ports::archive::Claim::Busy
    ));
    services.archive.release(&first).await.unwrap();
    // A claimant that crashed: its lease expired at once.
    let crashed = match claim(Duration::ZERO).await.unwrap() {
        handler::ports::archive::Claim::Held(l) => l,
        other => panic!("{other:?}"),
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    let taker = match claim(Duration::from_secs(600)).await.unwrap() {
        handler::ports::archive::Claim::Held(l) => l,
        other => panic!("expired claim not taken over: {other:?}"),
    };
    // The crashed claimant's late release does not remove the new claim.
    services.archive.release(&crashed).await.unwrap();
    assert!(matches!(
        claim(Duration::from_secs(600)).await.unwrap(),
        handler::ports::archive::Claim::Busy
    ));
    services.archive.keep_as_sent(&taker).await.unwrap();
    assert!(matches!(
        claim(Duration::ZERO).await.unwrap(),
        handler::ports::archive::Claim::Sent
    ));
    services
        .archive
        .clear_sent_claim("HS-0000-0001")
        .await
        .unwrap();
    assert!(s3_objects(&moto, "leases/").await.is_empty());
}

async fn post_signal(app: &Router, path: &str, body: &str) -> u16 {
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("x-forwarded-for", "198.51.100.7")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_and_insights_are_stored_in_s3_once_and_never_mailed() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = config(&moto.url(), &moto.url());
    let app = app(&cfg);
    let vote = "lang=fa&page=%2Ffa%2Fbilling%2F&vote=no&view=s3view0001";
    assert_eq!(post_signal(&app, "/api/feedback", vote).await, 200);
    assert_eq!(post_signal(&app, "/api/feedback", vote).await, 200);
    let reason = "lang=fa&page=%2Ffa%2Fbilling%2F&reason=outdated&text=%D9%82%DB%8C%D9%85%D8%AA&view=s3view0001";
    assert_eq!(post_signal(&app, "/api/feedback", reason).await, 200);
    let zero = "lang=en&kind=zero_hits&query=Gift+Card&view=s3view0002";
    assert_eq!(post_signal(&app, "/api/insights", zero).await, 204);
    assert_eq!(
        post_signal(
            &app,
            "/api/feedback",
            "lang=fa&page=https%3A%2F%2Fevil%2F&vote=no"
        )
        .await,
        422
    );

    let feedback = s3_objects(&moto, "feedback/").await;
    assert_eq!(feedback.len(), 2, "one vote, one reason: {feedback:?}");
    let insights = s3_objects(&moto, "insights/").await;
    assert_eq!(insights.len(), 1, "{insights:?}");
    // A query is an empty object whose name holds the facts.
    let name = insights[0].rsplit('/').next().unwrap();
    let q = handler::events::Event::from_fact_name(name, 0).expect("a fact name");
    assert_eq!(q.x, "gift card");
    assert_eq!(q.l, "en");
    assert!(
        feedback.iter().any(|k| k.ends_with(".e")),
        "the vote: {feedback:?}"
    );
    for key in feedback.iter().chain(&insights) {
        assert!(!key.contains("198.51.100.7"), "{key}");
        if key.ends_with(".json") {
            let text = s3_record(&moto, key).await.to_string();
            assert!(!text.contains("198.51.100.7"), "{key}: {text}");
        }
    }
    assert!(moto.sent().is_empty(), "a vote is never mailed");
    assert!(s3_objects(&moto, "submissions/").await.is_empty());
}

/// A definition like `helpsite build --form-definition` writes, with the
/// shipped English texts and one extra field for billing.
fn with_order_number(cfg: Config) -> Config {
    let shipped = handler::Texts::shipped();
    let en = shipped.for_lang("en");
    let mut messages: std::collections::BTreeMap<String, String> =
        helpsite_form::definition::handler_keys()
            .into_iter()
            .map(|k| {
                let v = en.message(&k).to_string();
                (k, v)
            })
            .collect();
    messages.insert(
        "form_field_order_number_label".into(),
        "Order number".into(),
    );
    let def = helpsite_form::definition::FormDefinition {
        format: helpsite_form::definition::FORMAT,
        languages: vec!["en".into()],
        default_language: "en".into(),
        topics: vec!["billing".into(), "technical".into()],
        fields: vec![helpsite_form::extra::ExtraField {
            name: "order_number".into(),
            topics: vec!["billing".into()],
            required_for: vec!["billing".into()],
            ..Default::default()
        }],
        texts: [(
            "en".to_string(),
            helpsite_form::definition::LanguageTexts {
                dir: "ltr".into(),
                messages,
                ..Default::default()
            },
        )]
        .into(),
        uploads: None,
    };
    cfg.with_texts(handler::Texts::from_definition(def).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extra_field_is_archived_in_s3_and_sent_through_ses() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = with_order_number(config(&moto.url(), &moto.url()));
    let app = app(&cfg);
    let missing = r#"{"name":"Zoë","email":"zoe@visitor.example.org","topic":"billing","message":"Hi","lang":"en"}"#;
    let (status, j) = post(&app, missing).await;
    assert_eq!(status, 422, "{j}");
    assert_eq!(j["errors"][0]["code"], "required_for_topic");
    assert!(moto.sent().is_empty(), "nothing sent for a refused post");

    let body = r#"{"name":"Zoë","email":"zoe@visitor.example.org","topic":"billing","message":"Hi","lang":"en","order_number":"INV-<7>"}"#;
    let (status, j) = post(&app, body).await;
    assert_eq!(status, 200, "{j}");
    let reference = j["reference"].as_str().unwrap().to_string();
    let sent = moto.sent();
    assert_eq!(sent.len(), 1, "the support message");
    let msg = mail_parser::MessageParser::default()
        .parse(&sent[0].1)
        .unwrap();
    let text = msg.body_text(0).unwrap();
    assert!(
        text.contains("Order number (order_number): INV-<7>"),
        "{text}"
    );
    let html = msg.body_html(0).unwrap();
    assert!(html.contains("INV-&lt;7&gt;"), "{html}");
    let rec = s3_record(&moto, &format!("{PREFIX}submissions/{reference}.json")).await;
    assert_eq!(rec["fields"][0]["name"], "order_number");
    assert_eq!(rec["fields"][0]["value"], "INV-<7>");
}

fn ticket(i: usize, email: &str, topic: &str, lang: &str) -> String {
    serde_json::json!({
        "name": format!("Visitor {i}"), "email": email, "topic": topic,
        "message": format!("Message {i}"), "lang": lang,
        "submission_id": format!("moto-{i:04}-0000"),
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_pick_the_ses_recipients_per_topic_and_language() {
    let moto = Moto::start();
    moto.prepare().await;
    let mut cfg = config(&moto.url(), &moto.url());
    cfg.routes = handler::core::routes::Routes::parse(
        "billing=billing@example.com;billing/fi=laskutus@example.com,kirjanpito@example.com",
        &cfg.topics,
        &cfg.languages,
    )
    .unwrap();
    let app = app(&cfg);
    for (i, (topic, lang)) in [("billing", "en"), ("billing", "fi"), ("other", "fi")]
        .into_iter()
        .enumerate()
    {
        assert_eq!(
            post(&app, &ticket(i, "v@example.org", topic, lang)).await.0,
            200
        );
    }
    // moto lists the envelope's and the `To:` header's addresses: each once here.
    let mut got: Vec<String> = moto
        .sent()
        .into_iter()
        .map(|(to, _)| {
            let mut addrs: Vec<String> = Vec::new();
            for a in to.iter().flat_map(|d| d.split(',')) {
                let a = a.rsplit('<').next().unwrap().trim().trim_end_matches('>');
                if !addrs.iter().any(|x| x == a) {
                    addrs.push(a.to_string());
                }
            }
            addrs.join(",")
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "billing@example.com",
            "laskutus@example.com,kirjanpito@example.com",
            "support@example.com"
        ]
    );
    let rec = s3_record(
        &moto,
        &format!("{PREFIX}submissions/sid-moto-0001-0000.json"),
    )
    .await;
    assert_eq!(
        rec["recipients"],
        serde_json::json!(["laskutus@example.com", "kirjanpito@example.com"])
    );
}

/// Every object's key and bytes in the archive bucket.
async fn s3_everything(moto: &Moto) -> Vec<(String, Vec<u8>)> {
    let sdk = sdk(&moto.url()).await;
    let client = s3(&sdk);
    let mut out = Vec::new();
    for key in s3_objects(moto, "").await {
        let got = client
            .get_object()
            .bucket(BUCKET)
            .key(&key)
            .send()
            .await
            .unwrap();
        out.push((key, got.body.collect().await.unwrap().into_bytes().to_vec()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_on_s3_leaves_nothing_of_one_address_and_keeps_the_others() {
    let moto = Moto::start();
    moto.prepare().await;
    let cfg = config(&moto.url(), &moto.url());
    let app = app(&cfg);
    for (i, email) in [
        "ann@example.com",
        "ann@EXAMPLE.com",
        "ann@Example.Com",
        "bob@example.com",
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(post(&app, &ticket(i, email, "billing", "en")).await.0, 200);
    }
    let reason = "lang=en&page=%2Fen%2Fbilling%2F&reason=outdated&text=mail+ann%40example.COM&view=s3view0009";
    assert_eq!(post_signal(&app, "/api/feedback", reason).await, 200);
    let sdk = sdk(&moto.url()).await;
    for key in [
        "uploads/moto-0000-0000/scan.pdf",
        "uploads/moto-0003-0000/b.txt",
    ] {
        s3(&sdk)
            .put_object()
            .bucket(BUCKET)
            .key(format!("{PREFIX}{key}"))
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"bytes"))
            .send()
            .await
            .unwrap();
    }
    let mentions = |all: &[(String, Vec<u8>)], who: &str| -> Vec<String> {
        all.iter()
            .filter(|(_, b)| String::from_utf8_lossy(b).to_lowercase().contains(who))
            .map(|(k, _)| k.clone())
            .collect()
    };
    assert_eq!(
        mentions(&s3_everything(&moto).await, "ann@example.com").len(),
        4
    );

    let run = |dry: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_erase"));
        cmd.args([
            "--archive",
            &format!("s3://{BUCKET}/{PREFIX}"),
            "ann@example.com",
        ])
        .env("CONTACT_S3_ENDPOINT", moto.url())
        .env("CONTACT_S3_PATH_STYLE", "true")
        .env("CONTACT_AWS_REGION", "us-east-1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        if dry {
            cmd.arg("--dry-run");
        }
        let out = wait_for(cmd.spawn().unwrap(), Duration::from_secs(60));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let dry = run(true);
    assert_eq!(dry["submissions"].as_array().unwrap().len(), 3);
    assert_eq!(
        mentions(&s3_everything(&moto).await, "ann@example.com").len(),
        4
    );
    let done = run(false);
    assert_eq!(done["archive"], dry["archive"]);
    let removed: Vec<&str> = done["archive"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        removed.contains(&"uploads/moto-0000-0000/scan.pdf"),
        "{removed:?}"
    );
    let left = s3_everything(&moto).await;
    assert_eq!(mentions(&left, "ann@example.com"), Vec::<String>::new());
    let keys: Vec<&str> = left.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        keys.contains(&"contact/submissions/sid-moto-0003-0000.json"),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"contact/uploads/moto-0003-0000/b.txt"),
        "{keys:?}"
    );
    assert!(
        !keys
            .iter()
            .any(|k| k.contains("moto-0001") || k.contains("moto-0002")),
        "{keys:?}"
    );
}

/// A webhook receiver on 127.0.0.1 recording (key, signature, body), answering 200.
async fn receiver(
    port: u16,
) -> (
    Arc<Mutex<Vec<(String, String, Vec<u8>)>>>,
    tokio::task::JoinHandle<()>,
) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let app = Router::new().route(
        "/hook",
        axum::routing::post(move |h: axum::http::HeaderMap, body: axum::body::Bytes| {
            let c = c.clone();
            async move {
                let get = |n: &str| {
                    h.get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                c.lock().unwrap().push((
                    get("idempotency-key"),
                    get("helpsite-signature"),
                    body.to_vec(),
                ));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (calls, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_webhooks_pending_while_the_receiver_is_down_are_posted_once_by_racing_runs() {
    use hmac::{KeyInit, Mac};
    let moto = Moto::start();
    moto.prepare().await;
    let port = free_port();
    let secret = "s3-webhook-secret-0123";
    let mut cfg = config(&moto.url(), &moto.url());
    cfg.webhook = Some(handler::config::WebhookConfig {
        url: format!("http://127.0.0.1:{port}/hook"),
        secret: secret.into(),
        format: handler::core::webhook::Format::Json,
        timeout: Duration::from_secs(2),
    });
    let app = app(&cfg);
    for i in 0..6 {
        assert_eq!(
            post(&app, &ticket(i, "v@example.org", "billing", "en"))
                .await
                .0,
            200
        );
    }
    assert_eq!(s3_objects(&moto, "webhook-pending/").await.len(), 6);
    assert_eq!(moto.sent().len(), 6, "the emails went out meanwhile");

    let (calls, task) = receiver(port).await;
    let runs: Vec<Child> = (0..5)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_redeliver"))
                .args(["--min-age", "0"])
                .env("CONTACT_SENDER", "Example Help <help@example.com>")
                .env("CONTACT_RECIPIENTS", "support@example.com")
                .env("CONTACT_ARCHIVE", format!("s3://{BUCKET}/{PREFIX}"))
                .env("CONTACT_MAILER", "ses")
                .env("CONTACT_SES_ENDPOINT", moto.url())
                .env("CONTACT_S3_ENDPOINT", moto.url())
                .env("CONTACT_S3_PATH_STYLE", "true")
                .env("CONTACT_AWS_REGION", "us-east-1")
                .env("CONTACT_LANGUAGES", "en,fi,fa")
                .env(
                    "CONTACT_WEBHOOK_URL",
                    format!("http://127.0.0.1:{port}/hook"),
                )
                .env("CONTACT_WEBHOOK_SECRET", secret)
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env_remove("AWS_PROFILE")
                .env_remove("AWS_ENDPOINT_URL")
                .env_remove("AWS_LAMBDA_RUNTIME_API")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        let out = tokio::task::spawn_blocking(move || wait_for(run, Duration::from_secs(120)))
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        sent += j["webhooks_sent"].as_u64().unwrap();
    }
    task.abort();
    let calls = calls.lock().unwrap().clone();
    assert_eq!((calls.len(), sent), (6, 6), "one call per ticket");
    let keys: std::collections::HashSet<&str> = calls.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(keys.len(), 6);
    for (key, sig, body) in &calls {
        let (t, v1) = sig.split_once(",v1=").unwrap();
        let t = t.strip_prefix("t=").unwrap();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, v1, "{key}");
        let j: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(j["id"], key.as_str());
    }
    assert!(s3_objects(&moto, "webhook-pending/").await.is_empty());
    assert!(
        s3_objects(&moto, "leases/").await.is_empty(),
        "every claim released"
    );
    assert_eq!(moto.sent().len(), 6, "no email sent twice");
    let state = s3_record(&moto, &format!("{PREFIX}webhooks/sid-moto-0000-0000.json")).await;
    assert_eq!(state["status"], "delivered");
}

/// One HTTP/1.0 request to moto with a body; the status and body.
fn moto_request(moto: &Moto, head: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", moto.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&buf[..split])
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    (status, buf[split + 4..].to_vec())
}

/// What a browser does with a presigned POST: the fields, then the file,
/// as `multipart/form-data`.
fn browser_post(moto: &Moto, target: &Value, bytes: &[u8], ct: &str) -> u16 {
    let boundary = "----helpsite-test-boundary";
    let mut body = Vec::new();
    for (k, v) in target["fields"].as_object().unwrap() {
        let v = v.as_str().unwrap();
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"shot.png\"\r\nContent-Type: {ct}\r\n\r\n").bytes());
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let url = target["url"].as_str().unwrap();
    let path = url.split_once(&moto.url()).unwrap().1;
    let head = format!(
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        moto.port,
        body.len()
    );
    moto_request(moto, &head, &body).0
}

#[tokio::test]
async fn attachments_by_presigned_post_arrive_as_working_links() {
    let moto = Moto::start();
    moto.prepare().await;
    let app = Router::new().nest("/api", handler::router(config(&moto.url(), &moto.url())));
    let sid = "5d1a4f7e-9c4e-2f8a6b1d";
    let png = b"\x89PNG\r\n\x1a\nsmall screenshot bytes".to_vec();
    let files: Vec<Value> = (1..=2)
        .map(|n| serde_json::json!({ "n": n, "name": format!("Скриншот {n}.png"), "size": png.len(), "type": "image/png" }))
        .collect();
    let req = Request::post("/api/contact/uploads")
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::json!({ "submission_id": sid, "files": files }).to_string(),
        ))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let grant: Value = serde_json::from_slice(
        &axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap(),
    )
    .unwrap();
    let targets = grant["uploads"].as_array().unwrap();
    let mut keys = Vec::new();
    for t in targets {
        assert_eq!(t["method"], "post");
        assert_eq!(t["fields"]["Content-Type"], "image/png");
        assert!(t["fields"]["key"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{PREFIX}uploads/{sid}/")));
        assert_eq!(browser_post(&moto, t, &png, "image/png"), 204, "{t}");
        keys.push(t["key"].as_str().unwrap().to_string());
    }
    let body = serde_json::json!({
        "name": "Aino", "email": "aino@example.com", "topic": "billing", "message": "Screenshots attached.",
        "lang": "en", "submission_id": sid, "attachments": keys.join(","),
    });
    let (status, answer) = post(&app, &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    let kept = s3_objects(&moto, &format!("attachments/sid-{sid}/")).await;
    assert_eq!(kept.len(), 2, "{kept:?}");
    let sent = moto.sent();
    assert_eq!(sent.len(), 1);
    let msg = mail_parser::MessageParser::default()
        .parse(&sent[0].1)
        .unwrap();
    let text = msg.body_text(0).unwrap().to_string();
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with(&moto.url()) && w.contains("X-Amz-Signature"))
        .collect();
    assert_eq!(links.len(), 2, "{text}");
    for n in 1..=2 {
        assert!(
            text.contains(&format!("Скриншот_{n}.png")),
            "named in their own script: {text}"
        );
    }
    let path = links[0].split_once(&moto.url()).unwrap().1;
    let head = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n\r\n",
        moto.port
    );
    let (status, got) = moto_request(&moto, &head, b"");
    assert_eq!(status, 200);
    assert_eq!(got, png, "the link downloads the uploaded file");
}

#[tokio::test]
async fn s3_uploads_of_another_submission_or_too_large_are_refused() {
    let moto = Moto::start();
    moto.prepare().await;
    let mut cfg = config(&moto.url(), &moto.url());
    cfg.uploads.limits.max_bytes = 8;
    let app = Router::new().nest("/api", handler::router(cfg));
    let sdk = sdk(&moto.url()).await;
    // Objects put behind the handler's back: one too large, one of a refused
    // type, one under another submission's prefix.
    for (key, ct, body) in [
        (
            "uploads/mine-12345678/1-big.png",
            "image/png",
            &b"0123456789"[..],
        ),
        (
            "uploads/mine-12345678/2-page.html",
            "text/html",
            &b"<p>"[..],
        ),
        ("uploads/theirs-1234567/1-a.png", "image/png", &b"x"[..]),
    ] {
        s3(&sdk)
            .put_object()
            .bucket(BUCKET)
            .key(format!("{PREFIX}{key}"))
            .content_type(ct)
            .body(aws_sdk_s3::primitives::ByteStream::from(body.to_vec()))
            .send()
            .await
            .unwrap();
    }
    for (key, code) in [
        ("uploads/mine-12345678/1-big.png", "file_too_large"),
        ("uploads/mine-12345678/2-page.html", "file_type"),
        ("uploads/theirs-1234567/1-a.png", "upload_missing"),
        ("uploads/mine-12345678/3-absent.png", "upload_missing"),
    ] {
        let body = serde_json::json!({
            "name": "Aino", "email": "aino@example.com", "topic": "billing", "message": "x",
            "submission_id": "mine-12345678", "attachments": key,
        });
        let (status, answer) = post(&app, &body.to_string()).await;
        assert!((400..500).contains(&status), "{key}: {status}");
        assert_eq!(answer["errors"][0]["code"], code, "{key}");
    }
    assert!(moto.sent().is_empty(), "nothing sent");
    assert!(
        s3_objects(&moto, "submissions/").await.is_empty(),
        "nothing stored"
    );
    assert!(s3_objects(&moto, "attachments/").await.is_empty());
}

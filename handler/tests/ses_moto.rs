//! The AWS path against moto's server mode on loopback: SES v2 raw sending,
//! the S3 archive with conditional writes, the pending/redeliver path and
//! idempotency. moto comes from `<repo>/.venv` (`tests/setup/python.sh`).
#![cfg(feature = "aws")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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
        .http_client(handler::aws::https_client())
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
    cfg.sender = handler::email::Mailbox::new(Some("Example Help Center"), "help@example.com");
    cfg.recipients = vec![handler::email::Mailbox::new(
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

//! `helpsite insights --archive s3://…` against moto's server mode on
//! loopback: votes and queries posted through the handler with its S3
//! archive, plus an object in the older one-JSON-per-event layout, then
//! the report read straight from the bucket. moto comes from `<repo>/.venv`
//! (`tests/setup/python.sh`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

const BUCKET: &str = "insights-archive";
const PREFIX: &str = "site/";

/// A moto server on 127.0.0.1, killed by PID when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start() -> Moto {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let bin = repo.join(".venv/bin/moto_server");
        assert!(
            bin.exists(),
            "moto is not installed: {} is missing. Run `bash tests/setup/python.sh` first.",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let mut moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited early ({status})");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn credentials() -> [(&'static str, &'static str); 4] {
    [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
}

async fn s3(endpoint: &str) -> aws_sdk_s3::Client {
    for (k, v) in credentials() {
        // Only for this test process; moto accepts any credentials.
        std::env::set_var(k, v);
    }
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(handler::adapters::aws::https_client())
        .endpoint_url(endpoint)
        .load()
        .await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    )
}

fn app(endpoint: &str) -> axum::Router {
    let mut cfg = handler::Config::local(
        &std::env::temp_dir(),
        vec!["en".into(), "fa".into()],
        "en".into(),
        vec![],
    );
    cfg.archive = handler::ArchiveConfig::S3 {
        bucket: BUCKET.into(),
        prefix: PREFIX.into(),
    };
    cfg.rate_limit = None;
    cfg.aws.region = Some("us-east-1".into());
    cfg.aws.s3_endpoint = Some(endpoint.into());
    cfg.aws.s3_path_style = true;
    cfg.aws.max_attempts = 2;
    handler::router(cfg)
}

async fn post(app: &axum::Router, path: &str, body: &str) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert!(
        resp.status().is_success(),
        "{path} {body}: {}",
        resp.status()
    );
}

fn insights(endpoint: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpsite"));
    cmd.arg("insights")
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint);
    for (k, v) in credentials() {
        cmd.env(k, v);
    }
    cmd.env_remove("AWS_PROFILE").output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_read_from_the_bucket() {
    let moto = Moto::start();
    let url = moto.url();
    let client = s3(&url).await;
    client.create_bucket().bucket(BUCKET).send().await.unwrap();
    let app = app(&url);
    // More than one listing page (1,000 keys) of votes.
    let bodies: Vec<String> = (0..1203)
        .map(|i| {
            let vote = if i % 3 == 0 { "no" } else { "yes" };
            format!("lang=en&page=%2Fen%2Fbilling%2F&vote={vote}&view=view{i:06}")
        })
        .collect();
    for chunk in bodies.chunks(50) {
        let all = chunk.iter().map(|b| post(&app, "/feedback", b));
        futures_util::future::join_all(all).await;
    }
    // A repeat of one vote, a reason, a zero-hit query in Persian.
    post(
        &app,
        "/feedback",
        "lang=en&page=%2Fen%2Fbilling%2F&vote=no&view=view000000",
    )
    .await;
    post(
        &app,
        "/feedback",
        "lang=en&page=%2Fen%2Fbilling%2F&reason=outdated&text=prices+changed&view=view000000",
    )
    .await;
    post(&app, "/insights", "lang=fa&kind=zero_hits&query=%DA%A9%D8%A7%D8%B1%D8%AA+%D9%87%D8%AF%DB%8C%D9%87&view=view999999").await;
    // The older layout: one JSON object per vote.
    client
        .put_object()
        .bucket(BUCKET)
        .key(format!(
            "{PREFIX}feedback/2024-05-02/old00001-00000000-v.json"
        ))
        .body(
            br#"{"t":1714657500000,"k":"vote","l":"fa","v":"old00001","p":"/fa/x/","y":"no"}"#
                .to_vec()
                .into(),
        )
        .send()
        .await
        .unwrap();

    let archive = format!("s3://{BUCKET}/{PREFIX}");
    let out = insights(&url, &["--format", "json", "--archive", &archive]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let en = &json["languages"]["en"];
    assert_eq!(
        (en["yes"].as_u64(), en["no"].as_u64()),
        (Some(802), Some(401))
    );
    assert_eq!(en["most_unhelpful"][0]["reasons"]["outdated"], 1);
    assert_eq!(en["most_unhelpful"][0]["comments"][0], "prices changed");
    let fa = &json["languages"]["fa"];
    assert_eq!(fa["no"], 1);
    assert_eq!(fa["zero_hit_queries"][0]["query"], "کارت هدیه");

    // --since skips the older day; a missing bucket is a clear error.
    let out = insights(
        &url,
        &[
            "--format",
            "json",
            "--since",
            "2025-01-01",
            "--archive",
            &archive,
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["languages"]["fa"]["no"], 0);
    let out = insights(&url, &["--archive", "s3://no-such-bucket/x"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-such-bucket") && err.contains("ListObjectsV2"),
        "{err}"
    );
}

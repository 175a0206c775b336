//! The webhook, per-topic routing and erasure on the local archive: a
//! receiver on 127.0.0.1 checks every call's signature, `redeliver` runs race
//! the posts, and `erase` leaves nothing of one address.
#![cfg(feature = "aws")]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use hmac::{KeyInit, Mac};
use tower::ServiceExt;

const SECRET: &str = "test-secret-0123456789";

/// One call the receiver got.
#[derive(Debug, Clone)]
struct Call {
    key: String,
    signature: String,
    body: Vec<u8>,
}

/// A webhook receiver on 127.0.0.1 answering `status`, stopped when dropped.
struct Receiver {
    port: u16,
    calls: Arc<Mutex<Vec<Call>>>,
    status: Arc<Mutex<u16>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(port: u16, status: u16) -> Receiver {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(Mutex::new(status));
        let (c, a) = (calls.clone(), answer.clone());
        let app = Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let (c, a) = (c.clone(), a.clone());
                async move {
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string()
                    };
                    c.lock().unwrap().push(Call {
                        key: h("idempotency-key"),
                        signature: h("helpsite-signature"),
                        body: body.to_vec(),
                    });
                    StatusCode::from_u16(*a.lock().unwrap()).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            port,
            calls,
            status: answer,
            task,
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `CONTACT_*` settings of a local site with a webhook on `port`.
fn env(site: &Path, port: u16, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = [
        ("CONTACT_SENDER", "Help <help@example.com>".to_string()),
        ("CONTACT_RECIPIENTS", "support@example.com".into()),
        (
            "CONTACT_ARCHIVE",
            site.join(".archive").display().to_string(),
        ),
        ("CONTACT_MAILER", "outbox".into()),
        ("CONTACT_OUTBOX", site.join(".outbox").display().to_string()),
        ("CONTACT_LANGUAGES", "en,fi".into()),
        ("CONTACT_RATE_LIMIT", "off".into()),
        ("CONTACT_MIN_FILL_MS", "0".into()),
        ("CONTACT_REDELIVER_MIN_AGE_SECONDS", "0".into()),
        (
            "CONTACT_WEBHOOK_URL",
            format!("http://127.0.0.1:{port}/hook"),
        ),
        ("CONTACT_WEBHOOK_SECRET", SECRET.into()),
        ("CONTACT_WEBHOOK_TIMEOUT_SECONDS", "2".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        m.insert(k.to_string(), v.to_string());
    }
    m
}

fn app(vars: &HashMap<String, String>) -> Router {
    let cfg = handler::Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    Router::new().nest("/api", handler::router(cfg))
}

async fn post(app: &Router, path: &str, body: serde_json::Value) -> u16 {
    let req = Request::post(path)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status().as_u16()
}

fn ticket(i: usize, email: &str, topic: &str, lang: &str) -> serde_json::Value {
    serde_json::json!({
        "name": format!("Visitor {i}"), "email": email, "topic": topic,
        "message": format!("Message {i} <b>&</b>"), "lang": lang,
        "submission_id": format!("ticket-{i:04}-0000"),
    })
}

/// Starts `redeliver` with `vars` as its whole `CONTACT_*` environment.
fn redeliver(vars: &HashMap<String, String>) -> Child {
    Command::new(env!("CARGO_BIN_EXE_redeliver"))
        .env_clear()
        .envs(vars)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits at most `limit`, killing the child by its own handle if it overruns.
fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ran over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {:?} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Checks the signature as a receiver would: HMAC-SHA256 of `t.body`.
fn verify(call: &Call) {
    let (t, v1) = call
        .signature
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("signature header {:?}", call.signature));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&call.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, v1, "signature of {}", call.key);
    let now = handler::time::now_ms() / 1000;
    let t: u64 = t.parse().unwrap();
    assert!(t <= now && now - t < 600, "timestamp {t} near {now}");
}

fn files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_ticket_is_posted_once_signed_while_redeliver_runs_race() {
    let site = tempfile::tempdir().unwrap();
    let port = free_port();
    let vars = env(site.path(), port, &[]);
    let app = app(&vars);
    // The receiver is down: the tickets are stored, mailed, their webhooks pending.
    for i in 0..4 {
        assert_eq!(
            post(
                &app,
                "/api/contact",
                ticket(i, "a@example.com", "billing", "en")
            )
            .await,
            200
        );
    }
    let pending = files(&site.path().join(".archive/webhook-pending"));
    assert_eq!(pending.len(), 4, "{pending:?}");
    assert_eq!(
        files(&site.path().join(".outbox")).len(),
        4,
        "the email does not wait"
    );

    let rx = Receiver::start(port, 200).await;
    let runner = {
        let vars = vars.clone();
        std::thread::spawn(move || {
            for _ in 0..3 {
                let wave: Vec<Child> = (0..3).map(|_| redeliver(&vars)).collect();
                for c in wave {
                    let out = wait(c, Duration::from_secs(60));
                    assert_eq!(report(&out)["webhooks_rejected"], serde_json::json!([]));
                }
            }
        })
    };
    for i in 4..10 {
        assert_eq!(
            post(
                &app,
                "/api/contact",
                ticket(i, "a@example.com", "billing", "en")
            )
            .await,
            200
        );
        // A retry of the same post is the same ticket.
        assert_eq!(
            post(
                &app,
                "/api/contact",
                ticket(i, "a@example.com", "billing", "en")
            )
            .await,
            200
        );
    }
    tokio::task::spawn_blocking(move || runner.join().unwrap())
        .await
        .unwrap();
    let last = wait(redeliver(&vars), Duration::from_secs(60));
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );

    let calls = rx.calls();
    let keys: HashSet<&str> = calls.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        calls.len(),
        10,
        "one call per ticket: {:?}",
        calls.iter().map(|c| &c.key).collect::<Vec<_>>()
    );
    assert_eq!(keys.len(), 10);
    for call in &calls {
        verify(call);
        let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
        assert_eq!(body["id"], call.key.as_str());
        assert_eq!(body["topic"], "billing");
        assert_eq!(body["fields"]["email"], "a@example.com");
        assert!(body["reference"].as_str().unwrap().starts_with("HS-"));
    }
    assert!(files(&site.path().join(".archive/webhook-pending")).is_empty());
    assert_eq!(files(&site.path().join(".outbox")).len(), 10);
    let state: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            site.path()
                .join(".archive/webhooks/sid-ticket-0000-0000.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(state["status"], "delivered");
    assert_eq!(
        state["attempts"], 2,
        "one refused connection, then delivered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_is_recorded_failed_reported_once_and_never_retried() {
    let site = tempfile::tempdir().unwrap();
    let rx = Receiver::start(0, 503).await;
    let vars = env(site.path(), rx.port, &[]);
    let app = app(&vars);
    assert_eq!(
        post(
            &app,
            "/api/contact",
            ticket(1, "a@example.com", "billing", "en")
        )
        .await,
        200
    );
    assert_eq!(rx.calls().len(), 1);
    assert_eq!(
        files(&site.path().join(".archive/webhook-pending")).len(),
        1,
        "a 5xx stays pending"
    );

    *rx.status.lock().unwrap() = 410;
    let out = wait(redeliver(&vars), Duration::from_secs(60));
    let r = report(&out);
    assert_eq!(
        r["webhooks_rejected"],
        serde_json::json!(["sid-ticket-0001-0000: 410"])
    );
    assert_eq!(out.status.code(), Some(1), "a refusal is reported");
    assert!(files(&site.path().join(".archive/webhook-pending")).is_empty());
    let state: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            site.path()
                .join(".archive/webhooks/sid-ticket-0001-0000.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (state["status"].as_str(), state["http_status"].as_u64()),
        (Some("failed"), Some(410))
    );

    *rx.status.lock().unwrap() = 200;
    for _ in 0..2 {
        let out = wait(redeliver(&vars), Duration::from_secs(60));
        assert!(out.status.success());
        assert_eq!(report(&out)["webhooks_sent"], 0);
    }
    assert_eq!(rx.calls().len(), 2, "not retried after the 4xx");
    // A 4xx in the request itself: recorded, never posted again.
    assert_eq!(
        post(
            &app,
            "/api/contact",
            ticket(2, "a@example.com", "billing", "en")
        )
        .await,
        200
    );
    *rx.status.lock().unwrap() = 400;
    assert_eq!(
        post(
            &app,
            "/api/contact",
            ticket(3, "a@example.com", "billing", "en")
        )
        .await,
        200
    );
    *rx.status.lock().unwrap() = 200;
    wait(redeliver(&vars), Duration::from_secs(60));
    assert_eq!(rx.calls().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_format_escapes_the_visitors_text() {
    let site = tempfile::tempdir().unwrap();
    let rx = Receiver::start(0, 200).await;
    let vars = env(site.path(), rx.port, &[("CONTACT_WEBHOOK_FORMAT", "slack")]);
    let app = app(&vars);
    let mut t = ticket(1, "a@example.com", "billing", "en");
    t["message"] = "<!channel> & <https://evil.example|click>".into();
    assert_eq!(post(&app, "/api/contact", t).await, 200);
    let calls = rx.calls();
    assert_eq!(calls.len(), 1);
    verify(&calls[0]);
    let body: serde_json::Value = serde_json::from_slice(&calls[0].body).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(
        text.contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"),
        "{text}"
    );
    assert!(!text.contains("<!channel>"), "{text}");
}

/// The `To:` header of each support message in the outbox, by topic/lang.
fn routed(outbox: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for name in files(outbox) {
        let raw = std::fs::read(outbox.join(&name)).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let to: Vec<String> = msg
            .to()
            .unwrap()
            .iter()
            .map(|a| a.address().unwrap().to_string())
            .collect();
        let subject = msg.subject().unwrap().to_string();
        out.insert(
            subject
                .split(' ')
                .nth(1)
                .unwrap()
                .trim_end_matches(':')
                .to_string()
                + "/"
                + msg
                    .body_text(0)
                    .unwrap()
                    .split("Language: ")
                    .nth(1)
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap(),
            to.join(","),
        );
    }
    out
}

#[tokio::test]
async fn routes_pick_the_inbox_per_topic_and_language_and_resends_keep_it() {
    let site = tempfile::tempdir().unwrap();
    let routes = "billing=billing@x.com;billing/fi=laskutus@x.com;technical=helpdesk-inbound@y.com";
    let mut vars = env(site.path(), 1, &[("CONTACT_ROUTES", routes)]);
    for k in [
        "CONTACT_WEBHOOK_URL",
        "CONTACT_WEBHOOK_SECRET",
        "CONTACT_WEBHOOK_TIMEOUT_SECONDS",
    ] {
        vars.remove(k);
    }
    let app = app(&vars);
    for (i, (topic, lang)) in [
        ("billing", "en"),
        ("billing", "fi"),
        ("technical", "fi"),
        ("other", "en"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            post(
                &app,
                "/api/contact",
                ticket(i, "a@example.com", topic, lang)
            )
            .await,
            200
        );
    }
    let got = routed(&site.path().join(".outbox"));
    let want: HashMap<String, String> = [
        ("billing/en", "billing@x.com"),
        ("billing/fi", "laskutus@x.com"),
        ("technical/fi", "helpdesk-inbound@y.com"),
        ("other/en", "support@example.com"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(got, want);

    // A ticket that could not be mailed keeps its route when the routes change.
    let site2 = tempfile::tempdir().unwrap();
    let mut broken = vars.clone();
    broken.insert(
        "CONTACT_ARCHIVE".into(),
        site2.path().join(".archive").display().to_string(),
    );
    std::fs::write(site2.path().join("not-a-folder"), b"").unwrap();
    broken.insert(
        "CONTACT_OUTBOX".into(),
        site2.path().join("not-a-folder").display().to_string(),
    );
    assert_eq!(
        post(
            &crate::app(&broken),
            "/api/contact",
            ticket(9, "a@example.com", "billing", "fi")
        )
        .await,
        200
    );
    let mut fixed = broken.clone();
    fixed.remove("CONTACT_ROUTES");
    fixed.insert(
        "CONTACT_OUTBOX".into(),
        site2.path().join(".outbox").display().to_string(),
    );
    let out = wait(redeliver(&fixed), Duration::from_secs(60));
    assert_eq!(
        report(&out)["sent"],
        1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = routed(&site2.path().join(".outbox"));
    assert_eq!(
        got.get("billing/fi").map(String::as_str),
        Some("laskutus@x.com")
    );
}

/// Every file under `dir` whose bytes mention `needle` (any case).
fn grep(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if String::from_utf8_lossy(&std::fs::read(&p).unwrap())
                .to_lowercase()
                .contains(&needle.to_lowercase())
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

fn erase(args: &[&str]) -> (Output, serde_json::Value) {
    let out = wait(
        Command::new(env!("CARGO_BIN_EXE_erase"))
            .args(args)
            .env_remove("CONTACT_RETENTION_DAYS")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        Duration::from_secs(60),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);
    (out, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_leaves_nothing_of_one_address_and_keeps_the_others() {
    let site = tempfile::tempdir().unwrap();
    let rx = Receiver::start(0, 200).await;
    let mut vars = env(site.path(), rx.port, &[]);
    vars.insert("CONTACT_ACKNOWLEDGE".into(), "true".into());
    let app = app(&vars);
    for (i, email) in [
        "ann@example.com",
        "ann@EXAMPLE.com",
        "ann@Example.Com",
        "bob@example.com",
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            post(&app, "/api/contact", ticket(i, email, "billing", "en")).await,
            200
        );
    }
    let feedback = serde_json::json!({
        "lang": "en", "page": "/en/billing/", "reason": "outdated",
        "text": "Please write to ann@EXAMPLE.COM about this",
    });
    assert_eq!(post(&app, "/api/feedback", feedback).await, 200);
    let other = serde_json::json!({"lang": "en", "page": "/en/billing/", "reason": "outdated", "text": "kept"});
    assert_eq!(post(&app, "/api/feedback", other).await, 200);
    // Attachments under the submission's id (uploads/<id>/ and a per-ticket prefix).
    let archive = site.path().join(".archive");
    for p in [
        "uploads/ticket-0001-0000/scan.pdf",
        "attachments/sid-ticket-0001-0000/a.png",
        "uploads/ticket-0003-0000/b.txt",
    ] {
        std::fs::create_dir_all(archive.join(p).parent().unwrap()).unwrap();
        std::fs::write(archive.join(p), b"bytes").unwrap();
    }
    // Three records, a support email and an acknowledgement each, one reason.
    assert_eq!(grep(site.path(), "ann@example.com").len(), 3 + 3 * 2 + 1);

    let root = site.path().display().to_string();
    let (_, dry) = erase(&["--local", &root, "--dry-run", "ann@example.com"]);
    assert_eq!(dry["submissions"].as_array().unwrap().len(), 3);
    assert!(
        !grep(site.path(), "ann@example.com").is_empty(),
        "a dry run removes nothing"
    );

    let (_, done) = erase(&["--local", &root, "ann@example.com"]);
    assert_eq!(done["archive"], dry["archive"]);
    let removed: Vec<&str> = done["archive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for want in [
        "uploads/ticket-0001-0000/scan.pdf",
        "attachments/sid-ticket-0001-0000/a.png",
        "webhooks/sid-ticket-0000-0000.json",
        "submissions/sid-ticket-0002-0000.json",
    ] {
        assert!(removed.contains(&want), "{want} in {removed:?}");
    }
    assert_eq!(grep(site.path(), "ann@example.com"), Vec::<String>::new());
    assert_eq!(done["outbox"].as_array().unwrap().len(), 6);
    // Bob's ticket, its mail, its attachment and the other feedback stay.
    assert!(archive
        .join("submissions/sid-ticket-0003-0000.json")
        .exists());
    assert!(archive.join("uploads/ticket-0003-0000/b.txt").exists());
    assert_eq!(grep(site.path(), "bob@example.com").len(), 3);
    assert_eq!(grep(&archive.join("feedback"), "kept").len(), 1);
    let (_, again) = erase(&["--local", &root, "ann@example.com"]);
    assert_eq!(again["archive"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_removes_old_local_submissions_when_redeliver_runs() {
    let site = tempfile::tempdir().unwrap();
    let rx = Receiver::start(0, 200).await;
    let vars = env(site.path(), rx.port, &[("CONTACT_RETENTION_DAYS", "30")]);
    let app = app(&vars);
    assert_eq!(
        post(
            &app,
            "/api/contact",
            ticket(1, "old@example.com", "billing", "en")
        )
        .await,
        200
    );
    assert_eq!(
        post(
            &app,
            "/api/contact",
            ticket(2, "new@example.com", "billing", "en")
        )
        .await,
        200
    );
    // Age the first record by 31 days.
    let path = site
        .path()
        .join(".archive/submissions/sid-ticket-0001-0000.json");
    let mut rec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    rec["received_at_ms"] = (handler::time::now_ms() - 31 * 86_400_000).into();
    std::fs::write(&path, serde_json::to_vec(&rec).unwrap()).unwrap();
    let out = wait(redeliver(&vars), Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(grep(site.path(), "old@example.com").is_empty());
    assert!(!path.exists());
    assert!(!site
        .path()
        .join(".archive/webhooks/sid-ticket-0001-0000.json")
        .exists());
    assert!(site
        .path()
        .join(".archive/submissions/sid-ticket-0002-0000.json")
        .exists());
}

#[test]
fn erase_refuses_a_bad_address_or_no_archive_and_names_why() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().display().to_string();
    for (args, says) in [
        (
            vec!["--local", root.as_str(), "not-an-address"],
            "not an email address",
        ),
        (vec!["ann@example.com"], "--local ROOT or --archive"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_erase"))
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing reported as removed");
    }
}

//! The `redeliver` binary on the local archive: ten runs at once over twenty
//! pending submissions send twenty emails, and each run's stdout is its
//! JSON report alone (logs go to stderr).
#![cfg(feature = "aws")]

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use handler::adapters::local_archive::LocalArchive;
use handler::core::record::Record;
use handler::core::submission::Submission;
use handler::ports::archive::Created;
use handler::wiring::Archive;

/// Stores `n` pending submissions; returns their references.
pub async fn store_pending(archive: &Archive, n: usize) -> Vec<String> {
    let mut refs = Vec::new();
    for i in 0..n {
        let sub = Submission {
            name: format!("Visitor {i}"),
            email: format!("visitor{i}@example.com"),
            topic: "billing".into(),
            message: format!("Message number {i}"),
            order: None,
            lang: "en".into(),
            submission_id: None,
            fields: Vec::new(),
            attachments: vec![],
        };
        let reference = handler::reference::new_reference("HS");
        let rec = Record::new(
            sub,
            reference.clone(),
            handler::time::now_ms() - 1000,
            false,
        );
        assert!(matches!(archive.create(&rec).await.unwrap(), Created::New));
        refs.push(reference);
    }
    refs
}

/// Waits for a child at most `limit`, killing it (by its own handle) if it
/// overruns.
fn wait(mut child: Child, limit: Duration) -> Output {
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

/// Parses a run's stdout: exactly one line, the JSON report.
fn report(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "stdout is the report alone:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    for k in ["sent", "failed", "skipped", "cleaned", "unrecorded"] {
        assert!(j[k].is_u64(), "{k} in {j}");
    }
    j
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
async fn ten_concurrent_runs_send_twenty_pending_submissions_once_each() {
    let site = tempfile::tempdir().unwrap();
    let archive = Archive::Local(LocalArchive::new(site.path().join(".archive")));
    let refs = store_pending(&archive, 20).await;

    let runs: Vec<Child> = (0..10)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_redeliver"))
                .arg("--local")
                .arg(site.path())
                .env("RUST_LOG", "info")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = runs
        .into_iter()
        .map(|c| wait(c, Duration::from_secs(60)))
        .collect();

    let mut sent = 0;
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j = report(out);
        assert_eq!(j["failed"], 0, "{j}");
        sent += j["sent"].as_u64().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("redeliver done"),
            "logs are on stderr"
        );
    }
    assert_eq!(sent, 20, "the reports add up to twenty sent");

    let emails = files(&site.path().join(".outbox"));
    assert_eq!(emails.len(), 20, "{emails:?}");
    let sent_refs: HashSet<String> = emails
        .iter()
        .map(|f| {
            refs.iter()
                .find(|r| f.contains(r.as_str()))
                .unwrap_or_else(|| panic!("{f} names no stored reference"))
                .clone()
        })
        .collect();
    assert_eq!(sent_refs.len(), 20, "one email per submission");
    let archive_dir = site.path().join(".archive");
    assert!(files(&archive_dir.join("pending")).is_empty());
    assert!(
        files(&archive_dir.join("leases")).is_empty(),
        "every claim released"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_claim_is_taken_over_and_a_live_one_is_not() {
    let site = tempfile::tempdir().unwrap();
    let archive = Archive::Local(LocalArchive::new(site.path().join(".archive")));
    let refs = store_pending(&archive, 1).await;
    let leases = site.path().join(".archive/leases").join(&refs[0]);
    std::fs::create_dir_all(&leases).unwrap();
    let live = handler::time::now_ms() + 600_000;
    std::fs::write(
        leases.join("0"),
        format!(r#"{{"owner":"other","expires_at_ms":{live}}}"#),
    )
    .unwrap();
    let run = || {
        wait(
            Command::new(env!("CARGO_BIN_EXE_redeliver"))
                .arg("--local")
                .arg(site.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
            Duration::from_secs(60),
        )
    };
    let j = report(&run());
    assert_eq!(
        (j["sent"].as_u64(), j["skipped"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(files(&site.path().join(".outbox")).is_empty());

    // The holder crashed: once its claim expires, it is taken over.
    std::fs::write(leases.join("0"), r#"{"owner":"other","expires_at_ms":1}"#).unwrap();
    let j = report(&run());
    assert_eq!(j["sent"], 1, "{j}");
    assert_eq!(files(&site.path().join(".outbox")).len(), 1);
    assert!(!leases.exists(), "released: {:?}", files(&leases));
}

/// Visitors' retries (each submission posted three times at once) while
/// `redeliver` runs keep starting with no minimum age: still one email
/// per submission.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_retries_racing_redeliver_runs_send_each_submission_once() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let site = tempfile::tempdir().unwrap();
    let mut cfg = handler::Config::local(site.path(), vec!["en".into()], "en".into(), vec![]);
    cfg.rate_limit = None;
    cfg.min_fill_time = Duration::ZERO;
    let app = axum::Router::new().nest("/api", handler::router(cfg));

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let runner = {
        let (stop, root) = (stop.clone(), site.path().to_path_buf());
        std::thread::spawn(move || {
            let mut runs = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let wave: Vec<Child> = (0..3)
                    .map(|_| {
                        Command::new(env!("CARGO_BIN_EXE_redeliver"))
                            .arg("--local")
                            .arg(&root)
                            .stdout(Stdio::piped())
                            .stderr(Stdio::piped())
                            .spawn()
                            .unwrap()
                    })
                    .collect();
                for c in wave {
                    let out = wait(c, Duration::from_secs(60));
                    assert_eq!(report(&out)["failed"], 0);
                }
                runs += 1;
            }
            runs
        })
    };

    let mut posts = Vec::new();
    for i in 0..20 {
        for _ in 0..3 {
            let body = serde_json::json!({
                "name": "Aino", "email": "aino@example.com", "topic": "billing",
                "message": format!("Message {i}"), "lang": "en",
                "submission_id": format!("race-{i:04}-0000"),
            })
            .to_string();
            let app = app.clone();
            posts.push(tokio::spawn(async move {
                let req = Request::post("/api/contact")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(Body::from(body))
                    .unwrap();
                let resp = app.oneshot(req).await.unwrap();
                assert_eq!(resp.status(), 200);
            }));
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    for p in posts {
        p.await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let runs = runner.join().unwrap();
    assert!(runs > 0, "redeliver ran while the posts came in");
    let out = wait(
        Command::new(env!("CARGO_BIN_EXE_redeliver"))
            .arg("--local")
            .arg(site.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        Duration::from_secs(60),
    );
    report(&out);

    let emails = files(&site.path().join(".outbox"));
    assert_eq!(emails.len(), 20, "{emails:?}");
    let refs: HashSet<String> = emails
        .iter()
        .map(|f| f.split('-').skip(1).take(3).collect::<Vec<_>>().join("-"))
        .collect();
    assert_eq!(refs.len(), 20, "one email per submission: {emails:?}");
    assert!(files(&site.path().join(".archive/pending")).is_empty());
}

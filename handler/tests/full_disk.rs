//! A full disk under the local archive and the outbox: the visitor is asked
//! to retry (nothing half-written, nothing sent), the same submission id
//! goes through once there is space again, and a redelivery on a full disk
//! neither truncates a record nor reports an email as recorded when it was
//! not. Needs root to mount a small tmpfs; skipped (saying so) otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use handler::{Config, MailerConfig};
use serde_json::Value;
use tower::ServiceExt;

/// A 64 KiB tmpfs, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs {
                dir: dir.to_path_buf(),
            }),
            Ok(o) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs (needs root): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount: {e}");
                None
            }
        }
    }

    /// Fills every free page with one-page files; returns them so that
    /// space can be given back a page at a time.
    fn fill(&self) -> Vec<PathBuf> {
        let dir = self.dir.join("filler");
        std::fs::create_dir_all(&dir).unwrap();
        let mut files = Vec::new();
        for i in 0.. {
            let p = dir.join(i.to_string());
            if std::fs::write(&p, [b'x'; 4096]).is_err() {
                let _ = std::fs::remove_file(&p);
                break;
            }
            files.push(p);
        }
        assert!(
            std::fs::write(dir.join("probe"), [b'x'; 64]).is_err(),
            "the tmpfs is full"
        );
        let _ = std::fs::remove_file(dir.join("probe"));
        files
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

fn config(root: &Path) -> Config {
    let mut cfg = Config::local(root, vec!["en".into()], "en".into(), vec![]);
    cfg.rate_limit = None;
    cfg.min_fill_time = Duration::ZERO;
    cfg.acknowledge = false;
    cfg
}

fn app(cfg: &Config) -> Router {
    Router::new().nest("/api", handler::router(cfg.clone()))
}

const SID: &str = "7f1c2b3a-full-disk-0001";

fn body(message: &str) -> String {
    serde_json::json!({
        "name": "Aino", "email": "aino@example.com", "topic": "billing",
        "message": message, "lang": "en", "submission_id": SID,
    })
    .to_string()
}

async fn post_json(app: &Router, body: &str) -> (u16, Value) {
    let req = Request::post("/api/contact")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn post_form(app: &Router) -> (u16, String) {
    let req = Request::post("/api/contact")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(
            "name=Aino&email=aino%40example.com&topic=billing&message=Hello&lang=en",
        ))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (resp.status().as_u16(), location)
}

/// Every file under `dir`, recursively, with its size.
fn files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                out.extend(files(&e.path()));
            } else {
                out.push((e.path(), meta.len()));
            }
        }
    }
    out.sort();
    out
}

/// The files under `dir` whose path below it contains `part`.
fn named(dir: &Path, part: &str) -> Vec<(PathBuf, u64)> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| {
            p.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .contains(part)
        })
        .collect()
}

#[tokio::test]
async fn full_disk_answers_503_keeps_nothing_half_written_and_the_retry_goes_through_once() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&tmp.path().join("site")) else {
        return;
    };
    let site = fs.dir.clone();
    let cfg = config(&site);
    let app = app(&cfg);
    let filler = fs.fill();

    let text = "Please keep this text: ".repeat(40);
    let (status, j) = post_json(&app, &body(&text)).await;
    assert_eq!(status, 503, "{j}");
    assert_eq!(j["errors"][0]["code"], "archive_unavailable");
    let (status, location) = post_form(&app).await;
    assert_eq!(status, 303);
    assert_eq!(location, "/en/contact/error/?code=archive_unavailable");

    let archive = site.join(".archive");
    assert!(
        named(&archive, "submissions").is_empty(),
        "no record, not even an empty one: {:?}",
        files(&archive)
    );
    assert!(
        named(&site, ".tmp").is_empty(),
        "no temporary file left: {:?}",
        files(&site)
    );
    assert!(files(&site.join(".outbox")).is_empty(), "nothing sent");

    // Space again: the same submission id is stored and sent, once.
    for f in filler {
        std::fs::remove_file(f).unwrap();
    }
    let (status, first) = post_json(&app, &body(&text)).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = post_json(&app, &body(&text)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(first["reference"], again["reference"]);
    let sent = files(&site.join(".outbox"));
    assert_eq!(sent.len(), 1, "{sent:?}");
    let eml = std::fs::read_to_string(&sent[0].0).unwrap();
    assert!(
        eml.contains("Please keep this text"),
        "the message arrived whole"
    );
    let rec: Value = serde_json::from_slice(
        &std::fs::read(archive.join(format!("submissions/sid-{SID}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(rec["status"], "sent");
    assert_eq!(rec["message"], text.trim());
}

#[tokio::test]
async fn redeliver_on_a_full_disk_never_truncates_a_record_nor_claims_it_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&tmp.path().join("site")) else {
        return;
    };
    let site = fs.dir.clone();
    // The outbox is elsewhere and blocked at first, so the post stays pending.
    let outbox = tmp.path().join("outbox");
    std::fs::write(&outbox, b"a file where the outbox folder should be").unwrap();
    let mut cfg = config(&site);
    cfg.mailer = MailerConfig::Outbox(outbox.clone());
    let (status, j) = post_json(&app(&cfg), &body("Hello")).await;
    assert_eq!(status, 200, "{j}");
    let record = site.join(format!(".archive/submissions/sid-{SID}.json"));
    let stored = std::fs::read(&record).unwrap();
    let pending: Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(pending["status"], "pending");
    std::fs::remove_file(&outbox).unwrap();
    let services = handler::Services::from_config(&cfg).await.unwrap();

    // Not a page free: the claim cannot be written, so nothing is sent.
    let mut filler = fs.fill();
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (0, 1), "{r:?}");
    assert!(files(&outbox).is_empty());
    assert_eq!(std::fs::read(&record).unwrap(), stored, "record untouched");

    // One page free: the claim fits, the email goes out, the record update
    // does not. Reported as unrecorded, the record left whole.
    std::fs::remove_file(filler.pop().unwrap()).unwrap();
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.unrecorded), (0, 1), "{r:?}");
    assert_eq!(files(&outbox).len(), 1);
    assert_eq!(std::fs::read(&record).unwrap(), stored, "record untouched");
    assert!(named(&site, ".tmp").is_empty(), "{:?}", files(&site));

    // Still full: the kept claim stops a second email.
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(r.sent, 0, "{r:?}");
    assert_eq!(files(&outbox).len(), 1, "not sent again");

    // Space again: recorded as sent, not sent again.
    for f in filler {
        std::fs::remove_file(f).unwrap();
    }
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.cleaned, r.failed, r.unrecorded), (0, 1, 0, 0));
    assert_eq!(files(&outbox).len(), 1, "still one email");
    let rec: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    assert_eq!(rec["status"], "sent");
    assert!(named(&site, "leases").is_empty(), "{:?}", files(&site));
    assert!(named(&site, "pending").is_empty(), "{:?}", files(&site));
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(r, handler::RedeliverReport::default());
}

/// A record left empty by an earlier crash does not block its submission
/// id: it is set aside and the retry is stored and sent.
#[tokio::test]
async fn an_empty_record_does_not_block_its_submission_id() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let subs = tmp.path().join(".archive/submissions");
    std::fs::create_dir_all(&subs).unwrap();
    std::fs::write(subs.join(format!("sid-{SID}.json")), b"").unwrap();
    let (status, j) = post_json(&app(&cfg), &body("Hello")).await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(files(&tmp.path().join(".outbox")).len(), 1);
    let damaged = files(&tmp.path().join(".archive/damaged"));
    assert_eq!(damaged.len(), 1, "kept aside for a human: {damaged:?}");
    assert_eq!(damaged[0].1, 0);
}

/// A pending record left empty by an earlier crash fails one redelivery
/// (reported, set aside for a human), not every one after it.
#[tokio::test]
async fn an_empty_pending_record_fails_one_redelivery_not_all() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let archive = tmp.path().join(".archive");
    for dir in ["submissions", "pending"] {
        std::fs::create_dir_all(archive.join(dir)).unwrap();
    }
    std::fs::write(archive.join("submissions/HS-0000-0000.json"), b"").unwrap();
    std::fs::write(archive.join("pending/HS-0000-0000"), b"").unwrap();
    let services = handler::Services::from_config(&cfg).await.unwrap();
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    assert_eq!(files(&archive.join("damaged")).len(), 1);
    let r = handler::redeliver(&cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(r, handler::RedeliverReport::default());
}

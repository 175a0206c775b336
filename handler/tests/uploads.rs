//! Attachments with the local archive and outbox, end to end through the
//! router: grant, upload, submit, the link in the email; and every refusal
//! (too large, wrong type, too many, another submission's key, a key that
//! does not exist, files without the script) stores and sends nothing.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use handler::Config;
use serde_json::{json, Value};
use tower::ServiceExt;

const SID: &str = "0b9e7c1e-5d1a-4f7e";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000IHDR-a-small-test-image";

struct Site {
    dir: tempfile::TempDir,
    app: Router,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::local(
            dir.path(),
            vec!["en".into(), "fa".into()],
            "en".into(),
            vec![],
        );
        cfg.rate_limit = None;
        cfg.min_fill_time = std::time::Duration::ZERO;
        cfg.uploads.limits.max_bytes = 1000;
        let app = Router::new().nest("/api", handler::router(cfg));
        Site { dir, app }
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body.to_vec())
    }

    async fn json(&self, method: &str, uri: &str, body: Value) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("host", "127.0.0.1:9999")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, body) = self.call(req).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn grant(&self, files: Value) -> (StatusCode, Value) {
        let body = json!({ "submission_id": SID, "files": files, "lang": "fa" });
        self.json("POST", "/api/contact/uploads", body).await
    }

    async fn put(&self, url: &str, ct: &str, bytes: &[u8]) -> StatusCode {
        let req = Request::builder()
            .method("PUT")
            .uri(url)
            .header("content-type", ct)
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        self.call(req).await.0
    }

    async fn submit(&self, keys: &[&str]) -> (StatusCode, Value) {
        let body = json!({
            "name": "Aino", "email": "aino@example.com", "topic": "billing",
            "message": "Two screenshots attached.", "lang": "en",
            "submission_id": SID, "attachments": keys.join(","),
        });
        self.json("POST", "/api/contact", body).await
    }

    fn outbox(&self) -> Vec<PathBuf> {
        list(&self.dir.path().join(".outbox"))
    }

    fn records(&self) -> Vec<PathBuf> {
        list(&self.dir.path().join(".archive/submissions"))
    }

    /// Grants and uploads one PNG as file `n`; returns its key.
    async fn upload(&self, n: usize, name: &str) -> String {
        let (status, ans) = self
            .grant(json!([{ "n": n, "name": name, "size": PNG.len(), "type": "image/png" }]))
            .await;
        assert_eq!(status, StatusCode::OK, "{ans}");
        let target = &ans["uploads"][0];
        assert_eq!(target["method"], "put");
        let url = target["url"].as_str().unwrap();
        assert_eq!(self.put(url, "image/png", PNG).await, StatusCode::CREATED);
        target["key"].as_str().unwrap().to_string()
    }
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn first_code(ans: &Value) -> &str {
    ans["errors"][0]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn two_screenshots_arrive_as_working_links() {
    let site = Site::new();
    let a = site.upload(1, "Screen Shot 1.png").await;
    let b = site.upload(2, "صورة 2.png").await;
    assert_eq!(a, format!("uploads/{SID}/1-Screen_Shot_1.png"));
    let (status, ans) = site.submit(&[&a, &b]).await;
    assert_eq!(status, StatusCode::OK, "{ans}");
    let mails = site.outbox();
    assert_eq!(mails.len(), 1);
    let eml = std::fs::read(&mails[0]).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&eml).unwrap();
    let text = msg.body_text(0).unwrap().to_string();
    assert!(text.contains("Screen_Shot_1.png"), "{text}");
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.starts_with("http://127.0.0.1:9999/api/contact/uploads?key="))
        .collect();
    assert_eq!(links.len(), 2, "{text}");
    let names = ["Screen_Shot_1.png", "%D8%B5%D9%88%D8%B1%D8%A9_2.png"];
    for (link, name) in links.into_iter().zip(names) {
        let path = link.trim_start_matches("http://127.0.0.1:9999");
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        let resp = site.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{link}");
        let disposition = resp.headers()["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"")
                && disposition.ends_with(&format!("; filename*=UTF-8''{name}")),
            "{disposition}"
        );
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(body, PNG);
    }
    let rec: Value = serde_json::from_slice(&std::fs::read(&site.records()[0]).unwrap()).unwrap();
    assert_eq!(
        rec["attachments"][1]["key"],
        format!("attachments/sid-{SID}/2-صورة_2.png")
    );
}

#[tokio::test]
async fn grants_refuse_what_the_form_does_not_accept() {
    let site = Site::new();
    let (s, ans) = site
        .grant(json!([{ "n": 1, "name": "big.png", "size": 1001, "type": "image/png" }]))
        .await;
    assert_eq!(
        (s, first_code(&ans)),
        (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large")
    );
    assert_eq!(ans["lang"], "fa", "answered in the page's language");
    let (s, ans) = site
        .grant(json!([{ "n": 1, "name": "x.html", "size": 10, "type": "text/html" }]))
        .await;
    assert_eq!(
        (s, first_code(&ans)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file_type")
    );
    let four: Vec<Value> = (1..=4)
        .map(|n| json!({ "n": n, "name": "a.png", "size": 10, "type": "image/png" }))
        .collect();
    let (s, ans) = site.grant(json!(four)).await;
    assert_eq!(
        (s, first_code(&ans)),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_files")
    );
    assert!(
        list(&site.dir.path().join(".archive")).is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn uploads_are_checked_when_put() {
    let site = Site::new();
    let key = format!("uploads/{SID}/1-a.png");
    let url = format!("/api/contact/uploads?key={key}");
    let too_big = vec![0u8; 1001];
    assert_eq!(
        site.put(&url, "image/png", &too_big).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        site.put(&url, "text/html", b"<p>").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let outside = "/api/contact/uploads?key=attachments/sid-x/1-a.png";
    assert_eq!(
        site.put(outside, "image/png", PNG).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let climbing = format!("/api/contact/uploads?key=uploads/{SID}/../../submissions/x.json");
    assert_eq!(
        site.put(&climbing, "image/png", PNG).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(
        list(&site.dir.path().join(".archive")).is_empty(),
        "nothing stored"
    );
    assert_eq!(site.put(&url, "image/png", PNG).await, StatusCode::CREATED);
    assert_eq!(
        site.put(&url, "image/png", PNG).await,
        StatusCode::CONFLICT,
        "written once"
    );
}

#[tokio::test]
async fn a_submission_naming_bad_keys_is_refused_and_nothing_is_sent() {
    let site = Site::new();
    let good = site.upload(1, "a.png").await;
    let other = "uploads/another-submission/1-a.png".to_string();
    let missing = format!("uploads/{SID}/2-missing.png");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec![&other], "upload_missing"),
        (vec![&missing], "upload_missing"),
        (vec![&good, &good, &good, &good], "too_many_files"),
        (vec!["../../etc/passwd"], "upload_missing"),
    ];
    for (keys, code) in cases {
        let (s, ans) = site.submit(&keys).await;
        assert!(s.is_client_error(), "{keys:?}: {s}");
        assert_eq!(first_code(&ans), code, "{keys:?}");
    }
    assert!(site.outbox().is_empty(), "nothing sent");
    assert!(site.records().is_empty(), "nothing stored");
    assert!(list(&site.dir.path().join(".archive/attachments")).is_empty());
}

/// A form posted without its script: the fields, a chosen file, and an
/// unused file input, as `multipart/form-data`.
fn no_script_post(file: &[u8], ct: &str) -> Request<Body> {
    let b = "----form-boundary";
    let mut body = Vec::new();
    for (k, v) in [
        ("name", "Aino"),
        ("email", "aino@example.com"),
        ("topic", "billing"),
        ("message", "See the screenshot."),
        ("lang", "fa"),
        ("attachments", ""),
    ] {
        body.extend(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"shot.png\"\r\nContent-Type: {ct}\r\n\r\n").bytes());
    body.extend(file);
    body.extend(format!("\r\n--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--{b}--\r\n").bytes());
    Request::builder()
        .method("POST")
        .uri("/api/contact")
        .header("host", "127.0.0.1:9999")
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn without_the_script_files_are_posted_with_the_form_locally() {
    let site = Site::new();
    let resp = site
        .app
        .clone()
        .oneshot(no_script_post(PNG, "image/png"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/fa/contact/thanks/"), "{to}");
    let eml = std::fs::read(&site.outbox()[0]).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&eml).unwrap();
    let text = msg.body_text(0).unwrap().to_string();
    assert!(text.contains("shot.png"), "{text}");
    assert!(
        text.contains("http://127.0.0.1:9999/api/contact/uploads?key=attachments/sid-F-"),
        "{text}"
    );
    // A refused type: nothing stored or sent.
    let site = Site::new();
    let resp = site
        .app
        .clone()
        .oneshot(no_script_post(b"MZ", "application/x-msdownload"))
        .await
        .unwrap();
    let to = resp.headers()["location"].to_str().unwrap();
    assert!(to.contains("code=file_type"), "{to}");
    assert!(site.outbox().is_empty() && site.records().is_empty());
}

#[tokio::test]
async fn without_the_script_files_are_refused_in_aws_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::local(
        dir.path(),
        vec!["en".into(), "fa".into()],
        "en".into(),
        vec![],
    );
    cfg.archive = handler::ArchiveConfig::S3 {
        bucket: "b".into(),
        prefix: String::new(),
    };
    cfg.rate_limit = None;
    let app = Router::new().nest("/api", handler::router(cfg));
    // The answer is in the browser's language: the body's fields are not used.
    let mut req = no_script_post(PNG, "image/png");
    req.headers_mut()
        .insert("accept-language", "fa-IR,fa;q=0.9".parse().unwrap());
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap();
    assert_eq!(to, "/fa/contact/error/?code=uploads_need_script");
    let mut req = no_script_post(PNG, "image/png");
    req.headers_mut()
        .insert("accept", "application/json".parse().unwrap());
    let resp = app.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    let ans: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(ans["errors"][0]["code"], "uploads_need_script");
    assert!(ans["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("JavaScript"));
}

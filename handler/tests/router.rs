//! The router end to end with the local archive and outbox: every rejection,
//! both answer styles, spam handling, idempotency, and store-then-send.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use handler::Config;
use serde_json::Value;
use tower::ServiceExt;

struct Site {
    dir: tempfile::TempDir,
    cfg: Config,
}

impl Site {
    fn new() -> Site {
        Site::with(|_| {})
    }

    fn with(tweak: impl FnOnce(&mut Config)) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::local(
            dir.path(),
            ["en", "fi", "ru", "bn", "fa"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            "en".into(),
            vec!["billing".into(), "technical".into(), "other".into()],
        );
        cfg.rate_limit = None;
        tweak(&mut cfg);
        Site { dir, cfg }
    }

    fn app(&self) -> Router {
        Router::new().nest("/api", handler::router(self.cfg.clone()))
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn outbox(&self) -> Vec<PathBuf> {
        list(&self.root().join(".outbox"))
    }

    fn records(&self) -> Vec<Value> {
        list(&self.root().join(".archive/submissions"))
            .into_iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    fn pending(&self) -> Vec<PathBuf> {
        list(&self.root().join(".archive/pending"))
    }
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .map(|e| e.unwrap().path())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .expect("a Location header")
            .to_str()
            .unwrap()
    }
    fn codes(&self) -> Vec<(Option<String>, String)> {
        self.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().map(str::to_string),
                    e["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

async fn send(
    app: &Router,
    method: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Answer {
    let mut req = Request::builder().method(method).uri("/api/contact");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

async fn post_form(app: &Router, body: &str) -> Answer {
    send(app, "POST", &[("content-type", FORM)], body.to_string()).await
}

async fn post_json(app: &Router, body: &str) -> Answer {
    send(
        app,
        "POST",
        &[("content-type", JSON), ("accept", JSON)],
        body.to_string(),
    )
    .await
}

fn valid_json(extra: &str) -> String {
    format!(
        r#"{{"name":"Aino Ääliö","email":"aino@example.com","topic":"billing","message":"Hei! <script>alert(1)</script>","lang":"fi"{extra}}}"#
    )
}

const VALID_FORM: &str = "name=Aino+%C3%84%C3%A4li%C3%B6&email=aino%40example.com&topic=billing&message=Hello&lang=fi&website=";

#[tokio::test]
async fn plain_form_post_redirects_to_the_thank_you_page_and_writes_mail() {
    let site = Site::with(|c| c.acknowledge = true);
    let a = post_form(&site.app(), VALID_FORM).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let loc = a.location();
    assert!(loc.starts_with("/fi/contact/thanks/?ref=HS-"), "{loc}");
    let reference = loc.rsplit('=').next().unwrap();
    assert!(handler::reference::is_reference(reference));

    let records = site.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["status"], "sent");
    assert_eq!(records[0]["reference"], reference);
    assert!(site.pending().is_empty());
    // Support email and the Finnish acknowledgement.
    let out = site.outbox();
    assert_eq!(out.len(), 2, "{out:?}");
    let support = std::fs::read(
        out.iter()
            .find(|p| p.to_string_lossy().ends_with("-support.eml"))
            .unwrap(),
    )
    .unwrap();
    let msg = mail_parser::MessageParser::default()
        .parse(&support)
        .unwrap();
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address(),
        Some("aino@example.com")
    );
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().name(),
        Some("Aino Ääliö")
    );
    assert!(msg.subject().unwrap().contains(reference));
    let ack = std::fs::read(
        out.iter()
            .find(|p| p.to_string_lossy().ends_with("-ack.eml"))
            .unwrap(),
    )
    .unwrap();
    let ack = mail_parser::MessageParser::default().parse(&ack).unwrap();
    assert_eq!(
        ack.to().unwrap().first().unwrap().address(),
        Some("aino@example.com")
    );
    assert!(ack.subject().unwrap().starts_with("Saimme viestisi"));
    assert!(
        !ack.body_text(0).unwrap().contains("Aino"),
        "the acknowledgement repeats nothing the visitor typed"
    );
}

#[tokio::test]
async fn json_post_answers_ok_and_reference() {
    let site = Site::new();
    let a = post_json(&site.app(), &valid_json("")).await;
    assert_eq!(a.status, StatusCode::OK);
    let j = a.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["reference"], site.records()[0]["reference"]);
    assert_eq!(a.headers.get("cache-control").unwrap(), "no-store");
}

#[tokio::test]
async fn json_errors_carry_field_code_and_localized_message() {
    let site = Site::new();
    let a = post_json(
        &site.app(),
        r#"{"name":"","email":"nope","topic":"lottery","message":"x","lang":"ru"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = a.json();
    assert_eq!(j["ok"], false);
    assert_eq!(
        a.codes(),
        vec![
            (Some("name".into()), "required".into()),
            (Some("email".into()), "invalid_email".into()),
            (Some("topic".into()), "invalid_topic".into()),
        ]
    );
    assert_eq!(j["errors"][0]["message"], "Это поле обязательно.");
    assert!(site.records().is_empty() && site.outbox().is_empty());
}

#[tokio::test]
async fn plain_form_errors_redirect_to_the_error_page_of_the_language() {
    let site = Site::new();
    let a = post_form(
        &site.app(),
        "name=A&email=bad&topic=billing&message=x&lang=fa",
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/fa/contact/error/?code=invalid_email");
}

#[tokio::test]
async fn every_bad_request_gets_its_4xx_never_a_500() {
    let site = Site::new();
    let app = site.app();
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a str)>,
        Vec<u8>,
        StatusCode,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "text/plain",
            vec![("content-type", "text/plain")],
            b"hi".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            // The form posts multipart when it has a file picker: an empty
            // one is a form with nothing filled in.
            "empty multipart",
            vec![("content-type", "multipart/form-data; boundary=x")],
            b"--x--".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
        (
            "multipart without a boundary",
            vec![("content-type", "multipart/form-data")],
            b"--x--".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "broken multipart",
            vec![("content-type", "multipart/form-data; boundary=x")],
            b"--x\r\nno headers end".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            "no type",
            vec![],
            b"name=a".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "bad json",
            vec![("content-type", JSON)],
            b"{\"name\":".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "json array",
            vec![("content-type", JSON)],
            b"[]".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "json utf8",
            vec![("content-type", JSON)],
            b"{\"name\":\"\xc3\x28\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_utf8",
        ),
        (
            "form utf8",
            vec![("content-type", FORM)],
            b"name=%C3%28".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_utf8",
        ),
        (
            "duplicate",
            vec![("content-type", FORM)],
            b"email=a%40b.fi&email=c%40d.fi".to_vec(),
            StatusCode::BAD_REQUEST,
            "duplicate_field",
        ),
        (
            "too large",
            vec![("content-type", FORM)],
            vec![b'a'; 64 * 1024 + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            "header injection",
            vec![("content-type", JSON)],
            valid_json("")
                .replace("Aino Ääliö", "Aino\\r\\nBcc: victim@example.com")
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "header_injection",
        ),
        (
            "long message",
            vec![("content-type", JSON)],
            valid_json("")
                .replace("Hei!", &"x".repeat(5001))
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
        ),
        (
            "long name",
            vec![("content-type", JSON)],
            valid_json("")
                .replace("Aino Ääliö", &"n".repeat(201))
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
        ),
        (
            "bad lang",
            vec![("content-type", JSON)],
            valid_json("").replace("\"fi\"", "\"de\"").into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_language",
        ),
        (
            "bad topic",
            vec![("content-type", JSON)],
            valid_json("").replace("billing", "refund").into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_topic",
        ),
        (
            "bad email",
            vec![("content-type", JSON)],
            valid_json("")
                .replace("aino@example.com", "aino@example")
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
        ),
        (
            "quoted email",
            vec![("content-type", JSON)],
            valid_json("")
                .replace("aino@example.com", "\\\"a\\\"@example.com")
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
        ),
        (
            "bad id",
            vec![("content-type", JSON)],
            valid_json(r#","submission_id":"../../etc/passwd""#).into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            "non-string",
            vec![("content-type", JSON)],
            br#"{"name":{"a":1}}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
    ];
    for (what, mut headers, body, status, code) in cases {
        headers.push(("accept", JSON));
        let a = send(&app, "POST", &headers, body).await;
        assert_eq!(
            a.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert!(
            a.codes().iter().any(|(_, c)| c == code),
            "{what}: {:?}",
            a.codes()
        );
        assert!(a.json()["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    assert!(site.records().is_empty() && site.outbox().is_empty());
}

#[tokio::test]
async fn honeypot_and_time_trap_look_accepted_but_nothing_happens() {
    let site = Site::new();
    let app = site.app();
    let a = post_json(&app, &valid_json(r#","website":"http://cheap.example""#)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["ok"], true);
    assert!(handler::reference::is_reference(
        a.json()["reference"].as_str().unwrap()
    ));

    let now = handler::time::now_ms();
    let a = post_json(
        &app,
        &valid_json(&format!(r#","started_at":{}"#, now - 500)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = post_form(&app, &format!("{VALID_FORM}&started_at={}", now - 1000)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(a.location().starts_with("/fi/contact/thanks/?ref="));
    assert!(
        site.records().is_empty() && site.outbox().is_empty(),
        "spam is neither stored nor sent"
    );

    // A person who took their time is fine.
    let a = post_json(
        &app,
        &valid_json(&format!(r#","started_at":{}"#, now - 60_000)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(site.records().len(), 1);
}

#[tokio::test]
async fn same_submission_id_twice_is_stored_and_mailed_once() {
    let site = Site::with(|c| c.acknowledge = false);
    let app = site.app();
    let body = valid_json(r#","submission_id":"3f1c2a9e-77aa-4a53-9d1e-5c1b3b0f1d2e""#);
    let first = post_json(&app, &body).await.json();
    let second = post_json(&app, &body).await.json();
    assert_eq!(
        first["reference"], second["reference"],
        "the retry gets the same reference"
    );
    assert_eq!(site.records().len(), 1);
    assert_eq!(site.outbox().len(), 1);
    assert!(site.pending().is_empty());
    // Without an id, every post is new.
    post_json(&app, &valid_json("")).await;
    post_json(&app, &valid_json("")).await;
    assert_eq!(site.records().len(), 3);
}

#[tokio::test]
async fn archive_unwritable_means_try_again_and_nothing_sent() {
    let site = Site::new();
    std::fs::write(site.root().join(".archive"), b"not a folder").unwrap();
    let a = post_json(&site.app(), &valid_json("")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.codes(), vec![(None, "archive_unavailable".to_string())]);
    assert!(
        a.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Yritä"),
        "in Finnish"
    );
    assert!(site.outbox().is_empty());
    let a = post_form(&site.app(), VALID_FORM).await;
    assert_eq!(a.location(), "/fi/contact/error/?code=archive_unavailable");
}

#[tokio::test]
async fn mail_failure_leaves_it_pending_and_redeliver_sends_it_once() {
    let site = Site::with(|c| c.acknowledge = false);
    let outbox = site.root().join(".outbox");
    std::fs::write(&outbox, b"blocks the outbox folder").unwrap();
    let a = post_json(&site.app(), &valid_json("")).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "the visitor still gets their reference"
    );
    let reference = a.json()["reference"].as_str().unwrap().to_string();
    let rec = &site.records()[0];
    assert_eq!(rec["status"], "pending");
    assert_eq!(rec["attempts"], 1);
    assert!(rec["last_error"].as_str().is_some());
    assert_eq!(site.pending().len(), 1);

    std::fs::remove_file(&outbox).unwrap();
    let services = handler::Services::from_config(&site.cfg).await.unwrap();
    let report = handler::redeliver(&site.cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    let report = handler::redeliver(&site.cfg, &services, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        report,
        handler::RedeliverReport::default(),
        "nothing left to send"
    );
    assert_eq!(site.outbox().len(), 1);
    assert!(site.outbox()[0].to_string_lossy().contains(&reference));
    assert_eq!(site.records()[0]["status"], "sent");
    assert!(site.pending().is_empty());
}

#[tokio::test]
async fn redeliver_leaves_recent_submissions_to_the_request_sending_them() {
    let site = Site::with(|c| c.acknowledge = false);
    std::fs::write(site.root().join(".outbox"), b"x").unwrap();
    post_json(&site.app(), &valid_json("")).await;
    std::fs::remove_file(site.root().join(".outbox")).unwrap();
    let services = handler::Services::from_config(&site.cfg).await.unwrap();
    let report = handler::redeliver(&site.cfg, &services, Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!((report.sent, report.skipped), (0, 1));
    assert!(site.outbox().is_empty());
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let site = Site::with(|c| c.allowed_origins = vec!["https://help.example.com".into()]);
    let app = site.app();
    let good = [
        ("origin", "https://help.example.com"),
        ("access-control-request-method", "POST"),
    ];
    let a = send(&app, "OPTIONS", &good, Body::empty()).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        a.headers["access-control-allow-origin"],
        "https://help.example.com"
    );
    assert!(a.headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(a.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("content-type"));

    let evil = [
        ("origin", "https://evil.example"),
        ("access-control-request-method", "POST"),
    ];
    let a = send(&app, "OPTIONS", &evil, Body::empty()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.headers.get("access-control-allow-origin").is_none());

    let a = send(
        &app,
        "POST",
        &[
            ("origin", "https://evil.example"),
            ("content-type", JSON),
            ("accept", JSON),
        ],
        valid_json(""),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.codes(), vec![(None, "origin_not_allowed".to_string())]);
    assert!(site.records().is_empty());

    let a = send(
        &app,
        "POST",
        &[
            ("origin", "https://help.example.com"),
            ("content-type", JSON),
            ("accept", JSON),
        ],
        valid_json(""),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers["access-control-allow-origin"],
        "https://help.example.com"
    );
}

#[tokio::test]
async fn local_config_accepts_same_origin_posts() {
    let site = Site::new();
    let h = [
        ("origin", "http://127.0.0.1:8000"),
        ("host", "127.0.0.1:8000"),
        ("content-type", FORM),
    ];
    let a = send(&site.app(), "POST", &h, VALID_FORM).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(
        a.headers.get("access-control-allow-origin").is_none(),
        "same-origin needs no CORS headers"
    );
    let h = [
        ("origin", "http://127.0.0.1:9999"),
        ("host", "127.0.0.1:8000"),
        ("content-type", FORM),
    ];
    let a = send(&site.app(), "POST", &h, VALID_FORM).await;
    assert_eq!(a.location(), "/en/contact/error/?code=origin_not_allowed");
}

#[tokio::test]
async fn rate_limit_per_client() {
    let site = Site::with(|c| {
        c.rate_limit = Some(handler::RateLimit {
            burst: 2,
            per: Duration::from_secs(3600),
        });
        c.trust_forwarded_for = true;
        c.acknowledge = false;
    });
    let app = site.app();
    let h = |ip| {
        vec![
            ("x-forwarded-for", ip),
            ("content-type", JSON),
            ("accept", JSON),
        ]
    };
    assert_eq!(
        send(&app, "POST", &h("192.0.2.1"), valid_json(""))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, "POST", &h("192.0.2.1"), valid_json(""))
            .await
            .status,
        StatusCode::OK
    );
    let a = send(&app, "POST", &h("192.0.2.1"), valid_json("")).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.codes(), vec![(None, "rate_limited".to_string())]);
    assert!(a.headers.get("retry-after").is_some());
    assert_eq!(
        send(&app, "POST", &h("192.0.2.2"), valid_json(""))
            .await
            .status,
        StatusCode::OK,
        "another client"
    );
}

/// The client controls everything left of what its proxies append to
/// `X-Forwarded-For`: changing it must not buy more posts.
#[tokio::test]
async fn spoofed_forwarded_for_entries_do_not_bypass_the_rate_limit() {
    for (hops, proxies) in [(1, ""), (2, ", 10.0.0.7"), (3, ", 10.0.0.7, 10.0.0.8")] {
        let site = Site::with(|c| {
            c.rate_limit = Some(handler::RateLimit {
                burst: 3,
                per: Duration::from_secs(3600),
            });
            c.trust_forwarded_for = true;
            c.trusted_proxy_hops = hops;
            c.acknowledge = false;
        });
        let app = site.app();
        let mut passed = 0;
        for i in 0..12 {
            // The client's own header, then what the proxies appended.
            let spoof = match i % 3 {
                0 => format!("198.51.100.{i}"),
                1 => format!("203.0.113.{i}, 192.0.2.{i}"),
                _ => "not an address".to_string(),
            };
            let xff = format!("{spoof}, 192.0.2.1{proxies}");
            let h = [
                ("x-forwarded-for", xff.as_str()),
                ("content-type", JSON),
                ("accept", JSON),
            ];
            if send(&app, "POST", &h, valid_json("")).await.status == StatusCode::OK {
                passed += 1;
            }
        }
        assert_eq!(passed, 3, "{hops} proxies: the limit holds");
        // A separate header line from the client counts as client text too.
        let h = [
            ("x-forwarded-for", "198.51.100.200"),
            ("x-forwarded-for", &*format!("192.0.2.1{proxies}")),
            ("content-type", JSON),
            ("accept", JSON),
        ];
        let a = send(&app, "POST", &h, valid_json("")).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{hops} proxies");
        let h = [
            (
                "x-forwarded-for",
                &*format!("192.0.2.1, 192.0.2.2{proxies}"),
            ),
            ("content-type", JSON),
            ("accept", JSON),
        ];
        let a = send(&app, "POST", &h, valid_json("")).await;
        assert_eq!(a.status, StatusCode::OK, "another client, {hops} proxies");
    }
}

#[tokio::test]
async fn error_language_follows_accept_language_before_the_body_is_read() {
    let site = Site::new();
    let a = send(
        &site.app(),
        "POST",
        &[
            ("content-type", "text/plain"),
            ("accept-language", "bn-BD,en;q=0.5"),
        ],
        "x",
    )
    .await;
    assert_eq!(
        a.location(),
        "/bn/contact/error/?code=unsupported_media_type"
    );
}

#[tokio::test]
async fn only_post_and_options() {
    let site = Site::new();
    let a = send(&site.app(), "GET", &[], Body::empty()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
}

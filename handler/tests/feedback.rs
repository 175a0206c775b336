//! `POST /feedback` and `POST /insights` through the router with the local
//! archive: both answer styles, spam, bad input, idempotency, and that
//! nothing about the visitor is stored.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use handler::Config;
use serde_json::Value;
use tower::ServiceExt;

fn site() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::local(
        dir.path(),
        ["en", "fa"].iter().map(|s| s.to_string()).collect(),
        "en".into(),
        vec![],
    );
    cfg.rate_limit = None;
    let app = Router::new().nest("/api", handler::router(cfg));
    (dir, app)
}

/// Every stored event file under `folder` (feedback or insights).
fn stored(root: &Path, folder: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let dir = root.join(".archive").join(folder);
    for day in std::fs::read_dir(dir).into_iter().flatten() {
        for f in std::fs::read_dir(day.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The stored events: from the name of a `.e` file (which is empty), from
/// the JSON of any other.
fn events(root: &Path, folder: &str) -> Vec<Value> {
    stored(root, folder)
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            let name = p.file_name().unwrap().to_str().unwrap();
            match handler::events::Event::from_fact_name(name, 0) {
                Some(ev) => {
                    assert!(bytes.is_empty(), "{name}");
                    serde_json::to_value(ev).unwrap()
                }
                None => serde_json::from_slice(&bytes).unwrap(),
            }
        })
        .collect()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn location(&self) -> &str {
        self.headers.get("location").unwrap().to_str().unwrap()
    }
}

async fn send(app: &Router, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut req = Request::builder()
        .method("POST")
        .uri(path)
        .header("x-forwarded-for", "203.0.113.9");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
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

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
const JSON: (&str, &str) = ("content-type", "application/json");
const ACCEPT_JSON: (&str, &str) = ("accept", "application/json");

#[tokio::test]
async fn a_plain_yes_returns_to_the_page_thanked() {
    let (dir, app) = site();
    let a = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=en&page=%2Fen%2Fbilling%2F&vote=yes&website=",
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/en/billing/#feedback-thanks");
    let ev = events(dir.path(), "feedback");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["y"], "yes");
    assert_eq!(ev[0]["p"], "/en/billing/");
}

#[tokio::test]
async fn a_plain_no_asks_why_and_the_reason_is_stored() {
    let (dir, app) = site();
    let a = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=fa&page=%2Ffa%2Fbilling%2F&vote=no",
    )
    .await;
    assert_eq!(a.location(), "/fa/billing/#feedback-more");
    let b = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=fa&page=%2Ffa%2Fbilling%2F&reason=outdated&text=%D9%82%DB%8C%D9%85%D8%AA",
    )
    .await;
    assert_eq!(b.location(), "/fa/billing/#feedback-thanks");
    let ev = events(dir.path(), "feedback");
    assert_eq!(ev.len(), 2);
    let reason = ev.iter().find(|e| e["k"] == "reason").unwrap();
    assert_eq!(reason["r"], "outdated");
    assert_eq!(reason["x"], "قیمت");
    // A page whose path is not ASCII comes back percent-encoded.
    let c = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=fa&page=%2Ffa%2F%D9%82%DB%8C%D9%85%D8%AA%2F&vote=yes",
    )
    .await;
    assert_eq!(c.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.location(),
        "/fa/%D9%82%DB%8C%D9%85%D8%AA/#feedback-thanks"
    );
}

#[tokio::test]
async fn a_duplicate_vote_from_one_view_is_stored_once() {
    let (dir, app) = site();
    let body =
        r#"{"lang":"en","page":"/en/faq/","question":"refunds","vote":"no","view":"v1a2b3c4d5e6"}"#;
    for _ in 0..3 {
        let a = send(&app, "/api/feedback", &[JSON, ACCEPT_JSON], body).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.json()["ok"], true);
    }
    assert_eq!(stored(dir.path(), "feedback").len(), 1);
    // Another question on the same page view is another vote.
    let other = body.replace("refunds", "shipping");
    send(&app, "/api/feedback", &[JSON, ACCEPT_JSON], &other).await;
    assert_eq!(stored(dir.path(), "feedback").len(), 2);
}

#[tokio::test]
async fn nothing_about_the_visitor_is_stored() {
    let (dir, app) = site();
    send(
        &app,
        "/api/feedback",
        &[FORM, ("user-agent", "Agent/7.7"), ("cookie", "sid=secret")],
        "lang=en&page=%2Fen%2F&vote=no&reason=other&text=hi",
    )
    .await;
    send(
        &app,
        "/api/insights",
        &[FORM, ("user-agent", "Agent/7.7")],
        "lang=en&kind=zero_hits&query=Where+IS++my+parcel",
    )
    .await;
    for folder in ["feedback", "insights"] {
        for p in stored(dir.path(), folder) {
            let text = std::fs::read_to_string(&p).unwrap();
            for secret in ["203.0.113.9", "Agent/7.7", "secret", "127.0.0.1"] {
                assert!(!text.contains(secret), "{}: {text}", p.display());
            }
        }
    }
    let ins = events(dir.path(), "insights");
    assert_eq!(ins[0]["x"], "where is my parcel");
    assert_eq!(
        ins[0].get("v"),
        None,
        "the page-view id is not kept for insights"
    );
}

#[tokio::test]
async fn honeypot_and_time_trap_are_answered_like_success_and_store_nothing() {
    let (dir, app) = site();
    let a = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=en&page=%2Fen%2F&vote=yes&website=http%3A%2F%2Fspam",
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let b = send(
        &app,
        "/api/feedback",
        &[JSON, ACCEPT_JSON],
        &format!(r#"{{"lang":"en","page":"/en/","vote":"yes","started_at":"{now}"}}"#),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK);
    assert!(stored(dir.path(), "feedback").is_empty());
}

#[tokio::test]
async fn bad_input_is_a_localized_4xx_never_a_5xx() {
    let (dir, app) = site();
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, u16, &'a str);
    let cases: &[Case] = &[
        (
            &[JSON, ACCEPT_JSON],
            r#"{"lang":"fa","page":"/fa/","vote":"maybe"}"#,
            422,
            "invalid_value",
        ),
        (
            &[JSON, ACCEPT_JSON],
            r#"{"lang":"fa","page":"https://evil.example/","vote":"yes"}"#,
            422,
            "invalid_value",
        ),
        (
            &[JSON, ACCEPT_JSON],
            r#"{"lang":"xx","page":"/en/","vote":"yes"}"#,
            422,
            "invalid_language",
        ),
        (
            &[JSON, ACCEPT_JSON],
            r#"{"lang":"fa","page":"/fa/"}"#,
            422,
            "required",
        ),
        (&[JSON, ACCEPT_JSON], r#"[1,2"#, 400, "malformed_json"),
        (
            &[JSON, ACCEPT_JSON],
            r#"{"lang":"fa","page":"/fa/","vote":["yes"]}"#,
            422,
            "invalid_value",
        ),
        (
            &[FORM, ACCEPT_JSON],
            "lang=fa&page=%2Ffa%2F&vote=yes&vote=no",
            400,
            "duplicate_field",
        ),
        (
            &[FORM, ACCEPT_JSON],
            "lang=fa&page=%FF",
            400,
            "invalid_utf8",
        ),
        (
            &[("content-type", "text/plain"), ACCEPT_JSON],
            "x",
            415,
            "unsupported_media_type",
        ),
    ];
    for (headers, body, status, code) in cases {
        let a = send(&app, "/api/feedback", headers, body).await;
        assert_eq!(a.status.as_u16(), *status, "{body}");
        assert_eq!(a.json()["errors"][0]["code"], *code, "{body}");
    }
    let long = format!(
        r#"{{"lang":"fa","page":"/fa/","vote":"no","text":"{}"}}"#,
        "ب".repeat(501)
    );
    let a = send(&app, "/api/feedback", &[JSON, ACCEPT_JSON], &long).await;
    assert_eq!(a.status.as_u16(), 422);
    let message = a.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("500") || message.contains("۵۰۰"),
        "{message}"
    );
    // In Persian, not the English text.
    assert!(
        message
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{message}"
    );
    let big = format!("lang=en&page=%2Fen%2F&vote=no&text={}", "a".repeat(20_000));
    let a = send(&app, "/api/feedback", &[FORM, ACCEPT_JSON], &big).await;
    assert_eq!(a.status.as_u16(), 413);
    // A plain post with a bad value goes back to its page, to the error note.
    let a = send(
        &app,
        "/api/feedback",
        &[FORM],
        "lang=en&page=%2Fen%2Fx%2F&vote=maybe",
    )
    .await;
    assert_eq!(
        a.location(),
        "/en/x/?feedback_error=invalid_value#feedback-error"
    );
    let bad = [
        "lang=en&kind=zero_hits&query=",
        "lang=en&kind=clicks&query=a",
        "lang=en&kind=zero_hits&query=a&view=%3C%3E",
    ];
    for body in bad {
        let a = send(&app, "/api/insights", &[FORM, ACCEPT_JSON], body).await;
        assert_eq!(a.status.as_u16(), 422, "{body}");
    }
    assert!(stored(dir.path(), "feedback").is_empty());
    assert!(stored(dir.path(), "insights").is_empty());
}

#[tokio::test]
async fn insights_are_stored_once_per_view_and_query() {
    let (dir, app) = site();
    for q in ["Refund  later", "refund later", "gift card"] {
        let a = send(
            &app,
            "/api/insights",
            &[FORM],
            &format!(
                "lang=fa&kind=zero_hits&query={}&view=pv123456789",
                q.replace(' ', "+")
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::NO_CONTENT);
    }
    send(
        &app,
        "/api/insights",
        &[FORM],
        "lang=fa&kind=suggestion_opened&query=refund&view=pv123456789",
    )
    .await;
    let ev = events(dir.path(), "insights");
    assert_eq!(ev.len(), 3, "{ev:?}");
}

#[tokio::test]
async fn the_feedback_limit_answers_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::local(dir.path(), vec!["en".into()], "en".into(), vec![]);
    cfg.rate_limit = Some(handler::RateLimit {
        burst: 1,
        per: std::time::Duration::from_secs(60),
    });
    cfg.trust_forwarded_for = true;
    let app = Router::new().nest("/api", handler::router(cfg));
    let mut last = None;
    for i in 0..7 {
        let body = format!("lang=en&page=%2Fen%2F&vote=yes&view=view{i:08}");
        last = Some(send(&app, "/api/feedback", &[FORM, ACCEPT_JSON], &body).await);
    }
    let a = last.unwrap();
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers.get("retry-after").is_some());
    assert_eq!(stored(dir.path(), "feedback").len(), 6);
}

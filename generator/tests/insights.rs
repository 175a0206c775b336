//! `helpsite insights` over an archive written by the handler itself:
//! votes, a repeated vote, reasons with hostile text, zero-hit queries and
//! opened suggestions, in two languages, reported as text, JSON and HTML.

use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

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

async fn archive(root: &Path) {
    let mut cfg = handler::Config::local(root, vec!["en".into(), "fa".into()], "en".into(), vec![]);
    cfg.rate_limit = None;
    let app = handler::router(cfg);
    for (view, vote) in [
        ("view00001", "no"),
        ("view00002", "no"),
        ("view00003", "yes"),
    ] {
        let body = format!("lang=en&page=%2Fen%2Fbilling%2F&vote={vote}&view={view}");
        post(&app, "/feedback", &body).await;
    }
    // The same view again: counted once.
    post(
        &app,
        "/feedback",
        "lang=en&page=%2Fen%2Fbilling%2F&vote=no&view=view00001",
    )
    .await;
    post(
        &app,
        "/feedback",
        "lang=en&page=%2Fen%2Fbilling%2F&reason=outdated&text=%3Cscript%3Ealert(1)%3C%2Fscript%3E+prices+changed&view=view00001",
    )
    .await;
    post(
        &app,
        "/feedback",
        "lang=fa&page=%2Ffa%2Ffaq%2F&question=refunds&vote=no&view=view00004",
    )
    .await;
    post(
        &app,
        "/feedback",
        "lang=fa&page=%2Ffa%2Ffaq%2F&question=refunds&reason=unclear&text=%D9%85%D8%A8%D9%87%D9%85&view=view00004",
    )
    .await;
    for view in ["view00005", "view00006"] {
        post(
            &app,
            "/insights",
            &format!("lang=fa&kind=zero_hits&query=Gift++Card&view={view}"),
        )
        .await;
    }
    post(
        &app,
        "/insights",
        "lang=en&kind=suggestion_opened&query=refund&view=view00007",
    )
    .await;
}

fn run(root: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["insights", "--archive"])
        .arg(root.join(".archive"))
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn reports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path()).await;

    let json: serde_json::Value = serde_json::from_str(&run(dir.path(), "json")).unwrap();
    let en = &json["languages"]["en"];
    assert_eq!((en["yes"].as_u64(), en["no"].as_u64()), (Some(1), Some(2)));
    assert_eq!(en["most_unhelpful"][0]["page"], "/en/billing/");
    assert_eq!(en["most_unhelpful"][0]["reasons"]["outdated"], 1);
    assert_eq!(en["suggestions_opened"], 1);
    let fa = &json["languages"]["fa"];
    assert_eq!(fa["most_unhelpful"][0]["question"], "refunds");
    assert_eq!(fa["most_unhelpful"][0]["comments"][0], "مبهم");
    assert_eq!(fa["zero_hit_queries"][0]["query"], "gift card");
    assert_eq!(fa["zero_hit_queries"][0]["count"], 2);

    let text = run(dir.path(), "text");
    assert!(text.contains("== en: 1 yes, 2 no, helpful 33%"), "{text}");
    assert!(text.contains("/fa/faq/#refunds"), "{text}");
    assert!(text.contains("    2  gift card"), "{text}");

    let html = run(dir.path(), "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    assert!(!html.contains("<script"), "visitor text must be escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; prices changed"));
    let since = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args([
            "insights",
            "--since",
            "2999-01-01",
            "--format",
            "json",
            "--archive",
        ])
        .arg(dir.path().join(".archive"))
        .output()
        .unwrap();
    let later: serde_json::Value = serde_json::from_slice(&since.stdout).unwrap();
    assert_eq!(later["events"], 0);
}

#[test]
fn bad_arguments_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["insights", "--since", "yesterday"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

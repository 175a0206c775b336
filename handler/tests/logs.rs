//! Logs are structured JSON lines that carry the reference and never what
//! the visitor typed.
#![cfg(feature = "aws")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use tower::ServiceExt;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn json_logs_name_the_reference_not_the_message() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .finish();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = handler::Config::local(dir.path(), vec!["en".into()], "en".into(), vec![]);
    cfg.rate_limit = None;
    let app = Router::new().nest("/api", handler::router(cfg));
    let body = r#"{"name":"Secret Name","email":"secret.person@example.com","topic":"billing","message":"my card number is 4111"}"#;
    let spam = r#"{"name":"Bot","email":"bot@example.com","topic":"billing","message":"buy pills","website":"x"}"#;

    let reference = tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let post = |b: &'static str| {
                Request::post("/api/contact")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(Body::from(b))
                    .unwrap()
            };
            let resp = app.clone().oneshot(post(body)).await.unwrap();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            let j: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            app.clone().oneshot(post(spam)).await.unwrap();
            j["reference"].as_str().unwrap().to_string()
        })
    });

    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["reference"] == reference.as_str()),
        "reference logged:\n{logs}"
    );
    assert!(
        lines.iter().any(|l| l["fields"]["spam"] == "honeypot"),
        "spam counted:\n{logs}"
    );
    for secret in ["Secret Name", "secret.person", "4111", "buy pills"] {
        assert!(
            !logs.contains(secret),
            "{secret:?} leaked into the logs:\n{logs}"
        );
    }
}

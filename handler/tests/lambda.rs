//! The Lambda path: Function URL and API Gateway HTTP API (v2) events, as
//! `lambda_http` turns them into requests for the same router.
#![cfg(feature = "aws")]

use axum::Router;
use handler::Config;
use lambda_http::tower::ServiceExt as _;
use serde_json::{json, Value};

fn config(dir: &std::path::Path) -> Config {
    let mut cfg = Config::local(dir, vec!["en".into(), "fi".into()], "en".into(), vec![]);
    cfg.allowed_origins = vec!["https://help.example.com".into()];
    cfg.allow_same_origin = false;
    cfg.acknowledge = false;
    cfg
}

fn event(
    path: &str,
    headers: Value,
    body: &str,
    base64: bool,
    source_ip: &str,
    function_url: bool,
) -> String {
    use base64_encode as b64;
    let host = if function_url {
        "abc123.lambda-url.eu-north-1.on.aws"
    } else {
        "api-id.execute-api.eu-north-1.amazonaws.com"
    };
    let mut headers = headers;
    headers["host"] = json!(host);
    headers["x-forwarded-for"] = json!(source_ip);
    json!({
        "version": "2.0",
        "routeKey": if function_url { "$default" } else { "POST /api/contact" },
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": if function_url { "anonymous" } else { "123456789012" },
            "apiId": "abc123",
            "domainName": host,
            "domainPrefix": "abc123",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": "Mozilla/5.0"
            },
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "02/May/2024:13:45:00 +0000",
            "timeEpoch": 1_714_657_500_000u64
        },
        "body": if base64 { b64(body.as_bytes()) } else { body.to_string() },
        "isBase64Encoded": base64
    })
    .to_string()
}

/// Standard base64, enough for the test events (no extra dependency).
fn base64_encode(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn call(app: &Router, event: &str) -> (u16, axum::http::HeaderMap, Value) {
    let req = lambda_http::request::from_str(event).expect("a valid Lambda event");
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, headers, json)
}

const FORM: &str =
    "name=Aino&email=aino%40example.com&topic=billing&message=Hei%21+%C3%A4%C3%B6&lang=fi";

#[tokio::test]
async fn function_url_event_with_json_body() {
    let dir = tempfile::tempdir().unwrap();
    let app = handler::lambda_router(config(dir.path()));
    let body = r#"{"name":"Aino","email":"aino@example.com","topic":"billing","message":"Hei","lang":"fi"}"#;
    let headers = json!({"content-type": "application/json", "accept": "application/json", "origin": "https://help.example.com"});
    let (status, h, j) = call(
        &app,
        &event("/", headers, body, false, "198.51.100.7", true),
    )
    .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["ok"], true);
    assert_eq!(h["access-control-allow-origin"], "https://help.example.com");
    assert_eq!(
        std::fs::read_dir(dir.path().join(".outbox"))
            .unwrap()
            .count(),
        1
    );
}

#[tokio::test]
async fn api_gateway_v2_event_with_base64_urlencoded_body() {
    let dir = tempfile::tempdir().unwrap();
    let app = handler::lambda_router(config(dir.path()));
    let headers =
        json!({"content-type": "application/x-www-form-urlencoded", "accept": "text/html"});
    let (status, h, _) = call(
        &app,
        &event("/api/contact", headers, FORM, true, "198.51.100.7", false),
    )
    .await;
    assert_eq!(status, 303);
    assert!(h["location"]
        .to_str()
        .unwrap()
        .starts_with("/fi/contact/thanks/?ref=HS-"));
    let eml = std::fs::read_dir(dir.path().join(".outbox"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let raw = std::fs::read(eml).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(
        msg.body_text(0).unwrap().contains("Hei! äö"),
        "base64 body decoded as UTF-8"
    );
}

#[tokio::test]
async fn lambda_rejections_are_answered_too() {
    let dir = tempfile::tempdir().unwrap();
    let app = handler::lambda_router(config(dir.path()));
    let json_h = json!({"content-type": "application/json", "accept": "application/json"});
    let (s, _, j) = call(
        &app,
        &event(
            "/contact",
            json_h.clone(),
            "{not json",
            false,
            "198.51.100.7",
            true,
        ),
    )
    .await;
    assert_eq!(
        (s, j["errors"][0]["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let big = "a".repeat(70_000);
    let (s, _, _) = call(
        &app,
        &event("/contact", json_h.clone(), &big, true, "198.51.100.7", true),
    )
    .await;
    assert_eq!(s, 413);
    let evil = json!({"content-type": "application/json", "accept": "application/json", "origin": "https://evil.example"});
    let (s, _, _) = call(
        &app,
        &event("/contact", evil, "{}", false, "198.51.100.7", true),
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn rate_limit_keys_on_the_event_source_ip() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.rate_limit = Some(handler::RateLimit {
        burst: 1,
        per: std::time::Duration::from_secs(3600),
    });
    let app = handler::lambda_router(cfg);
    let h =
        json!({"content-type": "application/x-www-form-urlencoded", "accept": "application/json"});
    assert_eq!(
        call(
            &app,
            &event("/contact", h.clone(), FORM, false, "198.51.100.7", true)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        call(
            &app,
            &event("/contact", h.clone(), FORM, false, "198.51.100.7", true)
        )
        .await
        .0,
        429
    );
    assert_eq!(
        call(
            &app,
            &event("/contact", h, FORM, false, "203.0.113.9", true)
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn full_adapter_round_trip_produces_a_lambda_response() {
    // What `lambda_http::run` does with each invocation: event JSON in,
    // response JSON out.
    let dir = tempfile::tempdir().unwrap();
    let app = handler::lambda_router(config(dir.path()));
    let headers = json!({"content-type": "application/x-www-form-urlencoded"});
    let ev = event("/contact", headers, FORM, true, "198.51.100.7", true);
    let payload: lambda_http::request::LambdaRequest = serde_json::from_str(&ev).unwrap();
    let adapter = lambda_http::Adapter::from(app);
    let resp = adapter
        .oneshot(lambda_http::LambdaEvent::new(
            payload,
            lambda_http::Context::default(),
        ))
        .await
        .unwrap();
    let out = serde_json::to_value(&resp).unwrap();
    assert_eq!(out["statusCode"], 303, "{out}");
    assert!(
        out["headers"]["location"]
            .as_str()
            .unwrap()
            .starts_with("/fi/contact/thanks/?ref=HS-"),
        "{out}"
    );
}

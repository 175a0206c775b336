//! A site's extra contact-form fields, as the handler learns them from the
//! form definition: required per topic (messages in the page's language),
//! refused for another topic, and kept in the archive record and the
//! support email.

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use handler::{Config, Texts};
use helpsite_form::definition::{FormDefinition, LanguageTexts, FORMAT};
use helpsite_form::extra::{ExtraField, ExtraKind};
use serde_json::Value;
use tower::ServiceExt;

fn catalog(lang: &str) -> toml::Table {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../themes/default/i18n/{lang}.toml"));
    toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

fn definition() -> FormDefinition {
    let texts = ["en", "fa"]
        .iter()
        .map(|lang| {
            let shipped = catalog(lang);
            let mut messages: std::collections::BTreeMap<String, String> =
                helpsite_form::definition::handler_keys()
                    .into_iter()
                    .map(|k| {
                        let v = shipped[&k].as_str().unwrap().to_string();
                        (k, v)
                    })
                    .collect();
            let label = if *lang == "en" {
                "Order number"
            } else {
                "شماره سفارش"
            };
            messages.insert("form_field_order_number_label".into(), label.into());
            let dir = if *lang == "fa" { "rtl" } else { "ltr" };
            // As the generator writes it: the limits in the language's digits.
            let forty = if *lang == "fa" { "۴۰" } else { "40" };
            let entry = LanguageTexts {
                dir: dir.into(),
                messages,
                numbers: [("40".to_string(), forty.to_string())].into(),
                ..Default::default()
            };
            (lang.to_string(), entry)
        })
        .collect();
    FormDefinition {
        format: FORMAT,
        languages: vec!["en".into(), "fa".into()],
        default_language: "en".into(),
        topics: ["billing", "refund", "technical"]
            .map(String::from)
            .to_vec(),
        fields: vec![
            ExtraField {
                name: "order_number".into(),
                topics: vec!["billing".into(), "refund".into()],
                required_for: vec!["billing".into()],
                max_length: Some(40),
                ..Default::default()
            },
            ExtraField {
                name: "callback".into(),
                kind: ExtraKind::Phone,
                ..Default::default()
            },
        ],
        texts,
        uploads: None,
    }
}

fn app(root: &Path) -> Router {
    let texts = Texts::from_definition(definition()).unwrap();
    let mut cfg = Config::local(root, vec![], "en".into(), vec![]).with_texts(texts);
    cfg.rate_limit = None;
    cfg.min_fill_time = std::time::Duration::ZERO;
    Router::new().nest("/api", handler::router(cfg))
}

async fn post(app: &Router, body: String, json: bool) -> (u16, String, String) {
    let (ct, accept) = if json {
        ("application/json", "application/json")
    } else {
        ("application/x-www-form-urlencoded", "text/html")
    };
    let req = Request::post("/api/contact")
        .header("content-type", ct)
        .header("accept", accept)
        .body(Body::from(body))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, location, String::from_utf8(bytes.to_vec()).unwrap())
}

fn submission(lang: &str, topic: &str, extra: &str) -> String {
    format!(
        r#"{{"name":"Aino","email":"aino@example.com","topic":"{topic}","message":"Typed text","lang":"{lang}"{extra}}}"#
    )
}

#[tokio::test]
async fn a_field_the_topic_requires_is_asked_for_in_the_page_language() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    for lang in ["en", "fa"] {
        let (status, _, body) = post(&app, submission(lang, "billing", ""), true).await;
        assert_eq!(status, 422, "{lang}: {body}");
        let j: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(j["errors"][0]["field"], "order_number", "{lang}");
        assert_eq!(j["errors"][0]["code"], "required_for_topic");
        let expected = catalog(lang)["error_required_for_topic"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(j["errors"][0]["message"], expected.as_str(), "{lang}");
        assert_eq!(j["lang"], lang);
    }
    // Another topic does not need it.
    let (status, _, body) = post(&app, submission("en", "technical", ""), true).await;
    assert_eq!(status, 200, "{body}");

    // A plain post goes back to the error page of its language with the code.
    let form = "name=Aino&email=aino%40example.com&topic=billing&message=Hi&lang=fa&order_number=";
    let (status, location, _) = post(&app, form.into(), false).await;
    assert_eq!(status, 303);
    assert!(
        location.contains("/fa/") && location.contains("code=required_for_topic"),
        "{location}"
    );
}

#[tokio::test]
async fn a_value_for_another_topic_or_of_the_wrong_kind_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let (status, _, body) = post(
        &app,
        submission("en", "technical", r#","order_number":"A-1""#),
        true,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let j: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j["errors"][0]["code"], "not_for_topic");
    assert_eq!(j["errors"][0]["field"], "order_number");

    let long = "9".repeat(41);
    let extra = format!(r#","order_number":"{long}","callback":"call me""#);
    let (status, _, body) = post(&app, submission("fa", "billing", &extra), true).await;
    assert_eq!(status, 422, "{body}");
    let j: Value = serde_json::from_str(&body).unwrap();
    let codes: Vec<&str> = j["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["too_long", "invalid_phone"]);
    // The limit is written with the language's digits.
    assert!(
        j["errors"][0]["message"].as_str().unwrap().contains("۴۰"),
        "{body}"
    );

    // The same extra field twice is refused, like a built-in one.
    let form =
        "name=A&email=a%40example.com&topic=billing&message=Hi&order_number=1&order_number=2";
    let (status, location, _) = post(&app, form.into(), false).await;
    assert_eq!(status, 303);
    assert!(location.contains("code=duplicate_field"), "{location}");
    assert!(std::fs::read_dir(tmp.path().join(".outbox")).map_or(true, |d| d.count() == 0));
}

#[tokio::test]
async fn valid_fields_reach_the_record_and_the_email_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path());
    let extra = r#","order_number":" A-<b>1 ","callback":"+358 40 123 4567","ignored":"x""#;
    let (status, _, body) = post(&app, submission("en", "billing", extra), true).await;
    assert_eq!(status, 200, "{body}");
    let reference = serde_json::from_str::<Value>(&body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();

    let records: Vec<Value> = walk(&tmp.path().join(".archive"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .filter(|r: &Value| r["reference"] == reference.as_str())
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["fields"],
        serde_json::json!([
            {"name": "order_number", "value": "A-<b>1"},
            {"name": "callback", "value": "+358 40 123 4567"}
        ])
    );

    let eml = walk(&tmp.path().join(".outbox"))
        .into_iter()
        .find(|p| {
            p.to_string_lossy()
                .contains(&format!("{reference}-support"))
        })
        .expect("support email");
    let raw = std::fs::read(eml).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let text = msg.body_text(0).unwrap();
    assert!(
        text.contains("Order number (order_number): A-<b>1"),
        "{text}"
    );
    assert!(text.contains("callback: +358 40 123 4567"), "{text}");
    assert!(!text.contains("ignored"));
    let html = msg.body_html(0).unwrap();
    assert!(
        html.contains("A-&lt;b&gt;1") && !html.contains("A-<b>1"),
        "{html}"
    );
    assert!(html.contains("Order number (order_number)"), "{html}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

//! Every shipped language end to end through the router (local archive and
//! outbox): validation messages and the acknowledgement email come from the
//! theme's catalog of the submission's language, with CLDR direction and
//! digits, and a site's own definition overrides them.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use handler::{Config, Texts};
use serde_json::Value;
use tower::ServiceExt;

fn i18n_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default/i18n")
}

fn shipped() -> Vec<(String, toml::Table)> {
    let mut all: Vec<(String, toml::Table)> = std::fs::read_dir(i18n_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let lang = p.file_stem().unwrap().to_string_lossy().into_owned();
            let table = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (lang, table)
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn text<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t[key].as_str().unwrap()
}

fn config(root: &Path, languages: Vec<String>) -> Config {
    let mut cfg = Config::local(root, languages, "en".into(), vec![]);
    cfg.rate_limit = None;
    cfg.min_fill_time = std::time::Duration::ZERO;
    cfg
}

async fn post_json(app: &Router, body: String) -> (u16, Value) {
    let req = Request::post("/api/contact")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn rtl(lang: &str) -> bool {
    ["ar", "fa", "he", "ur"].contains(&lang)
}

#[tokio::test]
async fn validation_messages_in_every_shipped_language() {
    let all = shipped();
    assert!(all.len() >= 45);
    let tmp = tempfile::tempdir().unwrap();
    let langs: Vec<String> = all.iter().map(|(l, _)| l.clone()).collect();
    let app = Router::new().nest("/api", handler::router(config(tmp.path(), langs)));
    for (lang, catalog) in &all {
        let long = "x".repeat(201);
        let body = format!(
            r#"{{"name":"{long}","email":"","topic":"billing","message":"Hi","lang":"{lang}"}}"#
        );
        let (status, j) = post_json(&app, body).await;
        assert_eq!(status, 422, "{lang}: {j}");
        assert_eq!(j["lang"], lang.as_str());
        assert_eq!(j["dir"], if rtl(lang) { "rtl" } else { "ltr" }, "{lang}");
        let errors = j["errors"].as_array().unwrap();
        let by_code = |c: &str| {
            errors
                .iter()
                .find(|e| e["code"] == c)
                .unwrap_or_else(|| panic!("{lang}: no {c} in {j}"))["message"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            by_code("required"),
            text(catalog, "error_required"),
            "{lang}"
        );
        let too_long = by_code("too_long");
        let (before, after) = text(catalog, "error_too_long").split_once("{max}").unwrap();
        assert!(
            too_long.starts_with(before) && too_long.ends_with(after),
            "{lang}: {too_long}"
        );
        let max = &too_long[before.len()..too_long.len() - after.len()];
        match lang.as_str() {
            "fa" => assert_eq!(max, "۲۰۰"),
            "bn" => assert_eq!(max, "২০০"),
            _ => assert!(max.contains("200") || !max.is_ascii(), "{lang}: {max}"),
        }
    }
}

#[tokio::test]
async fn acknowledgement_in_every_shipped_language() {
    let all = shipped();
    let tmp = tempfile::tempdir().unwrap();
    let langs: Vec<String> = all.iter().map(|(l, _)| l.clone()).collect();
    let mut cfg = config(tmp.path(), langs);
    cfg.acknowledge = true;
    cfg.site_name = "Lumo".into();
    let app = Router::new().nest("/api", handler::router(cfg));
    for (lang, catalog) in &all {
        let body = format!(
            r#"{{"name":"Aino","email":"aino@example.com","topic":"billing","message":"Hi","lang":"{lang}"}}"#
        );
        let (status, j) = post_json(&app, body).await;
        assert_eq!(status, 200, "{lang}: {j}");
        let reference = j["reference"].as_str().unwrap();
        let eml = std::fs::read_dir(tmp.path().join(".outbox"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(&format!("{reference}-ack")))
            .unwrap_or_else(|| panic!("{lang}: no acknowledgement"));
        let raw = std::fs::read(&eml).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let subject = text(catalog, "ack_subject").replace("{ref}", reference);
        assert_eq!(msg.subject(), Some(subject.as_str()), "{lang}");
        let body = msg.body_text(0).unwrap().replace("\r\n", "\n");
        let first = text(catalog, "ack_body")
            .split("\n\n")
            .next()
            .unwrap()
            .to_string();
        assert!(body.starts_with(&first), "{lang}: {body}");
        assert!(
            body.contains(reference) && body.trim_end().ends_with("Lumo"),
            "{lang}"
        );
        let html = msg.body_html(0).unwrap();
        let dir = if rtl(lang) { "rtl" } else { "ltr" };
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
            "{lang}: {html}"
        );
        let head = String::from_utf8_lossy(&raw);
        assert!(
            head.contains(&format!("Content-Language: {lang}")),
            "{lang}"
        );
    }
}

#[tokio::test]
async fn a_region_the_catalogs_lack_gets_the_closest_language() {
    let tmp = tempfile::tempdir().unwrap();
    let app = Router::new().nest(
        "/api",
        handler::router(config(tmp.path(), vec!["en".into(), "de-AT".into()])),
    );
    let (_, j) = post_json(
        &app,
        r#"{"name":"","email":"a@example.com","topic":"billing","message":"Hi","lang":"de-AT"}"#
            .into(),
    )
    .await;
    assert_eq!(
        j["errors"][0]["message"],
        "Dieses Feld ist ein Pflichtfeld."
    );
    assert_eq!(j["lang"], "de");
}

#[tokio::test]
async fn a_site_definition_overrides_the_shipped_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let shipped = Texts::shipped();
    let de = shipped.for_lang("de");
    let mut messages = std::collections::BTreeMap::new();
    for key in helpsite_form::definition::handler_keys() {
        messages.insert(key.clone(), de.message(&key).to_string());
    }
    messages.insert("error_required".into(), "Bitte noch ausfüllen.".into());
    let def = helpsite_form::definition::FormDefinition {
        format: helpsite_form::definition::FORMAT,
        languages: vec!["de".into()],
        default_language: "de".into(),
        topics: vec!["billing".into()],
        fields: Vec::new(),
        texts: [(
            "de".to_string(),
            helpsite_form::definition::LanguageTexts {
                dir: "ltr".into(),
                messages,
                ..Default::default()
            },
        )]
        .into(),
        uploads: None,
    };
    let file = tmp.path().join("form.json");
    std::fs::write(&file, serde_json::to_vec(&def).unwrap()).unwrap();
    // As the Lambda gets it: CONTACT_FORM_DEFINITION names the file.
    let cfg = Config::from_lookup(|k| match k {
        "CONTACT_SENDER" => Some("help@example.com".into()),
        "CONTACT_RECIPIENTS" => Some("support@example.com".into()),
        "CONTACT_FORM_DEFINITION" => Some(file.to_string_lossy().into_owned()),
        "CONTACT_ARCHIVE" => Some(tmp.path().join("archive").to_string_lossy().into_owned()),
        "CONTACT_OUTBOX" => Some(tmp.path().join("outbox").to_string_lossy().into_owned()),
        "CONTACT_RATE_LIMIT" => Some("off".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(cfg.languages, ["de"]);
    assert_eq!(cfg.topics, ["billing"]);
    let app = Router::new().nest("/api", handler::router(cfg));
    let (_, j) = post_json(
        &app,
        r#"{"name":"","email":"a@example.com","topic":"billing","message":"Hi","lang":"de"}"#
            .into(),
    )
    .await;
    assert_eq!(j["errors"][0]["message"], "Bitte noch ausfüllen.");

    // A definition that lacks a text is refused at start, not at the first error.
    let mut broken = def.clone();
    broken
        .texts
        .get_mut("de")
        .unwrap()
        .messages
        .remove("ack_body");
    std::fs::write(&file, serde_json::to_vec(&broken).unwrap()).unwrap();
    let err = Config::from_lookup(|k| match k {
        "CONTACT_SENDER" => Some("help@example.com".into()),
        "CONTACT_RECIPIENTS" => Some("support@example.com".into()),
        "CONTACT_FORM_DEFINITION" => Some(file.to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap_err();
    assert!(err.to_string().contains("ack_body"), "{err}");
}

//! `POST /feedback` ("Was this helpful?") and `POST /insights` (searches that
//! found nothing, suggested answers opened): anonymous signals stored as
//! [`crate::events`], never mailed.
//!
//! Same conventions as `/contact`: urlencoded or JSON bodies, JSON answers or
//! a `303` back to the page, honeypot and time trap answered like a success,
//! a per-client rate limit (never stored), localized errors, no 5xx for bad input.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use helpsite_form::{ErrorCode, FEEDBACK_REASONS, FEEDBACK_TEXT_MAX, INSIGHTS_QUERY_MAX};
use http_body_util::{BodyExt, Limited};
use serde_json::json;
use tracing::{error, info};

use crate::app::{self, AppState, BodyKind, Mode, Origin, RateLimiter};
use crate::config::{Config, RateLimit};
use crate::events::{Event, EventStore, Kind};
use crate::input::InputError;
use crate::time::now_ms;

/// Bodies are a few fields; anything larger is not ours.
const BODY_LIMIT: usize = 8 * 1024;
/// A vote is one click: a post sooner than this after the page was shown is a bot.
const MIN_VOTE_MS: u64 = 800;

/// The state of both endpoints: the contact form's, plus their own limiter.
pub struct SignalState {
    app: Arc<AppState>,
    limiter: RateLimiter,
}

/// Reading many pages means many votes: six times the contact form's limit.
fn signal_limit(contact: Option<RateLimit>) -> Option<RateLimit> {
    contact.map(|l| RateLimit {
        burst: l.burst.saturating_mul(6),
        per: l.per,
    })
}

/// `POST`/`OPTIONS` at each feedback and insights path.
pub fn routes(app: Arc<AppState>, feedback: &[&str], insights: &[&str]) -> Router {
    let st = Arc::new(SignalState {
        limiter: RateLimiter::new(signal_limit(app.config.rate_limit)),
        app: app.clone(),
    });
    let mut r = Router::new();
    for p in feedback {
        r = r.route(p, post(post_feedback));
    }
    for p in insights {
        r = r.route(p, post(post_insights));
    }
    let r = r.with_state(st);
    let mut pre = Router::new();
    for p in feedback.iter().chain(insights) {
        pre = pre.route(p, axum::routing::options(app::preflight));
    }
    r.merge(pre.with_state(app))
}

/// The posted values by name, only the names `known` lists.
type Fields = BTreeMap<&'static str, String>;

const FEEDBACK_FIELDS: &[&str] = &[
    "lang",
    "page",
    "question",
    "vote",
    "reason",
    "text",
    "view",
    "website",
    "started_at",
];
const INSIGHTS_FIELDS: &[&str] = &["lang", "kind", "query", "view", "website"];

fn parse(kind: BodyKind, body: &[u8], known: &[&'static str]) -> Result<Fields, InputError> {
    std::str::from_utf8(body).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
    let pairs: Vec<(String, String)> = match kind {
        BodyKind::Form => {
            let mut v = Vec::new();
            for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
                let (n, val) = match pair.iter().position(|b| *b == b'=') {
                    Some(i) => (&pair[..i], &pair[i + 1..]),
                    None => (pair, &b""[..]),
                };
                v.push((decode(n)?, decode(val)?));
            }
            v
        }
        BodyKind::Json => {
            let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
                .map_err(|_| InputError::request(ErrorCode::MalformedJson))?;
            let mut v = Vec::new();
            for (n, val) in map {
                let s = match val {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => continue,
                    serde_json::Value::Number(x) => x.to_string(),
                    _ => return Err(InputError::request(ErrorCode::InvalidValue)),
                };
                v.push((n, s));
            }
            v
        }
    };
    let mut out = Fields::new();
    for (n, val) in pairs {
        if let Some(name) = known.iter().find(|k| **k == n) {
            if out.insert(name, val).is_some() {
                return Err(InputError::field(name, ErrorCode::DuplicateField));
            }
        }
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Result<String, InputError> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    String::from_utf8(percent_encoding::percent_decode(&spaced).collect())
        .map_err(|_| InputError::request(ErrorCode::InvalidUtf8))
}

fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(|s| s.trim()).unwrap_or("")
}

/// A single-line value: no control characters, at most `max` characters.
fn line(f: &Fields, name: &'static str, max: usize) -> Result<String, InputError> {
    let v = get(f, name);
    if v.chars().any(char::is_control) {
        return Err(InputError::field(name, ErrorCode::InvalidCharacters));
    }
    if v.chars().count() > max {
        return Err(InputError {
            field: Some(name),
            code: ErrorCode::TooLong,
            max: Some(max),
        });
    }
    Ok(v.to_string())
}

/// The page-view id: 8–64 of `A–Z a–z 0–9 - _`, or a fresh random one (no JavaScript).
fn view_id(f: &Fields) -> Result<String, InputError> {
    let v = get(f, "view");
    if v.is_empty() {
        return Ok(crate::reference::new_reference("N").replace('-', ""));
    }
    let ok = (8..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| v.to_string())
        .ok_or_else(|| InputError::field("view", ErrorCode::InvalidValue))
}

/// A site path to return to: `/…`, not `//…`, no backslash or control characters.
fn page_path(f: &Fields) -> Result<String, InputError> {
    let p = line(f, "page", 512)?;
    if p.is_empty() {
        return Err(InputError::field("page", ErrorCode::Required));
    }
    let bad = !p.starts_with('/')
        || p.starts_with("//")
        || p.contains(['\\', '?', '#', ' ', '"', '<', '>'])
        || p.split('/').any(|s| s == "..");
    if bad {
        return Err(InputError::field("page", ErrorCode::InvalidValue));
    }
    Ok(p)
}

fn language(cfg: &Config, f: &Fields) -> Result<String, InputError> {
    let l = get(f, "lang");
    if l.is_empty() {
        return Err(InputError::field("lang", ErrorCode::Required));
    }
    cfg.languages
        .iter()
        .find(|x| *x == l)
        .cloned()
        .ok_or_else(|| InputError::field("lang", ErrorCode::InvalidLanguage))
}

/// The events one feedback post records (a vote, a reason, or both).
fn feedback_events(cfg: &Config, f: &Fields, now: u64) -> Result<Vec<Event>, InputError> {
    let lang = language(cfg, f)?;
    let page = page_path(f)?;
    let question = line(f, "question", 200)?;
    if question.contains(['/', '\\', '?', '#']) {
        return Err(InputError::field("question", ErrorCode::InvalidValue));
    }
    let view = view_id(f)?;
    let vote = get(f, "vote");
    if !matches!(vote, "" | "yes" | "no") {
        return Err(InputError::field("vote", ErrorCode::InvalidValue));
    }
    let reason = get(f, "reason");
    if !reason.is_empty() && !FEEDBACK_REASONS.contains(&reason) {
        return Err(InputError::field("reason", ErrorCode::InvalidValue));
    }
    let text = reason_text(f)?;
    let base = Event {
        t: now,
        k: Kind::Vote,
        l: lang,
        v: view,
        p: page,
        q: question,
        y: String::new(),
        r: String::new(),
        x: String::new(),
    };
    let mut out = Vec::new();
    if !vote.is_empty() {
        out.push(Event {
            y: vote.to_string(),
            ..base.clone()
        });
    }
    if !reason.is_empty() || !text.is_empty() {
        out.push(Event {
            k: Kind::Reason,
            r: reason.to_string(),
            x: text,
            ..base
        });
    }
    if out.is_empty() {
        return Err(InputError::field("vote", ErrorCode::Required));
    }
    Ok(out)
}

/// The free text: line breaks kept (CRLF counts as one), other controls refused.
fn reason_text(f: &Fields) -> Result<String, InputError> {
    let t = get(f, "text").replace("\r\n", "\n").replace('\r', "\n");
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(InputError::field("text", ErrorCode::InvalidCharacters));
    }
    if t.chars().count() > FEEDBACK_TEXT_MAX {
        return Err(InputError {
            field: Some("text"),
            code: ErrorCode::TooLong,
            max: Some(FEEDBACK_TEXT_MAX),
        });
    }
    Ok(t)
}

/// Lowercased, whitespace collapsed: queries that differ only so count as one.
pub fn normalize_query(q: &str) -> String {
    q.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn insights_event(cfg: &Config, f: &Fields, now: u64) -> Result<Event, InputError> {
    let lang = language(cfg, f)?;
    let k = match get(f, "kind") {
        "zero_hits" => Kind::ZeroHits,
        "suggestion_opened" => Kind::SuggestionOpened,
        "" => return Err(InputError::field("kind", ErrorCode::Required)),
        _ => return Err(InputError::field("kind", ErrorCode::InvalidValue)),
    };
    let query = normalize_query(&line(f, "query", INSIGHTS_QUERY_MAX)?);
    if query.is_empty() {
        return Err(InputError::field("query", ErrorCode::Required));
    }
    if query
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(InputError::field("query", ErrorCode::InvalidCharacters));
    }
    Ok(Event {
        t: now,
        k,
        l: lang,
        v: view_id(f)?,
        p: String::new(),
        q: String::new(),
        y: String::new(),
        r: String::new(),
        x: query,
    })
}

/// What is common to both endpoints before the body is judged.
struct Request_ {
    mode: Mode,
    origin: Origin,
    lang: String,
    fields: Fields,
}

async fn read(
    st: &SignalState,
    req: Request,
    known: &[&'static str],
) -> Result<Request_, Box<Response>> {
    let cfg = &st.app.config;
    let mode = app::mode(req.headers());
    let origin = app::check_origin(cfg, req.headers());
    let lang = app::hinted_language(cfg, req.headers());
    let fail = |code: ErrorCode, origin: &Origin| {
        Box::new(answer_error(
            cfg,
            mode,
            &lang,
            None,
            &[InputError::request(code)],
            origin,
        ))
    };
    if matches!(origin, Origin::Denied) {
        return Err(fail(ErrorCode::OriginNotAllowed, &origin));
    }
    if let Err(retry) = st.limiter.check(&app::client_key(cfg, &req)) {
        let mut resp = fail(ErrorCode::RateLimited, &origin);
        if let Ok(v) =
            HeaderValue::from_str(&retry.max(Duration::from_secs(1)).as_secs().to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(resp);
    }
    let Some(kind) = app::body_kind(req.headers()) else {
        return Err(fail(ErrorCode::UnsupportedMediaType, &origin));
    };
    let body: Body = req.into_body();
    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return Err(fail(ErrorCode::BodyTooLarge, &origin)),
    };
    match parse(kind, &bytes, known) {
        Ok(fields) => {
            let lang = match get(&fields, "lang") {
                l if cfg.languages.iter().any(|x| x == l) => l.to_string(),
                _ => lang,
            };
            Ok(Request_ {
                mode,
                origin,
                lang,
                fields,
            })
        }
        Err(e) => Err(Box::new(answer_error(
            cfg,
            mode,
            &lang,
            None,
            &[e],
            &origin,
        ))),
    }
}

fn is_spam(f: &Fields, received: u64) -> bool {
    if !get(f, "website").is_empty() {
        return true;
    }
    let started = get(f, "started_at").parse::<u64>().ok();
    started.is_some_and(|s| s <= received && received - s < MIN_VOTE_MS)
}

async fn post_feedback(State(st): State<Arc<SignalState>>, req: Request) -> Response {
    let received = now_ms();
    let cfg = &st.app.config;
    let r = match read(&st, req, FEEDBACK_FIELDS).await {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    // Where a plain form post returns: the page, when it is a safe path.
    let back = page_path(&r.fields).ok();
    let events = match feedback_events(cfg, &r.fields, received) {
        Ok(e) => e,
        Err(e) => return answer_error(cfg, r.mode, &r.lang, back.as_deref(), &[e], &r.origin),
    };
    let next = if events.iter().any(|e| e.k == Kind::Vote && e.y == "no") {
        "feedback-more"
    } else {
        "feedback-thanks"
    };
    let view = events[0].v.clone();
    if is_spam(&r.fields, received) {
        info!(
            spam = true,
            "feedback ignored: answered as accepted, nothing stored"
        );
    } else if let Err(resp) = store(&st, &events, &r, back.as_deref()).await {
        return resp;
    }
    let page = back.unwrap_or_default();
    answer_ok(cfg, r.mode, &r.origin, &format!("{page}#{next}"), &view)
}

async fn post_insights(State(st): State<Arc<SignalState>>, req: Request) -> Response {
    let received = now_ms();
    let cfg = &st.app.config;
    let r = match read(&st, req, INSIGHTS_FIELDS).await {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let ev = match insights_event(cfg, &r.fields, received) {
        Ok(e) => e,
        Err(e) => return answer_error(cfg, r.mode, &r.lang, None, &[e], &r.origin),
    };
    if !is_spam(&r.fields, received) {
        if let Err(resp) = store(&st, std::slice::from_ref(&ev), &r, None).await {
            return resp;
        }
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    app::add_cors(&mut resp, &r.origin);
    app::no_store(resp)
}

async fn store(
    st: &SignalState,
    events: &[Event],
    r: &Request_,
    back: Option<&str>,
) -> Result<(), Response> {
    let cfg = &st.app.config;
    let unavailable = |r: &Request_| {
        answer_error(
            cfg,
            r.mode,
            &r.lang,
            back,
            &[InputError::request(ErrorCode::ArchiveUnavailable)],
            &r.origin,
        )
    };
    let services = match st.app.services().await {
        Ok(s) => s,
        Err(e) => {
            error!(error = %e, "handler misconfigured");
            return Err(unavailable(r));
        }
    };
    let store = EventStore::of(&services.archive);
    for ev in events {
        // Logged without the text or query: those are the visitor's words.
        match store.put(ev).await {
            Ok(new) => info!(kind = ?ev.k, lang = %ev.l, duplicate = !new, "signal stored"),
            Err(e) => {
                error!(error = %e, "signal not stored");
                return Err(unavailable(r));
            }
        }
    }
    Ok(())
}

/// The site's origin for redirects back to a page: that of the thank-you
/// URL when it is absolute, else none (the handler is on the site's origin).
fn site_origin(cfg: &Config) -> &str {
    let url = &cfg.thanks_url;
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return "";
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    &url[..url.len() - rest.len() + host_end]
}

/// A path as a `Location` header can carry it: non-ASCII percent-encoded.
fn header_safe(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::CONTROLS).to_string()
}

fn answer_ok(cfg: &Config, mode: Mode, origin: &Origin, location: &str, view: &str) -> Response {
    let mut resp = match mode {
        Mode::Json => (
            StatusCode::OK,
            axum::Json(json!({ "ok": true, "view": view })),
        )
            .into_response(),
        Mode::Redirect => app::redirect(&format!("{}{}", site_origin(cfg), header_safe(location))),
    };
    app::add_cors(&mut resp, origin);
    app::no_store(resp)
}

fn answer_error(
    cfg: &Config,
    mode: Mode,
    lang: &str,
    back: Option<&str>,
    errors: &[InputError],
    origin: &Origin,
) -> Response {
    let code = errors
        .first()
        .map(|e| e.code)
        .unwrap_or(ErrorCode::Internal);
    let status = app::status_of(code);
    info!(
        status = status.as_u16(),
        code = code.as_str(),
        "signal rejected"
    );
    let mut resp = match (mode, back) {
        (Mode::Json, _) => app::json_errors(cfg, lang, status, errors),
        (Mode::Redirect, Some(page)) => app::redirect(&format!(
            "{}{}?feedback_error={}#feedback-error",
            site_origin(cfg),
            header_safe(page),
            code.as_str()
        )),
        (Mode::Redirect, None) => app::redirect(&cfg.error_location(lang, code.as_str())),
    };
    app::add_cors(&mut resp, origin);
    app::no_store(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&'static str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    fn cfg() -> Config {
        Config::local(
            std::path::Path::new("/tmp/x"),
            vec!["en".into(), "fa".into()],
            "en".into(),
            vec![],
        )
    }

    #[test]
    fn only_site_paths_are_returned_to() {
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/a/../b",
            "en/",
            "/\\evil",
            "/a?b",
        ] {
            assert!(page_path(&fields(&[("page", bad)])).is_err(), "{bad}");
        }
        assert_eq!(
            page_path(&fields(&[("page", "/fa/صورتحساب/")])).unwrap(),
            "/fa/صورتحساب/"
        );
    }

    #[test]
    fn a_no_with_a_reason_is_two_events_of_one_view() {
        let f = fields(&[
            ("lang", "fa"),
            ("page", "/fa/billing/"),
            ("vote", "no"),
            ("reason", "unclear"),
            ("text", "line\r\nbreak"),
            ("view", "abcdefgh12"),
        ]);
        let ev = feedback_events(&cfg(), &f, 1).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[1].x, "line\nbreak");
        assert_eq!(ev[0].v, ev[1].v);
    }

    #[test]
    fn bad_values_are_named() {
        let base = [("lang", "en"), ("page", "/en/x/")];
        let err = |extra: (&'static str, &str)| {
            let mut f = fields(&base);
            f.insert(extra.0, extra.1.to_string());
            feedback_events(&cfg(), &f, 1).unwrap_err()
        };
        assert_eq!(err(("vote", "maybe")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("reason", "rude")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("text", &"x".repeat(501))).code, ErrorCode::TooLong);
        assert_eq!(err(("view", "short")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("vote", "")).code, ErrorCode::Required);
    }

    #[test]
    fn origin_of_absolute_thanks_url() {
        let mut c = cfg();
        assert_eq!(site_origin(&c), "");
        c.thanks_url = "https://help.example.com/{lang}/contact/thanks/".into();
        assert_eq!(site_origin(&c), "https://help.example.com");
    }
}

//! `POST /feedback` ("Was this helpful?") and `POST /insights` (searches that
//! found nothing, suggested answers opened): anonymous signals stored as
//! [`crate::core::event::Event`]s, never mailed.
//!
//! Same conventions as `/contact`: urlencoded or JSON bodies, JSON answers or
//! a `303` back to the page, honeypot and time trap answered like a success,
//! a per-client rate limit (never stored), localized errors, no 5xx for bad input.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use helpsite_form::ErrorCode;
use http_body_util::{BodyExt, Limited};
use serde_json::json;
use tracing::{error, info};

use crate::config::{Config, RateLimit};
use crate::core::event::{Event, Kind};
use crate::core::time::now_ms;
use crate::http::common::{self as app, Mode, Origin};
use crate::http::{AppState, RateLimiter};
use crate::usecases::input::InputError;
use crate::usecases::signals::{
    feedback_events, get, insights_event, is_spam, page_path, parse, store_event, Fields,
    FEEDBACK_FIELDS, INSIGHTS_FIELDS,
};

/// Bodies are a few fields; anything larger is not ours.
const BODY_LIMIT: usize = 8 * 1024;

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

/// What is common to both endpoints before the body is judged.
struct Request_ {
    /// When it was received, on our clock.
    received: u64,
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
    let mut r = Request_ {
        received: now_ms(),
        mode: app::mode(req.headers()),
        origin: app::check_origin(cfg, req.headers()),
        lang: app::hinted_language(cfg, req.headers()),
        fields: Fields::new(),
    };
    let fail = |r: &Request_, e: InputError| {
        Box::new(answer_error(cfg, r.mode, &r.lang, None, &[e], &r.origin))
    };
    let refuse = |r: &Request_, code: ErrorCode| fail(r, InputError::request(code));
    if matches!(r.origin, Origin::Denied) {
        return Err(refuse(&r, ErrorCode::OriginNotAllowed));
    }
    if let Err(retry) = st.limiter.check(&app::client_key(cfg, &req)) {
        let resp = refuse(&r, ErrorCode::RateLimited);
        return Err(Box::new(app::with_retry_after(*resp, retry)));
    }
    let Some(kind) = app::body_kind(req.headers()) else {
        return Err(refuse(&r, ErrorCode::UnsupportedMediaType));
    };
    let body: Body = req.into_body();
    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return Err(refuse(&r, ErrorCode::BodyTooLarge)),
    };
    r.fields = parse(kind, &bytes, known).map_err(|e| fail(&r, e))?;
    let lang = get(&r.fields, "lang");
    if cfg.languages.iter().any(|x| x == lang) {
        r.lang = lang.to_string();
    }
    Ok(r)
}

async fn post_feedback(State(st): State<Arc<SignalState>>, req: Request) -> Response {
    feedback(&st, req).await.unwrap_or_else(|resp| *resp)
}

async fn post_insights(State(st): State<Arc<SignalState>>, req: Request) -> Response {
    insights(&st, req).await.unwrap_or_else(|resp| *resp)
}

async fn feedback(st: &SignalState, req: Request) -> Result<Response, Box<Response>> {
    let cfg = &st.app.config;
    let r = read(st, req, FEEDBACK_FIELDS).await?;
    let received = r.received;
    // Where a plain form post returns: the page, when it is a safe path.
    let back = page_path(&r.fields).ok();
    let events = match feedback_events(&cfg.languages, &r.fields, received) {
        Ok(e) => e,
        Err(e) => {
            let resp = answer_error(cfg, r.mode, &r.lang, back.as_deref(), &[e], &r.origin);
            return Ok(resp);
        }
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
    } else {
        store(st, &events, &r, back.as_deref()).await?;
    }
    let page = back.unwrap_or_default();
    Ok(answer_ok(
        cfg,
        r.mode,
        &r.origin,
        &format!("{page}#{next}"),
        &view,
    ))
}

async fn insights(st: &SignalState, req: Request) -> Result<Response, Box<Response>> {
    let cfg = &st.app.config;
    let r = read(st, req, INSIGHTS_FIELDS).await?;
    let received = r.received;
    let ev = match insights_event(&cfg.languages, &r.fields, received) {
        Ok(e) => e,
        Err(e) => return Ok(answer_error(cfg, r.mode, &r.lang, None, &[e], &r.origin)),
    };
    if !is_spam(&r.fields, received) {
        store(st, std::slice::from_ref(&ev), &r, None).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    app::add_cors(&mut resp, &r.origin);
    Ok(app::no_store(resp))
}

async fn store(
    st: &SignalState,
    events: &[Event],
    r: &Request_,
    back: Option<&str>,
) -> Result<(), Box<Response>> {
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
            return Err(Box::new(unavailable(r)));
        }
    };
    for ev in events {
        // Logged without the text or query: those are the visitor's words.
        match store_event(&services.archive, ev).await {
            Ok(new) => info!(kind = ?ev.k, lang = %ev.l, duplicate = !new, "signal stored"),
            Err(e) => {
                error!(error = %e, "signal not stored");
                return Err(Box::new(unavailable(r)));
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
    let json = json!({ "ok": true, "view": view });
    app::answer_ok(mode, origin, json, || {
        format!("{}{}", site_origin(cfg), header_safe(location))
    })
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

    fn cfg() -> Config {
        Config::local(
            std::path::Path::new("/tmp/x"),
            vec!["en".into(), "fa".into()],
            "en".into(),
            vec![],
        )
    }

    #[test]
    fn origin_of_absolute_thanks_url() {
        let mut c = cfg();
        assert_eq!(site_origin(&c), "");
        c.thanks_url = "https://help.example.com/{lang}/contact/thanks/".into();
        assert_eq!(site_origin(&c), "https://help.example.com");
    }
}

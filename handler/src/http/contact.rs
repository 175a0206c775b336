//! `POST /contact` and its preflight.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use helpsite_form::ErrorCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use tracing::{error, info, warn};

use crate::config::Config;
use crate::core::record::Record;
use crate::core::time::now_ms;
use crate::core::upload::listed_keys;
use crate::http::common::{
    add_cors, answer_ok, body_kind, check_origin, client_key, hinted_language, json_errors, mode,
    no_store, preflight, redirect, status_of, with_retry_after, Mode, Origin,
};
use crate::http::AppState;
use crate::usecases::input::{self, BodyKind, InputError, BODY_LIMIT};
use crate::usecases::submit::{self, Policy};
use crate::usecases::uploads::{self, Refused};

/// The router over `state` at each of `paths`.
pub fn routes(state: Arc<AppState>, paths: &[&str]) -> Router {
    let mut r = Router::new();
    for p in paths {
        r = r.route(p, post(post_contact).options(preflight));
    }
    r.with_state(state)
}

fn accepted(cfg: &Config, mode: Mode, lang: &str, reference: &str, origin: &Origin) -> Response {
    let json = json!({ "ok": true, "reference": reference });
    answer_ok(mode, origin, json, || cfg.thanks_location(lang, reference))
}

fn rejected(
    cfg: &Config,
    mode: Mode,
    lang: &str,
    status: StatusCode,
    errors: &[InputError],
    origin: &Origin,
) -> Response {
    let mut resp = match mode {
        Mode::Json => json_errors(cfg, lang, status, errors),
        Mode::Redirect => {
            let code = errors
                .first()
                .map(|e| e.code)
                .unwrap_or(ErrorCode::Internal);
            redirect(&cfg.error_location(lang, code.as_str()))
        }
    };
    add_cors(&mut resp, origin);
    no_store(resp)
}
/// What the contact endpoint knows of a request before its body is judged.
struct Asked<'a> {
    cfg: &'a Config,
    mode: Mode,
    origin: Origin,
}

impl Asked<'_> {
    fn reject(&self, lang: &str, errors: Vec<InputError>) -> Response {
        let status = errors
            .first()
            .map(|e| status_of(e.code))
            .unwrap_or(StatusCode::BAD_REQUEST);
        info!(status = status.as_u16(), codes = ?errors.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), "submission rejected");
        rejected(self.cfg, self.mode, lang, status, &errors, &self.origin)
    }

    fn refuse(&self, lang: &str, code: ErrorCode) -> Response {
        self.reject(lang, vec![InputError::request(code)])
    }
}

async fn post_contact(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let received = now_ms();
    let cfg = &st.config;
    let asked = Asked {
        cfg,
        mode: mode(req.headers()),
        origin: check_origin(cfg, req.headers()),
    };
    let lang = hinted_language(cfg, req.headers());
    if matches!(asked.origin, Origin::Denied) {
        return asked.refuse(&lang, ErrorCode::OriginNotAllowed);
    }
    if let Err(retry_after) = st.limiter.check(&client_key(cfg, &req)) {
        return with_retry_after(asked.refuse(&lang, ErrorCode::RateLimited), retry_after);
    }
    let link_base = link_base(cfg, &req);
    let raw = match read_fields(req).await {
        Ok(r) => r,
        Err(e) => return asked.reject(&lang, vec![e]),
    };
    let lang = input::answer_language(&raw, &cfg.languages, &lang).to_string();
    if let Some(spam) = input::spam_check(&raw, received, cfg.min_fill_time.as_millis() as u64) {
        let total = st.spam.fetch_add(1, Ordering::Relaxed) + 1;
        info!(
            spam = spam.as_str(),
            spam_total = total,
            "spam ignored: answered as accepted, nothing stored or sent"
        );
        let decoy = crate::core::reference::new_reference(&cfg.reference_prefix);
        return accepted(cfg, asked.mode, &lang, &decoy, &asked.origin);
    }
    let sub = match input::validate(&raw, &input::Allowed::of(cfg)) {
        Ok(s) => s,
        Err(errors) => return asked.reject(&lang, errors),
    };
    let posted = Posted {
        sub,
        received,
        keys: listed_keys(raw.get("attachments")),
        link_base,
    };
    store_and_send(&st, &asked, &lang, posted).await
}

/// Where download links of a local archive point: the setting, else this
/// request's own host and path (`http://127.0.0.1:8787/api`).
fn link_base(cfg: &Config, req: &Request) -> String {
    if let Some(base) = &cfg.uploads.link_base {
        return base.clone();
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let prefix = path.trim_end_matches('/').trim_end_matches("/contact");
    format!("http://{host}{prefix}")
}

/// A valid submission and what came with it.
struct Posted {
    sub: crate::core::submission::Submission,
    received: u64,
    /// The upload keys it names.
    keys: Vec<String>,
    link_base: String,
}

/// The body's fields, within [`BODY_LIMIT`], as its content type says.
async fn read_fields(req: Request) -> Result<input::RawFields, InputError> {
    let Some(kind) = body_kind(req.headers()) else {
        // Files without the page's script: the Lambda payload limit
        // (6 MB) leaves no room for them, so they go straight to storage.
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        let code = match multipart {
            true => ErrorCode::UploadsNeedScript,
            false => ErrorCode::UnsupportedMediaType,
        };
        return Err(InputError::request(code));
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(InputError::request(ErrorCode::BodyTooLarge));
    }
    let body: Body = req.into_body();
    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(InputError::request(ErrorCode::BodyTooLarge));
        }
        Err(e) => {
            warn!(error = %e, "request body unreadable");
            return Err(InputError::request(ErrorCode::MalformedJson));
        }
    };
    match kind {
        BodyKind::Form => input::parse_urlencoded(&bytes),
        BodyKind::Json => input::parse_json(&bytes),
    }
}

/// Archives a valid submission with its accepted files, then mails it
/// (see [`submit::submit`]).
async fn store_and_send(st: &AppState, asked: &Asked<'_>, lang: &str, posted: Posted) -> Response {
    let Posted {
        mut sub,
        received,
        keys,
        link_base,
    } = posted;
    let cfg = asked.cfg;
    let services = match st.services().await {
        Ok(s) => s,
        Err(e) => {
            error!(error = %e, "handler misconfigured");
            return asked.refuse(lang, ErrorCode::Internal);
        }
    };
    let sid = sub.submission_id.clone();
    let record_key = Record::key_for(sid.as_deref(), "");
    let limits = &cfg.uploads.limits;
    match uploads::accept(
        &services.archive,
        limits,
        sid.as_deref(),
        &keys,
        &record_key,
    )
    .await
    {
        Ok(kept) => sub.attachments = kept,
        Err(Refused::Input(e)) => return asked.reject(lang, vec![e]),
        Err(Refused::Archive(e)) => {
            error!(error = %e, "attachments could not be kept; visitor asked to retry");
            return asked.refuse(lang, ErrorCode::ArchiveUnavailable);
        }
    }
    let mut policy = Policy::of(cfg);
    policy.files.link_base = &link_base;
    match submit::submit(&policy, services, sub, received).await {
        Ok(acc) => {
            info!(reference = %acc.reference, duplicate = acc.duplicate, delivered = acc.delivered, "submission accepted");
            accepted(cfg, asked.mode, lang, &acc.reference, &asked.origin)
        }
        Err(e) => {
            error!(error = %e, "archive unavailable; visitor asked to retry");
            asked.refuse(lang, ErrorCode::ArchiveUnavailable)
        }
    }
}

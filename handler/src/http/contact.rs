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

use crate::config::ArchiveConfig;
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
use crate::usecases::multipart::{self, Part};
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
    let (raw, files) = match read_fields(cfg, req).await {
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
        files,
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
    /// Files in the body (a local post without the page's script).
    files: Vec<Part>,
    link_base: String,
}

/// The body's fields (and, from a form posted without its script, its
/// files), within [`BODY_LIMIT`] (plus the files' limits, locally).
async fn read_fields(
    cfg: &Config,
    req: Request,
) -> Result<(input::RawFields, Vec<Part>), InputError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let kind = body_kind(req.headers());
    let boundary = multipart::boundary(&content_type);
    if kind.is_none() && boundary.is_none() {
        return Err(InputError::request(ErrorCode::UnsupportedMediaType));
    }
    let local = matches!(cfg.archive, ArchiveConfig::Local(_));
    let limit = match (&boundary, local) {
        (Some(_), true) => BODY_LIMIT + files_limit(cfg),
        _ => BODY_LIMIT,
    };
    // Without the page's script, files come in the body. The Lambda payload
    // limit (6 MB) leaves no room for them: there they go straight to storage.
    let too_large = match (&boundary, local) {
        (Some(_), false) => ErrorCode::UploadsNeedScript,
        _ => ErrorCode::BodyTooLarge,
    };
    let bytes = read_body(req, limit, too_large).await?;
    match (kind, boundary) {
        (Some(BodyKind::Form), _) => Ok((input::parse_urlencoded(&bytes)?, Vec::new())),
        (Some(BodyKind::Json), _) => Ok((input::parse_json(&bytes)?, Vec::new())),
        (None, Some(b)) => split_multipart(&bytes, &b, local),
        (None, None) => Err(InputError::request(ErrorCode::UnsupportedMediaType)),
    }
}

/// The most a form's files may add to a body.
fn files_limit(cfg: &Config) -> usize {
    let limits = &cfg.uploads.limits;
    let files = (limits.max_files as u64).saturating_mul(limits.max_bytes + 1024);
    usize::try_from(files).unwrap_or(usize::MAX)
}

/// The body, or `too_large` when it is over `limit`.
async fn read_body(
    req: Request,
    limit: usize,
    too_large: ErrorCode,
) -> Result<Vec<u8>, InputError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(InputError::request(too_large));
    }
    let body: Body = req.into_body();
    match Limited::new(body, limit).collect().await {
        Ok(c) => Ok(c.to_bytes().to_vec()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(InputError::request(too_large))
        }
        Err(e) => {
            warn!(error = %e, "request body unreadable");
            Err(InputError::request(ErrorCode::MalformedJson))
        }
    }
}

/// A `multipart/form-data` body's fields and chosen files; files are
/// refused where uploads go straight to storage (`local` false).
fn split_multipart(
    bytes: &[u8],
    boundary: &str,
    local: bool,
) -> Result<(input::RawFields, Vec<Part>), InputError> {
    let (files, fields): (Vec<Part>, Vec<Part>) = multipart::parse(bytes, boundary)?
        .into_iter()
        .partition(|p| p.filename.is_some());
    let files: Vec<Part> = files.into_iter().filter(|p| !p.body.is_empty()).collect();
    if !files.is_empty() && !local {
        return Err(InputError::request(ErrorCode::UploadsNeedScript));
    }
    let mut pairs = Vec::new();
    for p in fields {
        let value =
            String::from_utf8(p.body).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
        pairs.push((p.name, value));
    }
    Ok((input::RawFields::from_pairs(pairs)?, files))
}

/// Stores the files posted with the form, then checks every upload the
/// submission names and keeps it beside the record; the answer to give
/// instead when that fails.
async fn attach(
    asked: &Asked<'_>,
    lang: &str,
    archive: &crate::wiring::Archive,
    sub: &mut crate::core::submission::Submission,
    mut keys: Vec<String>,
    files: &[Part],
) -> Result<(), Response> {
    let limits = &asked.cfg.uploads.limits;
    let refused = |r: Refused| match r {
        Refused::Input(e) => asked.reject(lang, vec![e]),
        Refused::Archive(e) => {
            error!(error = %e, "attachments could not be stored; visitor asked to retry");
            asked.refuse(lang, ErrorCode::ArchiveUnavailable)
        }
    };
    if !files.is_empty() {
        // No script, so no submission id: one is made for the files.
        let sid = sub
            .submission_id
            .get_or_insert_with(|| crate::core::reference::new_reference("F"));
        let stored = uploads::store_posted(archive, limits, sid, files).await;
        keys.extend(stored.map_err(refused)?);
    }
    let sid = sub.submission_id.as_deref();
    let record_key = Record::key_for(sid, "");
    let kept = uploads::accept(archive, limits, sid, &keys, &record_key).await;
    sub.attachments = kept.map_err(refused)?;
    Ok(())
}

/// Archives a valid submission with its accepted files, then mails it
/// (see [`submit::submit`]).
async fn store_and_send(st: &AppState, asked: &Asked<'_>, lang: &str, posted: Posted) -> Response {
    let Posted {
        mut sub,
        received,
        keys,
        files,
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
    if let Err(refusal) = attach(asked, lang, &services.archive, &mut sub, keys, &files).await {
        return refusal;
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

//! `POST /contact/uploads` (where to send each file), and for the local
//! archive `PUT` (the file itself) and `GET` (a kept attachment) at the
//! same path.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use helpsite_form::ErrorCode;
use http_body_util::{BodyExt, Limited};
use serde_json::json;
use tracing::{error, info, warn};

use crate::core::upload::{content_disposition, file_part, is_attachment_key, name_in_key};
use crate::http::common::{
    add_cors, check_origin, client_key, hinted_language, json_errors, no_store, preflight,
    status_of, with_retry_after, Origin,
};
use crate::http::AppState;
use crate::usecases::input::{urlencoded_pairs, InputError};
use crate::usecases::uploads::{self, GrantAsked, Refused};

/// Largest body of an upload grant request.
const GRANT_LIMIT: usize = 16 * 1024;

/// The router over `state` at each of `paths`.
pub fn routes(state: Arc<AppState>, paths: &[String]) -> Router {
    let mut r = Router::new();
    for p in paths {
        r = r.route(
            p,
            post(post_grant)
                .put(put_file)
                .get(get_file)
                .options(preflight),
        );
    }
    r.with_state(state)
}

/// An error answer in JSON, in `lang`, with CORS for `origin`.
fn refused(st: &AppState, lang: &str, origin: &Origin, e: InputError) -> Response {
    let status = status_of(e.code);
    info!(
        status = status.as_u16(),
        code = e.code.as_str(),
        "upload refused"
    );
    let mut resp = json_errors(&st.config, lang, status, &[e]);
    add_cors(&mut resp, origin);
    no_store(resp)
}

fn internal(st: &AppState, lang: &str, origin: &Origin, e: impl std::fmt::Display) -> Response {
    error!(error = %e, "uploads unavailable");
    refused(
        st,
        lang,
        origin,
        InputError::request(ErrorCode::ArchiveUnavailable),
    )
}

/// Checks origin and rate; the answer to give instead, if any.
fn gate(st: &AppState, req: &Request, lang: &str, origin: &Origin) -> Option<Response> {
    if matches!(origin, Origin::Denied) {
        return Some(refused(
            st,
            lang,
            origin,
            InputError::request(ErrorCode::OriginNotAllowed),
        ));
    }
    if let Err(retry) = st.limiter.check(&client_key(&st.config, req)) {
        let resp = refused(
            st,
            lang,
            origin,
            InputError::request(ErrorCode::RateLimited),
        );
        return Some(with_retry_after(resp, retry));
    }
    None
}

async fn post_grant(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let origin = check_origin(&st.config, req.headers());
    let mut lang = hinted_language(&st.config, req.headers());
    if let Some(resp) = gate(&st, &req, &lang, &origin) {
        return resp;
    }
    let local_url = original_path(&req);
    let asked: GrantAsked = match read_json(req).await {
        Ok(a) => a,
        Err(e) => return refused(&st, &lang, &origin, e),
    };
    if let Some(l) = asked
        .lang
        .as_ref()
        .filter(|l| st.config.languages.contains(l))
    {
        lang = l.clone();
    }
    let services = match st.services().await {
        Ok(s) => s,
        Err(e) => return internal(&st, &lang, &origin, e),
    };
    match uploads::grant(&services.archive, &st.config.uploads, &asked, &local_url).await {
        Ok(targets) => {
            info!(files = targets.len(), "uploads granted");
            let mut resp = (
                StatusCode::OK,
                axum::Json(json!({ "ok": true, "uploads": targets })),
            )
                .into_response();
            add_cors(&mut resp, &origin);
            no_store(resp)
        }
        Err(Refused::Input(e)) => refused(&st, &lang, &origin, e),
        Err(Refused::Archive(e)) => internal(&st, &lang, &origin, e),
    }
}

/// The path the request was made to, before any nesting stripped it.
fn original_path(req: &Request) -> String {
    req.extensions()
        .get::<OriginalUri>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string())
}

async fn read_json(req: Request) -> Result<GrantAsked, InputError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(InputError::request(ErrorCode::UnsupportedMediaType));
    }
    let bytes = Limited::new(req.into_body(), GRANT_LIMIT)
        .collect()
        .await
        .map_err(|_| InputError::request(ErrorCode::BodyTooLarge))?
        .to_bytes();
    serde_json::from_slice(&bytes).map_err(|_| InputError::request(ErrorCode::MalformedJson))
}

/// The `key` of the query string.
fn key_of(req: &Request) -> Option<String> {
    let query = req.uri().query().unwrap_or("");
    urlencoded_pairs(query.as_bytes())
        .filter_map(Result::ok)
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v)
}

/// The submission id inside an upload key, when the key is well formed.
fn upload_sid(key: &str) -> Option<&str> {
    let sid = key
        .strip_prefix(crate::core::upload::UPLOADS)?
        .split('/')
        .next()?;
    file_part(key, sid).map(|_| sid)
}

/// `PUT ?key=uploads/<sid>/<n>-<name>`: the file, stored once, local only.
async fn put_file(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let origin = check_origin(&st.config, req.headers());
    let lang = hinted_language(&st.config, req.headers());
    if let Some(resp) = gate(&st, &req, &lang, &origin) {
        return resp;
    }
    let limits = &st.config.uploads.limits;
    let Some(key) = key_of(&req).filter(|k| upload_sid(k).is_some()) else {
        return refused(
            &st,
            &lang,
            &origin,
            InputError::field("attachments", ErrorCode::UploadMissing),
        );
    };
    let ct = content_type(req.headers());
    if !limits.allows(&ct) {
        return refused(
            &st,
            &lang,
            &origin,
            InputError::field("attachments", ErrorCode::FileType),
        );
    }
    let services = match st.services().await {
        Ok(s) if s.archive.is_local() => s,
        Ok(_) => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
        Err(e) => return internal(&st, &lang, &origin, e),
    };
    let max = usize::try_from(limits.max_bytes).unwrap_or(usize::MAX);
    let bytes = match Limited::new(req.into_body(), max).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => {
            return refused(
                &st,
                &lang,
                &origin,
                InputError::field("attachments", ErrorCode::FileTooLarge),
            )
        }
    };
    if bytes.is_empty() {
        return refused(
            &st,
            &lang,
            &origin,
            InputError::field("attachments", ErrorCode::InvalidValue),
        );
    }
    match services.archive.put_file(&key, bytes, &ct).await {
        Ok(true) => {
            let mut resp = StatusCode::CREATED.into_response();
            add_cors(&mut resp, &origin);
            no_store(resp)
        }
        Ok(false) => StatusCode::CONFLICT.into_response(),
        Err(e) => internal(&st, &lang, &origin, e),
    }
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// `GET ?key=attachments/…`: a kept attachment, local only (the links in
/// the support email of `helpsite serve`).
async fn get_file(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let Some(key) = key_of(&req).filter(|k| is_attachment_key(k)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let archive = match st.services().await {
        Ok(s) if s.archive.is_local() => &s.archive,
        Ok(_) => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
        Err(e) => {
            warn!(error = %e, "handler misconfigured");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let (Ok(Some(info)), Ok(Some(bytes))) =
        (archive.head(&key).await, archive.read_file(&key).await)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut resp = Response::new(Body::from(bytes));
    let h = resp.headers_mut();
    let ct = HeaderValue::from_str(&info.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    let disposition = content_disposition(name_in_key(&key).unwrap_or(""));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    no_store(resp)
}

//! What both endpoints answer alike: answer mode, origin and CORS, the
//! client's address and language, errors as JSON or a redirect.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use helpsite_form::ErrorCode;
use serde_json::json;

use crate::config::Config;
use crate::http::AppState;
use crate::usecases::input::{BodyKind, InputError};

/// How the client wants its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Json,
    Redirect,
}

pub(crate) fn mode(headers: &HeaderMap) -> Mode {
    let get = |h| {
        headers
            .get(h)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let accept = get(header::ACCEPT);
    if accept.contains("application/json") {
        return Mode::Json;
    }
    let json_body = get(header::CONTENT_TYPE).starts_with("application/json");
    if json_body && !accept.contains("text/html") {
        Mode::Json
    } else {
        Mode::Redirect
    }
}

/// The `Origin` verdict.
pub(crate) enum Origin {
    /// No `Origin` header (not a browser, or an old one).
    Absent,
    /// Same origin as the request's host, where configured.
    Same,
    /// A configured cross origin: answer with CORS headers for it.
    Cross(HeaderValue),
    Denied,
}

pub(crate) fn check_origin(cfg: &Config, headers: &HeaderMap) -> Origin {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Origin::Absent;
    };
    let Ok(o) = origin.to_str() else {
        return Origin::Denied;
    };
    if cfg.allow_same_origin {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let authority = o.split_once("://").map(|(_, a)| a);
        if host.is_some() && authority == host {
            return Origin::Same;
        }
    }
    if o != "null"
        && cfg
            .allowed_origins
            .iter()
            .any(|a| a == "*" || a.eq_ignore_ascii_case(o))
    {
        return Origin::Cross(origin.clone());
    }
    Origin::Denied
}

pub(crate) fn add_cors(resp: &mut Response, origin: &Origin) {
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Origin::Cross(o) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
    }
}

pub(crate) async fn preflight(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let origin = check_origin(&st.config, &headers);
    if matches!(origin, Origin::Denied) {
        return (StatusCode::FORBIDDEN, [(header::VARY, "Origin")]).into_response();
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    add_cors(&mut resp, &origin);
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    resp
}

/// The client address for rate limiting: the Lambda event's source IP, the
/// socket's peer, or (only when trusted) `X-Forwarded-For`.
pub(crate) fn client_key(cfg: &Config, req: &Request) -> String {
    // The one event type lambda_http is built with: API Gateway v2 and
    // Function URLs (payload format 2.0).
    #[cfg(feature = "aws")]
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(c)) =
        req.extensions()
            .get::<lambda_http::request::RequestContext>()
    {
        if let Some(ip) = &c.http.source_ip {
            return ip.clone();
        }
    }
    if cfg.trust_forwarded_for {
        if let Some(ip) = forwarded_client(req.headers(), cfg.trusted_proxy_hops) {
            return ip.to_string();
        }
    }
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
        return addr.ip().to_string();
    }
    "unknown".into()
}

/// The client address your proxies recorded: `hops` entries from the right
/// of `X-Forwarded-For` (all its headers, in order). The entries further
/// left come from the client and are never used. `None` when there are
/// fewer entries than proxies or the entry is not an IP address: then the
/// peer address is used.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<std::net::IpAddr> {
    let mut entries = Vec::new();
    for v in headers.get_all("x-forwarded-for") {
        entries.extend(v.to_str().ok()?.split(',').map(str::trim));
    }
    let i = entries.len().checked_sub(hops.max(1))?;
    entries[i].parse().ok()
}

/// The first configured language named by `Accept-Language`, else the default.
pub(crate) fn hinted_language(cfg: &Config, headers: &HeaderMap) -> String {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for item in accept.split(',') {
        let tag = item
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let primary = helpsite_form::definition::primary_subtag(&tag);
        if let Some(l) = cfg
            .languages
            .iter()
            .find(|l| l.eq_ignore_ascii_case(&tag) || l.eq_ignore_ascii_case(primary))
        {
            return l.clone();
        }
    }
    cfg.default_language.clone()
}

/// A success: `json` for a script, else a `303` to `location`; with CORS
/// and `no-store` either way.
pub(crate) fn answer_ok(
    mode: Mode,
    origin: &Origin,
    json: serde_json::Value,
    location: impl FnOnce() -> String,
) -> Response {
    let mut resp = match mode {
        Mode::Json => (StatusCode::OK, axum::Json(json)).into_response(),
        Mode::Redirect => redirect(&location()),
    };
    add_cors(&mut resp, origin);
    no_store(resp)
}

/// `Retry-After` in whole seconds, at least one.
pub(crate) fn with_retry_after(mut resp: Response, retry: Duration) -> Response {
    let secs = retry.max(Duration::from_secs(1)).as_secs();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

pub(crate) fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The JSON answer to bad input: each error with its message in the page's
/// language, and that language's `lang` and `dir` for a page that shows them.
pub(crate) fn json_errors(
    cfg: &Config,
    lang: &str,
    status: StatusCode,
    errors: &[InputError],
) -> Response {
    let texts = cfg.texts.for_lang(lang);
    let list: Vec<_> = errors
        .iter()
        .map(|e| json!({ "field": e.field, "code": e.code, "message": e.message(&texts) }))
        .collect();
    let answer = json!({ "ok": false, "errors": list, "lang": texts.lang, "dir": texts.dir });
    (status, axum::Json(answer)).into_response()
}

pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub(crate) fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BodyTooLarge | ErrorCode::FileTooLarge | ErrorCode::UploadsNeedScript => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        ErrorCode::FileType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::MalformedJson | ErrorCode::InvalidUtf8 | ErrorCode::DuplicateField => {
            StatusCode::BAD_REQUEST
        }
        ErrorCode::OriginNotAllowed => StatusCode::FORBIDDEN,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ArchiveUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

pub(crate) fn body_kind(headers: &HeaderMap) -> Option<BodyKind> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => Some(BodyKind::Form),
        "application/json" => Some(BodyKind::Json),
        _ => None,
    }
}

//! The HTTP side: `POST /contact`, `OPTIONS /contact`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use helpsite_form::ErrorCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use tokio::sync::OnceCell;
use tracing::{error, info, warn};

use crate::config::{Config, RateLimit};
use crate::input::{self, InputError, BODY_LIMIT};
use crate::service::{self, Services};
use crate::time::now_ms;

/// State shared by every request of one router.
pub struct AppState {
    pub config: Config,
    services: OnceCell<Services>,
    limiter: RateLimiter,
    spam: AtomicU64,
}

impl AppState {
    pub fn new(config: Config) -> AppState {
        AppState {
            limiter: RateLimiter::new(config.rate_limit),
            config,
            services: OnceCell::new(),
            spam: AtomicU64::new(0),
        }
    }

    /// Uses already-built services (tests, warm Lambda start).
    pub fn with_services(config: Config, services: Services) -> AppState {
        let state = AppState::new(config);
        let _ = state.services.set(services);
        state
    }

    pub(crate) async fn services(&self) -> Result<&Services, crate::config::ConfigError> {
        self.services
            .get_or_try_init(|| Services::from_config(&self.config))
            .await
    }
}

/// The router over `state` at each of `paths`.
pub fn routes(state: Arc<AppState>, paths: &[&str]) -> Router {
    let mut r = Router::new();
    for p in paths {
        r = r.route(p, post(post_contact).options(preflight));
    }
    r.with_state(state)
}

/// Token buckets per client address.
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after)` when the client has no token left.
    pub(crate) fn check(&self, key: &str) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let burst = f64::from(limit.burst);
        let rate = burst / limit.per.as_secs_f64(); // tokens per second
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                ((1.0 - *tokens) / rate).ceil().max(1.0),
            ))
        }
    }
}

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
        let primary = tag.split('-').next().unwrap_or("");
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

pub(crate) fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn accepted(cfg: &Config, mode: Mode, lang: &str, reference: &str, origin: &Origin) -> Response {
    let mut resp = match mode {
        Mode::Json => (
            StatusCode::OK,
            axum::Json(json!({ "ok": true, "reference": reference })),
        )
            .into_response(),
        Mode::Redirect => redirect(&cfg.thanks_location(lang, reference)),
    };
    add_cors(&mut resp, origin);
    no_store(resp)
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
        ErrorCode::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
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

pub(crate) enum BodyKind {
    Form,
    Json,
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

async fn post_contact(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let received = now_ms();
    let cfg = &st.config;
    let mode = mode(req.headers());
    let origin = check_origin(cfg, req.headers());
    let mut lang = hinted_language(cfg, req.headers());
    let reject = |lang: &str, errors: Vec<InputError>| {
        let status = errors
            .first()
            .map(|e| status_of(e.code))
            .unwrap_or(StatusCode::BAD_REQUEST);
        info!(status = status.as_u16(), codes = ?errors.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), "submission rejected");
        rejected(cfg, mode, lang, status, &errors, &origin)
    };

    if matches!(origin, Origin::Denied) {
        return reject(
            &lang,
            vec![InputError::request(ErrorCode::OriginNotAllowed)],
        );
    }
    if let Err(retry_after) = st.limiter.check(&client_key(cfg, &req)) {
        let mut resp = reject(&lang, vec![InputError::request(ErrorCode::RateLimited)]);
        if let Ok(v) = HeaderValue::from_str(&retry_after.as_secs().to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    let Some(kind) = body_kind(req.headers()) else {
        return reject(
            &lang,
            vec![InputError::request(ErrorCode::UnsupportedMediaType)],
        );
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return reject(&lang, vec![InputError::request(ErrorCode::BodyTooLarge)]);
    }
    let body: Body = req.into_body();
    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return reject(&lang, vec![InputError::request(ErrorCode::BodyTooLarge)]);
        }
        Err(e) => {
            warn!(error = %e, "request body unreadable");
            return reject(&lang, vec![InputError::request(ErrorCode::MalformedJson)]);
        }
    };
    let raw = match kind {
        BodyKind::Form => input::parse_urlencoded(&bytes),
        BodyKind::Json => input::parse_json(&bytes),
    };
    let raw = match raw {
        Ok(r) => r,
        Err(e) => return reject(&lang, vec![e]),
    };
    lang = input::answer_language(&raw, cfg, &lang).to_string();

    if let Some(spam) = input::spam_check(&raw, received, cfg.min_fill_time.as_millis() as u64) {
        let total = st.spam.fetch_add(1, Ordering::Relaxed) + 1;
        info!(
            spam = spam.as_str(),
            spam_total = total,
            "spam ignored: answered as accepted, nothing stored or sent"
        );
        let decoy = crate::reference::new_reference(&cfg.reference_prefix);
        return accepted(cfg, mode, &lang, &decoy, &origin);
    }

    let sub = match input::validate(&raw, cfg) {
        Ok(s) => s,
        Err(errors) => return reject(&lang, errors),
    };
    let services = match st.services().await {
        Ok(s) => s,
        Err(e) => {
            error!(error = %e, "handler misconfigured");
            return reject(&lang, vec![InputError::request(ErrorCode::Internal)]);
        }
    };
    match service::submit(cfg, services, sub, received).await {
        Ok(acc) => {
            info!(reference = %acc.reference, duplicate = acc.duplicate, delivered = acc.delivered, "submission accepted");
            accepted(cfg, mode, &lang, &acc.reference, &origin)
        }
        Err(e) => {
            error!(error = %e, "archive unavailable; visitor asked to retry");
            reject(
                &lang,
                vec![InputError::request(ErrorCode::ArchiveUnavailable)],
            )
        }
    }
}

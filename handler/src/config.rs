//! Settings: [`Config::local`] for `helpsite serve`, [`Config::from_env`] for
//! Lambda and `handler-local` (see README.md, "Contact-form handler").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::core::mailbox::Mailbox;
use crate::core::routes::Routes;
use crate::core::texts::Texts;
use crate::core::webhook::Format;

/// Where accepted submissions are stored before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveConfig {
    /// A folder on disk (`submissions/`, `pending/` inside it).
    Local(PathBuf),
    /// An S3 bucket and key prefix (no leading slash; empty or ending in `/`).
    S3 { bucket: String, prefix: String },
}

/// How email leaves the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailerConfig {
    /// Each message is written as an `.eml` file into this folder.
    Outbox(PathBuf),
    /// Amazon SES v2, raw MIME content.
    Ses,
}

/// Per-client rate limit: `burst` requests, refilled evenly over `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub per: Duration,
}

/// AWS client settings. Endpoints default to the SDK's own resolution, which
/// also honours `AWS_ENDPOINT_URL_SESV2` / `AWS_ENDPOINT_URL_S3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub ses_endpoint: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_path_style: bool,
    /// Total attempts per SES / S3 call, the first included (SDK standard retry).
    pub max_attempts: u32,
    /// Bound on one SDK operation, retries included.
    pub operation_timeout: Duration,
    pub ses_configuration_set: Option<String>,
}

impl Default for AwsSettings {
    fn default() -> Self {
        AwsSettings {
            region: None,
            ses_endpoint: None,
            s3_endpoint: None,
            s3_path_style: false,
            max_attempts: 3,
            operation_timeout: Duration::from_secs(10),
            ses_configuration_set: None,
        }
    }
}

/// Where each submission is also posted, signed (`CONTACT_WEBHOOK_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// `https://…`, or `http://` to a loopback host (tests, local receivers).
    pub url: String,
    /// The HMAC-SHA256 key of the signature header.
    pub secret: String,
    pub format: Format,
    /// Bound on one attempt, connecting included.
    pub timeout: Duration,
}

/// Attachments: the limits (shared with the page through the form
/// definition) and how files are handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    pub limits: helpsite_form::definition::Uploads,
    /// How long an upload grant (a presigned POST) may be used.
    pub grant_ttl: Duration,
    /// How long a download link in the support email works.
    pub link_ttl: Duration,
    /// Files up to this many bytes in total are also attached to the
    /// support email (`0`: links only).
    pub attach_max_bytes: u64,
    /// Where download links of a local archive point
    /// (`http://127.0.0.1:8787/api`); without it, the request's own host.
    pub link_base: Option<String>,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            limits: Default::default(),
            grant_ttl: Duration::from_secs(600),
            link_ttl: Duration::from_secs(6 * 3600),
            attach_max_bytes: 0,
            link_base: None,
        }
    }
}

/// Every setting of the handler.
#[derive(Debug, Clone)]
pub struct Config {
    /// `From:` of every message: a verified SES identity.
    pub sender: Mailbox,
    /// `To:` of support messages no route in `routes` applies to.
    pub recipients: Vec<Mailbox>,
    /// Recipients per topic and language (`CONTACT_ROUTES`).
    pub routes: Routes,
    /// `None`: no webhook.
    pub webhook: Option<WebhookConfig>,
    /// Submissions in a local archive older than this are removed when
    /// `redeliver` or `erase` runs (`CONTACT_RETENTION_DAYS`; S3 has its
    /// lifecycle rule). `None`: kept.
    pub retention: Option<Duration>,
    /// Origins (`https://help.example.com`) that may post cross-origin; `*` allows any.
    pub allowed_origins: Vec<String>,
    /// Also allow an `Origin` equal to the request's own `Host` (local serving).
    pub allow_same_origin: bool,
    /// Language codes of the site; `lang` must be one of them.
    pub languages: Vec<String>,
    pub default_language: String,
    /// Topic identifiers; `topic` must be one of them.
    pub topics: Vec<String>,
    /// Thank-you page: `{lang}` and `{ref}` are replaced.
    pub thanks_url: String,
    /// Error page: `{lang}` and `{code}` are replaced.
    pub error_url: String,
    /// Per-language overrides of `thanks_url` / `error_url`.
    pub thanks_url_by_lang: HashMap<String, String>,
    pub error_url_by_lang: HashMap<String, String>,
    pub archive: ArchiveConfig,
    pub mailer: MailerConfig,
    /// Send the visitor an acknowledgement with their reference.
    pub acknowledge: bool,
    /// Name shown in acknowledgements.
    pub site_name: String,
    /// A post with `started_at` less than this before receipt is spam.
    pub min_fill_time: Duration,
    /// `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// Prefix of reference IDs (`HS` → `HS-7K4M-2QXF`).
    pub reference_prefix: String,
    /// Take the client address for rate limiting from `X-Forwarded-For`
    /// (only behind a proxy you run; Lambda events carry it already).
    pub trust_forwarded_for: bool,
    /// How many proxies of yours append to `X-Forwarded-For`: the client is
    /// the entry that many from the right (the entries to its left are
    /// whatever the client sent).
    pub trusted_proxy_hops: usize,
    /// Redeliver only pending submissions at least this old, so that a
    /// request still sending is not doubled.
    pub redeliver_min_age: Duration,
    /// How long a claim to send a submission holds before another run may
    /// take it over (longer than one delivery can take).
    pub claim_ttl: Duration,
    pub aws: AwsSettings,
    pub uploads: UploadSettings,
    /// Error messages and acknowledgement texts per language.
    pub texts: Texts,
}

/// Default of `CONTACT_CLAIM_SECONDS`: well over two SES calls at their
/// timeout and an archive write.
pub const DEFAULT_CLAIM_SECONDS: u64 = 600;

/// The thank-you page of the local configuration and the default.
pub const DEFAULT_THANKS_URL: &str = "/{lang}/contact/thanks/?ref={ref}";
/// The error page of the local configuration and the default.
pub const DEFAULT_ERROR_URL: &str = "/{lang}/contact/error/?code={code}";

impl Config {
    /// Local development: archive in `<root>/.archive`, mail as `.eml` in
    /// `<root>/.outbox`, redirects to `/{lang}/contact/thanks/?ref=REF` and
    /// `/{lang}/contact/error/?code=CODE`; same-origin posts allowed.
    pub fn local(
        root: &Path,
        languages: Vec<String>,
        default_language: String,
        topics: Vec<String>,
    ) -> Config {
        let languages = if languages.is_empty() {
            vec![default_language.clone()]
        } else {
            languages
        };
        let topics = if topics.is_empty() {
            helpsite_form::DEFAULT_TOPICS
                .iter()
                .map(|t| t.to_string())
                .collect()
        } else {
            topics
        };
        Config {
            sender: Mailbox::new(Some("Help Center (local preview)"), "help@localhost"),
            recipients: vec![Mailbox::new(Some("Support"), "support@localhost")],
            routes: Routes::default(),
            webhook: None,
            retention: None,
            allowed_origins: Vec::new(),
            allow_same_origin: true,
            languages,
            default_language,
            topics,
            thanks_url: DEFAULT_THANKS_URL.into(),
            error_url: DEFAULT_ERROR_URL.into(),
            thanks_url_by_lang: HashMap::new(),
            error_url_by_lang: HashMap::new(),
            archive: ArchiveConfig::Local(root.join(".archive")),
            mailer: MailerConfig::Outbox(root.join(".outbox")),
            // One `.eml` per submission: the support message, visitor in Reply-To.
            acknowledge: false,
            site_name: "Help Center".into(),
            min_fill_time: Duration::from_secs(3),
            rate_limit: Some(RateLimit {
                burst: 30,
                per: Duration::from_secs(60),
            }),
            reference_prefix: "HS".into(),
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            redeliver_min_age: Duration::ZERO,
            claim_ttl: Duration::from_secs(DEFAULT_CLAIM_SECONDS),
            aws: AwsSettings::default(),
            uploads: UploadSettings::default(),
            texts: Texts::shipped(),
        }
    }

    /// The settings of a command that only reads and removes (`erase`):
    /// the archive given (`DIR` or `s3://bucket/prefix`), the outbox given,
    /// the AWS client settings and `CONTACT_RETENTION_DAYS` from the
    /// environment.
    pub fn for_archive(archive: &str, outbox: PathBuf) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut cfg = Config::local(Path::new("."), Vec::new(), "en".into(), Vec::new());
        cfg.archive = parse_archive(archive)?;
        cfg.mailer = MailerConfig::Outbox(outbox);
        cfg.aws = aws_settings(&get)?;
        cfg.retention = retention(&get)?;
        Ok(cfg)
    }

    /// `CONTACT_RETENTION_DAYS` from the environment, for the local
    /// configuration (`redeliver --local`).
    pub fn retention_from_env() -> Result<Option<Duration>, ConfigError> {
        retention(&|k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Takes the texts, languages and topics of the form definition
    /// `helpsite build` writes.
    pub fn with_texts(mut self, texts: Texts) -> Config {
        if let Some(def) = texts.definition() {
            if !def.languages.is_empty() {
                self.languages = def.languages.clone();
                self.default_language = def.default_language.clone();
            }
            if !def.topics.is_empty() {
                self.topics = def.topics.clone();
            }
            if let Some(limits) = &def.uploads {
                self.uploads.limits = limits.clone();
            }
        }
        self.texts = texts;
        self
    }

    /// Lambda / `handler-local` configuration from `CONTACT_*` environment
    /// variables (see the README section for the table).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Config::from_env`] over any lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let (sender, recipients) = mailboxes(&get)?;
        let allowed_origins = origins(&get)?;
        let site = Site::from_lookup(&get)?;
        let pages = Pages::from_lookup(&get, &site.languages)?;
        let (archive, mailer) = transports(&get)?;
        let rate_limit = rate_limit(&get)?;
        let reference_prefix = reference_prefix(&get)?;
        let aws = aws_settings(&get)?;
        let routes = routes(&get, &site)?;
        let webhook = webhook(&get)?;
        let retention = retention(&get)?;
        let uploads = upload_settings(&get, site.texts.definition())?;
        Ok(Config {
            routes,
            webhook,
            retention,
            site_name: get("CONTACT_SITE_NAME")
                .or_else(|| sender.name.clone())
                .unwrap_or_else(|| "Help Center".into()),
            sender,
            recipients,
            allowed_origins,
            allow_same_origin: parse_bool(&get, "CONTACT_ALLOW_SAME_ORIGIN", false)?,
            languages: site.languages,
            default_language: site.default_language,
            topics: site.topics,
            thanks_url: pages.thanks_url,
            error_url: pages.error_url,
            thanks_url_by_lang: pages.thanks_url_by_lang,
            error_url_by_lang: pages.error_url_by_lang,
            archive,
            mailer,
            acknowledge: parse_bool(&get, "CONTACT_ACKNOWLEDGE", false)?,
            min_fill_time: Duration::from_millis(parse_num(&get, "CONTACT_MIN_FILL_MS", 3000)?),
            rate_limit,
            reference_prefix,
            trust_forwarded_for: parse_bool(&get, "CONTACT_TRUST_FORWARDED_FOR", false)?,
            trusted_proxy_hops: proxy_hops(&get)?,
            redeliver_min_age: Duration::from_secs(parse_num(
                &get,
                "CONTACT_REDELIVER_MIN_AGE_SECONDS",
                120,
            )?),
            claim_ttl: Duration::from_secs(parse_num(
                &get,
                "CONTACT_CLAIM_SECONDS",
                DEFAULT_CLAIM_SECONDS,
            )?),
            aws,
            uploads,
            texts: site.texts,
        })
    }

    /// The thank-you URL for `lang` with the reference filled in.
    pub fn thanks_location(&self, lang: &str, reference: &str) -> String {
        let template = self
            .thanks_url_by_lang
            .get(lang)
            .unwrap_or(&self.thanks_url);
        template
            .replace("{lang}", &url_component(lang))
            .replace("{ref}", &url_component(reference))
    }

    /// The error-page URL for `lang` with the error code filled in.
    pub fn error_location(&self, lang: &str, code: &str) -> String {
        let template = self.error_url_by_lang.get(lang).unwrap_or(&self.error_url);
        template
            .replace("{lang}", &url_component(lang))
            .replace("{code}", &url_component(code))
    }
}

const MAILBOX_SYNTAX: &str = "expected `Name <addr@domain>` or `addr@domain`";

/// `CONTACT_SENDER` and `CONTACT_RECIPIENTS`.
fn mailboxes(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<(Mailbox, Vec<Mailbox>), ConfigError> {
    let sender_raw = get("CONTACT_SENDER").ok_or(ConfigError::Missing("CONTACT_SENDER"))?;
    let sender = Mailbox::parse(&sender_raw)
        .ok_or_else(|| ConfigError::invalid("CONTACT_SENDER", &sender_raw, MAILBOX_SYNTAX))?;
    let recipients_raw =
        get("CONTACT_RECIPIENTS").ok_or(ConfigError::Missing("CONTACT_RECIPIENTS"))?;
    let mut recipients = Vec::new();
    for item in split_list(&recipients_raw) {
        recipients
            .push(Mailbox::parse(&item).ok_or_else(|| {
                ConfigError::invalid("CONTACT_RECIPIENTS", &item, MAILBOX_SYNTAX)
            })?);
    }
    if recipients.is_empty() {
        return Err(ConfigError::Missing("CONTACT_RECIPIENTS"));
    }
    Ok((sender, recipients))
}

/// `CONTACT_ROUTES`, checked against the site's topics and languages.
fn routes(get: &impl Fn(&str) -> Option<String>, site: &Site) -> Result<Routes, ConfigError> {
    match get("CONTACT_ROUTES") {
        Some(v) => {
            Routes::parse(&v, &site.topics, &site.languages).map_err(|e| ConfigError::Route {
                entry: e.entry,
                reason: e.reason,
            })
        }
        None => Ok(Routes::default()),
    }
}

/// `CONTACT_WEBHOOK_URL`, `_SECRET`, `_FORMAT` and `_TIMEOUT_SECONDS`.
fn webhook(get: &impl Fn(&str) -> Option<String>) -> Result<Option<WebhookConfig>, ConfigError> {
    let Some(url) = get("CONTACT_WEBHOOK_URL") else {
        for var in ["CONTACT_WEBHOOK_SECRET", "CONTACT_WEBHOOK_FORMAT"] {
            if get(var).is_some() {
                return Err(ConfigError::invalid(
                    var,
                    "(set)",
                    "given without CONTACT_WEBHOOK_URL",
                ));
            }
        }
        return Ok(None);
    };
    check_webhook_url(&url)?;
    if !cfg!(feature = "aws") {
        return Err(ConfigError::invalid(
            "CONTACT_WEBHOOK_URL",
            &url,
            "this build has no HTTP client (feature `aws`)",
        ));
    }
    let secret =
        get("CONTACT_WEBHOOK_SECRET").ok_or(ConfigError::Missing("CONTACT_WEBHOOK_SECRET"))?;
    if secret.len() < 16 {
        return Err(ConfigError::invalid(
            "CONTACT_WEBHOOK_SECRET",
            "(hidden)",
            "at least 16 characters",
        ));
    }
    let format = match get("CONTACT_WEBHOOK_FORMAT").as_deref() {
        None | Some("json") => Format::Json,
        Some("slack") => Format::Slack,
        Some(other) => {
            return Err(ConfigError::invalid(
                "CONTACT_WEBHOOK_FORMAT",
                other,
                "expected `json` or `slack`",
            ))
        }
    };
    let secs = parse_num(get, "CONTACT_WEBHOOK_TIMEOUT_SECONDS", 5)?;
    if !(1..=30).contains(&secs) {
        return Err(ConfigError::invalid(
            "CONTACT_WEBHOOK_TIMEOUT_SECONDS",
            &secs.to_string(),
            "1 to 30 seconds",
        ));
    }
    Ok(Some(WebhookConfig {
        url,
        secret,
        format,
        timeout: Duration::from_secs(secs),
    }))
}

/// `https://host[:port]/path`, or `http://` to 127.0.0.1, `[::1]` or
/// `localhost` only: a submission never crosses a network in the clear.
fn check_webhook_url(url: &str) -> Result<(), ConfigError> {
    let bad = |reason| Err(ConfigError::invalid("CONTACT_WEBHOOK_URL", url, reason));
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return bad("a URL of visible ASCII characters");
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.is_empty() => h,
        _ => authority,
    };
    if authority.contains('@') || host.is_empty() {
        return bad("expected `https://host/path` (no user info)");
    }
    match scheme {
        "https" => Ok(()),
        "http" if matches!(host, "127.0.0.1" | "[::1]" | "localhost") => Ok(()),
        "http" => bad("http:// only to 127.0.0.1, [::1] or localhost; use https://"),
        _ => bad("expected `https://host/path`"),
    }
}

/// `CONTACT_RETENTION_DAYS`: 1 or more; unset keeps local submissions.
fn retention(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Duration>, ConfigError> {
    match get("CONTACT_RETENTION_DAYS") {
        None => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(days) if days > 0 => Ok(Some(Duration::from_secs(days * 86_400))),
            _ => Err(ConfigError::invalid(
                "CONTACT_RETENTION_DAYS",
                &v,
                "expected a whole number of days, 1 or more",
            )),
        },
    }
}

/// `CONTACT_ALLOWED_ORIGINS`: each `scheme://host[:port]` or `*`.
fn origins(get: &impl Fn(&str) -> Option<String>) -> Result<Vec<String>, ConfigError> {
    let allowed_origins = get("CONTACT_ALLOWED_ORIGINS")
        .map(|v| split_list(&v))
        .unwrap_or_default();
    for o in &allowed_origins {
        if o != "*" && !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/')
        {
            return Err(ConfigError::invalid(
                "CONTACT_ALLOWED_ORIGINS",
                o,
                "an origin is `scheme://host[:port]` without a path, or `*`",
            ));
        }
    }
    Ok(allowed_origins)
}

/// The texts, languages and topics: the environment's, else the site's
/// form definition's, else the shipped defaults.
struct Site {
    texts: Texts,
    languages: Vec<String>,
    default_language: String,
    topics: Vec<String>,
}

impl Site {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Site, ConfigError> {
        let texts = match get("CONTACT_FORM_DEFINITION") {
            Some(path) => Texts::load(Path::new(&path)).map_err(ConfigError::Definition)?,
            None => Texts::shipped(),
        };
        let site = texts.definition();
        let languages = get("CONTACT_LANGUAGES")
            .map(|v| split_list(&v))
            .or_else(|| site.map(|d| d.languages.clone()).filter(|l| !l.is_empty()))
            .unwrap_or_else(|| vec!["en".into()]);
        if languages.is_empty() {
            return Err(ConfigError::Missing("CONTACT_LANGUAGES"));
        }
        let default_language = get("CONTACT_DEFAULT_LANGUAGE")
            .or_else(|| {
                site.map(|d| d.default_language.clone())
                    .filter(|d| languages.contains(d))
            })
            .unwrap_or_else(|| languages[0].clone());
        if !languages.contains(&default_language) {
            return Err(ConfigError::invalid(
                "CONTACT_DEFAULT_LANGUAGE",
                &default_language,
                "must be one of CONTACT_LANGUAGES",
            ));
        }
        let topics = get("CONTACT_TOPICS")
            .map(|v| split_list(&v))
            .or_else(|| site.map(|d| d.topics.clone()).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| {
                helpsite_form::DEFAULT_TOPICS
                    .iter()
                    .map(|t| t.to_string())
                    .collect()
            });
        if topics.is_empty() {
            return Err(ConfigError::Missing("CONTACT_TOPICS"));
        }
        Ok(Site {
            texts,
            languages,
            default_language,
            topics,
        })
    }
}

/// The thank-you and error pages, and their per-language overrides.
struct Pages {
    thanks_url: String,
    error_url: String,
    thanks_url_by_lang: HashMap<String, String>,
    error_url_by_lang: HashMap<String, String>,
}

impl Pages {
    fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        languages: &[String],
    ) -> Result<Pages, ConfigError> {
        let thanks_url = get("CONTACT_THANKS_URL").unwrap_or_else(|| DEFAULT_THANKS_URL.into());
        let error_url = get("CONTACT_ERROR_URL").unwrap_or_else(|| DEFAULT_ERROR_URL.into());
        let mut thanks_url_by_lang = HashMap::new();
        let mut error_url_by_lang = HashMap::new();
        for lang in languages {
            let suffix = lang.to_uppercase().replace('-', "_");
            if let Some(v) = get(&format!("CONTACT_THANKS_URL_{suffix}")) {
                thanks_url_by_lang.insert(lang.clone(), v);
            }
            if let Some(v) = get(&format!("CONTACT_ERROR_URL_{suffix}")) {
                error_url_by_lang.insert(lang.clone(), v);
            }
        }
        let pages = Pages {
            thanks_url,
            error_url,
            thanks_url_by_lang,
            error_url_by_lang,
        };
        pages.check()?;
        Ok(pages)
    }

    /// Every URL is visible ASCII: it goes into a `Location` header as it is.
    fn check(&self) -> Result<(), ConfigError> {
        let url_checks = [
            ("CONTACT_THANKS_URL", &self.thanks_url),
            ("CONTACT_ERROR_URL", &self.error_url),
        ];
        let per_lang = self
            .thanks_url_by_lang
            .values()
            .chain(self.error_url_by_lang.values());
        for (var, url) in url_checks
            .into_iter()
            .chain(per_lang.map(|u| ("CONTACT_*_URL_<LANG>", u)))
        {
            if !url.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError::invalid(
                    var,
                    url,
                    "a URL of visible ASCII characters (percent-encode the rest)",
                ));
            }
        }
        Ok(())
    }
}

/// `CONTACT_ARCHIVE` and `CONTACT_MAILER` (S3 and SES by default in Lambda).
fn transports(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<(ArchiveConfig, MailerConfig), ConfigError> {
    let in_lambda = get("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let archive = match get("CONTACT_ARCHIVE") {
        Some(v) => parse_archive(&v)?,
        None if in_lambda => return Err(ConfigError::Missing("CONTACT_ARCHIVE")),
        None => ArchiveConfig::Local(PathBuf::from(".archive")),
    };
    let outbox = || {
        MailerConfig::Outbox(
            get("CONTACT_OUTBOX")
                .unwrap_or_else(|| ".outbox".into())
                .into(),
        )
    };
    let mailer = match get("CONTACT_MAILER").as_deref() {
        Some("ses") => MailerConfig::Ses,
        Some("outbox") => outbox(),
        Some(other) => {
            return Err(ConfigError::invalid(
                "CONTACT_MAILER",
                other,
                "expected `ses` or `outbox`",
            ))
        }
        None if in_lambda => MailerConfig::Ses,
        None => outbox(),
    };
    if !cfg!(feature = "aws")
        && (mailer == MailerConfig::Ses || matches!(archive, ArchiveConfig::S3 { .. }))
    {
        return Err(ConfigError::invalid(
            "CONTACT_MAILER/CONTACT_ARCHIVE",
            "ses/s3",
            "this build has no AWS support (feature `aws`)",
        ));
    }
    Ok((archive, mailer))
}

/// `CONTACT_RATE_LIMIT`: `N/SECONDS`, `off`, or 10 per 600 seconds.
fn rate_limit(get: &impl Fn(&str) -> Option<String>) -> Result<Option<RateLimit>, ConfigError> {
    match get("CONTACT_RATE_LIMIT").as_deref() {
        None => Ok(Some(RateLimit {
            burst: 10,
            per: Duration::from_secs(600),
        })),
        Some("off") => Ok(None),
        Some(v) => Ok(Some(parse_rate(v).ok_or_else(|| {
            ConfigError::invalid(
                "CONTACT_RATE_LIMIT",
                v,
                "expected `N/SECONDS` (e.g. `10/600`) or `off`",
            )
        })?)),
    }
}

/// `CONTACT_REFERENCE_PREFIX`: 1 to 8 capitals or digits, `HS` by default.
fn reference_prefix(get: &impl Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let reference_prefix = get("CONTACT_REFERENCE_PREFIX").unwrap_or_else(|| "HS".into());
    if reference_prefix.is_empty()
        || reference_prefix.len() > 8
        || !reference_prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(ConfigError::invalid(
            "CONTACT_REFERENCE_PREFIX",
            &reference_prefix,
            "1 to 8 capital letters or digits",
        ));
    }
    Ok(reference_prefix)
}

fn aws_settings(get: &impl Fn(&str) -> Option<String>) -> Result<AwsSettings, ConfigError> {
    Ok(AwsSettings {
        region: get("CONTACT_AWS_REGION"),
        ses_endpoint: get("CONTACT_SES_ENDPOINT"),
        s3_endpoint: get("CONTACT_S3_ENDPOINT"),
        s3_path_style: parse_bool(&get, "CONTACT_S3_PATH_STYLE", false)?,
        max_attempts: parse_num(&get, "CONTACT_AWS_MAX_ATTEMPTS", 3)?.max(1) as u32,
        operation_timeout: Duration::from_secs(
            parse_num(&get, "CONTACT_AWS_TIMEOUT_SECONDS", 10)?.max(1),
        ),
        ses_configuration_set: get("CONTACT_SES_CONFIGURATION_SET"),
    })
}

/// `CONTACT_UPLOAD_*` over the form definition's `uploads`, over the defaults.
fn upload_settings(
    get: &impl Fn(&str) -> Option<String>,
    def: Option<&helpsite_form::definition::FormDefinition>,
) -> Result<UploadSettings, ConfigError> {
    let d = UploadSettings::default();
    let mut limits = def.and_then(|d| d.uploads.clone()).unwrap_or_default();
    limits.max_files =
        parse_num(get, "CONTACT_UPLOAD_MAX_FILES", limits.max_files as u64)? as usize;
    limits.max_bytes = parse_num(get, "CONTACT_UPLOAD_MAX_BYTES", limits.max_bytes)?;
    if let Some(types) = get("CONTACT_UPLOAD_TYPES") {
        limits.types = split_list(&types);
    }
    if let Err(reason) = limits.check() {
        let value = format!(
            "{} files, {} bytes, {}",
            limits.max_files,
            limits.max_bytes,
            limits.types.join(",")
        );
        return Err(ConfigError::invalid("CONTACT_UPLOAD_*", &value, reason));
    }
    let secs = |key, default: Duration| -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs(
            parse_num(get, key, default.as_secs())?.max(1),
        ))
    };
    Ok(UploadSettings {
        limits,
        grant_ttl: secs("CONTACT_UPLOAD_GRANT_SECONDS", d.grant_ttl)?,
        link_ttl: secs("CONTACT_UPLOAD_LINK_SECONDS", d.link_ttl)?
            .min(Duration::from_secs(604_800)),
        attach_max_bytes: parse_num(get, "CONTACT_ATTACH_MAX_BYTES", d.attach_max_bytes)?,
        link_base: get("CONTACT_UPLOAD_LINK_BASE").map(|b| b.trim_end_matches('/').to_string()),
    })
}

/// `CONTACT_TRUSTED_PROXY_HOPS`: 1 or more.
fn proxy_hops(get: &impl Fn(&str) -> Option<String>) -> Result<usize, ConfigError> {
    match parse_num(get, "CONTACT_TRUSTED_PROXY_HOPS", 1)? {
        0 => Err(ConfigError::invalid(
            "CONTACT_TRUSTED_PROXY_HOPS",
            "0",
            "expected 1 or more (the proxies that append to X-Forwarded-For)",
        )),
        n => Ok(n as usize),
    }
}

/// RFC 3986 unreserved characters stay as they are.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn url_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_archive(v: &str) -> Result<ArchiveConfig, ConfigError> {
    if let Some(rest) = v.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(ConfigError::invalid(
                "CONTACT_ARCHIVE",
                v,
                "expected `s3://bucket[/prefix]`",
            ));
        }
        let prefix = prefix.trim_matches('/');
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        Ok(ArchiveConfig::S3 {
            bucket: bucket.to_string(),
            prefix,
        })
    } else {
        Ok(ArchiveConfig::Local(PathBuf::from(
            v.strip_prefix("file://").unwrap_or(v),
        )))
    }
}

fn parse_rate(v: &str) -> Option<RateLimit> {
    let (n, secs) = v.split_once('/')?;
    let burst: u32 = n.trim().parse().ok()?;
    let secs: u64 = secs.trim().parse().ok()?;
    (burst > 0 && secs > 0).then(|| RateLimit {
        burst,
        per: Duration::from_secs(secs),
    })
}

fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(key).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::invalid(key, other, "expected true or false")),
    }
}

fn parse_num(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: u64,
) -> Result<u64, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| ConfigError::invalid(key, &v, "expected a whole number")),
    }
}

/// A setting that is missing or cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("environment variable {0} is required")]
    Missing(&'static str),
    #[error("environment variable {var}={value:?}: {reason}")]
    Invalid {
        var: String,
        value: String,
        reason: &'static str,
    },
    #[error("environment variable CONTACT_FORM_DEFINITION: {0}")]
    Definition(String),
    #[error("environment variable CONTACT_ROUTES: entry {entry:?}: {reason}")]
    Route { entry: String, reason: String },
    #[error("webhook client: {0}")]
    Webhook(String),
}

impl ConfigError {
    fn invalid(var: &str, value: &str, reason: &'static str) -> ConfigError {
        ConfigError::Invalid {
            var: var.to_string(),
            value: value.to_string(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn minimal_env() {
        let c = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "Help <help@example.com>"),
            ("CONTACT_RECIPIENTS", "a@example.com, B <b@example.com>"),
        ]))
        .unwrap();
        assert_eq!(c.sender.addr, "help@example.com");
        assert_eq!(c.recipients.len(), 2);
        assert_eq!(c.languages, vec!["en"]);
        assert_eq!(c.archive, ArchiveConfig::Local(".archive".into()));
        assert!(matches!(c.mailer, MailerConfig::Outbox(_)));
        assert_eq!(c.topics.len(), helpsite_form::DEFAULT_TOPICS.len());
    }

    #[test]
    #[cfg(not(feature = "aws"))]
    fn without_aws_ses_and_s3_are_refused() {
        let e = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_MAILER", "ses"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("feature `aws`"), "{e}");
    }

    #[test]
    #[cfg(feature = "aws")]
    fn lambda_env_needs_archive_and_uses_ses() {
        let base = [
            ("AWS_LAMBDA_FUNCTION_NAME", "f"),
            ("CONTACT_SENDER", "help@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
        ];
        assert_eq!(
            Config::from_lookup(env(&base)).unwrap_err(),
            ConfigError::Missing("CONTACT_ARCHIVE")
        );
        let mut with = base.to_vec();
        with.push(("CONTACT_ARCHIVE", "s3://bucket/some/prefix/"));
        with.push(("CONTACT_LANGUAGES", "en,fi,fa"));
        with.push(("CONTACT_THANKS_URL_FI", "/fi/kiitos/?ref={ref}"));
        with.push(("CONTACT_RATE_LIMIT", "3/60"));
        let c = Config::from_lookup(env(&with)).unwrap();
        assert_eq!(
            c.archive,
            ArchiveConfig::S3 {
                bucket: "bucket".into(),
                prefix: "some/prefix/".into()
            }
        );
        assert_eq!(c.mailer, MailerConfig::Ses);
        assert_eq!(
            c.thanks_location("fi", "HS-AAAA-BBBB"),
            "/fi/kiitos/?ref=HS-AAAA-BBBB"
        );
        assert_eq!(
            c.thanks_location("en", "HS-1"),
            "/en/contact/thanks/?ref=HS-1"
        );
        assert_eq!(
            c.rate_limit,
            Some(RateLimit {
                burst: 3,
                per: Duration::from_secs(60)
            })
        );
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "not an address"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("CONTACT_SENDER"), "{e}");
        let e = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_ALLOWED_ORIGINS", "https://help.example.com/"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("CONTACT_ALLOWED_ORIGINS"), "{e}");
        let e = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_LANGUAGES", "en,fi"),
            ("CONTACT_DEFAULT_LANGUAGE", "ru"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("CONTACT_DEFAULT_LANGUAGE"), "{e}");
        let e = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_THANKS_URL", "/kiitos ä/?ref={ref}"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("CONTACT_THANKS_URL"), "{e}");
        for (var, value) in [
            ("CONTACT_TRUSTED_PROXY_HOPS", "0"),
            ("CONTACT_TRUSTED_PROXY_HOPS", "one"),
            ("CONTACT_CLAIM_SECONDS", "10m"),
        ] {
            let e = Config::from_lookup(env(&[
                ("CONTACT_SENDER", "h@example.com"),
                ("CONTACT_RECIPIENTS", "a@example.com"),
                (var, value),
            ]))
            .unwrap_err();
            assert!(e.to_string().contains(var), "{e}");
        }
        let c = Config::from_lookup(env(&[
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_TRUSTED_PROXY_HOPS", "2"),
            ("CONTACT_CLAIM_SECONDS", "90"),
        ]))
        .unwrap();
        assert_eq!(c.trusted_proxy_hops, 2);
        assert_eq!(c.claim_ttl, Duration::from_secs(90));
    }

    fn with(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut pairs = vec![
            ("CONTACT_SENDER", "h@example.com"),
            ("CONTACT_RECIPIENTS", "a@example.com"),
            ("CONTACT_LANGUAGES", "en,fi"),
        ];
        pairs.extend_from_slice(extra);
        Config::from_lookup(env(&pairs))
    }

    #[test]
    fn a_bad_route_is_named_at_startup() {
        let e = with(&[("CONTACT_ROUTES", "billing=b@x.com;refunds=r@x.com")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable CONTACT_ROUTES: entry \"refunds=r@x.com\": unknown topic \"refunds\" (topics: billing, refund, technical, licence, other)"
        );
        let c = with(&[("CONTACT_ROUTES", "billing/fi=laskutus@x.com")]).unwrap();
        assert_eq!(
            c.routes.pick("billing", "fi", &c.recipients)[0].addr,
            "laskutus@x.com"
        );
    }

    #[test]
    fn webhook_settings() {
        let hook = |url: &str| {
            with(&[
                ("CONTACT_WEBHOOK_URL", url),
                ("CONTACT_WEBHOOK_SECRET", "0123456789abcdef"),
            ])
        };
        #[cfg(feature = "aws")]
        {
            let c = hook("https://hooks.example.com/helpsite").unwrap();
            let w = c.webhook.unwrap();
            assert_eq!(
                (w.format, w.timeout),
                (Format::Json, Duration::from_secs(5))
            );
            for ok in [
                "http://127.0.0.1:8080/h",
                "http://localhost/h",
                "http://[::1]:9/h",
            ] {
                assert!(hook(ok).is_ok(), "{ok}");
            }
        }
        for bad in [
            "http://hooks.example.com/h",
            "http://127.0.0.1.evil.example/h",
            "ftp://hooks.example.com/h",
            "https://user:pw@hooks.example.com/h",
            "https:///h",
            "hooks.example.com/h",
            "https://hooks.example.com/ä",
        ] {
            let e = hook(bad).unwrap_err().to_string();
            assert!(e.contains("CONTACT_WEBHOOK_URL"), "{bad}: {e}");
        }
    }

    #[test]
    #[cfg(feature = "aws")]
    fn each_bad_webhook_setting_is_named() {
        let url = ("CONTACT_WEBHOOK_URL", "https://hooks.example.com/h");
        let secret = ("CONTACT_WEBHOOK_SECRET", "0123456789abcdef");
        for (pairs, var) in [
            (vec![url], "CONTACT_WEBHOOK_SECRET"),
            (
                vec![url, ("CONTACT_WEBHOOK_SECRET", "short")],
                "CONTACT_WEBHOOK_SECRET",
            ),
            (
                vec![url, secret, ("CONTACT_WEBHOOK_FORMAT", "xml")],
                "CONTACT_WEBHOOK_FORMAT",
            ),
            (
                vec![url, secret, ("CONTACT_WEBHOOK_TIMEOUT_SECONDS", "0")],
                "CONTACT_WEBHOOK_TIMEOUT_SECONDS",
            ),
            (
                vec![url, secret, ("CONTACT_WEBHOOK_TIMEOUT_SECONDS", "60")],
                "CONTACT_WEBHOOK_TIMEOUT_SECONDS",
            ),
            (vec![secret], "CONTACT_WEBHOOK_SECRET"),
            (
                vec![("CONTACT_RETENTION_DAYS", "0")],
                "CONTACT_RETENTION_DAYS",
            ),
            (
                vec![("CONTACT_RETENTION_DAYS", "30d")],
                "CONTACT_RETENTION_DAYS",
            ),
        ] {
            let e = with(&pairs).unwrap_err().to_string();
            assert!(e.contains(var), "{pairs:?}: {e}");
            assert!(
                !e.contains("0123456789abcdef"),
                "the secret is never shown: {e}"
            );
        }
        let c = with(&[
            url,
            secret,
            ("CONTACT_WEBHOOK_FORMAT", "slack"),
            ("CONTACT_RETENTION_DAYS", "30"),
        ])
        .unwrap();
        assert_eq!(c.webhook.unwrap().format, Format::Slack);
        assert_eq!(c.retention, Some(Duration::from_secs(30 * 86_400)));
    }

    #[test]
    fn local_config_matches_the_contract() {
        let c = Config::local(
            Path::new("/site"),
            vec!["en".into(), "fi".into()],
            "en".into(),
            vec![],
        );
        assert_eq!(c.archive, ArchiveConfig::Local("/site/.archive".into()));
        assert_eq!(c.mailer, MailerConfig::Outbox("/site/.outbox".into()));
        assert_eq!(
            c.thanks_location("fi", "HS-7K4M-2QXF"),
            "/fi/contact/thanks/?ref=HS-7K4M-2QXF"
        );
        assert_eq!(
            c.error_location("en", "invalid_email"),
            "/en/contact/error/?code=invalid_email"
        );
    }
}

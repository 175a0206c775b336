//! The contact-form handler: the request and answer are described in
//! README.md ("Contact-form handler") and docs/reference.md ("Contact form").
//!
//! One axum application that runs inside AWS Lambda (`bin/handler.rs`, through
//! `lambda_http`) and as a plain local server (`helpsite serve`,
//! `bin/handler-local.rs`). A valid submission is stored in the archive
//! first, then mailed; see README.md, "Contact-form handler".
//!
//! ```no_run
//! # let root = std::path::Path::new(".");
//! let cfg = handler::Config::local(root, vec!["en".into()], "en".into(), vec![]);
//! let app: axum::Router = axum::Router::new().nest("/api", handler::router(cfg));
//! ```
//!
//! The layers, each importing only from itself and those listed before it
//! (see docs/architecture.md): [`core`], [`ports`], [`config`], [`adapters`],
//! [`wiring`], [`usecases`], [`http`], then this file's routers and the
//! binaries.

pub mod adapters;
pub mod config;
pub mod core;
pub mod http;
pub mod ports;
pub mod usecases;
pub mod wiring;

use std::sync::Arc;
use std::time::Duration;

pub use crate::config::{ArchiveConfig, Config, ConfigError, MailerConfig, RateLimit};
pub use crate::core::texts::Texts;
// `handler::events` and `handler::time` are what the generator reads the
// stored signals with.
pub use crate::core::{event as events, reference, time};
pub use crate::http::AppState;
pub use crate::usecases::redeliver::RedeliverReport;
pub use crate::wiring::Services;

use crate::http::{contact, signals, uploads};

/// Sends every pending submission at least `min_age` old, with the
/// settings of `config` (see [`usecases::redeliver`]).
pub async fn redeliver(
    config: &Config,
    services: &Services,
    min_age: Duration,
) -> Result<RedeliverReport, ports::archive::ArchiveError> {
    let policy = usecases::submit::Policy::of(config);
    usecases::redeliver::redeliver(&policy, services, min_age).await
}

/// `POST /contact`, `/contact/uploads`, `/feedback`, `/insights` (and `OPTIONS`); nest it where the site posts
/// (`helpsite serve`: under `/api`).
pub fn router(config: Config) -> axum::Router {
    routes(config, &["/contact"], &["/feedback"], &["/insights"])
}

/// `contact`, `feedback` and `insights` under each of `prefixes` (`""`,
/// `"/api"`), sharing one state (one rate limiter, one set of clients).
pub fn router_at(config: Config, prefixes: &[&str]) -> axum::Router {
    let at =
        |name: &str| -> Vec<String> { prefixes.iter().map(|p| format!("{p}/{name}")).collect() };
    let (contact, feedback, insights) = (at("contact"), at("feedback"), at("insights"));
    routes(
        config,
        &as_strs(&contact),
        &as_strs(&feedback),
        &as_strs(&insights),
    )
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The router of the Lambda function: answers at `/contact`, `/api/contact`
/// and `/` (a Function URL's root), whichever the deployment routes.
pub fn lambda_router(config: Config) -> axum::Router {
    routes(
        config,
        LAMBDA_PATHS,
        &["/feedback", "/api/feedback"],
        &["/insights", "/api/insights"],
    )
}

/// The three endpoints at the given paths over one shared state.
fn routes(config: Config, contact: &[&str], feedback: &[&str], insights: &[&str]) -> axum::Router {
    let state = Arc::new(AppState::new(config));
    let upload_paths: Vec<String> = contact
        .iter()
        .map(|p| format!("{}/uploads", p.trim_end_matches('/')))
        .collect();
    contact::routes(state.clone(), contact)
        .merge(uploads::routes(state.clone(), &upload_paths))
        .merge(signals::routes(state, feedback, insights))
}

/// The paths [`lambda_router`] answers at.
pub const LAMBDA_PATHS: &[&str] = &["/", "/contact", "/api/contact"];

/// Logs for the binaries: JSON lines in Lambda (`json = true`), readable
/// text otherwise; `RUST_LOG` filters (default `info`). Always on stderr:
/// stdout is left to results (`redeliver` prints its JSON report there), and
/// Lambda collects both streams.
#[cfg(feature = "aws")]
pub fn init_tracing(json: bool) {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    // `Targets` rather than `EnvFilter`: the same `level` / `target=level`
    // directives without a regex engine in the Lambda binary.
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let logs = tracing_subscriber::registry().with(filter);
    let _ = if json {
        let format = tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .without_time()
            .with_writer(std::io::stderr);
        logs.with(format).try_init()
    } else {
        logs.with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init()
    };
}

//! The contact-form handler (CONTRACT.md §5).
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

pub mod app;
pub mod archive;
#[cfg(feature = "aws")]
pub mod aws;
pub mod config;
pub mod email;
pub mod input;
pub mod mailer;
pub mod reference;
pub mod service;
pub mod time;

use std::sync::Arc;

pub use app::AppState;
pub use config::{ArchiveConfig, Config, ConfigError, MailerConfig, RateLimit};
pub use service::{redeliver, RedeliverReport, Services};

/// `POST /contact` and `OPTIONS /contact`; nest it where the site posts
/// (`helpsite serve`: under `/api`).
pub fn router(config: Config) -> axum::Router {
    app::routes(Arc::new(AppState::new(config)), &["/contact"])
}

/// The router of the Lambda function: answers at `/contact`, `/api/contact`
/// and `/` (a Function URL's root), whichever the deployment routes.
pub fn lambda_router(config: Config) -> axum::Router {
    app::routes(Arc::new(AppState::new(config)), LAMBDA_PATHS)
}

/// The paths [`lambda_router`] answers at.
pub const LAMBDA_PATHS: &[&str] = &["/", "/contact", "/api/contact"];

/// Logs for the binaries: JSON lines in Lambda (`json = true`), readable
/// text otherwise; `RUST_LOG` filters (default `info`).
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
            .without_time();
        logs.with(format).try_init()
    } else {
        logs.with(tracing_subscriber::fmt::layer()).try_init()
    };
}

//! Sends the submissions still pending in the archive.
//!
//! - In Lambda (an EventBridge schedule invokes it; the event is ignored):
//!   configured from `CONTACT_*` variables like the handler.
//! - By hand: `redeliver --local <root>` for the archive `helpsite serve`
//!   keeps in `<root>/.archive` (mail goes to `<root>/.outbox`), or plain
//!   `redeliver` with the `CONTACT_*` environment.
//!
//! Prints its report as one JSON line on stdout (logs go to stderr). Exit
//! status 1 when some submission could still not be sent, or was sent but
//! could not be recorded as sent, or a webhook is still pending or was
//! refused by its receiver (listed in `webhooks_rejected`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use handler::{Config, Services};

#[derive(Parser)]
#[command(about = "Send the contact-form submissions still pending in the archive")]
struct Args {
    /// Site root whose `.archive` / `.outbox` `helpsite serve` uses.
    #[arg(long, value_name = "ROOT")]
    local: Option<PathBuf>,
    /// Only send submissions at least this many seconds old
    /// (default: 0 with --local, else CONTACT_REDELIVER_MIN_AGE_SECONDS or 120).
    #[arg(long, value_name = "SECONDS")]
    min_age: Option<u64>,
}

/// `CONTACT_RETENTION_DAYS` on a local archive (S3 has its lifecycle rule).
async fn expire_local(cfg: &Config, services: &Services) -> Result<(), lambda_http::Error> {
    if let (Some(keep), handler::ArchiveConfig::Local(_)) = (cfg.retention, &cfg.archive) {
        let gone = handler::usecases::erase::expire(services, keep, false).await?;
        if !gone.submissions.is_empty() {
            tracing::info!(submissions = ?gone.submissions, objects = gone.archive.len(), outbox = gone.outbox.len(), "past the retention period: removed");
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        handler::init_tracing(true);
        let cfg = Config::from_env()?;
        // Built once per container: a warm invocation reuses the clients.
        let services = Services::from_config(&cfg).await?;
        let (cfg, services) = (&cfg, &services);
        return lambda_http::lambda_runtime::run(lambda_http::service_fn(
            move |_event: lambda_http::LambdaEvent<serde_json::Value>| async move {
                let report = handler::redeliver(cfg, services, cfg.redeliver_min_age).await?;
                Ok::<_, lambda_http::Error>(serde_json::to_value(report)?)
            },
        ))
        .await;
    }

    handler::init_tracing(false);
    let args = Args::parse();
    let cfg = match &args.local {
        Some(root) => {
            let mut cfg = Config::local(
                root,
                handler::Texts::shipped_languages(),
                "en".into(),
                Vec::new(),
            );
            cfg.retention = Config::retention_from_env()?;
            cfg
        }
        None => Config::from_env()?,
    };
    let min_age = args
        .min_age
        .map(Duration::from_secs)
        .unwrap_or(cfg.redeliver_min_age);
    let services = Services::from_config(&cfg).await?;
    expire_local(&cfg, &services).await?;
    let report = handler::redeliver(&cfg, &services, min_age).await?;
    println!("{}", serde_json::to_string(&report)?);
    if report.needs_attention() {
        std::process::exit(1);
    }
    Ok(())
}

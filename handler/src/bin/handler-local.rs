//! The handler as a plain server on 127.0.0.1, outside Lambda.
//!
//! `handler-local --local <root>` uses the same settings as `helpsite serve`
//! (archive in `<root>/.archive`, mail as `.eml` in `<root>/.outbox`);
//! without `--local` the `CONTACT_*` environment configures it (mail goes to
//! `CONTACT_OUTBOX` unless `CONTACT_MAILER=ses`). It answers at `/contact`,
//! `/feedback` and `/insights`, each also under `/api`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use handler::Config;

#[derive(Parser)]
#[command(about = "Serve the contact-form handler on 127.0.0.1")]
struct Args {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Local development settings for this site root instead of the environment.
    #[arg(long, value_name = "ROOT")]
    local: Option<PathBuf>,
    /// Languages for --local (comma-separated; the first is the default).
    #[arg(long, default_value = "en,fi,ru,bn,fa", requires = "local")]
    languages: String,
}

/// `CONTACT_RETENTION_DAYS` on a local archive, once at start.
async fn expire_local(cfg: &Config) -> Result<(), Box<dyn std::error::Error>> {
    if let (Some(keep), handler::ArchiveConfig::Local(_)) = (cfg.retention, &cfg.archive) {
        let services = handler::Services::from_config(cfg).await?;
        let gone = handler::usecases::erase::expire(&services, keep, false).await?;
        tracing::info!(
            submissions = gone.submissions.len(),
            "past the retention period: removed"
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    handler::init_tracing(false);
    let args = Args::parse();
    let cfg = match &args.local {
        Some(root) => {
            let langs: Vec<String> = args
                .languages
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let default = langs.first().cloned().unwrap_or_else(|| "en".into());
            Config::local(root, langs, default, Vec::new())
        }
        None => Config::from_env()?,
    };
    expire_local(&cfg).await?;
    let app = handler::router_at(cfg, &["", "/api"]);
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("contact-form handler on http://{addr}/api/contact");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

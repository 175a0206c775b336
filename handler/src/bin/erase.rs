//! Removes everything stored for one email address: its submissions (records,
//! pending markers, claims, webhook states, attachments), the outbox's copies
//! of their messages, and feedback that mentions the address; prints what it
//! removed. Also applies `CONTACT_RETENTION_DAYS` to a local archive.
//!
//! - `erase --local ROOT ADDRESS`: the archive `helpsite serve` keeps in
//!   `ROOT/.archive`, and `ROOT/.outbox`.
//! - `erase --archive s3://bucket/prefix ADDRESS`: with AWS credentials
//!   from the usual chain (`AWS_PROFILE`, environment), `CONTACT_AWS_REGION`,
//!   `CONTACT_S3_ENDPOINT`.
//!
//! Prints one JSON object on stdout (`submissions`, `archive`, `outbox`,
//! `expired`); `--dry-run` lists without removing.

use std::path::PathBuf;

use clap::Parser;
use handler::usecases::erase::{self, Erased};
use handler::{Config, Services};

#[derive(Parser)]
#[command(about = "Remove everything stored for one email address")]
struct Args {
    /// The visitor's address (the domain matches in any case).
    address: String,
    /// Site root whose `.archive` / `.outbox` `helpsite serve` uses.
    #[arg(long, value_name = "ROOT", conflicts_with = "archive")]
    local: Option<PathBuf>,
    /// The archive: a folder or `s3://bucket[/prefix]`.
    #[arg(long, value_name = "DIR|S3")]
    archive: Option<String>,
    /// The outbox folder of a local archive.
    #[arg(long, value_name = "DIR")]
    outbox: Option<PathBuf>,
    /// List what would be removed; remove nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(serde::Serialize)]
struct Report {
    dry_run: bool,
    #[serde(flatten)]
    erased: Erased,
    /// Submissions past `CONTACT_RETENTION_DAYS` (local archives only).
    expired: Option<Erased>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    handler::init_tracing(false);
    let args = Args::parse();
    if !handler::core::mailbox::is_valid_email(args.address.trim()) {
        return Err(format!("{:?} is not an email address", args.address).into());
    }
    let (archive, outbox) = match (&args.local, &args.archive) {
        (Some(root), _) => (
            root.join(".archive").display().to_string(),
            root.join(".outbox"),
        ),
        // Without --outbox, an empty path: it names no folder, so no outbox is searched.
        (None, Some(a)) => (a.clone(), args.outbox.clone().unwrap_or_default()),
        (None, None) => return Err("give --local ROOT or --archive DIR|s3://bucket/prefix".into()),
    };
    let cfg = Config::for_archive(&archive, outbox)?;
    let services = Services::from_config(&cfg).await?;
    let expired = match (cfg.retention, &cfg.archive) {
        (Some(keep), handler::ArchiveConfig::Local(_)) => {
            Some(erase::expire(&services, keep, args.dry_run).await?)
        }
        _ => None,
    };
    let erased = erase::erase(&services, args.address.trim(), args.dry_run).await?;
    let report = Report {
        dry_run: args.dry_run,
        erased,
        expired,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

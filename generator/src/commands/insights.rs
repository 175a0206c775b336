//! `helpsite insights`: what visitors found unhelpful and could not find,
//! from the handler's archive.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The archive: a folder (default `.archive`, where `helpsite serve` stores) or `s3://bucket/prefix`.
    #[arg(long, default_value = ".archive")]
    archive: String,
    /// Only events on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    since: Option<String>,
    /// `text` (default), `json` or `html` (a self-contained page with SVG charts).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// First merge each day older than two days into one `<day>.jsonl` per kind (much faster to read).
    #[arg(long)]
    compact: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Html,
}

/// `helpsite insights`: prints the report; unreadable events are listed on stderr.
pub fn run(args: Args) -> ExitCode {
    use generator::insights::{self, Format as F};
    if let Some(d) = &args.since {
        if insights::read::day_start_ms(d).is_none() {
            eprintln!("error: --since {d:?}: expected a day as YYYY-MM-DD");
            return ExitCode::FAILURE;
        }
    }
    if args.archive.starts_with("s3://") {
        eprintln!(
            "error: this helpsite reads local archives only; copy the S3 one first:\n  aws s3 sync {}/feedback .insights-archive/feedback && aws s3 sync {}/insights .insights-archive/insights\n  helpsite insights --archive .insights-archive",
            args.archive.trim_end_matches('/'),
            args.archive.trim_end_matches('/')
        );
        return ExitCode::FAILURE;
    }
    let root = PathBuf::from(&args.archive);
    if !root.is_dir() {
        eprintln!("error: --archive {}: no such folder", root.display());
        return ExitCode::FAILURE;
    }
    if args.compact {
        let today = &handler::time::rfc3339(handler::time::now_ms())[..10];
        match insights::compact::compact(&root, today) {
            Ok(c) => eprintln!("compacted {} event(s) of {} day(s)", c.events, c.days),
            Err(e) => {
                eprintln!("error: compacting {}: {e}", root.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let format = match args.format {
        Format::Text => F::Text,
        Format::Json => F::Json,
        Format::Html => F::Html,
    };
    let (out, errors) = insights::run(&root, args.since.as_deref(), format);
    for e in &errors {
        eprintln!("warning: skipped {e}");
    }
    print!("{out}");
    ExitCode::SUCCESS
}

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
    let format = match args.format {
        Format::Text => F::Text,
        Format::Json => F::Json,
        Format::Html => F::Html,
    };
    if args.archive.starts_with("s3://") {
        return from_s3(&args.archive, args.since.as_deref(), args.compact, format);
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
    let (out, errors) = insights::run(&root, args.since.as_deref(), format);
    print_report(&out, &errors)
}

/// `helpsite insights --archive s3://…`.
fn from_s3(
    url: &str,
    since: Option<&str>,
    compact: bool,
    format: generator::insights::Format,
) -> ExitCode {
    if compact {
        eprintln!("error: --compact works on a local archive only");
        return ExitCode::FAILURE;
    }
    match load_s3(url, since) {
        Ok(loaded) => {
            let (out, errors) = generator::insights::report(loaded, since, format);
            print_report(&out, &errors)
        }
        Err(e) => {
            eprintln!("error: --archive {url}: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "s3")]
fn load_s3(url: &str, since: Option<&str>) -> Result<generator::insights::read::Loaded, String> {
    generator::insights::s3::load(url, since)
}

#[cfg(not(feature = "s3"))]
fn load_s3(_: &str, _: Option<&str>) -> Result<generator::insights::read::Loaded, String> {
    Err("this helpsite was built without the `s3` feature".into())
}

fn print_report(out: &str, errors: &[generator::insights::ReadError]) -> ExitCode {
    for e in errors {
        eprintln!("warning: skipped {e}");
    }
    print!("{out}");
    ExitCode::SUCCESS
}

//! `helpsite check`: every check of a build, writing nothing, for people or CI.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::check::CheckReport as Report;

use super::{print_error, require_site};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
    /// `human` (default) or `json` (for CI bots).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print every page in every language, however many languages.
    #[arg(long)]
    matrix: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    if let Err(code) = require_site(&args.root) {
        return code;
    }
    let report = match generator::check::check(&args.root) {
        Ok(report) => report,
        Err(e) => {
            print_error(&e, &args.root);
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        Format::Json => print_json(&report, args.strict),
        Format::Human => print_human(&report, &args),
    }
    if report.errors() > 0 || (args.strict && report.warnings() > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_json(report: &Report, strict: bool) {
    let json = serde_json::json!({
        "ok": report.errors() == 0 && !(strict && report.warnings() > 0),
        "errors": report.errors(),
        "warnings": report.warnings(),
        "diagnostics": report.diagnostics,
        "translations": report.translations,
        "languages": report.languages_summary,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&json).expect("serializable")
    );
}

fn print_human(report: &Report, args: &Args) {
    for d in &report.diagnostics {
        eprint!("{}", generator::report::human(d, &args.root));
    }
    println!("translations:\n{}", report.tables(args.matrix));
    println!(
        "{} error(s), {} warning(s)",
        report.errors(),
        report.warnings()
    );
}

//! The `helpsite` command (CONTRACT.md §3).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use generator::site::{self, BuildOptions};

#[derive(Parser)]
#[command(
    name = "helpsite",
    version,
    about = "Build and preview a multilingual help center"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: <root>/public).
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Print how long each phase of the build took.
        #[arg(long)]
        timings: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on change, and answer the contact form.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Stop after this many seconds (for tests and scripts).
        #[arg(long, hide = true)]
        exit_after: Option<u64>,
    },
    /// Run every check of a build, writing nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// `human` (default) or `json` (for CI bots).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Report what visitors found unhelpful and could not find (from the handler's archive).
    Insights(InsightsArgs),
}

#[derive(clap::Args)]
struct InsightsArgs {
    /// The archive: a folder (default `.archive`, where `helpsite serve` stores) or `s3://bucket/prefix`.
    #[arg(long, default_value = ".archive")]
    archive: String,
    /// Only events on or after this day (YYYY-MM-DD, UTC).
    #[arg(long)]
    since: Option<String>,
    /// `text` (default), `json` or `html` (a self-contained page with SVG charts).
    #[arg(long, value_enum, default_value_t = InsightsFormat::Text)]
    format: InsightsFormat,
    /// First merge each day older than two days into one `<day>.jsonl` per kind (much faster to read).
    #[arg(long)]
    compact: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InsightsFormat {
    Text,
    Json,
    Html,
}

/// `helpsite insights`: prints the report; unreadable events are listed on stderr.
fn insights(args: InsightsArgs) -> ExitCode {
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
        InsightsFormat::Text => F::Text,
        InsightsFormat::Json => F::Json,
        InsightsFormat::Html => F::Html,
    };
    let (out, errors) = insights::run(&root, args.since.as_deref(), format);
    for e in &errors {
        eprintln!("warning: skipped {e}");
    }
    print!("{out}");
    ExitCode::SUCCESS
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Prints diagnostics with their source lines; errors of other kinds as they are.
fn print_error(e: &generator::Error, root: &std::path::Path) {
    match e {
        generator::Error::Site(diags) => {
            for d in diags {
                eprint!("{}", generator::report::human(d, root));
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!("{errors} error(s) found");
        }
        other => eprintln!("error: {other}"),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            timings,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let started = Instant::now();
            match site::build(
                &root,
                &out,
                &BuildOptions {
                    drafts,
                    progress: true,
                    ..Default::default()
                },
            ) {
                Ok(built) => {
                    for w in &built.warnings {
                        eprint!("{}", generator::report::human(w, &root));
                    }
                    let per_lang: Vec<String> = built
                        .pages_per_lang
                        .iter()
                        .map(|(l, n)| format!("{l} {n}"))
                        .collect();
                    println!(
                        "built {} pages ({}) into {} in {} ms; {} untranslated, {} warning(s)",
                        built.pages_per_lang.values().sum::<usize>(),
                        per_lang.join(", "),
                        out.display(),
                        started.elapsed().as_millis(),
                        built.untranslated,
                        built.warnings.len()
                    );
                    if timings {
                        for (phase, took) in &built.timings {
                            println!("{:>9.1} ms  {phase}", took.as_secs_f64() * 1000.0);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    print_error(&e, &root);
                    eprintln!(
                        "nothing was written: the previous output in {} was left as it was",
                        out.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve {
            root,
            port,
            exit_after,
        } => {
            let opts = generator::serve::ServeOptions {
                root,
                port,
                exit_after: exit_after.map(std::time::Duration::from_secs),
            };
            match generator::serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("helpsite serve: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check {
            root,
            strict,
            format,
        } => match generator::check::check(&root) {
            Ok(report) => {
                match format {
                    Format::Json => {
                        let json = serde_json::json!({
                            "ok": report.errors() == 0 && !(strict && report.warnings() > 0),
                            "errors": report.errors(),
                            "warnings": report.warnings(),
                            "diagnostics": report.diagnostics,
                            "translations": report.translations,
                        });
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&json).expect("serializable")
                        );
                    }
                    Format::Human => {
                        for d in &report.diagnostics {
                            eprint!("{}", generator::report::human(d, &root));
                        }
                        println!("translations:\n{}", report.table());
                        println!(
                            "{} error(s), {} warning(s)",
                            report.errors(),
                            report.warnings()
                        );
                    }
                }
                if report.errors() > 0 || (strict && report.warnings() > 0) {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                print_error(&e, &root);
                ExitCode::FAILURE
            }
        },
        Command::Insights(args) => insights(args),
    }
}

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

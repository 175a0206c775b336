//! The `helpsite` command; its subcommands are described under "Commands"
//! in README.md and in docs/reference.md.

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
        /// Also write the contact form's definition and texts for the
        /// handler (its CONTACT_FORM_DEFINITION) to this file.
        #[arg(long, value_name = "FILE")]
        form_definition: Option<PathBuf>,
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
        /// Header-read, idle and body timeouts, in milliseconds (for tests).
        #[arg(long, hide = true)]
        timeout_ms: Option<u64>,
        /// Connections served at once (for tests).
        #[arg(long, hide = true)]
        max_connections: Option<usize>,
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
        /// Print every page in every language, however many languages.
        #[arg(long)]
        matrix: bool,
    },
    /// Write a starter site (pages in every language, a contact form) that builds at once.
    /// Existing files are never overwritten.
    Init {
        /// Folder to write the site into (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Language codes, the default first: --languages en,fa,fi.
        /// Without it: site.toml's languages, or English for a new site.
        #[arg(long, value_delimiter = ',')]
        languages: Option<Vec<String>>,
    },
    /// Work with the built-in theme.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Report what visitors found unhelpful and could not find (from the handler's archive).
    Insights(InsightsArgs),
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme into <root>/themes/<theme>/ to edit; existing
    /// files are kept. Files there replace the built-in ones one by one.
    Eject {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Only these files or folders of the theme (templates/page.html,
        /// static/style.css, i18n); all of it without any.
        paths: Vec<String>,
    },
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
    let format = match args.format {
        InsightsFormat::Text => F::Text,
        InsightsFormat::Json => F::Json,
        InsightsFormat::Html => F::Html,
    };
    if args.archive.starts_with("s3://") {
        return insights_s3(&args.archive, args.since.as_deref(), args.compact, format);
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
    print_insights(&out, &errors)
}

/// `helpsite insights --archive s3://…`.
fn insights_s3(
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
            print_insights(&out, &errors)
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

fn print_insights(out: &str, errors: &[generator::insights::ReadError]) -> ExitCode {
    for e in errors {
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

/// Says what `init` or `theme eject` wrote and kept.
fn print_outcome(outcome: &generator::init::Outcome, root: &std::path::Path) {
    for path in &outcome.written {
        println!("wrote {}", root.join(path).display());
    }
    for path in &outcome.kept {
        println!(
            "kept  {} (it exists; not overwritten)",
            root.join(path).display()
        );
    }
}

/// For build, check and serve: a folder that is no site gets told how to start one.
fn require_site(root: &std::path::Path) -> Result<(), ExitCode> {
    match generator::config::not_a_site(root) {
        Some(e) => {
            print_error(&e, root);
            Err(ExitCode::FAILURE)
        }
        None => Ok(()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match &cli.command {
        Command::Build { root, .. } | Command::Serve { root, .. } | Command::Check { root, .. } => {
            Some(root)
        }
        _ => None,
    };
    if let Some(Err(code)) = root.map(|r| require_site(r)) {
        return code;
    }
    match cli.command {
        Command::Init { dir, languages } => match generator::init::init(&dir, languages.as_deref())
        {
            Ok(outcome) => {
                print_outcome(&outcome, &dir);
                if !outcome.to_translate.is_empty() {
                    println!(
                        "pages in {} hold starter text of another language, marked at the top: translate them",
                        outcome.to_translate.join(", ")
                    );
                }
                if outcome.written.is_empty() {
                    println!("nothing written: every starter file exists already");
                }
                let root = shell_root(&dir);
                println!(
                    "next: helpsite serve{root} (preview), helpsite build{root} (into public/)"
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&e, &dir);
                ExitCode::FAILURE
            }
        },
        Command::Theme {
            command: ThemeCommand::Eject { root, paths },
        } => match generator::init::eject(&root, &paths) {
            Ok(outcome) => {
                print_outcome(&outcome, &root);
                println!(
                    "{} file(s) written, {} kept; the site's files under themes/ now replace the built-in theme's",
                    outcome.written.len(),
                    outcome.kept.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&e, &root);
                ExitCode::FAILURE
            }
        },
        Command::Build {
            root,
            out,
            drafts,
            timings,
            form_definition,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let started = Instant::now();
            let had_output = out.exists();
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
                    if let Some(file) = form_definition {
                        if let Err(e) = site::write_form_definition(&root, &file) {
                            print_error(&e, &root);
                            return ExitCode::FAILURE;
                        }
                        println!("wrote the form definition to {}", file.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    print_error(&e, &root);
                    if had_output {
                        eprintln!(
                            "nothing was written: the previous output in {} was left as it was",
                            out.display()
                        );
                    } else {
                        eprintln!(
                            "nothing was written: {} was not created (there was no previous output)",
                            out.display()
                        );
                    }
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve {
            root,
            port,
            exit_after,
            timeout_ms,
            max_connections,
        } => {
            let mut limits = generator::serve::Limits::default();
            if let Some(ms) = timeout_ms {
                let d = std::time::Duration::from_millis(ms);
                (limits.header, limits.idle, limits.body) = (d, d, d);
            }
            if let Some(n) = max_connections {
                limits.max_connections = n.max(1);
            }
            let opts = generator::serve::ServeOptions {
                root,
                port,
                exit_after: exit_after.map(std::time::Duration::from_secs),
                limits,
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
            matrix,
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
                            "languages": report.languages_summary,
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
                        println!("translations:\n{}", report.tables(matrix));
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

/// ` --root DIR` for the next command, nothing for the current folder.
fn shell_root(dir: &std::path::Path) -> String {
    if dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", dir.display())
    }
}

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

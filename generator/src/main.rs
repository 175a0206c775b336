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
    },
    /// Run every check of a build, writing nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, drafts } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let started = Instant::now();
            match site::build(
                &root,
                &out,
                &BuildOptions {
                    drafts,
                    ..Default::default()
                },
            ) {
                Ok(built) => {
                    for w in &built.warnings {
                        eprintln!("{w}");
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
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    eprintln!(
                        "the previous output in {} was left as it was",
                        out.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root, strict } => match site::render_site(&root, &BuildOptions::default())
        {
            Ok(built) => {
                for w in &built.warnings {
                    eprintln!("{w}");
                }
                println!("check passed: {} warning(s)", built.warnings.len());
                if strict && !built.warnings.is_empty() {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

//! The `helpsite` command; its subcommands are described under "Commands"
//! in README.md and in docs/reference.md. This file only parses the
//! command line; each command lives in its own module under commands/.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use commands::{build, check, init, insights, serve, theme};

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
    Build(build::Args),
    /// Build, serve on 127.0.0.1, rebuild on change, and answer the contact form.
    Serve(serve::Args),
    /// Run every check of a build, writing nothing.
    Check(check::Args),
    /// Write a starter site (pages in every language, a contact form) that builds at once.
    /// Existing files are never overwritten.
    Init(init::Args),
    /// Work with the built-in theme.
    Theme {
        #[command(subcommand)]
        command: theme::ThemeCommand,
    },
    /// Report what visitors found unhelpful and could not find (from the handler's archive).
    Insights(insights::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => build::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Init(args) => init::run(args),
        Command::Theme { command } => theme::run(command),
        Command::Insights(args) => insights::run(args),
    }
}

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

//! `helpsite theme eject`: copies the built-in theme into the site to edit.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{print_error, print_outcome};

#[derive(clap::Subcommand)]
pub enum ThemeCommand {
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

pub fn run(command: ThemeCommand) -> ExitCode {
    let ThemeCommand::Eject { root, paths } = command;
    match generator::init::eject(&root, &paths) {
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
    }
}

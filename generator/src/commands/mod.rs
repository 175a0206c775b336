//! The `helpsite` commands: each takes its parsed arguments, runs the
//! library, prints what happened and says how the process exits. What they
//! share — printing diagnostics, the site check, the environment — is here.

pub mod build;
pub mod check;
pub mod init;
pub mod insights;
pub mod serve;
pub mod theme;

use std::path::Path;
use std::process::ExitCode;

/// Prints diagnostics with their source lines; errors of other kinds as they are.
pub fn print_error(e: &generator::Error, root: &Path) {
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
pub fn print_outcome(outcome: &generator::init::Outcome, root: &Path) {
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
pub fn require_site(root: &Path) -> Result<(), ExitCode> {
    match generator::config::not_a_site(root) {
        Some(e) => {
            print_error(&e, root);
            Err(ExitCode::FAILURE)
        }
        None => Ok(()),
    }
}

/// `HELPSITE_FORM_ENDPOINT`, when set and not empty: where the built
/// contact form posts, over site.toml's `[form] endpoint`.
pub fn form_endpoint() -> Option<String> {
    std::env::var("HELPSITE_FORM_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
}

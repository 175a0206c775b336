//! `helpsite init`: writes a starter site and says what to run next.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{print_error, print_outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Folder to write the site into (created when missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Language codes, the default first: --languages en,fa,fi.
    /// Without it: site.toml's languages, or English for a new site.
    #[arg(long, value_delimiter = ',')]
    languages: Option<Vec<String>>,
}

pub fn run(args: Args) -> ExitCode {
    let Args { dir, languages } = args;
    let outcome = match generator::init::init(&dir, languages.as_deref()) {
        Ok(outcome) => outcome,
        Err(e) => {
            print_error(&e, &dir);
            return ExitCode::FAILURE;
        }
    };
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
    println!("next: helpsite serve{root} (preview), helpsite build{root} (into public/)");
    ExitCode::SUCCESS
}

/// ` --root DIR` for the next command, nothing for the current folder.
fn shell_root(dir: &Path) -> String {
    if dir == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", dir.display())
    }
}

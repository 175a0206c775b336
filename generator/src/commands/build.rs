//! `helpsite build`: builds the site into the output folder and says how it went.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::site::{self, BuildOptions, Built};

use super::{form_endpoint, print_error, require_site};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> ExitCode {
    if let Err(code) = require_site(&args.root) {
        return code;
    }
    let root = &args.root;
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));
    let started = Instant::now();
    let had_output = out.exists();
    let opts = BuildOptions {
        drafts: args.drafts,
        progress: true,
        form_endpoint: form_endpoint(),
        ..Default::default()
    };
    match site::build(root, &out, &opts) {
        Ok(built) => {
            print_built(&built, root, &out, started, args.timings);
            match &args.form_definition {
                Some(file) => write_form_definition(root, file),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            print_error(&e, root);
            print_nothing_written(&out, had_output);
            ExitCode::FAILURE
        }
    }
}

/// The warnings, then one line of counts, then the phases if asked for.
fn print_built(built: &Built, root: &Path, out: &Path, started: Instant, timings: bool) {
    for w in &built.warnings {
        eprint!("{}", generator::report::human(w, root));
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
}

fn write_form_definition(root: &Path, file: &Path) -> ExitCode {
    if let Err(e) = site::write_form_definition(root, file) {
        print_error(&e, root);
        return ExitCode::FAILURE;
    }
    println!("wrote the form definition to {}", file.display());
    ExitCode::SUCCESS
}

/// A failed build replaces nothing: say what stayed as it was.
fn print_nothing_written(out: &Path, had_output: bool) {
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
}

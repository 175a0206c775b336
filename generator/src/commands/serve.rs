//! `helpsite serve`: the local preview with live reload and the contact form.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use generator::serve::{Limits, ServeOptions};

use super::{form_endpoint, require_site};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> ExitCode {
    if let Err(code) = require_site(&args.root) {
        return code;
    }
    let mut limits = Limits::default();
    if let Some(ms) = args.timeout_ms {
        let d = Duration::from_millis(ms);
        (limits.header, limits.idle, limits.body) = (d, d, d);
    }
    if let Some(n) = args.max_connections {
        limits.max_connections = n.max(1);
    }
    let opts = ServeOptions {
        root: args.root,
        port: args.port,
        exit_after: args.exit_after.map(Duration::from_secs),
        limits,
        form_endpoint: form_endpoint(),
    };
    match generator::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helpsite serve: {e}");
            ExitCode::FAILURE
        }
    }
}

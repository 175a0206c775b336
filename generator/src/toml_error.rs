//! TOML errors as diagnostics: an unknown key gets the keys allowed where it
//! stands, the closest first if it looks like a typo. site.toml and front
//! matter share it, so both say it the same way.

use std::path::Path;

use crate::error::Diagnostic;

/// toml's message as a diagnostic at `line` (we print file:line ourselves).
/// `what` starts the message ("front matter: "); `allowed` names the keys
/// in the help ("keys a page may use"). The allowed keys come from serde's
/// message, so they are always the struct's own fields.
pub fn diagnostic(
    e: &toml::de::Error,
    shown: &Path,
    line: Option<usize>,
    what: &str,
    allowed: &str,
) -> Diagnostic {
    let msg = e.message().trim();
    match unknown_key(msg) {
        Some((key, known)) => {
            Diagnostic::error(shown, line, format!("{what}unknown key \"{key}\""))
                .with_help(key_help(key, &known, allowed))
        }
        None => match unknown_value(msg) {
            Some((value, known)) => {
                Diagnostic::error(shown, line, format!("{what}unknown value \"{value}\""))
                    .with_help(value_help(value, &known))
            }
            None => Diagnostic::error(shown, line, format!("{what}{msg}")),
        },
    }
}

/// serde says: unknown variant `foo`, expected one of `a`, `b`
fn unknown_value(msg: &str) -> Option<(&str, Vec<&str>)> {
    let value = msg
        .strip_prefix("unknown variant `")
        .and_then(|r| r.split('`').next())?;
    Some((value, expected(msg)))
}

fn value_help(value: &str, known: &[&str]) -> String {
    match did_you_mean(value, known) {
        Some(k) => format!("did you mean \"{k}\"? Valid values: {}", known.join(", ")),
        None => format!("valid values: {}", known.join(", ")),
    }
}

/// The names after serde's "expected one of".
fn expected(msg: &str) -> Vec<&str> {
    msg.split("expected one of ")
        .nth(1)
        .unwrap_or("")
        .split(", ")
        .map(|k| k.trim_matches('`'))
        .collect()
}

/// serde says: unknown field `foo`, expected one of `a`, `b`
fn unknown_key(msg: &str) -> Option<(&str, Vec<&str>)> {
    let key = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())?;
    Some((key, expected(msg)))
}

fn key_help(key: &str, known: &[&str], allowed: &str) -> String {
    let list = known.join(", ");
    match did_you_mean(key, known) {
        Some(k) => {
            let mut chars = allowed.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            format!(
                "did you mean \"{k}\"? {}{}: {list}",
                first.unwrap_or_default(),
                chars.as_str()
            )
        }
        None => format!("{allowed}: {list}"),
    }
}

/// The closest known key, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

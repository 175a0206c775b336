//! Diagnostics for people: the offending source line with a marker under it
//! (codespan-reporting), and the same as JSON for editors' CI bots.

use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::error::{Diagnostic, Severity};

/// One diagnostic as text; with the source line when the file and line are known.
pub fn human(d: &Diagnostic, root: &Path) -> String {
    let source = d.line.and_then(|line| {
        std::fs::read_to_string(root.join(&d.file))
            .ok()
            .map(|text| (line, text))
    });
    let Some((line, text)) = source else {
        return format!("{d}\n");
    };
    let Some(range) = line_range(&text, line) else {
        return format!("{d}\n");
    };
    let report = match d.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
        Severity::Note => Report::note(),
    }
    .with_message(&d.message)
    .with_labels(vec![Label::primary((), range)])
    .with_notes(d.help.iter().map(|h| format!("help: {h}")).collect());
    let file = SimpleFile::new(d.file.display().to_string(), text.as_str());
    term::emit_into_string(&Config::default(), &file, &report).unwrap_or_else(|_| format!("{d}\n"))
}

/// The byte range of a 1-based line's text, without its indentation and newline.
fn line_range(text: &str, line: usize) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let content = l.trim_end_matches(['\n', '\r']);
            let indent = content.len() - content.trim_start().len();
            let end = start + content.len();
            return Some(
                (start + indent).min(end)
                    ..end
                        .max(start + indent + usize::from(content.trim().is_empty()))
                        .min(text.len()),
            );
        }
        start += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_line_with_file_and_help() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.md"), "+++\ntitel = \"x\"\n+++\n").unwrap();
        let d = Diagnostic::error("p.md", Some(2), "front matter: unknown key \"titel\"")
            .with_help("did you mean \"title\"?");
        let text = human(&d, dir.path());
        assert!(text.contains("p.md:2:1"), "{text}");
        assert!(text.contains("titel = \"x\""), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("help: did you mean"), "{text}");
    }
}

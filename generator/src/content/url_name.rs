//! Which names can become part of a page's URL.
//!
//! A file or folder name (or `slug`) is a URL path segment as it is. Rather
//! than percent-encode characters that change a URL's meaning (`#`, `?`,
//! `%`), that editors cannot see (bidi controls, zero-width spaces) or that
//! must be escaped everywhere (spaces, quotes, `<`), such a name is refused
//! with the character named: a letter, digit or combining mark of any
//! script, ZWNJ/ZWJ, `-`, `_`, `.` and `~` are allowed.

use unicode_normalization::char::is_combining_mark;

/// Why `name` cannot be a URL segment, if it cannot.
pub fn problem(name: &str) -> Option<String> {
    if name == "." || name == ".." {
        return Some(format!("\"{name}\" is not a name"));
    }
    let bad = name.chars().find(|&c| !allowed(c))?;
    Some(format!("{} cannot be part of a web address", describe(bad)))
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric()
        || is_combining_mark(c)
        || matches!(c, '\u{200C}' | '\u{200D}' | '-' | '_' | '.' | '~')
}

/// `"#"`, or `U+202E` for what cannot be seen.
fn describe(c: char) -> String {
    let invisible = c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
    match c {
        ' ' => "a space (U+0020)".to_string(),
        c if invisible => format!("the invisible character U+{:04X}", c as u32),
        c => format!("\"{c}\" (U+{:04X})", c as u32),
    }
}

/// What to tell the editor.
pub const HELP: &str =
    "rename it using letters, digits, '-', '_' or '.' (for example getting-started.md), or set slug = \"…\"";

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn every_script_is_allowed() {
        for ok in ["billing", "v1.2", "অর্ডার", "سوال‌ها", "заказ", "maksu_ohje~2"]
        {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn url_breaking_and_invisible_characters_are_named() {
        for (name, says) in [
            ("#hash?", "\"#\""),
            ("a?b", "\"?\""),
            ("100%", "\"%\""),
            ("two words", "a space"),
            ("evil\u{202E}gpj", "U+202E"),
            ("a\u{200B}b", "U+200B"),
            ("quo\"te", "\"\"\""),
            ("..", "not a name"),
        ] {
            let p = problem(name).unwrap_or_default();
            assert!(p.contains(says), "{name:?}: {p}");
        }
    }
}

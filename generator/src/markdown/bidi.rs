//! Keeps Latin runs readable inside right-to-left text.
//!
//! The bidi algorithm reorders neutral characters (spaces, parentheses, `+`,
//! `-`) around Latin runs in Persian text, so `+1 (415) 555-0134` can come out
//! scrambled. Runs that mix Latin letters or ASCII digits with such neutrals
//! are wrapped in `<bdi dir="ltr">`, which isolates them.

use pulldown_cmark_escape::escape_html;

fn is_run_start(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+'
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " .-()+@_/:,".contains(c)
}

fn is_neutral(c: char) -> bool {
    " .-()+@_/:,".contains(c)
}

/// HTML for `text` with mixed Latin runs isolated, or `None` when nothing needs it.
pub fn isolate_ltr_runs(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut changed = false;
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if !is_run_start(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, d)) = iter.peek() {
            if !is_run_char(d) {
                break;
            }
            end = i + d.len_utf8();
            iter.next();
        }
        let mut run = &text[start..end];
        // Trailing punctuation belongs to the sentence, not the run.
        loop {
            let trimmed = run.trim_end_matches(|c: char| {
                c == ' ' || c == '.' || c == ',' || c == ':' || c == '-' || c == '/'
            });
            let trimmed = if trimmed.ends_with(')') && !trimmed.contains('(') {
                &trimmed[..trimmed.len() - 1]
            } else {
                trimmed
            };
            if trimmed.len() == run.len() {
                break;
            }
            run = trimmed;
        }
        let needs = run.chars().any(is_neutral) && run.chars().any(|c| c.is_ascii_alphanumeric());
        if needs {
            escape_html(&mut out, &text[last..start]).ok()?;
            out.push_str("<bdi dir=\"ltr\">");
            escape_html(&mut out, run).ok()?;
            out.push_str("</bdi>");
            last = start + run.len();
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    escape_html(&mut out, &text[last..]).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_in_persian_is_isolated() {
        let html = isolate_ltr_runs("با شماره +1 (415) 555-0134 تماس بگیرید.").unwrap();
        assert_eq!(
            html,
            "با شماره <bdi dir=\"ltr\">+1 (415) 555-0134</bdi> تماس بگیرید."
        );
    }

    #[test]
    fn product_names_and_plain_words() {
        let html = isolate_ltr_runs("برنامهٔ Lumo Notes را باز کنید.").unwrap();
        assert!(html.contains("<bdi dir=\"ltr\">Lumo Notes</bdi> را"));
        assert_eq!(isolate_ltr_runs("فقط Lumo و بس"), None);
        assert_eq!(isolate_ltr_runs("هیچ"), None);
    }

    #[test]
    fn escapes_html() {
        let html = isolate_ltr_runs("<b> a b").unwrap();
        assert!(html.starts_with("&lt;b&gt;"));
    }
}

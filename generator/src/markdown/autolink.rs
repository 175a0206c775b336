//! Bare web addresses in text become links, as on GitHub: `https://…` and
//! `http://…` URLs and `www.` addresses (which get `https://`). Found with
//! the `linkify` crate, which knows where a URL ends before trailing
//! punctuation and brackets.

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::{attr_escaped, bidi};

/// HTML for `text` with its web addresses linked (and, on right-to-left
/// pages, Latin runs isolated); `None` when it has neither.
pub fn text_html(text: &str, rtl: bool) -> Option<String> {
    let links: Vec<_> = finder()
        .links(text)
        .filter(|l| href(l.as_str()).is_some())
        .collect();
    if links.is_empty() {
        return rtl.then(|| bidi::isolate_ltr_runs(text)).flatten();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut last = 0;
    for link in links {
        plain(&mut out, &text[last..link.start()], rtl);
        let url = link.as_str();
        let mut escaped = String::new();
        let _ = escape_href(&mut escaped, &href(url).unwrap_or_default());
        out.push_str(&format!(
            "<a href=\"{}\" dir=\"ltr\">",
            attr_escaped(&escaped)
        ));
        let _ = escape_html(&mut out, url);
        out.push_str("</a>");
        last = link.end();
    }
    plain(&mut out, &text[last..], rtl);
    Some(out)
}

fn finder() -> LinkFinder {
    let mut f = LinkFinder::new();
    f.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    f
}

/// Where a found address points; `None` for what GitHub would not link
/// (other schemes, a bare `example.com`).
fn href(found: &str) -> Option<String> {
    let lower = found.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(found.to_string())
    } else if lower.starts_with("www.") {
        Some(format!("https://{found}"))
    } else {
        None
    }
}

fn plain(out: &mut String, text: &str, rtl: bool) {
    match rtl.then(|| bidi::isolate_ltr_runs(text)).flatten() {
        Some(html) => out.push_str(&html),
        None => {
            let _ = escape_html(out, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_urls_and_www_addresses_but_not_bare_domains() {
        let html = text_html(
            "See https://example.com/a?b=1&c=<2>. Or www.example.org, not example.net.",
            false,
        )
        .unwrap();
        assert_eq!(
            html,
            "See <a href=\"https://example.com/a?b=1&amp;c=\" dir=\"ltr\">https://example.com/a?b=1&amp;c=</a>&lt;2&gt;. \
             Or <a href=\"https://www.example.org\" dir=\"ltr\">www.example.org</a>, not example.net."
        );
        assert_eq!(
            text_html("javascript:alert(1) ftp://x.example/", false),
            None
        );
        assert_eq!(text_html("plain <b>", false), None);
    }
}

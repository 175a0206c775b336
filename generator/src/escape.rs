//! The one way text from content reaches a page: as HTML text or attribute,
//! as JSON inside HTML, or as a URL.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::Serialize;

/// Text escaped for an HTML (or XML) element or attribute, quoted either way.
pub fn html(text: &str) -> String {
    // Templates escape every value they print, and most have nothing to
    // escape: two vectorized searches find that out, where a loop looked at
    // every byte.
    let bytes = text.as_bytes();
    let first = match (
        memchr::memchr3(b'&', b'<', b'>', bytes),
        memchr::memchr2(b'"', b'\'', bytes),
    ) {
        (None, None) => return text.to_owned(),
        (a, b) => a.unwrap_or(usize::MAX).min(b.unwrap_or(usize::MAX)),
    };
    let mut s = String::with_capacity(text.len() + 16);
    let mut start = 0;
    for (at, b) in text.bytes().enumerate().skip(first) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            // Templates may quote attributes with `'` too.
            b'\'' => "&#39;",
            _ => continue,
        };
        s.push_str(&text[start..at]);
        s.push_str(entity);
        start = at + 1;
    }
    s.push_str(&text[start..]);
    s
}

/// JSON that can sit inside `<script>` or an attribute: no `<`, `>` or `&`
/// (so no `</script>`, no `<!--` that makes the parser swallow the page) and
/// no U+2028/U+2029, written as `\uXXXX` escapes the JSON reader undoes.
pub fn json_in_html<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serializable");
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    let special = |b: &u8| matches!(b, b'<' | b'>' | b'&' | 0xE2);
    if !json.as_bytes().iter().any(special) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json.as_str();
    while let Some(at) = rest.as_bytes().iter().position(special) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("a character starts here");
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Non-ASCII and control characters of a URL percent-encoded, as the sitemap
/// protocol asks; page names cannot hold the ASCII characters that would
/// also need it (see `content::url_name`).
pub fn url(url: &str) -> String {
    const SET: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');
    utf8_percent_encode(url, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_html_has_no_markup_characters_and_round_trips() {
        let v = serde_json::json!({ "q": "<!--<script></script> & \u{2028}\u{2029} >" });
        let s = json_in_html(&v);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!s.contains(bad), "{bad:?} in {s}");
        }
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    proptest::proptest! {
        #[test]
        fn json_in_html_of_any_text_has_no_markup_and_round_trips(
            text in "([<>&\u{2028}\u{2029}\u{2014}\u{2027}\u{202A}a\"\\\\]|\\PC){0,40}"
        ) {
            let v = serde_json::json!({ "q": text });
            let s = json_in_html(&v);
            for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
                proptest::prop_assert!(!s.contains(bad), "{:?} in {}", bad, s);
            }
            let back: serde_json::Value = serde_json::from_str(&s).unwrap();
            proptest::prop_assert_eq!(back, v);
        }
    }

    #[test]
    fn html_escapes_both_quotes() {
        assert_eq!(
            html("<a href='x' \"y\">&"),
            "&lt;a href=&#39;x&#39; &quot;y&quot;&gt;&amp;"
        );
    }

    #[test]
    fn html_escapes_as_markdown_text_is_escaped_plus_the_single_quote() {
        for text in [
            "",
            "plain",
            "<&>\"'",
            "a&&b",
            "'x'",
            "ü & ö <b>",
            "سوال \"x\"",
            "&amp;",
        ] {
            let mut markdown = String::new();
            pulldown_cmark_escape::escape_html(&mut markdown, text).unwrap();
            assert_eq!(html(text), markdown.replace('\'', "&#39;"), "{text}");
        }
    }

    #[test]
    fn url_encodes_non_ascii() {
        assert_eq!(
            url("https://x.org/fa/سوال/"),
            "https://x.org/fa/%D8%B3%D9%88%D8%A7%D9%84/"
        );
    }
}

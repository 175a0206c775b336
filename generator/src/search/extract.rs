//! A rendered page → its search sections.
//!
//! The page's HTML is ours (see `markdown::render`), so a small tag scanner
//! is enough: a new section starts at each `<h2 id>`/`<h3 id>` and at each
//! FAQ `<details class="faq-item" id>` (its `<summary>` is the question);
//! the heading's link label, the callout title and the FAQ permalink are
//! left out; every other tag is dropped, block tags as a space.

use std::borrow::Cow;

use super::Section;

/// Splits page HTML into sections: the text before the first heading (no
/// anchor), then one per `##`/`###` heading and per FAQ question.
pub fn sections_from_html(html: &str) -> Vec<Section> {
    let mut scan = Scanner {
        sections: vec![Section::default()],
        in_heading: None,
        skip: None,
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            scan.text(rest);
            break;
        };
        scan.text(&rest[..lt]);
        let after = &rest[lt..];
        // Comments are dropped whole.
        if let Some(c) = after.strip_prefix("<!--") {
            rest = c.find("-->").map_or("", |i| &c[i + 3..]);
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', after.as_bytes()) else {
            scan.text(after);
            break;
        };
        rest = &after[gt + 1..];
        scan.tag(&after[1..gt]);
    }
    let mut sections = scan.sections;
    for s in &mut sections {
        s.text = collapse(&s.text);
        if let Some(h) = s.heading.as_mut() {
            *h = collapse(h);
        }
    }
    // The part before the first heading is kept even when empty: it carries
    // the page title.
    sections
}

/// Where the scan stands: the sections so far, the heading element whose
/// text goes to the heading (an h2/h3 or a FAQ `<summary>`), and the element
/// being skipped with its nesting depth.
struct Scanner {
    sections: Vec<Section>,
    in_heading: Option<String>,
    skip: Option<(String, usize)>,
}

impl Scanner {
    fn text(&mut self, raw: &str) {
        push_text(
            &mut self.sections,
            self.in_heading.is_some(),
            self.skip.is_some(),
            raw,
        );
    }

    /// One tag, `tag` being what stands between `<` and `>`.
    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(body.len());
        // Our own HTML has lowercase names: no copy for those.
        let name = &body[..name_end];
        let name: Cow<str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let name = name.as_ref();
        let attrs = &body[name_end..];
        if self.skipping(name, closing, tag.ends_with('/')) {
            return;
        }
        if closing {
            if self.in_heading.as_deref() == Some(name) {
                self.in_heading = None;
            }
        } else if self.open(name, attrs) {
            return;
        }
        if !is_inline(name) {
            push_text(&mut self.sections, self.in_heading.is_some(), false, " ");
        }
    }

    /// Whether the tag falls inside a skipped element (counting nested
    /// elements of the same name).
    fn skipping(&mut self, name: &str, closing: bool, self_closing: bool) -> bool {
        let Some((skip_name, depth)) = self.skip.as_mut() else {
            return false;
        };
        if skip_name == name {
            if closing {
                *depth -= 1;
                if *depth == 0 {
                    self.skip = None;
                }
            } else if !self_closing {
                *depth += 1;
            }
        }
        true
    }

    /// An opening tag; true when it was handled whole (a skip, a new
    /// section or a heading started).
    fn open(&mut self, name: &str, attrs: &str) -> bool {
        let class = attr(attrs, "class").unwrap_or_default();
        let has_class = |c: &str| class.split_ascii_whitespace().any(|x| x == c);
        if (name == "a" && has_class("anchor"))
            || (name == "p" && (has_class("faq-permalink") || has_class("callout-title")))
        {
            self.skip = Some((name.to_string(), 1));
            return true;
        }
        match name {
            "h2" | "h3" => match attr(attrs, "id") {
                Some(id) => {
                    self.start_section(id.into_owned());
                    self.in_heading = Some(name.to_string());
                    true
                }
                None => false,
            },
            "details" if has_class("faq-item") => {
                if let Some(id) = attr(attrs, "id") {
                    self.start_section(id.into_owned());
                }
                true
            }
            "summary" => {
                self.in_heading = Some(name.to_string());
                true
            }
            _ => false,
        }
    }

    fn start_section(&mut self, id: String) {
        self.sections.push(Section {
            anchor: Some(id),
            heading: Some(String::new()),
            text: String::new(),
        });
    }
}

fn push_text(sections: &mut [Section], heading: bool, skipping: bool, raw: &str) {
    if skipping || raw.is_empty() {
        return;
    }
    let s = sections.last_mut().expect("at least one section");
    let target = match (heading, s.heading.as_mut()) {
        (true, Some(h)) => h,
        _ => &mut s.text,
    };
    decode_entities_into(raw, target);
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "del"
            | "dfn"
            | "em"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "u"
            | "var"
            | "wbr"
    )
}

/// The value of attribute `name` in a tag's attribute text; borrowed when it
/// holds no entity (every tag's class is read: no copy for those).
fn attr<'a>(attrs: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let key_end = rest
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let value = if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            let (val, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &v[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            rest = after;
            Some(val)
        } else {
            None
        };
        if key.eq_ignore_ascii_case(name) {
            let value = value.unwrap_or("");
            if !value.contains('&') {
                return Some(Cow::Borrowed(value));
            }
            let mut out = String::new();
            decode_entities_into(value, &mut out);
            return Some(Cow::Owned(out));
        }
    }
}

fn decode_entities_into(raw: &str, out: &mut String) {
    let mut rest = raw;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{A0}'),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Runs of white space (Unicode's, as `str::split_whitespace`) as one space,
/// none at either end, by looking at lead bytes: the search step runs this
/// over every page's text.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut push = |word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    let bytes = s.as_bytes();
    let mut word_start = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (white, len) = if b.is_ascii() {
            (char::from(b).is_whitespace(), 1)
        } else {
            let len = if b < 0xE0 {
                2
            } else if b < 0xF0 {
                3
            } else {
                4
            };
            // The lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F and
            // U+3000, the only white space beyond ASCII: Cyrillic, Arabic,
            // Bengali… text is never decoded here.
            let white = matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3)
                && s[i..i + len]
                    .chars()
                    .next()
                    .is_some_and(char::is_whitespace);
            (white, len)
        };
        if white {
            if let Some(start) = word_start.take() {
                push(&s[start..i]);
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
        i += len;
    }
    if let Some(start) = word_start {
        push(&s[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings_and_questions() {
        let html = "<p>Intro &amp; more</p>\n\
            <div class=\"callout callout-note\"><p class=\"callout-title\">Note</p>\n<p>Careful</p></div>\n\
            <h2 id=\"scope\">1. Scope<a class=\"anchor\" href=\"#scope\"><span class=\"visually-hidden\">Link to section: 1. Scope</span></a></h2>\n\
            <p>Applies <strong>everywhere</strong>.</p><h4 id=\"x\">Minor</h4><p>detail</p>\n\
            <details class=\"faq-item\" id=\"how-do-i\">\n<summary class=\"faq-question\"><h2>How do I <code>x</code>?</h2></summary>\n\
            <div class=\"faq-answer\">\n<p>Like <bdi dir=\"ltr\">this</bdi>.</p><ul><li>one</li><li>two</li></ul>\
            <p class=\"faq-permalink\"><a href=\"#how-do-i\">Link to this question</a></p>\n</div>\n</details>\n";
        let s = sections_from_html(html);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0].anchor, None);
        assert_eq!(s[0].text, "Intro & more Careful");
        assert_eq!(s[1].anchor.as_deref(), Some("scope"));
        assert_eq!(s[1].heading.as_deref(), Some("1. Scope"));
        assert_eq!(s[1].text, "Applies everywhere. Minor detail");
        assert_eq!(s[2].anchor.as_deref(), Some("how-do-i"));
        assert_eq!(s[2].heading.as_deref(), Some("How do I x?"));
        assert_eq!(s[2].text, "Like this. one two");
    }

    proptest::proptest! {
        #[test]
        fn collapse_is_split_whitespace_joined(
            chars in proptest::collection::vec(
                proptest::sample::select(&[
                    'a', 'й', 'ক', ' ', '\t', '\n', '\r', '\u{0B}', '\u{0C}', '\u{85}',
                    '\u{A0}', '\u{1680}', '\u{2003}', '\u{2028}', '\u{205F}', '\u{200B}', '\u{3000}', '\u{1F600}',
                ][..]),
                0..16,
            )
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(collapse(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }

    #[test]
    fn tag_names_in_any_case() {
        let s = sections_from_html(
            "<P>Intro</P><H2 ID=\"a&amp;b\">Head<A CLASS=\"anchor\" href=\"#a\">#</A></H2><P>Body</P>",
        );
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[1].anchor.as_deref(), Some("a&b"));
        assert_eq!(s[1].heading.as_deref(), Some("Head"));
        assert_eq!(s[1].text, "Body");
    }

    #[test]
    fn entities_and_attributes() {
        let mut out = String::new();
        decode_entities_into("a &lt;b&gt; &#39;c&#x27; &bogus; & d", &mut out);
        assert_eq!(out, "a <b> 'c' &bogus; & d");
        assert_eq!(
            attr(" class='x y' id=\"a&amp;b\"", "id").as_deref(),
            Some("a&b")
        );
        assert_eq!(attr(" open id=z", "id").as_deref(), Some("z"));
    }
}

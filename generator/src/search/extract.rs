//! A rendered page → its search sections.
//!
//! The page's HTML is ours (see `markdown::render`), so a small tag scanner
//! is enough: a new section starts at each `<h2 id>`/`<h3 id>` and at each
//! FAQ `<details class="faq-item" id>` (its `<summary>` is the question);
//! the heading's link label, the callout title and the FAQ permalink are
//! left out; every other tag is dropped, block tags as a space.

use super::Section;

/// Splits page HTML into sections: the text before the first heading (no
/// anchor), then one per `##`/`###` heading and per FAQ question.
pub fn sections_from_html(html: &str) -> Vec<Section> {
    let mut sections = vec![Section::default()];
    // Inside a <summary> (the FAQ question) or an h2/h3: text goes to the heading.
    let mut in_heading: Option<String> = None;
    let mut skip: Option<(String, usize)> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut sections, in_heading.is_some(), skip.is_some(), rest);
            break;
        };
        push_text(
            &mut sections,
            in_heading.is_some(),
            skip.is_some(),
            &rest[..lt],
        );
        let after = &rest[lt..];
        // Comments are dropped whole.
        if let Some(c) = after.strip_prefix("<!--") {
            rest = c.find("-->").map_or("", |i| &c[i + 3..]);
            continue;
        }
        let Some(gt) = after.find('>') else {
            push_text(&mut sections, in_heading.is_some(), skip.is_some(), after);
            break;
        };
        let tag = &after[1..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        let attrs = &body[name_end..];

        if let Some((skip_name, depth)) = skip.as_mut() {
            if *skip_name == name {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skip = None;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing {
            if in_heading.as_deref() == Some(name.as_str()) {
                in_heading = None;
            }
            if !is_inline(&name) {
                push_text(&mut sections, in_heading.is_some(), false, " ");
            }
            continue;
        }
        let class = attr(attrs, "class").unwrap_or_default();
        let has_class = |c: &str| class.split_ascii_whitespace().any(|x| x == c);
        if (name == "a" && has_class("anchor"))
            || (name == "p" && (has_class("faq-permalink") || has_class("callout-title")))
        {
            skip = Some((name, 1));
            continue;
        }
        match name.as_str() {
            "h2" | "h3" => {
                if let Some(id) = attr(attrs, "id") {
                    sections.push(Section {
                        anchor: Some(id),
                        heading: Some(String::new()),
                        text: String::new(),
                    });
                    in_heading = Some(name);
                    continue;
                }
            }
            "details" if has_class("faq-item") => {
                if let Some(id) = attr(attrs, "id") {
                    sections.push(Section {
                        anchor: Some(id),
                        heading: Some(String::new()),
                        text: String::new(),
                    });
                }
                continue;
            }
            "summary" => {
                in_heading = Some(name);
                continue;
            }
            _ => {}
        }
        if !is_inline(&name) {
            push_text(&mut sections, in_heading.is_some(), false, " ");
        }
    }
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

/// The value of attribute `name` in a tag's attribute text.
fn attr(attrs: &str, name: &str) -> Option<String> {
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
            let mut out = String::new();
            decode_entities_into(value.unwrap_or(""), &mut out);
            return Some(out);
        }
    }
}

fn decode_entities_into(raw: &str, out: &mut String) {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
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

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

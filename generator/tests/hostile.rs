//! The hostile fixture: payloads in every markdown construct and front-matter
//! field. Built, every page is parsed as a browser would, and nothing in it
//! may come from content as markup: no element or attribute a payload asks
//! for, no script but the theme's, JSON-LD that parses.

mod common;

use common::*;
use scraper::{Html, Node};

/// Elements payloads try to create; the theme and markdown never write them.
const FOREIGN: &[&str] = &[
    "iframe", "svg", "object", "embed", "style", "base", "math", "frame", "frameset", "b", "i",
];

fn check_page(rel: &str, html: &str) {
    let doc = Html::parse_document(html);
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Element(e) => {
                let name = e.name();
                assert!(!FOREIGN.contains(&name), "{rel}: <{name}> from content");
                if name == "script" {
                    match (e.attr("src"), e.attr("type")) {
                        (Some(src), None) => assert!(
                            src.starts_with("/static/") && src.ends_with(".js"),
                            "{rel}: script src={src}"
                        ),
                        (None, Some("application/ld+json")) => {}
                        other => panic!("{rel}: a script that is not the theme's: {other:?}"),
                    }
                }
                if name == "img" {
                    let src = e.attr("src").unwrap_or_default();
                    assert!(src.ends_with(".png"), "{rel}: <img src={src}>");
                }
                for (attr, value) in e.attrs() {
                    assert!(!attr.starts_with("on"), "{rel}: <{name} {attr}={value:?}>");
                    let v: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    for scheme in ["javascript:", "vbscript:", "data:text"] {
                        assert!(!v.starts_with(scheme), "{rel}: <{name} {attr}={value:?}>");
                    }
                    assert!(
                        !(attr == "id" && value.contains('"')) || name != "a",
                        "{rel}: {attr}={value:?}"
                    );
                }
            }
            Node::Comment(c) => panic!("{rel}: comment from content: {:?}", &**c),
            _ => {}
        }
    }
    let count = |sel: &str| doc.select(&scraper::Selector::parse(sel).unwrap()).count();
    assert_eq!(
        count("input"),
        count("form input"),
        "{rel}: <input> outside the theme's forms"
    );
    // Nothing was swallowed: the theme's last element (the footer, or the
    // main part of the language choice) is still the body's last child.
    let body = doc
        .select(&scraper::Selector::parse("body").unwrap())
        .next()
        .unwrap();
    let last = body.children().filter_map(scraper::ElementRef::wrap).last();
    let last = last
        .map(|e| e.value().name().to_string())
        .unwrap_or_default();
    let expected = if rel == "index.html" {
        "main"
    } else {
        "footer"
    };
    assert_eq!(last, expected, "{rel}: the page lost its end");
    assert_eq!(count("main"), 1, "{rel}");
    for script in
        doc.select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
    {
        let text: String = script.text().collect();
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{rel}: JSON-LD does not parse: {e}\n{text}"));
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(bad), "{rel}: {bad:?} raw in JSON-LD");
        }
        assert!(
            ["FAQPage", "BreadcrumbList"].contains(&value["@type"].as_str().unwrap_or("")),
            "{rel}: {value}"
        );
    }
}

#[test]
fn hostile_content_stays_text_in_every_page() {
    let (_tmp, out) = build(&fixture("hostile"));
    let mut pages = 0;
    for path in files(&out) {
        let rel = path
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".html") {
            check_page(&rel, &std::fs::read_to_string(&path).unwrap());
            pages += 1;
        }
    }
    assert!(pages >= 10, "{pages} pages");

    // The payloads are there, as visible text.
    let guide = Html::parse_document(&read(&out, "en/guide/index.html"));
    let text: String = guide.root_element().text().collect();
    for shown in [
        "Does it <img src=x onerror=\"window.__pwned='h2'\"> work?",
        "Sub <script>window.__pwned='h3'</script> heading",
        "<!--<script> comment opener",
        "script link",
        "HOSTILE-GUIDE-END",
    ] {
        assert!(text.contains(shown), "not shown as text: {shown}");
    }
    let faq = read(&out, "en/faq/index.html");
    assert!(faq.contains("<summary class=\"faq-question\"><h2>Does &lt;!--&lt;script swallow the page?</h2></summary>"));
    let title = Html::parse_document(&faq);
    let t: String = title
        .select(&scraper::Selector::parse("title").unwrap())
        .flat_map(|e| e.text())
        .collect();
    assert!(
        t.starts_with("FAQ <!--<script · Help </title><script>"),
        "{t}"
    );

    // The sitemap and the search index stay well-formed data.
    let sitemap = read(&out, "sitemap.xml");
    assert!(!sitemap.contains("<script"), "{sitemap}");
    let docs = search_docs(&out, "en");
    assert!(
        docs.contains("Does it <img src=x onerror="),
        "search keeps the text"
    );
    for chunk in std::fs::read_dir(out.join("search/en/d")).unwrap() {
        let bytes = std::fs::read(chunk.unwrap().path()).unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).expect("search chunk is JSON");
    }
}

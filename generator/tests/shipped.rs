//! The shipped example help center builds, in every language, and every
//! internal link and anchor in it resolves.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use scraper::{Html, Selector};

const LANGS: &[&str] = &["en", "fi", "ru", "bn", "fa"];
const PAGES: &[&str] = &[
    "",
    "billing/",
    "refund-policy/",
    "california-auto-renewal/",
    "payment-safety/",
    "support-channels/",
    "contact/",
    "contact/thanks/",
    "contact/error/",
];

#[test]
fn every_page_in_every_language_is_written_translated() {
    let (_tmp, out) = build(&repo());
    for lang in LANGS {
        for page in PAGES {
            let html = read(&out, &format!("{lang}/{page}index.html"));
            let dir = if *lang == "fa" { "rtl" } else { "ltr" };
            assert!(
                html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                "{lang}/{page}"
            );
            assert!(
                !html.contains("notice-untranslated"),
                "{lang}/{page} is not translated"
            );
        }
    }
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let (_tmp, out) = build(&repo());
    let a = Selector::parse("a[href], link[href], script[src], form[action]").unwrap();
    let with_id = Selector::parse("[id]").unwrap();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    for file in files(&out) {
        let rel = file
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        ids.insert(
            rel.clone(),
            doc.select(&with_id)
                .filter_map(|e| e.value().id())
                .map(str::to_string)
                .collect(),
        );
        for e in doc.select(&a) {
            let v = e.value();
            let target = v
                .attr("href")
                .or(v.attr("src"))
                .or(v.attr("action"))
                .unwrap();
            links.push((rel.clone(), target.to_string()));
        }
    }
    let mut broken = Vec::new();
    for (from, target) in &links {
        if target.starts_with("http")
            || target.starts_with("mailto:")
            || target.starts_with("tel:")
            || target == "/api/contact"
            || target == "/api/feedback"
        {
            continue;
        }
        let (path, fragment) = target
            .split_once('#')
            .map(|(p, f)| (p, Some(f)))
            .unwrap_or((target.as_str(), None));
        let path = path.split('?').next().unwrap();
        let file = if path.is_empty() {
            from.clone()
        } else {
            assert!(path.starts_with('/'), "relative URL {target} in {from}");
            let p = path.trim_start_matches('/');
            if p.is_empty() || p.ends_with('/') {
                format!("{p}index.html")
            } else {
                p.to_string()
            }
        };
        if !out.join(&file).is_file() {
            broken.push(format!("{from}: {target} (no file {file})"));
            continue;
        }
        if let Some(f) = fragment {
            let f = percent_encoding::percent_decode_str(f)
                .decode_utf8_lossy()
                .into_owned();
            if !ids.get(&file).is_some_and(|s| s.contains(&f)) {
                broken.push(format!("{from}: {target} (no id {f} in {file})"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(links.len() > 500, "only {} links checked", links.len());
}

#[test]
fn sitemap_lists_every_page_with_all_alternates() {
    let (_tmp, out) = build(&repo());
    let sitemap = read(&out, "sitemap.xml");
    for lang in LANGS {
        for page in PAGES {
            let loc = format!("<loc>https://help.lumo.example/{lang}/{page}</loc>");
            assert!(sitemap.contains(&loc), "{loc}");
        }
    }
    // 45 pages, each with 5 language alternates and x-default.
    assert_eq!(sitemap.matches("<url>").count(), 45);
    assert_eq!(sitemap.matches("hreflang=").count(), 45 * 6);
}

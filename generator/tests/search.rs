//! Search: the index of the shipped help center, queried with the
//! browser's algorithm in Rust, and the browser's analyzer (search.js, under
//! node) checked against the Rust one.

mod common;
mod query;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;
use generator::search::analyze::{analyze, Word};
use generator::search::{build_index, SearchPage};
use generator::site::{self, BuildOptions};
use query::LoadedIndex;

/// The shipped site's translated pages, per language, as search sees them.
fn shipped_pages() -> &'static BTreeMap<String, Vec<SearchPage>> {
    static PAGES: OnceLock<BTreeMap<String, Vec<SearchPage>>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let built = site::render_site(&repo(), &BuildOptions::default())
            .unwrap_or_else(|e| panic!("shipped site does not build: {e}"));
        let mut pages: BTreeMap<String, Vec<SearchPage>> = BTreeMap::new();
        for f in &built.files {
            let Some((lang, rest)) = f.path.split_once('/') else {
                continue;
            };
            if !rest.ends_with("index.html") || lang == "static" {
                continue;
            }
            let html = String::from_utf8_lossy(&f.bytes);
            if html.contains("notice-untranslated") {
                continue;
            }
            let (Some(start), Some(end)) = (
                html.find("<div class=\"content\""),
                html.rfind("</article>"),
            ) else {
                continue;
            };
            let content = &html[start..end];
            let content = &content[content.find('>').unwrap() + 1..];
            let content = content.trim_end().strip_suffix("</div>").unwrap_or(content);
            let title = between(&html, "<h1", "</h1>")
                .map(|h| h[h.find('>').unwrap() + 1..].to_string())
                .unwrap_or_default();
            let url = format!("/{lang}/{}", rest.trim_end_matches("index.html"));
            pages
                .entry(lang.to_string())
                .or_default()
                .push(SearchPage::from_html(&url, &title, None, content));
        }
        pages
    })
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let i = s.find(a)?;
    let j = s[i..].find(b)? + i;
    Some(&s[i..j])
}

fn index(lang: &str) -> &'static LoadedIndex {
    static INDEXES: OnceLock<BTreeMap<String, LoadedIndex>> = OnceLock::new();
    let all = INDEXES.get_or_init(|| {
        shipped_pages()
            .iter()
            .map(|(lang, pages)| {
                let files = build_index(lang, pages);
                (lang.clone(), LoadedIndex::load(lang, &files))
            })
            .collect()
    });
    &all[lang]
}

/// Top results' URLs for a query.
fn top(lang: &str, query: &str, n: usize) -> Vec<String> {
    index(lang)
        .search(query)
        .into_iter()
        .take(n)
        .map(|h| h.url)
        .collect()
}

#[track_caller]
fn hits(lang: &str, query: &str, url_part: &str) {
    let results = top(lang, query, 5);
    assert!(
        results.iter().any(|u| u.contains(url_part)),
        "[{lang}] {query:?} should find {url_part} in its top 5, got {results:#?}"
    );
}

#[track_caller]
fn misses(lang: &str, query: &str) {
    let results = top(lang, query, 5);
    assert!(
        results.is_empty(),
        "[{lang}] {query:?} should find nothing, got {results:#?}"
    );
}

#[test]
fn every_language_has_an_index_of_sections() {
    for lang in ["en", "fi", "ru", "bn", "fa"] {
        let idx = index(lang);
        assert!(idx.docs > 30, "{lang}: only {} documents", idx.docs);
        // FAQ questions are documents of their own, linking to their anchor.
        assert!(
            idx.documents
                .iter()
                .any(|d| d[0].starts_with(&format!("/{lang}/billing/#")) && !d[2].is_empty()),
            "{lang}: no FAQ question documents"
        );
    }
}

#[test]
fn english() {
    hits("en", "refund", "/en/refund-policy/");
    hits("en", "refunding", "/en/refund-policy/"); // a form the site never uses
    hits(
        "en",
        "cancelled subscriptions",
        "/en/billing/#how-do-i-cancel-a-subscription",
    );
    hits("en", "invoice", "/en/billing/#how-do-i-get-an-invoice");
    hits("en", "30 days", "/en/refund-policy/");
    misses("en", "xylophone");
    misses("en", "refund xylophone");
}

#[test]
fn finnish_inflected_forms() {
    hits("fi", "tilauksella", "/fi/billing/"); // not in the text: stem prefix
    hits("fi", "tilaukseni", "/fi/billing/");
    hits("fi", "lasku", "/fi/billing/");
    misses("fi", "kirjasto");
    misses("fi", "tilastot");
}

#[test]
fn russian_inflected_forms() {
    hits("ru", "подписками", "/ru/billing/"); // not in the text
    hits("ru", "подписку отменить", "/ru/billing/");
    hits("ru", "возвратом", "/ru/refund-policy/");
    hits("ru", "счет", "/ru/billing/"); // ё typed as е
                                        // "подпись" (signature) shares letters with "подписка", not its stem.
    misses("ru", "подпись");
    misses("ru", "библиотека");
}

#[test]
fn persian_zwnj_digits_and_letter_variants() {
    hits("fa", "میتوانید", "/fa/"); // typed without ZWNJ
    hits("fa", "می توانید", "/fa/"); // typed with a space
    hits("fa", "30 روز", "/fa/refund-policy/"); // the text says ۳۰ روز
    hits("fa", "۳۰", "/fa/refund-policy/");
    hits("fa", "اشتراك", "/fa/billing/"); // Arabic kaf
    hits("fa", "سفارش", "/fa/billing/");
    hits("fa", "سفارشهایم", "/fa/billing/"); // not in the text
    misses("fa", "کتابخانه");
    misses("fa", "۹۹۹۹");
}

#[test]
fn bengali_keeps_vowel_signs() {
    hits("bn", "বাতিল", "/bn/billing/");
    hits("bn", "৩০ দিন", "/bn/refund-policy/");
    hits("bn", "30 দিন", "/bn/refund-policy/");
    hits("bn", "সাবস্ক্রিপশন", "/bn/billing/");
    hits("bn", "বাতিলের", "/bn/billing/"); // not in the text: বাতিল + ের
                                          // Each collides with দিন or বার once vowel signs are stripped.
    misses("bn", "দেন");
    misses("bn", "দান");
    misses("bn", "বর");
}

#[test]
fn digits_match_both_ways() {
    // English text with ASCII digits, found with Persian and Bengali digits.
    hits("en", "۳۰ days", "/en/refund-policy/");
    hits("en", "৩০ days", "/en/refund-policy/");
}

#[test]
fn results_rank_the_answer_first() {
    let first = &top("en", "cancel free trial", 1)[0];
    assert!(first.ends_with("#how-do-i-cancel-a-free-trial"), "{first}");
}

fn words_table() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "How do I CANCEL?",
        "e-mail: name@example.com, don’t 'quoted' 3.5 1,000",
        "ＬＵＭＯ ﬁle Straße ΟΔΟΣ Ёлка Äiti ÖLJY",
        "۳۰ روز ٣٠ ৩০ দিন ३० ๓๐",
        "می‌توانید میتوانید سفارش‌ها اشتراك ي ى ك ۀ تأیید إ آیا همهٔ ة",
        "كـــتاب كِتَابٌ رحمٰن",
        "বাতিল কার্ড সাবস্ক্রিপশন \u{0995}\u{09C7}\u{09BE} র\u{200D}্যাব র\u{200C}্যাব",
        "東京都 Lumoを使う ภาษาไทย ລາວ",
        "\u{2067}Lumo\u{2069} sub\u{00AD}scription \u{200F}x",
        "Zürich — naïve café; 10–20 %; +1 (415) 555-0134",
        "C++ C# .NET node.js v2.0.1 _under_score",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every heading and section of the shipped site.
    for pages in shipped_pages().values() {
        for p in pages {
            inputs.push(p.title.clone());
            for s in &p.sections {
                inputs.push(s.heading.clone().unwrap_or_default());
                inputs.push(s.text.clone());
            }
        }
    }
    inputs
}

fn show(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| {
            if w.parts.is_empty() {
                w.text.clone()
            } else {
                format!("{}({})", w.text, w.parts.join("|"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// JavaScript that defines `s`, search.js's exports (the repository's
/// package.json says ES modules, so it is evaluated, not required).
fn load_search_js(script: &std::path::Path) -> String {
    format!(
        "const s = (() => {{ const module = {{ exports: {{}} }}; \
         new Function('module', require('fs').readFileSync({:?}, 'utf8'))(module); \
         return module.exports; }})();",
        script.display().to_string()
    )
}

/// Runs `script` with node and parses the JSON it writes to stdout.
fn run_node<T: serde::de::DeserializeOwned>(script: String) -> T {
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("node output")
}

/// search.js's analyzer, run by node on the same inputs, gives the same words.
#[test]
fn javascript_analyzer_matches_rust() {
    let node = std::process::Command::new("node").arg("--version").output();
    if node.is_err() {
        eprintln!("node not found: skipping the JavaScript analyzer comparison");
        return;
    }
    let inputs = words_table();
    let script = repo().join("themes/default/static/search.js");
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("inputs.json");
    std::fs::write(&input_path, serde_json::to_vec(&inputs).unwrap()).unwrap();
    let runner = format!(
        "{load}\n\
         const inputs = JSON.parse(require('fs').readFileSync({input:?}, 'utf8'));\n\
         const out = inputs.map(t => s.analyze(t).map(w => w.parts.length ? w.text + '(' + w.parts.join('|') + ')' : w.text).join(' '));\n\
         process.stdout.write(JSON.stringify(out));",
        load = load_search_js(&script),
        input = input_path.display().to_string(),
    );
    let js: Vec<String> = run_node(runner);
    assert_eq!(js.len(), inputs.len());
    let mut differ = Vec::new();
    for ((input, js), rust) in inputs
        .iter()
        .zip(&js)
        .zip(inputs.iter().map(|t| show(&analyze(t))))
    {
        if *js != rust {
            differ.push(format!("input: {input:?}\n  rust: {rust}\n  js:   {js}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} inputs analyzed differently:\n{}",
        differ.len(),
        inputs.len(),
        differ.join("\n")
    );
}

/// Queries of the tests above and a few more, per language.
const QUERY_TABLE: &[(&str, &str)] = &[
    ("en", "refund"),
    ("en", "refunding"),
    ("en", "cancelled subscriptions"),
    ("en", "cancel free trial"),
    ("en", "30 days"),
    ("en", "۳۰ days"),
    ("en", "in"),
    ("en", "c"),
    ("en", "xylophone"),
    ("fi", "tilauksella"),
    ("fi", "tilaukseni"),
    ("fi", "lasku"),
    ("fi", "kirjasto"),
    ("ru", "подписками"),
    ("ru", "подписку отменить"),
    ("ru", "возвратом"),
    ("ru", "счет"),
    ("ru", "подпись"),
    ("fa", "میتوانید"),
    ("fa", "می توانید"),
    ("fa", "30 روز"),
    ("fa", "اشتراك"),
    ("fa", "سفارشهایم"),
    ("bn", "বাতিল"),
    ("bn", "বাতিলের"),
    ("bn", "30 দিন"),
    ("bn", "দেন"),
];

/// search.js's Engine, run by node on the same index files, ranks the same
/// documents with the same scores as query.rs.
#[test]
fn javascript_engine_matches_rust() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("node not found: skipping the JavaScript engine comparison");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (lang, pages) in shipped_pages() {
        for (path, bytes) in build_index(lang, pages) {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    let queries: Vec<(&str, &str)> = QUERY_TABLE.to_vec();
    let queries_path = dir.path().join("queries.json");
    std::fs::write(&queries_path, serde_json::to_vec(&queries).unwrap()).unwrap();
    let runner = format!(
        "{load}\n\
         const fs = require('fs'), path = require('path');\n\
         const root = {root:?};\n\
         const engine = new s.Engine((lang, p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(root, 'search', lang, p.split('?')[0]), 'utf8'))));\n\
         const queries = JSON.parse(fs.readFileSync({queries:?}, 'utf8'));\n\
         (async () => {{\n\
           const out = [];\n\
           for (const [lang, q] of queries) {{\n\
             const r = await engine.search([lang], q);\n\
             out.push(r.hits.slice(0, 20).map(h => [h.doc, Math.round(h.score * 1e6)]));\n\
           }}\n\
           process.stdout.write(JSON.stringify(out));\n\
         }})().catch(e => {{ console.error(e); process.exit(1); }});",
        load = load_search_js(&repo().join("themes/default/static/search.js")),
        root = dir.path().display().to_string(),
        queries = queries_path.display().to_string(),
    );
    let js: Vec<Vec<(u32, i64)>> = run_node(runner);
    let mut differ = Vec::new();
    for ((lang, q), js) in queries.iter().zip(js) {
        let rust: Vec<(u32, i64)> = index(lang)
            .search(q)
            .into_iter()
            .take(20)
            .map(|h| (h.doc, (h.score * 1e6).round() as i64))
            .collect();
        if rust != js {
            differ.push(format!("[{lang}] {q:?}\n  rust: {rust:?}\n  js:   {js:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// `helpsite build` writes every language's index and results page, and
/// every page's search form tells search.js where they are.
#[test]
fn the_build_writes_an_index_per_language() {
    let built = site::render_site(&repo(), &BuildOptions::default()).expect("builds");
    let has = |p: &str| built.files.iter().any(|f| f.path == p);
    for lang in ["en", "fi", "ru", "bn", "fa"] {
        assert!(
            has(&format!("search/{lang}/index.json")),
            "{lang}: no index"
        );
        assert!(has(&format!("search/{lang}/t/0.json")), "{lang}: no shard");
        assert!(
            has(&format!("search/{lang}/d/0.json")),
            "{lang}: no documents"
        );
        assert!(
            has(&format!("{lang}/search/index.html")),
            "{lang}: no results page"
        );
        let page = built
            .files
            .iter()
            .find(|f| f.path == format!("{lang}/billing/index.html"))
            .expect("billing page");
        let html = String::from_utf8_lossy(&page.bytes);
        assert!(html.contains(&format!("data-lang=\"{lang}\"")), "{lang}");
        assert!(html.contains("data-search-index=\"/search/\""), "{lang}");
    }
}

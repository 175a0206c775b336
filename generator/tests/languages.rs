//! Every shipped language on its own: a site in all of them with no catalog
//! and no fallback builds, shows no English chrome outside English, and its
//! catalogs carry every key and every plural form CLDR says the language uses.

mod common;

use std::collections::BTreeMap;

use common::*;
use generator::i18n::catalog::{shipped, Message};
use generator::i18n::plural;

fn catalog(lang: &str) -> BTreeMap<String, Message> {
    let bytes = generator::theme::builtin(&format!("i18n/{lang}.toml")).unwrap();
    let text = std::str::from_utf8(bytes).unwrap();
    toml::from_str(text).unwrap_or_else(|e| panic!("i18n/{lang}.toml: {e}"))
}

fn shipped_languages() -> Vec<String> {
    let mut langs: Vec<String> = shipped()
        .into_iter()
        .map(|(lang, _)| lang.to_string())
        .collect();
    langs.sort();
    langs
}

#[test]
fn at_least_the_45_languages_are_shipped() {
    let langs = shipped_languages();
    for l in "ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv ms nb nl pl pt-BR pt-PT ro ru sk sl sr sv sw ta th tr uk ur vi zh-Hans zh-Hant".split(' ') {
        assert!(langs.iter().any(|x| x == l), "no catalog for {l}");
    }
}

#[test]
fn every_catalog_has_every_key_and_every_plural_form_its_language_uses() {
    let en = catalog("en");
    for lang in shipped_languages() {
        let c = catalog(&lang);
        let missing: Vec<&String> = en.keys().filter(|k| !c.contains_key(*k)).collect();
        let extra: Vec<&String> = c.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, unknown {extra:?}"
        );
        let needed = plural::categories(&lang);
        for (key, message) in &c {
            assert_eq!(
                plural::check_forms(&lang, key, message),
                Ok(None),
                "{lang}: {key}"
            );
            // A text that shows a count has a form for each category, unless
            // the language has only one.
            if matches!(en[key], Message::Plural(_)) && needed.len() > 1 {
                let Message::Plural(forms) = message else {
                    panic!("{lang}: {key} must give the forms {needed:?}");
                };
                for c in &needed {
                    assert!(forms.contains_key(*c), "{lang}: {key} lacks {c}");
                }
            }
            // Placeholders survive translation.
            let en_text = en[key].text();
            for p in ["{date}", "{reference}", "{max}", "{ref}", "{site}"] {
                assert_eq!(
                    en_text.contains(p),
                    message.text().contains(p),
                    "{lang}: {key} {p}"
                );
            }
        }
    }
}

#[test]
fn every_language_builds_without_catalogs_or_fallback() {
    let root = fixture("all-languages");
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(!toml.contains("[i18n]"));
    assert!(!root.join("i18n").exists() && !root.join("themes").exists());
    let (_tmp, out) = build(&root);
    for lang in shipped_languages() {
        let page = read(&out, &format!("{lang}/faq/index.html"));
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
        let c = catalog(&lang);
        assert!(page.contains(c["faq_expand_all"].text()), "{lang}");
        // Direction and dates from CLDR for every language, sw, ms, ta, ur included.
        let rtl = ["ar", "fa", "he", "ur"].contains(&lang.as_str());
        let dir = if rtl { "rtl" } else { "ltr" };
        assert!(
            page.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\"")),
            "{lang}"
        );
        assert!(
            page.contains("<time datetime=\"2026-03-14\">"),
            "{lang}: no date"
        );
    }
}

/// What a reader meets on a page: its text (scripts' JSON included) and
/// the values of attributes that carry words, not markup names.
fn visible(html: &str) -> String {
    const MARKUP: &[&str] = &[
        "class",
        "id",
        "href",
        "src",
        "for",
        "name",
        "rel",
        "type",
        "lang",
        "hreflang",
        "dir",
        "method",
        "action",
        "autocomplete",
        "enterkeyhint",
        "role",
        "datetime",
        "data-code",
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "data-lang",
        "data-search-index",
        "data-search-script",
        "data-languages",
        "data-rtl-languages",
        "data-endpoint",
        "inputmode",
        "media",
        "charset",
        "property",
        "sizes",
        "crossorigin",
        "integrity",
        "accept-charset",
        "spellcheck",
        "translate",
        "maxlength",
        "minlength",
        "rows",
        "hidden",
    ];
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.nodes() {
        match node.value() {
            scraper::Node::Text(t) => out.push_str(t),
            scraper::Node::Element(e) => {
                // A radio, checkbox or hidden field's value is sent, never shown.
                let unseen_value = e.name() == "input"
                    && matches!(e.attr("type"), Some("radio" | "checkbox" | "hidden"));
                for (name, value) in e.attrs() {
                    if !(MARKUP.contains(&name)
                        || e.name() == "meta" && name == "name"
                        || unseen_value && name == "value")
                    {
                        out.push('\n');
                        out.push_str(value);
                    }
                }
            }
            _ => {}
        }
        out.push('\n');
    }
    out
}

/// `needle` in `hay` as a whole phrase: not inside a longer word.
fn has_phrase(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn no_english_ui_string_on_a_page_in_another_language() {
    let (_tmp, out) = build(&fixture("all-languages"));
    let en = catalog("en");
    // English texts as they could appear: placeholders cut out, each piece
    // long enough to mean something.
    let mut phrases: Vec<(String, String)> = Vec::new();
    for (key, message) in &en {
        let forms: Vec<String> = match message {
            Message::Text(t) => vec![t.clone()],
            Message::Plural(f) => f.values().cloned().collect(),
        };
        for form in forms {
            for piece in form.split(['{', '}']) {
                let piece = piece.trim();
                if piece.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && ![
                        "count",
                        "date",
                        "reference",
                        "ref",
                        "site",
                        "max",
                        "language",
                    ]
                    .contains(&piece)
                {
                    phrases.push((key.clone(), piece.to_string()));
                }
            }
        }
    }
    let mut found = Vec::new();
    for lang in shipped_languages().into_iter().filter(|l| l != "en") {
        let c = catalog(&lang);
        for page in [
            "index.html",
            "faq/index.html",
            "contact/index.html",
            "404.html",
        ] {
            let html = visible(&read(&out, &format!("{lang}/{page}")));
            for (key, phrase) in &phrases {
                // Identical by nature ("Tip", "Important" in some languages).
                if c.get(key)
                    .is_some_and(|m| m.text().contains(phrase.as_str()))
                {
                    continue;
                }
                if has_phrase(&html, phrase) {
                    found.push(format!("{lang}/{page}: {key} = {phrase:?}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "English UI text on other languages' pages:\n{}",
        found.join("\n")
    );
}

#[test]
fn counts_use_the_languages_plural_forms_and_digits() {
    let (_tmp, out) = build(&fixture("all-languages"));
    // Three questions on every FAQ page.
    for (lang, text) in [
        ("en", "3 questions"),
        ("ru", "3 вопроса"),
        ("pl", "3 pytania"),
        ("ar", "3 أسئلة"),
        ("de", "3 Fragen"),
        ("fa", "۳ پرسش"),
        ("bn", "৩টি প্রশ্ন"),
        ("sl", "3 vprašanja"),
        ("ja", "3 件の質問"),
    ] {
        let page = read(&out, &format!("{lang}/faq/index.html"));
        assert!(page.contains(text), "{lang}: no {text:?}");
    }
}

/// A language no catalog is shipped for, with two strings of its own and
/// the rest from `[i18n] fallback = "en"`.
fn yoruba_site() -> tempfile::TempDir {
    let site = copy_site(&fixture("minimal"));
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[languages.yo]\nname = \"Yorùbá\"\n\n[i18n]\nfallback = \"en\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/yo.toml"),
        "toc_title = \"Lórí ojú-ìwé yìí\"\nsearch_submit = \"Wá\"\n",
    )
    .unwrap();
    site
}

#[test]
fn text_from_the_fallback_language_is_marked_and_counted() {
    let site = yoruba_site();
    let (_tmp, out) = build(site.path());
    let page = read(&out, "yo/guide/index.html");
    assert!(page.contains(">Wá<"), "own string");
    // The notice comes from English: marked as English, naming the reader's language.
    assert!(
        page.contains("<p class=\"notice notice-untranslated\" role=\"note\" lang=\"en\" dir=\"ltr\">This page has not been translated into Yorùbá yet."),
        "{page}"
    );

    let report = generator::check::check(site.path()).unwrap();
    let yo = report
        .languages_summary
        .iter()
        .find(|s| s.language == "yo")
        .unwrap();
    assert_eq!(yo.ui_strings - yo.ui_from_fallback, 2);
    assert_eq!(yo.missing, yo.pages);
    let en = report
        .languages_summary
        .iter()
        .find(|s| s.language == "en")
        .unwrap();
    assert_eq!(en.ui_from_fallback, 0);
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("language \"yo\"") && d.message.contains("fallback"))
        .expect("a warning for the fallback strings");
    assert!(
        warning
            .message
            .contains(&format!("{} of {}", yo.ui_from_fallback, yo.ui_strings)),
        "{}",
        warning.message
    );
}

#[test]
fn the_translation_table_stays_readable_with_many_languages() {
    let report = generator::check::check(&fixture("all-languages")).unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let short = report.tables(false);
    // One line per language, no page × language matrix.
    assert!(short.lines().all(|l| l.chars().count() <= 80), "{short}");
    assert!(short.lines().any(|l| l.starts_with("zh-Hant ")), "{short}");
    assert!(!short.contains("faq.md"), "{short}");
    assert!(short.contains("--matrix"));
    let full = report.tables(true);
    assert!(
        full.contains("faq.md") && full.contains("zh-Hant"),
        "{full}"
    );
}

#[test]
fn a_site_catalog_override_reaches_the_handler() {
    use tower::ServiceExt;
    let site = copy_site(&fixture("all-languages"));
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/de.toml"),
        "error_required = \"Hier fehlt noch etwas.\"\nack_subject = \"Danke! [{ref}]\"\n",
    )
    .unwrap();
    // What `helpsite build --form-definition` writes and the Lambda reads.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("form.json");
    generator::site::write_form_definition(site.path(), &file).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        json["texts"]["de"]["messages"]["error_required"],
        "Hier fehlt noch etwas."
    );
    assert_eq!(json["texts"]["ar"]["dir"], "rtl");
    assert_eq!(json["texts"]["fa"]["numbers"]["5000"], "۵٬۰۰۰");
    assert_eq!(
        json["languages"].as_array().unwrap().len(),
        shipped_languages().len()
    );

    let texts = handler::Texts::load(&file).unwrap();
    let cfg = handler::Config::local(tmp.path(), vec!["en".into()], "en".into(), vec![])
        .with_texts(texts);
    assert_eq!(cfg.languages.len(), shipped_languages().len());
    let app = axum::Router::new().nest("/api", handler::router(cfg));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let answer = |lang: &str| {
        let req = axum::http::Request::post("/api/contact")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(axum::body::Body::from(format!(
                r#"{{"name":"","email":"a@example.com","topic":"billing","message":"Hi","lang":"{lang}"}}"#
            )))
            .unwrap();
        rt.block_on(async {
            let resp = app.clone().oneshot(req).await.unwrap();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        })
    };
    assert_eq!(
        answer("de")["errors"][0]["message"],
        "Hier fehlt noch etwas."
    );
    assert_eq!(
        answer("fr")["errors"][0]["message"],
        "Ce champ est obligatoire."
    );
}

#[test]
fn a_broken_site_catalog_names_file_and_line() {
    let site = copy_site(&fixture("minimal"));
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/en.toml"),
        "toc_title = \"Contents\"\nsearch_results = { one = \"{count} hit\" }\nfooter_contact = 3\n",
    )
    .unwrap();
    let err = generator::site::render_site(site.path(), &generator::site::BuildOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("i18n/en.toml:3: error: UI-string catalog"),
        "{err}"
    );
    std::fs::write(
        site.path().join("i18n/en.toml"),
        "search_results = { one = \"{count} hit\" }\n",
    )
    .unwrap();
    let err = generator::site::render_site(site.path(), &generator::site::BuildOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("search_results\" has no \"other\" form"),
        "{err}"
    );
}

#[test]
fn check_reports_a_plural_form_the_language_needs() {
    let site = copy_site(&fixture("minimal"));
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[languages.ru]\nname = \"Русский\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/ru.toml"),
        "search_results = { one = \"{count} результат\", other = \"{count} результата\" }\n",
    )
    .unwrap();
    let report = generator::check::check(site.path()).unwrap();
    assert_eq!(report.errors(), 0);
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("search_results"))
        .expect("a warning about the missing forms");
    assert!(warning.file.ends_with("i18n/ru.toml"), "{warning}");
    assert!(
        warning.message.contains("lacks the plural forms few, many"),
        "{}",
        warning.message
    );
}

#[test]
fn left_to_right_fallback_text_on_a_right_to_left_page_is_isolated() {
    // Pashto: right to left, no shipped catalog, English fallback.
    let site = copy_site(&fixture("minimal"));
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[languages.ps]\nname = \"پښتو\"\n\n[i18n]\nfallback = \"en\"\n"),
    )
    .unwrap();
    let (_tmp, out) = build(site.path());
    let page = read(&out, "ps/guide/index.html");
    assert!(page.contains("<html lang=\"ps\" dir=\"rtl\""));
    assert!(page.contains("\u{2068}Skip to content\u{2069}"), "{page}");
    assert!(page.contains("placeholder=\"\u{2068}Search, e.g. refund\u{2069}\""));
    // The English pages are untouched.
    assert!(!read(&out, "en/guide/index.html").contains('\u{2068}'));
}

#[test]
fn every_english_ui_string_on_a_fallback_page_is_marked_english() {
    // Every template: the help-center fixture, with a language that has
    // two strings of its own and takes the rest from English.
    let site = copy_site(&fixture("helpcenter"));
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[languages.yo]\nname = \"Yorùbá\"\n\n[i18n]\nfallback = \"en\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(
        site.path().join("i18n/yo.toml"),
        "toc_title = \"Lórí ojú-ìwé yìí\"\nsearch_submit = \"Wá\"\n",
    )
    .unwrap();
    let english: std::collections::BTreeSet<String> = catalog("en")
        .into_iter()
        .filter(|(k, _)| k != "toc_title" && k != "search_submit")
        .map(|(_, m)| m.text().trim().to_string())
        .filter(|t| !t.contains('{'))
        .collect();
    let (_tmp, out) = build(site.path());
    let (mut checked, mut unmarked) = (0, Vec::new());
    for file in files(&out.join("yo")) {
        if file.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(&file).unwrap();
        let doc = scraper::Html::parse_document(&html);
        for node in doc.tree.nodes() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            // <title> holds text only (and the page title beside it is not
            // English); a script's JSON is data, not shown.
            let unmarkable = node.ancestors().any(|n| {
                n.value()
                    .as_element()
                    .is_some_and(|e| e.name() == "title" || e.name() == "script")
            });
            if unmarkable || !english.contains(text.trim()) {
                continue;
            }
            checked += 1;
            // The language the text is marked as: the nearest `lang`.
            let lang = node
                .ancestors()
                .filter_map(|n| n.value().as_element())
                .find_map(|e| e.attr("lang"));
            if lang != Some("en") {
                unmarked.push(format!("{}: {:?}", file.display(), text.trim()));
            }
        }
        // Own strings are not marked as English.
        assert!(!html.contains(r#"<span lang="en" dir="ltr">Wá</span>"#));
    }
    assert!(checked > 50, "only {checked} English UI strings found");
    assert!(
        unmarked.is_empty(),
        "not marked lang=\"en\":\n{}",
        unmarked.join("\n")
    );
}

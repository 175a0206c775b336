//! Help pages as other companies write them (tests/fixtures/realworld): no
//! `_index.md`, no thank-you or error page, long compound words, bare
//! addresses, numbered headings, pages missing in some languages.

mod common;

use common::*;
use generator::error::Severity;
use scraper::{Html, Selector};

const LANGS: [&str; 3] = ["en", "fa", "bn"];

fn page(out: &std::path::Path, rel: &str) -> Html {
    Html::parse_document(&read(out, rel))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn attrs(doc: &Html, selector: &str, name: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

#[test]
fn every_language_and_section_gets_a_landing_page_listing_its_pages() {
    let (_tmp, out) = build(&fixture("realworld"));
    for lang in LANGS {
        let home = page(&out, &format!("{lang}/index.html"));
        let links = attrs(&home, "main a", "href");
        for p in ["guides/", "billing-faq/", "delivery/", "terms/", "contact/"] {
            assert!(links.contains(&format!("/{lang}/{p}")), "{lang}: {links:?}");
        }
        let guides = page(&out, &format!("{lang}/guides/index.html"));
        assert_eq!(
            attrs(&guides, ".page-list a", "href"),
            [
                format!("/{lang}/guides/getting-started/"),
                format!("/{lang}/guides/troubleshooting/")
            ]
        );
    }
    // The home page's title is the site title in that language.
    assert_eq!(
        texts(&page(&out, "fa/index.html"), "h1"),
        ["پشتیبانی نوردلیشت"]
    );
    assert_eq!(
        texts(&page(&out, "en/index.html"), "h1"),
        ["Nordlicht Support"]
    );
}

#[test]
fn every_link_on_the_entry_and_404_pages_reaches_a_page() {
    let (_tmp, out) = build(&fixture("realworld"));
    let mut sources = vec!["index.html".to_string(), "404.html".to_string()];
    sources.extend(LANGS.map(|l| format!("{l}/404.html")));
    for src in sources {
        let doc = page(&out, &src);
        for href in attrs(&doc, "a[href^='/']", "href") {
            let path = href
                .split(['#', '?'])
                .next()
                .unwrap()
                .trim_start_matches('/');
            assert!(
                out.join(path).join("index.html").is_file() || out.join(path).is_file(),
                "{src}: {href} leads nowhere"
            );
        }
    }
}

#[test]
fn missing_index_pages_are_notes_that_do_not_fail_strict() {
    let report = generator::check::check(&fixture("realworld")).unwrap();
    let notes: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .map(|d| d.file.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        notes,
        ["content/en/_index.md", "content/en/guides/_index.md"]
    );
    assert_eq!(report.errors(), 0);
    // Every warning is about a missing translation: the notes are not counted.
    let translation_warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("not translated"))
        .count();
    assert_eq!(report.warnings(), translation_warnings);
}

#[test]
fn a_site_whose_only_findings_are_notes_passes_strict_check() {
    let tmp = copy_site(&fixture("realworld"));
    let root = tmp.path();
    std::fs::write(
        root.join("site.toml"),
        "title = \"Nordlicht Support\"\nbase_url = \"https://support.nordlicht.example\"\ndefault_language = \"en\"\n\n[languages.en]\nname = \"English\"\n",
    )
    .unwrap();
    for lang in ["fa", "bn"] {
        std::fs::remove_dir_all(root.join("content").join(lang)).unwrap();
    }
    let report = generator::check::check(root).unwrap();
    assert_eq!(
        (report.errors(), report.warnings()),
        (0, 0),
        "{:?}",
        report.diagnostics
    );
    assert_eq!(report.diagnostics.len(), 2, "{:?}", report.diagnostics);
}

#[test]
fn the_contact_form_lands_on_built_in_thank_you_and_error_pages_in_every_language() {
    let (_tmp, out) = build(&fixture("realworld"));
    for (lang, thanks, error) in [
        (
            "en",
            "Thank you for your message",
            "Your message could not be sent",
        ),
        ("fa", "از پیام شما سپاسگزاریم", "پیام شما ارسال نشد"),
        ("bn", "আপনার বার্তার জন্য ধন্যবাদ", "আপনার বার্তা পাঠানো যায়নি"),
    ] {
        let t = page(&out, &format!("{lang}/contact/thanks/index.html"));
        assert_eq!(texts(&t, "h1"), [thanks]);
        assert_eq!(t.select(&sel(".reference")).count(), 1);
        let e = page(&out, &format!("{lang}/contact/error/index.html"));
        assert_eq!(texts(&e, "h1"), [error]);
        // The handler's error codes, for the page's script to show.
        assert!(e.select(&sel(".error-reasons li[data-code]")).count() > 5);
        // Neither is a help topic.
        let nav = attrs(&t, ".site-nav a", "href").join(" ");
        assert!(!nav.contains("/contact/thanks/") && !nav.contains("/contact/error/"));
    }
}

#[test]
fn bare_addresses_become_links_but_not_in_code_or_inside_links() {
    let (_tmp, out) = build(&fixture("realworld"));
    let faq = page(&out, "en/billing-faq/index.html");
    let hrefs = attrs(&faq, ".content a[dir=ltr]", "href");
    for want in [
        "https://www.gesetze-im-internet.de/zag_2018/BJNR144610017.html#BJNR144610017BJNG000100000",
        "https://www.bafin.de/DE/Verbraucher/verbraucher_node.html?view=summary&section=payments",
        "https://nordlicht.example/kuendigung/unternehmenslizenzverwaltungspaket/formular",
        "https://tracking.post.example/sendungsverfolgung?barcode=RR123456789DE&lang=de",
    ] {
        assert!(
            hrefs.iter().any(|h| h == want),
            "{want} not linked: {hrefs:?}"
        );
    }
    // The www. address keeps its text; the sentence's full stop stays outside.
    assert!(texts(&faq, ".content a").contains(
        &"www.bafin.de/DE/Verbraucher/verbraucher_node.html?view=summary&section=payments"
            .to_string()
    ));
    assert_eq!(faq.select(&sel("pre a, code a")).count(), 0);
    // A code block scrolls inside itself, so keyboard users can focus it.
    assert_eq!(faq.select(&sel("pre[tabindex='0'] > code")).count(), 1);
    assert_eq!(faq.select(&sel("a a")).count(), 0);
    assert_eq!(
        texts(&faq, "a[href='https://nordlicht.example/account/invoices']"),
        ["your browser"]
    );
    // In Persian text the address reads left to right.
    let fa = page(&out, "fa/terms/index.html");
    assert!(attrs(&fa, ".content a[dir=ltr]", "href")
        .contains(&"https://www.nordlicht.example/refunds".to_string()));
}

#[test]
fn a_table_of_contents_numbers_numbered_headings_once_and_nests_sub_headings() {
    let (_tmp, out) = build(&fixture("realworld"));
    for (lang, second, subs) in [
        (
            "en",
            "2. Subscription and renewal",
            ["2.1 Automatic renewal", "2.2 Cancellation"],
        ),
        ("fa", "۲. اشتراک و تمدید", ["۲.۱ تمدید خودکار", "۲.۲ لغو"]),
    ] {
        let doc = page(&out, &format!("{lang}/terms/index.html"));
        assert_eq!(
            doc.select(&sel(".toc ol")).count(),
            0,
            "{lang}: list numbers added"
        );
        assert_eq!(texts(&doc, ".toc > ul > li > a").len(), 3, "{lang}");
        assert_eq!(texts(&doc, ".toc > ul > li > a")[1], second);
        assert_eq!(
            texts(&doc, ".toc > ul > li:nth-child(2) > ul > li > a"),
            subs
        );
    }
}

#[test]
fn pages_without_a_description_get_one_from_their_first_paragraph() {
    let (_tmp, out) = build(&fixture("realworld"));
    let desc = |rel: &str| attrs(&page(&out, rel), "meta[name=description]", "content");
    assert_eq!(
        desc("en/terms/index.html"),
        ["These terms apply to every Nordlicht subscription bought on or after 1 March 2026, whether you pay monthly or yearly, and replace all earlier versions of our…"]
    );
    for lang in LANGS {
        for p in [
            "",
            "billing-faq/",
            "terms/",
            "delivery/",
            "guides/",
            "guides/getting-started/",
            "contact/",
        ] {
            let d = desc(&format!("{lang}/{p}index.html"));
            assert_eq!(d.len(), 1, "{lang}/{p}: {d:?}");
            assert!(
                !d[0].is_empty() && d[0].chars().count() <= 160,
                "{lang}/{p}: {d:?}"
            );
        }
    }
    // Bengali is cut between words, never inside one.
    let bn = &desc("bn/delivery/index.html")[0];
    assert!(bn.ends_with("চাইলে…"), "{bn}");
    // Markup and entities are text in the attribute, escaped once.
    assert!(read(&out, "en/guides/troubleshooting/index.html")
        .contains("content=\"When synchronisation stops, sign out and sign in again. If that does not help, send us the log file from ~/Library/Application Support/Nordlicht/Logs/…\""));
}

#[test]
fn text_in_another_language_is_marked_and_isolated() {
    let (_tmp, out) = build(&fixture("realworld"));
    let fa = page(&out, "fa/index.html");
    // The Bengali-only page in the Persian navigation.
    let bn = fa
        .select(&sel(".site-nav a[href='/fa/delivery/']"))
        .next()
        .unwrap();
    assert_eq!(bn.value().attr("lang"), Some("bn"));
    assert_eq!(bn.value().attr("dir"), Some("ltr"));
    let en = fa
        .select(&sel(".site-nav a[href='/fa/billing-faq/']"))
        .next()
        .unwrap();
    assert_eq!(en.value().attr("lang"), Some("en"));
    // Persian's own pages are not marked.
    let own = fa
        .select(&sel(".site-nav a[href='/fa/terms/']"))
        .next()
        .unwrap();
    assert_eq!(own.value().attr("lang"), None);
    // A fallback page: its title and text marked as English.
    let faq = page(&out, "fa/billing-faq/index.html");
    assert_eq!(attrs(&faq, "h1", "lang"), ["en"]);
    assert_eq!(attrs(&faq, "h1", "dir"), ["ltr"]);
    assert_eq!(attrs(&faq, "div.content", "lang"), ["en"]);
    // "Not yet translated" is shown, not only read out.
    let note = faq
        .select(&sel(".lang-switcher .lang-untranslated"))
        .next()
        .unwrap();
    assert!(!note.value().classes().any(|c| c == "visually-hidden"));
    assert_eq!(
        attrs(&faq, ".lang-switcher .lang-name", "dir"),
        ["ltr", "rtl", "ltr"]
    );
}

#[test]
fn each_404_page_marks_its_own_language_as_current() {
    let (_tmp, out) = build(&fixture("realworld"));
    for lang in LANGS {
        let doc = page(&out, &format!("{lang}/404.html"));
        assert_eq!(
            attrs(&doc, ".lang-switcher a[aria-current=page]", "hreflang"),
            [lang]
        );
    }
}

#[test]
fn snapshots_of_a_generated_home_page_and_a_numbered_policy() {
    let (_tmp, out) = build(&fixture("realworld"));
    insta::assert_snapshot!("realworld_fa_home", unhash(&read(&out, "fa/index.html")));
    insta::assert_snapshot!(
        "realworld_fa_terms",
        unhash(&read(&out, "fa/terms/index.html"))
    );
}

//! Builds fixture sites and checks what visitors and crawlers get.

mod common;

use common::*;
use generator::site::{self, BuildOptions};

#[test]
fn minimal_site_uses_the_default_theme_and_contract_urls() {
    let (_tmp, out) = build(&fixture("minimal"));
    for rel in [
        "index.html",
        "en/index.html",
        "en/guide/index.html",
        "en/404.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(out.join(rel).is_file(), "{rel} missing");
    }
    insta::assert_snapshot!(
        "minimal_policy_page",
        unhash(&read(&out, "en/guide/index.html"))
    );
    insta::assert_snapshot!("minimal_root_index", unhash(&read(&out, "index.html")));
}

#[test]
fn persian_is_rtl_and_bengali_headings_keep_their_letters() {
    let (_tmp, out) = build(&fixture("i18n"));
    let fa = read(&out, "fa/billing/index.html");
    assert!(fa.contains("<html lang=\"fa\" dir=\"rtl\">"));
    // ZWNJ stays in the id: می‌توانم
    assert!(
        fa.contains("id=\"چگونه-می\u{200c}توانم-اشتراک-را-لغو-کنم\""),
        "{fa}"
    );
    assert!(fa.contains("<bdi dir=\"ltr\">+1 (415) 555-0134</bdi>"));
    assert!(fa.contains("<bdi dir=\"ltr\">Lumo Notes</bdi>"));
    let bn = read(&out, "bn/billing/index.html");
    assert!(bn.contains("<html lang=\"bn\" dir=\"ltr\">"));
    assert!(bn.contains("id=\"অর্ডার-কীভাবে-দেখব\""), "{bn}");
    // CLDR dates: Persian calendar and digits, Bengali digits.
    assert!(fa.contains("datetime=\"2024-05-02\""));
    assert!(fa.contains("۱۴۰۳"), "Persian calendar year missing");
    assert!(bn.contains("২০২৪"), "Bengali digits missing");
    insta::assert_snapshot!("i18n_fa_faq_page", unhash(&fa));
}

#[test]
fn missing_translation_is_rendered_from_the_default_language_with_a_notice() {
    let (_tmp, out) = build(&fixture("i18n"));
    let fa = read(&out, "fa/refunds/index.html");
    assert!(fa.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert!(fa.contains("notice-untranslated"));
    // The English text is marked as English inside the Persian page.
    assert!(fa.contains("<div class=\"content\" lang=\"en\" dir=\"ltr\">"));
    // Its canonical is the original; the switcher still reaches every language.
    assert!(fa.contains("<link rel=\"canonical\" href=\"https://help.example.com/en/refunds/\">"));
    for lang in ["en", "fa", "bn"] {
        assert!(
            fa.contains(&format!("href=\"/{lang}/refunds/\"")),
            "switcher to {lang}"
        );
    }
    // The fa home page links to the fa URL of the untranslated page.
    assert!(read(&out, "fa/index.html").contains("href=\"/fa/refunds/#request\""));
}

#[test]
fn hreflang_and_sitemap_alternates_are_complete() {
    let (_tmp, out) = build(&fixture("i18n"));
    let en = read(&out, "en/billing/index.html");
    for (lang, url) in [
        ("en", "/en/billing/"),
        ("fa", "/fa/billing/"),
        ("bn", "/bn/billing/"),
        ("x-default", "/en/billing/"),
    ] {
        let link = format!(
            "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"https://help.example.com{url}\">"
        );
        assert!(en.contains(&link), "missing {link}");
    }
    assert!(en.contains("<link rel=\"canonical\" href=\"https://help.example.com/en/billing/\">"));
    // refunds exists only in en: no alternates claiming a translation.
    let en_refunds = read(&out, "en/refunds/index.html");
    assert!(!en_refunds.contains("hreflang=\"fa\" href=\"https://help.example.com/fa/refunds/\""));
    let sitemap = read(&out, "sitemap.xml");
    insta::assert_snapshot!("i18n_sitemap", sitemap);
}

#[test]
fn faq_pages_have_details_and_faqpage_json_ld() {
    let (_tmp, out) = build(&fixture("i18n"));
    let en = read(&out, "en/billing/index.html");
    assert!(en.contains("<details class=\"faq-item\" id=\"how-do-i-cancel-a-subscription\">"));
    assert!(en.contains("<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"FAQPage\""));
    assert!(en.contains("\"name\":\"How do I cancel a subscription?\""));
    assert!(en.contains("class=\"faq-toggle\" hidden"));
}

#[test]
fn no_inline_scripts_or_styles() {
    let (_tmp, out) = build(&fixture("i18n"));
    for entry in files(&out) {
        let entry = entry.to_string_lossy().into_owned();
        if !entry.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(&entry).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let scripts = scraper::Selector::parse("script").unwrap();
        for s in doc.select(&scripts) {
            let is_data = s.value().attr("type") == Some("application/ld+json");
            assert!(
                s.value().attr("src").is_some() || is_data,
                "inline script in {entry}"
            );
        }
        let styled = scraper::Selector::parse("style, [style]").unwrap();
        assert!(
            doc.select(&styled).next().is_none(),
            "inline style in {entry}"
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_site(&fixture("i18n"));
    let out = site.path().join("public");
    site::build(site.path(), &out, &BuildOptions::default()).unwrap();
    let before = std::fs::read(out.join("en/billing/index.html")).unwrap();
    let page = site.path().join("content/en/billing.md");
    std::fs::write(&page, "+++\ntitel = \"oops\"\n+++\n").unwrap();
    let err = site::build(site.path(), &out, &BuildOptions::default()).unwrap_err();
    assert!(err.to_string().contains("content/en/billing.md:2"), "{err}");
    assert_eq!(
        std::fs::read(out.join("en/billing/index.html")).unwrap(),
        before
    );
    // No staging folders are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn raw_html_is_escaped_unless_the_site_opts_in() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(
        site.path().join("content/en/raw.md"),
        "+++\ntitle = \"Raw\"\n+++\n<div class=\"x\">hi</div>\n",
    )
    .unwrap();
    let (_t, out) = build(site.path());
    assert!(read(&out, "en/raw/index.html").contains("&lt;div class=\"x\"&gt;hi&lt;/div&gt;"));
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[markdown]\nraw_html = true\n"),
    )
    .unwrap();
    let (_t, out) = build(site.path());
    assert!(read(&out, "en/raw/index.html").contains("<div class=\"x\">hi</div>"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(
        site.path().join("content/en/wip.md"),
        "+++\ntitle = \"WIP\"\ndraft = true\n+++\nSoon.\n",
    )
    .unwrap();
    let (_t, out) = build(site.path());
    assert!(!out.join("en/wip/index.html").exists());
    let out2 = site.path().join("with-drafts");
    site::build(
        site.path(),
        &out2,
        &BuildOptions {
            drafts: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(read(&out2, "en/wip/index.html").contains("badge-draft"));
}

#[test]
fn search_indexes_each_page_in_its_own_language_only() {
    let (_tmp, out) = build(&fixture("i18n"));
    let docs = |lang: &str| search_docs(&out, lang);
    // refunds exists only in English: in the en index, not in the fa one.
    assert!(docs("en").contains("/en/refunds/"));
    assert!(!docs("fa").contains("/fa/refunds/"));
    assert!(docs("fa").contains("/fa/billing/"));
}

/// A build killed mid-way leaves `.public.staging-<pid>` / `.public.old-<pid>`:
/// the next build removes those whose process is gone, and only those.
#[test]
fn leftovers_of_killed_builds_are_removed_at_the_next_build() {
    let site = copy_site(&fixture("minimal"));
    let out = site.path().join("public");
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    let dead = ended.id();
    ended.wait().unwrap();
    let mut running = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let alive = running.id();
    let dir = |n: String| {
        let p = site.path().join(n);
        std::fs::create_dir_all(p.join("en")).unwrap();
        p
    };
    let stale = [
        dir(format!(".public.staging-{dead}")),
        dir(format!(".public.old-{dead}")),
    ];
    let live = dir(format!(".public.staging-{alive}"));
    let other = dir(format!(".other.staging-{dead}"));
    let result = site::build(site.path(), &out, &BuildOptions::default());
    let _ = running.kill();
    let _ = running.wait();
    result.unwrap();
    for s in &stale {
        assert!(!s.exists(), "{} left", s.display());
    }
    assert!(live.exists(), "a running build's folder is kept");
    assert!(other.exists(), "another output's folder is not touched");
}

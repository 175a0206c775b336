//! A help center shaped by folders (tests/fixtures/helpcenter): categories,
//! sections, an `_index.md` without text, a folder without one, FAQ and
//! policy pages, and — added by the test — a section of 300 articles.

mod common;

use std::path::Path;

use common::*;
use scraper::{Html, Selector};

fn page(out: &Path, rel: &str) -> Html {
    Html::parse_document(&read(out, rel))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(doc: &Html, selector: &str, name: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

/// The fixture plus `content/en/library/` holding `n` articles.
fn with_library(n: usize) -> tempfile::TempDir {
    let tmp = copy_site(&fixture("helpcenter"));
    let dir = tmp.path().join("content/en/library");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        std::fs::write(
            dir.join(format!("article-{i:03}.md")),
            format!("+++\ntitle = \"Article {i:03}\"\n+++\nText of article {i}.\n"),
        )
        .unwrap();
    }
    tmp
}

#[test]
fn a_section_page_lists_its_articles_with_descriptions_grouped_by_sub_section() {
    let (_tmp, out) = build(&fixture("helpcenter"));
    let billing = page(&out, "en/billing/index.html");
    // Its own pages first (weight, then title), then each sub-section.
    assert_eq!(
        attrs(&billing, ".section-list > .page-list a", "href"),
        ["/en/billing/faq/", "/en/billing/refunds/"]
    );
    assert_eq!(texts(&billing, ".section-group-title a"), ["Payments"]);
    assert_eq!(
        attrs(&billing, ".section-group .page-list a", "href"),
        ["/en/billing/payments/failed/", "/en/billing/payments/card/"]
    );
    let descriptions = texts(&billing, ".page-list-description");
    assert!(descriptions.contains(&"Short answers about invoices and VAT.".to_string()));
    // Without a description, the first words of the article.
    assert!(
        descriptions
            .iter()
            .any(|d| d.starts_with("Anyone who bought")),
        "{descriptions:?}"
    );
    // An _index.md without text still lists its pages.
    let payments = page(&out, "en/billing/payments/index.html");
    assert_eq!(
        texts(&payments, ".page-list a"),
        ["A payment failed", "Paying by card"]
    );
    insta::assert_snapshot!(
        "helpcenter_en_section",
        unhash(&read(&out, "en/billing/index.html"))
    );
    insta::assert_snapshot!("helpcenter_en_home", unhash(&read(&out, "en/index.html")));
    insta::assert_snapshot!("helpcenter_fa_home", unhash(&read(&out, "fa/index.html")));
}

#[test]
fn a_folder_without_index_is_listed_and_the_icon_is_shown_but_not_read() {
    let (_tmp, out) = build(&fixture("helpcenter"));
    let account = page(&out, "en/account/index.html");
    assert_eq!(
        texts(&account, ".page-list a"),
        ["Changing your email address", "Resetting your password"]
    );
    let home = page(&out, "en/index.html");
    assert_eq!(
        attrs(&home, ".home-card-title .section-icon", "aria-hidden"),
        ["true"]
    );
    // A promoted page comes first on its card (only there).
    assert_eq!(
        texts(&home, ".home-card-list a"),
        [
            "Changing your email address",
            "Resetting your password",
            "Refund policy",
            "Billing questions",
            "Payments"
        ]
    );
}

#[test]
fn breadcrumbs_lead_home_and_are_in_json_ld() {
    let (_tmp, out) = build(&fixture("helpcenter"));
    let card = page(&out, "en/billing/payments/card/index.html");
    assert_eq!(
        attrs(&card, "nav.breadcrumbs", "aria-label"),
        ["Breadcrumb"]
    );
    assert_eq!(
        texts(&card, "nav.breadcrumbs li"),
        ["Acme Help Center", "Billing", "Payments", "Paying by card"]
    );
    assert_eq!(
        attrs(&card, "nav.breadcrumbs a", "href"),
        ["/en/", "/en/billing/", "/en/billing/payments/"]
    );
    assert_eq!(
        texts(&card, "nav.breadcrumbs [aria-current=page]"),
        ["Paying by card"]
    );
    let json: Vec<serde_json::Value> = card
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).unwrap())
        .collect();
    let list = json
        .iter()
        .find(|j| j["@type"] == "BreadcrumbList")
        .expect("BreadcrumbList");
    let items = list["itemListElement"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[1]["name"], "Billing");
    assert_eq!(items[1]["item"], "https://help.example.com/en/billing/");
    assert_eq!(items[3]["position"], 4);
    // Persian pages: Persian titles, the untranslated page marked as English.
    let fa = page(&out, "fa/billing/payments/card/index.html");
    assert_eq!(texts(&fa, "nav.breadcrumbs li")[1], "صورتحساب");
    assert_eq!(
        attrs(&fa, "nav.breadcrumbs [aria-current=page]", "lang"),
        ["en"]
    );
    // The home page has none.
    assert!(texts(&page(&out, "en/index.html"), "nav.breadcrumbs").is_empty());
}

#[test]
fn previous_and_next_stay_within_the_section() {
    let (_tmp, out) = build(&fixture("helpcenter"));
    let failed = page(&out, "en/billing/payments/failed/index.html");
    assert!(attrs(&failed, ".prev-next a[rel=prev]", "href").is_empty());
    assert_eq!(
        attrs(&failed, ".prev-next a[rel=next]", "href"),
        ["/en/billing/payments/card/"]
    );
    let card = page(&out, "en/billing/payments/card/index.html");
    assert_eq!(
        attrs(&card, ".prev-next a[rel=prev]", "href"),
        ["/en/billing/payments/failed/"]
    );
    assert!(attrs(&card, ".prev-next a[rel=next]", "href").is_empty());
    // The FAQ and policy pages of a section are a sequence too.
    let faq = page(&out, "en/billing/faq/index.html");
    assert_eq!(
        attrs(&faq, ".prev-next a[rel=next]", "href"),
        ["/en/billing/refunds/"]
    );
    // Top-level pages are not.
    assert!(texts(&page(&out, "en/contact/index.html"), ".prev-next").is_empty());
}

#[test]
fn a_section_of_300_articles_lists_them_all_and_the_home_card_only_the_first() {
    let tmp = with_library(300);
    let (_out_tmp, out) = build(tmp.path());
    let library = page(&out, "en/library/index.html");
    assert_eq!(texts(&library, ".page-list a").len(), 300);
    let home = page(&out, "en/index.html");
    let library_group = home
        .select(&sel(".home-card"))
        .find(|g| g.text().any(|t| t.contains("Library")))
        .expect("library card on home");
    assert_eq!(library_group.select(&sel(".home-card-list a")).count(), 5);
    let all: Vec<String> = library_group
        .select(&sel(".section-all a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(all, ["All 300 articles"]);
    // An article's page does not grow with its section (its related
    // articles, at most five, aside): the sidebar lists a bounded window
    // of the section's pages, full at 40 as at 300.
    let small = with_library(40);
    let (_small_tmp, small_out) = build(small.path());
    let size = |o: &Path| {
        let html = read(o, "en/library/article-001/index.html");
        match (
            html.find("<nav class=\"related\""),
            html.find("<nav class=\"prev-next\""),
        ) {
            (Some(a), Some(b)) => html.len() - (b - a),
            _ => html.len(),
        }
    };
    assert!(
        size(&out).abs_diff(size(&small_out)) < 64,
        "{} vs {}",
        size(&out),
        size(&small_out)
    );
}

#[test]
fn related_pages_are_the_named_ones_or_share_words() {
    let (_tmp, out) = build(&fixture("helpcenter"));
    let failed = page(&out, "en/billing/payments/failed/index.html");
    assert_eq!(
        attrs(&failed, "nav.related a", "href"),
        [
            "/en/billing/payments/card/#changing-your-card",
            "/en/billing/refunds/#request"
        ]
    );
    // Computed: pages sharing (stemmed) title or description words.
    let email = page(&out, "en/account/email/index.html");
    let related = texts(&email, "nav.related a");
    assert!(
        related.contains(&"Resetting your password".to_string()),
        "{related:?}"
    );
    assert!(!related.contains(&"Changing your email address".to_string()));
    assert!(related.len() <= 5);
}

#[test]
fn a_related_page_that_does_not_exist_is_an_error_with_file_and_line() {
    let tmp = copy_site(&fixture("helpcenter"));
    let file = tmp.path().join("content/en/billing/payments/failed.md");
    edit(&file, "../refunds.md#request", "../refunds.md#nowhere");
    edit(&file, "card.md#", "no-such-page.md#");
    let err = generator::site::render_site(tmp.path(), &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("content/en/billing/payments/failed.md:4"),
        "{err}"
    );
    assert!(err.contains("no-such-page.md"), "{err}");
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn an_accent_colour_is_published_as_a_stylesheet_and_refused_when_unreadable() {
    let tmp = copy_site(&fixture("helpcenter"));
    let toml = tmp.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[appearance]\naccent = \"#7a1fa2\"\nlogo = \"brand.svg\"\n"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("brand.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>",
    )
    .unwrap();
    let (_out_tmp, out) = build(tmp.path());
    let home = page(&out, "en/index.html");
    let sheets = attrs(&home, "link[rel=stylesheet]", "href");
    let css_url = sheets
        .iter()
        .find(|h| h.starts_with("/static/appearance."))
        .expect("appearance stylesheet");
    let css = read(&out, css_url.trim_start_matches('/'));
    assert!(css.contains("--accent: #7a1fa2"), "{css}");
    assert!(css.contains("data-theme=\"dark\""), "{css}");
    let logo = attrs(&home, ".site-title img.site-logo", "src");
    assert!(logo[0].starts_with("/static/logo.") && logo[0].ends_with(".svg"));

    // Yellow on white cannot be read: the key, the ratio and the line are named.
    std::fs::write(
        &toml,
        format!("{text}\n[appearance]\naccent = \"#ffcc00\"\n"),
    )
    .unwrap();
    let err = generator::site::render_site(tmp.path(), &Default::default())
        .unwrap_err()
        .to_string();
    let line = text.lines().count() + 3;
    assert!(err.contains(&format!("site.toml:{line}")), "{err}");
    assert!(err.contains("appearance.accent"), "{err}");
    assert!(
        err.contains("1.") && err.contains(":1") && err.contains("4.5:1"),
        "{err}"
    );
    // A dark accent chosen by hand must be readable on the dark background.
    std::fs::write(
        &toml,
        format!("{text}\n[appearance]\naccent = \"#0b57d0\"\naccent_dark = \"#202020\"\n"),
    )
    .unwrap();
    let err = generator::site::render_site(tmp.path(), &Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("appearance.accent_dark") && err.contains("dark background"),
        "{err}"
    );
    // An unknown key is an error.
    std::fs::write(&toml, format!("{text}\n[appearance]\ncolour = \"#000\"\n")).unwrap();
    assert!(generator::site::render_site(tmp.path(), &Default::default()).is_err());
}

#[test]
fn a_long_faq_gets_a_question_index_and_a_way_back_to_the_top() {
    let tmp = copy_site(&fixture("helpcenter"));
    let mut faq = String::from("+++\ntitle = \"Many questions\"\nkind = \"faq\"\n+++\n");
    for i in 0..12 {
        faq.push_str(&format!("## Question number {i}?\n\nAnswer {i}.\n\n"));
    }
    std::fs::write(tmp.path().join("content/en/billing/many.md"), faq).unwrap();
    let (_out_tmp, out) = build(tmp.path());
    let many = page(&out, "en/billing/many/index.html");
    let index = attrs(&many, "nav.toc a", "href");
    assert_eq!(index.len(), 12);
    assert_eq!(index[0], "#question-number-0");
    assert_eq!(attrs(&many, ".back-to-top a", "href"), ["#main"]);
    // A short FAQ has neither.
    let short = page(&out, "en/billing/faq/index.html");
    assert!(attrs(&short, "nav.toc a", "href").is_empty());
    assert!(attrs(&short, ".back-to-top a", "href").is_empty());
}

#[test]
fn the_sidebar_tree_opens_only_the_current_path() {
    let tmp = with_library(300);
    let (_out_tmp, out) = build(tmp.path());
    let card = page(&out, "en/billing/payments/card/index.html");
    // Billing and Payments are open; the page is marked; Account is closed.
    assert_eq!(
        texts(&card, ".site-nav details[open] > summary"),
        ["Billing", "Payments"]
    );
    assert_eq!(
        attrs(&card, ".site-nav [aria-current=page]", "href"),
        ["/en/billing/payments/card/"]
    );
    assert!(
        texts(&card, ".site-nav details:not([open]) > summary").contains(&"Account".to_string())
    );
    // A closed section links its own page, never its articles.
    assert_eq!(
        attrs(
            &card,
            ".site-nav details:not([open]) a[href^='/en/library/']",
            "href"
        ),
        ["/en/library/"]
    );
    // In a 300-article section, a window around the page, then "All 300".
    let article = page(&out, "en/library/article-150/index.html");
    let links = attrs(&article, ".site-nav details[open] a", "href");
    assert!(links.len() <= 16, "{} links", links.len());
    assert!(links.contains(&"/en/library/article-150/".to_string()));
    assert_eq!(
        texts(&article, ".site-nav details[open] .nav-all"),
        ["All 300 articles"]
    );
    assert_eq!(
        attrs(&article, ".site-nav [aria-current=page]", "href"),
        ["/en/library/article-150/"]
    );
    // The section's own page is the current entry on the section page.
    let library = page(&out, "en/library/index.html");
    assert_eq!(
        attrs(&library, ".site-nav [aria-current=page]", "href"),
        ["/en/library/"]
    );
}

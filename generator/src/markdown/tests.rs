use super::*;

fn labels() -> Labels {
    Labels {
        anchor: "Link to section".into(),
        note: "Note".into(),
        tip: "Tip".into(),
        important: "Important".into(),
        warning: "Warning".into(),
        caution: "Caution".into(),
        table: "Table".into(),
        question_link: "Link to this question".into(),
        footnote_back: "Back to reference".into(),
        task_done: "(done)".into(),
    }
}

fn render_with(body: &str, faq: bool, rtl: bool, raw_html: bool) -> Rendered {
    let labels = labels();
    let url_of = |key: &str, _: bool| match key {
        "billing" => Some("/en/billing/".to_string()),
        "refund-policy" => Some("/en/refund-policy/".to_string()),
        _ => None,
    };
    render(
        body,
        &RenderOptions {
            raw_html,
            faq,
            rtl,
            labels: &labels,
            page_dir: "contact",
            first_line: 5,
            url_of: &url_of,
        },
    )
}

#[test]
fn headings_get_script_ids_and_anchor_links() {
    let r = render_with(
        "## অর্ডার কীভাবে দেখব?\n\n## Custom {#mine}\n\n## Custom\n",
        false,
        false,
        false,
    );
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["অর্ডার-কীভাবে-দেখব", "mine", "custom"]);
    assert!(
        r.html
            .contains("<h2 id=\"mine\">Custom<a class=\"anchor\" href=\"#mine\">"),
        "{}",
        r.html
    );
    assert_eq!(r.headings[1].line, 7);
}

#[test]
fn faq_questions_become_details() {
    let r = render_with(
        "Intro.\n\n## How do I pay?\n\nWith a card.\n\n## Can I cancel?\n\nYes.\n",
        true,
        false,
        false,
    );
    assert_eq!(r.questions.len(), 2);
    assert_eq!(r.questions[0].id, "how-do-i-pay");
    assert!(r.questions[0].answer_html.contains("With a card."));
    assert!(r.html.starts_with("<p>Intro.</p>"));
    assert!(r
        .html
        .contains("<details class=\"faq-item\" id=\"can-i-cancel\">"));
    assert!(r
        .html
        .contains("<summary class=\"faq-question\"><h2>Can I cancel?</h2></summary>"));
}

#[test]
fn alerts_use_the_page_language_labels() {
    let r = render_with("> [!WARNING]\n> Careful.\n", false, false, false);
    assert!(
        r.html.contains(
            "<div class=\"callout callout-warning\"><p class=\"callout-title\">Warning</p>"
        ),
        "{}",
        r.html
    );
    assert!(!r.html.contains("blockquote"));
}

#[test]
fn md_links_resolve_relative_to_the_page_and_broken_ones_report_line() {
    let r = render_with(
        "See [billing](../billing.md#x).\n\nAnd [gone](../nope.md).\n",
        false,
        false,
        false,
    );
    assert!(r.html.contains("href=\"/en/billing/#x\""), "{}", r.html);
    assert_eq!(r.links[0].target, LinkTarget::Page("billing".into()));
    assert_eq!(r.links[0].fragment.as_deref(), Some("x"));
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].line, 7);
    assert!(r.findings[0].error);
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let r = render_with(
        "<script>alert(1)</script>\n\nHi <b>x</b>\n",
        false,
        false,
        false,
    );
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"));
    let r = render_with("Hi <b>x</b>\n", false, false, true);
    assert!(r.html.contains("<b>x</b>"));
}

#[test]
fn rtl_isolates_phone_numbers_and_mail_links() {
    let r = render_with(
        "تلفن +1 (415) 555-0134 و <support@lumo.example>\n",
        false,
        true,
        false,
    );
    assert!(
        r.html.contains("<bdi dir=\"ltr\">+1 (415) 555-0134</bdi>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            "<a href=\"mailto:support@lumo.example\" dir=\"ltr\">support@lumo.example</a>"
        ),
        "{}",
        r.html
    );
}

#[test]
fn tables_scroll_in_a_focusable_region_and_images_need_alt() {
    let r = render_with(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![](x.png)\n",
        false,
        false,
        false,
    );
    assert!(r.html.contains("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">\n<table>"), "{}", r.html);
    assert!(r
        .findings
        .iter()
        .any(|f| f.message.contains("alt") && !f.error));
}

#[test]
fn footnotes_link_both_ways() {
    let r = render_with("Text.[^note]\n\n[^note]: The note.\n", false, false, false);
    assert!(
        r.html.contains(
            "<sup class=\"footnote-ref\"><a href=\"#fn-note\" id=\"fnref-note\">1</a></sup>"
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("<div class=\"footnote\" id=\"fn-note\"><p class=\"footnote-label\"><a href=\"#fnref-note\""), "{}", r.html);
    assert!(r.ids.contains(&"fn-note".to_string()) && r.ids.contains(&"fnref-note".to_string()));
}

#[test]
fn task_lists_have_no_unnamed_form_controls() {
    let r = render_with("- [ ] order number\n- [x] email\n", false, false, false);
    assert!(!r.html.contains("<input"), "{}", r.html);
    assert!(
        r.html
            .contains("<span class=\"task\" aria-hidden=\"true\"></span>order number"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<span class=\"visually-hidden\">(done) </span>email"),
        "{}",
        r.html
    );
}

#[test]
fn markup_in_headings_and_questions_is_text() {
    let body =
        "## Does it <img src=x onerror=alert(1)> work?\n\n### <b>Bold</b> <script>x()</script>\n";
    let r = render_with(body, false, false, false);
    assert!(!r.html.contains("<img"), "{}", r.html);
    assert!(!r.html.contains("<b>"), "{}", r.html);
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(
        r.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        r.html
    );
    assert_eq!(
        r.headings[0].text,
        "Does it <img src=x onerror=alert(1)> work?"
    );

    let faq = render_with(
        "## Q <img src=x onerror=alert(1)> <!--<script>?\n\nA <i>b</i>.\n",
        true,
        false,
        false,
    );
    assert!(!faq.html.contains("<img"), "{}", faq.html);
    assert!(!faq.html.contains("<!--"), "{}", faq.html);
    assert!(!faq.html.contains("<i>"), "{}", faq.html);
    assert!(faq.questions[0].text.contains("<!--<script>"));
}

#[test]
fn markup_in_tables_alt_and_footnotes_is_text() {
    let body = "| <b>h</b> |\n|---|\n| <img src=x onerror=y()> |\n\n![<svg onload=y()>](a.png \"<i>t</i>\")\n\nA[^n].\n\n[^n]: <iframe src=x></iframe>\n";
    let r = render_with(body, false, false, false);
    for tag in ["<b>", "<img src=x", "<svg", "<i>", "<iframe"] {
        assert!(!r.html.contains(tag), "{tag} in {}", r.html);
    }
}

#[test]
fn script_urls_are_written_as_text() {
    for url in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#9;script:alert(1)",
        "vbscript:x",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let r = render_with(
            &format!("[click]({url}) and <{url}>\n"),
            false,
            false,
            false,
        );
        assert!(!r.html.contains("href"), "{url}: {}", r.html);
        assert!(r.html.contains("click"), "{url}: {}", r.html);
        assert!(!r.findings.is_empty());
    }
    let img = render_with("![alt](javascript:alert(1))\n", false, false, false);
    assert!(!img.html.contains("<img"), "{}", img.html);
    assert!(img.html.contains("alt"), "{}", img.html);
    // A script URL written as an image's alt text is only text.
    let alt = render_with("![javascript:alert(1)]()\n", false, false, false);
    assert!(!alt.html.contains("src=\"javascript"), "{}", alt.html);
    // Real links are untouched.
    let ok = render_with(
        "[a](https://example.com/javascript:x)\n",
        false,
        false,
        false,
    );
    assert!(ok
        .html
        .contains("href=\"https://example.com/javascript:x\""));
}

mod no_unasked_markup {
    use super::*;
    use proptest::prelude::*;
    use scraper::Html;

    /// Elements the renderer itself writes for markdown constructs.
    const ALLOWED: &[&str] = &[
        "html",
        "head",
        "body",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "br",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
        "span",
        "sup",
        "details",
        "summary",
        "bdi",
    ];
    const ALLOWED_ATTRS: &[&str] = &[
        "id",
        "class",
        "href",
        "title",
        "src",
        "alt",
        "dir",
        "role",
        "tabindex",
        "aria-label",
        "aria-hidden",
        "start",
        "style",
    ];

    fn fragment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "## ",
            "### ",
            "# ",
            "\n",
            "\n\n",
            "> ",
            "> [!NOTE]\n> ",
            "- ",
            "1. ",
            "* ",
            "`",
            "```\n",
            "**",
            "_",
            "~~",
            "[",
            "](",
            ")",
            "![",
            "\"",
            "'",
            "<",
            ">",
            "|",
            "|---|\n",
            "[^n]",
            "[^n]: ",
            "{#id}",
            "- [ ] ",
            "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>",
            "<!--",
            "<!--<script",
            "-->",
            "</script>",
            "<a href=\"javascript:alert(1)\">",
            "</a>",
            "<div onclick=x>",
            "</div>",
            "<svg onload=x>",
            "<iframe src=x>",
            "<details open ontoggle=x>",
            "<style>",
            "javascript:alert(1)",
            "data:text/html,x",
            "onerror=",
            " x=\"",
            "&lt;",
            "&#60;",
            "\u{2028}",
            "word",
            "text",
            "Q?",
            "<b>",
            "</b>",
            "<?php ",
            "<![CDATA[",
            "]]>",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn markdown_never_emits_markup_it_was_not_asked_for(
            parts in prop::collection::vec(fragment(), 0..40),
            faq in any::<bool>(),
            rtl in any::<bool>(),
        ) {
            let body: String = parts.concat();
            let html = render_with(&body, faq, rtl, false).html;
            let doc = Html::parse_document(&html);
            for node in doc.tree.nodes() {
                match node.value() {
                    scraper::Node::Element(e) => {
                        prop_assert!(ALLOWED.contains(&e.name()), "<{}> from {body:?}: {html}", e.name());
                        for (name, value) in e.attrs() {
                            prop_assert!(ALLOWED_ATTRS.contains(&name), "{name}= from {body:?}: {html}");
                            // Only attributes a browser follows or loads can run a script URL;
                            // alt and title are text and may say anything.
                            let v = value.trim().to_ascii_lowercase();
                            let is_url = matches!(name, "href" | "src" | "srcset" | "cite" | "action" | "formaction" | "poster");
                            prop_assert!(!is_url || (!v.starts_with("javascript:") && !v.starts_with("data:text")), "{name}={value} from {body:?}");
                        }
                    }
                    scraper::Node::Comment(c) => {
                        prop_assert!(false, "comment {:?} from {body:?}: {html}", &**c);
                    }
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn heading_ids_that_would_need_escaping_in_links_are_refused() {
    let r = render_with(
        "## A {#x\"onmouseover=\"y}\n\n## B {#ok-id}\n",
        false,
        false,
        false,
    );
    assert_eq!(r.headings[0].id, "a");
    assert_eq!(r.headings[1].id, "ok-id");
    let f = &r.findings[0];
    assert!(f.error && f.line == 5, "{f:?}");
    assert!(f.message.contains("\"\"\" (U+0022)"), "{}", f.message);
}

#[test]
fn the_summary_is_the_first_paragraphs_plain_text() {
    let r = render_with(
        "![A chart](c.png)\n\nFish & chips <b>now</b>, see [refunds](https://x.example/)\nand `code`.\n\nSecond paragraph.",
        false,
        false,
        false,
    );
    // The image-only paragraph gives nothing; markup stays text, to be escaped where it is used.
    assert_eq!(r.summary, "Fish & chips <b>now</b>, see refunds and code.");
}

#[test]
fn bare_addresses_are_linked_outside_code_and_links_only() {
    let r = render_with(
        "Go to www.example.com/a_b_c now.\n\n`https://in.code/`\n\n[https://x.example/](https://y.example/)\n\n```\nhttps://in.block/\n```\n",
        false,
        true,
        false,
    );
    assert!(
        r.html.contains(
            "<a href=\"https://www.example.com/a_b_c\" dir=\"ltr\">www.example.com/a_b_c</a>"
        ),
        "{}",
        r.html
    );
    assert_eq!(r.html.matches("<a ").count(), 2, "{}", r.html);
    assert!(r
        .html
        .contains("<pre tabindex=\"0\"><code>https://in.block/\n</code></pre>"));
}

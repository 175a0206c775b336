//! The built-in theme and a site's own files laid over it: one template,
//! one catalog string or one stylesheet changed without copying the rest;
//! `helpsite theme eject` copies the rest out, never overwriting.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn helpsite(args: &[&str], root: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The stylesheet's URL in a built page, and the stylesheet.
fn stylesheet(out: &Path, page: &str) -> String {
    let html = read(out, page);
    let start = html.find("/static/style.").expect("a stylesheet link");
    let url = &html[start..start + html[start..].find('"').unwrap()];
    read(out, url.trim_start_matches('/'))
}

#[test]
fn a_site_without_themes_uses_the_builtin_theme() {
    let site = copy_site(&fixture("minimal"));
    assert!(!site.path().join("themes").exists());
    let (_tmp, out) = build(site.path());
    let builtin = generator::theme::builtin("static/style.css").unwrap();
    assert_eq!(stylesheet(&out, "en/index.html").as_bytes(), builtin);
}

#[test]
fn one_template_one_string_and_one_stylesheet_replace_the_builtin_ones() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    // A page template that adds a marker around the builtin layout.
    let page = String::from_utf8(
        generator::theme::builtin("templates/policy.html")
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    let marked = page.replacen(
        "{% block main %}",
        "{% block main %}<p class=\"brand-marker\">ours</p>",
        1,
    );
    assert_ne!(page, marked, "policy.html has a main block");
    write(root, "themes/default/templates/policy.html", &marked);
    // One UI string; every other key still comes from the built-in catalog.
    write(
        root,
        "themes/default/i18n/en.toml",
        "skip_to_content = \"Jump to the text\"\n",
    );
    write(
        root,
        "themes/default/static/style.css",
        "body { color: rebeccapurple; }\n",
    );
    let (_tmp, out) = build(root);
    let html = read(&out, "en/guide/index.html");
    assert!(html.contains("brand-marker"), "{html}");
    assert!(html.contains("Jump to the text"), "{html}");
    let en = read(&out, "en/index.html");
    let builtin_en = generator::theme::builtin("i18n/en.toml").unwrap();
    let strings: toml::Table = toml::from_str(std::str::from_utf8(builtin_en).unwrap()).unwrap();
    let search_label = strings["search_label"].as_str().unwrap();
    assert!(
        en.contains(search_label),
        "other strings stay built-in: {en}"
    );
    assert_eq!(
        stylesheet(&out, "en/index.html"),
        "body { color: rebeccapurple; }\n"
    );
    // The site's catalog key set is a subset: check has nothing to say about it.
    let check = helpsite(&["check", "--strict"], root);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_broken_override_names_the_site_file() {
    let site = copy_site(&fixture("minimal"));
    write(
        site.path(),
        "themes/default/i18n/en.toml",
        "skip_to_content = [1]\n",
    );
    let out = helpsite(&["build"], site.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("themes/default/i18n/en.toml:1"), "{stderr}");
}

#[test]
fn a_named_theme_without_its_folder_says_what_to_do() {
    let site = copy_site(&fixture("minimal"));
    edit(
        &site.path().join("site.toml"),
        "[languages.en]",
        "theme = \"brand\"\n\n[languages.en]",
    );
    let out = helpsite(&["build"], site.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("theme \"brand\": the site has no folder themes/brand/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(env!("CARGO_MANIFEST_DIR")),
        "no source-tree path: {stderr}"
    );
    // A theme folder holding one file is a whole theme: the rest is built in.
    write(
        site.path(),
        "themes/brand/static/print.css",
        "@media print { body { margin: 0 } }\n",
    );
    let out = helpsite(&["build"], site.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_language_without_builtin_strings_gets_a_helpful_error() {
    let site = copy_site(&fixture("minimal"));
    edit(
        &site.path().join("site.toml"),
        "[languages.en]",
        "[languages.yo]\nname = \"Yorùbá\"\n\n[languages.en]",
    );
    let out = helpsite(&["build"], site.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("i18n/yo.toml: error: no UI strings for language \"yo\""),
        "{stderr}"
    );
    assert!(stderr.contains("fallback"), "{stderr}");
    assert!(
        stderr.contains("helpsite theme eject i18n/en.toml"),
        "{stderr}"
    );
    // Built-in catalogs are named as such, never by the source tree's path.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    assert!(!stderr.contains(&*repo.to_string_lossy()), "{stderr}");
}

#[test]
fn eject_copies_every_builtin_file_and_never_overwrites() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    write(root, "themes/default/static/style.css", "/* ours */\n");
    let out = helpsite(&["theme", "eject"], root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("kept") && stdout.contains("style.css"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("themes/default/static/style.css")).unwrap(),
        "/* ours */\n"
    );
    let files = generator::theme::builtin_files();
    for (rel, bytes) in &files {
        let path = root.join("themes/default").join(rel);
        if *rel != "static/style.css" {
            assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{rel}");
            assert!(
                stdout.contains(&format!("wrote {}", path.display())),
                "{stdout}"
            );
        }
    }
    // Ejected, the site builds exactly as with the built-in theme.
    std::fs::write(
        root.join("themes/default/static/style.css"),
        generator::theme::builtin("static/style.css").unwrap(),
    )
    .unwrap();
    let (_a, ejected) = build(root);
    let plain = copy_site(&fixture("minimal"));
    let (_b, builtin) = build(plain.path());
    let rel = |d: &Path| files_of(d);
    assert_eq!(rel(&ejected), rel(&builtin));
    for f in rel(&ejected) {
        assert_eq!(
            std::fs::read(ejected.join(&f)).unwrap(),
            std::fs::read(builtin.join(&f)).unwrap(),
            "{f}"
        );
    }
    // A second eject writes nothing.
    let again = helpsite(&["theme", "eject"], root);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("wrote "));
}

/// Every file below `dir`, relative to it.
fn files_of(dir: &Path) -> Vec<String> {
    files(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn eject_of_one_file_copies_that_file_alone() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let out = helpsite(&["theme", "eject", "templates/page.html", "i18n/"], root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied = files_of(&root.join("themes/default"));
    let mut expected: Vec<String> = generator::theme::builtin_files()
        .into_iter()
        .map(|(rel, _)| rel.to_string())
        .filter(|rel| rel == "templates/page.html" || rel.starts_with("i18n/"))
        .collect();
    expected.sort();
    assert_eq!(copied, expected);
    let out = helpsite(&["theme", "eject", "templates/nope.html"], root);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("templates/nope.html: error: the built-in theme has no such file or folder"),
        "{stderr}"
    );
}

/// The sidebar's closed sections are drawn once per language and handed to
/// the macro as `html`; a site whose own `macros/nav.html` predates that (it
/// draws every entry from its fields) gets every section drawn per page, so
/// its sidebar is the same as with the built-in macro.
#[test]
fn a_sidebar_macro_that_ignores_drawn_entries_still_gets_every_section() {
    let site = copy_site(&fixture("helpcenter"));
    let root = site.path();
    let page = "en/billing/index.html";
    let sidebar = |html: &str| {
        let start = html.find("<nav class=\"site-nav\"").expect("a sidebar");
        html[start..start + html[start..].find("</nav>").unwrap()].to_string()
    };
    let (_tmp, out) = build(root);
    let builtin_sidebar = sidebar(&read(&out, page));
    assert!(
        builtin_sidebar.contains("<details>"),
        "closed sections: {builtin_sidebar}"
    );

    let builtin = generator::theme::builtin("templates/macros/nav.html").unwrap();
    let builtin = std::str::from_utf8(builtin).unwrap();
    let old = builtin
        .replacen(
            "{% if n.html is defined %}{{ n.html | safe }}{% else %}",
            "",
            1,
        )
        .replacen(
            "</li>\n{% endif %}{% endfor %}</ul>{% endmacro list %}",
            "</li>\n{% endfor %}</ul>{% endmacro list %}",
            1,
        );
    assert!(
        !old.contains("n.html"),
        "the macro without drawn entries: {old}"
    );
    write(root, "themes/default/templates/macros/nav.html", &old);
    let (_tmp2, out2) = build(root);
    assert_eq!(sidebar(&read(&out2, page)), builtin_sidebar);
}

/// A section of more pages than the sidebar lists around the current one,
/// with sub-sections nested two deep, and one whose sub-sections are titled
/// with a private-use character and with what could be taken for the mark
/// standing for an open section's pages.
fn many_pages(root: &Path) {
    let front = |title: &str, weight: usize| {
        format!("+++\ntitle = \"{title}\"\nweight = {weight}\n+++\nText of {title}.\n")
    };
    write(root, "content/en/many/_index.md", &front("Many <pages>", 1));
    for n in 1..=24 {
        let rel = format!("content/en/many/page-{n}.md");
        write(root, &rel, &front(&format!("Page {n} & more"), n));
    }
    write(
        root,
        "content/en/many/deeper/_index.md",
        &front("Deeper", 1),
    );
    write(
        root,
        "content/en/many/deeper/inner/_index.md",
        &front("Inner", 1),
    );
    for n in 1..=3 {
        let rel = format!("content/en/many/deeper/inner/leaf-{n}.md");
        write(root, &rel, &front(&format!("Leaf {n}"), n));
    }
    write(root, "content/en/odd/_index.md", &front("Odd", 2));
    let odd = [
        ("a", "A \u{E000} one"),
        ("b", "B \u{E000}nav-window\u{E000} one"),
    ];
    for (n, (dir, title)) in odd.into_iter().enumerate() {
        write(
            root,
            &format!("content/en/odd/{dir}/_index.md"),
            &front(title, n),
        );
        write(
            root,
            &format!("content/en/odd/{dir}/only.md"),
            &front("Only", 1),
        );
    }
}

/// The search box, the head's assets, the feedback widget, the language
/// switcher, the related articles and the previous and next links are drawn
/// once per language (the switcher once per set of translations, the links
/// once per shape) when their partials are the built-in ones, the sidebar's
/// sections and links when its
/// macro draws given HTML (each link filled into one drawn with marks when
/// the macro is the built-in one); a site whose partials are its own (here:
/// the built-in ones that never take the drawn branch) has them drawn on
/// every page, and every page comes out the same either way, a page URL that
/// the contact link must encode included.
#[test]
fn partials_drawn_once_per_language_match_those_drawn_on_every_page() {
    for name in ["helpcenter", "hostile", "minimal"] {
        let once = copy_site(&fixture(name));
        let every = copy_site(&fixture(name));
        // A sidebar macro of the site's own that draws given HTML as it is:
        // its links are drawn together and cut apart, not filled in.
        let own_macro = copy_site(&fixture(name));
        for site in [&once, &every, &own_macro] {
            let page = "+++\ntitle = \"Über & uns\"\n+++\nText.\n";
            write(site.path(), "content/en/über-uns.md", page);
            many_pages(site.path());
        }
        for (rel, branch) in [
            (
                "templates/partials/search.html",
                "{% if drawn.search is defined %}",
            ),
            (
                "templates/partials/head.html",
                "{% if drawn.head is defined %}",
            ),
            (
                "templates/partials/related.html",
                "{% if related_html is defined %}",
            ),
            (
                "templates/partials/prev-next.html",
                "{% if prev_next_html is defined %}",
            ),
            (
                "templates/partials/feedback.html",
                "{% if feedback.html is defined %}",
            ),
            (
                "templates/partials/languages.html",
                "{% if languages_html is defined %}",
            ),
            // A sidebar macro that draws no entry as given HTML: sections
            // and links are then drawn on every page.
            ("templates/macros/nav.html", "{% if n.html is defined %}"),
        ] {
            let builtin = std::str::from_utf8(generator::theme::builtin(rel).unwrap()).unwrap();
            assert!(builtin.contains(branch), "{rel}");
            let own = builtin.replacen(branch, "{% if false %}", 1);
            write(every.path(), &format!("themes/default/{rel}"), &own);
        }
        let rel = "templates/macros/nav.html";
        let builtin = std::str::from_utf8(generator::theme::builtin(rel).unwrap()).unwrap();
        let html = "{{ n.html | safe }}";
        assert!(builtin.contains(html));
        let own = builtin.replacen(html, "{{ n.html | safe }}{{ \"\" }}", 1);
        write(own_macro.path(), &format!("themes/default/{rel}"), &own);
        let (_a, drawn_once) = build(once.path());
        let (_b, drawn_every) = build(every.path());
        let (_c, drawn_own) = build(own_macro.path());
        let pages = files_of(&drawn_once);
        assert_eq!(pages, files_of(&drawn_every), "{name}");
        assert_eq!(pages, files_of(&drawn_own), "{name}");
        let mut with_feedback = 0;
        for f in &pages {
            let a = std::fs::read(drawn_once.join(f)).unwrap();
            assert_eq!(
                a,
                std::fs::read(drawn_every.join(f)).unwrap(),
                "{name}: {f}"
            );
            assert_eq!(
                a,
                std::fs::read(drawn_own.join(f)).unwrap(),
                "{name}: {f}, own macro"
            );
            with_feedback +=
                usize::from(String::from_utf8_lossy(&a).contains("class=\"feedback\""));
        }
        assert!(
            with_feedback > 0,
            "{name} has pages with the feedback widget"
        );
    }
}

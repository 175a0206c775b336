//! Every invalid fixture under tests/fixtures/invalid fails with exact,
//! located diagnostics (snapshots), and the CLI exits non-zero with them.

mod common;

use common::*;
use generator::site::{self, BuildOptions};

fn diagnostics_of(root: &std::path::Path) -> String {
    match site::render_site(root, &BuildOptions::default()) {
        Ok(_) => panic!("{} built, but it is invalid", root.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_invalid_fixture_reports_file_line_and_help() {
    let dir = fixture("invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let text = diagnostics_of(&dir.join(&name));
        assert!(text.contains(": error: "), "{name}: {text}");
        insta::assert_snapshot!(format!("invalid_{name}"), text);
    }
}

#[test]
fn several_errors_are_all_reported_at_once() {
    let text = diagnostics_of(&fixture("invalid/several-errors"));
    assert!(text.contains("content/en/_index.md:4"), "{text}");
    assert!(text.contains("content/en/a.md:2"), "{text}");
    assert!(text.contains("content/en/b.md:3"), "{text}");
}

#[test]
fn a_file_that_is_not_utf8_is_named() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(
        site.path().join("content/en/latin1.md"),
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    )
    .unwrap();
    let text = diagnostics_of(site.path());
    assert!(
        text.contains("content/en/latin1.md:2: error: the file is not valid UTF-8 text"),
        "{text}"
    );
}

#[test]
fn a_missing_ui_string_names_key_and_language() {
    // Yoruba has no built-in catalog: the site brings one, short of a key.
    let site = copy_site(&fixture("minimal"));
    let text =
        String::from_utf8(generator::theme::builtin("i18n/en.toml").unwrap().to_vec()).unwrap();
    let yo: String = text
        .lines()
        .filter(|l| !l.starts_with("toc_title"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/yo.toml"), yo).unwrap();
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[languages.yo]\nname = \"Yorùbá\"\n"),
    )
    .unwrap();
    let out = diagnostics_of(site.path());
    assert!(
        out.contains("i18n/yo.toml: error: UI string \"toc_title\" is missing in language \"yo\""),
        "{out}"
    );

    // The same catalog in the site theme's folder: the error names that file.
    std::fs::create_dir_all(site.path().join("themes/default/i18n")).unwrap();
    std::fs::rename(
        site.path().join("i18n/yo.toml"),
        site.path().join("themes/default/i18n/yo.toml"),
    )
    .unwrap();
    let out = diagnostics_of(site.path());
    assert!(
        out.contains("themes/default/i18n/yo.toml: error: UI string \"toc_title\" is missing in language \"yo\""),
        "{out}"
    );
    std::fs::remove_file(site.path().join("themes/default/i18n/yo.toml")).unwrap();

    // Without any catalog the language is named too, with the ways out.
    let out = diagnostics_of(site.path());
    assert!(
        out.contains("i18n/yo.toml: error: no UI strings for language \"yo\""),
        "{out}"
    );
    assert!(out.contains("helpsite theme eject i18n/en.toml"), "{out}");

    // With a fallback configured, the keys come from it and the build passes.
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        toml.replacen(
            "[languages.en]",
            "[i18n]\nfallback = \"en\"\n\n[languages.en]",
            1,
        ),
    )
    .unwrap();
    site::render_site(site.path(), &BuildOptions::default()).unwrap();
}

#[test]
fn cli_exits_non_zero_and_prints_file_and_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["build", "--root"])
        .arg(fixture("invalid/front-matter-typo"))
        .arg("--out")
        .arg(std::env::temp_dir().join("helpsite-never-written"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: front matter: unknown key \"descripton\""),
        "{stderr}"
    );
    assert!(stderr.contains("content/en/_index.md:3:1"), "{stderr}");
    assert!(
        stderr.contains("descripton = \"typo\""),
        "the source line is shown: {stderr}"
    );
    assert!(stderr.contains("did you mean \"description\""), "{stderr}");
    assert!(!std::env::temp_dir().join("helpsite-never-written").exists());

    let check = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["check", "--root"])
        .arg(fixture("invalid/broken-link"))
        .output()
        .unwrap();
    assert!(!check.status.success());
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["check", "--root"])
        .arg(fixture("minimal"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn check_reports_missing_and_stale_translations_as_json() {
    let site = copy_site(&fixture("i18n"));
    // fa/billing.md is dated before the English page it translates.
    let fa = site.path().join("content/fa/billing.md");
    edit(&fa, "updated = 2024-05-02", "updated = 2024-01-01");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warnings alone do not fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["translations"].as_array().unwrap();
    let row = |page: &str| rows.iter().find(|r| r["page"] == page).unwrap()["languages"].clone();
    assert_eq!(row("billing.md")["fa"], "stale");
    assert_eq!(row("billing.md")["bn"], "ok");
    assert_eq!(row("refunds.md")["fa"], "missing");
    assert_eq!(row("refunds.md")["en"], "source");
    let messages: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["file"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("content/fa/billing.md: translation may be out of date")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("content/fa/refunds.md: not translated into fa")),
        "{messages:?}"
    );

    let strict = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["check", "--strict", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(!strict.status.success(), "--strict fails on warnings");
}

#[test]
fn warnings_are_listed_with_lines_and_do_not_fail_the_build() {
    let report = generator::check::check(&fixture("warnings")).unwrap();
    let text: String = report
        .diagnostics
        .iter()
        .map(|d| format!("{d}\n"))
        .collect();
    insta::assert_snapshot!("warnings_check", format!("{text}\n{}", report.table()));
    assert_eq!(report.errors(), 0);
    // The notice is configured off: the Finnish copy of the guide has none.
    let (_t, out) = build(&fixture("warnings"));
    let fi = read(&out, "fi/guide/index.html");
    assert!(fi.contains("<div class=\"content\" lang=\"en\" dir=\"ltr\">"));
    assert!(!fi.contains("notice-untranslated"));
}

#[test]
fn a_failed_build_says_whether_there_was_previous_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(["build", "--root"])
            .arg(fixture("invalid/broken-link"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let first = run();
    assert!(
        first.contains("was not created (there was no previous output)"),
        "{first}"
    );
    assert!(!first.contains("left as it was"), "{first}");
    assert!(!out.exists());

    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("index.html"), "kept").unwrap();
    let again = run();
    assert!(again.contains("the previous output in"), "{again}");
    assert!(again.contains("left as it was"), "{again}");
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "kept"
    );
}

/// Names that would make an unreachable or misleading URL are refused,
/// naming the file and the character, by `build` and by `check`.
#[test]
fn names_that_break_urls_are_refused_with_the_character_named() {
    for (name, says) in [
        ("#hash?.md", "\"#\" (U+0023)"),
        ("what?.md", "\"?\" (U+003F)"),
        ("100%.md", "\"%\" (U+0025)"),
        ("two words.md", "a space (U+0020)"),
        ("invoice\u{202E}fdp.md", "the invisible character U+202E"),
        ("zero\u{200B}width.md", "the invisible character U+200B"),
    ] {
        let site = copy_site(&fixture("minimal"));
        std::fs::write(
            site.path().join("content/en").join(name),
            "+++\ntitle = \"T\"\n+++\nBody.\n",
        )
        .unwrap();
        let text = diagnostics_of(site.path());
        let shown = format!("content/en/{name}: error: the name");
        assert!(text.contains(&shown), "{name:?}: {text}");
        assert!(text.contains(says), "{name:?}: {text}");

        let check = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(["check", "--root"])
            .arg(site.path())
            .output()
            .unwrap();
        assert!(!check.status.success());
        let out = String::from_utf8_lossy(&check.stderr).into_owned()
            + &String::from_utf8_lossy(&check.stdout);
        assert!(out.contains(says), "check, {name:?}: {out}");
    }
    // A folder's name is part of the URL too; a slug replaces only the file's.
    let site = copy_site(&fixture("minimal"));
    std::fs::create_dir_all(site.path().join("content/en/a b")).unwrap();
    std::fs::write(
        site.path().join("content/en/a b/c.md"),
        "+++\ntitle = \"T\"\n+++\n",
    )
    .unwrap();
    assert!(diagnostics_of(site.path()).contains("the name \"a b\""));
    let site = copy_site(&fixture("minimal"));
    std::fs::write(
        site.path().join("content/en/odd name!.md"),
        "+++\ntitle = \"T\"\nslug = \"odd-name\"\n+++\n",
    )
    .unwrap();
    site::render_site(site.path(), &BuildOptions::default()).unwrap();
    std::fs::write(
        site.path().join("content/en/odd name!.md"),
        "+++\ntitle = \"T\"\nslug = \"x#y\"\n+++\n",
    )
    .unwrap();
    let text = diagnostics_of(site.path());
    assert!(
        text.contains("content/en/odd name!.md:3: error: front matter: slug"),
        "{text}"
    );
}

/// Pages are parsed, checked and written one language at a time: an error
/// in a later language still fails the whole build, with every language's
/// errors, and leaves no output (nor any half-written folder) behind.
#[test]
fn errors_in_several_languages_are_all_reported_and_nothing_is_written() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("{config}\n[languages.fi]\nname = \"Suomi\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/fi")).unwrap();
    std::fs::write(
        root.join("content/fi/guide.md"),
        "+++\ntitle = \"Opas\"\n+++\nKatso [tämä](#ei-ole).\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let Err(e) = site::build(root, &out, &BuildOptions::default()) else {
        panic!("built with a broken anchor in fi");
    };
    let text = e.to_string();
    assert!(text.contains("content/fi/guide.md:4"), "{text}");
    assert!(text.contains("no heading with id \"ei-ole\""), "{text}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    common::edit(
        &root.join("content/en/guide.md"),
        "Intro text.",
        "Intro text. See [that](#not-here).",
    );
    let text = diagnostics_of(root);
    assert!(text.contains("no heading with id \"not-here\""), "{text}");
    assert!(text.contains("no heading with id \"ei-ole\""), "{text}");
}

//! `helpsite init`: a starter site in any set of languages builds and passes
//! `check` with no warning at once, never overwrites a file, and a folder
//! that is no site says how to start one.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use generator::check::check;
use generator::init::init;

fn codes(list: &str) -> Vec<String> {
    list.split(',').map(str::to_string).collect()
}

/// Every page of the starter site in `list`, checked: no error, no warning.
fn starts_clean(list: &str) -> tempfile::TempDir {
    starts_with_warnings(list, &[])
}

/// Like [`starts_clean`], where `check` gives exactly the warnings that
/// start with `expected`.
fn starts_with_warnings(list: &str, expected: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("help");
    let outcome = init(&root, Some(&codes(list))).unwrap();
    assert!(outcome.kept.is_empty());
    let report = check(&root).unwrap();
    let found: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        found.len() == expected.len() && found.iter().zip(expected).all(|(f, e)| f.starts_with(e)),
        "{list}: {found:#?}"
    );
    let (_out_dir, out) = build(&root);
    for lang in codes(list) {
        for page in [
            "",
            "faq/",
            "privacy/",
            "contact/",
            "contact/thanks/",
            "contact/error/",
        ] {
            let html = read(&out, &format!("{lang}/{page}index.html"));
            assert!(
                html.contains(&format!("<html lang=\"{lang}\"")),
                "{lang}/{page}"
            );
        }
    }
    tmp
}

#[test]
fn every_language_with_starter_text_starts_clean_and_in_its_own_language() {
    let tmp = starts_clean("en,fi,ru,bn,fa");
    let root = tmp.path().join("help");
    let fa = std::fs::read_to_string(root.join("content/fa/faq.md")).unwrap();
    assert!(fa.contains("پرسش"), "{fa}");
    let ru = std::fs::read_to_string(root.join("content/ru/contact.md")).unwrap();
    assert!(
        ru.contains("kind = \"contact\"") && ru.contains("Связаться"),
        "{ru}"
    );
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(toml.contains("name = \"বাংলা\""), "{toml}");
    assert!(
        !toml.contains("fallback ="),
        "every language has UI strings: {toml}"
    );
}

#[test]
fn a_language_without_starter_text_gets_english_marked_to_translate() {
    // German has built-in UI strings but no starter text; Yoruba has neither.
    // Yoruba's UI strings are English, through the fallback: check says so.
    let tmp = starts_with_warnings("fa,de,yo,en", &["i18n/yo.toml: warning: language \"yo\": "]);
    let root = tmp.path().join("help");
    let de = std::fs::read_to_string(root.join("content/de/faq.md")).unwrap();
    assert!(
        de.starts_with("+++\n# Starter text in en: translate this page into de."),
        "{de}"
    );
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(toml.contains("default_language = \"fa\""), "{toml}");
    assert!(toml.contains("name = \"Deutsch\""), "{toml}");
    assert!(toml.contains("fallback = \"en\""), "{toml}");
}

#[test]
fn languages_without_builtin_strings_or_english_get_catalogs_to_translate() {
    let tmp = starts_clean("de-AT,tlh");
    let root = tmp.path().join("help");
    let catalog = std::fs::read_to_string(root.join("themes/default/i18n/tlh.toml")).unwrap();
    assert!(catalog.contains("translate each text"), "{catalog}");
    // de-AT is served by the built-in German catalog, the closest one.
    assert!(!root.join("themes/default/i18n/de-AT.toml").exists());
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(toml.contains("name = \"tlh\""), "{toml}");
}

#[test]
fn a_right_to_left_default_language_starts_clean() {
    starts_clean("fa");
}

#[test]
fn init_never_overwrites_and_fills_in_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    init(root, Some(&codes("en,fi"))).unwrap();
    let faq = root.join("content/fi/faq.md");
    std::fs::write(
        &faq,
        "+++\ntitle = \"Oma\"\nkind = \"faq\"\n+++\n\n## Oma kysymys?\n\nVastaus.\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("content/en/privacy.md")).unwrap();
    let again = init(root, None).unwrap();
    assert_eq!(again.written, vec![Path::new("content/en/privacy.md")]);
    assert!(again
        .kept
        .contains(&Path::new("content/fi/faq.md").to_path_buf()));
    assert!(again.kept.contains(&Path::new("site.toml").to_path_buf()));
    assert!(std::fs::read_to_string(&faq)
        .unwrap()
        .contains("Oma kysymys"));
    // Other languages than site.toml's are refused rather than half-written.
    let err = init(root, Some(&codes("en,de"))).unwrap_err().to_string();
    assert!(
        err.contains("already declares the languages en, fi"),
        "{err}"
    );
    assert!(!root.join("content/de").exists());
}

#[test]
fn bad_language_codes_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("new");
    let err = init(&root, Some(&codes("en,not a code,en")))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"not a code\" is not a language code"),
        "{err}"
    );
    assert!(err.contains("\"en\" is given twice"), "{err}");
    assert!(!root.exists());
}

#[test]
fn a_folder_without_a_site_says_how_to_start_one() {
    let tmp = tempfile::tempdir().unwrap();
    for command in ["build", "check", "serve"] {
        let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args([command, "--root"])
            .arg(tmp.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no site.toml here"), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!("helpsite init {}", tmp.path().display())),
            "{command}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // A site.toml without content/ is pointed at init too.
    std::fs::write(
        tmp.path().join("site.toml"),
        "[languages.en]\nname = \"English\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["check", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("helpsite init"), "{stderr}");
}

#[test]
fn the_cli_says_what_it_wrote_and_what_to_do_next() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["init", "site", "--languages", "en,fa"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("wrote site/site.toml"), "{stdout}");
    assert!(
        stdout.contains("wrote site/content/fa/contact/thanks.md"),
        "{stdout}"
    );
    assert!(stdout.contains("helpsite serve --root site"), "{stdout}");
    let again = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["init", "site"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("kept  site/site.toml (it exists; not overwritten)"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing written"), "{stdout}");
}

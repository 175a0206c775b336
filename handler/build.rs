//! Embeds the shipped theme's catalogs: the texts the handler answers and
//! mails with, per language, with direction and numbers from CLDR — the same
//! `themes/default/i18n/*.toml` files the generator reads, turned into the
//! JSON layout `helpsite build` writes, so the handler itself needs neither a
//! TOML parser nor CLDR data.

use std::collections::BTreeMap;
use std::path::Path;

use helpsite_form::definition::{self, FormDefinition, LanguageTexts};
use icu::decimal::input::Decimal;
use icu::decimal::DecimalFormatter;
use icu::locale::{LanguageIdentifier, Locale, LocaleDirectionality, LocaleExpander};

fn main() {
    // Read when the script runs, not baked in when it compiles: a compiled
    // script reused for another checkout must read that checkout's files.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo");
    let dir = Path::new(&manifest).join("../themes/default/i18n");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut texts = BTreeMap::new();
    for path in files {
        let lang = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("readable catalog");
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut messages = BTreeMap::new();
        for key in definition::handler_keys() {
            match table.get(&key).and_then(toml::Value::as_str) {
                Some(t) => messages.insert(key, t.to_string()),
                None => panic!("{}: no text for \"{key}\"", path.display()),
            };
        }
        let locale: Locale = lang
            .parse()
            .unwrap_or_else(|_| panic!("{}: not a language tag", path.display()));
        let rtl = LocaleDirectionality::new_common().is_right_to_left(&locale.id);
        let numbers = DecimalFormatter::try_new(locale.into(), Default::default())
            .expect("CLDR number format");
        let numbers = definition::numbers_shown()
            .into_iter()
            .map(|n| {
                (
                    n.to_string(),
                    numbers.format(&Decimal::from(n as i64)).to_string(),
                )
            })
            .collect();
        let entry = LanguageTexts {
            dir: if rtl { "rtl" } else { "ltr" }.into(),
            messages,
            numbers,
            ..Default::default()
        };
        texts.insert(lang, entry);
    }
    let def = FormDefinition {
        format: definition::FORMAT,
        languages: texts.keys().cloned().collect(),
        default_language: "en".into(),
        topics: helpsite_form::DEFAULT_TOPICS
            .iter()
            .map(|t| t.to_string())
            .collect(),
        fields: Vec::new(),
        texts,
        uploads: None,
    };
    let likely = likely_scripts(def.texts.keys());
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let out = Path::new(&out_dir).join("shipped-texts.json");
    std::fs::write(&out, serde_json::to_vec(&def).unwrap()).expect("writable OUT_DIR");
    let out = Path::new(&out_dir).join("likely-scripts.json");
    std::fs::write(&out, serde_json::to_vec(&likely).unwrap()).expect("writable OUT_DIR");
}

/// CLDR likely scripts for the catalogs' languages, so the handler can pick
/// the closest catalog without CLDR data: `zh` → Hans, and every
/// `language-REGION` whose script differs from the language's (`zh-TW` →
/// Hant, `sr-ME` → Latn).
fn likely_scripts<'a>(catalogs: impl Iterator<Item = &'a String>) -> BTreeMap<String, String> {
    let expander = LocaleExpander::new_common();
    let script_of = |tag: &str| {
        let mut id: LanguageIdentifier = tag.parse().ok()?;
        expander.maximize(&mut id);
        id.script.map(|s| s.as_str().to_string())
    };
    let mut languages: Vec<&str> = catalogs.map(|c| definition::primary_subtag(c)).collect();
    languages.dedup();
    let mut likely = BTreeMap::new();
    for language in languages {
        let Some(default) = script_of(language) else {
            continue;
        };
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let tag = format!("{language}-{}{}", a as char, b as char);
                if let Some(script) = script_of(&tag).filter(|s| *s != default) {
                    likely.insert(tag, script);
                }
            }
        }
        likely.insert(language.to_string(), default);
    }
    likely
}

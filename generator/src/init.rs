//! Writing new files into a site without touching existing ones:
//! `helpsite init` (a starter site that builds and passes `check` at once)
//! and `helpsite theme eject` (the built-in theme, copied out to edit).
//!
//! The starter text lives in `generator/starter/`, compiled into the binary:
//! `<lang>/content/**.md` and `<lang>/language.toml` per language it is
//! written in, `site.toml` (a Tera template), and the notes added to text a
//! language does not have yet.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::error::{Diagnostic, Error, Result};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Language whose starter text and UI strings stand in for languages that
/// have none.
const MODEL_LANGUAGE: &str = "en";

/// What a run wrote and what it left alone, as paths relative to the site root.
#[derive(Debug, Default)]
pub struct Outcome {
    pub written: Vec<PathBuf>,
    /// Files that already existed: never overwritten.
    pub kept: Vec<PathBuf>,
    /// Languages given starter text from another language, to translate.
    pub to_translate: Vec<String>,
}

/// One file to write: path relative to the root, and its bytes.
type Planned = (PathBuf, Vec<u8>);

/// Writes a starter site into `dir` (created if missing) in `languages`, the
/// first being the default. With a `site.toml` already there, its languages
/// are used and it is kept.
pub fn init(dir: &Path, languages: Option<&[String]>) -> Result<Outcome> {
    if dir.exists() && !dir.is_dir() {
        return Err(usage(dir, "is a file, not a folder", "give init a folder"));
    }
    let existing = dir.join(CONFIG_FILE).exists();
    let codes = if existing {
        let config = SiteConfig::load(dir)?;
        let declared = config.ordered_languages();
        if languages.is_some_and(|l| l != declared.as_slice()) {
            return Err(usage(
                &dir.join(CONFIG_FILE),
                &format!("already declares the languages {}", declared.join(", ")),
                "leave out --languages to write the pages site.toml's languages lack, or edit site.toml",
            ));
        }
        declared
    } else {
        let codes = languages
            .map(<[String]>::to_vec)
            .unwrap_or_else(|| vec![MODEL_LANGUAGE.to_string()]);
        check_codes(&codes)?;
        codes
    };
    let mut planned: Vec<Planned> = Vec::new();
    if !existing {
        planned.extend(site_files(&codes)?);
    }
    let mut outcome = Outcome::default();
    if existing {
        outcome.kept.push(PathBuf::from(CONFIG_FILE));
    }
    for code in &codes {
        let (files, translated) = content_files(code);
        if !translated {
            outcome.to_translate.push(code.clone());
        }
        planned.extend(files);
    }
    write_all(dir, planned, &mut outcome)?;
    Ok(outcome)
}

/// Copies the built-in theme into `<root>/themes/<theme>/`, the theme being
/// site.toml's (`default` without one): every file, or only those at or
/// below the paths in `only` (`templates/page.html`, `i18n`).
pub fn eject(root: &Path, only: &[String]) -> Result<Outcome> {
    let theme = if root.join(CONFIG_FILE).exists() {
        SiteConfig::load(root)?.theme
    } else {
        SiteConfig::default().theme
    };
    let files = crate::theme::builtin_files();
    let wanted = |rel: &str| only.is_empty() || only.iter().any(|o| wanted_by(rel, o));
    let unknown: Vec<&String> = only
        .iter()
        .filter(|o| !files.iter().any(|(rel, _)| wanted_by(rel, o)))
        .collect();
    if let Some(first) = unknown.first() {
        return Err(usage(
            Path::new(first.as_str()),
            "the built-in theme has no such file or folder",
            &format!(
                "name paths inside the theme, such as templates/page.html, static/style.css or i18n; it has: {}",
                files.iter().map(|(rel, _)| *rel).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let base = Path::new("themes").join(theme);
    let planned = files
        .into_iter()
        .filter(|(rel, _)| wanted(rel))
        .map(|(rel, bytes)| (base.join(rel), bytes.to_vec()))
        .collect();
    let mut outcome = Outcome::default();
    write_all(root, planned, &mut outcome)?;
    Ok(outcome)
}

/// Whether the theme path `rel` is `path` or lies below it.
fn wanted_by(rel: &str, path: &str) -> bool {
    let path = path.trim_matches('/');
    rel == path || rel.starts_with(&format!("{path}/"))
}

/// An error about the command line, located at `path`.
fn usage(path: &Path, message: &str, help: &str) -> Error {
    Error::Site(vec![Diagnostic::error(path, None, message).with_help(help)])
}

/// Language codes must be BCP 47, each given once.
fn check_codes(codes: &[String]) -> Result<()> {
    let mut diags = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        if code.parse::<icu::locale::LanguageIdentifier>().is_err() || code.contains('_') {
            diags.push(
                Diagnostic::error(
                    "--languages",
                    None,
                    format!("\"{code}\" is not a language code"),
                )
                .with_help("use BCP 47 codes separated by commas, such as en,fa,pt-BR"),
            );
        } else if codes[..i].contains(code) {
            diags.push(Diagnostic::error(
                "--languages",
                None,
                format!("\"{code}\" is given twice"),
            ));
        }
    }
    if codes.is_empty() {
        diags.push(
            Diagnostic::error("--languages", None, "no language given")
                .with_help("for example --languages en,fa"),
        );
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(diags))
    }
}

/// The starter data file at `rel`, as text.
fn starter_text(rel: &str) -> &'static str {
    STARTER
        .get_file(rel)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("starter file {rel} is compiled in"))
}

/// Whether helpsite has starter text in `code`.
fn has_starter(code: &str) -> bool {
    STARTER.get_dir(code).is_some()
}

/// `[name, title]` of a language with starter text.
fn language_info(code: &str) -> Option<BTreeMap<String, String>> {
    let text = STARTER
        .get_file(format!("{code}/language.toml"))?
        .contents_utf8()?;
    toml::from_str(text).ok()
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `site.toml`, and UI strings to translate for languages the built-in
/// theme lacks when the site has no English to fall back on.
fn site_files(codes: &[String]) -> Result<Vec<Planned>> {
    let default = &codes[0];
    let model = if has_starter(default) {
        default.as_str()
    } else {
        MODEL_LANGUAGE
    };
    let title = language_info(model)
        .and_then(|i| i.get("title").cloned())
        .unwrap_or_default();
    let builtin = crate::theme::builtin_languages();
    // A language is covered by its closest built-in catalog (de-AT by de),
    // as the build picks it.
    let uncovered: Vec<&str> = codes
        .iter()
        .map(String::as_str)
        .filter(|c| {
            helpsite_form::definition::closest(c, &builtin, &crate::i18n::catalog::likely_subtags)
                .is_none()
        })
        .collect();
    // Languages without built-in UI strings show English ones: through the
    // fallback when the site has English, else from a copy of the English
    // catalog written for each, to translate in place.
    let (fallback, mut files) = if uncovered.is_empty() {
        (None, Vec::new())
    } else if codes.iter().any(|c| c == MODEL_LANGUAGE) {
        (Some(MODEL_LANGUAGE), Vec::new())
    } else {
        (None, uncovered.iter().map(|c| catalog_copy(c)).collect())
    };
    let mut context = tera::Context::new();
    context.insert("title", &toml_string(&title));
    context.insert("default_language", &toml_string(default));
    context.insert("languages", &language_entries(codes));
    context.insert("fallback", &fallback.map(toml_string));
    context.insert("untranslated_ui", &uncovered.join(", "));
    let text = tera::Tera::one_off(starter_text("site.toml"), &context, false)
        .map_err(|e| Error::Template(crate::templates::error_chain(&e)))?;
    // What init writes must be a valid site.toml; a code that is valid
    // BCP 47 but that site.toml refuses is reported here, before writing.
    SiteConfig::parse(&text, Path::new(CONFIG_FILE))?;
    files.insert(0, (PathBuf::from(CONFIG_FILE), text.into_bytes()));
    Ok(files)
}

/// Each language's `[languages.<code>]` values, as TOML strings: its name
/// for itself and (except the default's) the site title in it.
fn language_entries(codes: &[String]) -> Vec<serde_json::Value> {
    let names: BTreeMap<String, String> =
        toml::from_str(starter_text("language-names.toml")).expect("language-names.toml parses");
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let info = language_info(code);
            let name = info
                .as_ref()
                .and_then(|i| i.get("name").cloned())
                .or_else(|| names.get(code).cloned())
                .unwrap_or_else(|| code.clone());
            let title = info
                .and_then(|i| i.get("title").cloned())
                .filter(|_| i > 0)
                .map(|t| toml_string(&t));
            serde_json::json!({ "code": code, "name": toml_string(&name), "title": title })
        })
        .collect()
}

/// The built-in English UI strings as `code`'s catalog in the site, to translate.
fn catalog_copy(code: &str) -> Planned {
    let rel = format!("i18n/{MODEL_LANGUAGE}.toml");
    let strings = crate::theme::builtin(&rel).expect("the built-in theme has English");
    let mut text = starter_text("catalog-copy.txt")
        .replace("{lang}", code)
        .replace("{from}", MODEL_LANGUAGE)
        .into_bytes();
    text.extend_from_slice(strings);
    let path = Path::new("themes/default/i18n").join(format!("{code}.toml"));
    (path, text)
}

/// The pages of one language; `false` when they are the English text,
/// marked to translate.
fn content_files(code: &str) -> (Vec<Planned>, bool) {
    let (source, translated) = if has_starter(code) {
        (code, true)
    } else {
        (MODEL_LANGUAGE, false)
    };
    let note = starter_text("untranslated.txt")
        .replace("{from}", source)
        .replace("{lang}", code);
    let dir = STARTER
        .get_dir(format!("{source}/content"))
        .expect("starter languages have content");
    let mut files = Vec::new();
    for (rel, text) in dir_files(dir) {
        let rel = rel
            .strip_prefix(&format!("{source}/content/"))
            .unwrap_or(&rel)
            .to_string();
        let text = if translated {
            text.to_string()
        } else {
            // The note goes first in the front matter, where TOML allows comments.
            text.replacen("+++\n", &format!("+++\n{note}"), 1)
        };
        files.push((Path::new("content").join(code).join(rel), text.into_bytes()));
    }
    (files, translated)
}

/// Every text file below `dir`, with its path inside the starter data.
fn dir_files(dir: &'static Dir<'static>) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in d.entries() {
            match entry {
                include_dir::DirEntry::Dir(sub) => stack.push(sub),
                include_dir::DirEntry::File(f) => {
                    if let (Some(rel), Some(text)) = (f.path().to_str(), f.contents_utf8()) {
                        out.push((rel.to_string(), text));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Writes each planned file that does not exist yet; existing ones are kept.
fn write_all(root: &Path, planned: Vec<Planned>, outcome: &mut Outcome) -> Result<()> {
    for (rel, bytes) in planned {
        let path = root.join(&rel);
        if write_new(&path, &bytes)? {
            outcome.written.push(rel);
        } else {
            outcome.kept.push(rel);
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` unless something is there already (`false`).
/// The file is written beside its place, synced, then linked in without
/// replacing: a file made meanwhile by someone else is kept too.
fn write_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".helpsite-new-")
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(path, e.error)),
    }
}

//! The theme's UI strings: `themes/<theme>/i18n/<lang>.toml`, one flat table
//! of `key = "text"` per language.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::SiteConfig;
use crate::error::{line_of, Diagnostic};

pub type Catalog = BTreeMap<String, String>;

/// Every language's catalog, complete: each has every key (filled from the
/// configured fallback language where it allows that).
#[derive(Debug, Default)]
pub struct Catalogs {
    by_lang: BTreeMap<String, Catalog>,
}

impl Catalogs {
    /// Loads and checks the catalogs of every site language. `shown` turns a
    /// path into the one printed in messages.
    pub fn load(
        config: &SiteConfig,
        theme_dir: &Path,
        shown: &dyn Fn(&Path) -> std::path::PathBuf,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut raw: BTreeMap<String, (Catalog, String)> = BTreeMap::new();
        for code in config.language_codes() {
            let path = theme_dir.join("i18n").join(format!("{code}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => match toml::from_str::<BTreeMap<String, String>>(&text) {
                    Ok(table) => {
                        raw.insert(code, (table, text));
                    }
                    Err(e) => diags.push(Diagnostic::error(
                        shown(&path),
                        e.span().map(|s| line_of(&text, s.start)),
                        format!(
                            "UI-string catalog is not a flat table of strings: {}",
                            e.message()
                        ),
                    )),
                },
                Err(_) if config.i18n.fallback.is_some() => {
                    raw.insert(code, (Catalog::new(), String::new()));
                }
                Err(_) => diags.push(
                    Diagnostic::error(
                        shown(&path),
                        None,
                        format!("UI-string catalog for language \"{code}\" is missing"),
                    )
                    .with_help(format!(
                        "copy i18n/{}.toml and translate it, or set [i18n] fallback in site.toml",
                        config.default_language
                    )),
                ),
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }

        let all_keys: BTreeSet<&String> = raw.values().flat_map(|(c, _)| c.keys()).collect();
        let fallback = config
            .i18n
            .fallback
            .as_ref()
            .and_then(|f| raw.get(f))
            .map(|(c, _)| c.clone());
        let mut by_lang = BTreeMap::new();
        for (code, (catalog, _)) in &raw {
            let mut complete = catalog.clone();
            for key in &all_keys {
                if complete.contains_key(*key) {
                    continue;
                }
                match fallback.as_ref().and_then(|f| f.get(*key)) {
                    Some(text) => {
                        complete.insert((*key).clone(), text.clone());
                    }
                    None => {
                        let path = theme_dir.join("i18n").join(format!("{code}.toml"));
                        diags.push(
                            Diagnostic::error(shown(&path), None, format!("UI string \"{key}\" is missing in language \"{code}\""))
                                .with_help(format!("add {key} = \"…\" translated into {code}, or set [i18n] fallback in site.toml")),
                        );
                    }
                }
            }
            by_lang.insert(code.clone(), complete);
        }
        if diags.is_empty() {
            Ok(Catalogs { by_lang })
        } else {
            Err(diags)
        }
    }

    pub fn get(&self, lang: &str) -> &Catalog {
        static EMPTY: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        self.by_lang
            .get(lang)
            .unwrap_or_else(|| EMPTY.get_or_init(Catalog::new))
    }

    /// One string, or the key itself so a gap shows instead of vanishing.
    pub fn text<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        self.get(lang).get(key).map(String::as_str).unwrap_or(key)
    }
}

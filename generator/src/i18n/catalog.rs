//! The theme's UI strings: `i18n/<lang>.toml`, one flat table of
//! `key = "text"` per language. A site's catalog of a language replaces the
//! built-in catalog of that language key by key, so it may hold only the
//! strings it changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::SiteConfig;
use crate::error::{line_of, Diagnostic};
use crate::theme::{self, Theme};

pub type Catalog = BTreeMap<String, String>;

/// Every language's catalog, complete: each has every key (filled from the
/// configured fallback language where it allows that).
#[derive(Debug, Default)]
pub struct Catalogs {
    by_lang: BTreeMap<String, Catalog>,
}

/// One catalog file parsed, or the diagnostic saying why it could not be.
fn parse(text: &[u8], shown: &Path) -> Result<Catalog, Diagnostic> {
    let text = String::from_utf8_lossy(text);
    toml::from_str::<Catalog>(&text).map_err(|e| {
        Diagnostic::error(
            shown,
            e.span().map(|s| line_of(&text, s.start)),
            format!(
                "UI-string catalog is not a flat table of strings: {}",
                e.message()
            ),
        )
    })
}

impl Catalogs {
    /// Loads and checks the catalogs of every site language.
    pub fn load(config: &SiteConfig, theme: &Theme) -> Result<Self, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut raw: BTreeMap<String, Catalog> = BTreeMap::new();
        for code in config.language_codes() {
            let rel = format!("i18n/{code}.toml");
            let shown = theme.site_path(&rel);
            let builtin =
                theme::builtin(&rel).map(|b| parse(b, &Path::new(theme::BUILTIN_SHOWN).join(&rel)));
            let own = theme.site_file(&rel).map(|b| parse(b, &shown));
            let catalog = match (builtin, own) {
                (None, None) if config.i18n.fallback.is_some() => Catalog::new(),
                (None, None) => {
                    let model =
                        match theme::builtin(&format!("i18n/{}.toml", config.default_language)) {
                            Some(_) => config.default_language.as_str(),
                            None => "en",
                        };
                    diags.push(
                        Diagnostic::error(
                            &shown,
                            None,
                            format!(
                                "no UI strings for language \"{code}\": the built-in theme has them for {}",
                                theme::builtin_languages().join(", ")
                            ),
                        )
                        .with_help(format!(
                            "translate the built-in strings into {}: `helpsite theme eject i18n/{model}.toml` copies them out, to rename {code}.toml; or set [i18n] fallback = \"{model}\" in site.toml",
                            shown.display(),
                        )),
                    );
                    continue;
                }
                (builtin, own) => {
                    let mut catalog = Catalog::new();
                    for part in [builtin, own].into_iter().flatten() {
                        match part {
                            Ok(table) => catalog.extend(table),
                            Err(d) => diags.push(d),
                        }
                    }
                    catalog
                }
            };
            raw.insert(code, catalog);
        }
        if !diags.is_empty() {
            return Err(diags);
        }

        let all_keys: BTreeSet<&String> = raw.values().flat_map(|c| c.keys()).collect();
        let fallback = config
            .i18n
            .fallback
            .as_ref()
            .and_then(|f| raw.get(f))
            .cloned();
        let mut by_lang = BTreeMap::new();
        for (code, catalog) in &raw {
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
                        let path = theme.site_path(&format!("i18n/{code}.toml"));
                        diags.push(
                            Diagnostic::error(&path, None, format!("UI string \"{key}\" is missing in language \"{code}\""))
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

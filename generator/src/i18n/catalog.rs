//! The UI strings: `i18n/<lang>.toml` catalogs, one table of `key = "text"`
//! per language, where a text that shows a count may be a table of CLDR
//! plural forms (`{ one = "…", other = "…" }`).
//!
//! Three layers, each overriding the one before key by key: the catalogs
//! built into the binary with the default theme, the site theme's own
//! `i18n/` (`themes/<theme>/i18n/`), and the site's `i18n/` folder. In each
//! layer a language uses its closest catalog (`de-AT` → `de`, `zh-TW` →
//! `zh-Hant`); keys still missing come from the site's `[i18n] fallback`
//! language, or are an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use helpsite_form::definition::{self, Subtags};
use icu::locale::{LanguageIdentifier, LocaleExpander};

use super::plural;
use crate::config::SiteConfig;
use crate::error::{line_of, Diagnostic};
use crate::theme::{self, Theme};

pub use super::message::Message;

pub type Catalog = BTreeMap<String, Message>;

/// Every language's catalog, complete: each has every key (filled from the
/// configured fallback language where it allows that).
#[derive(Debug, Default)]
pub struct Catalogs {
    by_lang: BTreeMap<String, Catalog>,
    /// Per language, the catalog it was built from in each layer (`de` for `de-AT`).
    pub sources: BTreeMap<String, Vec<String>>,
    /// Per language, the keys whose text comes from the fallback language.
    pub from_fallback: BTreeMap<String, BTreeSet<String>>,
    /// Problems that do not stop a build (missing plural forms).
    pub warnings: Vec<Diagnostic>,
}

/// One catalog file of a layer: how messages name it, and where its text is.
#[derive(Debug, Clone)]
struct Source<'a> {
    shown: PathBuf,
    text: Text<'a>,
}

#[derive(Debug, Clone)]
enum Text<'a> {
    /// In memory: built into the binary, or a site theme file read at load.
    Bytes(&'a [u8]),
    /// On disk, read only when a site language uses it.
    File(PathBuf),
}

/// One layer of catalogs: name (`pt-BR`) → its file.
type Layer<'a> = BTreeMap<String, Source<'a>>;

/// The catalogs built into the binary: name (`pt-BR`) → TOML text.
pub fn shipped() -> Vec<(&'static str, &'static [u8])> {
    theme::builtin_languages()
        .into_iter()
        .filter_map(|lang| Some((lang, theme::builtin(&format!("i18n/{lang}.toml"))?)))
        .collect()
}

/// The three layers, lowest first: built-in, the site theme's, the site's.
fn layers<'a>(root: &Path, theme: &'a Theme) -> Vec<Layer<'a>> {
    let builtin = shipped()
        .into_iter()
        .map(|(name, bytes)| {
            let shown = Path::new(theme::BUILTIN_SHOWN).join(format!("i18n/{name}.toml"));
            (
                name.to_string(),
                Source {
                    shown,
                    text: Text::Bytes(bytes),
                },
            )
        })
        .collect();
    let site_theme = theme
        .files_under("i18n")
        .into_iter()
        .filter(|f| f.from_site)
        .filter_map(|f| {
            let name = f.rel.strip_prefix("i18n/")?.strip_suffix(".toml")?;
            (!name.contains('/')).then(|| {
                let source = Source {
                    shown: theme.shown(&f),
                    text: Text::Bytes(f.bytes),
                };
                (name.to_string(), source)
            })
        })
        .collect();
    vec![builtin, site_theme, site_layer(root)]
}

/// Every `*.toml` of the site's `i18n/` folder, by name.
fn site_layer(root: &Path) -> Layer<'static> {
    let Ok(entries) = std::fs::read_dir(root.join("i18n")) else {
        return Layer::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let shown = Path::new("i18n").join(p.file_name()?);
            Some((
                name,
                Source {
                    shown,
                    text: Text::File(p),
                },
            ))
        })
        .collect()
}

/// Every language's catalog as its files give it, before the fallback fills it.
#[derive(Default)]
struct Gathered {
    raw: BTreeMap<String, Catalog>,
    /// (lang, key) → the file the text came from, for messages.
    origin: BTreeMap<(String, String), PathBuf>,
    /// Per language, the site's own file messages about it name.
    site_file: BTreeMap<String, PathBuf>,
}

/// Reads each language's layers in order, later ones overriding earlier ones.
fn gather(
    config: &SiteConfig,
    root: &Path,
    theme: &Theme,
    out: &mut Catalogs,
    diags: &mut Vec<Diagnostic>,
) -> Gathered {
    let layers = layers(root, theme);
    let mut parsed: BTreeMap<PathBuf, Option<Catalog>> = BTreeMap::new();
    let mut g = Gathered::default();
    for code in config.language_codes() {
        let mut catalog = Catalog::new();
        let mut used = Vec::new();
        g.site_file
            .insert(code.clone(), Path::new("i18n").join(format!("{code}.toml")));
        for (i, layer) in layers.iter().enumerate() {
            let names: Vec<&str> = layer.keys().map(String::as_str).collect();
            let Some(name) = definition::closest(&code, &names, &likely_subtags) else {
                continue;
            };
            let source = &layer[name];
            let entries = parsed
                .entry(source.shown.clone())
                .or_insert_with(|| read_catalog(source, diags));
            for (k, v) in entries.iter().flatten() {
                catalog.insert(k.clone(), v.clone());
                g.origin
                    .insert((code.clone(), k.clone()), source.shown.clone());
            }
            if i > 0 {
                g.site_file.insert(code.clone(), source.shown.clone());
            }
            used.push(source.shown.display().to_string());
        }
        if used.is_empty() && config.i18n.fallback.is_none() {
            diags.push(no_catalog(config, &code, &g.site_file[&code]));
        }
        out.sources.insert(code.clone(), used);
        g.raw.insert(code, catalog);
    }
    g
}

/// What fills the keys a language's catalog lacks.
struct Fallback<'c> {
    /// Every key any language has.
    keys: BTreeSet<String>,
    lang: Option<&'c str>,
    catalog: Option<Catalog>,
    rtl: bool,
}

impl Fallback<'_> {
    /// Fills `catalog`'s missing keys from the fallback language, or reports
    /// them; returns the keys it filled.
    fn fill(
        &self,
        config: &SiteConfig,
        code: &str,
        catalog: &mut Catalog,
        g: &mut Gathered,
        diags: &mut Vec<Diagnostic>,
    ) -> BTreeSet<String> {
        let mut filled = BTreeSet::new();
        // Fallback text in the other direction is isolated (FSI … PDI), so
        // its punctuation stays where it belongs, in attributes too.
        let isolate = is_rtl(config, code) != self.rtl;
        for key in &self.keys {
            if catalog.contains_key(key) {
                continue;
            }
            match self.catalog.as_ref().and_then(|f| f.get(key)) {
                Some(text) => {
                    let text = if isolate {
                        isolated(text)
                    } else {
                        text.clone()
                    };
                    catalog.insert(key.clone(), text);
                    filled.insert(key.clone());
                    if let Some(f) = self.lang {
                        g.origin
                            .insert((code.to_string(), key.clone()), PathBuf::from(f));
                    }
                }
                None => diags.push(missing_key(key, code, &g.site_file[code])),
            }
        }
        filled
    }
}

fn missing_key(key: &str, code: &str, file: &Path) -> Diagnostic {
    Diagnostic::error(
        file,
        None,
        format!("UI string \"{key}\" is missing in language \"{code}\""),
    )
    .with_help(format!(
        "add {key} = \"…\" translated into {code} to {}, or set [i18n] fallback in site.toml",
        file.display()
    ))
}

impl Catalogs {
    /// Loads and checks the catalogs of every site language: the built-in
    /// ones, then the site theme's, then those of `<root>/i18n/`.
    pub fn load(config: &SiteConfig, root: &Path, theme: &Theme) -> Result<Self, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut out = Catalogs::default();
        let mut gathered = gather(config, root, theme, &mut out, &mut diags);
        if !diags.is_empty() {
            return Err(diags);
        }
        let raw = std::mem::take(&mut gathered.raw);
        let fallback_lang = config.i18n.fallback.as_deref();
        let fallback = Fallback {
            keys: raw.values().flat_map(|c| c.keys().cloned()).collect(),
            lang: fallback_lang,
            catalog: fallback_lang.and_then(|f| raw.get(f)).cloned(),
            rtl: fallback_lang.is_some_and(|f| is_rtl(config, f)),
        };
        for (code, mut catalog) in raw {
            let filled = fallback.fill(config, &code, &mut catalog, &mut gathered, &mut diags);
            let locale = config.languages[&code]
                .locale
                .clone()
                .unwrap_or_else(|| code.clone());
            let text_lang = |key: &str| {
                if filled.contains(key) {
                    fallback_lang.map_or_else(|| code.clone(), str::to_string)
                } else {
                    locale.clone()
                }
            };
            for (key, message) in &catalog {
                let file = gathered
                    .origin
                    .get(&(code.clone(), key.clone()))
                    .cloned()
                    .unwrap_or_default();
                match plural::check_forms(&text_lang(key), key, message) {
                    Ok(None) => {}
                    Ok(Some(warning)) => out.warnings.push(Diagnostic::warning(
                        &file,
                        None,
                        format!("language \"{code}\": {warning}"),
                    )),
                    Err(error) => diags.push(Diagnostic::error(
                        &file,
                        None,
                        format!("language \"{code}\": {error}"),
                    )),
                }
            }
            out.from_fallback.insert(code.clone(), filled);
            out.by_lang.insert(code, catalog);
        }
        if diags.is_empty() {
            Ok(out)
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

    /// One string (a plural table's `other` form), or the key itself so a
    /// gap shows instead of vanishing.
    pub fn text<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        self.get(lang).get(key).map(Message::text).unwrap_or(key)
    }

    /// Whether `key` of `lang` is shown from the fallback language.
    pub fn is_fallback(&self, lang: &str, key: &str) -> bool {
        self.from_fallback
            .get(lang)
            .is_some_and(|keys| keys.contains(key))
    }
}

fn is_rtl(config: &SiteConfig, code: &str) -> bool {
    let lc = config.languages.get(code);
    let dir = lc.and_then(|l| l.dir).unwrap_or_else(|| {
        let tag = lc
            .and_then(|l| l.locale.clone())
            .unwrap_or_else(|| code.to_string());
        tag.parse()
            .map(|l| super::locale::direction_of(&l))
            .unwrap_or(crate::config::Direction::Ltr)
    });
    dir == crate::config::Direction::Rtl
}

/// A message wrapped in Unicode directional isolates.
fn isolated(message: &Message) -> Message {
    let wrap = |t: &String| format!("\u{2068}{t}\u{2069}");
    match message {
        Message::Text(t) => Message::Text(wrap(t)),
        Message::Plural(forms) => {
            Message::Plural(forms.iter().map(|(k, v)| (k.clone(), wrap(v))).collect())
        }
    }
}

/// The error for a language no layer has a catalog for.
fn no_catalog(config: &SiteConfig, code: &str, file: &Path) -> Diagnostic {
    let builtin = theme::builtin_languages();
    let model =
        definition::closest(&config.default_language, &builtin, &likely_subtags).unwrap_or("en");
    Diagnostic::error(
        file,
        None,
        format!(
            "no UI strings for language \"{code}\": the built-in theme has them for {}",
            builtin.join(", ")
        ),
    )
    .with_help(format!(
        "translate the built-in strings into {}: `helpsite theme eject i18n/{model}.toml` copies them out, to rename {code}.toml and move to i18n/; or set [i18n] fallback = \"{}\" in site.toml",
        file.display(),
        config.default_language,
    ))
}

/// One catalog file, parsed; a problem goes to `diags`.
fn read_catalog(source: &Source<'_>, diags: &mut Vec<Diagnostic>) -> Option<Catalog> {
    let text = match &source.text {
        Text::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Text::File(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    &source.shown,
                    None,
                    format!("cannot read: {e}"),
                ));
                return None;
            }
        },
    };
    match toml::from_str::<Catalog>(&text) {
        Ok(catalog) => Some(catalog),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    &source.shown,
                    e.span().map(|s| line_of(&text, s.start)),
                    format!("UI-string catalog: {}", e.message()),
                )
                .with_help(
                    "each key is a text (key = \"…\") or a table of plural forms (key = { one = \"…\", other = \"…\" })",
                ),
            );
            None
        }
    }
}

/// CLDR likely subtags: `zh-TW` → `zh-Hant-TW`, `pt` → `pt-Latn-BR`.
pub fn likely_subtags(tag: &str) -> Subtags {
    let Ok(mut id) = tag.parse::<LanguageIdentifier>() else {
        return Subtags::written(tag);
    };
    LocaleExpander::new_common().maximize(&mut id);
    Subtags {
        language: id.language.as_str().to_string(),
        script: id.script.map(|s| s.as_str().to_string()),
        region: id.region.map(|r| r.as_str().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_shipped_catalog_by_cldr_likely_subtags() {
        let have = ["de", "en", "pt-BR", "pt-PT", "zh-Hans", "zh-Hant", "sr"];
        let pick = |w| definition::closest(w, &have, &likely_subtags);
        assert_eq!(pick("de-AT"), Some("de"));
        assert_eq!(pick("pt"), Some("pt-PT"));
        assert_eq!(pick("pt-BR"), Some("pt-BR"));
        assert_eq!(pick("zh-CN"), Some("zh-Hans"));
        assert_eq!(pick("zh"), Some("zh-Hans"));
        assert_eq!(pick("zh-TW"), Some("zh-Hant"));
        assert_eq!(pick("zh-HK"), Some("zh-Hant"));
        assert_eq!(pick("sr-Cyrl-RS"), Some("sr"));
        // Serbian in Latin letters is not served Cyrillic text.
        assert_eq!(pick("sr-Latn"), None);
        assert_eq!(pick("yo"), None);
        let with_latin = ["sr", "sr-Latn"];
        let pick = |w| definition::closest(w, &with_latin, &likely_subtags);
        assert_eq!(pick("sr-Latn-RS"), Some("sr-Latn"));
        assert_eq!(pick("sr-ME"), Some("sr-Latn"));
        assert_eq!(pick("sr-RS"), Some("sr"));
    }
}

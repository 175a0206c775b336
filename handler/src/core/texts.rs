//! What the handler says, per language: error messages and the
//! acknowledgement email, with direction and numbers. The site's own form
//! definition (written by `helpsite build`) comes first; the shipped theme's
//! catalogs, embedded at compile time, fill in for languages it lacks.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use helpsite_form::definition::{self, FormDefinition, LanguageTexts, Subtags};

static SHIPPED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/shipped-texts.json"));
static LIKELY_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/likely-scripts.json"));

/// The texts of one site (or of the shipped catalogs alone).
#[derive(Debug, Clone)]
pub struct Texts {
    site: Option<Arc<FormDefinition>>,
}

/// The texts for one answer: what to say, in which language and direction.
#[derive(Debug, Clone)]
pub struct Chosen<'a> {
    /// The language the texts are written in (`lang` attribute).
    pub lang: &'a str,
    pub dir: &'a str,
    entry: &'a LanguageTexts,
}

impl<'a> Chosen<'a> {
    pub fn message<'k>(&self, key: &'k str) -> &'k str
    where
        'a: 'k,
    {
        self.entry
            .messages
            .get(key)
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// `n` in the language's digits and grouping, when the definition has it.
    pub fn number(&self, n: usize) -> String {
        let plain = n.to_string();
        self.entry.numbers.get(&plain).cloned().unwrap_or(plain)
    }
}

fn shipped() -> &'static FormDefinition {
    static SHIPPED: OnceLock<FormDefinition> = OnceLock::new();
    SHIPPED.get_or_init(|| serde_json::from_str(SHIPPED_JSON).expect("embedded catalogs"))
}

/// A tag's subtags with the script CLDR finds likely (from build.rs):
/// `zh-TW` → `zh-Hant-TW`, `sr-ME` → `sr-Latn-ME`.
fn likely(tag: &str) -> Subtags {
    static LIKELY: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    let table = LIKELY.get_or_init(|| serde_json::from_str(LIKELY_JSON).expect("embedded scripts"));
    let mut s = Subtags::written(tag);
    if s.script.is_none() {
        let with_region = s.region.as_ref().map(|r| format!("{}-{r}", s.language));
        s.script = with_region
            .and_then(|t| table.get(&t))
            .or_else(|| table.get(&s.language))
            .cloned();
    }
    s
}

impl Texts {
    /// The shipped catalogs only.
    pub fn shipped() -> Texts {
        Texts { site: None }
    }

    /// A site's definition, checked: every language has every key.
    pub fn from_definition(def: FormDefinition) -> Result<Texts, String> {
        if def.format != definition::FORMAT {
            return Err(format!(
                "form definition format {} (this handler reads {})",
                def.format,
                definition::FORMAT
            ));
        }
        for (lang, entry) in &def.texts {
            if let Some(key) = definition::handler_keys()
                .into_iter()
                .find(|k| !entry.messages.contains_key(k))
            {
                return Err(format!("language \"{lang}\" has no text for \"{key}\""));
            }
        }
        Ok(Texts {
            site: Some(Arc::new(def)),
        })
    }

    /// Reads the JSON file `helpsite build` writes (`form.json`).
    pub fn load(path: &Path) -> Result<Texts, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let def: FormDefinition =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Texts::from_definition(def).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The languages of the shipped catalogs.
    pub fn shipped_languages() -> Vec<String> {
        shipped().texts.keys().cloned().collect()
    }

    /// The site's definition, when there is one.
    pub fn definition(&self) -> Option<&FormDefinition> {
        self.site.as_deref()
    }

    /// The texts for `lang`: the site's, else the closest shipped catalog,
    /// else English.
    pub fn for_lang<'a>(&'a self, lang: &'a str) -> Chosen<'a> {
        if let Some(entry) = self.site.as_ref().and_then(|d| d.texts.get(lang)) {
            return Chosen {
                lang: entry.text_lang.as_deref().unwrap_or(lang),
                dir: entry.text_dir.as_deref().unwrap_or(&entry.dir),
                entry,
            };
        }
        let all = shipped();
        let codes: Vec<&str> = all.texts.keys().map(String::as_str).collect();
        let code = definition::closest(lang, &codes, &likely).unwrap_or("en");
        let (code, entry) = all.texts.get_key_value(code).expect("shipped English");
        Chosen {
            lang: code,
            dir: &entry.dir,
            entry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_catalog_has_every_key_and_a_direction() {
        let all = shipped();
        assert!(all.texts.len() >= 45, "{}", all.texts.len());
        for (lang, entry) in &all.texts {
            for key in definition::handler_keys() {
                assert!(entry.messages.contains_key(&key), "{lang}: {key}");
            }
            assert!(entry.dir == "ltr" || entry.dir == "rtl", "{lang}");
        }
    }

    #[test]
    fn direction_and_digits_come_from_cldr() {
        let texts = Texts::shipped();
        for (lang, dir) in [
            ("ar", "rtl"),
            ("he", "rtl"),
            ("ur", "rtl"),
            ("fa", "rtl"),
            ("de", "ltr"),
        ] {
            assert_eq!(texts.for_lang(lang).dir, dir, "{lang}");
        }
        assert_eq!(texts.for_lang("fa").number(5000), "۵٬۰۰۰");
        assert_eq!(texts.for_lang("bn").number(200), "২০০");
        assert_eq!(texts.for_lang("en").number(5000), "5,000");
    }

    #[test]
    fn closest_shipped_catalog_then_english() {
        let texts = Texts::shipped();
        assert_eq!(texts.for_lang("de-AT").lang, "de");
        assert_eq!(texts.for_lang("pt").lang, "pt-PT");
        assert_eq!(texts.for_lang("xx").lang, "en");
        // Scripts from CLDR likely subtags, embedded at build time.
        assert_eq!(texts.for_lang("zh-TW").lang, "zh-Hant");
        assert_eq!(texts.for_lang("zh-HK").lang, "zh-Hant");
        assert_eq!(texts.for_lang("zh-CN").lang, "zh-Hans");
        assert_eq!(texts.for_lang("zh").lang, "zh-Hans");
        assert_eq!(texts.for_lang("sr-ME").lang, "sr-Latn");
        assert_eq!(texts.for_lang("sr").lang, "sr");
        assert_eq!(texts.for_lang("pt-AO").lang, "pt-PT");
    }

    #[test]
    fn a_site_definition_overrides_and_is_checked() {
        let mut def = shipped().clone();
        def.texts
            .get_mut("de")
            .unwrap()
            .messages
            .insert("error_required".into(), "Bitte ausfüllen!".into());
        let texts = Texts::from_definition(def.clone()).unwrap();
        assert_eq!(
            texts.for_lang("de").message("error_required"),
            "Bitte ausfüllen!"
        );
        def.texts.get_mut("de").unwrap().messages.remove("ack_body");
        assert!(Texts::from_definition(def)
            .unwrap_err()
            .contains("ack_body"));
    }
}

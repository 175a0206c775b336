//! The handler's share of the catalogs: `form.json`, which `helpsite build
//! --form-definition FILE` writes and the deployed handler reads
//! (`CONTACT_FORM_DEFINITION`), so a site's own texts reach it without a
//! change to the handler.

use std::collections::BTreeMap;

use helpsite_form::definition::{self, FormDefinition, LanguageTexts};

use super::{Catalogs, LocaleFormat};
use crate::config::SiteConfig;

pub fn definition(
    config: &SiteConfig,
    catalogs: &Catalogs,
    formats: &BTreeMap<String, LocaleFormat>,
) -> FormDefinition {
    let keys = definition::handler_keys();
    // The support email names the extra fields by their labels.
    let labels: Vec<String> = config.form.fields.iter().map(|f| f.label_key()).collect();
    let texts = config
        .language_codes()
        .into_iter()
        .filter_map(|code| {
            let format = formats.get(&code)?;
            let messages = keys
                .iter()
                .chain(&labels)
                .map(|k| (k.clone(), catalogs.text(&code, k).to_string()))
                .collect();
            let numbers = definition::numbers_shown_with(&config.form.fields)
                .into_iter()
                .map(|n| (n.to_string(), format.number(n as i64)))
                .collect();
            // Texts from the fallback language are marked as written in it.
            let fallback = config
                .i18n
                .fallback
                .as_ref()
                .filter(|_| keys.iter().any(|k| catalogs.is_fallback(&code, k)));
            let entry = LanguageTexts {
                dir: format.dir.as_str().into(),
                text_lang: fallback.cloned(),
                text_dir: fallback
                    .and_then(|f| formats.get(f))
                    .map(|f| f.dir.as_str().to_string()),
                messages,
                numbers,
            };
            Some((code, entry))
        })
        .collect();
    FormDefinition {
        format: definition::FORMAT,
        languages: config.ordered_languages(),
        default_language: config.default_language.clone(),
        topics: config.form.topics.clone(),
        fields: config.form.fields.clone(),
        texts,
        uploads: Some(config.form.uploads.clone()),
    }
}

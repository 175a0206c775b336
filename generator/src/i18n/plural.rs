//! Plural forms from CLDR (ICU4X): which forms a language needs, and the
//! `plural` template filter that picks one for a count.

use std::collections::{BTreeMap, HashMap};

use icu::locale::Locale;
use icu::plurals::{PluralCategory, PluralRules};
use serde_json::Value;

use super::message::Message;
use super::LocaleFormat;

/// CLDR's name of a category.
pub fn name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The order people read the categories in.
const ORDER: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Cardinal rules of a language (English's when the tag is not one).
pub fn rules(tag: &str) -> PluralRules {
    let locale: Locale = tag.parse().unwrap_or_else(|_| "en".parse().expect("en"));
    PluralRules::try_new_cardinal(locale.into()).expect("compiled CLDR plural data")
}

/// The categories `tag` uses for cardinal numbers, in reading order.
pub fn categories(tag: &str) -> Vec<&'static str> {
    let r = rules(tag);
    let have: Vec<&str> = r.categories().map(name).collect();
    ORDER.into_iter().filter(|c| have.contains(c)).collect()
}

/// Checks one catalog entry against the language's categories: an error when
/// a table has no `other` or an unknown category, a warning naming the forms
/// it lacks. A plain text serves every count.
pub fn check_forms(tag: &str, key: &str, message: &Message) -> Result<Option<String>, String> {
    let Message::Plural(forms) = message else {
        return Ok(None);
    };
    let needed = categories(tag);
    if let Some(bad) = forms.keys().find(|k| !ORDER.contains(&k.as_str())) {
        return Err(format!(
            "UI string \"{key}\": \"{bad}\" is not a plural category (use {})",
            needed.join(", ")
        ));
    }
    if !forms.contains_key("other") {
        return Err(format!(
            "UI string \"{key}\" has no \"other\" form (\"{tag}\" uses {})",
            needed.join(", ")
        ));
    }
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|c| !forms.contains_key(*c))
        .collect();
    Ok((!missing.is_empty()).then(|| {
        format!(
            "UI string \"{key}\" lacks the plural form{} {} (\"{tag}\" uses {}); \"other\" is shown instead",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            needed.join(", ")
        )
    }))
}

/// The text of `forms` for `n`: its category's form, else `other`.
pub fn select<'a>(rules: &PluralRules, forms: &'a BTreeMap<String, String>, n: u64) -> &'a str {
    forms
        .get(name(rules.category_for(n)))
        .or_else(|| forms.get("other"))
        .map(String::as_str)
        .unwrap_or("")
}

/// `{{ ui.search_results | plural(n=count, lang=lang.code) }}`: the form for
/// `n` in the language, `{count}` replaced by `n` in its digits.
pub struct PluralFilter {
    by_lang: HashMap<String, (PluralRules, LocaleFormat)>,
}

impl PluralFilter {
    pub fn new(config: &crate::config::SiteConfig) -> PluralFilter {
        let by_lang = config
            .languages
            .iter()
            .filter_map(|(code, lc)| {
                let tag = lc.locale.clone().unwrap_or_else(|| code.clone());
                let format = LocaleFormat::new(code, lc).ok()?;
                Some((code.clone(), (rules(&tag), format)))
            })
            .collect();
        PluralFilter { by_lang }
    }
}

impl tera::Filter for PluralFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let n = args
            .get("n")
            .and_then(Value::as_u64)
            .ok_or("the plural filter needs n=<a count>")?;
        let lang = args
            .get("lang")
            .and_then(Value::as_str)
            .ok_or("the plural filter needs lang=lang.code")?;
        let (rules, format) = self
            .by_lang
            .get(lang)
            .ok_or_else(|| format!("plural: \"{lang}\" is not a site language"))?;
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Object(_) => {
                let forms: BTreeMap<String, String> =
                    serde_json::from_value(value.clone()).map_err(|e| format!("plural: {e}"))?;
                select(rules, &forms, n).to_string()
            }
            _ => return Err("plural: the value must be a UI string".into()),
        };
        Ok(Value::String(
            text.replace("{count}", &format.number(n as i64)),
        ))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn pick(tag: &str, f: &BTreeMap<String, String>, n: u64) -> String {
        select(&rules(tag), f, n).to_string()
    }

    #[test]
    fn russian_polish_arabic_welsh_forms() {
        let ru = forms(&[("one", "1"), ("few", "F"), ("many", "M"), ("other", "O")]);
        let got: Vec<String> = [1, 2, 5, 11, 21, 22, 25, 101, 111]
            .iter()
            .map(|n| pick("ru", &ru, *n))
            .collect();
        assert_eq!(got, ["1", "F", "M", "M", "1", "F", "M", "1", "M"]);
        let pl = forms(&[("one", "1"), ("few", "F"), ("many", "M"), ("other", "O")]);
        let got: Vec<String> = [1, 2, 5, 12, 21, 22, 102]
            .iter()
            .map(|n| pick("pl", &pl, *n))
            .collect();
        assert_eq!(got, ["1", "F", "M", "M", "M", "F", "F"]);
        let six = forms(&[
            ("zero", "Z"),
            ("one", "1"),
            ("two", "2"),
            ("few", "F"),
            ("many", "M"),
            ("other", "O"),
        ]);
        let got: Vec<String> = [0, 1, 2, 3, 10, 11, 99, 100, 102]
            .iter()
            .map(|n| pick("ar", &six, *n))
            .collect();
        assert_eq!(got, ["Z", "1", "2", "F", "F", "M", "M", "O", "O"]);
        let got: Vec<String> = [0, 1, 2, 3, 4, 6, 7, 100]
            .iter()
            .map(|n| pick("cy", &six, *n))
            .collect();
        assert_eq!(got, ["Z", "1", "2", "F", "O", "M", "O", "O"]);
        assert_eq!(
            categories("ar"),
            ["zero", "one", "two", "few", "many", "other"]
        );
        assert_eq!(categories("ja"), ["other"]);
    }

    #[test]
    fn check_reports_missing_and_unknown_forms() {
        let ru = Message::Plural(forms(&[("one", "1"), ("other", "O")]));
        let w = check_forms("ru", "k", &ru).unwrap().unwrap();
        assert!(w.contains("few, many"), "{w}");
        let no_other = Message::Plural(forms(&[("one", "1")]));
        assert!(check_forms("en", "k", &no_other).is_err());
        let bad = Message::Plural(forms(&[("plural", "1"), ("other", "O")]));
        assert!(check_forms("en", "k", &bad).unwrap_err().contains("plural"));
        assert_eq!(check_forms("ru", "k", &Message::Text("x".into())), Ok(None));
    }
}

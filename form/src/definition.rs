//! The form definition `helpsite build` writes for the handler: the site's
//! languages and topics, and per language the texts the handler answers and
//! mails with, its direction and its numbers — all taken from the theme's
//! catalogs and CLDR, so the handler needs neither.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::extra::ExtraField;
use crate::{ErrorCode, FIELDS};

/// Version of the JSON layout; a handler refuses a definition it cannot read.
pub const FORMAT: u32 = 1;

/// The file name `helpsite build` writes next to the public folder.
pub const FILE_NAME: &str = "form.json";

/// Keys of the acknowledgement email (`{site}` and `{ref}` are replaced;
/// paragraphs of the body are separated by a blank line).
pub const ACK_SUBJECT: &str = "ack_subject";
pub const ACK_BODY: &str = "ack_body";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormDefinition {
    pub format: u32,
    /// Site languages, the default first.
    pub languages: Vec<String>,
    pub default_language: String,
    pub topics: Vec<String>,
    /// The site's extra fields (`[[form.fields]]`), in the form's order.
    pub fields: Vec<ExtraField>,
    /// Per site language (or, for the shipped catalogs, per catalog).
    pub texts: BTreeMap<String, LanguageTexts>,
    /// The attachment limits the page enforces (the handler's defaults).
    pub uploads: Option<Uploads>,
}

/// Attachments on the contact form: `[form.uploads]` in `site.toml`, carried
/// to the handler in `form.json` (its `CONTACT_UPLOAD_*` settings override them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Uploads {
    /// Files per submission; `0` turns attachments off.
    pub max_files: usize,
    /// Largest file in bytes.
    pub max_bytes: u64,
    /// Accepted media types: `type/subtype`, or `type/*` for a whole family.
    pub types: Vec<String>,
}

/// Default of [`Uploads::max_bytes`]: 10 MiB.
pub const UPLOAD_MAX_BYTES: u64 = 10 * 1024 * 1024;

const SVG: &str = "image/svg+xml";

/// Default of [`Uploads::types`]: images (SVG only when named), PDF and plain text.
pub const UPLOAD_TYPES: &[&str] = &["image/*", "application/pdf", "text/plain"];

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            max_files: 3,
            max_bytes: UPLOAD_MAX_BYTES,
            types: UPLOAD_TYPES.iter().map(|t| t.to_string()).collect(),
        }
    }
}

impl Uploads {
    /// Whether `content_type` (its essence, any case) is in [`Uploads::types`].
    pub fn allows(&self, content_type: &str) -> bool {
        let ct = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let Some((family, sub)) = ct.split_once('/') else {
            return false;
        };
        if family.is_empty() || sub.is_empty() || sub == "*" {
            return false;
        }
        // SVG can carry scripts: only an explicit `image/svg+xml` admits it.
        let wildcard_ok = ct != SVG;
        self.types.iter().any(|t| {
            let t = t.to_ascii_lowercase();
            t == ct || wildcard_ok && t.strip_suffix("/*") == Some(family)
        })
    }

    /// The checked settings, or what is wrong with them.
    pub fn check(&self) -> Result<(), &'static str> {
        for t in &self.types {
            let ok = t.split_once('/').is_some_and(|(a, b)| {
                let token = |s: &str| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&c))
                };
                token(a) && (b == "*" || token(b))
            });
            if !ok {
                return Err("each type is a media type like image/png, or image/* for all images");
            }
        }
        if self.max_files > 20 {
            return Err("max_files is at most 20");
        }
        if self.max_bytes == 0 || self.max_bytes > 5 * 1024 * 1024 * 1024 {
            return Err("max_bytes is between 1 byte and 5 GiB");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageTexts {
    /// `ltr` or `rtl`, from CLDR (or the site's `dir`).
    pub dir: String,
    /// The language the texts are written in, when it is not this one
    /// (a fallback): answers mark it with this `lang`.
    pub text_lang: Option<String>,
    pub text_dir: Option<String>,
    /// `key` → text, every key of [`handler_keys`].
    pub messages: BTreeMap<String, String>,
    /// Field limits as the language writes them (`"5000"` → `"۵٬۰۰۰"`).
    pub numbers: BTreeMap<String, String>,
}

/// Every catalog key the handler needs.
pub fn handler_keys() -> Vec<String> {
    let mut keys: Vec<String> = ErrorCode::ALL.iter().map(|c| c.message_key()).collect();
    keys.push(ACK_SUBJECT.into());
    keys.push(ACK_BODY.into());
    keys
}

/// The numbers the handler's texts show: the fields' limits.
pub fn numbers_shown() -> Vec<usize> {
    numbers_shown_with(&[])
}

/// The numbers the handler's texts show, with the site's extra fields' limits.
pub fn numbers_shown_with(extra: &[ExtraField]) -> Vec<usize> {
    let mut n: Vec<usize> = FIELDS.iter().map(|f| f.max_len).collect();
    n.extend(extra.iter().map(ExtraField::max_len));
    n.sort_unstable();
    n.dedup();
    n
}

/// A language tag's primary language subtag as written (`pt-BR` → `pt`,
/// `zh_Hant` → `zh`).
pub fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or("")
}

/// A language tag's language, script and region, after adding what is
/// likely (CLDR likely subtags, when the caller has them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subtags {
    pub language: String,
    pub script: Option<String>,
    pub region: Option<String>,
}

impl Subtags {
    /// Only what the tag says, nothing added.
    pub fn written(tag: &str) -> Subtags {
        let mut s = Subtags {
            language: primary_subtag(tag).to_ascii_lowercase(),
            ..Subtags::default()
        };
        for p in tag.split(['-', '_']).skip(1) {
            if p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()) && s.script.is_none() {
                let mut c = p.to_ascii_lowercase();
                c[..1].make_ascii_uppercase();
                s.script = Some(c);
            } else if (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
                || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
            {
                s.region.get_or_insert(p.to_ascii_uppercase());
            }
        }
        s
    }
}

/// The catalog among `available` closest to `wanted`: the same tag; else the
/// same language in the same script — the same region when `wanted` names
/// one, else the catalog without a region, else the language's home region
/// (`pt` → `pt-PT`). `maximize` adds likely script and region (`zh-TW` →
/// `zh-Hant-TW`); [`Subtags::written`] adds nothing.
pub fn closest<'a>(
    wanted: &str,
    available: &[&'a str],
    maximize: &dyn Fn(&str) -> Subtags,
) -> Option<&'a str> {
    if let Some(exact) = available.iter().find(|a| a.eq_ignore_ascii_case(wanted)) {
        return Some(exact);
    }
    let want = maximize(wanted);
    let written = Subtags::written(wanted);
    let mut same: Vec<&'a str> = available
        .iter()
        .copied()
        .filter(|a| {
            let got = maximize(a);
            got.language == want.language && got.script == want.script
        })
        .collect();
    same.sort_unstable();
    if let Some(region) = &written.region {
        if let Some(c) = same
            .iter()
            .find(|c| maximize(c).region.as_ref() == Some(region))
        {
            return Some(c);
        }
    }
    same.iter()
        .find(|c| Subtags::written(c).region.is_none())
        .or_else(|| {
            same.iter().find(|c| {
                Subtags::written(c).region.as_deref() == Some(&want.language.to_ascii_uppercase())
            })
        })
        .or(same.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_catalog_without_likely_subtags() {
        let have = ["de", "en", "pt-BR", "pt-PT", "zh-Hans", "zh-Hant", "sr"];
        let pick = |w| closest(w, &have, &Subtags::written);
        assert_eq!(pick("de-AT"), Some("de"));
        assert_eq!(pick("DE"), Some("de"));
        assert_eq!(pick("pt"), Some("pt-PT"));
        assert_eq!(pick("pt-BR"), Some("pt-BR"));
        assert_eq!(pick("pt-AO"), Some("pt-PT"));
        assert_eq!(pick("zh-Hant-HK"), Some("zh-Hant"));
        assert_eq!(pick("sr-Latn"), None);
        assert_eq!(pick("yo"), None);
    }

    #[test]
    fn upload_types() {
        let u = Uploads::default();
        assert!(u.allows("image/png"));
        assert!(u.allows("IMAGE/JPEG; charset=x"));
        assert!(u.allows("application/pdf"));
        assert!(u.allows("text/plain"));
        assert!(!u.allows("text/html"));
        assert!(!u.allows("image/*"));
        assert!(!u.allows("application/x-msdownload"));
        assert!(!u.allows("png"));
        assert!(!u.allows("image/svg+xml"), "SVG only when named");
        assert!(u.check().is_ok());
        let bad = Uploads {
            types: vec!["images".into()],
            ..Uploads::default()
        };
        assert!(bad.check().is_err());
    }

    #[test]
    fn primary_subtag_as_written() {
        assert_eq!(primary_subtag("pt-BR"), "pt");
        assert_eq!(primary_subtag("zh_Hant"), "zh");
        assert_eq!(primary_subtag("FA"), "FA");
        assert_eq!(primary_subtag(""), "");
    }

    #[test]
    fn every_error_code_and_the_email_need_a_key() {
        let keys = handler_keys();
        assert_eq!(keys.len(), ErrorCode::ALL.len() + 2);
        assert!(keys.contains(&"error_too_long".to_string()));
        assert!(numbers_shown().contains(&crate::MESSAGE_MAX));
    }
}

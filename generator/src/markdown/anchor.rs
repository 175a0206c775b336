//! Heading ids that keep every script intact.
//!
//! Hugo and Zola transliterate or drop what is not ASCII-ish; a Bengali
//! heading loses its vowel signs and virama, a Persian one can vanish. Here a
//! letter, digit or combining mark of any script is kept (NFC, lowercased);
//! everything else (spaces, punctuation, symbols) becomes one `-`.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfc() {
        // ZWNJ/ZWJ are part of Persian and Indic spelling, not separators.
        if c.is_alphanumeric() || is_combining_mark(c) || c == ZWNJ || c == ZWJ {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            // `İ` lowercases to `i` plus a combining dot above (U+0307),
            // which shows as a stray dot in Turkish ids: a plain `i` it is.
            if c == '\u{130}' {
                out.push('i');
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            dash = true;
        }
    }
    let trimmed = out.trim_matches(|c| c == ZWNJ || c == ZWJ);
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Hands out ids unique within one page: `a`, `a-1`, `a-2`, …
#[derive(Default)]
pub struct Ids {
    seen: HashMap<String, usize>,
}

impl Ids {
    pub fn unique(&mut self, base: String) -> String {
        let mut id = base.clone();
        while let Some(n) = self.seen.get_mut(&id) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        self.seen.insert(id.clone(), 0);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_dotted_capital_i_leaves_no_stray_dot() {
        assert_eq!(slugify("İade politikası"), "iade-politikası");
        assert_eq!(slugify("İŞ"), "iş");
        assert!(!slugify("İstanbul").contains('\u{307}'));
        assert_eq!(slugify("İade ve İptal"), "iade-ve-iptal");
    }

    #[test]
    fn bengali_keeps_vowel_signs_and_virama() {
        // "অর্ডার কীভাবে দেখব?" — র্ has a virama, ী and া are vowel signs.
        assert_eq!(slugify("অর্ডার কীভাবে দেখব?"), "অর্ডার-কীভাবে-দেখব");
    }

    #[test]
    fn persian_keeps_letters_and_zwnj() {
        assert_eq!(
            slugify("چگونه می‌توانم اشتراک را لغو کنم؟"),
            "چگونه-می\u{200C}توانم-اشتراک-را-لغو-کنم"
        );
    }

    #[test]
    fn latin_cyrillic_finnish() {
        assert_eq!(slugify("1. Scope & Eligibility"), "1-scope-eligibility");
        assert_eq!(slugify("Как отменить подписку?"), "как-отменить-подписку");
        assert_eq!(
            slugify("Miten peruutan tilauksen?"),
            "miten-peruutan-tilauksen"
        );
        assert_eq!(slugify("Äiti ja Öljy"), "äiti-ja-öljy");
        assert_eq!(slugify("?!"), "section");
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("a".into()), "a");
        assert_eq!(ids.unique("a".into()), "a-1");
        assert_eq!(ids.unique("a".into()), "a-2");
    }
}

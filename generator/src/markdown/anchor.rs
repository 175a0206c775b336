//! Heading ids that keep every script intact.
//!
//! Hugo and Zola transliterate or drop what is not ASCII-ish; a Bengali
//! heading loses its vowel signs and virama, a Persian one can vanish. Here a
//! letter, digit or combining mark of any script is kept (NFC, lowercased);
//! everything else (spaces, punctuation, symbols) becomes one `-`.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

pub fn slugify(text: &str) -> String {
    // Most headings are NFC already, and composing them char by char is
    // most of the work: the quick check lets them skip it.
    if unicode_normalization::is_nfc_quick(text.chars()) == IsNormalized::Yes {
        slug_of(text.chars())
    } else {
        slug_of(text.nfc())
    }
}

fn slug_of(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in chars {
        let id_char = if c.is_ascii() {
            IdChar::of(c)
        } else {
            IdChar::remembered(c)
        };
        if id_char == IdChar::Separator {
            dash = true;
            continue;
        }
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        match id_char {
            IdChar::Lower(l) => out.push(l),
            _ => out.extend(c.to_lowercase()),
        }
    }
    let trimmed = out.trim_matches(|c| c == ZWNJ || c == ZWJ);
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// What a heading's character is in its id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IdChar {
    /// Not a letter, digit or mark: spaces, punctuation and symbols are one
    /// `-` between words.
    Separator,
    /// Kept, as this one lowercase character.
    Lower(char),
    /// Kept, as its lowercase characters (more than one).
    Lowers,
}

impl IdChar {
    fn of(c: char) -> IdChar {
        // ZWNJ/ZWJ are part of Persian and Indic spelling, not separators.
        if !(c.is_alphanumeric() || is_combining_mark(c) || c == ZWNJ || c == ZWJ) {
            return IdChar::Separator;
        }
        // `İ` lowercases to `i` plus a combining dot above (U+0307),
        // which shows as a stray dot in Turkish ids: a plain `i` it is.
        if c == '\u{130}' {
            return IdChar::Lower('i');
        }
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => IdChar::Lower(l),
            _ => IdChar::Lowers,
        }
    }

    /// [`IdChar::of`], remembered by each worker for the last character of
    /// each of 256 slots: the Unicode property and case tables were most of
    /// the time of an id, and a site's headings use few distinct letters.
    fn remembered(c: char) -> IdChar {
        const SLOTS: usize = 256;
        thread_local! {
            static SEEN: std::cell::RefCell<[(char, IdChar); SLOTS]> =
                const { std::cell::RefCell::new([('\0', IdChar::Separator); SLOTS]) };
        }
        let slot = (c as usize ^ (c as usize >> 8)) % SLOTS;
        SEEN.with_borrow_mut(|seen| match seen[slot] {
            (seen_c, id_char) if seen_c == c => id_char,
            _ => {
                let id_char = IdChar::of(c);
                seen[slot] = (c, id_char);
                id_char
            }
        })
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
    fn decomposed_headings_compose_first() {
        // "Äiti" with U+0308 after the A, and Bengali ো as ে + া.
        assert_eq!(slugify("A\u{308}iti"), "äiti");
        assert_eq!(slugify("কে\u{9BE}ন"), slugify("কোন"));
    }

    /// The id as `slug_of` wrote it before it remembered characters: every
    /// table looked up for every character.
    fn reference(chars: impl Iterator<Item = char>) -> String {
        let mut out = String::new();
        let mut dash = false;
        for c in chars {
            if c.is_alphanumeric() || is_combining_mark(c) || c == ZWNJ || c == ZWJ {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
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

    #[test]
    fn the_null_character_that_fills_the_slots_is_a_separator() {
        assert_eq!(IdChar::of('\0'), IdChar::Separator);
        assert_eq!(slugify("a\0b"), "a-b");
    }

    proptest::proptest! {
        // Characters that share a slot (U+0100 and U+0001 apart) follow
        // each other, so a slot's character is replaced and found again.
        #[test]
        fn remembering_characters_changes_no_id(text in "(\\PC|[\u{100}-\u{2FF}\u{400}-\u{4FF}\u{130}\u{1E9E}\u{0}-\u{1F}]){0,40}") {
            proptest::prop_assert_eq!(slug_of(text.chars()), reference(text.chars()));
        }

        #[test]
        fn skipping_composition_changes_no_slug(text in "[a-zA-Z0-9 .\u{300}-\u{36F}\u{980}-\u{9FF}\u{600}-\u{6FF}\u{200C}\u{C0}-\u{17F}\u{400}-\u{4FF}]{0,16}") {
            proptest::prop_assert_eq!(slugify(&text), slug_of(text.nfc()));
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("a".into()), "a");
        assert_eq!(ids.unique("a".into()), "a-1");
        assert_eq!(ids.unique("a".into()), "a-2");
    }
}

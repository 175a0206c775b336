//! A page's description for search engines when its front matter has none:
//! the first paragraph as plain text, cut to fit.

use unicode_segmentation::UnicodeSegmentation;

/// Longest description, in characters, ellipsis included.
pub const MAX_CHARS: usize = 160;

/// `text` with runs of whitespace made one space, cut to at most
/// [`MAX_CHARS`] characters: at the last word boundary that keeps at least
/// half of it (UAX #29, so text without spaces is cut between words or
/// characters, never inside a grapheme), then `…`.
pub fn describe(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX_CHARS {
        return text;
    }
    let room = MAX_CHARS - 1;
    let mut chars = 0;
    let mut grapheme_cut = 0;
    for (i, g) in text.grapheme_indices(true) {
        chars += g.chars().count();
        if chars > room {
            break;
        }
        grapheme_cut = i + g.len();
    }
    let head = &text[..grapheme_cut];
    // A word cut keeps at least half the room: it is at or after the byte
    // where the head's `room / 2`-th character ends (none if it is shorter).
    let half = room.div_ceil(2);
    let shortest = head
        .char_indices()
        .map(|(i, _)| i)
        .chain([head.len()])
        .nth(half)
        .unwrap_or(usize::MAX);
    // Word boundaries only as far as the cut: a first paragraph can be long.
    let word_cut = text
        .split_word_bound_indices()
        .map(|(i, _)| i)
        .take_while(|&i| i <= grapheme_cut)
        .filter(|&i| i > 0 && i >= shortest)
        .last();
    let cut = word_cut.unwrap_or(grapheme_cut);
    let kept = text[..cut].trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `describe` did before it stopped at the cut: every word
    /// boundary of the text, each measured from the start.
    fn reference(text: &str) -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() <= MAX_CHARS {
            return text;
        }
        let room = MAX_CHARS - 1;
        let mut chars = 0;
        let mut grapheme_cut = 0;
        for (i, g) in text.grapheme_indices(true) {
            chars += g.chars().count();
            if chars > room {
                break;
            }
            grapheme_cut = i + g.len();
        }
        let head = &text[..grapheme_cut];
        let word_cut = text
            .split_word_bound_indices()
            .map(|(i, _)| i)
            .filter(|&i| i <= grapheme_cut && i > 0)
            .rfind(|&i| head[..i].chars().count() * 2 >= room);
        let cut = word_cut.unwrap_or(grapheme_cut);
        let kept =
            text[..cut].trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
        format!("{kept}…")
    }

    proptest::proptest! {
        #[test]
        fn cuts_where_measuring_every_boundary_did(
            words in proptest::collection::vec("[a-zé,.]{0,12}|[\\u{0980}-\\u{09FF}]{1,9}|\\PC{1,6}|\u{1F600}\u{200D}\u{1F600}|x\u{0301}{1,80}|[a-z]{40,120}|[a-z]{1,3}", 0..60),
            seps in proptest::collection::vec(" |  |\n|—|", 60),
        ) {
            let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
            proptest::prop_assert_eq!(describe(&text), reference(&text));
        }
    }

    #[test]
    fn a_word_cut_keeps_at_least_half_to_the_character() {
        for first in 60..100 {
            let text = format!("{} {}", "a".repeat(first), "b".repeat(200));
            assert_eq!(describe(&text), reference(&text), "{first}");
        }
    }

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(describe("  One   line.\n"), "One line.");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "word ".repeat(50) + "Zahlungsdienstleisterrichtlinienumsetzungsgesetz";
        let d = describe(&text);
        assert!(d.chars().count() <= MAX_CHARS, "{d}");
        assert!(d.ends_with("word…"), "{d}");
    }

    #[test]
    fn text_without_spaces_is_cut_between_characters() {
        let text = "帮助中心的说明文字".repeat(30);
        let d = describe(&text);
        assert!(d.chars().count() <= MAX_CHARS);
        assert!(d.ends_with('…'));
        // Bengali: a cut never splits a conjunct's grapheme.
        let bn = "অর্ডারক্ষ".repeat(60);
        let d = describe(&bn);
        assert!(d.chars().count() <= MAX_CHARS);
        let kept = d.trim_end_matches('…');
        assert!(bn.starts_with(kept));
        assert!(bn[kept.len()..].graphemes(true).next().is_some());
        assert!(kept.graphemes(true).all(|g| bn.contains(g)));
    }
}

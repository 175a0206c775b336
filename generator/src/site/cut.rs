//! A partial drawn once with marks where each page's own values go, and a
//! page's copy filled in at them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// A partial drawn once with marks where each page's own values go, cut at
/// them: its own text, and at each mark what `K` says goes there.
pub(crate) struct Cut<K>(Vec<Part<K>>);

enum Part<K> {
    Text(String),
    Mark(K),
}

/// Marks are written with characters of the private use area, which no
/// escaping changes and no URL holds.
pub(crate) const MARK_EDGE: char = '\u{E000}';

/// Cuts by shape (what of a page decides how a partial comes out), each
/// drawn the first time a page of its shape asks; `None` for a shape that
/// could not be drawn with its marks intact (the page then draws the
/// partial itself).
pub(crate) struct Drawings<S, K>(Mutex<HashMap<S, Option<Arc<Cut<K>>>>>);

impl<S, K> Default for Drawings<S, K> {
    fn default() -> Self {
        Drawings(Mutex::default())
    }
}

impl<S: Eq + Hash, K> Drawings<S, K> {
    /// The cut for `shape`, drawn by `draw` if none was yet.
    pub(crate) fn get(
        &self,
        shape: S,
        draw: impl FnOnce() -> Option<Cut<K>>,
    ) -> Option<Arc<Cut<K>>> {
        let mut drawn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        drawn
            .entry(shape)
            .or_insert_with(|| draw().map(Arc::new))
            .clone()
    }
}

/// The marks standing for values `0..count` while a partial is drawn once.
pub(crate) fn value_marks(count: usize) -> Vec<String> {
    (0..count)
        .map(|at| format!("{MARK_EDGE}value-{at}{MARK_EDGE}"))
        .collect()
}

impl Cut<usize> {
    /// `html` cut at [`value_marks`], each standing for its value's number.
    pub(crate) fn at_values(html: &str, marks: &[String]) -> Option<Self> {
        let named: Vec<(&str, usize)> = marks.iter().map(String::as_str).zip(0..).collect();
        Cut::new(html, &named)
    }
}

impl<K: Copy> Cut<K> {
    /// `html` cut at every place one of `marks` stands. `None` when it holds
    /// a private-use character that starts no mark: the partial then cannot
    /// be told apart from what the page's values put in.
    pub(crate) fn new(html: &str, marks: &[(&str, K)]) -> Option<Self> {
        debug_assert!(marks.iter().all(|(m, _)| m.starts_with(MARK_EDGE)));
        let mut parts = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find(MARK_EDGE) {
            let (mark, k) = marks.iter().find(|(m, _)| rest[at..].starts_with(m))?;
            parts.push(Part::Text(rest[..at].to_string()));
            parts.push(Part::Mark(*k));
            rest = &rest[at + mark.len()..];
        }
        parts.push(Part::Text(rest.to_string()));
        Some(Cut(parts))
    }

    /// What stands at the marks, in order.
    pub(crate) fn marks(&self) -> impl Iterator<Item = K> + '_ {
        self.0.iter().filter_map(|p| match p {
            Part::Mark(k) => Some(*k),
            Part::Text(_) => None,
        })
    }

    /// The partial with `value` written at each mark.
    pub(crate) fn fill(&self, mut value: impl FnMut(K, &mut String)) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Mark(k) => value(*k, &mut out),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_fills_each_mark_where_it_stands_and_refuses_a_stray_one() {
        let (a, b) = ("\u{E000}a\u{E000}", "\u{E000}b\u{E000}");
        let html = format!("<p>{b}, {a} and {b}</p>");
        let cut = Cut::new(&html, &[(a, 'a'), (b, 'b')]).unwrap();
        assert_eq!(cut.marks().collect::<String>(), "bab");
        let filled = cut.fill(|k, out| out.push_str(if k == 'a' { "A&amp;" } else { "B" }));
        assert_eq!(filled, "<p>B, A&amp; and B</p>");
        // A private-use character that starts no mark.
        assert!(Cut::new(&format!("{a}\u{E000}x"), &[(a, 'a')]).is_none());
        assert_eq!(
            Cut::new("plain", &[(a, 'a')]).unwrap().fill(|_, _| ()),
            "plain"
        );
    }
}

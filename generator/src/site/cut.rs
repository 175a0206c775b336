//! A partial drawn once with marks where each page's own values go, and a
//! page's copy filled in at them.

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

//! A policy page's table of contents: `##` headings, each with its `###`
//! sub-headings nested under it.

use serde::Serialize;

use crate::markdown::Heading;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Serialize)]
pub struct Toc {
    pub entries: Vec<TocEntry>,
    /// How many headings it lists, sub-headings included.
    pub count: usize,
    /// Whether the list numbers its entries: not when the headings carry
    /// their own numbers ("3. Subscription", "۷. …"), which would then be
    /// numbered twice.
    pub numbered: bool,
}

pub fn toc(headings: &[Heading]) -> Toc {
    let mut entries: Vec<TocEntry> = Vec::new();
    let mut count = 0;
    for h in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        count += 1;
        let entry = TocEntry {
            id: h.id.clone(),
            text: h.text.clone(),
            children: Vec::new(),
        };
        match entries.last_mut() {
            Some(parent) if h.level == 3 => parent.children.push(entry),
            _ => entries.push(entry),
        }
    }
    let numbered = !entries.iter().any(|e| has_own_number(&e.text));
    Toc {
        entries,
        count,
        numbered,
    }
}

/// Whether `text` starts with a number of its own, in any script's digits:
/// `3. `, `2.1 `, `4) `, `۷. `, `৩. `, `IV. ` is not counted (letters).
pub fn has_own_number(text: &str) -> bool {
    let mut chars = text.trim_start().chars().peekable();
    let mut digits = 0;
    let mut delimited = false;
    while let Some(&c) = chars.peek() {
        if c.is_numeric() {
            digits += 1;
        } else if digits > 0 && ".)、:٫۔-–".contains(c) {
            delimited = true;
        } else {
            break;
        }
        chars.next();
    }
    let separated = chars.peek().is_none_or(|c| c.is_whitespace());
    digits > 0 && separated && (delimited || chars.peek().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, text: &str) -> Heading {
        Heading {
            level,
            id: text.to_string(),
            text: text.to_string(),
            line: 1,
        }
    }

    #[test]
    fn numbers_in_any_script_are_found() {
        for t in [
            "3. Subscription",
            "2.1 Scope",
            "4) Refunds",
            "۷. لغو",
            "৩. বাতিল",
            "10.2.3. Deep",
        ] {
            assert!(has_own_number(t), "{t}");
        }
        for t in [
            "2024 prices",
            "Refunds",
            "3D printing",
            "IV. Roman",
            "1080p video",
        ] {
            assert!(!has_own_number(t), "{t}");
        }
    }

    #[test]
    fn sub_headings_nest_and_own_numbers_turn_list_numbering_off() {
        let t = toc(&[
            h(2, "1. Scope"),
            h(3, "1.1 Who"),
            h(3, "1.2 What"),
            h(2, "2. Fees"),
        ]);
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.entries[0].children.len(), 2);
        assert_eq!(t.count, 4);
        assert!(!t.numbered);
        assert!(toc(&[h(2, "Scope"), h(2, "Fees")]).numbered);
    }
}

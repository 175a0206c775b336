//! The sidebar's navigation tree. Every page lists the top-level categories
//! and opens only the path to itself: its category, its section, and a
//! bounded window of the section's pages. A collapsed category holds only its
//! sub-sections and a link to its own page, so a page's sidebar grows with the
//! number of sections, never with the number of articles in them.

use std::collections::HashMap;

use serde::Serialize;

use super::model::{Folder, Instance, Site};
use super::structure::{folder_of, inside, is_section};

/// How many of a section's pages the open branch lists around the current
/// one; the section's own page lists them all.
const PAGE_WINDOW: usize = 15;

/// One entry of the tree. A `branch` is a section (a `<details>` in the
/// theme), open when it holds the current page; `all` is the link to a
/// section's own page, with how many pages it holds directly.
#[derive(Serialize, Default)]
pub(crate) struct Node {
    pub title: String,
    pub url: String,
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
    pub branch: bool,
    pub open: bool,
    pub current: bool,
    pub all: Option<usize>,
    pub children: Vec<Node>,
    /// A closed top-level section drawn once per language (see [`closed`]):
    /// the same on every page not inside it. Left out when there is none:
    /// the theme asks `is defined`, which copies it, where a plain `if`
    /// would escape it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// A folder's page links drawn once (see [`links`]), by folder key.
pub(crate) type Links<'a> = &'a dyn Fn(&str) -> Option<&'a HashMap<usize, String>>;

/// The tree for `page` (or, with none, every branch collapsed) in `lang`.
pub(crate) fn tree(
    site: &Site<'_>,
    lang: &str,
    page: Option<&Instance<'_>>,
    links: Links<'_>,
) -> Vec<Node> {
    let path = page.map_or("", |p| p.src.key.as_str());
    let current = page.map(|p| p.url.as_str());
    let mut nodes = Vec::new();
    // Closed sections side by side are one entry: drawn text, joined.
    let mut drawn = String::new();
    for &n in inside(site, lang, "") {
        match site.nav_closed.get(&n) {
            Some(html) if !on_path(&site.instances[n].src.key, path) => drawn.push_str(html),
            _ => {
                push_drawn(&mut nodes, &mut drawn);
                nodes.push(node(site, n, path, current, links));
            }
        }
    }
    push_drawn(&mut nodes, &mut drawn);
    nodes
}

fn push_drawn(nodes: &mut Vec<Node>, drawn: &mut String) {
    if !drawn.is_empty() {
        nodes.push(Node {
            html: Some(std::mem::take(drawn)),
            ..Node::default()
        });
    }
}

/// Every top-level section of `lang` drawn closed, by instance, through the
/// theme's own sidebar macro (`render_one` draws a one-entry tree), so a page
/// draws only the section it is in. A closed section shows no current page:
/// the page is not inside it.
pub(crate) fn closed(
    site: &Site<'_>,
    lang: &str,
    mut render_one: impl FnMut(&Node) -> Option<String>,
) -> Vec<(usize, String)> {
    inside(site, lang, "")
        .iter()
        .filter(|&&n| is_section(&site.instances[n]))
        .filter_map(|&n| {
            let node = node(site, n, "", None, &|_| None);
            // The tree's `<ul>` around the one entry is the page's own.
            let html = render_one(&node)?;
            let item = html.strip_prefix("<ul>\n")?.strip_suffix("</ul>")?;
            Some((n, item.to_string()))
        })
        .collect()
}

/// The `pages` (instances; sections are left out) as the sidebar links to
/// them when they are not the current page: drawn through the theme's
/// macro (`render` draws a tree) many at a time, cut apart at drawn entries
/// holding `mark`.
pub(crate) fn links(
    site: &Site<'_>,
    pages: &[usize],
    mark: &str,
    mut render: impl FnMut(&[Node]) -> Option<String>,
) -> Vec<(usize, String)> {
    const AT_ONCE: usize = 256;
    let pages: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&m| !is_section(&site.instances[m]))
        .collect();
    let mut out = Vec::new();
    for chunk in pages.chunks(AT_ONCE) {
        let mut nodes = Vec::new();
        for &m in chunk {
            nodes.push(leaf(site, m, None));
            nodes.push(Node {
                html: Some(mark.to_string()),
                ..Node::default()
            });
        }
        let Some(html) = render(&nodes) else { continue };
        let Some(items) = html
            .strip_prefix("<ul>\n")
            .and_then(|h| h.strip_suffix("</ul>"))
        else {
            continue;
        };
        let items: Vec<&str> = items.split(mark).collect();
        // One piece per link, and nothing after the last mark.
        if items.len() == chunk.len() + 1 && items[chunk.len()].is_empty() {
            out.extend(
                chunk
                    .iter()
                    .zip(&items)
                    .map(|(&m, item)| (m, item.to_string())),
            );
        }
    }
    out
}

/// A link to instance `n`; a page not yet translated is marked with the
/// language its title is in (as `structure::entry` does, without the
/// description and icon a sidebar does not show).
fn leaf(site: &Site<'_>, n: usize, current: Option<&str>) -> Node {
    let i = &site.instances[n];
    let foreign = i.src.lang != i.lang;
    Node {
        current: current == Some(i.url.as_str()),
        title: i.src.title().to_string(),
        url: i.url.clone(),
        lang: foreign.then(|| i.src.lang.clone()),
        dir: foreign.then(|| site.dir_of(&i.src.lang)),
        ..Node::default()
    }
}

/// Whether the folder `key` holds the page keyed `path` (or is it).
fn on_path(key: &str, path: &str) -> bool {
    path == key || path.strip_prefix(key).is_some_and(|r| r.starts_with('/'))
}

fn node(site: &Site<'_>, n: usize, path: &str, current: Option<&str>, links: Links<'_>) -> Node {
    let inst = &site.instances[n];
    if !is_section(inst) {
        return leaf(site, n, current);
    }
    let key = inst.src.key.as_str();
    let open = on_path(key, path);
    let Folder {
        sections: subs,
        pages,
        page_at,
        ..
    } = folder_of(site, inst.lang, key);
    let mut children: Vec<Node> = subs
        .iter()
        .map(|&m| {
            if open {
                node(site, m, path, current, links)
            } else {
                leaf(site, m, current)
            }
        })
        .collect();
    if open {
        let at = site
            .index
            .get(&(inst.lang, path))
            .and_then(|m| page_at.get(m))
            .copied()
            .unwrap_or(0);
        let (from, to) = window(at, pages.len());
        // Links drawn once per language ([`links`]) but the current one;
        // side by side they are one entry.
        let mut drawn = String::new();
        let links = links(key);
        for &m in &pages[from..to] {
            match links.and_then(|l| l.get(&m)) {
                Some(html) if current != Some(site.instances[m].url.as_str()) => {
                    drawn.push_str(html)
                }
                _ => {
                    push_drawn(&mut children, &mut drawn);
                    children.push(leaf(site, m, current));
                }
            }
        }
        push_drawn(&mut children, &mut drawn);
    }
    children.push(Node {
        all: Some(pages.len()),
        ..leaf(site, n, current)
    });
    Node {
        branch: true,
        open,
        children,
        ..leaf(site, n, None)
    }
}

/// The range of at most `PAGE_WINDOW` of `len` pages around position `at`.
fn window(at: usize, len: usize) -> (usize, usize) {
    let from = at
        .saturating_sub(PAGE_WINDOW / 2)
        .min(len.saturating_sub(PAGE_WINDOW));
    (from, (from + PAGE_WINDOW).min(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_the_current_page_and_stays_in_bounds() {
        assert_eq!(window(0, 3), (0, 3));
        assert_eq!(window(0, 300), (0, PAGE_WINDOW));
        assert_eq!(window(150, 300), (143, 158));
        assert_eq!(window(299, 300), (300 - PAGE_WINDOW, 300));
        assert_eq!(window(0, 0), (0, 0));
    }

    #[test]
    fn a_folder_is_on_the_path_of_its_pages_only() {
        assert!(on_path("billing", "billing"));
        assert!(on_path("billing", "billing/refunds"));
        assert!(!on_path("billing", "billing-faq"));
        assert!(!on_path("billing/refunds", "billing"));
    }
}

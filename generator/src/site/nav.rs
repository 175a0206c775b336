//! The sidebar's navigation tree. Every page lists the top-level categories
//! and opens only the path to itself: its category, its section, and a
//! bounded window of the section's pages. A collapsed category holds only its
//! sub-sections and a link to its own page, so a page's sidebar grows with the
//! number of sections, never with the number of articles in them.

use serde::Serialize;

use super::cut::Cut;
use super::model::{Branches, Folder, Instance, Link, LinkCuts, LinkPart, Site, Slot};
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
pub(crate) type Links<'a> = &'a dyn Fn(&str) -> Option<&'a foldhash::HashMap<usize, Link>>;

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

impl Node {
    /// An entry drawn already, which the macro puts in as it is.
    pub(crate) fn drawn(html: String) -> Node {
        Node {
            html: Some(html),
            ..Node::default()
        }
    }
}

/// What the macro draws around a tree's entries.
pub(crate) fn list(entries: &str) -> String {
    format!("<ul>\n{entries}</ul>")
}

/// The entries of a tree the macro drew, without the list around them.
fn entries(list: &str) -> Option<&str> {
    list.strip_prefix("<ul>\n")?.strip_suffix("</ul>")
}

fn push_drawn(nodes: &mut Vec<Node>, drawn: &mut String) {
    if !drawn.is_empty() {
        nodes.push(Node::drawn(std::mem::take(drawn)));
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
            Some((n, entries(&render_one(&node)?)?.to_string()))
        })
        .collect()
}

/// The `pages` (instances; sections are left out) as the sidebar links to
/// them, on other pages and on their own: drawn through the theme's macro
/// (`render` draws a tree) many at a time, cut apart at drawn entries
/// holding `mark`.
pub(crate) fn links(
    site: &Site<'_>,
    pages: &[usize],
    mark: &str,
    mut render: impl FnMut(&[Node]) -> Option<String>,
) -> Vec<(usize, Link)> {
    const AT_ONCE: usize = 128;
    let pages: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&m| !is_section(&site.instances[m]))
        .collect();
    let marked = || Node::drawn(mark.to_string());
    let mut out = Vec::new();
    for chunk in pages.chunks(AT_ONCE) {
        let mut nodes = Vec::new();
        for &m in chunk {
            nodes.push(leaf(site, m, None));
            nodes.push(marked());
            nodes.push(leaf(site, m, Some(&site.instances[m].url)));
            nodes.push(marked());
        }
        let Some(html) = render(&nodes) else { continue };
        let Some(items) = entries(&html) else {
            continue;
        };
        let items: Vec<&str> = items.split(mark).collect();
        // Two pieces per link, and nothing after the last mark.
        if items.len() == 2 * chunk.len() + 1 && items[2 * chunk.len()].is_empty() {
            out.extend(chunk.iter().zip(items.chunks_exact(2)).map(|(&m, two)| {
                let link = Link {
                    other: two[0].to_string(),
                    own: two[1].to_string(),
                };
                (m, link)
            }));
        }
    }
    out
}

const URL_MARK: &str = "\u{E000}nav-url\u{E000}";
const TITLE_MARK: &str = "\u{E000}nav-title\u{E000}";
const LANG_MARK: &str = "\u{E000}nav-lang\u{E000}";
const DIR_MARK: &str = "\u{E000}nav-dir\u{E000}";

/// The page links of the built-in macro (`render` draws a tree), which puts
/// each value in once, escaped, and nothing else of it; `None` if a mark
/// does not come out once and whole.
pub(crate) fn link_cuts(mut render: impl FnMut(&[Node]) -> Option<String>) -> Option<LinkCuts> {
    let mut one = |foreign: bool, own: bool| {
        let node = Node {
            title: TITLE_MARK.to_string(),
            url: URL_MARK.to_string(),
            lang: foreign.then(|| LANG_MARK.to_string()),
            dir: foreign.then_some(DIR_MARK),
            current: own,
            ..Node::default()
        };
        let html = render(std::slice::from_ref(&node))?;
        let item = entries(&html)?;
        let marks = [
            (URL_MARK, LinkPart::Url),
            (TITLE_MARK, LinkPart::Title),
            (LANG_MARK, LinkPart::Lang),
            (DIR_MARK, LinkPart::Dir),
        ];
        let cut = Cut::new(item, &marks)?;
        let mut parts: Vec<LinkPart> = cut.marks().collect();
        parts.sort_by_key(|p| *p as u8);
        let whole = if foreign {
            &[
                LinkPart::Url,
                LinkPart::Title,
                LinkPart::Lang,
                LinkPart::Dir,
            ][..]
        } else {
            &[LinkPart::Url, LinkPart::Title][..]
        };
        (parts == whole).then_some(cut)
    };
    Some([
        [one(false, false)?, one(false, true)?],
        [one(true, false)?, one(true, true)?],
    ])
}

/// The `pages` (instances; sections are left out) as the sidebar links to
/// them, filled into `cuts`.
pub(crate) fn links_from(site: &Site<'_>, pages: &[usize], cuts: &LinkCuts) -> Vec<(usize, Link)> {
    pages
        .iter()
        .filter(|&&m| !is_section(&site.instances[m]))
        .map(|&m| {
            let node = leaf(site, m, None);
            let [other, own] = &cuts[usize::from(node.lang.is_some())];
            let fill = |cut: &Cut<LinkPart>| {
                cut.fill(|part, out| {
                    let value = match part {
                        LinkPart::Url => &node.url,
                        LinkPart::Title => &node.title,
                        LinkPart::Lang => node.lang.as_deref().unwrap_or_default(),
                        LinkPart::Dir => node.dir.unwrap_or_default(),
                    };
                    out.push_str(&crate::escape::html(value));
                })
            };
            let link = Link {
                other: fill(other),
                own: fill(own),
            };
            (m, link)
        })
        .collect()
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
                Some(link) if current != Some(site.instances[m].url.as_str()) => {
                    drawn.push_str(&link.other)
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

/// Draws a tree of nodes through the theme's sidebar macro, `<ul>` and all.
pub(crate) type Draw<'d> = dyn FnMut(&[Node]) -> Option<String> + 'd;

/// The sidebar of `page` as one piece of HTML, put together from parts drawn
/// once per language: closed sections ([`closed`]), page links ([`links`])
/// and each open section cut where the page's own parts go (`draw` draws
/// one the first time a page needs it), so a page draws nothing of its own.
/// The same HTML as the theme's macro draws from [`tree`]; `None` when a
/// part is missing (a theme whose macro does not draw `html` as it is, a
/// mark it changed), and the page then draws its tree.
pub(crate) fn drawn(
    site: &Site<'_>,
    lang: &str,
    page: &Instance<'_>,
    links: Links<'_>,
    branches: &Branches,
    draw: &mut Draw<'_>,
) -> Option<String> {
    let at = Place {
        site,
        lang,
        path: &page.src.key,
        current: &page.url,
    };
    let mut html = String::new();
    for &n in inside(site, lang, "") {
        let inst = &site.instances[n];
        if !is_section(inst) {
            html.push_str(at.link(n, links(""))?);
        } else if on_path(&inst.src.key, at.path) {
            html.push_str(&at.branch(n, links, branches, draw)?);
        } else {
            html.push_str(site.nav_closed.get(&n)?);
        }
    }
    Some(html)
}

/// The page a sidebar is drawn for.
struct Place<'p, 's> {
    site: &'p Site<'s>,
    lang: &'p str,
    path: &'p str,
    current: &'p str,
}

impl Place<'_, '_> {
    /// The entry of page `n`, drawn once.
    fn link<'l>(
        &self,
        n: usize,
        drawn: Option<&'l foldhash::HashMap<usize, Link>>,
    ) -> Option<&'l str> {
        let link = drawn?.get(&n)?;
        let own = self.site.instances[n].url == self.current;
        Some(if own { &link.own } else { &link.other })
    }

    /// The entry of section `n`, open on the page's path.
    fn branch(
        &self,
        n: usize,
        links: Links<'_>,
        branches: &Branches,
        draw: &mut Draw<'_>,
    ) -> Option<String> {
        let site = self.site;
        let key = site.instances[n].src.key.as_str();
        let folder = folder_of(site, self.lang, key);
        let sub = folder
            .sections
            .iter()
            .copied()
            .find(|&m| on_path(&site.instances[m].src.key, self.path));
        let own = site.instances[n].url == self.current;
        let cut = branches.get((n, sub, own), || self.cut(n, sub, own, draw))?;
        let sub = match sub {
            Some(m) => self.branch(m, links, branches, draw)?,
            None => String::new(),
        };
        let window = self.window(key, folder, links)?;
        Some(cut.fill(|slot, out| {
            out.push_str(match slot {
                Slot::Sub => &sub,
                Slot::Window => &window,
            })
        }))
    }

    /// The links of `folder`'s pages around the page, side by side.
    fn window(&self, key: &str, folder: &Folder, links: Links<'_>) -> Option<String> {
        let site = self.site;
        let at = site
            .index
            .get(&(self.lang, self.path))
            .and_then(|m| folder.page_at.get(m))
            .copied()
            .unwrap_or(0);
        let (from, to) = window(at, folder.pages.len());
        let drawn = links(key);
        let mut html = String::new();
        for &m in &folder.pages[from..to] {
            html.push_str(self.link(m, drawn)?);
        }
        Some(html)
    }

    /// Section `n` open, drawn with marks for its open sub-section `sub` and
    /// its page links, cut at them.
    fn cut(
        &self,
        n: usize,
        sub: Option<usize>,
        own: bool,
        draw: &mut Draw<'_>,
    ) -> Option<Cut<Slot>> {
        let site = self.site;
        let inst = &site.instances[n];
        let folder = folder_of(site, inst.lang, &inst.src.key);
        let marked = |mark: &str| Node::drawn(mark.to_string());
        let mut expected = Vec::new();
        let mut children: Vec<Node> = folder
            .sections
            .iter()
            .map(|&m| {
                if Some(m) == sub {
                    expected.push(Slot::Sub);
                    marked(SUB_MARK)
                } else {
                    node(site, m, "", None, &|_| None)
                }
            })
            .collect();
        if !folder.pages.is_empty() {
            expected.push(Slot::Window);
            children.push(marked(WINDOW_MARK));
        }
        children.push(Node {
            all: Some(folder.pages.len()),
            current: own,
            ..leaf(site, n, None)
        });
        let branch = Node {
            branch: true,
            open: true,
            children,
            ..leaf(site, n, None)
        };
        let html = draw(std::slice::from_ref(&branch))?;
        let cut = Cut::new(
            entries(&html)?,
            &[(SUB_MARK, Slot::Sub), (WINDOW_MARK, Slot::Window)],
        )?;
        cut.marks().eq(expected).then_some(cut)
    }
}

/// Stand-ins for an open section's parts while it is drawn once.
const SUB_MARK: &str = "\u{E000}nav-sub\u{E000}";
const WINDOW_MARK: &str = "\u{E000}nav-window\u{E000}";

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

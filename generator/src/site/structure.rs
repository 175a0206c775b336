//! The shape visitors browse: folders are categories and sections. Owns the
//! listing of a section page, breadcrumbs and previous/next within a section.

use serde::Serialize;

use super::model::{Folder, Instance, Site};
use crate::content::Kind;
use crate::markdown::Rendered;

/// How many pages of a sub-section a section page shows before "see all":
/// a section page stays light however large its sub-sections grow.
const GROUP_LIMIT: usize = 10;

/// How many top pages each category card of the home page shows.
const CARD_LIMIT: usize = 5;

/// Every (language, folder key)'s [`Folder`]. Built once per build.
pub(crate) fn folders<'a>(
    instances: &'a [Instance<'a>],
) -> foldhash::HashMap<(&'a str, &'a str), Folder> {
    let mut map: foldhash::HashMap<(&str, &str), Folder> = Default::default();
    for (n, i) in instances.iter().enumerate() {
        if i.src.key.is_empty() || matches!(i.src.front.kind, Kind::Thanks | Kind::FormError) {
            continue;
        }
        let parent = i.src.key.rsplit_once('/').map_or("", |(p, _)| p);
        map.entry((i.lang, parent)).or_default().all.push(n);
    }
    for folder in map.values_mut() {
        folder.all.sort_by(|&a, &b| {
            let (a, b) = (&instances[a].src, &instances[b].src);
            (a.front.weight, a.title()).cmp(&(b.front.weight, b.title()))
        });
        (folder.sections, folder.pages) =
            folder.all.iter().partition(|&&n| is_section(&instances[n]));
        folder.page_at = folder
            .pages
            .iter()
            .enumerate()
            .map(|(at, &n)| (n, at))
            .collect();
    }
    map
}

/// A folder's own page (`_index.md`, written or generated).
pub(crate) fn is_section(inst: &Instance<'_>) -> bool {
    inst.src.key.is_empty()
        || inst
            .src
            .rel_path
            .file_name()
            .is_some_and(|n| n == "_index.md")
}

/// A link to a page of the visitor's language. A page not yet translated is
/// titled in its source language: `lang` and `dir` mark it (and isolate it
/// from the surrounding text) when that differs from the visitor's.
#[derive(Serialize, Clone)]
pub(crate) struct Entry {
    pub title: String,
    pub url: String,
    pub lang: Option<String>,
    pub dir: Option<&'static str>,
    pub description: Option<String>,
    pub icon: Option<String>,
}

/// One sub-section of a section page (or the section's own pages, with no
/// `section`), with how many pages it holds in all.
#[derive(Serialize)]
pub(crate) struct Group {
    pub section: Option<Entry>,
    pub items: Vec<Entry>,
    /// Pages in all; templates write it with the `plural` filter, which
    /// also gives it the reader's digits.
    pub total: usize,
    pub more: bool,
}

pub(crate) fn entry(site: &Site<'_>, n: usize, rendered: Option<&[Rendered]>) -> Entry {
    let i = &site.instances[n];
    let foreign = i.src.lang != i.lang;
    let description = i.src.front.description.clone().or_else(|| {
        rendered
            .map(|r| r[n].summary.clone())
            .filter(|s| !s.is_empty())
    });
    Entry {
        title: i.src.title().to_string(),
        url: i.url.clone(),
        lang: foreign.then(|| i.src.lang.clone()),
        dir: foreign.then(|| site.dir_of(&i.src.lang)),
        description,
        icon: i.src.front.icon.clone(),
    }
}

/// The instances directly inside `folder` in `lang`.
pub(crate) fn inside<'s>(site: &'s Site<'_>, lang: &'s str, folder: &'s str) -> &'s [usize] {
    &folder_of(site, lang, folder).all
}

/// `folder` in `lang` (an empty one where there is no such folder).
pub(crate) fn folder_of<'s>(site: &'s Site<'_>, lang: &'s str, folder: &'s str) -> &'s Folder {
    static EMPTY: std::sync::LazyLock<Folder> = std::sync::LazyLock::new(Folder::default);
    site.folders.get(&(lang, folder)).unwrap_or(&EMPTY)
}

/// A section page's listing: its own pages first, then one group per
/// sub-section with its first pages, each by weight then title.
pub(crate) fn listing(
    site: &Site<'_>,
    rendered: &[Rendered],
    lang: &str,
    folder: &str,
    limit: usize,
    promoted_first: bool,
) -> Vec<Group> {
    let Folder {
        sections, pages, ..
    } = folder_of(site, lang, folder);
    let mut groups = Vec::new();
    if !pages.is_empty() {
        groups.push(Group {
            section: None,
            total: pages.len(),
            more: false,
            items: pages
                .iter()
                .map(|&n| entry(site, n, Some(rendered)))
                .collect(),
        });
    }
    for &s in sections {
        let mut items = inside(site, lang, &site.instances[s].src.key).to_vec();
        if promoted_first {
            // A stable sort: promoted pages keep their order among themselves.
            items.sort_by_key(|&n| !site.instances[n].src.front.promoted);
        }
        groups.push(Group {
            section: Some(entry(site, s, Some(rendered))),
            total: items.len(),
            more: items.len() > limit,
            items: items
                .iter()
                .take(limit)
                .map(|&n| entry(site, n, Some(rendered)))
                .collect(),
        });
    }
    groups
}

pub(crate) fn section_listing(
    site: &Site<'_>,
    rendered: &[Rendered],
    lang: &str,
    folder: &str,
) -> Vec<Group> {
    if folder.is_empty() {
        listing(site, rendered, lang, folder, CARD_LIMIT, true)
    } else {
        listing(site, rendered, lang, folder, GROUP_LIMIT, false)
    }
}

/// Home › category › section › …: the folders above the page, each linked,
/// then the page itself (not linked). Empty on the home page.
pub(crate) fn breadcrumbs(site: &Site<'_>, inst: &Instance<'_>) -> Vec<Entry> {
    let key = inst.src.key.as_str();
    if key.is_empty() {
        return Vec::new();
    }
    let mut keys = vec![""];
    for (pos, c) in key.char_indices() {
        if c == '/' {
            keys.push(&key[..pos]);
        }
    }
    let mut crumbs: Vec<Entry> = keys
        .into_iter()
        .filter_map(|k| site.index.get(&(inst.lang, k)).copied())
        .map(|n| entry(site, n, None))
        .collect();
    if let Some(&n) = site.index.get(&(inst.lang, key)) {
        crumbs.push(entry(site, n, None));
    }
    crumbs
}

/// schema.org BreadcrumbList of `crumbs`, as JSON safe inside `<script>`.
pub(crate) fn breadcrumbs_jsonld(crumbs: &[Entry], base: &str) -> String {
    // Fields in the order of their names, as a JSON object value lists them.
    #[derive(Serialize)]
    struct List<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Item<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        item: String,
        name: &'a str,
        position: usize,
    }
    let items = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| Item {
            kind: "ListItem",
            item: format!("{base}{}", c.url),
            name: &c.title,
            position: i + 1,
        })
        .collect();
    crate::escape::json_in_html(&List {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items,
    })
}

/// The pages before and after this one among its section's own pages.
pub(crate) fn prev_next(site: &Site<'_>, inst: &Instance<'_>) -> (Option<Entry>, Option<Entry>) {
    if is_section(inst) {
        return (None, None);
    }
    let parent = inst.src.key.rsplit_once('/').map_or("", |(p, _)| p);
    if parent.is_empty() {
        // Top-level pages (contact, terms…) are not a sequence.
        return (None, None);
    }
    let folder = folder_of(site, inst.lang, parent);
    let Some(n) = site.index.get(&(inst.lang, inst.src.key.as_str())) else {
        return (None, None);
    };
    let Some(&pos) = folder.page_at.get(n) else {
        return (None, None);
    };
    let pages = &folder.pages;
    let prev = pos.checked_sub(1).map(|p| entry(site, pages[p], None));
    let next = pages.get(pos + 1).map(|&n| entry(site, n, None));
    (prev, next)
}

//! The shape visitors browse: folders are categories and sections. Owns the
//! listing of a section page, breadcrumbs and previous/next within a section.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::model::{Instance, Site};
use crate::content::Kind;
use crate::markdown::Rendered;

/// How many pages of a sub-section a section page shows before "see all":
/// a section page stays light however large its sub-sections grow.
const GROUP_LIMIT: usize = 10;

/// How many top pages each category card of the home page shows.
const CARD_LIMIT: usize = 5;

/// For every (language, folder key), the instances directly inside it that
/// visitors browse, by weight then title. Built once per build.
pub(crate) fn folders<'a>(
    instances: &'a [Instance<'a>],
) -> HashMap<(&'a str, &'a str), Vec<usize>> {
    let mut map: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (n, i) in instances.iter().enumerate() {
        if i.src.key.is_empty() || matches!(i.src.front.kind, Kind::Thanks | Kind::FormError) {
            continue;
        }
        let parent = i.src.key.rsplit_once('/').map_or("", |(p, _)| p);
        map.entry((i.lang, parent)).or_default().push(n);
    }
    for list in map.values_mut() {
        list.sort_by(|&a, &b| {
            let (a, b) = (&instances[a].src, &instances[b].src);
            (a.front.weight, a.title()).cmp(&(b.front.weight, b.title()))
        });
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
    site.folders
        .get(&(lang, folder))
        .map(Vec::as_slice)
        .unwrap_or(&[])
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
    let (sections, pages): (Vec<usize>, Vec<usize>) = inside(site, lang, folder)
        .iter()
        .partition(|&&n| is_section(&site.instances[n]));
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
    for s in sections {
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
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": c.title,
                "item": format!("{base}{}", c.url),
            })
        })
        .collect();
    let doc = json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    });
    crate::escape::json_in_html(&doc)
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
    let pages: Vec<usize> = inside(site, inst.lang, parent)
        .iter()
        .copied()
        .filter(|&n| !is_section(&site.instances[n]))
        .collect();
    let Some(pos) = pages
        .iter()
        .position(|&n| site.instances[n].src.key == inst.src.key)
    else {
        return (None, None);
    };
    let prev = pos.checked_sub(1).map(|p| entry(site, pages[p], None));
    let next = pages.get(pos + 1).map(|&n| entry(site, n, None));
    (prev, next)
}

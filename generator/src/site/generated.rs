//! Pages a site needs but did not write: the landing page of a language or
//! section folder without `_index.md`, and the contact form's thank-you and
//! error pages where the handler sends visitors who post without JavaScript.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::{FrontMatter, Kind, SourcePage};
use crate::error::Diagnostic;
use crate::i18n::Catalogs;

/// Where the contact handler redirects a plain form post (its default
/// `CONTACT_THANKS_URL` / `CONTACT_ERROR_URL`), as content keys.
const THANKS_KEY: &str = "contact/thanks";
const ERROR_KEY: &str = "contact/error";

/// The pages to add to `pages`, one per site language each, and a note for
/// every landing page made (a note never fails `check --strict`).
pub fn missing_pages(
    config: &SiteConfig,
    catalogs: &Catalogs,
    pages: &[SourcePage],
) -> (Vec<SourcePage>, Vec<Diagnostic>) {
    let keys: HashSet<&str> = pages.iter().map(|p| p.key.as_str()).collect();
    let languages = config.ordered_languages();
    let mut made = Vec::new();
    if pages.iter().any(|p| p.front.kind == Kind::Contact) {
        for (key, kind, title) in [
            (THANKS_KEY, Kind::Thanks, "thanks_title"),
            (ERROR_KEY, Kind::FormError, "form_error_title"),
        ] {
            if !keys.contains(key) {
                for lang in &languages {
                    made.push(page(lang, key, kind, catalogs.text(lang, title)));
                }
            }
        }
    }
    let mut notes = Vec::new();
    for folder in folders_to_land(pages, &keys) {
        for lang in &languages {
            let title = if folder.is_empty() {
                config.languages[lang]
                    .title
                    .clone()
                    .unwrap_or_else(|| config.title.clone())
            } else {
                section_title(&folder)
            };
            made.push(page(lang, &folder, Kind::Page, &title));
        }
        let index = Path::new(&folder).join("_index.md");
        let shown = Path::new("content")
            .join(&config.default_language)
            .join(&index);
        notes.push(
            Diagnostic::note(
                &shown,
                None,
                "no _index.md here: a landing page listing its pages is generated in every language",
            )
            .with_help(format!(
                "write content/<lang>/{} to give it your own title and text",
                index.display()
            )),
        );
    }
    (made, notes)
}

/// The home folder and every folder holding pages visitors browse, when no
/// language has an `_index.md` for it.
fn folders_to_land(pages: &[SourcePage], keys: &HashSet<&str>) -> BTreeSet<String> {
    let mut folders = BTreeSet::from([String::new()]);
    for p in pages {
        if matches!(p.front.kind, Kind::Thanks | Kind::FormError) {
            continue;
        }
        let mut prefix = String::new();
        let parts: Vec<&str> = p.key.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            folders.insert(prefix.clone());
        }
    }
    folders.retain(|f| !keys.contains(f.as_str()));
    folders
}

/// `getting-started` → `Getting started`: the folder's name is all a
/// generated section page has to go by.
fn section_title(folder: &str) -> String {
    let last = folder.rsplit('/').next().unwrap_or(folder);
    let words = last.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn page(lang: &str, key: &str, kind: Kind, title: &str) -> SourcePage {
    let rel_path = if matches!(kind, Kind::Thanks | Kind::FormError) {
        PathBuf::from(format!("{key}.md"))
    } else {
        Path::new(key).join("_index.md")
    };
    SourcePage {
        lang: lang.to_string(),
        shown_path: Path::new("content").join(lang).join(&rel_path),
        rel_path,
        key: key.to_string(),
        front: FrontMatter {
            title: Some(title.to_string()),
            kind,
            ..FrontMatter::default()
        },
        body: String::new(),
        body_line: 1,
        generated: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_titles_come_from_folder_names() {
        assert_eq!(section_title("getting-started"), "Getting started");
        assert_eq!(section_title("a/ödeme_sorunları"), "Ödeme sorunları");
    }
}

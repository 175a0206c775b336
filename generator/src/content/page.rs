//! One markdown file, parsed: its language, its place in the site, its front matter.

use std::path::{Path, PathBuf};

use super::front_matter::{self, FrontMatter};
use crate::error::Diagnostic;

#[derive(Debug, Clone)]
pub struct SourcePage {
    pub lang: String,
    /// Path inside the language folder, e.g. `contact/thanks.md`.
    pub rel_path: PathBuf,
    /// What ties translations together: `rel_path` without `.md`, `_index`
    /// folded into its folder (`""` is the home page, `guides` is `guides/_index.md`).
    pub key: String,
    /// The path printed in messages (relative to the site root).
    pub shown_path: PathBuf,
    pub front: FrontMatter,
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// Made by the generator for a page the site lacks (a landing page, the
    /// contact form's thank-you or error page); there is no file.
    pub generated: bool,
}

impl SourcePage {
    pub fn parse(
        lang: &str,
        rel_path: &Path,
        shown_path: PathBuf,
        text: &str,
    ) -> Result<Self, Vec<Diagnostic>> {
        let split = front_matter::split(text).map_err(|m| {
            vec![Diagnostic::error(&shown_path, Some(1), m)
                .with_help("start the file with +++, then title = \"…\", then +++")]
        })?;
        let front = front_matter::parse(&split, &shown_path)?;
        if let Some(problem) = name_problem(rel_path, front.slug.is_some()) {
            return Err(vec![
                Diagnostic::error(&shown_path, None, problem).with_help(super::url_name::HELP)
            ]);
        }
        Ok(SourcePage {
            lang: lang.to_string(),
            rel_path: rel_path.to_path_buf(),
            key: key_of(rel_path),
            shown_path,
            front,
            body: split.body.to_string(),
            body_line: split.body_line,
            generated: false,
        })
    }

    pub fn title(&self) -> &str {
        self.front.title.as_deref().unwrap_or("")
    }

    /// The page's path below its language root, with a trailing slash
    /// (`billing/`, `contact/thanks/`, `` for the home page).
    pub fn url_path(&self) -> String {
        if self.key.is_empty() {
            return String::new();
        }
        let mut parts: Vec<&str> = self.key.split('/').collect();
        if let Some(slug) = &self.front.slug {
            if let Some(last) = parts.last_mut() {
                *last = slug;
            }
        }
        format!("{}/", parts.join("/"))
    }
}

/// Why a folder or file name on the way to the page cannot be in its URL
/// (the file's own name does not matter when a slug replaces it).
fn name_problem(rel_path: &Path, has_slug: bool) -> Option<String> {
    let key = key_of(rel_path);
    let mut segments: Vec<&str> = key.split('/').filter(|s| !s.is_empty()).collect();
    if has_slug {
        segments.pop();
    }
    segments
        .iter()
        .find_map(|s| super::url_name::problem(s).map(|p| format!("the name \"{s}\": {p}")))
}

/// `billing.md` → `billing`, `guides/_index.md` → `guides`, `_index.md` → ``.
pub fn key_of(rel_path: &Path) -> String {
    let s = rel_path
        .with_extension("")
        .to_string_lossy()
        .replace('\\', "/");
    if s == "_index" {
        String::new()
    } else if let Some(folder) = s.strip_suffix("/_index") {
        folder.to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_urls() {
        assert_eq!(key_of(Path::new("_index.md")), "");
        assert_eq!(key_of(Path::new("guides/_index.md")), "guides");
        assert_eq!(key_of(Path::new("contact/thanks.md")), "contact/thanks");
        let p = SourcePage::parse(
            "en",
            Path::new("a/b.md"),
            "x".into(),
            "+++\ntitle = \"T\"\nslug = \"c\"\n+++\n",
        )
        .unwrap();
        assert_eq!(p.url_path(), "a/c/");
    }
}

//! Finding the site's pages on disk and reading their front matter.

pub mod front_matter;
pub mod page;
pub mod url_name;

pub use front_matter::{FrontMatter, Kind};
pub use page::SourcePage;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::Diagnostic;

/// Every page under `content/`, parsed, with all problems found on the way.
pub fn load(root: &Path, config: &SiteConfig) -> (Vec<SourcePage>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let files = page_files(root, config, &mut diags);
    let results: Vec<Result<SourcePage, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|(lang, path)| read_page(root, lang, path))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => diags.extend(d),
        }
    }
    (pages, diags)
}

/// The `.md` files of each declared language folder, as (language, path).
fn page_files(
    root: &Path,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let content = root.join("content");
    let mut langs: Vec<(String, PathBuf)> = Vec::new();
    let Ok(entries) = std::fs::read_dir(&content) else {
        diags.push(
            Diagnostic::error("content", None, "the site has no content/ folder")
                .with_help("run `helpsite init` there to write starter pages (it keeps existing files), or create content/<lang>/_index.md"),
        );
        return Vec::new();
    };
    let mut lang_dirs: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    lang_dirs.sort();
    for dir in lang_dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if !dir.is_dir() {
            if name.ends_with(".md") {
                diags.push(
                    Diagnostic::error(
                        rel(root, &dir),
                        None,
                        "pages must be inside a language folder",
                    )
                    .with_help(format!(
                        "move it to content/{}/{name}",
                        config.default_language
                    )),
                );
            }
            continue;
        }
        if !config.languages.contains_key(&name) {
            diags.push(
                Diagnostic::error(
                    rel(root, &dir),
                    None,
                    format!("language folder \"{name}\" is not declared in site.toml"),
                )
                .with_help(format!(
                    "add [languages.{name}] with name = \"…\" to site.toml, or rename the folder"
                )),
            );
            continue;
        }
        langs.push((name, dir));
    }
    // Each language's folder listed at once: a few milliseconds each on a
    // large site, before any page can be read.
    let listed: Vec<_> = langs
        .par_iter()
        .map(|(name, dir)| markdown_files(root, name, dir))
        .collect();
    let mut files = Vec::new();
    for (found, problems) in listed {
        files.extend(found);
        diags.extend(problems);
    }
    files
}

/// The `.md` files below one language's folder, in file-name order, and
/// what could not be read.
fn markdown_files(
    root: &Path,
    lang: &str,
    dir: &Path,
) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") => {
                files.push((lang.to_string(), e.into_path()));
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error(
                rel(root, dir),
                None,
                format!("cannot read: {e}"),
            )),
        }
    }
    (files, diags)
}

/// One page file read and parsed.
fn read_page(root: &Path, lang: &str, path: &Path) -> Result<SourcePage, Vec<Diagnostic>> {
    let shown = rel(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| vec![Diagnostic::error(&shown, None, format!("cannot read: {e}"))])?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = crate::error::line_of(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        vec![
            Diagnostic::error(&shown, Some(line), "the file is not valid UTF-8 text")
                .with_help("save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)"),
        ]
    })?;
    let rel_path = path
        .strip_prefix(root.join("content").join(lang))
        .unwrap_or(path)
        .to_path_buf();
    SourcePage::parse(lang, &rel_path, shown, &text)
}

/// A path as people see it in messages: relative to the site root.
pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

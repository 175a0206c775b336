//! Rebuilding only what an edit affects, for `helpsite serve`.
//!
//! The loaded site and every page's rendered markdown are kept between
//! rebuilds. When only the bodies of existing pages change (the usual edit),
//! just those pages are parsed and rendered again, every link is re-checked
//! against the kept heading ids, and only their files are rewritten. Anything
//! that can change other pages — any front-matter change, a new or deleted
//! file, the theme, site.toml — takes a full build.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::output::{OutputFile, Staging};
use super::{load, render_loaded, render_markdown, BuildOptions, Built, Loaded};
use crate::content::SourcePage;
use crate::error::{Error, Result};
use crate::markdown::Rendered;

pub struct Incremental {
    loaded: Loaded,
    rendered: Vec<Rendered>,
    out: PathBuf,
    /// Languages whose search index an edit has made stale (see [`Incremental::refresh_search`]).
    stale_search: std::collections::BTreeSet<String>,
}

/// What [`Incremental::update`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Update {
    /// Only these many page files were rewritten.
    Pages(usize),
    /// The change needed a full build, which was done.
    Full(usize),
}

impl Incremental {
    /// A full build that keeps what later rebuilds need.
    pub fn build(root: &Path, out: &Path, opts: &BuildOptions) -> Result<(Incremental, Built)> {
        let (loaded, diags) = load(root, opts)?;
        let staging = Staging::new(out)?;
        let (rendered, built) =
            render_loaded(&loaded, None, diags, &|f| staging.write(&f).map(|()| None))?;
        staging.commit()?;
        Ok((
            Incremental {
                loaded,
                rendered,
                out: out.to_path_buf(),
                stale_search: Default::default(),
            },
            built,
        ))
    }

    /// Applies changes to the files at `changed` (absolute paths).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        match self.try_pages(changed)? {
            Some(n) => Ok(Update::Pages(n)),
            None => {
                let (fresh, built) =
                    Incremental::build(&self.loaded.root, &self.out, &self.loaded.opts)?;
                *self = fresh;
                Ok(Update::Full(built.pages_per_lang.values().sum()))
            }
        }
    }

    /// Rewrites the search index of the languages edits touched. Separate
    /// from [`Incremental::update`] so `serve` can show the edited page first:
    /// indexing a language costs far more than rendering one page.
    pub fn refresh_search(&mut self) -> Result<usize> {
        if self.stale_search.is_empty() {
            return Ok(0);
        }
        let langs: Vec<String> = std::mem::take(&mut self.stale_search).into_iter().collect();
        let only: Vec<&str> = langs.iter().map(String::as_str).collect();
        let instances = self.loaded.instances();
        let site = self.loaded.site(&instances);
        for f in super::search_index(&site, &self.rendered, Some(&only)) {
            write_in_place(&self.out, &f)?;
        }
        Ok(langs.len())
    }

    /// Rebuilds the changed pages alone, or `None` when that is not enough.
    fn try_pages(&mut self, changed: &[PathBuf]) -> Result<Option<usize>> {
        let root = self.loaded.root.clone();
        let content = root.join("content");
        let mut replaced: Vec<(usize, SourcePage)> = Vec::new();
        for path in changed {
            let Ok(rel) = path.strip_prefix(&content) else {
                return Ok(None);
            };
            if path.extension().is_none_or(|x| x != "md") || !path.is_file() {
                return Ok(None);
            }
            let shown = Path::new("content").join(rel);
            // A file where a generated page stood is new: the whole site is rebuilt.
            let Some(i) = self
                .loaded
                .pages
                .iter()
                .position(|p| p.shown_path == shown && !p.generated)
            else {
                return Ok(None);
            };
            let old = &self.loaded.pages[i];
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let page = SourcePage::parse(&old.lang, &old.rel_path, shown.clone(), &text)
                .map_err(Error::Site)?;
            // Any front-matter change can show on other pages (titles in
            // navigation, icons on cards, the home page's promoted pages…).
            if old.front != page.front {
                return Ok(None);
            }
            replaced.push((i, page));
        }
        if replaced.is_empty() {
            return Ok(Some(0));
        }
        // Swap the edited sources in; swap them back if the edit breaks
        // something, so the kept state stays the last good one.
        let previous: Vec<(usize, SourcePage)> = replaced
            .into_iter()
            .map(|(i, page)| (i, std::mem::replace(&mut self.loaded.pages[i], page)))
            .collect();
        let result = self.render_changed(changed);
        if result.is_err() {
            for (i, page) in previous {
                self.loaded.pages[i] = page;
            }
        }
        result.map(Some)
    }

    fn render_changed(&mut self, changed: &[PathBuf]) -> Result<usize> {
        let content = self.loaded.root.join("content");
        let shown: Vec<PathBuf> = changed
            .iter()
            .filter_map(|p| p.strip_prefix(&content).ok())
            .map(|r| Path::new("content").join(r))
            .collect();
        let loaded = &self.loaded;
        let instances = loaded.instances();
        let site = loaded.site(&instances);
        let affected: Vec<usize> = instances
            .iter()
            .enumerate()
            .filter(|(_, i)| shown.contains(&i.src.shown_path))
            .map(|(n, _)| n)
            .collect();
        let fresh: Vec<(usize, Rendered)> = affected
            .par_iter()
            .map(|&n| {
                (
                    n,
                    render_markdown(
                        &site,
                        &instances[n],
                        &instances[n].src.body,
                        &loaded.failed_keys,
                    ),
                )
            })
            .collect();
        // Swap the new renderings in; swap the old ones back if the edit broke something.
        let mut old: Vec<(usize, Rendered)> = fresh
            .into_iter()
            .map(|(n, r)| (n, std::mem::replace(&mut self.rendered[n], r)))
            .collect();
        let result = (|| {
            let all: Vec<usize> = (0..instances.len()).collect();
            let diags = super::links::check_pages(&site, &self.rendered, &all);
            if diags.iter().any(crate::error::Diagnostic::is_error) {
                return Err(Error::Site(super::sort(diags)));
            }
            let files: Vec<OutputFile> = affected
                .par_iter()
                .map_init(super::context::Reused::default, |reused, &n| {
                    let html = self.rendered[n].html.clone();
                    super::context::render_page(
                        &site,
                        &loaded.tera,
                        reused,
                        n,
                        &self.rendered,
                        html,
                    )
                })
                .collect::<Result<_>>()?;
            files
                .par_iter()
                .try_for_each(|f| write_in_place(&self.out, f))?;
            if loaded.config.search.enabled {
                let langs = affected.iter().map(|&n| instances[n].lang.to_string());
                self.stale_search.extend(langs);
            }
            Ok(files.len())
        })();
        if result.is_err() {
            for (n, r) in old.drain(..) {
                self.rendered[n] = r;
            }
        }
        result
    }
}

/// Replaces one file of a published site: written beside it, then renamed,
/// so a reader never sees half a page.
fn write_in_place(out: &Path, file: &OutputFile) -> Result<()> {
    let path = out.join(&file.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, &file.bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

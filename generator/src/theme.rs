//! The theme a site is rendered with: templates, static files and UI-string
//! catalogs.
//!
//! The default theme is compiled into the binary, so an installed `helpsite`
//! needs nothing else. A site changes it file by file: a file at
//! `<root>/themes/<theme>/<path>` replaces the built-in file at `<path>`, or
//! adds one. A catalog (`i18n/<lang>.toml`) replaces the built-in catalog of
//! its language key by key. `theme` in site.toml names the folder
//! (`default` unless set); see docs/reference.md, "Themes".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::config::SiteConfig;
use crate::error::{Diagnostic, Error, Result};

/// The default theme, as it was in `themes/default/` when the binary was built.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../themes/default");

/// Where diagnostics say a built-in file is: no such folder exists on disk.
pub const BUILTIN_SHOWN: &str = "<built-in theme>";

/// One file of the theme as the build sees it.
#[derive(Debug, Clone, Copy)]
pub struct ThemeFile<'a> {
    /// Path inside the theme, `/`-separated: `templates/page.html`.
    pub rel: &'a str,
    pub bytes: &'a [u8],
    /// True when the site's own file replaced (or added) it.
    pub from_site: bool,
}

/// The built-in theme with the site's files laid over it.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The site's theme folder relative to the root: `themes/default`.
    pub shown_dir: PathBuf,
    /// That folder on disk, when the site has it.
    pub site_dir: Option<PathBuf>,
    /// The site's files, read at load: path inside the theme → bytes.
    site_files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The theme `config` selects for the site at `root`. A theme other than
    /// `default` must have its folder; `default` may have none.
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Theme> {
        let shown_dir = Path::new("themes").join(&config.theme);
        let dir = root.join(&shown_dir);
        if dir.is_dir() {
            Ok(Theme {
                site_files: read_files(&dir)?,
                shown_dir,
                site_dir: Some(dir),
            })
        } else if config.theme == "default" {
            Ok(Theme {
                shown_dir,
                site_dir: None,
                site_files: BTreeMap::new(),
            })
        } else {
            Err(no_such_theme(root, &config.theme, &shown_dir))
        }
    }

    /// The file at `rel`: the site's, else the built-in one.
    pub fn file(&self, rel: &str) -> Option<ThemeFile<'_>> {
        match self.site_files.get_key_value(rel) {
            Some((rel, bytes)) => Some(ThemeFile {
                rel,
                bytes,
                from_site: true,
            }),
            None => {
                let f = BUILTIN.get_file(rel)?;
                Some(ThemeFile {
                    rel: f.path().to_str()?,
                    bytes: f.contents(),
                    from_site: false,
                })
            }
        }
    }

    /// The site's own file at `rel`, if it has one.
    pub fn site_file(&self, rel: &str) -> Option<&[u8]> {
        self.site_files.get(rel).map(Vec::as_slice)
    }

    /// Every file under the theme folder `dir` (`templates`, `static`), the
    /// site's and the built-in ones merged, sorted by path.
    pub fn files_under(&self, dir: &str) -> Vec<ThemeFile<'_>> {
        let prefix = format!("{dir}/");
        let mut merged: BTreeMap<&str, ThemeFile<'_>> = builtin_files()
            .into_iter()
            .filter(|(rel, _)| rel.starts_with(&prefix))
            .map(|(rel, bytes)| {
                (
                    rel,
                    ThemeFile {
                        rel,
                        bytes,
                        from_site: false,
                    },
                )
            })
            .collect();
        for (rel, bytes) in self.site_files.range(prefix.clone()..) {
            if !rel.starts_with(&prefix) {
                break;
            }
            merged.insert(
                rel,
                ThemeFile {
                    rel,
                    bytes,
                    from_site: true,
                },
            );
        }
        merged.into_values().collect()
    }

    /// How a message names a theme file: the site's path relative to the
    /// root, or the built-in theme's.
    pub fn shown(&self, file: &ThemeFile<'_>) -> PathBuf {
        if file.from_site {
            self.shown_dir.join(file.rel)
        } else {
            Path::new(BUILTIN_SHOWN).join(file.rel)
        }
    }

    /// Where the site's file at `rel` is (or would be), relative to the root.
    pub fn site_path(&self, rel: &str) -> PathBuf {
        self.shown_dir.join(rel)
    }
}

/// Every file below `dir` but clutter: path inside it → bytes.
fn read_files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_clutter(e.path()));
    for entry in walk {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        files.insert(rel, bytes);
    }
    Ok(files)
}

/// The error for `theme = "<name>"` without its folder, at the key's line.
fn no_such_theme(root: &Path, name: &str, shown_dir: &Path) -> Error {
    let line = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
        .ok()
        .and_then(|t| t.lines().position(|l| l.trim_start().starts_with("theme")))
        .map(|i| i + 1);
    let dir = shown_dir.display();
    Error::Site(vec![Diagnostic::error(
        crate::config::CONFIG_FILE,
        line,
        format!("theme \"{name}\": the site has no folder {dir}/"),
    )
    .with_help(format!(
        "create {dir}/ with the files that differ from the built-in theme (`helpsite theme eject` copies them), or remove `theme` from site.toml"
    ))])
}

/// The built-in file at `rel`, if there is one.
pub fn builtin(rel: &str) -> Option<&'static [u8]> {
    BUILTIN.get_file(rel).map(|f| f.contents())
}

/// Every built-in file: path inside the theme → bytes, sorted by path.
pub fn builtin_files() -> Vec<(&'static str, &'static [u8])> {
    let mut out = Vec::new();
    let mut stack = vec![&BUILTIN];
    while let Some(dir) = stack.pop() {
        for entry in dir.entries() {
            match entry {
                include_dir::DirEntry::Dir(d) => stack.push(d),
                include_dir::DirEntry::File(f) => {
                    if let Some(rel) = f.path().to_str() {
                        out.push((rel, f.contents()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Languages the built-in theme has UI strings for.
pub fn builtin_languages() -> Vec<&'static str> {
    builtin_files()
        .into_iter()
        .filter_map(|(rel, _)| rel.strip_prefix("i18n/")?.strip_suffix(".toml"))
        .collect()
}

/// Editors' backups and system files are not part of a theme.
fn is_clutter(path: &Path) -> bool {
    path.file_name().is_none_or(|n| {
        let n = n.to_string_lossy();
        n.starts_with('.') || n.ends_with('~')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_theme_has_templates_static_files_and_catalogs() {
        let files = builtin_files();
        for rel in ["templates/base.html", "static/style.css", "i18n/en.toml"] {
            assert!(files.iter().any(|(r, _)| *r == rel), "{rel} missing");
        }
        assert!(builtin_languages().contains(&"en"));
    }

    #[test]
    fn a_site_file_replaces_the_builtin_one_and_adds_new_ones() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("themes/default/static");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("style.css"), "body{}").unwrap();
        std::fs::write(dir.join("logo.svg"), "<svg/>").unwrap();
        std::fs::write(dir.join(".DS_Store"), "x").unwrap();
        let config = SiteConfig::parse(
            "[languages.en]\nname = \"English\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        let theme = Theme::load(root.path(), &config).unwrap();
        let statics = theme.files_under("static");
        let style = statics
            .iter()
            .find(|f| f.rel == "static/style.css")
            .unwrap();
        assert!(style.from_site && style.bytes == b"body{}");
        assert!(statics
            .iter()
            .any(|f| f.rel == "static/logo.svg" && f.from_site));
        assert!(statics
            .iter()
            .any(|f| f.rel == "static/site.js" && !f.from_site));
        assert!(!statics.iter().any(|f| f.rel.contains("DS_Store")));
        assert_eq!(
            theme.shown(style),
            Path::new("themes/default/static/style.css")
        );
        let base = theme.file("templates/base.html").unwrap();
        assert_eq!(
            theme.shown(&base),
            Path::new("<built-in theme>/templates/base.html")
        );
    }

    #[test]
    fn a_named_theme_needs_its_folder() {
        let root = tempfile::tempdir().unwrap();
        let config = SiteConfig::parse(
            "theme = \"brand\"\n[languages.en]\nname = \"English\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        let err = Theme::load(root.path(), &config).unwrap_err().to_string();
        assert!(err.contains("themes/brand/"), "{err}");
        std::fs::create_dir_all(root.path().join("themes/brand")).unwrap();
        let theme = Theme::load(root.path(), &config).unwrap();
        assert!(theme.file("templates/page.html").is_some());
    }
}

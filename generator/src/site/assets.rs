//! The theme's static files, copied with a content hash in their names so a
//! CDN can cache them forever (`style.css` → `static/style.1a2b3c4d.css`).

use std::collections::BTreeMap;
use std::path::Path;

use super::output::OutputFile;
use crate::error::{Error, Result};

/// Logical name (`style.css`) → URL (`/static/style.1a2b3c4d.css`).
pub type AssetUrls = BTreeMap<String, String>;

pub fn collect(theme_dir: &Path) -> Result<(Vec<OutputFile>, AssetUrls)> {
    let dir = theme_dir.join("static");
    let mut files = Vec::new();
    let mut urls = AssetUrls::new();
    if !dir.is_dir() {
        return Ok((files, urls));
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(&dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        let hashed = hashed_name(&rel, &bytes);
        urls.insert(rel, format!("/static/{hashed}"));
        files.push(OutputFile {
            path: format!("static/{hashed}"),
            bytes,
        });
    }
    Ok((files, urls))
}

fn hashed_name(rel: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    let short = &hash[..10];
    match rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{short}.{ext}"),
        _ => format!("{rel}.{short}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_goes_before_extension() {
        let n = super::hashed_name("js/site.js", b"x");
        assert!(
            n.starts_with("js/site.") && n.ends_with(".js") && n.len() == "js/site..js".len() + 10,
            "{n}"
        );
    }
}

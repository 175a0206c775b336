//! The theme's static files, copied with a content hash in their names so a
//! CDN can cache them forever (`style.css` → `static/style.1a2b3c4d.css`).

use std::collections::BTreeMap;

use super::output::OutputFile;
use crate::error::Result;
use crate::theme::Theme;

/// Logical name (`style.css`) → URL (`/static/style.1a2b3c4d.css`).
pub type AssetUrls = BTreeMap<String, String>;

/// The theme's `static/` files, the site's replacing the built-in ones.
pub fn collect(theme: &Theme) -> Result<(Vec<OutputFile>, AssetUrls)> {
    let mut files = Vec::new();
    let mut urls = AssetUrls::new();
    for file in theme.files_under("static") {
        let rel = file.rel.strip_prefix("static/").unwrap_or(file.rel);
        let hashed = hashed_name(rel, file.bytes);
        urls.insert(rel.to_string(), format!("/static/{hashed}"));
        files.push(OutputFile {
            path: format!("static/{hashed}"),
            bytes: file.bytes.to_vec(),
        });
    }
    Ok((files, urls))
}

/// A generated file published as an asset: its URL and the file.
pub(crate) fn hashed(rel: &str, bytes: Vec<u8>) -> (String, OutputFile) {
    let name = hashed_name(rel, &bytes);
    (
        format!("/static/{name}"),
        OutputFile {
            path: format!("static/{name}"),
            bytes,
        },
    )
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

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::site::{self, BuildOptions};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// Builds `root` into a fresh temporary folder.
pub fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    if let Err(e) = site::build(root, &out, &BuildOptions::default()) {
        panic!("build of {} failed:\n{e}", root.display());
    }
    (tmp, out)
}

/// Replaces `from` with `to` in the file at `path`, which must contain it.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The document chunks of one language's search index, concatenated.
pub fn search_docs(out: &Path, lang: &str) -> String {
    std::fs::read_dir(out.join("search").join(lang).join("d"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Asset names carry content hashes; snapshots should not churn with CSS edits.
pub fn unhash(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("/static/") {
        out.push_str(&rest[..i + 8]);
        rest = &rest[i + 8..];
        let end = rest.find(['"', '\'', ')']).unwrap_or(rest.len());
        let name = &rest[..end];
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() >= 3
            && parts[parts.len() - 2].len() == 10
            && parts[parts.len() - 2]
                .chars()
                .all(|c| c.is_ascii_hexdigit())
        {
            let mut p = parts.clone();
            let n = p.len();
            p[n - 2] = "HASH";
            out.push_str(&p.join("."));
        } else {
            out.push_str(name);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Copies a site into a temporary folder so a test can change it.
pub fn copy_site(src: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(src, tmp.path());
    tmp
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

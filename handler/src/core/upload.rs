//! Attachments: the keys uploads are stored under, and what a record keeps
//! of each accepted file. No I/O.
//!
//! A browser uploads to `uploads/<submission id>/<n>-<safe name>` (short
//! lived: a lifecycle rule may expire `uploads/`); an accepted file is
//! copied to `attachments/<record key>/<n>-<safe name>`, kept with the record.

use serde::{Deserialize, Serialize};

/// Where uploads wait until a submission names them.
pub const UPLOADS: &str = "uploads/";
/// Where the files of accepted submissions are kept.
pub const ATTACHMENTS: &str = "attachments/";

/// Longest safe file name kept in a key.
const NAME_MAX: usize = 80;

/// One accepted file, as its record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its key under [`ATTACHMENTS`] (relative to the archive's root or prefix).
    pub key: String,
    /// The safe file name (`screenshot_1.png`).
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// A file name reduced to ASCII letters, digits, `.`, `-` and `_`, at most
/// [`NAME_MAX`] long, keeping its extension; never empty, never hidden.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out = String::new();
    for c in base.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        let c = if keep { c } else { '_' };
        if !(c == '_' && out.ends_with('_') || c == '.' && out.ends_with('.')) {
            out.push(c);
        }
    }
    let out = out.trim_start_matches(['.', '_', '-']).to_string();
    let out = if out.len() > NAME_MAX {
        match out.rsplit_once('.') {
            Some((stem, ext)) if ext.len() <= 10 => {
                format!("{}.{ext}", &stem[..NAME_MAX - ext.len() - 1])
            }
            _ => out[..NAME_MAX].to_string(),
        }
    } else {
        out
    };
    if out.is_empty() || out.starts_with('.') {
        format!("file{out}")
    } else {
        out
    }
}

/// The key the `n`th upload of submission `sid` is stored under.
pub fn upload_key(sid: &str, n: usize, name: &str) -> String {
    format!("{UPLOADS}{sid}/{n}-{}", safe_name(name))
}

/// The `<n>-<safe name>` of `key` when it is an upload key of submission
/// `sid` exactly as [`upload_key`] writes them; `None` for anything else
/// (another submission's key, `..`, a changed name).
pub fn file_part<'k>(key: &'k str, sid: &str) -> Option<&'k str> {
    let rest = key.strip_prefix(UPLOADS)?.strip_prefix(sid)?;
    let part = rest.strip_prefix('/')?;
    let (n, name) = part.split_once('-')?;
    let valid = !n.is_empty()
        && n.len() <= 2
        && n.bytes().all(|b| b.is_ascii_digit())
        && safe_name(name) == name;
    valid.then_some(part)
}

/// Where an accepted upload is kept beside record `record_key`.
pub fn attachment_key(record_key: &str, file_part: &str) -> String {
    format!("{ATTACHMENTS}{record_key}/{file_part}")
}

/// Whether `key` is a kept attachment's key (what a download link may name).
pub fn is_attachment_key(key: &str) -> bool {
    let Some(rest) = key.strip_prefix(ATTACHMENTS) else {
        return false;
    };
    let Some((record, part)) = rest.split_once('/') else {
        return false;
    };
    let record_ok = !record.is_empty()
        && record
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    record_ok
        && part
            .split_once('-')
            .is_some_and(|(_, name)| safe_name(name) == name)
}

/// The keys of an `attachments` field: comma-separated, blanks ignored.
pub fn listed_keys(field: Option<&str>) -> Vec<String> {
    field
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("Screen Shot 1.png"), "Screen_Shot_1.png");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\x\\a b.pdf"), "a_b.pdf");
        assert_eq!(safe_name(".htaccess"), "htaccess");
        assert_eq!(safe_name("..."), "file");
        assert_eq!(safe_name("скриншот.png"), "png");
        assert_eq!(safe_name("ф.png"), "png");
        let long = format!("{}.jpeg", "a".repeat(200));
        let s = safe_name(&long);
        assert_eq!(s.len(), NAME_MAX);
        assert!(s.ends_with(".jpeg"));
        for n in ["a b.png", "x", "..", "a..b", long.as_str()] {
            assert_eq!(safe_name(&safe_name(n)), safe_name(n), "{n}");
        }
    }

    #[test]
    fn keys_stay_inside_their_submission() {
        let k = upload_key("abcdefgh-1", 2, "shot.png");
        assert_eq!(k, "uploads/abcdefgh-1/2-shot.png");
        assert_eq!(file_part(&k, "abcdefgh-1"), Some("2-shot.png"));
        assert_eq!(file_part(&k, "abcdefgh"), None);
        assert_eq!(file_part(&k, "other-sid"), None);
        assert_eq!(file_part("uploads/abcdefgh-1/2-../x", "abcdefgh-1"), None);
        assert_eq!(
            file_part("uploads/abcdefgh-1/x-shot.png", "abcdefgh-1"),
            None
        );
        assert_eq!(
            file_part("attachments/abcdefgh-1/2-shot.png", "abcdefgh-1"),
            None
        );
        let a = attachment_key("sid-abcdefgh-1", "2-shot.png");
        assert!(is_attachment_key(&a));
        assert!(!is_attachment_key(&k));
        assert!(!is_attachment_key("attachments/../x/1-a"));
    }

    #[test]
    fn listed_keys_skip_blanks() {
        assert_eq!(listed_keys(Some(" a, ,b ")), vec!["a", "b"]);
        assert!(listed_keys(None).is_empty());
    }
}

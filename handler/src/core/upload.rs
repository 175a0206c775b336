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

/// Longest safe file name kept in a key, in UTF-8 bytes.
const NAME_MAX: usize = 80;

/// Longest extension kept, in characters (`jpeg`, `docx`).
const EXT_MAX: usize = 10;

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

/// A file name made safe for an S3 key, a file on disk, a URL (once
/// percent-encoded), a header (see [`content_disposition`]) and the text of
/// an email: letters and digits of any script, `.`, `-` and `_`; anything
/// else (separators, spaces, controls, bidi and other format characters,
/// punctuation) becomes `_`. At most [`NAME_MAX`] bytes, never empty,
/// never hidden, and an extension of letters and digits is always kept.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let (stem, ext) = match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && is_extension(ext) => (stem, Some(ext)),
        _ => (base, None),
    };
    let mut stem = clean(stem);
    let room = NAME_MAX - ext.map_or(0, |e| e.len() + 1);
    if stem.len() > room {
        let mut cut = room;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
        stem.truncate(stem.trim_end_matches('.').len());
    }
    if stem.is_empty() {
        stem.push_str("file");
    }
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

/// 1 to [`EXT_MAX`] letters or digits (of any script).
fn is_extension(ext: &str) -> bool {
    let n = ext.chars().count();
    (1..=EXT_MAX).contains(&n) && ext.chars().all(char::is_alphanumeric)
}

/// The stem's characters kept or replaced, runs of `_` and `.` collapsed,
/// no leading `.`, `_` or `-`, no trailing `.`.
fn clean(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        let c = if keeps(c) { c } else { '_' };
        if !(c == '_' && out.ends_with('_') || c == '.' && out.ends_with('.')) {
            out.push(c);
        }
    }
    let out = out.trim_start_matches(['.', '_', '-']);
    out.trim_end_matches('.').to_string()
}

/// Letters and digits of any script, `.`, `-`, `_`, and combining signs
/// `char` does not count as letters but without which a name falls apart:
/// accents written apart from their letter (`e` + U+0301, as macOS names
/// files), and the virama, nukta or tone mark of the Brahmic and Southeast
/// Asian scripts. Those blocks hold no format or control characters; the
/// invisible combining grapheme joiner (U+034F) is left out.
fn keeps(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '.' | '-' | '_')
        || matches!(c,
            '\u{0300}'..='\u{034E}' | '\u{0350}'..='\u{036F}' // combining diacritics
            | '\u{0900}'..='\u{0DFF}' // Devanagari … Sinhala
            | '\u{0E00}'..='\u{0EFF}' // Thai, Lao
            | '\u{1000}'..='\u{109F}' // Myanmar
            | '\u{1780}'..='\u{17FF}' // Khmer
        )
}

/// The `Content-Disposition` of a download of `name`: an attachment, named
/// in ASCII for old clients and in full as RFC 5987 `filename*` (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let name = safe_name(name);
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        safe_name(&ascii),
        percent_encoding::utf8_percent_encode(&name, ATTR_CHAR)
    )
}

/// What RFC 5987 leaves unencoded (`attr-char`) among what a safe name holds.
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

/// The safe file name in an upload or attachment key (`…/<n>-<name>`).
pub fn name_in_key(key: &str) -> Option<&str> {
    let part = key.rsplit('/').next()?;
    part.split_once('-').map(|(_, name)| name)
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
        assert_eq!(safe_name("скриншот.png"), "скриншот.png");
        assert_eq!(safe_name("截图.png"), "截图.png");
        assert_eq!(safe_name("صورة.jpg"), "صورة.jpg");
        assert_eq!(safe_name("স্ক্রিনশট ১.png"), "স্ক্রিনশট_১.png");
        assert_eq!(safe_name("اسکرین\u{200c}شات.png"), "اسکرین_شات.png");
        assert_eq!(
            safe_name("a\u{202e}gnp.exe"),
            "a_gnp.exe",
            "no bidi override"
        );
        assert_eq!(safe_name("😀.png"), "file.png");
        assert_eq!(
            safe_name("cafe\u{301}.png"),
            "cafe\u{301}.png",
            "decomposed é"
        );
        assert_eq!(safe_name("a\u{34f}b.png"), "a_b.png");
        assert_eq!(safe_name("report.tar.gz"), "report.tar.gz");
        assert_eq!(safe_name("notes."), "notes");
        assert_eq!(safe_name("a..png"), "a.png");
        let wide = format!("{}.png", "ф".repeat(100));
        let s = safe_name(&wide);
        assert!(s.len() <= NAME_MAX && s.ends_with("ф.png"), "{s}");
        let long = format!("{}.jpeg", "a".repeat(200));
        let s = safe_name(&long);
        assert_eq!(s.len(), NAME_MAX);
        assert!(s.ends_with(".jpeg"));
        for n in [
            "a b.png",
            "x",
            "..",
            "a..b",
            "ф.png",
            long.as_str(),
            wide.as_str(),
        ] {
            assert_eq!(safe_name(&safe_name(n)), safe_name(n), "{n}");
        }
    }

    #[test]
    fn downloads_are_named_in_ascii_and_in_full() {
        assert_eq!(
            content_disposition("скриншот 1.png"),
            "attachment; filename=\"1.png\"; \
             filename*=UTF-8''%D1%81%D0%BA%D1%80%D0%B8%D0%BD%D1%88%D0%BE%D1%82_1.png"
        );
        assert_eq!(
            content_disposition("скриншот.png"),
            "attachment; filename=\"file.png\"; \
             filename*=UTF-8''%D1%81%D0%BA%D1%80%D0%B8%D0%BD%D1%88%D0%BE%D1%82.png"
        );
        assert_eq!(
            content_disposition("a\"b;c.pdf"),
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a_b_c.pdf"
        );
        let key = upload_key("abcdefgh-1", 2, "截图.png");
        assert_eq!(name_in_key(&key), Some("截图.png"));
        assert_eq!(file_part(&key, "abcdefgh-1"), Some("2-截图.png"));
        let kept = attachment_key("sid-abcdefgh-1", "2-截图.png");
        assert!(is_attachment_key(&kept));
        assert_eq!(name_in_key(&kept), Some("截图.png"));
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

//! Attachments: granting uploads (`POST /contact/uploads`) and accepting
//! the uploaded files a submission names (see [`crate::core::upload`]).

use helpsite_form::definition::Uploads;
use helpsite_form::ErrorCode;
use serde::Deserialize;

use crate::config::UploadSettings;
use crate::core::upload::{attachment_key, file_part, upload_key, Attachment};
use crate::ports::archive::{ArchiveError, UploadTarget};
use crate::usecases::input::InputError;
use crate::wiring::Archive;

/// One file a page wants to upload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAsked {
    /// Its place in the submission, 1 or more (kept in the key).
    pub n: usize,
    pub name: String,
    pub size: u64,
    #[serde(rename = "type")]
    pub content_type: String,
}

/// The body of `POST /contact/uploads`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantAsked {
    pub submission_id: String,
    pub files: Vec<FileAsked>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// Why uploads were refused: the visitor's input, or the archive.
#[derive(Debug)]
pub enum Refused {
    Input(InputError),
    Archive(ArchiveError),
}

impl From<ArchiveError> for Refused {
    fn from(e: ArchiveError) -> Refused {
        Refused::Archive(e)
    }
}

fn refuse(code: ErrorCode) -> Refused {
    Refused::Input(InputError::field("attachments", code))
}

/// A submission id as the form's `submission_id` field accepts it.
fn is_submission_id(sid: &str) -> bool {
    (8..=64).contains(&sid.len())
        && sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The key and type of each file asked for, or why they may not be uploaded.
pub fn plan(asked: &GrantAsked, limits: &Uploads) -> Result<Vec<(String, String)>, Refused> {
    if !is_submission_id(&asked.submission_id) {
        return Err(Refused::Input(InputError::field(
            "submission_id",
            ErrorCode::InvalidValue,
        )));
    }
    if asked.files.is_empty() || asked.files.len() > limits.max_files {
        return Err(refuse(ErrorCode::TooManyFiles));
    }
    let mut planned = Vec::new();
    for f in &asked.files {
        if f.n == 0 || f.n > 99 {
            return Err(refuse(ErrorCode::InvalidValue));
        }
        if f.size == 0 || f.size > limits.max_bytes {
            return Err(refuse(ErrorCode::FileTooLarge));
        }
        if !limits.allows(&f.content_type) {
            return Err(refuse(ErrorCode::FileType));
        }
        let ct = f.content_type.trim().to_ascii_lowercase();
        planned.push((upload_key(&asked.submission_id, f.n, &f.name), ct));
    }
    Ok(planned)
}

/// Where the browser sends each file asked for (`local_url`: this
/// server's uploads endpoint, for the local archive).
pub async fn grant(
    archive: &Archive,
    settings: &UploadSettings,
    asked: &GrantAsked,
    local_url: &str,
) -> Result<Vec<UploadTarget>, Refused> {
    let mut targets = Vec::new();
    for (key, ct) in plan(asked, &settings.limits)? {
        let max = settings.limits.max_bytes;
        let t = archive
            .upload_target(&key, &ct, max, settings.grant_ttl, local_url)
            .await?;
        targets.push(t);
    }
    Ok(targets)
}

/// Stores the files of a form posted without its script (the local
/// archive) as uploads of submission `sid`, within the same limits as a
/// grant; returns their keys.
pub async fn store_posted(
    archive: &Archive,
    limits: &Uploads,
    sid: &str,
    files: &[crate::usecases::multipart::Part],
) -> Result<Vec<String>, Refused> {
    let asked = GrantAsked {
        submission_id: sid.to_string(),
        lang: None,
        files: files
            .iter()
            .enumerate()
            .map(|(i, p)| FileAsked {
                n: i + 1,
                name: p.filename.clone().unwrap_or_default(),
                size: p.body.len() as u64,
                content_type: p.content_type.clone().unwrap_or_default(),
            })
            .collect(),
    };
    let mut keys = Vec::new();
    for ((key, ct), part) in plan(&asked, limits)?.into_iter().zip(files) {
        if !archive.put_file(&key, part.body.clone(), &ct).await? {
            return Err(refuse(ErrorCode::DuplicateField));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// Checks every upload `keys` names (this submission's, present, within
/// the limits), then keeps each beside record `record_key`. Nothing is
/// copied unless every file passes.
pub async fn accept(
    archive: &Archive,
    limits: &Uploads,
    submission_id: Option<&str>,
    keys: &[String],
    record_key: &str,
) -> Result<Vec<Attachment>, Refused> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    if keys.len() > limits.max_files {
        return Err(refuse(ErrorCode::TooManyFiles));
    }
    let sid = submission_id.ok_or_else(|| refuse(ErrorCode::UploadMissing))?;
    let mut checked = Vec::new();
    for key in keys {
        let part = file_part(key, sid).ok_or_else(|| refuse(ErrorCode::UploadMissing))?;
        if checked.iter().any(|(k, _, _)| k == key) {
            return Err(refuse(ErrorCode::DuplicateField));
        }
        let info = archive
            .head(key)
            .await?
            .ok_or_else(|| refuse(ErrorCode::UploadMissing))?;
        if info.size > limits.max_bytes {
            return Err(refuse(ErrorCode::FileTooLarge));
        }
        if !limits.allows(&info.content_type) {
            return Err(refuse(ErrorCode::FileType));
        }
        checked.push((key.clone(), part.to_string(), info));
    }
    let mut kept = Vec::new();
    for (key, part, info) in checked {
        let to = attachment_key(record_key, &part);
        archive.copy(&key, &to).await?;
        let name = part.split_once('-').map_or(part.as_str(), |(_, n)| n);
        kept.push(Attachment {
            key: to,
            name: name.to_string(),
            size: info.size,
            content_type: info.content_type,
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(files: &[(&str, u64, &str)]) -> GrantAsked {
        GrantAsked {
            submission_id: "abcdefgh-1234".into(),
            lang: None,
            files: files
                .iter()
                .enumerate()
                .map(|(i, (name, size, ct))| FileAsked {
                    n: i + 1,
                    name: name.to_string(),
                    size: *size,
                    content_type: ct.to_string(),
                })
                .collect(),
        }
    }

    fn code(r: Result<Vec<(String, String)>, Refused>) -> ErrorCode {
        match r {
            Err(Refused::Input(e)) => e.code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plans_within_the_limits() {
        let limits = Uploads::default();
        let ok = plan(&asked(&[("a b.png", 10, "image/png")]), &limits).unwrap();
        assert_eq!(ok[0].0, "uploads/abcdefgh-1234/1-a_b.png");
        let big = limits.max_bytes + 1;
        assert_eq!(
            code(plan(&asked(&[("a.png", big, "image/png")]), &limits)),
            ErrorCode::FileTooLarge
        );
        assert_eq!(
            code(plan(
                &asked(&[("a.exe", 9, "application/x-msdownload")]),
                &limits
            )),
            ErrorCode::FileType
        );
        let four = [("a.png", 1, "image/png"); 4];
        assert_eq!(code(plan(&asked(&four), &limits)), ErrorCode::TooManyFiles);
        assert_eq!(code(plan(&asked(&[]), &limits)), ErrorCode::TooManyFiles);
        let mut bad_sid = asked(&[("a.png", 1, "image/png")]);
        bad_sid.submission_id = "../x".into();
        assert_eq!(code(plan(&bad_sid, &limits)), ErrorCode::InvalidValue);
    }
}

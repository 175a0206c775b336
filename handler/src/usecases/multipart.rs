//! `multipart/form-data`: the contact form posted without its script, files
//! and all. Only what the form sends is understood: one level of parts,
//! each with a `Content-Disposition: form-data` name.

use helpsite_form::ErrorCode;

use crate::usecases::input::InputError;

/// One part of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// Present for a file input (empty when no file was chosen).
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (essence, params) = content_type.split_once(';')?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty()).then(|| v.to_string())
    })
}

fn malformed() -> InputError {
    InputError::request(ErrorCode::InvalidValue)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The parts of `body`, in order.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, InputError> {
    let delimiter = format!("--{boundary}");
    let start = find(body, delimiter.as_bytes()).ok_or_else(malformed)?;
    let mut rest = &body[start + delimiter.len()..];
    let next = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").ok_or_else(malformed)?;
        let end = find(rest, next.as_bytes()).ok_or_else(malformed)?;
        parts.push(part(&rest[..end])?);
        rest = &rest[end + next.len()..];
    }
    Ok(parts)
}

/// One part: its headers, a blank line, its body.
fn part(raw: &[u8]) -> Result<Part, InputError> {
    let split = find(raw, b"\r\n\r\n").ok_or_else(malformed)?;
    let head = std::str::from_utf8(&raw[..split])
        .map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
    let mut part = Part {
        name: String::new(),
        filename: None,
        content_type: None,
        body: raw[split + 4..].to_vec(),
    };
    for line in head.split("\r\n") {
        let Some((h, v)) = line.split_once(':') else {
            continue;
        };
        if h.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(v.trim().to_ascii_lowercase());
        } else if h.trim().eq_ignore_ascii_case("content-disposition") {
            part.name = param(v, "name").ok_or_else(malformed)?;
            part.filename = param(v, "filename");
        }
    }
    Ok(part)
}

/// A quoted parameter of `Content-Disposition` (browsers escape `"` as `%22`).
fn param(value: &str, key: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').replace("%22", "\""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_with_a_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAino\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "name");
        assert_eq!(parts[0].body, b"Aino");
        assert_eq!(parts[1].filename.as_deref(), Some("a b.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].body, b"\x89PNG\r\n");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary("text/plain; boundary=x"), None);
        assert!(parse(b"--XyZ\r\nno blank line\r\n--XyZ--", "XyZ").is_err());
        assert!(parse(b"garbage", "XyZ").is_err());
    }
}

//! The contact form, defined once.
//!
//! The generator renders the form from [`FIELDS`] and the configured topics;
//! the handler validates submissions against the same definitions, so the
//! page and the endpoint cannot drift apart.

use serde::Serialize;

pub mod definition;
pub mod extra;

/// How a field is presented and validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Email,
    Textarea,
    /// One of the configured topics.
    Select,
    /// Not shown to people: honeypot, language, client submission id, time trap.
    Hidden,
    /// The honeypot: a text input hidden from people and screen readers.
    Honeypot,
}

/// One field of the contact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The name posted by the form (docs/reference.md, "Contact form").
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Maximum length in characters (Unicode scalar values).
    pub max_len: usize,
    /// The `autocomplete` token a browser should use, if any.
    pub autocomplete: Option<&'static str>,
}

pub const NAME_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const MESSAGE_MAX: usize = 5_000;
pub const ORDER_MAX: usize = 64;

/// Every field, in the order the form shows them.
pub const FIELDS: &[Field] = &[
    Field {
        name: "name",
        kind: FieldKind::Text,
        required: true,
        max_len: NAME_MAX,
        autocomplete: Some("name"),
    },
    Field {
        name: "email",
        kind: FieldKind::Email,
        required: true,
        max_len: EMAIL_MAX,
        autocomplete: Some("email"),
    },
    Field {
        name: "topic",
        kind: FieldKind::Select,
        required: true,
        max_len: 64,
        autocomplete: None,
    },
    Field {
        name: "order",
        kind: FieldKind::Text,
        required: false,
        max_len: ORDER_MAX,
        autocomplete: None,
    },
    Field {
        name: "message",
        kind: FieldKind::Textarea,
        required: true,
        max_len: MESSAGE_MAX,
        autocomplete: None,
    },
    Field {
        name: "website",
        kind: FieldKind::Honeypot,
        required: false,
        max_len: 200,
        autocomplete: Some("off"),
    },
    Field {
        name: "lang",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 35,
        autocomplete: None,
    },
    Field {
        name: "submission_id",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 64,
        autocomplete: None,
    },
    Field {
        name: "started_at",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 20,
        autocomplete: None,
    },
    Field {
        name: "attachments",
        kind: FieldKind::Hidden,
        required: false,
        max_len: ATTACHMENTS_MAX,
        autocomplete: None,
    },
];

/// Longest `attachments` value: the upload keys, comma-separated.
pub const ATTACHMENTS_MAX: usize = 2_000;

/// Topics used when neither `site.toml` (`[form] topics`) nor the handler's
/// environment names any.
pub const DEFAULT_TOPICS: &[&str] = &["billing", "refund", "technical", "licence", "other"];

/// Reasons a visitor may pick after answering "No" to "Was this helpful?";
/// labels are `feedback_reason_<id>` in the UI catalogs.
pub const FEEDBACK_REASONS: &[&str] = &[
    "unclear",
    "incomplete",
    "outdated",
    "not_my_question",
    "other",
];

/// Longest free-text reason after a "No", in characters.
pub const FEEDBACK_TEXT_MAX: usize = 500;

/// Longest search query kept by the insights endpoint, in characters.
pub const INSIGHTS_QUERY_MAX: usize = 200;

/// Looks a field up by its posted name.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Why a submission was refused: the machine-readable `code` of the handler's
/// JSON answers and of the error page's `?code=` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required field is missing or blank.
    Required,
    /// A field is longer than its `max_len`.
    TooLong,
    /// `email` is not an address we can reply to.
    InvalidEmail,
    /// `topic` is not one of the configured topics.
    InvalidTopic,
    /// `lang` is not one of the site's languages.
    InvalidLanguage,
    /// CR or LF in a single-line field (one that may reach a mail header).
    HeaderInjection,
    /// Control characters (NUL and the like) in a field.
    InvalidCharacters,
    /// `submission_id` / `started_at` malformed, or a JSON value of the wrong type.
    InvalidValue,
    /// An extra field the chosen topic requires is missing or blank.
    RequiredForTopic,
    /// A value for an extra field the chosen topic does not show.
    NotForTopic,
    /// An extra `phone` field's value is not a telephone number.
    InvalidPhone,
    /// An extra `url` field's value is not an `http(s)://` address.
    InvalidUrl,
    /// An extra `date` field's value is not a date (`YYYY-MM-DD`).
    InvalidDate,
    /// An extra `number` field's value is not a number in its range.
    InvalidNumber,
    /// An extra `select` field's value is not one of its options.
    InvalidOption,
    /// The same field posted twice.
    DuplicateField,
    /// Body over 64 KiB (HTTP 413).
    BodyTooLarge,
    /// Content type other than urlencoded or JSON (HTTP 415).
    UnsupportedMediaType,
    /// Body is not a JSON object (HTTP 400).
    MalformedJson,
    /// Body is not valid UTF-8 (HTTP 400).
    InvalidUtf8,
    /// Posted from an origin that is not allowed (HTTP 403).
    OriginNotAllowed,
    /// Too many submissions from one client (HTTP 429).
    RateLimited,
    /// The archive could not be written: nothing was stored or sent (HTTP 503).
    ArchiveUnavailable,
    /// Anything else on the server's side (HTTP 500); never caused by input.
    Internal,
    /// More files than the form allows (HTTP 422).
    TooManyFiles,
    /// A file over the size limit (HTTP 413).
    FileTooLarge,
    /// A file of a type the form does not accept (HTTP 415).
    FileType,
    /// An upload key that does not exist or is not this submission's (HTTP 422).
    UploadMissing,
    /// Files posted without the page's script where uploads go straight to
    /// storage (AWS: the Lambda payload limit), HTTP 413.
    UploadsNeedScript,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Required,
        ErrorCode::TooLong,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidTopic,
        ErrorCode::InvalidLanguage,
        ErrorCode::HeaderInjection,
        ErrorCode::InvalidCharacters,
        ErrorCode::InvalidValue,
        ErrorCode::RequiredForTopic,
        ErrorCode::NotForTopic,
        ErrorCode::InvalidPhone,
        ErrorCode::InvalidUrl,
        ErrorCode::InvalidDate,
        ErrorCode::InvalidNumber,
        ErrorCode::InvalidOption,
        ErrorCode::DuplicateField,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MalformedJson,
        ErrorCode::InvalidUtf8,
        ErrorCode::OriginNotAllowed,
        ErrorCode::RateLimited,
        ErrorCode::ArchiveUnavailable,
        ErrorCode::Internal,
        ErrorCode::TooManyFiles,
        ErrorCode::FileTooLarge,
        ErrorCode::FileType,
        ErrorCode::UploadMissing,
        ErrorCode::UploadsNeedScript,
    ];

    /// The code as it appears in JSON and URLs (`snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooLong => "too_long",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidTopic => "invalid_topic",
            ErrorCode::InvalidLanguage => "invalid_language",
            ErrorCode::HeaderInjection => "header_injection",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::RequiredForTopic => "required_for_topic",
            ErrorCode::NotForTopic => "not_for_topic",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidUrl => "invalid_url",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::InvalidNumber => "invalid_number",
            ErrorCode::InvalidOption => "invalid_option",
            ErrorCode::DuplicateField => "duplicate_field",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ArchiveUnavailable => "archive_unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::TooManyFiles => "too_many_files",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::FileType => "file_type",
            ErrorCode::UploadMissing => "upload_missing",
            ErrorCode::UploadsNeedScript => "uploads_need_script",
        }
    }

    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// The catalog key of the message shown to a visitor (`error_required`).
    /// `{max}` in [`ErrorCode::TooLong`]'s text stands for the field's limit.
    pub fn message_key(self) -> String {
        format!("error_{}", self.as_str())
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a field's value may end up in a mail header (subject, Reply-To)
/// or a file name, and so must stay on one line.
pub fn is_single_line(field: &Field) -> bool {
    field.kind != FieldKind::Textarea
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_a_key() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(definition::handler_keys().contains(&code.message_key()));
        }
        assert_eq!(ErrorCode::TooLong.message_key(), "error_too_long");
    }

    #[test]
    fn serialized_code_matches_as_str() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn field_names_are_unique_and_limits_match_consts() {
        let mut names: Vec<_> = FIELDS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        assert_eq!(field("message").unwrap().max_len, MESSAGE_MAX);
        assert_eq!(field("name").unwrap().max_len, NAME_MAX);
    }
}

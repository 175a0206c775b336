//! A valid submission, and the character checks its fields share with the
//! other endpoints.

/// A valid submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub name: String,
    pub email: String,
    pub topic: String,
    pub message: String,
    pub order: Option<String>,
    pub lang: String,
    pub submission_id: Option<String>,
    /// The site's extra fields that were filled, in the form's order.
    pub fields: Vec<helpsite_form::extra::FieldValue>,
    /// Accepted files, already kept beside the record.
    pub attachments: Vec<crate::core::upload::Attachment>,
}

/// Bidirectional overrides and isolates could make a subject or a name
/// display as something else (U+202A–U+202E, U+2066–U+2069).
pub fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

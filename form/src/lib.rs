//! The contact form, defined once.
//!
//! The generator renders the form from [`FIELDS`] and the configured topics;
//! the handler validates submissions against the same definitions, so the
//! page and the endpoint cannot drift apart.

use serde::Serialize;

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
    /// The name posted by the form (CONTRACT.md §5).
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
    Field { name: "name", kind: FieldKind::Text, required: true, max_len: NAME_MAX, autocomplete: Some("name") },
    Field { name: "email", kind: FieldKind::Email, required: true, max_len: EMAIL_MAX, autocomplete: Some("email") },
    Field { name: "topic", kind: FieldKind::Select, required: true, max_len: 64, autocomplete: None },
    Field { name: "order", kind: FieldKind::Text, required: false, max_len: ORDER_MAX, autocomplete: None },
    Field { name: "message", kind: FieldKind::Textarea, required: true, max_len: MESSAGE_MAX, autocomplete: None },
    Field { name: "website", kind: FieldKind::Honeypot, required: false, max_len: 200, autocomplete: Some("off") },
    Field { name: "lang", kind: FieldKind::Hidden, required: false, max_len: 35, autocomplete: None },
    Field { name: "submission_id", kind: FieldKind::Hidden, required: false, max_len: 64, autocomplete: None },
    Field { name: "started_at", kind: FieldKind::Hidden, required: false, max_len: 20, autocomplete: None },
];

/// Topics used when neither `site.toml` (`[form] topics`) nor the handler's
/// environment names any.
pub const DEFAULT_TOPICS: &[&str] = &["billing", "refund", "technical", "licence", "other"];

/// Looks a field up by its posted name.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

//! The webhook's payload, its signature, and its delivery state (no I/O).
//!
//! The body is JSON (`Format::Json`, see [`payload`]) or a Slack incoming
//! webhook's `{"text": …}` (`Format::Slack`). The signature header is
//! `Helpsite-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
//! with the configured secret, and `Idempotency-Key` is the submission's key.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

use crate::core::record::Record;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Helpsite-Signature";
/// The header that carries the submission's key, the same on every attempt.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// What the body looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Slack,
}

/// The body for `rec` in `format`.
pub fn payload(rec: &Record, format: Format) -> Vec<u8> {
    let value = match format {
        Format::Json => serde_json::json!({
            "type": "submission",
            "id": rec.key,
            "submission_id": rec.submission_id,
            "reference": rec.reference,
            "topic": rec.topic,
            "language": rec.lang,
            "received_at": rec.received_at,
            "received_at_ms": rec.received_at_ms,
            "recipients": rec.recipients,
            "fields": {
                "name": rec.name,
                "email": rec.email,
                "order": rec.order,
                "message": rec.message,
            },
            // The site's own fields, in the order the form declares them.
            "extra": rec.fields,
            // Names, sizes and types; the files stay in the archive.
            "attachments": rec.attachments,
        }),
        Format::Slack => serde_json::json!({ "text": slack_text(rec) }),
    };
    serde_json::to_vec(&value).expect("serializable")
}

/// The Slack message: every visitor value escaped for mrkdwn.
fn slack_text(rec: &Record) -> String {
    let e = |s: &str| slack_escape(s);
    format!(
        "*{reference}* ({topic}, {lang})\n{name} <mailto:{email}|{email}>\nOrder: {order}\n{extra}\n{message}",
        reference = e(&rec.reference),
        topic = e(&rec.topic),
        lang = e(&rec.lang),
        name = e(&rec.name),
        email = e(&rec.email),
        order = e(rec.order.as_deref().unwrap_or("-")),
        message = e(&rec.message),
        extra = rec
            .fields
            .iter()
            .map(|f| format!("{}: {}\n", e(&f.name), e(&f.value)))
            .collect::<String>(),
    )
}

/// Slack's mrkdwn escaping: `&`, `<` and `>` are the control characters
/// (`<…>` would be a link or a mention).
pub fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The signature header's value for `body` sent at `unix_seconds`.
pub fn signature(secret: &[u8], unix_seconds: u64, body: &[u8]) -> String {
    format!(
        "t={unix_seconds},v1={}",
        hex_mac(secret, unix_seconds, body)
    )
}

/// Hex HMAC-SHA256 of `"<t>.<body>"`.
pub fn hex_mac(secret: &[u8], unix_seconds: u64, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a submission's webhook stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HookStatus {
    /// Not delivered yet; retried by `redeliver`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered 4xx: not retried.
    Failed,
}

/// The stored state of one submission's webhook (`webhooks/<key>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookState {
    pub status: HookStatus,
    pub attempts: u32,
    /// The receiver's last HTTP status, if it answered.
    pub http_status: Option<u16>,
    pub last_error: Option<String>,
    pub delivered_at_ms: Option<u64>,
}

impl HookState {
    pub fn new() -> HookState {
        HookState {
            status: HookStatus::Pending,
            attempts: 0,
            http_status: None,
            last_error: None,
            delivered_at_ms: None,
        }
    }
}

impl Default for HookState {
    fn default() -> Self {
        HookState::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_time_dot_body() {
        let sig = signature(b"Jefe", 1, b"x");
        assert_eq!(sig, format!("t=1,v1={}", hex_mac(b"Jefe", 1, b"x")));
        assert!(sig.starts_with("t=1,v1="), "{sig}");
        assert_eq!(sig.len(), "t=1,v1=".len() + 64);
        assert_ne!(signature(b"Jefe", 2, b"x"), sig);
        assert_ne!(signature(b"other", 1, b"x"), sig);
    }

    #[test]
    fn hex_mac_covers_time_dot_body() {
        // "1.x" under the key "k", computed independently of `hex_mac`.
        let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"k").unwrap();
        m.update(b"1.x");
        let want: String = m
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex_mac(b"k", 1, b"x"), want);
    }

    #[test]
    fn known_hmac_vector() {
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        let mac = {
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"Jefe").unwrap();
            m.update(b"what do ya want for nothing?");
            m.finalize().into_bytes()
        };
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn slack_control_characters_are_escaped() {
        assert_eq!(
            slack_escape("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
    }

    #[test]
    fn the_sites_own_fields_travel_in_both_formats() {
        let sub = crate::core::submission::Submission {
            name: "Zoë".into(),
            email: "zoe@example.org".into(),
            topic: "billing".into(),
            message: "Hi".into(),
            lang: "en".into(),
            fields: vec![helpsite_form::extra::FieldValue {
                name: "order_number".into(),
                value: "INV-<7>".into(),
            }],
            order: None,
            submission_id: None,
            attachments: Vec::new(),
        };
        let rec = Record::new(sub, "R-1".into(), 0, false);
        let json: serde_json::Value = serde_json::from_slice(&payload(&rec, Format::Json)).unwrap();
        assert_eq!(json["extra"][0]["name"], "order_number");
        assert_eq!(json["extra"][0]["value"], "INV-<7>");
        let slack: serde_json::Value =
            serde_json::from_slice(&payload(&rec, Format::Slack)).unwrap();
        let text = slack["text"].as_str().unwrap();
        assert!(text.contains("order_number: INV-&lt;7&gt;"), "{text}");
    }
}

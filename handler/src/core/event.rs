//! Storage of anonymous visitor signals: "Was this helpful?" votes and
//! reasons, searches that found nothing, suggested answers opened.
//!
//! Layout beside the submissions (a folder, or the S3 bucket and prefix):
//!
//! ```text
//! feedback/<YYYY-MM-DD>/<id>.json   a vote or a reason
//! insights/<YYYY-MM-DD>/<id>.json   a zero-hit query or an opened suggestion
//! ```
//!
//! One small object per event, created only if absent: `<id>` is derived
//! from the page view's random id, so a repeated post of the same vote from
//! one page view stores nothing new. Nothing identifies a visitor: no IP
//! address, no cookie, no user agent; the page-view id is random per view.

use serde::{Deserialize, Serialize};

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A Yes/No vote on a page or a FAQ answer.
    Vote,
    /// Why a page did not help (after a No).
    Reason,
    /// A search that found nothing.
    ZeroHits,
    /// A suggested answer opened from the contact form.
    SuggestionOpened,
}

impl Kind {
    /// The archive folder the kind is stored under.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Vote | Kind::Reason => "feedback",
            Kind::ZeroHits | Kind::SuggestionOpened => "insights",
        }
    }
}

/// One stored event. Short field names: a million of them are read at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the epoch, when received.
    pub t: u64,
    pub k: Kind,
    /// The page's language.
    pub l: String,
    /// The random page-view id (groups a vote and its reason); not kept for insights.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub v: String,
    /// The page's path (`/en/billing/`); for insights the contact page or search page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub p: String,
    /// The FAQ question's anchor, for a vote on one answer.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// `yes` / `no` for a vote.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub y: String,
    /// The reason's choice id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub r: String,
    /// The reason's free text, or the normalized query / opened URL for insights.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub x: String,
}

impl Event {
    /// The object's name under its folder: day and an id derived from the
    /// page view, so the same event from one view maps to one name.
    pub fn object_name(&self) -> String {
        let day = &crate::core::time::rfc3339(self.t)[..10];
        let suffix = match self.k {
            Kind::Vote => format!("{}-v", self.q_hash()),
            Kind::Reason => format!("{}-r", self.q_hash()),
            Kind::ZeroHits => format!("z{:016x}", fnv1a(self.x.as_bytes())),
            Kind::SuggestionOpened => format!("o{:016x}", fnv1a(self.x.as_bytes())),
        };
        format!("{}/{day}/{}-{suffix}.json", self.k.folder(), self.v)
    }

    fn q_hash(&self) -> String {
        format!("{:08x}", fnv1a(self.q.as_bytes()) as u32)
    }
}

/// FNV-1a: a stable, dependency-free hash for object names (not security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn vote(v: &str, q: &str) -> Event {
        Event {
            t: 1_714_657_500_000,
            k: Kind::Vote,
            l: "en".into(),
            v: v.into(),
            p: "/en/billing/".into(),
            q: q.into(),
            y: "no".into(),
            r: String::new(),
            x: String::new(),
        }
    }

    #[test]
    fn one_name_per_view_and_question() {
        assert_eq!(
            vote("abcDEF123456", "").object_name(),
            vote("abcDEF123456", "").object_name()
        );
        assert!(vote("abcDEF123456", "")
            .object_name()
            .starts_with("feedback/2024-05-02/abcDEF123456-"));
        assert_ne!(
            vote("abcDEF123456", "a").object_name(),
            vote("abcDEF123456", "b").object_name()
        );
    }
}

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
//! one page view stores nothing new.
//!
//! A vote, a zero-hit query or an opened suggestion is stored as an empty
//! object whose *name* holds its facts ([`Event::fact_name`]), so counting
//! needs only a listing and the local archive makes it durable with one
//! folder sync shared by concurrent writes:
//!
//! ```text
//! feedback/<day>/<view>-<qhash>-v~<yes|no>~<lang>~<page>~<question>.e
//! insights/<day>/<view>-<z|o><xhash>~<lang>~<query>.e
//! ```
//!
//! Fields are percent-escaped for `%`, `/`, `~` and control characters only
//! (other UTF-8 stays as is). The name's day stands for the time. A reason
//! (free text) or a name over [`NAME_MAX`] bytes is a `<id>.json` object
//! with the event as JSON, as before; readers take both. Nothing identifies a visitor: no IP
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

/// The longest fact name (bytes of the last path segment): file systems
/// allow 255.
pub const NAME_MAX: usize = 240;

/// The extension of an object whose name holds the event.
pub const FACT_EXT: &str = ".e";

impl Event {
    /// `<folder>/<day>/<name>.e` with the event's facts in the name, or
    /// `None` for a reason or when the name would be too long.
    pub fn fact_name(&self) -> Option<String> {
        let day = &crate::core::time::rfc3339(self.t)[..10];
        let mut n = String::new();
        n.push_str(&self.v);
        match self.k {
            Kind::Vote => {
                n.push_str(&format!("-{}-v~", self.q_hash()));
                for (i, f) in [&self.y, &self.l, &self.p, &self.q].into_iter().enumerate() {
                    if i > 0 {
                        n.push('~');
                    }
                    escape_into(&mut n, f);
                }
            }
            Kind::ZeroHits | Kind::SuggestionOpened => {
                let c = if self.k == Kind::ZeroHits { 'z' } else { 'o' };
                n.push_str(&format!("-{c}{:016x}~", fnv1a(self.x.as_bytes())));
                escape_into(&mut n, &self.l);
                n.push('~');
                escape_into(&mut n, &self.x);
            }
            Kind::Reason => return None,
        }
        n.push_str(FACT_EXT);
        (n.len() <= NAME_MAX).then(|| format!("{}/{day}/{n}", self.k.folder()))
    }

    /// The event a fact name holds (the file name alone, `.e` included),
    /// with `t` the start of `day_ms`. `None` when it is not one.
    pub fn from_fact_name(name: &str, day_ms: u64) -> Option<Event> {
        let parts = fact_parts(name)?;
        let [a, b, c, d] = parts.fields.map(unescape);
        let mut ev = Event {
            t: day_ms,
            k: parts.k,
            l: String::new(),
            v: parts.v.to_string(),
            p: String::new(),
            q: String::new(),
            y: String::new(),
            r: String::new(),
            x: String::new(),
        };
        if parts.k == Kind::Vote {
            (ev.y, ev.l, ev.p, ev.q) = (a, b, c, d);
        } else {
            (ev.l, ev.x) = (a, b);
        }
        Some(ev)
    }
}

/// A fact name split, its fields still escaped (see [`unescape`]): for a
/// vote yes/no, language, page, question; for an insight language, query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactParts<'a> {
    pub k: Kind,
    /// The page-view id (votes only: an insight keeps none).
    pub v: &'a str,
    pub fields: [&'a str; 4],
}

/// Splits a fact name (the file name alone, `.e` included) without copying.
pub fn fact_parts(name: &str) -> Option<FactParts<'_>> {
    let stem = name.strip_suffix(FACT_EXT)?;
    let mut parts = stem.split('~');
    let (view, tag) = parts.next()?.rsplit_once('-')?;
    let (k, v, n) = match tag.as_bytes().first()? {
        b'v' => (Kind::Vote, view.rsplit_once('-')?.0, 4),
        b'z' => (Kind::ZeroHits, "", 2),
        b'o' => (Kind::SuggestionOpened, "", 2),
        _ => return None,
    };
    let mut fields = [""; 4];
    for f in fields.iter_mut().take(n) {
        *f = parts.next()?;
    }
    parts.next().is_none().then_some(FactParts { k, v, fields })
}

/// Escapes `%`, `/`, `~` and control characters as `%XX`.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '%' || c == '/' || c == '~' || c.is_control() {
            let mut b = [0; 4];
            for byte in c.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
}

/// The inverse of [`escape_into`] (bad escapes are kept as they are).
pub fn unescape(s: &str) -> String {
    unescape_borrowed(s).into_owned()
}

/// [`unescape`], borrowing when there is nothing to unescape.
pub fn unescape_borrowed(s: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
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
    fn a_fact_name_holds_the_event() {
        let mut ev = vote("abcDEF123456", "how~to/pay%");
        ev.p = "/fa/صورتحساب/".into();
        let name = ev.fact_name().unwrap();
        assert!(
            name.starts_with("feedback/2024-05-02/abcDEF123456-"),
            "{name}"
        );
        let file = name.rsplit('/').next().unwrap();
        let back = Event::from_fact_name(file, ev.t).unwrap();
        assert_eq!(back, ev);
        let z = Event {
            k: Kind::ZeroHits,
            l: "fi".into(),
            x: "gift card ~ 5/6".into(),
            p: String::new(),
            q: String::new(),
            y: String::new(),
            ..ev.clone()
        };
        let zn = z.fact_name().unwrap();
        assert!(zn.starts_with("insights/2024-05-02/"), "{zn}");
        let back = Event::from_fact_name(zn.rsplit('/').next().unwrap(), z.t).unwrap();
        assert_eq!(
            (back.k, back.l.as_str(), back.x.as_str()),
            (Kind::ZeroHits, "fi", "gift card ~ 5/6")
        );
        // Too long for a file name, or free text: the JSON object as before.
        ev.p = format!("/{}/", "a".repeat(300));
        assert_eq!(ev.fact_name(), None);
        assert_eq!(
            Event {
                k: Kind::Reason,
                ..z
            }
            .fact_name(),
            None
        );
        assert_eq!(Event::from_fact_name("abc-v.json", 0), None);
        assert_eq!(Event::from_fact_name("abc-x~a.e", 0), None);
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

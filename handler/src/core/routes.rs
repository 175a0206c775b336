//! Recipients per topic and per language (`CONTACT_ROUTES`).
//!
//! Syntax: entries separated by `;`, each `SELECTOR=MAILBOX[,MAILBOX…]`,
//! where `SELECTOR` is `topic`, `topic/lang` or `*/lang`. The most specific
//! entry wins: `topic/lang`, then `topic`, then `*/lang`, then the default
//! recipients.

use crate::core::mailbox::Mailbox;

/// Which entries apply to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Selector {
    /// `None`: any topic (`*`).
    pub topic: Option<String>,
    pub lang: Option<String>,
}

/// The parsed routes, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    entries: Vec<(Selector, Vec<Mailbox>)>,
}

/// A route entry that cannot be used; `entry` is the entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError {
    pub entry: String,
    pub reason: String,
}

impl Routes {
    /// Parses `CONTACT_ROUTES` against the site's topics and languages.
    pub fn parse(v: &str, topics: &[String], languages: &[String]) -> Result<Routes, RouteError> {
        let mut entries: Vec<(Selector, Vec<Mailbox>)> = Vec::new();
        for raw in v.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let fail = |reason: String| RouteError {
                entry: raw.to_string(),
                reason,
            };
            let (sel, list) = raw
                .split_once('=')
                .ok_or_else(|| fail("expected `topic[/lang]=address[,address…]`".into()))?;
            let sel = selector(sel.trim(), topics, languages).map_err(fail)?;
            if entries.iter().any(|(s, _)| *s == sel) {
                return Err(fail("this topic and language are routed twice".into()));
            }
            let mut to = Vec::new();
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                to.push(
                    Mailbox::parse(item)
                        .ok_or_else(|| fail(format!("{item:?} is not an email address")))?,
                );
            }
            if to.is_empty() {
                return Err(fail("no address after `=`".into()));
            }
            entries.push((sel, to));
        }
        Ok(Routes { entries })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The recipients of a submission on `topic` in `lang`, `default` when
    /// no entry applies.
    pub fn pick<'a>(&'a self, topic: &str, lang: &str, default: &'a [Mailbox]) -> &'a [Mailbox] {
        let find = |t: Option<&str>, l: Option<&str>| {
            self.entries
                .iter()
                .find(|(s, _)| s.topic.as_deref() == t && s.lang.as_deref() == l)
                .map(|(_, to)| to.as_slice())
        };
        find(Some(topic), Some(lang))
            .or_else(|| find(Some(topic), None))
            .or_else(|| find(None, Some(lang)))
            .unwrap_or(default)
    }
}

fn selector(s: &str, topics: &[String], languages: &[String]) -> Result<Selector, String> {
    let (topic, lang) = match s.split_once('/') {
        Some((t, l)) => (t.trim(), Some(l.trim())),
        None => (s, None),
    };
    let topic = match topic {
        "*" if lang.is_none() => return Err("`*` needs a language: `*/lang`".into()),
        "*" => None,
        t if topics.iter().any(|x| x == t) => Some(t.to_string()),
        t => {
            return Err(format!(
                "unknown topic {t:?} (topics: {})",
                topics.join(", ")
            ))
        }
    };
    let lang = match lang {
        None => None,
        Some(l) if languages.iter().any(|x| x == l) => Some(l.to_string()),
        Some(l) => {
            return Err(format!(
                "unknown language {l:?} (languages: {})",
                languages.join(", ")
            ))
        }
    };
    Ok(Selector { topic, lang })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn parse(v: &str) -> Result<Routes, RouteError> {
        Routes::parse(
            v,
            &strs(&["billing", "technical", "other"]),
            &strs(&["en", "fi"]),
        )
    }

    #[test]
    fn the_most_specific_entry_wins() {
        let r = parse(
            "billing=billing@x.com; billing/fi=Laskutus <laskutus@x.com>;\
             technical=helpdesk-inbound@y.com, second@y.com; */fi=tuki@x.com",
        )
        .unwrap();
        let default = [Mailbox::new(None, "support@x.com")];
        let pick = |t, l| {
            r.pick(t, l, &default)
                .iter()
                .map(|m| m.addr.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(pick("billing", "en"), "billing@x.com");
        assert_eq!(pick("billing", "fi"), "laskutus@x.com");
        assert_eq!(
            pick("technical", "fi"),
            "helpdesk-inbound@y.com second@y.com"
        );
        assert_eq!(pick("other", "fi"), "tuki@x.com");
        assert_eq!(pick("other", "en"), "support@x.com");
    }

    #[test]
    fn each_bad_entry_is_named() {
        for (v, entry, says) in [
            ("billing", "billing", "expected"),
            ("refunds=a@x.com", "refunds=a@x.com", "unknown topic"),
            (
                "billing/sv=a@x.com",
                "billing/sv=a@x.com",
                "unknown language",
            ),
            ("billing=", "billing=", "no address"),
            (
                "billing=not-an-address",
                "billing=not-an-address",
                "not an email",
            ),
            ("*=a@x.com", "*=a@x.com", "needs a language"),
            (
                "billing=a@x.com;billing = b@x.com",
                "billing = b@x.com",
                "twice",
            ),
        ] {
            let e = parse(v).unwrap_err();
            assert_eq!(e.entry, entry, "{v}");
            assert!(e.reason.contains(says), "{v}: {}", e.reason);
        }
        assert!(parse(" ; ").unwrap().is_empty());
    }
}

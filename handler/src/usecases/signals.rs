//! Anonymous signals: a "Was this helpful?" post or an insights post judged
//! field by field and turned into [`Event`]s, then stored beside the
//! submissions (see [`crate::core::event`] for the layout). Never mailed.

use std::collections::BTreeMap;

use helpsite_form::{ErrorCode, FEEDBACK_REASONS, FEEDBACK_TEXT_MAX, INSIGHTS_QUERY_MAX};

use crate::core::event::{Event, Kind};
use crate::core::submission::is_bidi_override;
use crate::ports::archive::ArchiveError;
use crate::usecases::input::{urlencoded_pairs, BodyKind, InputError};
use crate::wiring::Archive;

/// A vote is one click: a post sooner than this after the page was shown is a bot.
const MIN_VOTE_MS: u64 = 800;

/// The posted values by name, only the names `known` lists.
pub(crate) type Fields = BTreeMap<&'static str, String>;

pub(crate) const FEEDBACK_FIELDS: &[&str] = &[
    "lang",
    "page",
    "question",
    "vote",
    "reason",
    "text",
    "view",
    "website",
    "started_at",
];
pub(crate) const INSIGHTS_FIELDS: &[&str] = &["lang", "kind", "query", "view", "website"];

pub(crate) fn parse(
    kind: BodyKind,
    body: &[u8],
    known: &[&'static str],
) -> Result<Fields, InputError> {
    std::str::from_utf8(body).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
    let pairs: Vec<(String, String)> = match kind {
        BodyKind::Form => urlencoded_pairs(body).collect::<Result<_, _>>()?,
        BodyKind::Json => {
            let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
                .map_err(|_| InputError::request(ErrorCode::MalformedJson))?;
            let mut v = Vec::new();
            for (n, val) in map {
                let s = match val {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => continue,
                    serde_json::Value::Number(x) => x.to_string(),
                    _ => return Err(InputError::request(ErrorCode::InvalidValue)),
                };
                v.push((n, s));
            }
            v
        }
    };
    let mut out = Fields::new();
    for (n, val) in pairs {
        if let Some(name) = known.iter().find(|k| **k == n) {
            if out.insert(name, val).is_some() {
                return Err(InputError::field(name, ErrorCode::DuplicateField));
            }
        }
    }
    Ok(out)
}

pub(crate) fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(|s| s.trim()).unwrap_or("")
}

/// A single-line value: no control characters, at most `max` characters.
fn line(f: &Fields, name: &'static str, max: usize) -> Result<String, InputError> {
    let v = get(f, name);
    if v.chars().any(char::is_control) {
        return Err(InputError::field(name, ErrorCode::InvalidCharacters));
    }
    if v.chars().count() > max {
        return Err(InputError {
            field: Some(name),
            code: ErrorCode::TooLong,
            max: Some(max),
        });
    }
    Ok(v.to_string())
}

/// The page-view id: 8–64 of `A–Z a–z 0–9 - _`, or a fresh random one (no JavaScript).
fn view_id(f: &Fields) -> Result<String, InputError> {
    let v = get(f, "view");
    if v.is_empty() {
        return Ok(crate::core::reference::new_reference("N").replace('-', ""));
    }
    let ok = (8..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| v.to_string())
        .ok_or_else(|| InputError::field("view", ErrorCode::InvalidValue))
}

/// A site path to return to: `/…`, not `//…`, no backslash or control characters.
pub(crate) fn page_path(f: &Fields) -> Result<String, InputError> {
    let p = line(f, "page", 512)?;
    if p.is_empty() {
        return Err(InputError::field("page", ErrorCode::Required));
    }
    let bad = !p.starts_with('/')
        || p.starts_with("//")
        || p.contains(['\\', '?', '#', ' ', '"', '<', '>'])
        || p.split('/').any(|s| s == "..");
    if bad {
        return Err(InputError::field("page", ErrorCode::InvalidValue));
    }
    Ok(p)
}

fn language(languages: &[String], f: &Fields) -> Result<String, InputError> {
    let l = get(f, "lang");
    if l.is_empty() {
        return Err(InputError::field("lang", ErrorCode::Required));
    }
    languages
        .iter()
        .find(|x| *x == l)
        .cloned()
        .ok_or_else(|| InputError::field("lang", ErrorCode::InvalidLanguage))
}

/// The events one feedback post records (a vote, a reason, or both).
pub(crate) fn feedback_events(
    languages: &[String],
    f: &Fields,
    now: u64,
) -> Result<Vec<Event>, InputError> {
    let lang = language(languages, f)?;
    let page = page_path(f)?;
    let question = line(f, "question", 200)?;
    if question.contains(['/', '\\', '?', '#']) {
        return Err(InputError::field("question", ErrorCode::InvalidValue));
    }
    let view = view_id(f)?;
    let vote = get(f, "vote");
    if !matches!(vote, "" | "yes" | "no") {
        return Err(InputError::field("vote", ErrorCode::InvalidValue));
    }
    let reason = get(f, "reason");
    if !reason.is_empty() && !FEEDBACK_REASONS.contains(&reason) {
        return Err(InputError::field("reason", ErrorCode::InvalidValue));
    }
    let text = reason_text(f)?;
    let base = Event {
        t: now,
        k: Kind::Vote,
        l: lang,
        v: view,
        p: page,
        q: question,
        y: String::new(),
        r: String::new(),
        x: String::new(),
    };
    let mut out = Vec::new();
    if !vote.is_empty() {
        out.push(Event {
            y: vote.to_string(),
            ..base.clone()
        });
    }
    if !reason.is_empty() || !text.is_empty() {
        out.push(Event {
            k: Kind::Reason,
            r: reason.to_string(),
            x: text,
            ..base
        });
    }
    if out.is_empty() {
        return Err(InputError::field("vote", ErrorCode::Required));
    }
    Ok(out)
}

/// The free text: line breaks kept (CRLF counts as one), other controls refused.
fn reason_text(f: &Fields) -> Result<String, InputError> {
    let t = get(f, "text").replace("\r\n", "\n").replace('\r', "\n");
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(InputError::field("text", ErrorCode::InvalidCharacters));
    }
    if t.chars().count() > FEEDBACK_TEXT_MAX {
        return Err(InputError {
            field: Some("text"),
            code: ErrorCode::TooLong,
            max: Some(FEEDBACK_TEXT_MAX),
        });
    }
    Ok(t)
}

/// Lowercased, whitespace collapsed: queries that differ only so count as one.
pub fn normalize_query(q: &str) -> String {
    q.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn insights_event(
    languages: &[String],
    f: &Fields,
    now: u64,
) -> Result<Event, InputError> {
    let lang = language(languages, f)?;
    let k = match get(f, "kind") {
        "zero_hits" => Kind::ZeroHits,
        "suggestion_opened" => Kind::SuggestionOpened,
        "" => return Err(InputError::field("kind", ErrorCode::Required)),
        _ => return Err(InputError::field("kind", ErrorCode::InvalidValue)),
    };
    let query = normalize_query(&line(f, "query", INSIGHTS_QUERY_MAX)?);
    if query.is_empty() {
        return Err(InputError::field("query", ErrorCode::Required));
    }
    if query.chars().any(is_bidi_override) {
        return Err(InputError::field("query", ErrorCode::InvalidCharacters));
    }
    Ok(Event {
        t: now,
        k,
        l: lang,
        v: view_id(f)?,
        p: String::new(),
        q: String::new(),
        y: String::new(),
        r: String::new(),
        x: query,
    })
}

pub(crate) fn is_spam(f: &Fields, received: u64) -> bool {
    if !get(f, "website").is_empty() {
        return true;
    }
    let started = get(f, "started_at").parse::<u64>().ok();
    started.is_some_and(|s| s <= received && received - s < MIN_VOTE_MS)
}

/// Stores the event beside the submissions unless the same one exists.
/// Returns whether it was new.
pub async fn store_event(archive: &Archive, ev: &Event) -> Result<bool, ArchiveError> {
    if let Some(name) = ev.fact_name() {
        return archive.put_if_absent(&name, Vec::new()).await;
    }
    let name = ev.object_name();
    // Insights keep the language and the query only; the view id just names the object.
    let kept = match ev.k.folder() {
        "insights" => Event {
            v: String::new(),
            ..ev.clone()
        },
        _ => ev.clone(),
    };
    let mut body = serde_json::to_vec(&kept).map_err(|e| ArchiveError(e.to_string()))?;
    body.push(b'\n');
    archive.put_if_absent(&name, body).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::local_archive::LocalArchive;
    use crate::core::event::tests::vote;

    fn fields(pairs: &[(&'static str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    fn languages() -> Vec<String> {
        vec!["en".into(), "fa".into()]
    }

    #[test]
    fn only_site_paths_are_returned_to() {
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/a/../b",
            "en/",
            "/\\evil",
            "/a?b",
        ] {
            assert!(page_path(&fields(&[("page", bad)])).is_err(), "{bad}");
        }
        assert_eq!(
            page_path(&fields(&[("page", "/fa/صورتحساب/")])).unwrap(),
            "/fa/صورتحساب/"
        );
    }

    #[test]
    fn a_no_with_a_reason_is_two_events_of_one_view() {
        let f = fields(&[
            ("lang", "fa"),
            ("page", "/fa/billing/"),
            ("vote", "no"),
            ("reason", "unclear"),
            ("text", "line\r\nbreak"),
            ("view", "abcdefgh12"),
        ]);
        let ev = feedback_events(&languages(), &f, 1).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[1].x, "line\nbreak");
        assert_eq!(ev[0].v, ev[1].v);
    }

    #[test]
    fn bad_values_are_named() {
        let base = [("lang", "en"), ("page", "/en/x/")];
        let err = |extra: (&'static str, &str)| {
            let mut f = fields(&base);
            f.insert(extra.0, extra.1.to_string());
            feedback_events(&languages(), &f, 1).unwrap_err()
        };
        assert_eq!(err(("vote", "maybe")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("reason", "rude")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("text", &"x".repeat(501))).code, ErrorCode::TooLong);
        assert_eq!(err(("view", "short")).code, ErrorCode::InvalidValue);
        assert_eq!(err(("vote", "")).code, ErrorCode::Required);
    }

    #[tokio::test]
    async fn a_repeat_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::Local(LocalArchive::new(dir.path()));
        assert!(store_event(&archive, &vote("abcDEF123456", ""))
            .await
            .unwrap());
        assert!(!store_event(&archive, &vote("abcDEF123456", ""))
            .await
            .unwrap());
        let day = dir.path().join("feedback/2024-05-02");
        assert_eq!(std::fs::read_dir(&day).unwrap().count(), 1);
        // A vote's facts are in its name; the file is empty.
        let name = std::fs::read_dir(&day).unwrap().next().unwrap().unwrap();
        assert!(name.file_name().to_str().unwrap().ends_with(".e"));
        assert_eq!(name.metadata().unwrap().len(), 0);
        // A reason keeps its text in a JSON file.
        let reason = Event {
            k: crate::core::event::Kind::Reason,
            x: "too short".into(),
            ..vote("abcDEF123456", "")
        };
        assert!(store_event(&archive, &reason).await.unwrap());
        assert!(!store_event(&archive, &reason).await.unwrap());
        assert_eq!(std::fs::read_dir(&day).unwrap().count(), 2);
    }

    #[tokio::test]
    async fn concurrent_votes_are_all_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::Local(LocalArchive::new(dir.path()));
        let mut tasks = Vec::new();
        for i in 0..200 {
            let archive = archive.clone();
            tasks.push(tokio::spawn(async move {
                store_event(&archive, &vote(&format!("view{:08}", i % 100), "")).await
            }));
        }
        let mut new = 0;
        for t in tasks {
            new += usize::from(t.await.unwrap().unwrap());
        }
        assert_eq!(new, 100);
        let day = dir.path().join("feedback/2024-05-02");
        assert_eq!(std::fs::read_dir(day).unwrap().count(), 100);
    }
}

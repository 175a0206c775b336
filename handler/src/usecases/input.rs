//! Request bodies → field values, and validation against the shared form
//! definition ([`helpsite_form::FIELDS`]).

use std::collections::{BTreeMap, BTreeSet};

use helpsite_form::extra::{ExtraField, FieldValue};
use helpsite_form::{ErrorCode, FieldKind, FIELDS};
use serde::Serialize;

use crate::config::Config;
use crate::core::mailbox::is_valid_email;
use crate::core::submission::{is_bidi_override, Submission};
use crate::core::texts::Chosen;

/// Largest body accepted (HTTP 413 above it).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The posted values of the built-in fields, and those posted under other
/// names: the site's extra fields are among them, the rest is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFields {
    pub known: BTreeMap<&'static str, String>,
    pub other: BTreeMap<String, String>,
    /// Other names posted more than once (an error if one is an extra field).
    pub repeated: BTreeSet<String>,
}

impl RawFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.known.get(name).map(String::as_str)
    }

    /// The known fields of `pairs` (a `multipart/form-data` body's fields).
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RawFields, InputError> {
        let mut fields = RawFields::default();
        for (name, value) in pairs {
            fields.insert(&name, value)?;
        }
        Ok(fields)
    }

    fn insert(&mut self, name: &str, value: String) -> Result<(), InputError> {
        let Some(field) = helpsite_form::field(name) else {
            if self.other.insert(name.to_string(), value).is_some() {
                self.repeated.insert(name.to_string());
            }
            return Ok(());
        };
        if self.known.insert(field.name, value).is_some() {
            return Err(InputError::field(field.name, ErrorCode::DuplicateField));
        }
        Ok(())
    }
}

/// One problem with a submission: a field (or the whole request) and a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub field: Option<&'static str>,
    pub code: ErrorCode,
    /// The limit, for [`ErrorCode::TooLong`].
    #[serde(skip)]
    pub max: Option<usize>,
}

impl InputError {
    pub fn request(code: ErrorCode) -> InputError {
        InputError {
            field: None,
            code,
            max: None,
        }
    }
    pub fn field(field: &'static str, code: ErrorCode) -> InputError {
        InputError {
            field: Some(field),
            code,
            max: None,
        }
    }
    /// The visitor-facing text, from the texts chosen for the answer.
    pub fn message(&self, texts: &Chosen<'_>) -> String {
        let key = self.code.message_key();
        let text = texts.message(&key);
        match self.max {
            Some(max) => text.replace("{max}", &texts.number(max)),
            None => text.to_string(),
        }
    }
}

/// The two body formats every endpoint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/x-www-form-urlencoded`
    Form,
    /// `application/json`
    Json,
}

/// `application/x-www-form-urlencoded`, decoded strictly: the body and every
/// decoded name and value must be UTF-8.
pub fn parse_urlencoded(body: &[u8]) -> Result<RawFields, InputError> {
    std::str::from_utf8(body).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
    let mut fields = RawFields::default();
    for pair in urlencoded_pairs(body) {
        let (name, value) = pair?;
        fields.insert(&name, value)?;
    }
    Ok(fields)
}

/// The decoded name–value pairs of an urlencoded body, in order.
pub(crate) fn urlencoded_pairs(
    body: &[u8],
) -> impl Iterator<Item = Result<(String, String), InputError>> + '_ {
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            Ok((decode_component(name)?, decode_component(value)?))
        })
}

fn decode_component(raw: &[u8]) -> Result<String, InputError> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))
}

/// `application/json`: one object whose values are strings (numbers are
/// accepted for `started_at`; `null` counts as absent).
pub fn parse_json(body: &[u8]) -> Result<RawFields, InputError> {
    std::str::from_utf8(body).map_err(|_| InputError::request(ErrorCode::InvalidUtf8))?;
    let pairs: JsonPairs =
        serde_json::from_slice(body).map_err(|_| InputError::request(ErrorCode::MalformedJson))?;
    let mut fields = RawFields::default();
    for (name, value) in pairs.0 {
        let value = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => continue,
            serde_json::Value::Number(n)
                if name == "started_at" || helpsite_form::field(&name).is_none() =>
            {
                n.to_string()
            }
            _ => match helpsite_form::field(&name) {
                Some(f) => return Err(InputError::field(f.name, ErrorCode::InvalidValue)),
                None => continue,
            },
        };
        fields.insert(&name, value)?;
    }
    Ok(fields)
}

/// A JSON object kept as a list of pairs, so duplicate names are seen.
struct JsonPairs(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for JsonPairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = JsonPairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<JsonPairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    pairs.push((k, v));
                }
                Ok(JsonPairs(pairs))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// Why a post is judged spam (answered like a success, nothing stored or sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spam {
    Honeypot,
    TooFast,
}

impl Spam {
    pub fn as_str(self) -> &'static str {
        match self {
            Spam::Honeypot => "honeypot",
            Spam::TooFast => "time_trap",
        }
    }
}

/// Honeypot and time trap. `started_at` is the page's clock, the receipt
/// time is ours: a post with `started_at` between `min_fill` before receipt
/// and receipt is too fast for a person. A `started_at` in our future (a
/// visitor's clock running ahead) cannot be judged and is let through.
pub fn spam_check(raw: &RawFields, received_ms: u64, min_fill_ms: u64) -> Option<Spam> {
    if raw.get("website").is_some_and(|v| !v.trim().is_empty()) {
        return Some(Spam::Honeypot);
    }
    let started = raw.get("started_at")?.trim().parse::<u64>().ok()?;
    (started <= received_ms && received_ms - started < min_fill_ms).then_some(Spam::TooFast)
}

/// The language to answer in before (or whether or not) the submission is
/// valid: its `lang` when the site has it, else `fallback`.
pub fn answer_language<'a>(raw: &'a RawFields, languages: &[String], fallback: &'a str) -> &'a str {
    match raw.get("lang").map(str::trim) {
        Some(l) if languages.iter().any(|x| x == l) => l,
        _ => fallback,
    }
}

/// What a submission may name: the site's languages and topics.
#[derive(Debug, Clone, Copy)]
pub struct Allowed<'a> {
    pub languages: &'a [String],
    pub topics: &'a [String],
    /// The language of a submission that names none.
    pub default_language: &'a str,
    /// The site's extra fields (from its form definition).
    pub extra: &'a [ExtraField],
}

impl<'a> Allowed<'a> {
    /// The languages and topics the settings list.
    pub fn of(cfg: &'a Config) -> Allowed<'a> {
        Allowed {
            languages: &cfg.languages,
            topics: &cfg.topics,
            default_language: &cfg.default_language,
            extra: cfg
                .texts
                .definition()
                .map_or(&[][..], |d| d.fields.as_slice()),
        }
    }
}

/// Checks every field against its definition in [`FIELDS`] and the
/// configured topics and languages.
pub fn validate(raw: &RawFields, allowed: &Allowed<'_>) -> Result<Submission, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut clean: BTreeMap<&'static str, String> = BTreeMap::new();
    for f in FIELDS {
        if f.kind == FieldKind::Honeypot {
            continue;
        }
        match check_field(f, raw.get(f.name).unwrap_or(""), allowed) {
            Ok(Some(value)) => {
                clean.insert(f.name, value);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    let fields = match clean.get("topic") {
        Some(topic) => extra_fields(raw, allowed.extra, topic, &mut errors),
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut take = |k: &str| clean.remove(k);
    Ok(Submission {
        name: take("name").unwrap_or_default(),
        email: take("email").unwrap_or_default(),
        topic: take("topic").unwrap_or_default(),
        message: take("message").unwrap_or_default(),
        order: take("order"),
        lang: take("lang").unwrap_or_else(|| allowed.default_language.to_string()),
        submission_id: take("submission_id"),
        fields,
        attachments: Vec::new(),
    })
}

/// One field's clean value (`None`: empty and optional), or its error.
fn check_field(
    f: &helpsite_form::Field,
    value: &str,
    allowed: &Allowed<'_>,
) -> Result<Option<String>, InputError> {
    let value = normalized(f, value)?;
    if value.is_empty() {
        return match f.required {
            true => Err(InputError::field(f.name, ErrorCode::Required)),
            false => Ok(None),
        };
    }
    if value.chars().count() > f.max_len {
        return Err(InputError {
            field: Some(f.name),
            code: ErrorCode::TooLong,
            max: Some(f.max_len),
        });
    }
    let code = match (f.kind, f.name) {
        (FieldKind::Email, _) if !is_valid_email(&value) => Some(ErrorCode::InvalidEmail),
        (FieldKind::Select, _) if !allowed.topics.contains(&value) => Some(ErrorCode::InvalidTopic),
        (_, "lang") if !allowed.languages.contains(&value) => Some(ErrorCode::InvalidLanguage),
        (_, "submission_id")
            if value.len() < 8
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Some(ErrorCode::InvalidValue)
        }
        (_, "started_at") if value.parse::<u64>().is_err() => Some(ErrorCode::InvalidValue),
        _ => None,
    };
    match code {
        Some(code) => Err(InputError::field(f.name, code)),
        None => Ok(Some(value)),
    }
}

/// The value trimmed (a textarea's line breaks as `\n`), or the error of a
/// character the field may not hold.
fn normalized(f: &helpsite_form::Field, value: &str) -> Result<String, InputError> {
    let value = if f.kind == FieldKind::Textarea {
        // Browsers send a textarea's line breaks as CRLF but count them as
        // one character for `maxlength`; count them the same way.
        value
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .trim_end()
            .trim_start_matches(['\n', ' '])
            .to_string()
    } else {
        if value.contains(['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}']) {
            return Err(InputError::field(f.name, ErrorCode::HeaderInjection));
        }
        value.trim().to_string()
    };
    let bad_char =
        |c: char| c.is_control() && !(f.kind == FieldKind::Textarea && (c == '\n' || c == '\t'));
    if value
        .chars()
        .any(|c| bad_char(c) || is_bidi_override(c) && f.kind != FieldKind::Textarea)
    {
        return Err(InputError::field(f.name, ErrorCode::InvalidCharacters));
    }
    Ok(value)
}

/// The site's extra fields (from the form definition) checked for the
/// chosen topic by the definition's own rules.
fn extra_fields(
    raw: &RawFields,
    extra: &[ExtraField],
    topic: &str,
    errors: &mut Vec<InputError>,
) -> Vec<FieldValue> {
    let repeated: Vec<_> = extra
        .iter()
        .filter(|f| raw.repeated.contains(&f.name))
        .map(|f| InputError::field(static_name(&f.name), ErrorCode::DuplicateField))
        .collect();
    if !repeated.is_empty() {
        errors.extend(repeated);
        return Vec::new();
    }
    helpsite_form::extra::validate(extra, topic, &raw.other).unwrap_or_else(|problems| {
        errors.extend(problems.into_iter().map(|p| {
            let f = &extra[p.index];
            InputError {
                field: Some(static_name(&f.name)),
                code: p.code,
                max: (p.code == ErrorCode::TooLong).then(|| f.max_len()),
            }
        }));
        Vec::new()
    })
}

/// An extra field's name as `&'static str`, for the errors that name it.
/// Only names from the form definition come here (never a request's), each
/// kept once for the life of the process.
fn static_name(name: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cfg() -> Allowed<'static> {
        let cfg = Config::local(
            Path::new("/tmp/x"),
            vec!["en".into(), "fi".into(), "fa".into()],
            "en".into(),
            vec![],
        );
        Allowed::of(Box::leak(Box::new(cfg)))
    }

    fn raw(pairs: &[(&'static str, &str)]) -> RawFields {
        RawFields {
            known: pairs.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..RawFields::default()
        }
    }

    fn valid() -> Vec<(&'static str, &'static str)> {
        vec![
            ("name", "Aino"),
            ("email", "aino@example.com"),
            ("topic", "billing"),
            ("message", "Hello"),
        ]
    }

    fn codes(r: Result<Submission, Vec<InputError>>) -> Vec<(Option<&'static str>, ErrorCode)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn urlencoded_is_decoded_strictly() {
        let r = parse_urlencoded(b"name=A+%C3%A4&email=a%40b.fi&unknown=1&lang=").unwrap();
        assert_eq!(r.get("name"), Some("A ä"));
        assert_eq!(r.get("email"), Some("a@b.fi"));
        assert_eq!(r.get("unknown"), None);
        assert_eq!(
            parse_urlencoded(b"name=%FF").unwrap_err().code,
            ErrorCode::InvalidUtf8
        );
        assert_eq!(
            parse_urlencoded(b"name=\xff").unwrap_err().code,
            ErrorCode::InvalidUtf8
        );
        assert_eq!(
            parse_urlencoded(b"email=a@b.fi&email=c@d.fi").unwrap_err(),
            InputError::field("email", ErrorCode::DuplicateField)
        );
    }

    #[test]
    fn json_objects_only() {
        let r =
            parse_json(br#"{"name":"A","started_at":1700000000000,"order":null,"x":[1]}"#).unwrap();
        assert_eq!(r.get("started_at"), Some("1700000000000"));
        assert_eq!(r.get("order"), None);
        for bad in [
            &b"{"[..],
            b"[1,2]",
            b"\"s\"",
            b"",
            b"{\"name\":\"a\"} trailing",
        ] {
            assert_eq!(
                parse_json(bad).unwrap_err().code,
                ErrorCode::MalformedJson,
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_json(b"{\"name\":\"\xff\"}").unwrap_err().code,
            ErrorCode::InvalidUtf8
        );
        assert_eq!(
            parse_json(br#"{"name":1}"#).unwrap_err(),
            InputError::field("name", ErrorCode::InvalidValue)
        );
        assert_eq!(
            parse_json(br#"{"name":"a","name":"b"}"#).unwrap_err(),
            InputError::field("name", ErrorCode::DuplicateField)
        );
    }

    #[test]
    fn a_valid_submission() {
        let mut v = valid();
        v.push(("lang", "fi"));
        v.push(("order", " 1234 "));
        v.push(("message", "line 1\r\nline 2\r\n"));
        v.retain(|(k, val)| *k != "message" || val.contains('\n'));
        let s = validate(&raw(&v), &cfg()).unwrap();
        assert_eq!(s.lang, "fi");
        assert_eq!(s.order.as_deref(), Some("1234"));
        assert_eq!(s.message, "line 1\nline 2");
        let s = validate(&raw(&valid()), &cfg()).unwrap();
        assert_eq!(s.lang, "en");
        assert_eq!(s.order, None);
    }

    #[test]
    fn required_fields() {
        assert_eq!(
            codes(validate(&raw(&[("message", "   ")]), &cfg())),
            vec![
                (Some("name"), ErrorCode::Required),
                (Some("email"), ErrorCode::Required),
                (Some("topic"), ErrorCode::Required),
                (Some("message"), ErrorCode::Required),
            ]
        );
    }

    #[test]
    fn lengths() {
        let mut v = valid();
        let long_name = "n".repeat(201);
        let max_message = "m".repeat(5000);
        v[0].1 = &max_message[..200];
        v[3].1 = &max_message;
        assert!(validate(&raw(&v), &cfg()).is_ok());
        let longer = "m".repeat(5001);
        v[0].1 = &long_name;
        v[3].1 = &longer;
        let errs = validate(&raw(&v), &cfg()).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().all(|e| e.code == ErrorCode::TooLong));
        assert_eq!(
            errs[0].message(&crate::Texts::shipped().for_lang("en")),
            "This field is too long (at most 200 characters)."
        );
        // 2,500 CRLF line breaks count as 2,500 characters, like the browser's maxlength.
        let crlf = "a\r\n".repeat(1666);
        v[0].1 = "ok";
        v[3].1 = &crlf;
        assert!(validate(&raw(&v), &cfg()).is_ok());
        // Characters, not bytes: 200 Cyrillic letters are fine.
        let cyr = "ж".repeat(200);
        v[0].1 = &cyr;
        assert!(validate(&raw(&v), &cfg()).is_ok());
    }

    #[test]
    fn header_injection_in_every_single_line_field() {
        for f in FIELDS
            .iter()
            .filter(|f| helpsite_form::is_single_line(f) && f.kind != FieldKind::Honeypot)
        {
            for evil in ["x\r\nBcc: a@example.com", "x\nY", "x\rY", "x\u{2028}y"] {
                let mut v = valid();
                v.retain(|(k, _)| *k != f.name);
                v.push((f.name, evil));
                assert_eq!(
                    codes(validate(&raw(&v), &cfg())),
                    vec![(Some(f.name), ErrorCode::HeaderInjection)],
                    "{}",
                    f.name
                );
            }
        }
        // The message may have line breaks.
        let mut v = valid();
        v[3].1 = "a\r\nb";
        assert!(validate(&raw(&v), &cfg()).is_ok());
    }

    #[test]
    fn control_characters() {
        let mut v = valid();
        v[0].1 = "a\0b";
        assert_eq!(
            codes(validate(&raw(&v), &cfg())),
            vec![(Some("name"), ErrorCode::InvalidCharacters)]
        );
        let mut v = valid();
        v[0].1 = "evil\u{202E}gnp.exe";
        assert_eq!(
            codes(validate(&raw(&v), &cfg())),
            vec![(Some("name"), ErrorCode::InvalidCharacters)]
        );
        let mut v = valid();
        v[3].1 = "bell\u{7}";
        assert_eq!(
            codes(validate(&raw(&v), &cfg())),
            vec![(Some("message"), ErrorCode::InvalidCharacters)]
        );
    }

    #[test]
    fn email_topic_language_ids() {
        let mut v = valid();
        v[1].1 = "not-an-address";
        v[2].1 = "lottery";
        v.push(("lang", "de"));
        v.push(("submission_id", "short"));
        v.push(("started_at", "yesterday"));
        assert_eq!(
            codes(validate(&raw(&v), &cfg())),
            vec![
                (Some("email"), ErrorCode::InvalidEmail),
                (Some("topic"), ErrorCode::InvalidTopic),
                (Some("lang"), ErrorCode::InvalidLanguage),
                (Some("submission_id"), ErrorCode::InvalidValue),
                (Some("started_at"), ErrorCode::InvalidValue),
            ]
        );
    }

    #[test]
    fn spam_rules() {
        let now = 1_700_000_010_000;
        assert_eq!(
            spam_check(&raw(&[("website", "http://spam")]), now, 3000),
            Some(Spam::Honeypot)
        );
        assert_eq!(spam_check(&raw(&[("website", " ")]), now, 3000), None);
        assert_eq!(
            spam_check(&raw(&[("started_at", "1700000009000")]), now, 3000),
            Some(Spam::TooFast)
        );
        assert_eq!(
            spam_check(&raw(&[("started_at", "1700000000000")]), now, 3000),
            None
        );
        assert_eq!(
            spam_check(&raw(&[]), now, 3000),
            None,
            "no JS: no time trap"
        );
        assert_eq!(
            spam_check(&raw(&[("started_at", "1700000060000")]), now, 3000),
            None,
            "clock ahead"
        );
    }

    #[test]
    fn every_shared_field_is_understood() {
        // The drift guard: each field of the shared definition is accepted by
        // the parser, and its limit is the one the handler enforces.
        for f in FIELDS {
            let body = format!("{}=x", f.name);
            assert_eq!(
                parse_urlencoded(body.as_bytes()).unwrap().get(f.name),
                Some("x"),
                "{}",
                f.name
            );
            if f.required {
                let mut v = valid();
                v.retain(|(k, _)| *k != f.name);
                assert_eq!(
                    codes(validate(&raw(&v), &cfg())),
                    vec![(Some(f.name), ErrorCode::Required)]
                );
            }
        }
    }
}

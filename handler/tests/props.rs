//! Property tests: no input makes the handler panic or answer 5xx, and no
//! message it writes has a header broken by CR/LF from a visitor.

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use handler::core::record::Record;
use handler::core::submission::Submission;
use handler::usecases::messages::Letterhead;
use handler::Config;
use proptest::prelude::*;
use tower::ServiceExt;

/// Header names our messages may carry; anything else means a visitor
/// managed to start a header of their own.
const ALLOWED: &[&str] = &[
    "from",
    "to",
    "reply-to",
    "subject",
    "message-id",
    "date",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-language",
    "x-helpsite-reference",
    "auto-submitted",
];

/// Checks the header block of a raw message: only CRLF line ends, every
/// logical header (after unfolding) is `Name: value` with an allowed name,
/// From/To are the configured ones, and no decoded value holds CR or LF.
fn check_message(raw: &[u8], cfg: &Config, visitor: &str) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header block ends");
    let block = &raw[..end + 2];
    for (i, b) in block.iter().enumerate() {
        match b {
            b'\n' => assert!(i > 0 && block[i - 1] == b'\r', "bare LF in headers"),
            b'\r' => assert_eq!(block.get(i + 1), Some(&b'\n'), "bare CR in headers"),
            _ => {}
        }
    }
    let text = std::str::from_utf8(block).expect("headers are ASCII/UTF-8");
    let mut names = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            continue; // folded continuation
        }
        let (name, _) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("not a header line: {line:?}"));
        assert!(
            ALLOWED.contains(&name.to_ascii_lowercase().as_str()),
            "unexpected header {name:?} in:\n{text}"
        );
        names.push(name.to_ascii_lowercase());
    }
    for once in ["from", "to", "subject", "reply-to"] {
        assert!(
            names.iter().filter(|n| *n == once).count() <= 1,
            "{once} twice"
        );
    }
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parses");
    for h in msg.headers() {
        let values: Vec<String> = match h.value() {
            mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
            mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
            mail_parser::HeaderValue::Address(a) => a
                .iter()
                .flat_map(|addr| {
                    [
                        addr.name().unwrap_or("").to_string(),
                        addr.address().unwrap_or("").to_string(),
                    ]
                })
                .collect(),
            _ => vec![],
        };
        for v in values {
            assert!(
                !v.contains(['\r', '\n']),
                "decoded {:?} holds a line break: {v:?}",
                h.name()
            );
        }
    }
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some(cfg.sender.addr.as_str()));
    assert_eq!(msg.from().unwrap().iter().count(), 1);
    let to: Vec<_> = msg
        .to()
        .unwrap()
        .iter()
        .map(|a| a.address().unwrap_or("").to_string())
        .collect();
    if names.iter().any(|n| n == "reply-to") {
        // The support message: To is the configured team, Reply-To the visitor alone.
        let expected: Vec<_> = cfg.recipients.iter().map(|m| m.addr.clone()).collect();
        assert_eq!(to, expected);
        let reply: Vec<_> = msg
            .reply_to()
            .unwrap()
            .iter()
            .map(|a| a.address().unwrap_or("").to_string())
            .collect();
        assert_eq!(reply, vec![visitor.to_string()]);
    } else {
        assert_eq!(to, vec![visitor.to_string()]);
    }
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        4 => "[a-zA-Z0-9 äöжবফ،:<>\"'=?@,;&\\\\]{0,40}",
        1 => "[a-z]{1,8}(\r\n|\n|\r)(Bcc|To|Subject|Content-Type): [a-z@.]{1,20}",
        1 => Just("=?utf-8?B?DQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?=".to_string()),
    ]
}

fn email() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("visitor@example.com".to_string()),
        2 => "[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,10}\\.[a-z]{2,5}",
        1 => field(),
    ]
}

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![4 => Just("billing".to_string()), 1 => field()]
}

fn lang() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("fa".to_string())),
        Just(Some("bn".to_string())),
        field().prop_map(Some)
    ]
}

fn config(root: &Path) -> Config {
    let mut cfg = Config::local(
        root,
        ["en", "fi", "ru", "bn", "fa"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        "en".into(),
        vec!["billing".into(), "other".into()],
    );
    cfg.rate_limit = None;
    cfg.min_fill_time = std::time::Duration::ZERO;
    cfg
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Pieces of addresses: everything RFC 5322 allows in a local part, and
/// what it does not (encoded-word openers, quotes, comments, separators,
/// line breaks, non-ASCII).
fn address_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z0-9]{1,4}",
        4 => "[!#$%&'*+/=?^_`{|}~.-]",
        2 => prop_oneof![Just("=?"), Just("?="), Just("?Q?"), Just("?b?"), Just("=?utf-8?b?YUBiLmM=?=")]
            .prop_map(str::to_string),
        2 => "[()<>\\[\\]:;@,\" \\\\]",
        1 => "[äжব\u{2028}\u{200f}]",
        1 => prop_oneof![Just("\r\n"), Just("\t"), Just("\0")].prop_map(str::to_string),
    ]
}

fn address() -> impl Strategy<Value = String> {
    let local = proptest::collection::vec(address_piece(), 1..8).prop_map(|v| v.concat());
    let domain = prop_oneof![
        3 => "[a-z0-9-]{1,10}\\.[a-z]{2,5}",
        1 => (proptest::collection::vec(address_piece(), 1..4), "[a-z]{2,4}")
            .prop_map(|(v, tld)| format!("{}.{tld}", v.concat())),
    ];
    (local, domain).prop_map(|(l, d)| format!("{l}@{d}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every address the form accepts comes out of the written headers
    /// exactly as accepted (Reply-To of the support message, To of the
    /// acknowledgement); any other is refused with `invalid_email`.
    #[test]
    fn every_accepted_address_round_trips_through_the_headers(email in address()) {
        let cfg = config(Path::new("/nonexistent"));
        let body = serde_json::json!({
            "name": "Aino", "email": email, "topic": "billing", "message": "Hello", "lang": "en",
        });
        let raw = handler::usecases::input::parse_json(body.to_string().as_bytes()).unwrap();
        let sub = match handler::usecases::input::validate(&raw, &handler::usecases::input::Allowed::of(&cfg)) {
            Ok(sub) => sub,
            Err(errors) => {
                use helpsite_form::ErrorCode::*;
                let codes: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
                prop_assert!(
                    codes.iter().all(|(f, c)| *f == Some("email")
                        && matches!(c, InvalidEmail | HeaderInjection | InvalidCharacters)),
                    "only the address is refused, as an address: {codes:?}"
                );
                return Ok(());
            }
        };
        prop_assert_eq!(&sub.email, email.trim());
        let rec = Record::new(sub, handler::reference::new_reference("HS"), 1_714_657_500_000, true);
        let support = handler::usecases::messages::support_message(&Letterhead::of(&cfg), &rec);
        let msg = mail_parser::MessageParser::default().parse(&support.raw).unwrap();
        let reply: Vec<_> = msg.reply_to().unwrap().iter().map(|a| a.address().map(str::to_string)).collect();
        prop_assert_eq!(reply, vec![Some(rec.email.clone())]);
        let ack = handler::usecases::messages::acknowledgement(&Letterhead::of(&cfg), &rec);
        prop_assert_eq!(&ack.envelope.to, &vec![rec.email.clone()]);
        let msg = mail_parser::MessageParser::default().parse(&ack.raw).unwrap();
        let to: Vec<_> = msg.to().unwrap().iter().map(|a| a.address().map(str::to_string)).collect();
        prop_assert_eq!(to, vec![Some(rec.email.clone())]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever is posted (urlencoded or JSON), the answer is 2xx/3xx/4xx,
    /// and every message written has intact headers.
    #[test]
    fn any_post_is_answered_without_panic_or_broken_headers(
        name in field(), email in email(), topic in topic(), message in field(),
        order in proptest::option::of(field()), lang in lang(), website in proptest::option::weighted(0.2, field()),
        as_json in any::<bool>(), junk in proptest::collection::vec(any::<u8>(), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path());
        let app = Router::new().nest("/api", handler::router(cfg.clone()));
        let sent_email = email.trim().to_string();
        let mut pairs = vec![("name", name), ("email", email), ("topic", topic), ("message", message)];
        if let Some(o) = order { pairs.push(("order", o)); }
        if let Some(l) = lang { pairs.push(("lang", l)); }
        if let Some(w) = website { pairs.push(("website", w)); }
        let (ct, mut body) = if as_json {
            let map: serde_json::Map<String, serde_json::Value> =
                pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
            ("application/json", serde_json::to_vec(&map).unwrap())
        } else {
            let s: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
            ("application/x-www-form-urlencoded", s.join("&").into_bytes())
        };
        // Sometimes a few stray bytes: invalid UTF-8 or a broken document.
        if junk.len() == 5 { body.extend_from_slice(&junk); }

        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let status = rt.block_on(async {
            let req = Request::post("/api/contact").header("content-type", ct).header("accept", "application/json")
                .body(Body::from(body)).unwrap();
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
            let j: serde_json::Value = serde_json::from_slice(&bytes).expect("always a JSON answer");
            assert!(j["ok"].is_boolean());
            status
        });
        prop_assert!(status.as_u16() < 500, "status {status}");
        if let Ok(entries) = std::fs::read_dir(dir.path().join(".outbox")) {
            for e in entries {
                let raw = std::fs::read(e.unwrap().path()).unwrap();
                let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
                let visitor = msg.header_raw("X-Helpsite-Reference").map(|_| sent_email.clone()).unwrap();
                check_message(&raw, &cfg, &visitor);
            }
        }
    }

    /// Even fed values validation would refuse (CR/LF and all), the MIME
    /// builder keeps every header on its own line: defence in depth.
    #[test]
    fn built_messages_never_carry_a_visitor_line_break_in_a_header(
        name in field(), topic in field(), message in field(), lang in "[a-z]{2}",
        order in proptest::option::of(field()), email in "[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,10}\\.[a-z]{2,5}",
    ) {
        let cfg = config(Path::new("/nonexistent"));
        let sub = Submission {
            name, email: email.clone(), topic, message, order, lang, submission_id: None,
            fields: Vec::new(), attachments: vec![],
        };
        let rec = Record::new(sub, handler::reference::new_reference("HS"), 1_714_657_500_000, true);
        check_message(&handler::usecases::messages::support_message(&Letterhead::of(&cfg), &rec).raw, &cfg, &email);
        check_message(&handler::usecases::messages::acknowledgement(&Letterhead::of(&cfg), &rec).raw, &cfg, &email);
    }
}

/// Characters that must never reach a stored file name: they would split a
/// path, hide or reorder text (bidi and zero-width), break a header or a
/// URL, or start an HTML tag.
fn is_unsafe_in_a_name(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '/' | '\\' | '"' | '\'' | '%' | ';' | ':' | '<' | '>' | '&' | '?' | '#'
        )
        || matches!(c, '\u{034F}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Names as people and their tools make them: letters of several scripts,
/// separators, dots, spaces, bidi and zero-width characters, anything.
fn file_names() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '.', '.', '/', '\\', ' ', '-', '_', '\0', '\n', '"', '%', '\u{202E}', '\u{2067}',
        '\u{200C}', '\u{200F}', '\u{FEFF}', 'ф', 'ы', '截', '图', 'ص', 'و', 'ر', 'ة', 'স',
        '\u{09CD}', 'क', '\u{094D}', 'a', 'Z', '7', '😀',
    ]);
    let stem = prop::collection::vec(prop_oneof![3 => special, 1 => any::<char>()], 0..120)
        .prop_map(|v| v.into_iter().collect::<String>());
    let ext = prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9]{1,10}".prop_map(|e| format!(".{e}")),
        "[а-я]{1,4}".prop_map(|e| format!(".{e}")),
        any::<String>().prop_map(|e| format!(".{e}")),
    ];
    (stem, ext).prop_map(|(s, e)| format!("{s}{e}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any name becomes a short, non-empty, visible name that is its own
    /// safe name, keeps its extension, and survives a key, a header and a URL.
    #[test]
    fn any_file_name_becomes_a_safe_one(name in prop_oneof![file_names(), any::<String>()]) {
        use handler::core::upload::{content_disposition, file_part, name_in_key, safe_name, upload_key};
        let safe = safe_name(&name);
        prop_assert!(!safe.is_empty());
        prop_assert!(safe.len() <= 80, "{} bytes: {safe:?}", safe.len());
        prop_assert!(!safe.starts_with(['.', '-', '_']), "{safe:?}");
        prop_assert!(!safe.ends_with('.') && !safe.contains(".."), "{safe:?}");
        prop_assert!(!safe.chars().any(is_unsafe_in_a_name), "{safe:?} from {name:?}");
        prop_assert_eq!(safe_name(&safe), safe.clone(), "a safe name is its own");

        let base = name.rsplit(['/', '\\']).next().unwrap_or("");
        if let Some((stem, ext)) = base.rsplit_once('.') {
            let letters = (1..=10).contains(&ext.chars().count()) && ext.chars().all(char::is_alphanumeric);
            if !stem.is_empty() && letters {
                prop_assert!(safe.ends_with(&format!(".{ext}")), "{safe:?} lost .{ext} of {name:?}");
            }
        }

        let key = upload_key("abcdefgh-1", 3, &name);
        let part = format!("3-{safe}");
        prop_assert_eq!(file_part(&key, "abcdefgh-1"), Some(part.as_str()));
        prop_assert_eq!(name_in_key(&key), Some(safe.as_str()));

        let header = content_disposition(&name);
        prop_assert!(axum::http::HeaderValue::from_str(&header).is_ok(), "{header:?}");
        prop_assert!(header.is_ascii(), "{header:?}");
        let (ascii, full) = header
            .strip_prefix("attachment; filename=\"")
            .and_then(|h| h.split_once("\"; filename*=UTF-8''"))
            .expect("both names");
        prop_assert!(!ascii.is_empty() && !ascii.contains(['"', '\\']), "{header:?}");
        let decoded = percent_encoding::percent_decode_str(full).decode_utf8().unwrap();
        prop_assert_eq!(decoded.as_ref(), safe.as_str());
    }
}

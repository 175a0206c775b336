use super::*;
use proptest::prelude::*;

fn order_number() -> ExtraField {
    ExtraField {
        name: "order_number".into(),
        topics: vec!["billing".into(), "refund".into()],
        required_for: vec!["billing".into()],
        max_length: Some(40),
        ..ExtraField::default()
    }
}

fn of(kind: ExtraKind) -> ExtraField {
    ExtraField {
        name: "x".into(),
        kind,
        options: if kind == ExtraKind::Select {
            vec!["monthly".into(), "yearly".into()]
        } else {
            vec![]
        },
        ..ExtraField::default()
    }
}

fn posted(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn kept(name: &str, value: &str) -> Vec<FieldValue> {
    vec![FieldValue {
        name: name.into(),
        value: value.into(),
    }]
}

fn codes(r: Result<Vec<FieldValue>, Vec<FieldProblem>>) -> Vec<ErrorCode> {
    r.unwrap_err().into_iter().map(|p| p.code).collect()
}

#[test]
fn required_only_for_its_topics() {
    let fields = [order_number()];
    assert_eq!(
        codes(validate(&fields, "billing", &posted(&[]))),
        [ErrorCode::RequiredForTopic]
    );
    assert_eq!(
        codes(validate(
            &fields,
            "billing",
            &posted(&[("order_number", "  ")])
        )),
        [ErrorCode::RequiredForTopic]
    );
    assert_eq!(validate(&fields, "refund", &posted(&[])), Ok(vec![]));
    assert_eq!(validate(&fields, "technical", &posted(&[])), Ok(vec![]));
    assert_eq!(
        validate(&fields, "billing", &posted(&[("order_number", " A-1 ")])),
        Ok(kept("order_number", "A-1"))
    );
}

#[test]
fn a_value_for_another_topic_is_refused_not_stored() {
    let fields = [order_number()];
    assert_eq!(
        codes(validate(
            &fields,
            "technical",
            &posted(&[("order_number", "A-1")])
        )),
        [ErrorCode::NotForTopic]
    );
    // Blank values of other topics' fields are what a form without
    // JavaScript posts: they are fine.
    assert_eq!(
        validate(&fields, "technical", &posted(&[("order_number", "")])),
        Ok(vec![])
    );
}

#[test]
fn length_and_characters() {
    let f = order_number();
    assert_eq!(f.check_value(&"a".repeat(40)), Ok(()));
    assert_eq!(f.check_value(&"a".repeat(41)), Err(ErrorCode::TooLong));
    assert_eq!(f.check_value(&"ж".repeat(40)), Ok(()));
    assert_eq!(
        f.check_value("a\r\nBcc: x"),
        Err(ErrorCode::HeaderInjection)
    );
    assert_eq!(f.check_value("a\u{0}"), Err(ErrorCode::InvalidCharacters));
    assert_eq!(
        f.check_value("a\u{202E}b"),
        Err(ErrorCode::InvalidCharacters)
    );
}

#[test]
fn each_kind_checks_its_values() {
    let cases: &[(ExtraKind, &[&str], &[&str])] = &[
        (
            ExtraKind::Select,
            &["monthly", "yearly"],
            &["weekly", "Monthly"],
        ),
        (
            ExtraKind::Phone,
            &[
                "+358 40 123 4567",
                "(555) 010-0199",
                "۰۹۱۲ ۳۴۵ ۶۷۸۹",
                "040.123.45",
            ],
            &["12", "call me", "+358 40 123 4567 ext 5", "++35840123"],
        ),
        (
            ExtraKind::Url,
            &[
                "https://example.com/a?b#c",
                "HTTP://x.fi",
                "https://user@host:8080/",
            ],
            &[
                "example.com",
                "javascript:alert(1)",
                "https://",
                "https://a b",
                "ftp://x",
            ],
        ),
        (
            ExtraKind::Date,
            &["2024-02-29", "2026-12-01", "۱۴۰۳-۰۱-۰۱"],
            &[
                "2023-02-29",
                "2026-13-01",
                "2026-1-1",
                "01/12/2026",
                "2026-04-31",
            ],
        ),
        (
            ExtraKind::Number,
            &["42", "-3.5", "3,5", "۴۲", "+7", "\u{2212}1"],
            &["4 2", "1.2.3", "abc", "-", ".", "1e5"],
        ),
    ];
    for (kind, good, bad) in cases {
        let f = of(*kind);
        for v in *good {
            assert_eq!(f.check_value(v), Ok(()), "{kind:?} {v}");
        }
        for v in *bad {
            assert_eq!(f.check_value(v), Err(kind.invalid_code()), "{kind:?} {v}");
        }
    }
}

#[test]
fn number_bounds() {
    let f = ExtraField {
        min: Some(1.0),
        max: Some(10.0),
        ..of(ExtraKind::Number)
    };
    assert_eq!(f.check_value("1"), Ok(()));
    assert_eq!(f.check_value("10"), Ok(()));
    assert_eq!(f.check_value("0.5"), Err(ErrorCode::InvalidNumber));
    assert_eq!(f.check_value("-2"), Err(ErrorCode::InvalidNumber));
    assert_eq!(parse_number("\u{2212}2.5"), Some(-2.5));
}

#[test]
fn config_problems_name_the_key_and_the_valid_values() {
    let topics: Vec<String> = ["billing", "refund", "technical"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(config_problems(&[order_number()], &topics).is_empty());
    let bad = ExtraField {
        name: "email".into(),
        topics: vec!["biling".into()],
        required_for: vec!["refund".into()],
        ..ExtraField::default()
    };
    let p = config_problems(&[bad], &topics);
    let keys: Vec<_> = p.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["name", "topics", "required_for"]);
    assert_eq!(p[1].value.as_deref(), Some("biling"));
    assert_eq!(p[1].valid, topics);
    let select = ExtraField {
        name: "plan".into(),
        kind: ExtraKind::Select,
        max_length: Some(0),
        min: Some(1.0),
        ..ExtraField::default()
    };
    let keys: Vec<_> = config_problems(&[select.clone(), select], &topics)
        .iter()
        .map(|p| (p.index, p.key))
        .collect();
    assert!(keys.contains(&(0, "options")));
    assert!(keys.contains(&(0, "max_length")));
    assert!(keys.contains(&(0, "min")));
    assert!(keys.contains(&(1, "name")), "declared twice: {keys:?}");
}

#[test]
fn the_definition_carries_the_fields() {
    let def = crate::definition::FormDefinition {
        fields: vec![order_number()],
        ..Default::default()
    };
    let json = serde_json::to_string(&def).unwrap();
    let back: crate::definition::FormDefinition = serde_json::from_str(&json).unwrap();
    assert_eq!(back.fields, def.fields);
    // A definition written before extra fields existed still reads.
    let old: crate::definition::FormDefinition =
        serde_json::from_str(r#"{"format":1,"topics":["billing"]}"#).unwrap();
    assert!(old.fields.is_empty());
    assert!(crate::definition::numbers_shown_with(&def.fields).contains(&40));
}

fn any_field() -> impl Strategy<Value = ExtraField> {
    let topics = ["billing", "refund", "technical", "other"];
    (
        proptest::sample::subsequence(topics.to_vec(), 0..=4),
        proptest::sample::subsequence(topics.to_vec(), 0..=4),
        proptest::sample::select(ExtraKind::ALL.to_vec()),
        proptest::option::of(1usize..100),
    )
        .prop_map(|(shown, required, kind, max_length)| {
            let shown: Vec<String> = shown.into_iter().map(String::from).collect();
            let required = required
                .into_iter()
                .map(String::from)
                .filter(|t| shown.is_empty() || shown.contains(t))
                .collect();
            ExtraField {
                name: "f".into(),
                kind,
                topics: shown,
                required_for: required,
                max_length,
                options: if kind == ExtraKind::Select {
                    vec!["a".into(), "b".into()]
                } else {
                    vec![]
                },
                ..ExtraField::default()
            }
        })
}

proptest! {
    #[test]
    fn kept_values_are_exactly_the_valid_filled_ones(
        field in any_field(),
        topic in proptest::sample::select(vec!["billing", "refund", "technical", "other"]),
        value in proptest::option::of("\\PC{0,120}"),
    ) {
        let mut p = BTreeMap::new();
        if let Some(v) = &value {
            p.insert("f".to_string(), v.clone());
        }
        let trimmed = value.as_deref().map(str::trim).unwrap_or("");
        match validate(std::slice::from_ref(&field), topic, &p) {
            Ok(values) => {
                // Nothing kept that is blank, too long, or for another topic;
                // nothing missing that the topic requires.
                prop_assert!(!trimmed.is_empty() || !field.required_for_topic(topic));
                if trimmed.is_empty() {
                    prop_assert!(values.is_empty());
                } else {
                    prop_assert!(field.shown_for(topic));
                    prop_assert!(trimmed.chars().count() <= field.max_len());
                    prop_assert_eq!(values, kept("f", trimmed));
                }
            }
            Err(problems) => {
                prop_assert_eq!(problems.len(), 1);
                let code = problems[0].code;
                if trimmed.is_empty() {
                    prop_assert_eq!(code, ErrorCode::RequiredForTopic);
                } else if !field.shown_for(topic) {
                    prop_assert_eq!(code, ErrorCode::NotForTopic);
                } else {
                    prop_assert_eq!(field.check_value(trimmed), Err(code));
                }
            }
        }
    }

    #[test]
    fn any_valid_date_passes(y in 1u32..=9999, m in 1u32..=12, d in 1u32..=28) {
        let f = of(ExtraKind::Date);
        let date = format!("{y:04}-{m:02}-{d:02}");
        prop_assert_eq!(f.check_value(&date), Ok(()));
    }

    #[test]
    fn numbers_round_trip(n in -1.0e9f64..1.0e9) {
        let text = format!("{n}");
        prop_assert_eq!(parse_number(&text), Some(n));
    }
}

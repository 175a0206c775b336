//! Fields a site adds to the contact form (`[[form.fields]]` in `site.toml`),
//! each shown for some topics and required for some of them.
//!
//! The generator reads them from `site.toml`, checks them with
//! [`config_problems`], renders them and writes them into `form.json`; the
//! handler reads them from there and checks every submission with
//! [`validate`]. A deployed handler so learns a site's fields without a
//! change to its code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// What an extra field holds; each kind has its own check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtraKind {
    /// One line of free text.
    #[default]
    Text,
    /// One of the field's `options`.
    Select,
    /// A telephone number: digits with `+`, spaces, dots, dashes, parentheses.
    Phone,
    /// An `http://` or `https://` address.
    Url,
    /// A calendar date written `YYYY-MM-DD` (what a date input posts).
    Date,
    /// A decimal number, within `min`..=`max` when the site sets them.
    Number,
}

impl ExtraKind {
    pub const ALL: &'static [ExtraKind] = &[
        ExtraKind::Text,
        ExtraKind::Select,
        ExtraKind::Phone,
        ExtraKind::Url,
        ExtraKind::Date,
        ExtraKind::Number,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExtraKind::Text => "text",
            ExtraKind::Select => "select",
            ExtraKind::Phone => "phone",
            ExtraKind::Url => "url",
            ExtraKind::Date => "date",
            ExtraKind::Number => "number",
        }
    }

    /// The longest value when the site sets no `max_length`.
    pub fn default_max(self) -> usize {
        match self {
            ExtraKind::Text => 200,
            ExtraKind::Select => 64,
            ExtraKind::Phone => 32,
            ExtraKind::Url => 1_000,
            ExtraKind::Date => 10,
            ExtraKind::Number => 32,
        }
    }

    /// The code of a value this kind refuses.
    pub fn invalid_code(self) -> ErrorCode {
        match self {
            ExtraKind::Text => ErrorCode::InvalidCharacters,
            ExtraKind::Select => ErrorCode::InvalidOption,
            ExtraKind::Phone => ErrorCode::InvalidPhone,
            ExtraKind::Url => ErrorCode::InvalidUrl,
            ExtraKind::Date => ErrorCode::InvalidDate,
            ExtraKind::Number => ErrorCode::InvalidNumber,
        }
    }
}

/// The largest `max_length` a site may set (a field is one line).
pub const MAX_LENGTH_LIMIT: usize = 2_000;

/// One extra field, as `site.toml` declares it and `form.json` carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtraField {
    /// The posted name: an ASCII id, not one of the built-in fields'.
    pub name: String,
    pub kind: ExtraKind,
    /// Topics that show the field; empty: every topic.
    pub topics: Vec<String>,
    /// Topics that require it (each must also show it).
    pub required_for: Vec<String>,
    /// Longest value in characters; the kind's default when absent.
    pub max_length: Option<usize>,
    /// Values of a `select` (labels: `form_field_<name>_option_<value>`).
    pub options: Vec<String>,
    /// Bounds of a `number`.
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ExtraField {
    pub fn shown_for(&self, topic: &str) -> bool {
        self.topics.is_empty() || self.topics.iter().any(|t| t == topic)
    }

    pub fn required_for_topic(&self, topic: &str) -> bool {
        self.required_for.iter().any(|t| t == topic)
    }

    pub fn max_len(&self) -> usize {
        self.max_length.unwrap_or(self.kind.default_max())
    }

    /// Catalog key of the label (`form_field_<name>_label`).
    pub fn label_key(&self) -> String {
        label_key(&self.name)
    }

    /// Catalog key of the optional hint.
    pub fn hint_key(&self) -> String {
        format!("form_field_{}_hint", self.name)
    }

    /// Catalog key of a select option's label.
    pub fn option_key(&self, value: &str) -> String {
        format!("form_field_{}_option_{value}", self.name)
    }

    /// Every catalog key the field needs in each language.
    pub fn catalog_keys(&self) -> Vec<String> {
        let mut keys = vec![self.label_key()];
        keys.extend(self.options.iter().map(|o| self.option_key(o)));
        keys
    }

    /// Checks one trimmed, non-empty value against the field's kind and limits.
    pub fn check_value(&self, value: &str) -> Result<(), ErrorCode> {
        if value.contains(['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}']) {
            return Err(ErrorCode::HeaderInjection);
        }
        if value.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(ErrorCode::InvalidCharacters);
        }
        if value.chars().count() > self.max_len() {
            return Err(ErrorCode::TooLong);
        }
        let ok = match self.kind {
            ExtraKind::Text => true,
            ExtraKind::Select => self.options.iter().any(|o| o == value),
            ExtraKind::Phone => is_phone(value),
            ExtraKind::Url => is_url(value),
            ExtraKind::Date => is_date(value),
            ExtraKind::Number => parse_number(value).is_some_and(|n| {
                self.min.is_none_or(|min| n >= min) && self.max.is_none_or(|max| n <= max)
            }),
        };
        if ok {
            Ok(())
        } else {
            Err(self.kind.invalid_code())
        }
    }
}

/// Catalog key of the label of the extra field `name`.
pub fn label_key(name: &str) -> String {
    format!("form_field_{name}_label")
}

/// Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
/// which could make a value display as something else.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The zero of each decimal digit block visitors of the shipped languages
/// type: ASCII, Arabic-Indic, Extended Arabic-Indic (Persian, Urdu),
/// Devanagari, Bengali, Tamil, Thai and fullwidth.
const DIGIT_ZEROS: &[u32] = &[0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xBE6, 0xE50, 0xFF10];

/// The value of a decimal digit of any block in [`DIGIT_ZEROS`].
pub fn digit_value(c: char) -> Option<u32> {
    let c = c as u32;
    DIGIT_ZEROS
        .iter()
        .find(|z| (**z..**z + 10).contains(&c))
        .map(|z| c - z)
}

/// Digits of any block as ASCII; everything else unchanged.
fn ascii_digits(value: &str) -> String {
    value
        .chars()
        .map(|c| match digit_value(c) {
            Some(d) => char::from(b'0' + d as u8),
            None => c,
        })
        .collect()
}

fn is_phone(value: &str) -> bool {
    let body = value.strip_prefix('+').unwrap_or(value);
    let digits = body.chars().filter(|c| digit_value(*c).is_some()).count();
    (5..=20).contains(&digits)
        && body
            .chars()
            .all(|c| digit_value(c).is_some() || " .-()".contains(c))
}

fn is_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    !host.is_empty() && !host.starts_with(['.', ':']) && !value.chars().any(char::is_whitespace)
}

fn is_date(value: &str) -> bool {
    let v = ascii_digits(value);
    let parts: Vec<&str> = v.split('-').collect();
    let [y, m, d] = parts[..] else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

/// A decimal number: optional sign, digits of any block, and one `.`, `,`
/// or Arabic decimal separator (U+066B).
pub fn parse_number(value: &str) -> Option<f64> {
    let v = ascii_digits(value).replace([',', '\u{66B}'], ".");
    let body = v.strip_prefix(['-', '+', '\u{2212}']).unwrap_or(&v);
    let valid = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.matches('.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let n: f64 = body.parse().ok()?;
    Some(if v.starts_with(['-', '\u{2212}']) {
        -n
    } else {
        n
    })
}

/// A kept value of an extra field, as the archive stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    pub name: String,
    pub value: String,
}

/// A problem with one posted extra field: its index in the definition and
/// the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldProblem {
    pub index: usize,
    pub code: ErrorCode,
}

/// Checks the posted values of the extra fields for the chosen `topic`:
/// each one the topic requires must be filled, each filled one must be
/// shown for the topic (a value for another topic is refused, not stored),
/// and each must pass its kind's check. Returns the trimmed values to
/// keep, in the definition's order; blank values are dropped.
pub fn validate(
    fields: &[ExtraField],
    topic: &str,
    posted: &BTreeMap<String, String>,
) -> Result<Vec<FieldValue>, Vec<FieldProblem>> {
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for (index, f) in fields.iter().enumerate() {
        let value = posted.get(&f.name).map(|v| v.trim()).unwrap_or("");
        let code = if value.is_empty() {
            f.required_for_topic(topic)
                .then_some(ErrorCode::RequiredForTopic)
        } else if !f.shown_for(topic) {
            Some(ErrorCode::NotForTopic)
        } else {
            f.check_value(value).err()
        };
        match code {
            Some(code) => problems.push(FieldProblem { index, code }),
            None if !value.is_empty() => kept.push(FieldValue {
                name: f.name.clone(),
                value: value.to_string(),
            }),
            None => {}
        }
    }
    if problems.is_empty() {
        Ok(kept)
    } else {
        Err(problems)
    }
}

/// Which key of a `[[form.fields]]` entry is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Index of the entry in `fields`.
    pub index: usize,
    /// The key at fault (`name`, `topics`, `required_for`, `options`, …).
    pub key: &'static str,
    pub message: String,
    /// The value refused, when one value of a list is.
    pub value: Option<String>,
    /// The values that would be accepted, for a "did you mean".
    pub valid: Vec<String>,
}

/// Checks the declared fields against the form's `topics` and the built-in
/// field names.
pub fn config_problems(fields: &[ExtraField], topics: &[String]) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    for (index, f) in fields.iter().enumerate() {
        let mut found = Found {
            out: &mut out,
            index,
        };
        name_problems(&mut found, f, &fields[..index]);
        topic_problems(&mut found, f, topics);
        kind_problems(&mut found, f);
    }
    out
}

/// Problems of one entry, collected with its index.
struct Found<'a> {
    out: &'a mut Vec<ConfigProblem>,
    index: usize,
}

impl Found<'_> {
    fn push(&mut self, key: &'static str, message: String) {
        self.push_value(key, message, None, Vec::new());
    }

    fn push_value(
        &mut self,
        key: &'static str,
        message: String,
        value: Option<&str>,
        valid: Vec<String>,
    ) {
        self.out.push(ConfigProblem {
            index: self.index,
            key,
            message,
            value: value.map(str::to_string),
            valid,
        });
    }
}

fn name_problems(found: &mut Found<'_>, f: &ExtraField, earlier: &[ExtraField]) {
    let name = &f.name;
    if !is_id(name) {
        found.push(
            "name",
            format!("field name \"{name}\" must be an ASCII id (letters, digits, _ and -)"),
        );
    } else if crate::field(name).is_some() {
        let builtin = crate::FIELDS.iter().map(|b| b.name.to_string()).collect();
        let message = format!("field name \"{name}\" is a built-in field of the contact form");
        found.push_value("name", message, None, builtin);
    } else if earlier.iter().any(|g| g.name == *name) {
        found.push("name", format!("field \"{name}\" is declared twice"));
    }
}

fn topic_problems(found: &mut Found<'_>, f: &ExtraField, topics: &[String]) {
    for (key, list) in [("topics", &f.topics), ("required_for", &f.required_for)] {
        for t in list.iter().filter(|t| !topics.contains(t)) {
            let message = format!("field \"{}\": \"{t}\" is not a topic of the form", f.name);
            found.push_value(key, message, Some(t), topics.to_vec());
        }
    }
    for t in f
        .required_for
        .iter()
        .filter(|t| topics.contains(t) && !f.shown_for(t))
    {
        let message = format!(
            "field \"{}\" is required for \"{t}\" but not shown for it",
            f.name
        );
        found.push_value("required_for", message, Some(t), f.topics.clone());
    }
}

fn kind_problems(found: &mut Found<'_>, f: &ExtraField) {
    let (name, kind) = (&f.name, f.kind.as_str());
    if f.kind == ExtraKind::Select && f.options.is_empty() {
        found.push("options", format!("select field \"{name}\" has no options"));
    }
    if f.kind != ExtraKind::Select && !f.options.is_empty() {
        let message = format!("only a select field has options; \"{name}\" is a {kind}");
        found.push("options", message);
    }
    for o in f.options.iter().filter(|o| !is_id(o)) {
        let message = format!("option \"{o}\" of \"{name}\" must be an ASCII id");
        found.push_value("options", message, Some(o), Vec::new());
    }
    if f.max_length.is_some_and(|m| m == 0 || m > MAX_LENGTH_LIMIT) {
        let message = format!("max_length of \"{name}\" must be between 1 and {MAX_LENGTH_LIMIT}");
        found.push("max_length", message);
    }
    if f.kind != ExtraKind::Number && (f.min.is_some() || f.max.is_some()) {
        let message = format!("only a number field has min and max; \"{name}\" is a {kind}");
        found.push("min", message);
    }
    if let (Some(min), Some(max)) = (f.min, f.max) {
        if min > max {
            found.push("min", format!("min of \"{name}\" is above its max"));
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests;

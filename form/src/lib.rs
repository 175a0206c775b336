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
    Field {
        name: "name",
        kind: FieldKind::Text,
        required: true,
        max_len: NAME_MAX,
        autocomplete: Some("name"),
    },
    Field {
        name: "email",
        kind: FieldKind::Email,
        required: true,
        max_len: EMAIL_MAX,
        autocomplete: Some("email"),
    },
    Field {
        name: "topic",
        kind: FieldKind::Select,
        required: true,
        max_len: 64,
        autocomplete: None,
    },
    Field {
        name: "order",
        kind: FieldKind::Text,
        required: false,
        max_len: ORDER_MAX,
        autocomplete: None,
    },
    Field {
        name: "message",
        kind: FieldKind::Textarea,
        required: true,
        max_len: MESSAGE_MAX,
        autocomplete: None,
    },
    Field {
        name: "website",
        kind: FieldKind::Honeypot,
        required: false,
        max_len: 200,
        autocomplete: Some("off"),
    },
    Field {
        name: "lang",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 35,
        autocomplete: None,
    },
    Field {
        name: "submission_id",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 64,
        autocomplete: None,
    },
    Field {
        name: "started_at",
        kind: FieldKind::Hidden,
        required: false,
        max_len: 20,
        autocomplete: None,
    },
];

/// Topics used when neither `site.toml` (`[form] topics`) nor the handler's
/// environment names any.
pub const DEFAULT_TOPICS: &[&str] = &["billing", "refund", "technical", "licence", "other"];

/// Reasons a visitor may pick after answering "No" to "Was this helpful?";
/// labels are `feedback_reason_<id>` in the UI catalogs.
pub const FEEDBACK_REASONS: &[&str] = &[
    "unclear",
    "incomplete",
    "outdated",
    "not_my_question",
    "other",
];

/// Longest free-text reason after a "No", in characters.
pub const FEEDBACK_TEXT_MAX: usize = 500;

/// Longest search query kept by the insights endpoint, in characters.
pub const INSIGHTS_QUERY_MAX: usize = 200;

/// Looks a field up by its posted name.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Languages every built-in message below is translated into.
pub const MESSAGE_LANGUAGES: &[&str] = &["en", "fi", "ru", "bn", "fa"];

/// Why a submission was refused: the machine-readable `code` of the handler's
/// JSON answers and of the error page's `?code=` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required field is missing or blank.
    Required,
    /// A field is longer than its `max_len`.
    TooLong,
    /// `email` is not an address we can reply to.
    InvalidEmail,
    /// `topic` is not one of the configured topics.
    InvalidTopic,
    /// `lang` is not one of the site's languages.
    InvalidLanguage,
    /// CR or LF in a single-line field (one that may reach a mail header).
    HeaderInjection,
    /// Control characters (NUL and the like) in a field.
    InvalidCharacters,
    /// `submission_id` / `started_at` malformed, or a JSON value of the wrong type.
    InvalidValue,
    /// The same field posted twice.
    DuplicateField,
    /// Body over 64 KiB (HTTP 413).
    BodyTooLarge,
    /// Content type other than urlencoded or JSON (HTTP 415).
    UnsupportedMediaType,
    /// Body is not a JSON object (HTTP 400).
    MalformedJson,
    /// Body is not valid UTF-8 (HTTP 400).
    InvalidUtf8,
    /// Posted from an origin that is not allowed (HTTP 403).
    OriginNotAllowed,
    /// Too many submissions from one client (HTTP 429).
    RateLimited,
    /// The archive could not be written: nothing was stored or sent (HTTP 503).
    ArchiveUnavailable,
    /// Anything else on the server's side (HTTP 500); never caused by input.
    Internal,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Required,
        ErrorCode::TooLong,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidTopic,
        ErrorCode::InvalidLanguage,
        ErrorCode::HeaderInjection,
        ErrorCode::InvalidCharacters,
        ErrorCode::InvalidValue,
        ErrorCode::DuplicateField,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MalformedJson,
        ErrorCode::InvalidUtf8,
        ErrorCode::OriginNotAllowed,
        ErrorCode::RateLimited,
        ErrorCode::ArchiveUnavailable,
        ErrorCode::Internal,
    ];

    /// The code as it appears in JSON and URLs (`snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooLong => "too_long",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidTopic => "invalid_topic",
            ErrorCode::InvalidLanguage => "invalid_language",
            ErrorCode::HeaderInjection => "header_injection",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::DuplicateField => "duplicate_field",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ArchiveUnavailable => "archive_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// The message shown to a visitor, in `lang` when translated (see
    /// [`MESSAGE_LANGUAGES`]), else in English. `{max}` in [`ErrorCode::TooLong`]'s
    /// text stands for the field's limit.
    pub fn message(self, lang: &str) -> &'static str {
        let i = MESSAGE_LANGUAGES
            .iter()
            .position(|l| *l == primary_subtag(lang))
            .unwrap_or(0);
        messages(self)[i]
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `pt-BR` → `pt`: messages are chosen by the language's primary subtag.
fn primary_subtag(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

/// Messages in the order of [`MESSAGE_LANGUAGES`]: en, fi, ru, bn, fa.
fn messages(code: ErrorCode) -> [&'static str; 5] {
    match code {
        ErrorCode::Required => [
            "This field is required.",
            "Tämä kenttä on pakollinen.",
            "Это поле обязательно.",
            "এই ঘরটি পূরণ করা আবশ্যক।",
            "پر کردن این فیلد الزامی است.",
        ],
        ErrorCode::TooLong => [
            "This field is too long (at most {max} characters).",
            "Tämä kenttä on liian pitkä (enintään {max} merkkiä).",
            "Слишком длинное значение (не более {max} символов).",
            "এই ঘরের লেখা খুব দীর্ঘ (সর্বোচ্চ {max} অক্ষর)।",
            "متن این فیلد بیش از حد طولانی است (حداکثر {max} نویسه).",
        ],
        ErrorCode::InvalidEmail => [
            "Enter an email address we can reply to, like name@example.com.",
            "Anna sähköpostiosoite, johon voimme vastata, esimerkiksi nimi@example.com.",
            "Укажите адрес электронной почты для ответа, например name@example.com.",
            "উত্তর পাঠানোর জন্য একটি সঠিক ইমেইল ঠিকানা দিন, যেমন name@example.com।",
            "یک نشانی ایمیل معتبر برای پاسخ وارد کنید، مانند name@example.com.",
        ],
        ErrorCode::InvalidTopic => [
            "Choose one of the listed topics.",
            "Valitse jokin luettelon aiheista.",
            "Выберите одну из предложенных тем.",
            "তালিকা থেকে একটি বিষয় বেছে নিন।",
            "یکی از موضوع‌های فهرست را انتخاب کنید.",
        ],
        ErrorCode::InvalidLanguage => [
            "This language is not available on this site.",
            "Tämä kieli ei ole käytettävissä tällä sivustolla.",
            "Этот язык недоступен на сайте.",
            "এই ভাষাটি এই সাইটে উপলব্ধ নয়।",
            "این زبان در این سایت در دسترس نیست.",
        ],
        ErrorCode::HeaderInjection => [
            "Line breaks are not allowed in this field.",
            "Tähän kenttään ei voi kirjoittaa rivinvaihtoja.",
            "В этом поле нельзя использовать переносы строк.",
            "এই ঘরে লাইন ব্রেক ব্যবহার করা যাবে না।",
            "در این فیلد نمی‌توانید از خط جدید استفاده کنید.",
        ],
        ErrorCode::InvalidCharacters => [
            "This field contains characters that are not allowed.",
            "Kentässä on merkkejä, joita ei sallita.",
            "Поле содержит недопустимые символы.",
            "এই ঘরে অননুমোদিত অক্ষর রয়েছে।",
            "این فیلد نویسه‌های غیرمجاز دارد.",
        ],
        ErrorCode::InvalidValue => [
            "This value is not valid. Please reload the page and try again.",
            "Arvo ei kelpaa. Lataa sivu uudelleen ja yritä uudestaan.",
            "Недопустимое значение. Обновите страницу и попробуйте ещё раз.",
            "মানটি সঠিক নয়। পাতাটি আবার লোড করে চেষ্টা করুন।",
            "این مقدار معتبر نیست. صفحه را دوباره بارگذاری کنید و دوباره تلاش کنید.",
        ],
        ErrorCode::DuplicateField => [
            "This field was sent more than once.",
            "Tämä kenttä lähetettiin useammin kuin kerran.",
            "Это поле отправлено несколько раз.",
            "এই ঘরটি একাধিকবার পাঠানো হয়েছে।",
            "این فیلد بیش از یک بار ارسال شده است.",
        ],
        ErrorCode::BodyTooLarge => [
            "The submission is too large. Please shorten your message.",
            "Lähetys on liian suuri. Lyhennä viestiäsi.",
            "Слишком большой объём данных. Сократите сообщение.",
            "জমা দেওয়া লেখা খুব বড়। অনুগ্রহ করে বার্তাটি ছোট করুন।",
            "حجم ارسال بیش از حد است. لطفاً پیام خود را کوتاه‌تر کنید.",
        ],
        ErrorCode::UnsupportedMediaType => [
            "The form was sent in a format we do not accept.",
            "Lomake lähetettiin muodossa, jota emme hyväksy.",
            "Форма отправлена в неподдерживаемом формате.",
            "ফর্মটি এমন একটি ফরম্যাটে পাঠানো হয়েছে যা আমরা গ্রহণ করি না।",
            "فرم با قالبی ارسال شده که پذیرفته نمی‌شود.",
        ],
        ErrorCode::MalformedJson => [
            "The submission could not be read (malformed JSON).",
            "Lähetystä ei voitu lukea (virheellinen JSON).",
            "Не удалось прочитать данные (некорректный JSON).",
            "জমা দেওয়া তথ্য পড়া যায়নি (ত্রুটিপূর্ণ JSON)।",
            "اطلاعات ارسال‌شده خوانده نشد (JSON نامعتبر).",
        ],
        ErrorCode::InvalidUtf8 => [
            "The submission could not be read (invalid text encoding).",
            "Lähetystä ei voitu lukea (virheellinen merkistökoodaus).",
            "Не удалось прочитать данные (неверная кодировка текста).",
            "জমা দেওয়া তথ্য পড়া যায়নি (লেখার এনকোডিং সঠিক নয়)।",
            "اطلاعات ارسال‌شده خوانده نشد (رمزگذاری متن نامعتبر).",
        ],
        ErrorCode::OriginNotAllowed => [
            "This form cannot be sent from this website.",
            "Tätä lomaketta ei voi lähettää tältä sivustolta.",
            "Эту форму нельзя отправить с этого сайта.",
            "এই ওয়েবসাইট থেকে এই ফর্মটি পাঠানো যাবে না।",
            "این فرم را نمی‌توان از این وب‌سایت ارسال کرد.",
        ],
        ErrorCode::RateLimited => [
            "Too many messages in a short time. Please wait a few minutes and try again.",
            "Liian monta viestiä lyhyessä ajassa. Odota muutama minuutti ja yritä uudelleen.",
            "Слишком много сообщений за короткое время. Подождите несколько минут и попробуйте снова.",
            "অল্প সময়ে অনেক বেশি বার্তা পাঠানো হয়েছে। কয়েক মিনিট অপেক্ষা করে আবার চেষ্টা করুন।",
            "در زمان کوتاهی پیام‌های زیادی ارسال شده است. چند دقیقه صبر کنید و دوباره تلاش کنید.",
        ],
        ErrorCode::ArchiveUnavailable => [
            "We could not save your message. Nothing was sent; please try again in a moment.",
            "Viestiäsi ei voitu tallentaa, eikä mitään lähetetty. Yritä hetken kuluttua uudelleen.",
            "Не удалось сохранить сообщение, оно не отправлено. Попробуйте ещё раз чуть позже.",
            "আপনার বার্তা সংরক্ষণ করা যায়নি, কিছুই পাঠানো হয়নি। একটু পরে আবার চেষ্টা করুন।",
            "پیام شما ذخیره نشد و چیزی ارسال نشد. لطفاً کمی بعد دوباره تلاش کنید.",
        ],
        ErrorCode::Internal => [
            "Something went wrong on our side. Please try again later.",
            "Jokin meni vikaan meidän päässämme. Yritä myöhemmin uudelleen.",
            "На нашей стороне произошла ошибка. Попробуйте позже.",
            "আমাদের দিকে একটি সমস্যা হয়েছে। অনুগ্রহ করে পরে আবার চেষ্টা করুন।",
            "مشکلی در سمت ما رخ داد. لطفاً بعداً دوباره تلاش کنید.",
        ],
    }
}

/// Whether a field's value may end up in a mail header (subject, Reply-To)
/// or a file name, and so must stay on one line.
pub fn is_single_line(field: &Field) -> bool {
    field.kind != FieldKind::Textarea
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_is_translated() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            let texts = messages(*code);
            for (i, t) in texts.iter().enumerate() {
                assert!(
                    !t.trim().is_empty(),
                    "{code} has no {} text",
                    MESSAGE_LANGUAGES[i]
                );
            }
            // Each translation differs from English.
            for t in &texts[1..] {
                assert_ne!(*t, texts[0], "{code} is untranslated");
            }
            if *code == ErrorCode::TooLong {
                assert!(texts.iter().all(|t| t.contains("{max}")));
            }
        }
        assert_eq!(
            ErrorCode::Required.message("fi-FI"),
            "Tämä kenttä on pakollinen."
        );
        assert_eq!(ErrorCode::Required.message("xx"), "This field is required.");
    }

    #[test]
    fn serialized_code_matches_as_str() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn field_names_are_unique_and_limits_match_consts() {
        let mut names: Vec<_> = FIELDS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        assert_eq!(field("message").unwrap().max_len, MESSAGE_MAX);
        assert_eq!(field("name").unwrap().max_len, NAME_MAX);
    }
}

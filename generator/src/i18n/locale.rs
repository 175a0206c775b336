//! Dates, numbers and direction per language, from CLDR data through ICU4X.

use icu::calendar::Date;
use icu::datetime::fieldsets::YMD;
use icu::datetime::DateTimeFormatter;
use icu::decimal::input::Decimal;
use icu::decimal::DecimalFormatter;
use icu::locale::{Locale, LocaleDirectionality};

use crate::config::{Direction, LanguageConfig};

/// Formatting for one language of the site.
pub struct LocaleFormat {
    pub locale: Locale,
    pub dir: Direction,
    dates: DateTimeFormatter<YMD>,
    numbers: DecimalFormatter,
}

impl std::fmt::Debug for LocaleFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocaleFormat")
            .field("locale", &self.locale.to_string())
            .field("dir", &self.dir)
            .finish()
    }
}

impl LocaleFormat {
    /// Builds the formatters for `code`, applying the language's overrides
    /// (`locale`, `calendar`, `numbering`, `dir`). Errors are human sentences.
    pub fn new(code: &str, config: &LanguageConfig) -> Result<Self, String> {
        let mut tag = config.locale.clone().unwrap_or_else(|| code.to_string());
        let mut extensions = Vec::new();
        if let Some(calendar) = &config.calendar {
            extensions.push(format!("ca-{}", calendar_key(calendar)));
        }
        if let Some(numbering) = &config.numbering {
            extensions.push(format!("nu-{numbering}"));
        }
        if !extensions.is_empty() {
            tag = format!("{tag}-u-{}", extensions.join("-"));
        }
        let locale: Locale = tag
            .parse()
            .map_err(|_| format!("\"{tag}\" is not a valid locale"))?;
        let dir = config.dir.unwrap_or_else(|| direction_of(&locale));
        let dates = DateTimeFormatter::try_new(locale.clone().into(), YMD::long())
            .map_err(|e| format!("no date format for \"{tag}\": {e}"))?;
        let numbers = DecimalFormatter::try_new(locale.clone().into(), Default::default())
            .map_err(|e| format!("no number format for \"{tag}\": {e}"))?;
        Ok(LocaleFormat {
            locale,
            dir,
            dates,
            numbers,
        })
    }

    /// A calendar date in the language's calendar, script and digits.
    pub fn date(&self, year: i32, month: u8, day: u8) -> Option<String> {
        let date = Date::try_new_iso(year, month, day).ok()?;
        Some(self.dates.format(&date).to_string())
    }

    /// An integer with the language's digits and grouping.
    pub fn number(&self, n: i64) -> String {
        self.numbers.format(&Decimal::from(n)).to_string()
    }
}

/// `dir` of a locale from CLDR's character order, not a hand-kept list.
pub fn direction_of(locale: &Locale) -> Direction {
    let directionality = LocaleDirectionality::new_common();
    if directionality.is_right_to_left(&locale.id) {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// The calendars a site may name: CLDR's keys and the common spellings
/// accepted for them.
pub const CALENDARS: &[&str] = &[
    "gregorian",
    "gregory",
    "buddhist",
    "chinese",
    "coptic",
    "dangi",
    "ethioaa",
    "ethiopic",
    "hebrew",
    "indian",
    "islamic",
    "islamic-civil",
    "islamic-rgsa",
    "islamic-tbla",
    "islamic-umalqura",
    "hijri",
    "iso8601",
    "japanese",
    "persian",
    "jalali",
    "solar-hijri",
    "roc",
];

/// Whether ICU4X knows `name` (after the accepted spellings) as a calendar.
pub fn is_calendar(name: &str) -> bool {
    use icu::locale::extensions::unicode::Value;
    use icu::locale::preferences::extensions::unicode::keywords::CalendarAlgorithm;
    CALENDARS.contains(&name)
        && Value::try_from_str(calendar_key(name))
            .ok()
            .and_then(|v| CalendarAlgorithm::try_from(&v).ok())
            .is_some()
}

/// CLDR's numeric numbering systems (bcp47/number.xml); the ones this build's
/// data has digits for are [`numbering_systems`].
const NUMBERING_CANDIDATES: &[&str] = &[
    "adlm", "ahom", "arab", "arabext", "bali", "beng", "bhks", "brah", "cakm", "cham", "deva",
    "diak", "fullwide", "gara", "gong", "gonm", "gujr", "gukh", "guru", "hanidec", "hmng", "hmnp",
    "java", "kali", "kawi", "khmr", "knda", "krai", "lana", "lanatham", "laoo", "latn", "lepc",
    "limb", "mathbold", "mathdbl", "mathmono", "mathsanb", "mathsans", "mlym", "modi", "mong",
    "mroo", "mtei", "mymr", "mymrepka", "mymrpao", "mymrshan", "mymrtlng", "nagm", "newa", "nkoo",
    "olck", "onao", "orya", "osma", "outlined", "rohg", "saur", "segment", "shrd", "sind", "sinh",
    "sora", "sund", "sunu", "takr", "talu", "tamldec", "telu", "thai", "tibt", "tirh", "tnsa",
    "vaii", "wara", "wcho",
];

/// Whether CLDR data gives `name` its own digits (an unknown system would
/// silently print Latin digits).
pub fn is_numbering(name: &str) -> bool {
    if name == "latn" {
        return true;
    }
    let Ok(locale) = format!("und-u-nu-{name}").parse::<Locale>() else {
        return false;
    };
    DecimalFormatter::try_new(locale.into(), Default::default())
        .map(|f| {
            !f.format(&Decimal::from(1234567890))
                .to_string()
                .contains('7')
        })
        .unwrap_or(false)
}

/// Every numbering system with digits in this build's CLDR data.
pub fn numbering_systems() -> Vec<&'static str> {
    NUMBERING_CANDIDATES
        .iter()
        .copied()
        .filter(|n| is_numbering(n))
        .collect()
}

/// Accepts the common spellings people write for CLDR calendar keys.
fn calendar_key(name: &str) -> &str {
    match name {
        "gregorian" => "gregory",
        "solar-hijri" | "jalali" => "persian",
        "hijri" => "islamic",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(code: &str) -> LocaleFormat {
        LocaleFormat::new(code, &LanguageConfig::default()).unwrap()
    }

    #[test]
    fn persian_uses_persian_calendar_and_digits_and_rtl() {
        let fa = fmt("fa");
        assert_eq!(fa.dir, Direction::Rtl);
        let d = fa.date(2024, 5, 2).unwrap();
        // 2 May 2024 is 13 Ordibehesht 1403 in the Solar Hijri calendar.
        assert!(d.contains("۱۴۰۳"), "{d}");
        assert!(d.contains("اردیبهشت"), "{d}");
        assert_eq!(fa.number(1234), "۱٬۲۳۴");
    }

    #[test]
    fn bengali_digits_and_english_plain() {
        assert_eq!(fmt("bn").number(72), "৭২");
        assert_eq!(fmt("en").date(2024, 5, 2).unwrap(), "May 2, 2024");
        assert_eq!(fmt("en").dir, Direction::Ltr);
    }

    #[test]
    fn overrides_change_calendar_and_digits() {
        let config = LanguageConfig {
            calendar: Some("gregorian".into()),
            numbering: Some("latn".into()),
            ..Default::default()
        };
        let fa = LocaleFormat::new("fa", &config).unwrap();
        let d = fa.date(2024, 5, 2).unwrap();
        assert!(d.contains("2024"), "{d}");
    }

    #[test]
    fn calendars_and_numbering_systems_are_checked_against_cldr() {
        for ok in [
            "gregorian",
            "persian",
            "islamic-umalqura",
            "hebrew",
            "jalali",
        ] {
            assert!(is_calendar(ok), "{ok}");
        }
        for bad in ["julian", "gregorien", "", "latn"] {
            assert!(!is_calendar(bad), "{bad}");
        }
        for ok in ["latn", "arab", "arabext", "beng", "deva", "thai", "tamldec"] {
            assert!(is_numbering(ok), "{ok}");
        }
        for bad in ["roman", "xxxx", "latin", "ARAB!"] {
            assert!(!is_numbering(bad), "{bad}");
        }
        assert!(numbering_systems().len() > 20);
    }

    #[test]
    fn rtl_is_derived_for_other_rtl_codes() {
        for code in ["ar", "he", "ur", "ps"] {
            assert_eq!(fmt(code).dir, Direction::Rtl, "{code}");
        }
    }
}

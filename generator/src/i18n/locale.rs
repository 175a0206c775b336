//! Dates, numbers and direction per language, from CLDR data through ICU4X.

use icu::calendar::Date;
use icu::datetime::fieldsets::YMD;
use icu::datetime::DateTimeFormatter;
use icu::decimal::input::Decimal;
use icu::decimal::DecimalFormatter;
use icu::locale::{Locale, LocaleDirectionality};

use crate::cldr::calendar_key;
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
    fn rtl_is_derived_for_other_rtl_codes() {
        for code in ["ar", "he", "ur", "ps"] {
            assert_eq!(fmt(code).dir, Direction::Rtl, "{code}");
        }
    }
}

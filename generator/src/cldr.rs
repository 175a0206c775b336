//! The CLDR names site.toml may give a language: calendars and numbering
//! systems, checked against what this build's ICU4X data knows. Below both
//! the configuration (which validates them) and the formatting (which uses them).

use icu::decimal::input::Decimal;
use icu::decimal::DecimalFormatter;
use icu::locale::Locale;

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
pub fn calendar_key(name: &str) -> &str {
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
}

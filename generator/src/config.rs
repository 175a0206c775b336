//! `site.toml`: the site's configuration (docs/reference.md, "site.toml").

use indexmap::IndexMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{line_of, Diagnostic, Error, Result};
use crate::toml_error;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub default_language: String,
    /// Folder under `themes/` whose files replace the built-in theme's.
    pub theme: String,
    /// In the order site.toml declares them: the switcher shows that order.
    pub languages: IndexMap<String, LanguageConfig>,
    pub markdown: MarkdownConfig,
    pub i18n: I18nConfig,
    pub form: FormConfig,
    pub search: SearchConfig,
    pub appearance: AppearanceConfig,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: String::new(),
            base_url: String::new(),
            default_language: "en".into(),
            theme: "default".into(),
            languages: IndexMap::new(),
            markdown: MarkdownConfig::default(),
            i18n: I18nConfig::default(),
            form: FormConfig::default(),
            search: SearchConfig::default(),
            appearance: AppearanceConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageConfig {
    /// The language's own name for itself, shown in the switcher.
    pub name: String,
    /// Derived from the language code (CLDR) when absent.
    pub dir: Option<Direction>,
    /// BCP 47 locale for dates and numbers; the language code when absent.
    pub locale: Option<String>,
    /// CLDR calendar (`gregory`, `persian`, …); the locale's default when absent.
    pub calendar: Option<String>,
    /// CLDR numbering system (`latn`, `arabext`, `beng`, …); the locale's default when absent.
    pub numbering: Option<String>,
    /// Site title in this language; the site's `title` when absent.
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in markdown through. Off: it is shown escaped, as text.
    pub raw_html: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct I18nConfig {
    /// A page missing in a language is rendered from the default language with a notice.
    pub untranslated_notice: bool,
    /// Language whose UI strings fill keys missing from another language's catalog.
    /// Without it a missing key is a build error.
    pub fallback: Option<String>,
}

impl Default for I18nConfig {
    fn default() -> Self {
        I18nConfig {
            untranslated_notice: true,
            fallback: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormConfig {
    /// Where the contact form posts. `helpsite build` and `serve` take
    /// `HELPSITE_FORM_ENDPOINT` over it.
    pub endpoint: String,
    /// Topic ids offered by the form; labels come from the theme catalog (`topic_<id>`).
    pub topics: Vec<String>,
    /// The site's own fields (`[[form.fields]]`), shown and required per topic.
    pub fields: Vec<helpsite_form::extra::ExtraField>,
    /// Attachments: how many files, how large, of which types.
    pub uploads: helpsite_form::definition::Uploads,
}

impl Default for FormConfig {
    fn default() -> Self {
        FormConfig {
            endpoint: "/api/contact".into(),
            topics: helpsite_form::DEFAULT_TOPICS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            fields: Vec::new(),
            uploads: Default::default(),
        }
    }
}

/// Branding of the theme (`theme` names the theme's folder, so these live
/// in their own table).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppearanceConfig {
    /// `#rrggbb` for links, buttons and focus; must reach WCAG AA on the light background.
    pub accent: Option<String>,
    /// The accent of the dark scheme; derived from `accent` when absent.
    pub accent_dark: Option<String>,
    /// An SVG file, relative to the site folder, shown beside the site title.
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    pub enabled: bool,
    /// Report searches that found nothing and suggested answers opened on
    /// the contact form to the handler's `/insights` (language and
    /// normalized query only). Off unless the site asks for it.
    pub insights: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            insights: false,
        }
    }
}

impl SiteConfig {
    /// Reads and validates `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        if let Some(e) = not_a_site(root) {
            return Err(e);
        }
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Self::parse(&text, Path::new(CONFIG_FILE))
    }

    pub fn parse(text: &str, shown_path: &Path) -> Result<SiteConfig> {
        let config: SiteConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            Error::Site(vec![toml_error::diagnostic(
                &e,
                shown_path,
                line,
                "",
                "keys allowed here",
            )])
        })?;
        let diags = config.validate(shown_path, text);
        if diags.is_empty() {
            Ok(config)
        } else {
            Err(Error::Site(diags))
        }
    }

    fn validate(&self, path: &Path, text: &str) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let line_of_key = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|i| i + 1)
        };
        if self.languages.is_empty() {
            diags.push(
                Diagnostic::error(path, None, "no languages are declared")
                    .with_help("add a [languages.en] table with name = \"English\""),
            );
        } else if !self.languages.contains_key(&self.default_language) {
            diags.push(
                Diagnostic::error(
                    path,
                    line_of_key("default_language"),
                    format!(
                        "default_language \"{}\" is not declared under [languages]",
                        self.default_language
                    ),
                )
                .with_help(format!(
                    "add [languages.{}] or pick one of: {}",
                    self.default_language,
                    self.language_codes().join(", ")
                )),
            );
        }
        for code in self.languages.keys() {
            if code.parse::<icu::locale::LanguageIdentifier>().is_err() || code.contains('_') {
                diags.push(
                    Diagnostic::error(
                        path,
                        line_of_key(&format!("[languages.{code}]")),
                        format!("\"{code}\" is not a language code"),
                    )
                    .with_help("use a BCP 47 code such as en, fi, pt-BR"),
                );
            }
        }
        for (code, lc) in &self.languages {
            diags.extend(locale_diagnostics(code, lc, path, text));
        }
        if let Some(fallback) = &self.i18n.fallback {
            if !self.languages.contains_key(fallback) {
                diags.push(Diagnostic::error(
                    path,
                    line_of_key("fallback"),
                    format!("i18n.fallback \"{fallback}\" is not a declared language"),
                ));
            }
        }
        if self.theme.is_empty() || self.theme.starts_with('.') || self.theme.contains(['/', '\\'])
        {
            diags.push(
                Diagnostic::error(
                    path,
                    line_of_key("theme"),
                    format!("theme \"{}\" is not a folder name", self.theme),
                )
                .with_help("name one folder under themes/, such as default or brand"),
            );
        }
        for topic in &self.form.topics {
            if topic.is_empty()
                || !topic
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                diags.push(
                    Diagnostic::error(
                        path,
                        line_of_key("topics"),
                        format!("form topic \"{topic}\" must be an ASCII id"),
                    )
                    .with_help("use ids like billing, refund; labels come from the theme catalog"),
                );
            }
        }
        diags.extend(form_field_diagnostics(&self.form, path, text));
        if let Err(e) = self.form.uploads.check() {
            diags.push(Diagnostic::error(
                path,
                line_of_key("[form.uploads]"),
                format!("[form.uploads] {e}"),
            ));
        }
        diags
    }

    pub fn language_codes(&self) -> Vec<String> {
        self.languages.keys().cloned().collect()
    }

    /// Languages with the default first, the rest as declared.
    pub fn ordered_languages(&self) -> Vec<String> {
        let mut codes = vec![self.default_language.clone()];
        codes.extend(
            self.languages
                .keys()
                .filter(|c| **c != self.default_language)
                .cloned(),
        );
        codes
    }

    pub fn base_url(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The error for a folder without `site.toml`: it says how to start a site.
pub fn not_a_site(root: &Path) -> Option<Error> {
    if root.join(CONFIG_FILE).exists() {
        return None;
    }
    let message = if root.is_dir() {
        format!("no {CONFIG_FILE} here: this folder is not a helpsite site yet")
    } else {
        "no such folder".to_string()
    };
    Some(Error::Site(vec![Diagnostic::error(root, None, message)
        .with_help(format!(
            "start a site there with `helpsite init{}`, or give --root the folder that holds {CONFIG_FILE}",
            if root == Path::new(".") {
                String::new()
            } else {
                format!(" {}", shell_word(&root.to_string_lossy()))
            }
        ))]))
}

/// `s` as one word for a POSIX shell, quoted only when it must be.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The line of `key` inside the `[languages.<code>]` table of site.toml.
fn line_in_language(text: &str, code: &str, key: &str) -> Option<usize> {
    let header = format!("[languages.{code}]");
    let start = text.lines().position(|l| l.trim() == header)?;
    key_in_table(text, start, key).map(|i| i + 1)
}

/// The index of the line setting `key` in the table whose header is line
/// `start` (0-based), if the table sets it.
fn key_in_table(text: &str, start: usize, key: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(start + 1)
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|(i, _)| i)
}

/// `locale`, `calendar` and `numbering` of one language, checked against
/// what CLDR (ICU4X) knows; each error names the line and the valid values.
fn locale_diagnostics(code: &str, lc: &LanguageConfig, path: &Path, text: &str) -> Vec<Diagnostic> {
    use crate::cldr;
    let mut diags = Vec::new();
    let at = |key: &str| line_in_language(text, code, key);
    if let Some(tag) = &lc.locale {
        if tag.parse::<icu::locale::Locale>().is_err() || tag.contains('_') {
            diags.push(
                Diagnostic::error(path, at("locale"), format!("[languages.{code}] locale \"{tag}\" is not a BCP 47 locale"))
                    .with_help("write a language tag such as fa-IR, pt-BR or sr-Latn-RS (hyphens, no underscores)"),
            );
        }
    }
    if let Some(calendar) = &lc.calendar {
        if !cldr::is_calendar(calendar) {
            diags.push(
                Diagnostic::error(
                    path,
                    at("calendar"),
                    format!("[languages.{code}] calendar \"{calendar}\" is not a CLDR calendar"),
                )
                .with_help(format!("use one of: {}", cldr::CALENDARS.join(", "))),
            );
        }
    }
    if let Some(numbering) = &lc.numbering {
        if !cldr::is_numbering(numbering) {
            diags.push(
                Diagnostic::error(path, at("numbering"), format!("[languages.{code}] numbering \"{numbering}\" is not a numbering system with CLDR digits"))
                    .with_help(format!("use one of: {}", cldr::numbering_systems().join(", "))),
            );
        }
    }
    diags
}

/// The line of `key` in the `index`-th `[[form.fields]]` table, else the
/// table's header line.
fn line_in_form_field(text: &str, index: usize, key: &str) -> Option<usize> {
    let start = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[form.fields]]")
        .nth(index)?
        .0;
    Some(key_in_table(text, start, key).unwrap_or(start) + 1)
}

/// `[[form.fields]]` checked against the form's topics and built-in fields:
/// each error names the line, the valid values and the closest one.
fn form_field_diagnostics(form: &FormConfig, path: &Path, text: &str) -> Vec<Diagnostic> {
    use crate::toml_error::did_you_mean;
    helpsite_form::extra::config_problems(&form.fields, &form.topics)
        .into_iter()
        .map(|p| {
            let line = line_in_form_field(text, p.index, p.key);
            let d = Diagnostic::error(path, line, format!("[[form.fields]] {}", p.message));
            if p.valid.is_empty() {
                return d;
            }
            let valid: Vec<&str> = p.valid.iter().map(String::as_str).collect();
            let guess = p.value.as_deref().and_then(|v| did_you_mean(v, &valid));
            d.with_help(match guess {
                Some(g) => format!("did you mean \"{g}\"? Valid here: {}", valid.join(", ")),
                None => format!("valid here: {}", valid.join(", ")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "title = \"x\"\nbase_url = \"https://e.com\"\ncolour = \"red\"\n[languages.en]\nname = \"English\"\n";
        let err = SiteConfig::parse(text, Path::new("site.toml")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("colour"), "{}", d.message);
    }

    #[test]
    fn defaults_fill_everything_but_languages() {
        let c = SiteConfig::parse(
            "[languages.en]\nname = \"English\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        assert_eq!(c.default_language, "en");
        assert!(c.i18n.untranslated_notice);
        assert_eq!(c.form.endpoint, "/api/contact");
    }

    #[test]
    fn a_theme_is_one_folder_name() {
        for bad in ["../outside", "a/b", "", ".hidden"] {
            let text = format!("theme = \"{bad}\"\n[languages.en]\nname = \"English\"\n");
            let err = SiteConfig::parse(&text, Path::new("site.toml")).unwrap_err();
            assert_eq!(err.diagnostics()[0].line, Some(1), "{bad}");
        }
    }

    #[test]
    fn calendar_numbering_and_locale_errors_name_the_line_and_the_valid_values() {
        let text = "default_language = \"fa\"\n[languages.fa]\nname = \"فارسی\"\ncalendar = \"julian\"\nnumbering = \"roman\"\nlocale = \"fa_IR\"\n";
        let err = SiteConfig::parse(text, Path::new("site.toml")).unwrap_err();
        let find = |what: &str| {
            err.diagnostics()
                .iter()
                .find(|d| d.message.contains(what))
                .unwrap_or_else(|| panic!("no {what} error: {err}"))
                .clone()
        };
        let calendar = find("calendar \"julian\"");
        assert_eq!(calendar.line, Some(4));
        assert!(calendar.help.as_deref().unwrap().contains("persian"));
        let numbering = find("numbering \"roman\"");
        assert_eq!(numbering.line, Some(5));
        assert!(numbering.help.as_deref().unwrap().contains("arabext"));
        assert_eq!(find("locale \"fa_IR\"").line, Some(6));
    }

    const FIELDS_OK: &str = "[languages.en]\nname = \"English\"\n[form]\ntopics = [\"billing\", \"refund\", \"technical\"]\n";

    fn field_error(table: &str) -> Diagnostic {
        let text = format!("{FIELDS_OK}[[form.fields]]\nname = \"ok\"\n[[form.fields]]\n{table}");
        let err = SiteConfig::parse(&text, Path::new("site.toml")).unwrap_err();
        err.diagnostics()[0].clone()
    }

    #[test]
    fn form_fields_parse() {
        let text = format!("{FIELDS_OK}[[form.fields]]\nname = \"order_number\"\nkind = \"text\"\ntopics = [\"billing\", \"refund\"]\nrequired_for = [\"billing\"]\nmax_length = 40\n[[form.fields]]\nname = \"plan\"\nkind = \"select\"\noptions = [\"monthly\", \"yearly\"]\n");
        let c = SiteConfig::parse(&text, Path::new("site.toml")).unwrap();
        assert_eq!(c.form.fields.len(), 2);
        assert_eq!(c.form.fields[0].max_len(), 40);
        assert!(
            c.form.fields[1].shown_for("technical"),
            "no topics: every topic"
        );
    }

    #[test]
    fn form_field_errors_name_the_line_and_the_valid_values() {
        // Lines 1-4 are FIELDS_OK, 5-6 the first field, 7 the second's header.
        let d = field_error("name = \"x\"\ntopics = [\"biling\"]\n");
        assert_eq!(d.line, Some(9));
        assert!(
            d.message.contains("\"biling\" is not a topic"),
            "{}",
            d.message
        );
        let help = d.help.unwrap();
        assert!(help.contains("did you mean \"billing\""), "{help}");
        assert!(help.contains("billing, refund, technical"), "{help}");

        let d = field_error("name = \"x\"\nkind = \"phon\"\n");
        assert_eq!(d.line, Some(9));
        let help = d.help.unwrap();
        assert!(help.contains("did you mean \"phone\""), "{help}");
        assert!(
            help.contains("text, select, phone, url, date, number"),
            "{help}"
        );

        let d = field_error("name = \"x\"\nrequired = [\"billing\"]\n");
        assert_eq!(d.line, Some(9));
        assert!(d.help.unwrap().contains("did you mean \"required_for\""));

        let d = field_error("name = \"email\"\n");
        assert_eq!(d.line, Some(8));
        assert!(
            d.help.unwrap().contains("order"),
            "lists the built-in names"
        );

        let d = field_error("name = \"plan\"\nkind = \"select\"\n");
        assert_eq!(d.line, Some(7), "no options key: the table's header");
        assert!(d.message.contains("no options"), "{}", d.message);

        let d = field_error("name = \"x\"\ntopics = [\"refund\"]\nrequired_for = [\"billing\"]\n");
        assert_eq!(d.line, Some(10));
        assert!(d.message.contains("not shown"), "{}", d.message);
    }

    #[test]
    fn undeclared_default_language_is_an_error() {
        let err = SiteConfig::parse(
            "default_language = \"de\"\n[languages.en]\nname = \"English\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert_eq!(err.diagnostics()[0].line, Some(1));
    }
}

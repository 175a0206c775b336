//! `helpsite check`: every check of a build plus what only matters to
//! editors — which translations are missing or stale, and UI strings no
//! template uses — without writing anything.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{self, SourcePage};
use crate::error::{Diagnostic, Error};
use crate::i18n::Catalogs;
use crate::site::{self, BuildOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The default language's page itself.
    Source,
    Ok,
    /// The default language's page changed after this translation.
    Stale,
    Missing,
}

#[derive(Debug, Serialize)]
pub struct TranslationRow {
    /// Path inside a language folder, e.g. `billing.md`.
    pub page: String,
    pub languages: BTreeMap<String, Status>,
}

/// One language at a glance: its pages and its UI strings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageSummary {
    pub language: String,
    pub pages: usize,
    pub translated: usize,
    pub stale: usize,
    pub missing: usize,
    pub ui_strings: usize,
    /// UI strings shown from the `[i18n] fallback` language.
    pub ui_from_fallback: usize,
    /// The catalog files the UI strings come from, shipped first.
    pub catalogs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub translations: Vec<TranslationRow>,
    pub languages_summary: Vec<LanguageSummary>,
    /// Languages in site order, for printing the table.
    #[serde(skip)]
    pub languages: Vec<String>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == crate::error::Severity::Warning)
            .count()
    }

    /// Languages beyond which the page × language matrix no longer fits a
    /// terminal: the summary is shown instead (the matrix on request).
    pub const MATRIX_MAX_LANGUAGES: usize = 8;

    /// What `check` prints: the matrix when it fits (or `matrix`), and the
    /// summary per language.
    pub fn tables(&self, matrix: bool) -> String {
        let mut out = String::new();
        if matrix || self.languages.len() <= Self::MATRIX_MAX_LANGUAGES {
            out.push_str(&self.table());
            out.push('\n');
        }
        out.push_str(&self.summary());
        if !matrix && self.languages.len() > Self::MATRIX_MAX_LANGUAGES {
            out.push_str("(every page in every language: --matrix, or --format json)\n");
        }
        out
    }

    /// One line per language: pages translated, stale, missing, and UI
    /// strings from the fallback language.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{:10}  {:>10}  {:>5}  {:>7}  {:>11}\n",
            "language", "translated", "stale", "missing", "UI fallback"
        );
        for s in &self.languages_summary {
            out.push_str(&format!(
                "{:10}  {:>10}  {:>5}  {:>7}  {:>11}\n",
                s.language,
                format!("{}/{}", s.translated, s.pages),
                s.stale,
                s.missing,
                format!("{}/{}", s.ui_from_fallback, s.ui_strings),
            ));
        }
        out
    }

    /// The page × language table, for a terminal.
    pub fn table(&self) -> String {
        let width = self
            .translations
            .iter()
            .map(|r| r.page.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!("{:width$}", "page");
        for l in &self.languages {
            out.push_str(&format!("  {l:8}"));
        }
        out.push('\n');
        for row in &self.translations {
            out.push_str(&format!("{:width$}", row.page));
            for l in &self.languages {
                let s = match row.languages.get(l) {
                    Some(Status::Source) => "source",
                    Some(Status::Ok) => "ok",
                    Some(Status::Stale) => "STALE",
                    Some(Status::Missing) | None => "MISSING",
                };
                out.push_str(&format!("  {s:8}"));
            }
            out.push('\n');
        }
        out
    }
}

pub fn check(root: &Path) -> Result<CheckReport, Error> {
    let config = SiteConfig::load(root)?;
    let mut diagnostics = match site::render_site(root, &BuildOptions::default()) {
        Ok(built) => built.warnings.into_iter().chain(built.notes).collect(),
        Err(Error::Site(d)) => d,
        Err(e) => return Err(e),
    };
    let (pages, _) = content::load(root, &config);
    let (translations, diags) = translations(root, &config, &pages);
    diagnostics.extend(diags);
    diagnostics.extend(unused_ui_strings(root, &config));
    diagnostics.extend(missing_field_labels(root, &config));
    let (languages_summary, diags) = summaries(root, &config, &translations);
    diagnostics.extend(diags);
    diagnostics.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diagnostics.dedup();
    Ok(CheckReport {
        diagnostics,
        translations,
        languages_summary,
        languages: config.ordered_languages(),
    })
}

/// Each extra field of the contact form needs a label (and each select
/// option one) in every language, from the site's own catalogs.
fn missing_field_labels(root: &Path, config: &SiteConfig) -> Vec<Diagnostic> {
    let Ok(theme) = crate::theme::Theme::load(root, config) else {
        return Vec::new();
    };
    let Ok(catalogs) = Catalogs::load(config, root, &theme) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for lang in config.ordered_languages() {
        let file = PathBuf::from(format!("i18n/{lang}.toml"));
        for f in &config.form.fields {
            for key in f.catalog_keys() {
                if catalogs.get(&lang).get(&key).is_none() {
                    out.push(
                        Diagnostic::error(
                            &file,
                            None,
                            format!("contact form field \"{}\" has no text \"{key}\" in language \"{lang}\"", f.name),
                        )
                        .with_help(format!("add {key} = \"…\" in {lang} to {}", file.display())),
                    );
                }
            }
        }
    }
    out
}

/// Per language: page counts from the translation rows, UI-string counts
/// from the catalogs; a warning for each language showing UI strings from
/// the fallback language.
fn summaries(
    root: &Path,
    config: &SiteConfig,
    rows: &[TranslationRow],
) -> (Vec<LanguageSummary>, Vec<Diagnostic>) {
    let catalogs = crate::theme::Theme::load(root, config)
        .ok()
        .and_then(|theme| Catalogs::load(config, root, &theme).ok());
    let mut diags = Vec::new();
    let out = config
        .ordered_languages()
        .into_iter()
        .map(|lang| {
            let mut s = LanguageSummary {
                language: lang.clone(),
                pages: rows.len(),
                ..Default::default()
            };
            for row in rows {
                match row.languages.get(&lang) {
                    Some(Status::Source | Status::Ok) => s.translated += 1,
                    Some(Status::Stale) => {
                        s.translated += 1;
                        s.stale += 1
                    }
                    Some(Status::Missing) | None => s.missing += 1,
                }
            }
            if let Some(c) = &catalogs {
                s.ui_strings = c.get(&lang).len();
                s.ui_from_fallback = c.from_fallback.get(&lang).map_or(0, |k| k.len());
                s.catalogs = c.sources.get(&lang).cloned().unwrap_or_default();
                if s.ui_from_fallback > 0 {
                    let fallback = config.i18n.fallback.as_deref().unwrap_or("?");
                    diags.push(
                        Diagnostic::warning(
                            Path::new("i18n").join(format!("{lang}.toml")),
                            None,
                            format!(
                                "language \"{lang}\": {} of {} UI strings are shown in \"{fallback}\", the fallback language",
                                s.ui_from_fallback, s.ui_strings
                            ),
                        )
                        .with_help(format!("translate them in i18n/{lang}.toml (keys: {})", preview(c.from_fallback.get(&lang)))),
                    );
                }
            }
            s
        })
        .collect();
    (out, diags)
}

/// A few keys, for a message.
fn preview(keys: Option<&BTreeSet<String>>) -> String {
    let keys: Vec<&str> = keys.into_iter().flatten().map(String::as_str).collect();
    match keys.len() {
        0..=5 => keys.join(", "),
        n => format!("{}, … {} more", keys[..5].join(", "), n - 5),
    }
}

fn translations(
    root: &Path,
    config: &SiteConfig,
    pages: &[SourcePage],
) -> (Vec<TranslationRow>, Vec<Diagnostic>) {
    let default = &config.default_language;
    let mut by_path: BTreeMap<String, HashMap<&str, &SourcePage>> = BTreeMap::new();
    for p in pages.iter().filter(|p| !p.front.draft) {
        by_path
            .entry(p.rel_path.to_string_lossy().replace('\\', "/"))
            .or_default()
            .insert(&p.lang, p);
    }
    let git = GitTimes::load(root);
    let mut rows = Vec::new();
    let mut diags = Vec::new();
    for (path, langs) in &by_path {
        let Some(source) = langs.get(default.as_str()) else {
            continue;
        };
        let mut row = BTreeMap::new();
        for lang in config.ordered_languages() {
            let status = if lang == *default {
                Status::Source
            } else {
                match langs.get(lang.as_str()) {
                    None => {
                        diags.push(
                            Diagnostic::warning(
                                Path::new("content").join(&lang).join(path),
                                None,
                                format!(
                                    "not translated into {lang}: readers get the {default} page{}",
                                    if config.i18n.untranslated_notice {
                                        " with a notice"
                                    } else {
                                        ""
                                    }
                                ),
                            )
                            .with_help(format!(
                                "translate content/{default}/{path} into content/{lang}/{path}"
                            )),
                        );
                        Status::Missing
                    }
                    Some(t) => match stale(source, t, &git) {
                        Some(why) => {
                            diags.push(
                                Diagnostic::warning(
                                    &t.shown_path,
                                    None,
                                    format!("translation may be out of date: {why}"),
                                )
                                .with_help(format!(
                                    "compare with {} and update this page (and its updated date)",
                                    source.shown_path.display()
                                )),
                            );
                            Status::Stale
                        }
                        None => Status::Ok,
                    },
                }
            };
            row.insert(lang, status);
        }
        rows.push(TranslationRow {
            page: path.clone(),
            languages: row,
        });
    }
    (rows, diags)
}

/// Why `translation` is older than `source`: by front-matter `updated` when
/// both have it, otherwise by the last git commit of each file.
fn stale(source: &SourcePage, translation: &SourcePage, git: &GitTimes) -> Option<String> {
    let date = |p: &SourcePage| {
        p.front
            .updated
            .as_ref()
            .and_then(|d| d.date)
            .map(|d| d.to_string())
    };
    if let (Some(s), Some(t)) = (date(source), date(translation)) {
        return (s > t).then(|| {
            format!(
                "{} was updated {s}, this translation {t}",
                source.shown_path.display()
            )
        });
    }
    let (s, t) = (
        git.last_commit(&source.shown_path)?,
        git.last_commit(&translation.shown_path)?,
    );
    (s > t).then(|| {
        format!(
            "{} was committed after this translation",
            source.shown_path.display()
        )
    })
}

/// Last commit time of every file under content/, from one `git log`.
struct GitTimes(HashMap<String, i64>);

impl GitTimes {
    fn load(root: &Path) -> GitTimes {
        let mut times = HashMap::new();
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "log",
                "--format=%x00%ct",
                "--name-only",
                "--relative",
                "--",
                "content",
            ])
            .output();
        if let Some(out) = output.ok().filter(|o| o.status.success()) {
            let mut current = 0;
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if let Some(t) = line.strip_prefix('\0') {
                    current = t.trim().parse().unwrap_or(0);
                } else if !line.is_empty() {
                    // Newest first: the first time a file appears is its last commit.
                    times.entry(line.to_string()).or_insert(current);
                }
            }
        }
        GitTimes(times)
    }

    fn last_commit(&self, shown: &Path) -> Option<i64> {
        self.0
            .get(&shown.to_string_lossy().replace('\\', "/"))
            .copied()
    }
}

/// Keys the generator itself looks up (the rest are found in templates).
const CODE_KEYS: &[&str] = &[
    "heading_link",
    "table_label",
    "alert_note",
    "alert_tip",
    "alert_important",
    "alert_warning",
    "alert_caution",
    "faq_question_link",
    "footnote_back",
    "task_done",
    "thanks_title",
    "form_error_title",
    // The notes beside a site's extra contact fields (site/context.rs).
    "form_field_topics_note",
    "form_field_required_note",
];

/// Keys of the site's own default-language catalogs (its theme's and its
/// `i18n/` folder's) that nothing uses: a warning, so catalogs do not fill
/// with dead text. The built-in catalogs are the binary's business, not the
/// site's.
fn unused_ui_strings(root: &Path, config: &SiteConfig) -> Vec<Diagnostic> {
    let Ok(theme) = crate::theme::Theme::load(root, config) else {
        return Vec::new();
    };
    let rel = format!("i18n/{}.toml", config.default_language);
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if let Some(text) = theme.site_file(&rel) {
        files.push((
            theme.site_path(&rel),
            String::from_utf8_lossy(text).into_owned(),
        ));
    }
    if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
        files.push((PathBuf::from(&rel), text));
    }
    if files.is_empty() {
        return Vec::new();
    }
    let mut used: BTreeSet<String> = CODE_KEYS.iter().map(|k| k.to_string()).collect();
    for f in helpsite_form::FIELDS {
        used.insert(format!("form_{}_label", f.name));
        used.insert(format!("form_{}_hint", f.name));
    }
    for t in &config.form.topics {
        used.insert(format!("topic_{t}"));
    }
    for f in &config.form.fields {
        used.extend(f.catalog_keys());
        used.insert(f.hint_key());
    }
    for r in helpsite_form::FEEDBACK_REASONS {
        used.insert(format!("feedback_reason_{r}"));
    }
    // The handler's answers and emails.
    used.extend(helpsite_form::definition::handler_keys());
    let sources: String = theme
        .files_under("templates")
        .into_iter()
        .chain(theme.files_under("static"))
        .map(|f| String::from_utf8_lossy(f.bytes).into_owned())
        .collect();
    let mut out = Vec::new();
    for (shown, text) in files {
        let Ok(catalog) = toml::from_str::<toml::Table>(&text) else {
            continue;
        };
        out.extend(
            catalog
                .keys()
                .filter(|k| {
                    !used.contains(*k)
                        && !sources.contains(&format!("ui.{k}"))
                        && !sources.contains(&format!("ui_html.{k}"))
                        && !sources.contains(&format!("\"{k}\""))
                })
                .map(|k| {
                    let line = text
                        .lines()
                        .position(|l| l.starts_with(k.as_str()))
                        .map(|i| i + 1);
                    Diagnostic::warning(
                        &shown,
                        line,
                        format!("UI string \"{k}\" is not used by any template"),
                    )
                    .with_help(
                        "remove it from every language's catalog, or use it in a template as {{ ui.KEY }}"
                            .replace("KEY", k),
                    )
                }),
        );
    }
    out
}

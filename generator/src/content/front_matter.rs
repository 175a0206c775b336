//! TOML front matter between `+++` lines; the keys are listed in
//! docs/reference.md, "Pages".

use serde::{Deserialize, Serialize};

use crate::error::{line_of, Diagnostic};
use crate::toml_error;

/// What a page is; picks its template and behaviour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Page,
    /// Every `##` heading is a question; what follows is its answer.
    Faq,
    /// Table of contents, "last updated", print stylesheet.
    Policy,
    /// The contact form.
    Contact,
    /// Where the handler sends a visitor after a successful post.
    Thanks,
    /// Where the handler sends a visitor whose post failed.
    FormError,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Faq => "faq",
            Kind::Policy => "policy",
            Kind::Contact => "contact",
            Kind::Thanks => "thanks",
            Kind::FormError => "form-error",
        }
    }
}

/// `PartialEq` is derived: a rebuild compares whole front matters, so a
/// new field can never be missed there.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Kind,
    pub updated: Option<toml::value::Datetime>,
    pub weight: i64,
    pub slug: Option<String>,
    pub draft: bool,
    /// A short mark shown beside a section's title on cards (an emoji or a
    /// character or two), never read out.
    pub icon: Option<String>,
    /// Pages to offer after this one, named as links are (`billing.md#vat`).
    pub related: Vec<String>,
    /// Listed first among its section's pages on the home page.
    pub promoted: bool,
    /// Line of the `related` key in the file, for messages about its entries.
    #[serde(skip)]
    pub related_line: usize,
}

/// An icon is a mark beside a title, not a place for text (an emoji with
/// modifiers can take several characters).
const ICON_MAX_CHARS: usize = 8;

/// Front matter and body of a page, with where the body starts.
pub struct Split<'a> {
    pub front: &'a str,
    /// Line (1-based) of the first front-matter line.
    pub front_line: usize,
    pub body: &'a str,
    /// Line (1-based) of the first body line.
    pub body_line: usize,
}

/// Splits `+++\n…\n+++\n body`. The error is a message for line 1.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err("the page must start with front matter between +++ lines".into());
    }
    let start = first.len();
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "+++" {
            let front = &text[start..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                front,
                front_line: 2,
                body: &text[body_start..],
                body_line: line_of(text, body_start),
            });
        }
        offset += line.len();
    }
    Err("the front matter is not closed: add a line with +++ after it".into())
}

/// Parses front matter; `shown` is the file name used in messages.
pub fn parse(split: &Split<'_>, shown: &std::path::Path) -> Result<FrontMatter, Vec<Diagnostic>> {
    let at = |offset: usize| split.front_line + line_of(split.front, offset) - 1;
    let mut fm: FrontMatter = toml::from_str(split.front).map_err(|e| {
        let line = e.span().map(|s| at(s.start)).unwrap_or(split.front_line);
        let msg = e.message();
        let mut d = toml_error::diagnostic(
            &e,
            shown,
            Some(line),
            "front matter: ",
            "keys a page may use",
        );
        if d.help.is_some() {
            // An unknown key: the help lists the keys.
        } else if msg.contains("datetime") || msg.contains("invalid date") {
            d.help = Some("write a date without quotes, like updated = 2024-05-02".into());
        } else if msg.contains("unknown variant") {
            d.help = Some("kind is one of: page, faq, policy, contact, thanks, form-error".into());
        }
        vec![d]
    })?;
    let key_line = |key: &str| {
        split
            .front
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| split.front_line + i)
    };
    fm.related_line = key_line("related").unwrap_or(split.front_line);
    let mut diags = check_title_and_date(&fm, shown, &key_line, split.front_line);
    diags.extend(check_slug_and_icon(&fm, shown, &key_line));
    if diags.is_empty() {
        Ok(fm)
    } else {
        Err(diags)
    }
}

/// The title is there; `updated` is a date.
fn check_title_and_date(
    fm: &FrontMatter,
    shown: &std::path::Path,
    key_line: &dyn Fn(&str) -> Option<usize>,
    front_line: usize,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    match &fm.title {
        Some(t) if !t.trim().is_empty() => {}
        _ => diags.push(
            Diagnostic::error(
                shown,
                key_line("title").or(Some(front_line)),
                "front matter: title is missing",
            )
            .with_help("add a line: title = \"Page title\""),
        ),
    }
    if let Some(updated) = &fm.updated {
        if updated.date.is_none() || updated.time.is_some() {
            diags.push(
                Diagnostic::error(
                    shown,
                    key_line("updated"),
                    format!("front matter: updated = {updated} is not a date"),
                )
                .with_help("write a date without quotes, like updated = 2024-05-02"),
            );
        }
    }
    diags
}

/// The slug fits in a URL; the icon is a short mark.
fn check_slug_and_icon(
    fm: &FrontMatter,
    shown: &std::path::Path,
    key_line: &dyn Fn(&str) -> Option<usize>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if let Some(slug) = &fm.slug {
        let problem = super::url_name::problem(slug);
        if slug.is_empty() || slug.contains('/') || problem.is_some() {
            let why = problem.map(|p| format!(": {p}")).unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    shown,
                    key_line("slug"),
                    format!("front matter: slug \"{slug}\" cannot be used in a URL{why}"),
                )
                .with_help(
                    "use one URL segment without spaces or slashes, like slug = \"refunds\"",
                ),
            );
        }
    }
    if let Some(icon) = &fm.icon {
        if icon.trim().is_empty() || icon.chars().count() > ICON_MAX_CHARS {
            diags.push(
                Diagnostic::error(
                    shown,
                    key_line("icon"),
                    format!("front matter: icon \"{icon}\" is not a short mark"),
                )
                .with_help(format!(
                    "use an emoji or up to {ICON_MAX_CHARS} characters, like icon = \"💳\""
                )),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_text(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let s = split(text).unwrap();
        parse(&s, Path::new("p.md"))
    }

    #[test]
    fn typo_points_at_key_line_with_suggestion() {
        let err = parse_text("+++\ntitle = \"A\"\ntitel = \"B\"\n+++\nbody").unwrap_err();
        assert_eq!(err[0].line, Some(3));
        assert!(err[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean \"title\""));
    }

    #[test]
    fn unknown_key_help_lists_the_struct_fields() {
        let err = parse_text("+++\ntitle = \"A\"\nzzz = 1\n+++\n").unwrap_err();
        assert_eq!(
            err[0].help.as_deref(),
            Some("keys a page may use: title, description, kind, updated, weight, slug, draft, icon, related, promoted")
        );
    }

    #[test]
    fn missing_title_and_bad_date() {
        let err = parse_text("+++\nupdated = 2024-05-02T10:00:00\n+++\n").unwrap_err();
        assert_eq!(err.len(), 2);
        assert!(err.iter().any(|d| d.message.contains("title is missing")));
        assert!(err
            .iter()
            .any(|d| d.line == Some(2) && d.message.contains("not a date")));
    }

    #[test]
    fn body_line_is_counted() {
        let s = split("+++\ntitle = \"A\"\n+++\n\nHello").unwrap();
        assert_eq!(s.body_line, 4);
    }
}

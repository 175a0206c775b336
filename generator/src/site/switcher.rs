//! The language switcher drawn once per language and set of translations.
//!
//! Every page draws its switcher: a link per language with the page's URL
//! there, marked current or not yet translated. Only the URLs belong to the
//! page; pages with the same languages, translated alike, draw the rest the
//! same. So the theme's partial is drawn once for each such set, with marks
//! where the URLs go, and a page fills in its own. That took a tenth of the
//! template work of a page in five languages, more with more languages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tera::{Context, Tera};

/// The theme's switcher; drawn once only when it is the built-in one, so
/// that what it does with a URL is known (escaped, as it is).
pub(crate) const PARTIAL: &str = "partials/languages.html";

/// One language's link on a page, as the switcher reads it.
#[derive(Serialize, Clone)]
pub(crate) struct LanguageLink {
    pub code: String,
    pub name: String,
    pub dir: &'static str,
    pub url: String,
    pub current: bool,
    pub translated: bool,
}

/// A part of a drawn switcher: its own text, or the URL of link `n`.
enum Part {
    Text(String),
    Url(usize),
}

/// Which languages a page has, in order, and whether each is translated.
type Shape = Vec<(String, bool)>;

/// One language's switchers, by shape, drawn as pages ask for them; `None`
/// when the theme could not draw one (the page then draws its own).
#[derive(Default)]
pub(crate) struct Switchers(Mutex<HashMap<Shape, Option<Arc<Vec<Part>>>>>);

impl Switchers {
    /// The switcher of a page with these `links`, drawn from `base` (its
    /// language's shared context) the first time a page has their shape.
    pub(crate) fn draw(
        &self,
        tera: &Tera,
        base: &Context,
        links: &[LanguageLink],
    ) -> Option<String> {
        let shape: Shape = links
            .iter()
            .map(|l| (l.code.clone(), l.translated))
            .collect();
        let parts = {
            let mut drawn = self.0.lock().unwrap_or_else(|e| e.into_inner());
            drawn
                .entry(shape)
                .or_insert_with(|| cut(tera, base, links).map(Arc::new))
                .clone()?
        };
        let mut html = String::new();
        for part in parts.iter() {
            match part {
                Part::Text(text) => html.push_str(text),
                Part::Url(n) => html.push_str(&crate::escape::html(&links[*n].url)),
            }
        }
        Some(html)
    }
}

/// Link `n`'s URL while the switcher is drawn once: characters of the
/// private use area, which no escaping changes and no URL holds.
fn mark(n: usize) -> String {
    format!("\u{E000}url-{n}\u{E000}")
}

/// The switcher for `links` drawn with marks for their URLs, cut at them;
/// `None` unless every URL shows exactly once.
fn cut(tera: &Tera, base: &Context, links: &[LanguageLink]) -> Option<Vec<Part>> {
    let marked: Vec<LanguageLink> = links
        .iter()
        .enumerate()
        .map(|(n, l)| LanguageLink {
            url: mark(n),
            ..l.clone()
        })
        .collect();
    let mut ctx = base.clone();
    ctx.insert("languages", &marked);
    let html = tera.render(PARTIAL, &ctx).ok()?;
    let mut parts = Vec::new();
    let mut rest = html.as_str();
    for n in 0..links.len() {
        let mark = mark(n);
        let at = rest.find(&mark)?;
        parts.push(Part::Text(rest[..at].to_string()));
        parts.push(Part::Url(n));
        rest = &rest[at + mark.len()..];
    }
    if rest.contains('\u{E000}') {
        return None;
    }
    parts.push(Part::Text(rest.to_string()));
    Some(parts)
}

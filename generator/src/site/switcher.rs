//! The language switcher drawn once per language and set of translations.
//!
//! Every page draws its switcher: a link per language with the page's URL
//! there, marked current or not yet translated. Only the URLs belong to the
//! page; pages with the same languages, translated alike, draw the rest the
//! same. So the theme's partial is drawn once for each such set, with marks
//! where the URLs go, and a page fills in its own. That took a tenth of the
//! template work of a page in five languages, more with more languages.

use serde::Serialize;
use tera::{Context, Tera};

use super::cut::{value_marks, Cut, Drawings};

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

/// Which languages a page has, in order, and whether each is translated.
type Shape = Vec<(String, bool)>;

/// One language's switchers, by shape, drawn as pages ask for them.
#[derive(Default)]
pub(crate) struct Switchers(Drawings<Shape, usize>);

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
        let cut = self.0.get(shape, || cut(tera, base, links))?;
        Some(cut.fill(|n, out| out.push_str(&crate::escape::html(&links[n].url))))
    }
}

/// The switcher for `links` drawn with marks for their URLs, cut at them;
/// `None` unless every URL shows exactly once, in order.
fn cut(tera: &Tera, base: &Context, links: &[LanguageLink]) -> Option<Cut<usize>> {
    let marks = value_marks(links.len());
    let marked: Vec<LanguageLink> = links
        .iter()
        .zip(&marks)
        .map(|(l, mark)| LanguageLink {
            url: mark.clone(),
            ..l.clone()
        })
        .collect();
    let mut ctx = base.clone();
    ctx.insert("languages", &marked);
    let html = tera.render(PARTIAL, &ctx).ok()?;
    let cut = Cut::at_values(&html, &marks)?;
    cut.marks().eq(0..links.len()).then_some(cut)
}

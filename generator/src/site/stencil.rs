//! Partials that list a page's links, drawn once per shape.
//!
//! The built-in partials for related articles and for the previous and next
//! page put each link's URL, title, language and direction in as escaped
//! text, and decide nothing by them but whether a link, or its language, is
//! there. So each is drawn once per language for each shape (how many links,
//! which in another language) with marks where the values go, and a page
//! fills in its own: their look-ups were a tenth of a page's template work.

use serde_json::{json, Value};

use super::cut::{value_marks, Cut, Drawings};

/// A link as these partials show it.
pub(crate) struct LinkText<'a> {
    pub url: &'a str,
    pub title: &'a str,
    /// The language and direction of a title not in the page's language.
    pub lang: Option<(&'a str, &'a str)>,
}

/// A link's values, in the order of their marks.
const PER_LINK: usize = 4;

/// Per link: 0 when the page has none there, 1 when it is in the page's
/// language, 2 when in another.
type Shape = Vec<u8>;

/// One partial's drawings in one language, by shape.
#[derive(Default)]
pub(crate) struct Stencils(Drawings<Shape, usize>);

impl Stencils {
    /// The partial for `links` (a slot each, `None` for a link the page has
    /// not), drawn by `draw` the first time their shape comes: `draw` gets
    /// the links as the template sees them, with marks for their values.
    pub(crate) fn fill(
        &self,
        links: &[Option<LinkText<'_>>],
        draw: impl FnOnce(&[Value]) -> Option<String>,
    ) -> Option<String> {
        let shape: Shape = links
            .iter()
            .map(|l| l.as_ref().map_or(0, |e| 1 + u8::from(e.lang.is_some())))
            .collect();
        let cut = self.0.get(shape, || cut(links, draw))?;
        Some(cut.fill(|at, out| {
            let Some(link) = &links[at / PER_LINK] else {
                return;
            };
            let value = match at % PER_LINK {
                0 => link.url,
                1 => link.title,
                2 => link.lang.map_or("", |(lang, _)| lang),
                _ => link.lang.map_or("", |(_, dir)| dir),
            };
            out.push_str(&crate::escape::html(value));
        }))
    }
}

fn cut(
    links: &[Option<LinkText<'_>>],
    draw: impl FnOnce(&[Value]) -> Option<String>,
) -> Option<Cut<usize>> {
    let marks = value_marks(links.len() * PER_LINK);
    let marked: Vec<Value> = links
        .iter()
        .enumerate()
        .map(|(i, link)| {
            let Some(link) = link else {
                return Value::Null;
            };
            let at = |k: usize| marks[i * PER_LINK + k].as_str();
            let foreign = link.lang.is_some();
            json!({
                "url": at(0),
                "title": at(1),
                "lang": foreign.then(|| at(2)),
                "dir": foreign.then(|| at(3)),
                "description": null,
                "icon": null,
            })
        })
        .collect();
    Cut::at_values(&draw(&marked)?, &marks)
}

//! Static full-text search, one index per language.
//!
//! `helpsite build` writes, for each language, files under `search/<lang>/`
//! that `search.js` reads from any static host:
//!
//! - `index.json` — the manifest: document count, the first key of each
//!   term shard, how many documents each document chunk holds, a version
//!   hash (appended as `?v=` so a new build is never mixed with a cached one).
//! - `t/<n>.json` — term shards: `{"t": {term: postings}, "s": {surface: term}}`,
//!   keys cut into shards of ~8 KB in UTF-16 order (JavaScript's string
//!   order), so a query word, the words it is a prefix of, and the words that
//!   are its prefixes sit in one or two shards. Postings are
//!   `[doc, weight, doc−previous, weight, …]`; the weight is BM25's term
//!   factor, with heading and title words counted more, quantized to 1–100.
//!   `s` maps each surface form the site uses to its stem; a form the site
//!   never uses is stemmed in the browser by the stemmer the manifest names
//!   (`stem`: the theme's `static/stem/<lang>.js`, run by the Snowball
//!   runtime `stem_base`, `static/stem/base.js`), loaded with the index.
//! - `d/<n>.json` — document chunks of ~4 KB: `[url#anchor, page title,
//!   heading, text]` per document, fetched only for the results shown.
//!
//! A document is one section of a page: the text before the first heading,
//! each `##`/`###` section, and each FAQ question with its answer, so a
//! result links to the exact answer.
//!
//! Text analysis ([`analyze`]) runs identically here and in `search.js`;
//! the browser's ranking has a Rust twin for tests (tests/query/).

pub mod analyze;
pub mod extract;
pub mod index;

pub use extract::sections_from_html;
pub use index::build_index;

/// One section of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Element id the result links to; `None` for the text before the first heading.
    pub anchor: Option<String>,
    /// The heading or FAQ question, as text.
    pub heading: Option<String>,
    /// Plain text of the section.
    pub text: String,
}

/// One page of one language, as search sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    /// `/fi/billing/`
    pub url: String,
    pub title: String,
    pub sections: Vec<Section>,
}

impl SearchPage {
    /// A page from its rendered HTML (`markdown::Rendered::html`). The
    /// description stands in for intro text when the page has none.
    pub fn from_html(url: &str, title: &str, description: Option<&str>, html: &str) -> Self {
        let mut sections = sections_from_html(html);
        if let (Some(first), Some(d)) = (sections.first_mut(), description) {
            if first.text.is_empty() {
                first.text = d.trim().to_string();
            }
        }
        // Held until the language's index is built: without the growth
        // slack of the scanned text.
        for s in &mut sections {
            s.text.shrink_to_fit();
            if let Some(h) = s.heading.as_mut() {
                h.shrink_to_fit();
            }
        }
        sections.shrink_to_fit();
        SearchPage {
            url: url.to_string(),
            title: title.to_string(),
            sections,
        }
    }
}

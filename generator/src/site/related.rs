//! "Related articles": the pages front matter names, or else the pages of
//! the same language whose titles and descriptions share the most search
//! words (stemmed as search stems them) with this one's, rarer words
//! counting more.

use rayon::prelude::*;

use super::model::{Instance, Site, Terms};
use super::structure::{self, Entry};
use crate::content::Kind;
use crate::markdown::Rendered;

/// How many related pages a page offers.
pub(crate) const MAX: usize = 5;

/// A word in more pages than this says nothing about what a page is about,
/// and skipping it keeps the work per page bounded on large sites.
const COMMON: usize = 50;

fn is_article(inst: &Instance<'_>) -> bool {
    !structure::is_section(inst)
        && !matches!(
            inst.src.front.kind,
            Kind::Thanks | Kind::FormError | Kind::Contact
        )
}

thread_local! {
    /// Each worker's analyzers and the stems they found, kept from page to
    /// page (and build to build under `serve`): rayon hands a worker many
    /// small runs of pages, and a finder per run started cold each time.
    static FINDER: std::cell::RefCell<Finder> = std::cell::RefCell::new(Finder::default());
}

pub(crate) fn terms(instances: &[Instance<'_>]) -> Terms {
    // Each page's words on its own (in parallel), then the pages of each
    // word in page order.
    let of: Vec<Vec<String>> = instances
        .par_iter()
        .map(|inst| {
            if is_article(inst) {
                FINDER.with(|f| f.borrow_mut().words_of(inst))
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut t = Terms::default();
    for (n, (inst, words)) in instances.iter().zip(&of).enumerate() {
        if words.is_empty() {
            continue;
        }
        if !t.pages.contains_key(inst.lang) {
            t.pages.insert(inst.lang.to_string(), Default::default());
        }
        let pages = t.pages.get_mut(inst.lang).expect("inserted above");
        for w in words {
            match pages.get_mut(w.as_str()) {
                Some(list) => list.push(n),
                None => {
                    pages.insert(w.clone(), vec![n]);
                }
            }
        }
    }
    t.of = of;
    t
}

/// A language's analyzer with the stems it has found: titles repeat their
/// words, and stemming was most of the time spent here.
struct Stemmer {
    analyzer: crate::search::analyze::Analyzer,
    stems: foldhash::HashMap<String, String>,
}

impl Stemmer {
    /// Enough for the titles and descriptions of a large site; past it the
    /// map starts over, so a long `serve` session stays bounded.
    const MAX: usize = 1 << 16;

    fn stem(&mut self, word: &str) -> String {
        if let Some(stem) = self.stems.get(word) {
            return stem.clone();
        }
        if self.stems.len() >= Self::MAX {
            self.stems.clear();
        }
        let stem = self.analyzer.stem(word);
        self.stems.insert(word.to_string(), stem.clone());
        stem
    }
}

/// A worker's stemmers by language, and its word-finding buffers.
#[derive(Default)]
struct Finder {
    stemmers: foldhash::HashMap<String, Stemmer>,
    scratch: crate::search::analyze::Scratch,
}

impl Finder {
    /// The distinct stemmed words (longer than two letters) of a page's
    /// title and description.
    fn words_of(&mut self, inst: &Instance<'_>) -> Vec<String> {
        let lang = inst.src.lang.as_str();
        if !self.stemmers.contains_key(lang) {
            let stemmer = Stemmer {
                analyzer: crate::search::analyze::Analyzer::new(lang),
                stems: foldhash::HashMap::default(),
            };
            self.stemmers.insert(lang.to_string(), stemmer);
        }
        let stemmer = self.stemmers.get_mut(lang).expect("inserted above");
        let mut words = Vec::new();
        let description = inst.src.front.description.as_deref().unwrap_or("");
        for text in [inst.src.title(), description] {
            crate::search::analyze::for_each_word_with(text, &mut self.scratch, |w, _| {
                if w.chars().count() > 2 {
                    words.push(stemmer.stem(w));
                }
            });
        }
        words.sort();
        words.dedup();
        words
    }
}

thread_local! {
    /// [`related`]'s scores by page, all zero between calls.
    static SCORES: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Up to [`MAX`] pages to offer on instance `n`.
pub(crate) fn related(site: &Site<'_>, n: usize, rendered: &[Rendered]) -> Vec<Entry> {
    let inst = &site.instances[n];
    let named = &rendered[n].related;
    if !inst.src.front.related.is_empty() {
        return named
            .iter()
            .filter_map(|(key, fragment)| {
                let m = *site.index.get(&(inst.lang, key.as_str()))?;
                let mut e = structure::entry(site, m, None);
                if let Some(f) = fragment {
                    e.url = format!("{}#{f}", e.url);
                }
                Some(e)
            })
            .take(MAX)
            .collect();
    }
    if !is_article(inst) {
        return Vec::new();
    }
    let Some(words) = site.terms.pages.get(inst.lang) else {
        return Vec::new();
    };
    // Each page's score, added up word by word as the words come, in a
    // per-thread table of every page (cleared after), the pages in the
    // order they were first met.
    let mut best: Vec<(usize, f64)> = SCORES.with_borrow_mut(|scores| {
        scores.resize(site.instances.len(), 0.0);
        let mut met = Vec::new();
        for w in &site.terms.of[n] {
            let Some(pages) = words.get(w.as_str()) else {
                continue;
            };
            if pages.len() > COMMON {
                continue;
            }
            let weight = 1.0 / pages.len() as f64;
            for &m in pages.iter().filter(|&&m| m != n) {
                if scores[m] == 0.0 {
                    met.push(m);
                }
                scores[m] += weight;
            }
        }
        met.into_iter()
            .map(|m| (m, std::mem::take(&mut scores[m])))
            .collect()
    });
    // Highest score first, ties by URL: a total order, so picking the first
    // MAX and sorting only those gives what sorting them all would.
    let order = |a: &(usize, f64), b: &(usize, f64)| {
        b.1.total_cmp(&a.1)
            .then_with(|| site.instances[a.0].url.cmp(&site.instances[b.0].url))
    };
    if best.len() > MAX {
        best.select_nth_unstable_by(MAX - 1, order);
        best.truncate(MAX);
    }
    best.sort_by(order);
    best.into_iter()
        .take(MAX)
        .map(|(m, _)| structure::entry(site, m, Some(rendered)))
        .collect()
}

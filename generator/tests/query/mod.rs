//! The browser's query algorithm (`search.js`), in Rust, for tests: the
//! shipped site queries in the browser, so the library does not carry it.
//!
//! For each query word `q` (normalized by `analyze`):
//! 1. **exact**: `s[q]` (the stem of a surface form the site uses) or `q`
//!    itself if it is a term — factor 1; or else, when the manifest names a
//!    stemmer (`stem`), the term that is `q`'s stem (`reembolsos` →
//!    `reembols`, a form the site never uses) — factor 1, and steps 3 and 4
//!    still run;
//! 2. **prefix**: terms, and stems of surface forms, that start with `q`
//!    (at least 3 characters, or 2 for the last word, which may still be
//!    being typed, or one Han, kana or Hangul character, which is indexed only in
//!    pairs) — factor 0.5; at most [`MAX_EXPANSIONS`];
//! 3. **without prefixes** (Hebrew `ו ה ב ל מ ש כ`, Arabic `ال و ب ل ف`…),
//!    only if `q` is no surface form or term: the first of
//!    [`Analyzer::unprefixed`]'s forms found as in 1 — factor 0.8;
//! 4. **stem + ending**, only if 1 and 3 found nothing: the longest prefix
//!    `p` of `q` (at least 3 characters and half of `q`) that is a term or a
//!    known surface form, whose term `t` is followed in `q` by one of the
//!    language's endings, or two of them (`endings` in the manifest) — factor 0.7. This finds
//!    a form the site never uses (`подписками` = `подписк` + `ами`) without
//!    taking `kirjasto` (library) for `kirj` + `asto`.
//!
//! A document's score for a word is its best `factor × idf × weight`; every
//! word must match (AND); scores add up. Ties go to the earlier document.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use generator::search::analyze::{is_cjk, words, Analyzer};

pub const MAX_EXPANSIONS: usize = 50;
pub const EXACT: f64 = 1.0;
pub const PREFIX: f64 = 0.5;
pub const STEM_PREFIX: f64 = 0.7;
pub const UNPREFIXED: f64 = 0.8;

/// One language's index, read from the files [`generator::search::build_index`] wrote.
pub struct LoadedIndex {
    pub docs: usize,
    pub endings: std::collections::HashSet<String>,
    pub shard_keys: Vec<String>,
    pub shards: Vec<Shard>,
    /// `[url, title, heading, text]` per document.
    pub documents: Vec<[String; 4]>,
    /// The language's rules; its stemmer runs on query words only if the
    /// manifest names a JavaScript stemmer (`stem`), as in the browser.
    pub rules: Analyzer,
    pub stems: bool,
}

#[derive(Default)]
pub struct Shard {
    pub terms: HashMap<String, Vec<(u32, u32)>>,
    pub surfaces: HashMap<String, String>,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f64,
    pub url: String,
    pub heading: String,
}

impl LoadedIndex {
    /// From `build_index`'s output for `lang`.
    pub fn load(lang: &str, files: &[(String, Vec<u8>)]) -> Self {
        let get = |name: &str| -> Value {
            let path = format!("search/{lang}/{name}");
            let bytes = &files
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .1;
            serde_json::from_slice(bytes).expect("valid json")
        };
        let manifest = get("index.json");
        let shard_keys: Vec<String> =
            serde_json::from_value(manifest["shards"].clone()).expect("shards");
        let chunks: Vec<usize> =
            serde_json::from_value(manifest["chunks"].clone()).expect("chunks");
        let mut shards = Vec::new();
        for i in 0..shard_keys.len() {
            let v = get(&format!("t/{i}.json"));
            let mut shard = Shard::default();
            for (term, list) in v["t"].as_object().expect("t") {
                let flat: Vec<u32> = serde_json::from_value(list.clone()).expect("postings");
                let mut doc = 0;
                let pairs = flat
                    .chunks(2)
                    .map(|p| {
                        doc += p[0];
                        (doc, p[1])
                    })
                    .collect();
                shard.terms.insert(term.clone(), pairs);
                shard.keys.push(term.clone());
            }
            for (surface, stem) in v["s"].as_object().expect("s") {
                shard
                    .surfaces
                    .insert(surface.clone(), stem.as_str().expect("stem").to_string());
                if !shard.terms.contains_key(surface) {
                    shard.keys.push(surface.clone());
                }
            }
            shard
                .keys
                .sort_by(|a, b| generator::search::index::js_cmp(a, b));
            shards.push(shard);
        }
        let mut documents = Vec::new();
        for i in 0..chunks.len() {
            let docs: Vec<[String; 4]> =
                serde_json::from_value(get(&format!("d/{i}.json"))).expect("docs");
            documents.extend(docs);
        }
        LoadedIndex {
            docs: manifest["docs"].as_u64().expect("docs") as usize,
            endings: serde_json::from_value(manifest["endings"].clone()).expect("endings"),
            shard_keys,
            shards,
            documents,
            rules: Analyzer::new(lang),
            stems: manifest.get("stem").is_some_and(Value::is_string),
        }
    }

    /// The shard that holds `key`, if any shard could.
    fn shard_of(&self, key: &str) -> usize {
        self.shard_keys
            .partition_point(|k| generator::search::index::js_cmp(k, key).is_le())
            .saturating_sub(1)
    }

    fn surface(&self, key: &str) -> Option<&str> {
        self.shards[self.shard_of(key)]
            .surfaces
            .get(key)
            .map(String::as_str)
    }

    fn term(&self, key: &str) -> Option<&Vec<(u32, u32)>> {
        self.shards[self.shard_of(key)].terms.get(key)
    }

    /// Keys that start with `prefix`, in order.
    fn keys_with_prefix(&self, prefix: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for i in self.shard_of(prefix)..self.shards.len() {
            if i > self.shard_of(prefix) && !self.shard_keys[i].starts_with(prefix) {
                break;
            }
            for k in &self.shards[i].keys {
                if k.starts_with(prefix) {
                    out.push(k.as_str());
                }
            }
        }
        out
    }

    /// One of the language's endings, or two of them (`tilauks` + `en` + `i`).
    pub fn is_ending(&self, rest: &str) -> bool {
        self.endings.contains(rest)
            || rest.char_indices().skip(1).any(|(i, _)| {
                self.endings.contains(&rest[..i]) && self.endings.contains(&rest[i..])
            })
    }

    /// The term of a word: as a surface form the site uses, as a term, or
    /// (with a stemmer) as the term its stem is.
    fn known(&self, w: &str) -> Option<String> {
        self.lookup(w).or_else(|| self.stemmed(w))
    }

    /// The term of a surface form or term of the site.
    fn lookup(&self, w: &str) -> Option<String> {
        match self.surface(w) {
            Some(s) => Some(s.to_string()),
            None => self.term(w).map(|_| w.to_string()),
        }
    }

    /// The term that is `w`'s stem, with a stemmer.
    fn stemmed(&self, w: &str) -> Option<String> {
        let t = self.stems.then(|| self.rules.stem(w))?;
        self.term(&t).is_some().then_some(t)
    }

    /// Index terms a query word matches, with their factors.
    pub fn expand(&self, q: &str, last: bool) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = Vec::new();
        let exact = self.lookup(q);
        if let Some(e) = &exact {
            out.push((e.clone(), EXACT));
        } else if let Some(t) = self.stemmed(q) {
            // Not the end of the search: a stemmer may cut a form short
            // (`tilaukseni` → `tilau`) where step 4 finds its real stem.
            out.push((t, EXACT));
        }
        let len = q.chars().count();
        // One CJK character is no pair: the pairs it starts stand for it.
        let single_cjk = len == 1 && q.chars().next().is_some_and(is_cjk);
        if len >= if last { 2 } else { 3 } || single_cjk {
            for k in self.keys_with_prefix(q) {
                if out.len() > MAX_EXPANSIONS {
                    break;
                }
                let term = match self.surface(k) {
                    Some(s) => s.to_string(),
                    None => k.to_string(),
                };
                if self.term(&term).is_some() && !out.iter().any(|(t, _)| *t == term) {
                    out.push((term, PREFIX));
                }
            }
        }
        let mut found = exact.is_some();
        if !found {
            for u in self.rules.unprefixed(q) {
                if let Some(t) = self.known(u) {
                    if !out.iter().any(|(o, _)| *o == t) {
                        out.push((t, UNPREFIXED));
                    }
                    found = true;
                    break;
                }
            }
        }
        if !found {
            let chars: Vec<char> = q.chars().collect();
            let min = 3.max(chars.len().div_ceil(2));
            for k in (min..chars.len()).rev() {
                let p: String = chars[..k].iter().collect();
                let term = self
                    .surface(&p)
                    .map(str::to_string)
                    .or_else(|| self.term(&p).map(|_| p.clone()));
                let Some(t) = term else { continue };
                if q.strip_prefix(t.as_str())
                    .is_some_and(|rest| self.is_ending(rest))
                {
                    out.push((t, STEM_PREFIX));
                    break;
                }
            }
        }
        out
    }

    /// Ranked documents for a query.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let mut qwords: Vec<String> = Vec::new();
        for w in words(query) {
            if !qwords.contains(&w) {
                qwords.push(w);
            }
        }
        if qwords.is_empty() {
            return Vec::new();
        }
        let n = self.docs as f64;
        let mut total: Option<BTreeMap<u32, f64>> = None;
        let count = qwords.len();
        for (i, q) in qwords.iter().enumerate() {
            let mut scores: BTreeMap<u32, f64> = BTreeMap::new();
            for (term, factor) in self.expand(q, i + 1 == count) {
                let Some(list) = self.term(&term) else {
                    continue;
                };
                let df = list.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                for &(doc, w) in list {
                    let s = factor * idf * f64::from(w);
                    let e = scores.entry(doc).or_insert(0.0);
                    if s > *e {
                        *e = s;
                    }
                }
            }
            total = Some(match total {
                None => scores,
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(d, s)| scores.get(&d).map(|t| (d, s + t)))
                    .collect(),
            });
        }
        let mut hits: Vec<Hit> = total
            .unwrap_or_default()
            .into_iter()
            .map(|(doc, score)| {
                let d = &self.documents[doc as usize];
                Hit {
                    doc,
                    score,
                    url: d[0].clone(),
                    heading: d[2].clone(),
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits
    }
}

//! Building a language's index files (format: see the module above).

use std::borrow::Borrow;

use rayon::prelude::*;
use serde_json::json;

use super::analyze::{for_each_word_with, Analyzer, Scratch};
use super::SearchPage;

/// Target size of a term shard, in bytes of JSON.
pub const SHARD_TARGET: usize = 8 * 1024;
/// Target size of a document chunk, in bytes of JSON.
pub const CHUNK_TARGET: usize = 4 * 1024;
/// Format version, `v` in the manifest.
pub const FORMAT: u32 = 1;

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// How much a word counts where it appears.
const W_TITLE_INTRO: f32 = 4.0;
const W_TITLE_OTHER: f32 = 0.5;
const W_HEADING: f32 = 3.0;
const W_BODY: f32 = 1.0;
/// A ZWNJ-separated part counts half as much as the whole word.
const W_PART: f32 = 0.5;
/// Endings kept in the manifest, most common first.
pub const MAX_ENDINGS: usize = 300;

/// Word endings of the language, learned from the site's own words, which
/// the query side accepts after a known stem for a form the site never uses.
///
/// With a stemmer: what it strips (`tilauksen` → `tilauks` + `en`), seen
/// after at least two stems. Without one (Bengali, Persian): what follows
/// another word of the site (`বাতিল` → `বাতিলের`: `ের`), up to 4
/// characters, after at least three words.
pub fn learn_endings<'a>(
    stems: impl Iterator<Item = (&'a str, &'a str)>,
    stemmed: bool,
) -> Vec<String> {
    // Endings borrowed from the surfaces: no allocation per surface form.
    let mut seen: foldhash::HashMap<&'a str, foldhash::HashSet<&'a str>> = Default::default();
    if stemmed {
        for (surface, stem) in stems {
            if let Some(rest) = surface.strip_prefix(stem) {
                if !rest.is_empty() && !stem.is_empty() {
                    seen.entry(rest).or_default().insert(stem);
                }
            }
        }
    } else {
        let mut vocab: Vec<&str> = stems.map(|(surface, _)| surface).collect();
        vocab.sort_unstable();
        for (i, w) in vocab.iter().enumerate() {
            if w.chars().count() < 3 || w.chars().all(|c| c.is_numeric()) {
                continue;
            }
            for other in &vocab[i + 1..] {
                let Some(rest) = other.strip_prefix(w) else {
                    break;
                };
                if (1..=4).contains(&rest.chars().count()) {
                    seen.entry(rest).or_default().insert(w);
                }
            }
        }
    }
    let min = if stemmed { 2 } else { 3 };
    let mut endings: Vec<(usize, String)> = seen
        .into_iter()
        .filter(|(_, bases)| bases.len() >= min)
        .map(|(e, bases)| (bases.len(), e.to_string()))
        .collect();
    endings.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| js_cmp(&a.1, &b.1)));
    endings.truncate(MAX_ENDINGS);
    let mut out: Vec<String> = endings.into_iter().map(|(_, e)| e).collect();
    out.sort_by(|a, b| js_cmp(a, b));
    out
}

/// JavaScript's string order (UTF-16 code units), so `search.js` can
/// compare keys with `<`.
///
/// UTF-8 bytes sort in code point order, which is UTF-16 order except where
/// a character above U+FFFF (a surrogate pair, 0xD800…) meets one in
/// U+E000–U+FFFF. So the bytes decide, and UTF-16 only where the first
/// characters that differ include one from U+E000 up: sorting a language's
/// keys by this is most of the cost of ordering them otherwise.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    // The start of the character that differs: the same in both, as
    // everything before `i` is.
    let mut start = i;
    while start > 0 && x[start] & 0xC0 == 0x80 {
        start -= 1;
    }
    // 0xEE: the lead byte of U+E000.
    if x[start] >= 0xEE || y[start] >= 0xEE {
        return a[start..].encode_utf16().cmp(b[start..].encode_utf16());
    }
    x[i].cmp(&y[i])
}

/// The files of one language's index, as (path under the site root, bytes):
/// `search/<lang>/index.json`, `search/<lang>/t/<n>.json`, `search/<lang>/d/<n>.json`.
pub fn build_index(lang: &str, pages: &[SearchPage]) -> Vec<(String, Vec<u8>)> {
    build_index_with(lang, pages, None)
}

/// The URLs of a language's JavaScript stemmer: the Snowball runtime every
/// stemmer shares (`stem/base.js`) and the language's algorithm.
#[derive(Clone, Copy, Debug)]
pub struct StemUrls<'a> {
    pub base: &'a str,
    pub stem: &'a str,
}

/// [`build_index`], with the URLs of the language's JavaScript stemmer
/// (`stem_base` and `stem` in the manifest), which `search.js` loads, in
/// that order, to stem query words.
pub fn build_index_with(
    lang: &str,
    pages: &[SearchPage],
    stem_urls: Option<StemUrls>,
) -> Vec<(String, Vec<u8>)> {
    build(lang, pages, stem_urls)
}

/// [`build_index_with`], consuming the pages: each is dropped as soon as it
/// is counted, so a large site's text is not held twice (as pages and as
/// document chunks).
pub fn build_index_from(
    lang: &str,
    pages: Vec<SearchPage>,
    stem_urls: Option<StemUrls>,
) -> Vec<(String, Vec<u8>)> {
    build(lang, pages, stem_urls)
}

fn build<P: Borrow<SearchPage> + Send + Sync>(
    lang: &str,
    pages: impl IntoIterator<Item = P>,
    stem_urls: Option<StemUrls>,
) -> Vec<(String, Vec<u8>)> {
    let analyzer = Analyzer::new(lang);
    let mut vocab = Vocabulary::default();
    let counted = count_terms(pages, &analyzer, &mut vocab);
    let (chunk_files, chunk_counts) = counted.chunks.finish();
    let endings = learn_endings(
        vocab
            .surfaces
            .iter()
            .map(|(surface, &term)| (surface.as_str(), vocab.terms[term as usize].as_str())),
        analyzer.has_stemmer(),
    );
    let entries = entries(&vocab, &counted.raw);
    let mut keys: Vec<(&str, &Entry)> = entries.iter().map(|(k, e)| (*k, e)).collect();
    // Keys are unique: an unstable sort gives the one order.
    keys.sort_unstable_by(|a, b| js_cmp(a.0, b.0));
    let weights = Weights::new(&counted.doc_len);
    let (shard_files, shard_keys) = write_shards(keys, &weights);

    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for f in shard_files.iter().chain(&chunk_files) {
        hasher.update(&(f.len() as u64).to_le_bytes());
        hasher.update(f);
    }
    let version = format!("{:016x}", hasher.digest());
    let mut manifest = json!({
        "v": FORMAT,
        "lang": lang,
        "version": &version[..10],
        "docs": chunk_counts.iter().sum::<usize>(),
        "shards": shard_keys,
        "chunks": chunk_counts,
        "endings": endings,
    });
    if let Some(urls) = stem_urls {
        manifest["stem_base"] = json!(urls.base);
        manifest["stem"] = json!(urls.stem);
    }
    index_files(lang, &manifest, shard_files, chunk_files)
}

/// Per term, the documents (sections) it is in with its weighted frequency
/// there; per document, its length in words; the documents' text in chunks.
struct Counted {
    raw: Vec<Vec<(u32, f32)>>,
    doc_len: Vec<f32>,
    chunks: Chunks,
}

/// Pages cut into words together (in parallel) before they are counted in
/// order: enough to share out, few enough that their words stay small.
const AT_ONCE: usize = 64;

/// Every section of `pages` counted once; memory stays a few bytes per word
/// occurrence, and document text goes straight into ~4 KB chunks. Finding
/// the words is most of the work and needs no vocabulary, so it is done for
/// a few pages at a time in parallel; numbering the terms stays in page
/// order, so the index is the same as counting one page after another.
fn count_terms<P: Borrow<SearchPage> + Send + Sync>(
    pages: impl IntoIterator<Item = P>,
    analyzer: &Analyzer,
    vocab: &mut Vocabulary,
) -> Counted {
    let mut out = Counted {
        raw: Vec::new(),
        doc_len: Vec::new(),
        chunks: Chunks::default(),
    };
    let mut tf: Vec<(u32, f32)> = Vec::new();
    let mut pages = pages.into_iter();
    loop {
        let chunk: Vec<P> = pages.by_ref().take(AT_ONCE).collect();
        if chunk.is_empty() {
            break;
        }
        let words: Vec<PageWords> = chunk
            .par_iter()
            .map(|page| PageWords::of(page.borrow()))
            .collect();
        for (page, words) in chunk.iter().zip(&words) {
            count_page(&mut out, &mut tf, vocab, analyzer, page.borrow(), words);
        }
    }
    out
}

/// A page's sections as documents: their term occurrences and text.
fn count_page(
    out: &mut Counted,
    tf: &mut Vec<(u32, f32)>,
    vocab: &mut Vocabulary,
    analyzer: &Analyzer,
    page: &SearchPage,
    words: &PageWords,
) {
    for (i, (section, (heading_words, text_words))) in
        page.sections.iter().zip(&words.sections).enumerate()
    {
        let heading = section.heading.as_deref().unwrap_or("");
        if i > 0 && heading.is_empty() && section.text.is_empty() {
            continue;
        }
        tf.clear();
        let title_weight = if i == 0 { W_TITLE_INTRO } else { W_TITLE_OTHER };
        let mut add = |words: &Words, weight: f32| add_words(tf, vocab, analyzer, words, weight);
        add(&words.title, title_weight);
        let len = add(heading_words, W_HEADING) + add(text_words, W_BODY);
        let doc = out.doc_len.len() as u32;
        out.doc_len.push(len.max(1) as f32);
        add_postings(&mut out.raw, tf, doc, vocab.terms.len());
        let url = match &section.anchor {
            Some(a) => format!("{}#{}", page.url, a),
            None => page.url.clone(),
        };
        out.chunks.push(&(url, &page.title, heading, &section.text));
    }
}

thread_local! {
    /// Each worker's buffers and remembered normalizations, kept from page
    /// to page and language to language (they depend on the text only).
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// A page's words: its title's once, and each section's heading's and text's.
struct PageWords {
    title: Words,
    sections: Vec<(Words, Words)>,
}

impl PageWords {
    fn of(page: &SearchPage) -> Self {
        SCRATCH.with_borrow_mut(|scratch| PageWords {
            title: Words::of(&page.title, scratch),
            sections: page
                .sections
                .iter()
                .map(|s| {
                    let heading = s.heading.as_deref().unwrap_or("");
                    (Words::of(heading, scratch), Words::of(&s.text, scratch))
                })
                .collect(),
        })
    }
}

/// A text's words as [`for_each_word_with`] gives them, each followed by
/// its parts, in one string.
#[derive(Default)]
struct Words {
    text: String,
    /// Per word or part: where it ends in `text`; per word, how many parts follow.
    ends: Vec<(u32, u32)>,
}

impl Words {
    fn of(text: &str, scratch: &mut Scratch) -> Self {
        let mut words = Words::default();
        for_each_word_with(text, scratch, |word, parts| {
            words.push(word, parts.len());
            for p in parts {
                words.push(p, 0);
            }
        });
        words
    }

    fn push(&mut self, word: &str, parts: usize) {
        self.text.push_str(word);
        self.ends.push((self.text.len() as u32, parts as u32));
    }

    /// `f(word, parts)` for each word, in order, as `for_each_word_with` called it.
    fn for_each(&self, mut f: impl FnMut(&str, &[&str])) {
        let mut parts: Vec<&str> = Vec::new();
        let (mut start, mut i) = (0, 0);
        let mut next = |i: &mut usize| {
            let end = self.ends[*i].0 as usize;
            let piece = &self.text[start..end];
            start = end;
            *i += 1;
            piece
        };
        while i < self.ends.len() {
            let count = self.ends[i].1;
            let word = next(&mut i);
            parts.clear();
            for _ in 0..count {
                parts.push(next(&mut i));
            }
            f(word, &parts);
        }
    }
}

/// Each word of `words` (and its ZWNJ parts and unprefixed forms, at a lower
/// weight) as a term occurrence in `tf`; returns the number of words.
fn add_words(
    tf: &mut Vec<(u32, f32)>,
    vocab: &mut Vocabulary,
    analyzer: &Analyzer,
    words: &Words,
    weight: f32,
) -> usize {
    let mut count = 0usize;
    words.for_each(|word, parts| {
        count += 1;
        tf.push((vocab.term(word, analyzer), weight));
        for p in parts {
            tf.push((vocab.term(p, analyzer), weight * W_PART));
        }
        for p in analyzer.unprefixed(word) {
            tf.push((vocab.term(p, analyzer), weight * W_PART));
        }
    });
    count
}

/// One document's term occurrences summed per term into the postings.
fn add_postings(raw: &mut Vec<Vec<(u32, f32)>>, tf: &mut [(u32, f32)], doc: u32, terms: usize) {
    // Weights are sums of binary fractions: exact in any order.
    tf.sort_unstable_by_key(|&(t, _)| t);
    if raw.len() < terms {
        raw.resize_with(terms, Vec::new);
    }
    let mut k = 0;
    while k < tf.len() {
        let (term, mut f) = tf[k];
        k += 1;
        while k < tf.len() && tf[k].0 == term {
            f += tf[k].1;
            k += 1;
        }
        raw[term as usize].push((doc, f));
    }
}

/// A key of the index: a term with its postings, a surface form whose stem
/// differs (with the stem), or both.
struct Entry<'v> {
    postings: Option<&'v [(u32, f32)]>,
    stem: Option<&'v str>,
}

/// Keys: every term (with its postings), and every surface form whose stem
/// differs (with the stem).
fn entries<'v>(
    vocab: &'v Vocabulary,
    raw: &'v [Vec<(u32, f32)>],
) -> foldhash::HashMap<&'v str, Entry<'v>> {
    let mut entries: foldhash::HashMap<&str, Entry> = Default::default();
    for (term, list) in vocab.terms.iter().zip(raw) {
        if !list.is_empty() {
            entries.insert(
                term,
                Entry {
                    postings: Some(list),
                    stem: None,
                },
            );
        }
    }
    for (surface, &term) in &vocab.surfaces {
        let stem = vocab.terms[term as usize].as_str();
        if surface != stem {
            entries
                .entry(surface)
                .or_insert(Entry {
                    postings: None,
                    stem: None,
                })
                .stem = Some(stem);
        }
    }
    entries
}

/// BM25 weights of a term frequency in a document, as integers 1–100.
struct Weights<'a> {
    doc_len: &'a [f32],
    avg_len: f64,
}

impl<'a> Weights<'a> {
    fn new(doc_len: &'a [f32]) -> Self {
        let avg_len = if doc_len.is_empty() {
            1.0
        } else {
            doc_len.iter().map(|&l| f64::from(l)).sum::<f64>() / doc_len.len() as f64
        };
        Weights { doc_len, avg_len }
    }

    fn of(&self, f: f32, doc: u32) -> u32 {
        let (f, len) = (f64::from(f), f64::from(self.doc_len[doc as usize]));
        let norm = f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / self.avg_len));
        ((norm / (K1 + 1.0)) * 100.0).round().clamp(1.0, 100.0) as u32
    }
}

/// Term shards of ~8 KB from the sorted keys, and each shard's first key
/// (the first shard's is the empty string).
fn write_shards(keys: Vec<(&str, &Entry)>, weights: &Weights) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut shard: Vec<(&str, &Entry)> = Vec::new();
    let mut size = 0usize;
    for (key, entry) in keys {
        if let Some(p) = entry.postings {
            size += key.len() + 6 + p.len() * 2 * 3;
        }
        if let Some(stem) = entry.stem {
            size += key.len() + stem.len() + 6;
        }
        shard.push((key, entry));
        if size >= SHARD_TARGET {
            push_shard(&mut files, &mut firsts, &mut shard, weights);
            size = 0;
        }
    }
    push_shard(&mut files, &mut firsts, &mut shard, weights);
    if files.is_empty() {
        files.push(br#"{"t":{},"s":{}}"#.to_vec());
        firsts.push(String::new());
    }
    (files, firsts)
}

/// One shard `{"s":{surface:stem,…},"t":{term:postings,…}}`, keys in each
/// object in byte order, as serde_json's map writes them; empties `shard`.
fn push_shard(
    files: &mut Vec<Vec<u8>>,
    firsts: &mut Vec<String>,
    shard: &mut Vec<(&str, &Entry)>,
    weights: &Weights,
) {
    let Some(&(first, _)) = shard.first() else {
        return;
    };
    // The first shard starts at the smallest string.
    firsts.push(if firsts.is_empty() {
        String::new()
    } else {
        first.to_string()
    });
    shard.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(SHARD_TARGET + 1024);
    // serde_json's map order: "s" before "t".
    out.extend_from_slice(b"{\"s\":");
    write_object(
        &mut out,
        shard.iter().filter_map(|(k, e)| e.stem.map(|s| (*k, s))),
        |out, stem| serde_json::to_writer(out, stem).expect("json"),
    );
    out.extend_from_slice(b",\"t\":");
    write_object(
        &mut out,
        shard
            .iter()
            .filter_map(|(k, e)| e.postings.map(|p| (*k, p))),
        |out, list| write_postings(out, list, weights),
    );
    out.push(b'}');
    files.push(out);
    shard.clear();
}

/// `[doc delta, weight, …]` of one term.
fn write_postings(out: &mut Vec<u8>, list: &[(u32, f32)], weights: &Weights) {
    out.push(b'[');
    let mut prev = 0;
    for (i, &(doc, f)) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_u32(out, doc - prev);
        out.push(b',');
        write_u32(out, weights.of(f, doc));
        prev = doc;
    }
    out.push(b']');
}

/// The manifest, shards and chunks as (path under the site root, bytes).
fn index_files(
    lang: &str,
    manifest: &serde_json::Value,
    shard_files: Vec<Vec<u8>>,
    chunk_files: Vec<Vec<u8>>,
) -> Vec<(String, Vec<u8>)> {
    let dir = format!("search/{lang}");
    let mut files = vec![(
        format!("{dir}/index.json"),
        serde_json::to_vec(manifest).expect("json"),
    )];
    for (i, f) in shard_files.into_iter().enumerate() {
        files.push((format!("{dir}/t/{i}.json"), f));
    }
    for (i, f) in chunk_files.into_iter().enumerate() {
        files.push((format!("{dir}/d/{i}.json"), f));
    }
    files
}

/// Every word form of a language's pages and the index term (stem) it
/// counts for, each stemmed once.
#[derive(Default)]
struct Vocabulary {
    /// surface form → term id
    surfaces: foldhash::HashMap<String, u32>,
    /// term → term id
    ids: foldhash::HashMap<String, u32>,
    /// term id → term
    terms: Vec<String>,
}

impl Vocabulary {
    fn term(&mut self, surface: &str, analyzer: &Analyzer) -> u32 {
        // Look up before inserting: almost every word was seen before.
        if let Some(&id) = self.surfaces.get(surface) {
            return id;
        }
        let stem = analyzer.stem(surface);
        let id = match self.ids.get(&stem) {
            Some(&id) => id,
            None => {
                let id = self.terms.len() as u32;
                self.ids.insert(stem.clone(), id);
                self.terms.push(stem);
                id
            }
        };
        self.surfaces.insert(surface.to_string(), id);
        id
    }
}

/// `{"key":value,…}`, each value written by `value`.
fn write_object<'k, T>(
    out: &mut Vec<u8>,
    members: impl Iterator<Item = (&'k str, T)>,
    mut value: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'{');
    for (i, (key, v)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key).expect("json");
        out.push(b':');
        value(out, v);
    }
    out.push(b'}');
}

/// `n` in decimal, as `Display` writes it. Two numbers per posting: the
/// formatting machinery cost more than the rest of writing a shard.
fn write_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Document chunks of ~4 KB: `[doc,doc,…]`, as serde_json writes an array.
#[derive(Default)]
struct Chunks {
    files: Vec<Vec<u8>>,
    counts: Vec<usize>,
    current: Vec<u8>,
    count: usize,
    size: usize,
}

impl Chunks {
    fn push(&mut self, doc: &impl serde::Serialize) {
        self.current.push(if self.count == 0 { b'[' } else { b',' });
        let before = self.current.len();
        serde_json::to_writer(&mut self.current, doc).expect("json");
        self.size += self.current.len() - before;
        self.count += 1;
        if self.size >= CHUNK_TARGET {
            self.close();
        }
    }

    fn close(&mut self) {
        self.current.push(b']');
        self.counts.push(self.count);
        // A copy of the exact length, the buffer kept for the next chunk:
        // taken whole, each chunk would keep up to as much again in growth
        // slack until the index is written.
        self.files.push(self.current.clone());
        self.current.clear();
        self.count = 0;
        self.size = 0;
    }

    fn finish(mut self) -> (Vec<Vec<u8>>, Vec<usize>) {
        if self.count > 0 {
            self.close();
        }
        (self.files, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::js_cmp;
    use proptest::prelude::*;

    /// Characters where UTF-8 and UTF-16 orders part: below and above
    /// U+E000, and beyond U+FFFF.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just('z'),
                Just('я'),
                Just('\u{D7FF}'),
                Just('\u{E000}'),
                Just('\u{FB01}'),
                Just('\u{FFFD}'),
                Just('😀'),
                Just('\u{10000}'),
                Just('\u{20000}'),
            ],
            0..6,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        #[test]
        fn js_cmp_is_utf16_order(a in text(), b in text()) {
            prop_assert_eq!(js_cmp(&a, &b), a.encode_utf16().cmp(b.encode_utf16()));
        }
    }

    proptest! {
        #[test]
        fn write_u32_writes_what_display_writes(n in any::<u32>()) {
            let mut out = Vec::new();
            super::write_u32(&mut out, n);
            prop_assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn write_u32_edges() {
        for n in [0, 1, 9, 10, 99, 100, 101, u32::MAX] {
            let mut out = b"x".to_vec();
            super::write_u32(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn js_cmp_puts_supplementary_characters_before_the_last_of_the_bmp() {
        assert_eq!(js_cmp("😀", "\u{FFFD}"), std::cmp::Ordering::Less);
        assert_eq!(js_cmp("a😀", "a\u{E000}"), std::cmp::Ordering::Less);
        assert_eq!(js_cmp("я", "😀"), std::cmp::Ordering::Less);
        assert_eq!(js_cmp("ab", "a"), std::cmp::Ordering::Greater);
    }
}

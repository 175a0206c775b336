//! Building a language's index files (format: see the module above).

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::analyze::{for_each_word, Analyzer};
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
const W_TITLE_INTRO: f64 = 4.0;
const W_TITLE_OTHER: f64 = 0.5;
const W_HEADING: f64 = 3.0;
const W_BODY: f64 = 1.0;
/// A ZWNJ-separated part counts half as much as the whole word.
const W_PART: f64 = 0.5;
/// Endings kept in the manifest, most common first.
pub const MAX_ENDINGS: usize = 300;

/// Word endings of the language, learned from the site's own words, which
/// the query side accepts after a known stem for a form the site never uses.
///
/// With a stemmer: what it strips (`tilauksen` → `tilauks` + `en`), seen
/// after at least two stems. Without one (Bengali, Persian): what follows
/// another word of the site (`বাতিল` → `বাতিলের`: `ের`), up to 4
/// characters, after at least three words.
pub fn learn_endings(stems: &HashMap<String, String>, stemmed: bool) -> Vec<String> {
    let mut seen: HashMap<String, std::collections::HashSet<&str>> = HashMap::new();
    if stemmed {
        for (surface, stem) in stems {
            if let Some(rest) = surface.strip_prefix(stem.as_str()) {
                if !rest.is_empty() && !stem.is_empty() {
                    seen.entry(rest.to_string()).or_default().insert(stem);
                }
            }
        }
    } else {
        let mut vocab: Vec<&str> = stems.keys().map(String::as_str).collect();
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
                    seen.entry(rest.to_string()).or_default().insert(w);
                }
            }
        }
    }
    let min = if stemmed { 2 } else { 3 };
    let mut endings: Vec<(usize, String)> = seen
        .into_iter()
        .filter(|(_, bases)| bases.len() >= min)
        .map(|(e, bases)| (bases.len(), e))
        .collect();
    endings.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| js_cmp(&a.1, &b.1)));
    endings.truncate(MAX_ENDINGS);
    let mut out: Vec<String> = endings.into_iter().map(|(_, e)| e).collect();
    out.sort_by(|a, b| js_cmp(a, b));
    out
}

/// JavaScript's string order (UTF-16 code units), so `search.js` can
/// compare keys with `<`.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The files of one language's index, as (path under the site root, bytes):
/// `search/<lang>/index.json`, `search/<lang>/t/<n>.json`, `search/<lang>/d/<n>.json`.
pub fn build_index(lang: &str, pages: &[SearchPage]) -> Vec<(String, Vec<u8>)> {
    let analyzer = Analyzer::new(lang);
    let mut vocab = Vocabulary::default();

    // Documents (serialized once) and their weighted term frequencies.
    let mut docs: Vec<Vec<u8>> = Vec::new();
    let mut doc_terms: Vec<(Vec<(u32, f64)>, f64)> = Vec::new();
    let mut tf: Vec<(u32, f64)> = Vec::new();
    for page in pages {
        for (i, section) in page.sections.iter().enumerate() {
            let heading = section.heading.as_deref().unwrap_or("");
            if i > 0 && heading.is_empty() && section.text.is_empty() {
                continue;
            }
            tf.clear();
            let mut add = |text: &str, weight: f64| {
                let mut count = 0usize;
                for_each_word(text, |word, parts| {
                    count += 1;
                    tf.push((vocab.term(word, &analyzer), weight));
                    for p in parts {
                        tf.push((vocab.term(p, &analyzer), weight * W_PART));
                    }
                });
                count
            };
            let title_weight = if i == 0 { W_TITLE_INTRO } else { W_TITLE_OTHER };
            add(&page.title, title_weight);
            let len = add(heading, W_HEADING) + add(&section.text, W_BODY);
            // Weights are sums of binary fractions: exact in any order.
            tf.sort_unstable_by_key(|&(t, _)| t);
            let mut merged: Vec<(u32, f64)> = Vec::with_capacity(tf.len());
            for &(t, w) in &tf {
                match merged.last_mut() {
                    Some((last, sum)) if *last == t => *sum += w,
                    _ => merged.push((t, w)),
                }
            }
            doc_terms.push((merged, len.max(1) as f64));
            let url = match &section.anchor {
                Some(a) => format!("{}#{}", page.url, a),
                None => page.url.clone(),
            };
            docs.push(
                serde_json::to_vec(&(url, &page.title, heading, &section.text)).expect("json"),
            );
        }
    }
    let avg_len = if doc_terms.is_empty() {
        1.0
    } else {
        doc_terms.iter().map(|(_, l)| l).sum::<f64>() / doc_terms.len() as f64
    };

    // Postings per term, in document order.
    let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); vocab.terms.len()];
    for (doc, (tf, len)) in doc_terms.iter().enumerate() {
        for &(term, f) in tf {
            let norm = f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg_len));
            let w = ((norm / (K1 + 1.0)) * 100.0).round().clamp(1.0, 100.0) as u32;
            postings[term as usize].push((doc as u32, w));
        }
    }
    let stems: HashMap<String, String> = vocab
        .surfaces
        .into_iter()
        .map(|(surface, term)| (surface, vocab.terms[term as usize].clone()))
        .collect();
    let postings: BTreeMap<String, Vec<(u32, u32)>> = vocab
        .terms
        .into_iter()
        .zip(postings)
        .filter(|(_, list)| !list.is_empty())
        .collect();
    // Keys: every term, and every surface form whose stem differs.
    struct Entry {
        postings: Option<Vec<u32>>,
        stem: Option<String>,
    }
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    for (term, mut list) in postings {
        list.sort_unstable();
        let mut flat = Vec::with_capacity(list.len() * 2);
        let mut prev = 0;
        for (d, w) in list {
            flat.push(d - prev);
            flat.push(w);
            prev = d;
        }
        entries.insert(
            term,
            Entry {
                postings: Some(flat),
                stem: None,
            },
        );
    }
    let endings = learn_endings(&stems, analyzer.has_stemmer());
    for (surface, stem) in stems {
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
    let mut keys: Vec<(&String, &Entry)> = entries.iter().collect();
    keys.sort_by(|a, b| js_cmp(a.0, b.0));

    // Term shards.
    let mut shard_files: Vec<Vec<u8>> = Vec::new();
    let mut shard_keys: Vec<String> = Vec::new();
    let mut t = serde_json::Map::new();
    let mut s = serde_json::Map::new();
    let mut size = 0usize;
    let mut first: Option<String> = None;
    let mut flush_shard = |t: &mut serde_json::Map<String, Value>,
                           s: &mut serde_json::Map<String, Value>,
                           first: &mut Option<String>| {
        if first.is_none() {
            return;
        }
        let doc = json!({ "t": std::mem::take(t), "s": std::mem::take(s) });
        shard_files.push(serde_json::to_vec(&doc).expect("json"));
        let key = first.take().unwrap_or_default();
        // The first shard starts at the smallest string.
        shard_keys.push(if shard_keys.is_empty() {
            String::new()
        } else {
            key
        });
    };
    for (key, entry) in keys {
        if first.is_none() {
            first = Some(key.clone());
        }
        if let Some(p) = &entry.postings {
            size += key.len() + 6 + p.len() * 3;
            t.insert(key.clone(), json!(p));
        }
        if let Some(stem) = &entry.stem {
            size += key.len() + stem.len() + 6;
            s.insert(key.clone(), json!(stem));
        }
        if size >= SHARD_TARGET {
            flush_shard(&mut t, &mut s, &mut first);
            size = 0;
        }
    }
    flush_shard(&mut t, &mut s, &mut first);
    if shard_files.is_empty() {
        shard_files.push(br#"{"t":{},"s":{}}"#.to_vec());
        shard_keys.push(String::new());
    }

    // Document chunks: `[doc,doc,…]`, as serde_json would write the array.
    let mut chunk_files: Vec<Vec<u8>> = Vec::new();
    let mut chunk_counts: Vec<usize> = Vec::new();
    let mut chunk: Vec<u8> = Vec::new();
    let mut count = 0usize;
    let mut size = 0usize;
    for doc in docs {
        chunk.push(if count == 0 { b'[' } else { b',' });
        chunk.extend_from_slice(&doc);
        size += doc.len();
        count += 1;
        if size >= CHUNK_TARGET {
            chunk.push(b']');
            chunk_counts.push(count);
            chunk_files.push(std::mem::take(&mut chunk));
            count = 0;
            size = 0;
        }
    }
    if count > 0 {
        chunk.push(b']');
        chunk_counts.push(count);
        chunk_files.push(chunk);
    }

    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for f in shard_files.iter().chain(&chunk_files) {
        hasher.update(&(f.len() as u64).to_le_bytes());
        hasher.update(f);
    }
    let version = format!("{:016x}", hasher.digest());
    let manifest = json!({
        "v": FORMAT,
        "lang": lang,
        "version": &version[..10],
        "docs": chunk_counts.iter().sum::<usize>(),
        "shards": shard_keys,
        "chunks": chunk_counts,
        "endings": endings,
    });

    let dir = format!("search/{lang}");
    let mut files = vec![(
        format!("{dir}/index.json"),
        serde_json::to_vec(&manifest).expect("json"),
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

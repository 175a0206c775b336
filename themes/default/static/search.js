// helpsite search. Loaded by site.js on first use of the search box;
// reads the static index `helpsite build` writes under /search/<lang>/.
//
// `analyze` mirrors generator/src/search/analyze.rs and `Engine` mirrors
// generator/src/search/query.rs; generator/tests/search.rs runs both under
// node against the Rust code, so change them together.
(function (global) {
  "use strict";

  // ---------------------------------------------------------------- analyzer

  var DIGIT_ZEROS = [
    0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66,
    0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810,
    0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
    0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0
  ];
  var ZWNJ = "\u200c";
  var FOLD = {
    "\u06cc": "\u064a", "\u0649": "\u064a", // ی ى → ي
    "\u06a9": "\u0643", // ک → ك
    "\u06c0": "\u0647", // ۀ → ه
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627", // آ أ إ ٱ → ا
    "\u0451": "\u0435", // ё → е
    "\u03c2": "\u03c3", // ς → σ
    "\u00df": "ss",
    "\u200c": "", "\u200d": "", "\u00ad": "", "\u0640": "", "\ufeff": "", "\u2060": "",
    "\u200e": "", "\u200f": "", "\u061c": ""
  };
  /** Removed inside a word ("don't" = "dont"); they end a CJK run (analyze.rs `is_apostrophe`). */
  var APOSTROPHES = ["'", "\u2019", "\u02bc"];
  APOSTROPHES.forEach(function (a) { FOLD[a] = ""; });
  var WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{N}]$/u;
  var HAS_WORD_CHAR = /[\p{Alphabetic}\p{M}\p{N}]/u;
  var MARK = /^\p{M}$/u;

  function foldChar(c) {
    var u = c.codePointAt(0);
    for (var i = 0; i < DIGIT_ZEROS.length; i++) {
      if (u >= DIGIT_ZEROS[i] && u < DIGIT_ZEROS[i] + 10) return String.fromCharCode(48 + u - DIGIT_ZEROS[i]);
    }
    if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069)) return "";
    if ((u >= 0x064b && u <= 0x065f) || u === 0x0670) return "";
    // Quranic marks, Devanagari nukta, the dot lowercasing leaves on Turkish İ.
    if ((u >= 0x0610 && u <= 0x061a) || (u >= 0x06d6 && u <= 0x06dc) || (u >= 0x06df && u <= 0x06e4) ||
      u === 0x06e7 || u === 0x06e8 || (u >= 0x06ea && u <= 0x06ed) || u === 0x093c || u === 0x0307) return "";
    var f = FOLD[c];
    return f === undefined ? c : f;
  }

  /** Han, kana and Hangul: indexed as overlapping pairs (analyze.rs `is_cjk`). */
  function isCjk(c) {
    var u = c.codePointAt(0);
    return (u >= 0x1100 && u <= 0x11ff) ||
      (u >= 0x2e80 && u <= 0x2fdf) || (u >= 0x3005 && u <= 0x3007) ||
      (u >= 0x3021 && u <= 0x3029) || (u >= 0x3038 && u <= 0x303c) ||
      (u >= 0x3040 && u <= 0x30ff) || (u >= 0x3130 && u <= 0x318f) ||
      (u >= 0x31f0 && u <= 0x31ff) ||
      (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) ||
      (u >= 0xa960 && u <= 0xa97f) || (u >= 0xac00 && u <= 0xd7ff) ||
      (u >= 0xf900 && u <= 0xfaff) || (u >= 0x20000 && u <= 0x3ffff);
  }

  /** Thai, Lao, Myanmar, Khmer: cut into words by dictionary (`is_dictionary_script`). */
  var DICTIONARY_SCRIPT = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]/;
  var DICTIONARY_RUNS = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]+|[^\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]+/g;

  function isArabicScript(c) {
    var u = c.codePointAt(0);
    return (u >= 0x0600 && u <= 0x06ff) || (u >= 0x0750 && u <= 0x077f) ||
      (u >= 0x08a0 && u <= 0x08ff) || (u >= 0xfb50 && u <= 0xfdff) || (u >= 0xfe70 && u <= 0xfeff);
  }

  var segmenter = null;
  /**
   * Word-boundary segments (`for_each_segment`): runs of a dictionary script
   * and the text between them are segmented apart, as the Rust side does.
   */
  function segments(text) {
    if (!segmenter) segmenter = new Intl.Segmenter("en", { granularity: "word" });
    var out = [];
    var pieces = DICTIONARY_SCRIPT.test(text) ? text.match(DICTIONARY_RUNS) : [text];
    pieces.forEach(function (piece) {
      for (var s of segmenter.segment(piece)) out.push(s);
    });
    return out;
  }

  /** Step 4's state (analyze.rs `Splitter`): the word so far, and a CJK run. */
  function Splitter(out) {
    this.out = out;
    this.word = "";
    this.inCjk = false;
    this.prev = "";
  }

  Splitter.prototype.push = function (ch) {
    if (ch === ZWNJ) {
      if (this.word && !this.inCjk) this.word += ch;
      return;
    }
    if (!WORD_CHAR.test(ch)) {
      this.flush();
      return;
    }
    if (isCjk(ch)) {
      if (this.inCjk) this.nextCjk();
      else {
        this.flush();
        this.inCjk = true;
      }
    } else if (this.inCjk && !MARK.test(ch)) {
      this.flush();
    }
    this.word += ch;
  };

  /** The CJK character in `word` is complete: its pair with the one before is a word. */
  Splitter.prototype.nextCjk = function () {
    if (this.prev) this.out.push({ text: this.prev + this.word, parts: [] });
    this.prev = this.word;
    this.word = "";
  };

  Splitter.prototype.flush = function () {
    if (this.inCjk) {
      if (!this.prev) this.out.push({ text: this.word, parts: [] });
      else this.nextCjk();
      this.inCjk = false;
      this.prev = "";
      this.word = "";
      return;
    }
    if (!this.word) return;
    var word = this.word;
    this.word = "";
    var text = word.split(ZWNJ).join("");
    var parts = word.indexOf(ZWNJ) >= 0 ? word.split(ZWNJ).filter(function (p) { return p; }) : [];
    if (text) this.out.push({ text: text, parts: parts.length > 1 ? parts : [] });
  };

  /** The normalized words of one segment, through `sp`. A CJK run stays open. */
  function analyzeSegment(segment, sp) {
    if (!HAS_WORD_CHAR.test(segment)) {
      sp.flush();
      return;
    }
    var lowered = segment.normalize("NFKC").toLowerCase();
    var prev = null;
    for (var c of lowered) {
      var f = foldChar(c);
      if (c === ZWNJ && prev !== null && isArabicScript(prev)) sp.push(ZWNJ);
      // An apostrophe ends a CJK run (`is_apostrophe`).
      else if (sp.inCjk && APOSTROPHES.indexOf(c) >= 0) sp.flush();
      else for (var ch of f) sp.push(ch);
      if (f !== "") prev = c;
    }
    if (!sp.inCjk) sp.flush();
  }

  /** The words of one segment alone (for highlighting). */
  function segmentWords(segment) {
    var out = [], sp = new Splitter(out);
    analyzeSegment(segment, sp);
    sp.flush();
    return out;
  }

  /** The words of `text`: [{text, parts}], as analyze.rs gives them. */
  function analyze(text) {
    var out = [], sp = new Splitter(out);
    segments(text).forEach(function (s) { analyzeSegment(s.segment, sp); });
    sp.flush();
    return out;
  }

  // ---------------------------------------------------------- language rules
  // `Analyzer` in analyze.rs: prefixes, Turkish dotless i, stemming. The
  // stemmer is a theme asset (static/stem/<lang>.js) the manifest names as
  // `stem`, loaded with the index after the Snowball runtime it runs on
  // (`stem_base`); without it query words are not stemmed.

  var PREFIXES = {
    he: [["\u05d5", "\u05d4", "\u05d1", "\u05dc", "\u05de", "\u05e9", "\u05db"], 2],
    ar: [["\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0641\u0627\u0644", "\u0643\u0627\u0644",
      "\u0644\u0644", "\u0627\u0644", "\u0648", "\u0628", "\u0644", "\u0641"], 1]
  };
  PREFIXES.iw = PREFIXES.yi = PREFIXES.he;
  var NUMBER = /^\p{N}+$/u;

  function Rules(lang) {
    var p = String(lang).split(/[-_]/)[0].toLowerCase();
    var pre = PREFIXES[p] || [[], 0];
    this.prefixes = pre[0];
    this.maxPrefixes = pre[1];
    this.dotless = p === "tr" || p === "az";
    this.stemmer = null;
  }

  /** The index term of a normalized word (`Analyzer::stem`). */
  Rules.prototype.stem = function (word) {
    var s = word;
    if (this.stemmer && Array.from(word).length > 2 && !NUMBER.test(word)) s = this.stemmer(word) || word;
    return this.dotless ? s.split("\u0131").join("i") : s;
  };

  /** The word without its prefixes, each strip leaving 3+ letters (`Analyzer::unprefixed`). */
  Rules.prototype.unprefixed = function (word) {
    var out = [], rest = word;
    for (var n = 0; n < this.maxPrefixes; n++) {
      var next = null;
      for (var i = 0; i < this.prefixes.length && next === null; i++) {
        var p = this.prefixes[i];
        if (rest.slice(0, p.length) === p && Array.from(rest.slice(p.length)).length >= 3) next = rest.slice(p.length);
      }
      if (next === null) break;
      out.push(next);
      rest = next;
    }
    return out;
  };

  var baseLoads = {};
  /**
   * Loads a stemmer asset after the Snowball runtime it runs on (`baseUrl`,
   * shared by every language, loaded once); resolves to its function, or null.
   */
  function loadStemmer(baseUrl, url, loadScript) {
    var name = url.split("/").pop().split(".")[0];
    var all = function () { return global.HelpsiteStem || {}; };
    var have = function () { return all()[name] || null; };
    if (have()) return Promise.resolve(have());
    if (!all()._base && typeof baseUrl === "string" && !baseLoads[baseUrl]) baseLoads[baseUrl] = loadScript(baseUrl);
    return (baseLoads[baseUrl] || Promise.resolve()).then(function () { return loadScript(url); }).then(have, function () { return null; });
  }

  function scriptLoader(url) {
    return new Promise(function (ok, fail) {
      if (typeof document === "undefined") return fail(new Error("no document"));
      var s = document.createElement("script");
      s.src = url;
      s.onload = ok;
      s.onerror = function () { fail(new Error("cannot load " + url)); };
      document.head.appendChild(s);
    });
  }

  // ------------------------------------------------------------------ engine

  var MAX_EXPANSIONS = 50, EXACT = 1.0, PREFIX = 0.5, STEM_PREFIX = 0.7, UNPREFIXED = 0.8;

  function startsWith(s, p) { return s.slice(0, p.length) === p; }

  /**
   * One language's index. `load(path)` resolves to parsed JSON of a file under
   * the language's folder (`index.json`, `t/3.json`, `d/0.json`).
   */
  function LangIndex(lang, load, loadScript) {
    this.lang = lang;
    this.load = load;
    this.loadScript = loadScript || scriptLoader;
    this.rules = new Rules(lang);
    this.manifest = null;
    this.shards = {};
    this.chunks = {};
    this.pending = {};
  }

  LangIndex.prototype.ready = function () {
    var self = this;
    if (!this.manifestPromise) {
      this.manifestPromise = this.load("index.json").then(function (m) {
        self.manifest = m;
        self.endings = new Set(m.endings || []);
        self.chunkStarts = [];
        var n = 0;
        m.chunks.forEach(function (c) { self.chunkStarts.push(n); n += c; });
        if (typeof m.stem !== "string") return;
        return loadStemmer(m.stem_base, m.stem, self.loadScript).then(function (f) { self.rules.stemmer = f; });
      });
    }
    return this.manifestPromise;
  };

  LangIndex.prototype.fetchShards = function (ids) {
    var self = this;
    return Promise.all(ids.map(function (i) {
      if (!self.pending[i]) {
        self.pending[i] = self.load("t/" + i + ".json?v=" + self.manifest.version).then(function (json) {
          var keys = Object.keys(json.t);
          Object.keys(json.s).forEach(function (k) { if (!(k in json.t)) keys.push(k); });
          keys.sort();
          self.shards[i] = { t: json.t, s: json.s, keys: keys, postings: {} };
        });
      }
      return self.pending[i];
    }));
  };

  /** Index of the shard that holds `key` (the manifest's keys, in UTF-16 order). */
  LangIndex.prototype.shardOf = function (key) {
    var keys = this.manifest.shards, lo = 0, hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] <= key) lo = mid + 1; else hi = mid;
    }
    return Math.max(0, lo - 1);
  };

  /**
   * Runs `compute(view)` until it touched no shard that is not loaded: every
   * lookup of a missing shard is noted, those shards are fetched, and it runs
   * again. The last run saw everything it asked for, so it gives exactly what
   * query.rs gives with the whole index in memory.
   */
  LangIndex.prototype.withShards = function (compute) {
    var self = this;
    function attempt() {
      var missing = {};
      var view = {
        shard: function (i) {
          var s = self.shards[i];
          if (!s) { missing[i] = true; return { t: {}, s: {}, keys: [], postings: {} }; }
          return s;
        },
        surface: function (key) {
          var s = view.shard(self.shardOf(key)).s;
          return Object.prototype.hasOwnProperty.call(s, key) ? s[key] : null;
        },
        term: function (key) {
          var s = view.shard(self.shardOf(key));
          if (!Object.prototype.hasOwnProperty.call(s.t, key)) return null;
          if (!s.postings[key]) {
            var flat = s.t[key], list = [], doc = 0;
            for (var i = 0; i < flat.length; i += 2) { doc += flat[i]; list.push([doc, flat[i + 1]]); }
            s.postings[key] = list;
          }
          return s.postings[key];
        }
      };
      var result = compute(view);
      var ids = Object.keys(missing).map(Number);
      if (!ids.length) return result;
      return self.fetchShards(ids).then(attempt);
    }
    return Promise.resolve().then(attempt);
  };

  LangIndex.prototype.keysWithPrefix = function (view, prefix) {
    var out = [], start = this.shardOf(prefix), keys = this.manifest.shards;
    for (var i = start; i < keys.length; i++) {
      if (i > start && !startsWith(keys[i], prefix)) break;
      view.shard(i).keys.forEach(function (k) { if (startsWith(k, prefix)) out.push(k); });
    }
    return out;
  };

  LangIndex.prototype.isEnding = function (rest) {
    if (this.endings.has(rest)) return true;
    var chars = Array.from(rest);
    for (var i = 1; i < chars.length; i++) {
      if (this.endings.has(chars.slice(0, i).join("")) && this.endings.has(chars.slice(i).join(""))) return true;
    }
    return false;
  };

  /** The term of a word: a surface form, a term, or its stem's term (query.rs `known`). */
  LangIndex.prototype.known = function (view, w) {
    var t = this.lookup(view, w);
    return t !== null ? t : this.stemmed(view, w);
  };

  LangIndex.prototype.lookup = function (view, w) {
    var s = view.surface(w);
    if (s !== null) return s;
    return view.term(w) ? w : null;
  };

  LangIndex.prototype.stemmed = function (view, w) {
    if (!this.rules.stemmer) return null;
    var t = this.rules.stem(w);
    return view.term(t) ? t : null;
  };

  /** Index terms a query word matches: [[term, factor]] (query.rs `expand`). */
  LangIndex.prototype.expand = function (view, q, last) {
    var out = [];
    var has = function (t) { return out.some(function (e) { return e[0] === t; }); };
    var exact = this.lookup(view, q), stemmed = exact === null ? this.stemmed(view, q) : null;
    if (exact !== null) out.push([exact, EXACT]);
    else if (stemmed !== null) out.push([stemmed, EXACT]);
    var chars = Array.from(q);
    // One CJK character is no pair: the pairs it starts stand for it.
    if (chars.length >= (last ? 2 : 3) || (chars.length === 1 && isCjk(q))) {
      var keys = this.keysWithPrefix(view, q);
      for (var i = 0; i < keys.length; i++) {
        if (out.length > MAX_EXPANSIONS) break;
        var s = view.surface(keys[i]);
        var term = s !== null ? s : keys[i];
        if (view.term(term) && !has(term)) out.push([term, PREFIX]);
      }
    }
    var found = exact !== null;
    if (!found) {
      var un = this.rules.unprefixed(q);
      for (var j = 0; j < un.length && !found; j++) {
        var u = this.known(view, un[j]);
        if (u === null) continue;
        if (!has(u)) out.push([u, UNPREFIXED]);
        found = true;
      }
    }
    if (!found) {
      var min = Math.max(3, Math.ceil(chars.length / 2));
      for (var k = chars.length - 1; k >= min; k--) {
        var p = chars.slice(0, k).join("");
        var t = view.surface(p);
        if (t === null && view.term(p)) t = p;
        if (t === null) continue;
        if (startsWith(q, t) && this.isEnding(q.slice(t.length))) {
          out.push([t, STEM_PREFIX]);
          break;
        }
      }
    }
    return out;
  };

  /** Ranked [{doc, score, terms}] for query words (query.rs `search`). */
  LangIndex.prototype.search = function (qwords) {
    var self = this;
    return this.ready().then(function () {
      return self.withShards(function (view) {
        var n = self.manifest.docs, total = null, matched = [];
        qwords.forEach(function (q, i) {
          var scores = new Map();
          self.expand(view, q, i + 1 === qwords.length).forEach(function (e) {
            var list = view.term(e[0]);
            if (!list) return;
            matched.push(e[0]);
            var df = list.length;
            var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            list.forEach(function (p) {
              var s = e[1] * idf * p[1];
              if (!(scores.get(p[0]) >= s)) scores.set(p[0], s);
            });
          });
          if (total === null) total = scores;
          else {
            var next = new Map();
            total.forEach(function (s, d) { if (scores.has(d)) next.set(d, s + scores.get(d)); });
            total = next;
          }
        });
        var hits = [];
        (total || new Map()).forEach(function (score, doc) { hits.push({ doc: doc, score: score }); });
        hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        return { hits: hits, terms: matched, view: view };
      });
    });
  };

  /** A document: {url, title, heading, text}. */
  LangIndex.prototype.doc = function (id) {
    var self = this, starts = this.chunkStarts, c = starts.length - 1;
    while (c > 0 && starts[c] > id) c--;
    if (!this.chunks[c]) this.chunks[c] = this.load("d/" + c + ".json?v=" + this.manifest.version);
    return this.chunks[c].then(function (docs) {
      var d = docs[id - starts[c]];
      return { url: d[0], title: d[1], heading: d[2], text: d[3], lang: self.lang };
    });
  };

  /** Query words, each once, in order. */
  function queryWords(query) {
    var seen = [];
    analyze(query).forEach(function (w) { if (seen.indexOf(w.text) < 0) seen.push(w.text); });
    return seen;
  }

  /** Every language's index, loaded on demand with `load(lang, path)`. */
  function Engine(load, loadScript) {
    this.indexes = {};
    this.loadFile = load;
    this.loadScript = loadScript;
  }

  Engine.prototype.index = function (lang) {
    var loadFile = this.loadFile;
    if (!this.indexes[lang]) this.indexes[lang] = new LangIndex(lang, function (p) { return loadFile(lang, p); }, this.loadScript);
    return this.indexes[lang];
  };

  /** [{lang, doc, score}] best first, over one or more languages; `terms` per language. */
  Engine.prototype.search = function (langs, query) {
    var self = this, words = queryWords(query);
    if (!words.length) return Promise.resolve({ hits: [], words: words, matched: {} });
    return Promise.all(langs.map(function (lang) {
      return self.index(lang).search(words).then(function (r) {
        return { lang: lang, r: r };
      });
    })).then(function (all) {
      var hits = [], matched = {};
      all.forEach(function (a) {
        matched[a.lang] = { terms: new Set(a.r.terms), view: a.r.view };
        a.r.hits.forEach(function (h) { hits.push({ lang: a.lang, doc: h.doc, score: h.score }); });
      });
      hits.sort(function (a, b) {
        return b.score - a.score || langs.indexOf(a.lang) - langs.indexOf(b.lang) || a.doc - b.doc;
      });
      return { hits: hits, words: words, matched: matched };
    });
  };

  // --------------------------------------------------------------- highlight

  /** Whether a normalized word is one the query matched. */
  function matches(word, words, m) {
    var s = m.view.surface(word);
    if (m.terms.has(s !== null ? s : word)) return true;
    for (var i = 0; i < words.length; i++) if (words[i].length >= 2 && startsWith(word, words[i])) return true;
    var hit = false;
    m.terms.forEach(function (t) { if (Array.from(t).length >= 3 && startsWith(word, t)) hit = true; });
    return hit;
  }

  /** Text as [{text, mark}] pieces, trimmed to about `size` characters around the first match. */
  function excerpt(text, words, m, size) {
    var segs = segments(text), first = -1;
    var marked = segs.map(function (s, i) {
      var ws = segmentWords(s.segment);
      var hit = ws.some(function (w) {
        return matches(w.text, words, m) || w.parts.some(function (p) { return matches(p, words, m); });
      });
      if (hit && first < 0) first = i;
      return hit;
    });
    var start = 0, end = segs.length;
    if (size && text.length > size) {
      if (first >= 0) {
        start = first;
        var before = 0;
        while (start > 0 && before + segs[start - 1].segment.length < size / 3) before += segs[--start].segment.length;
      }
      var len = 0;
      end = start;
      while (end < segs.length && len < size) len += segs[end++].segment.length;
    }
    var pieces = [];
    if (start > 0) pieces.push({ text: "…", mark: false });
    for (var i = start; i < end; i++) {
      var last = pieces[pieces.length - 1];
      if (last && last.mark === marked[i] && last.text !== "…") last.text += segs[i].segment;
      else pieces.push({ text: segs[i].segment, mark: marked[i] });
    }
    if (end < segs.length) pieces.push({ text: "…", mark: false });
    return pieces;
  }

  // ---------------------------------------------------------------------- UI

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "className") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function pieces(list) {
    var f = document.createDocumentFragment();
    list.forEach(function (p) {
      f.appendChild(p.mark ? el("mark", { text: p.text }) : document.createTextNode(p.text));
    });
    return f;
  }

  function boot() {
    var form = document.querySelector("form.search-form");
    var input = form && form.querySelector("#search-input");
    if (!input || input.dataset.searchReady) return;
    input.dataset.searchReady = "1";
    var d = form.dataset;
    var lang = d.lang || document.documentElement.lang || "en";
    var base = d.searchIndex || "/search/";
    var names = {};
    document.querySelectorAll(".lang-switcher a[hreflang]").forEach(function (a) {
      names[a.getAttribute("hreflang")] = (a.querySelector(".lang-name") || a).textContent.trim();
    });
    var langs = (d.languages || "").split(/\s+/).filter(Boolean);
    if (!langs.length) langs = Object.keys(names);
    if (langs.indexOf(lang) < 0) langs.unshift(lang);
    var rtl = (d.rtlLanguages || "").split(/\s+/).filter(Boolean);
    // The catalog's plural forms by CLDR category (or one text for every
    // count), chosen with the browser's CLDR rules for the page's language.
    var forms = { other: "{count}" };
    try {
      var parsed = JSON.parse(d.results || "null");
      if (typeof parsed === "string") forms = { other: parsed };
      else if (parsed && typeof parsed.other === "string") forms = parsed;
    } catch (e) { /* keep the bare count */ }
    var plurals = new Intl.PluralRules(lang);
    var text = {
      results: function (n) {
        var form = forms[plurals.select(n)] || forms.other;
        return form.replace("{count}", numbers.format(n));
      },
      none: d.noResults || "No results.",
      loading: d.loading || "Searching…",
      error: d.error || "Search is not available right now.",
      all: d.allLanguages || "Search all languages",
      label: d.label || (form.querySelector("label") || {}).textContent || ""
    };
    var numbers = new Intl.NumberFormat(lang);
    var engine = new Engine(function (l, path) {
      return fetch(base + l + "/" + path, path === "index.json" ? { cache: "no-cache" } : {}).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.url);
        return r.json();
      });
    });

    // "Search all languages": the template's checkbox, or one made here.
    var all = form.querySelector("input[name=all]");
    if (!all && langs.length > 1) {
      all = el("input", { type: "checkbox", name: "all", value: "1" });
      form.appendChild(el("label", { className: "search-all" }, [all, document.createTextNode(" " + text.all)]));
    }
    if (all) {
      all.closest("label, .search-all") && (all.closest("label, .search-all").hidden = false);
      all.addEventListener("change", function () { run(true); input.focus(); });
    }

    var page = document.getElementById("search-page");
    var pageList = document.getElementById("search-page-results");
    var status = page ? document.getElementById("search-page-status") : null;
    var box = form.closest("search, .site-search") || form.parentNode;
    var listbox = null, popup = null, active = -1, options = [];
    if (!page) {
      listbox = el("div", { id: "search-listbox", role: "listbox", "aria-label": text.label, className: "search-results" });
      status = el("p", { className: "search-status", role: "status", "aria-live": "polite" });
      popup = el("div", { className: "search-popup", hidden: "" }, [status, listbox]);
      box.appendChild(popup);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", "search-listbox");
      // Keep focus in the box while a result is clicked.
      popup.addEventListener("mousedown", function (e) { e.preventDefault(); });
      // "Search all languages" goes at the top of the popup, which floats
      // over the page: showing it moves nothing. It still belongs to the form.
      var allLabel = all && all.closest(".search-all");
      if (allLabel) {
        if (!form.id) form.id = "search-form";
        all.setAttribute("form", form.id);
        popup.insertBefore(allLabel, popup.firstChild);
      }
    }

    function open(show) {
      if (!popup) return;
      popup.hidden = !show;
      input.setAttribute("aria-expanded", String(show && options.length > 0));
      if (!show) setActive(-1);
    }

    function setActive(i) {
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function say(message) {
      if (status) status.textContent = message;
    }

    function render(docs, result, container, isPage) {
      container.textContent = "";
      options = [];
      docs.forEach(function (doc, i) {
        var m = result.matched[doc.lang];
        var dir = rtl.indexOf(doc.lang) >= 0 ? "rtl" : "ltr";
        var title = el("span", { className: "search-result-title", text: doc.title });
        var heading = doc.heading
          ? el("span", { className: "search-result-heading" }, [pieces(excerpt(doc.heading, result.words, m, 0))])
          : null;
        var ex = el("span", { className: "search-result-excerpt" }, [pieces(excerpt(doc.text, result.words, m, isPage ? 260 : 140))]);
        var badge = doc.lang !== lang ? el("span", { className: "search-result-lang", text: names[doc.lang] || doc.lang }) : null;
        var attrs = { href: doc.url, lang: doc.lang, dir: dir, className: "search-result" };
        if (isPage) {
          container.appendChild(el("li", {}, [el("a", attrs, [title, heading, badge]), el("p", { className: "search-result-excerpt", lang: doc.lang, dir: dir }, [pieces(excerpt(doc.text, result.words, m, 260))])]));
        } else {
          attrs.role = "option";
          attrs.id = "search-option-" + i;
          attrs.tabindex = "-1";
          attrs["aria-selected"] = "false";
          var a = el("a", attrs, [title, heading, ex, badge]);
          options.push(a);
          container.appendChild(a);
        }
      });
    }

    var seq = 0, timer = null;
    function run(now) {
      clearTimeout(timer);
      timer = setTimeout(search, now ? 0 : 150);
    }

    function search() {
      var query = input.value.trim();
      var mine = ++seq;
      if (page) {
        var url = new URL(location.href);
        url.searchParams.set("q", query);
        if (all && all.checked) url.searchParams.set("all", "1"); else url.searchParams.delete("all");
        history.replaceState(null, "", url);
      }
      if (!query) {
        options = [];
        if (listbox) listbox.textContent = "";
        if (pageList) pageList.textContent = "";
        say("");
        open(false);
        return;
      }
      say(text.loading);
      open(true);
      var which = all && all.checked ? langs : [lang];
      var limit = page ? 50 : 8;
      engine.search(which, query).then(function (result) {
        var top = result.hits.slice(0, limit);
        return Promise.all(top.map(function (h) { return engine.index(h.lang).doc(h.doc); })).then(function (docs) {
          if (mine !== seq) return;
          render(docs, result, page ? pageList : listbox, !!page);
          var n = result.hits.length;
          say(n ? text.results(n) : text.none);
          // For the theme's insights: the normalized query and whether it found anything.
          form.dispatchEvent(new CustomEvent("helpsite:search", {
            bubbles: true,
            detail: { lang: lang, query: queryWords(query).join(" "), hits: n, all: which.length > 1 }
          }));
          setActive(-1);
          open(true);
        });
      }).catch(function (e) {
        if (mine !== seq) return;
        if (global.console) console.error(e);
        say(text.error);
        open(true);
      });
    }

    input.addEventListener("input", function () { run(false); });
    input.addEventListener("focus", function () { if (input.value.trim() && options.length) open(true); });
    input.addEventListener("keydown", function (e) {
      if (page) return;
      var visible = popup && !popup.hidden && options.length > 0;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!options.length) return;
        e.preventDefault();
        open(true);
        var step = e.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= options.length) next = 0;
        if (next < 0) next = options.length - 1;
        setActive(next);
      } else if (e.key === "Enter" && visible && active >= 0) {
        e.preventDefault();
        location.assign(options[active].href);
      } else if (e.key === "Escape") {
        if (popup && !popup.hidden) {
          e.preventDefault();
          open(false);
        }
      }
    });
    document.addEventListener("click", function (e) {
      if (popup && !box.contains(e.target)) open(false);
    });
    input.addEventListener("blur", function () {
      setTimeout(function () { if (popup && !box.contains(document.activeElement)) open(false); }, 0);
    });

    if (page) {
      var params = new URLSearchParams(location.search);
      if (params.get("q")) input.value = params.get("q");
      if (all && params.get("all") === "1") all.checked = true;
      form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
      if (input.value.trim()) run(true);
    } else if (input.value.trim() && document.activeElement === input) {
      // Typed before this script arrived.
      run(true);
    }
  }

  var api = { analyze: analyze, queryWords: queryWords, Engine: Engine, excerpt: excerpt, Rules: Rules };
  if (typeof module === "object" && module.exports) module.exports = api;
  else global.helpsiteSearch = api;
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
    else boot();
  }
})(typeof window !== "undefined" ? window : globalThis);

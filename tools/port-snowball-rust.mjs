// Ports a Snowball algorithm that rust-stemmers ships but the npm package
// snowball-stemmers lacks (Greek) to a stemmer file on the shared runtime
// (stem/base.js), so the browser stems query words as the index did.
// Mechanical: it rewrites the Rust that the Snowball compiler generated
// (rust-stemmers' src/snowball/algorithms/<algo>.rs) statement by statement
// into JavaScript; anything it does not recognise stops it.
//
//   node tools/port-snowball-rust.mjs \
//     ~/.cargo/registry/src/*/rust-stemmers-1.2.0/src/snowball/algorithms/greek.rs el
//
// The Rust tables are in the order of UTF-8 bytes; the runtime searches in
// UTF-16 order, so `amongs` sorts each table again and recomputes each
// entry's longest suffix in the table (`substring_i`). Only backward
// searches (find_among_b) are supported: the Greek algorithm has no other.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const [file, lang] = process.argv.slice(2);
if (!file || !lang) {
  console.error("usage: node tools/port-snowball-rust.mjs ALGORITHM.rs LANG");
  process.exit(2);
}
const algo = basename(file, ".rs");
const lines = readFileSync(file, "utf8").split("\n");
const out = [];
let inTable = false, inStruct = false, inContext = false;

// Statement rewrites, in order; the first that matches a line wins for the
// `if`/loop shapes, the `env.` calls are rewritten inside any line.
const CALLS = [
  [/env\.find_among_b\((A_\d+), context\)/g, "this.find_among_b$$esjava$$1($1)"],
  [/env\.eq_s_b\(&?("(?:[^"\\]|\\.)*")\)/g, "this.eq_s_b$$esjava$$1($1)"],
  [/env\.in_grouping_b\((G_\w+), (\d+), (\d+)\)/g, "this.in_grouping_b$$esjava$$3($1, $2, $3)"],
  [/env\.out_grouping_b\((G_\w+), (\d+), (\d+)\)/g, "this.out_grouping_b$$esjava$$3($1, $2, $3)"],
  [/env\.slice_from\(("(?:[^"\\]|\\.)*")\)/g, "this.sliceFrom($1)"],
  [/env\.slice_del\(\)/g, "this.sliceFrom(\"\")"],
  [/env\.slice_to\(\)/g, "this.sliceTo()"],
  [/env\.insert\((\w+), (\w+), &context\.(\w+)\)/g, "this.insert$$esjava$$3($1, $2, context.$3)"],
  [/env\.insert\((\w+), (\w+), ("(?:[^"\\]|\\.)*")\)/g, "this.insert$$esjava$$3($1, $2, $3)"],
  [/env\.previous_char\(\)/g, "this.cursor--"],
  [/\(env\.current\.chars\(\)\.count\(\) as i32\)/g, "this.charCount()"],
  [/context\.(\w+)\.is_empty\(\)/g, "context.$1.length === 0"],
  [/\br_(\w+)\(env, context\)/g, "this.r_$1(context)"],
  [/env\.(cursor|limit_backward|limit|bra|ket)\b/g, "this.$1"],
];

function statement(line) {
  let m;
  if ((m = line.match(/^(\s*)'(\w+): loop ?\{$/))) return `${m[1]}${m[2]}: while (true) {`;
  if ((m = line.match(/^(\s*)'(\w+): for _ in 0\.\.1 \{$/))) return `${m[1]}${m[2]}: for (let once = 0; once < 1; once++) {`;
  if ((m = line.match(/^(\s*)(break|continue) '(\w+);$/))) return `${m[1]}${m[2]} ${m[3]};`;
  if ((m = line.match(/^(\s*)(\} else )?if (.*?) ?\{$/))) return `${m[1]}${m[2] || ""}if (${m[3]}) {`;
  if ((m = line.match(/^(\s*)let \((\w+), (\w+)\) = \(([^,]+), ([^)]+)\);$/))) return `${m[1]}let ${m[2]} = ${m[4]}, ${m[3]} = ${m[5]};`;
  if ((m = line.match(/^(\s*)let mut (\w+);$/))) return `${m[1]}let ${m[2]};`;
  if ((m = line.match(/^(\s*)let (\w+) = (.*);$/))) return `${m[1]}let ${m[2]} = ${m[3]};`;
  if (/^\s*(\}|return (true|false);|[\w.]+ = .*;|this\.cursor--;|\} else \{|this\.\w+\$?[\w$]*\(.*\);)$/.test(line)) return line;
  throw new Error(`cannot port: ${JSON.stringify(line)}`);
}

for (const raw of lines) {
  const line = raw.replace(/\s+$/, "");
  if (/^\s*\/\/|^#|^use |^\s*$/.test(line)) continue;
  let m;
  if ((m = line.match(/^static (A_\d+): .* = &\[$/))) { out.push(`    var ${m[1]} = amongs([`); inTable = true; continue; }
  if (inTable) {
    if (line === "];") { out.push("    ]);"); inTable = false; continue; }
    m = line.match(/^\s*Among\(("(?:[^"\\]|\\.)*"), (-?\d+), (-?\d+), None\),$/);
    if (!m) throw new Error(`cannot port table row: ${line}`);
    out.push(`        [${m[1]}, ${m[3]}],`);
    continue;
  }
  if ((m = line.match(/^static (G_\w+): .* = &(\[[\d, ]+\]);$/))) { out.push(`    var ${m[1]} = ${m[2]};`); continue; }
  if (/^#\[derive/.test(line)) continue;
  if (/^struct Context \{$/.test(line)) { inStruct = true; continue; }
  if (inStruct) { if (line === "}") inStruct = false; continue; }
  if ((m = line.match(/^fn r_(\w+)\(env: &mut SnowballEnv, context: &mut Context\) -> bool \{$/))) {
    out.push(`    p.r_${m[1]} = function (context) {`); continue;
  }
  if (/^pub fn stem\(env: &mut SnowballEnv\) -> bool \{$/.test(line)) { out.push("    p.stem$esjava$0 = function () {"); continue; }
  if (/^\s*let mut context = &mut Context \{$/.test(line)) { out.push("        let context = {"); inContext = true; continue; }
  if (inContext) {
    if (/^\s*\};$/.test(line)) { out.push("        };"); inContext = false; continue; }
    m = line.match(/^\s*(\w+): (String::new\(\)|false|true),$/);
    if (!m) throw new Error(`cannot port context field: ${line}`);
    out.push(`            ${m[1]}: ${m[2] === "String::new()" ? '""' : m[2]},`);
    continue;
  }
  if (line === "}") { out.push("    };"); continue; }
  let js = line;
  for (const [re, to] of CALLS) js = js.replace(re, to);
  out.push("    " + statement(js));
}

const name = `${algo}Stemmer`;
const body = `// Snowball ${algo} stemmer, ported from rust-stemmers 1.2.0's generated
// src/snowball/algorithms/${algo}.rs (the Snowball algorithm © Martin Porter
// and Richard Boulton, BSD licence; rust-stemmers © Jakob Demler, MIT
// licence: see license.txt), run by stem/base.js, loaded first.
// Generated by tools/port-snowball-rust.mjs: do not edit.
(function (global) {
    'use strict';
    var all = global.HelpsiteStem || {}, base = all._base;
    if (!base) return;
    var _inherits = base._inherits, _classCallCheck = base._classCallCheck,
        _possibleConstructorReturn = base._possibleConstructorReturn, Among = base.Among,
        SnowballStemmer = base.SnowballStemmer;

    /** A backward-search table in the runtime's (UTF-16) order, each entry's substring_i recomputed. */
    function amongs(rows) {
        var key = function (s) { return s.split("").reverse().join(""); };
        rows = rows.slice().sort(function (a, b) {
            var x = key(a[0]), y = key(b[0]);
            return x < y ? -1 : x > y ? 1 : 0;
        });
        return rows.map(function (r) {
            var sub = -1;
            rows.forEach(function (o, j) {
                if (o[0].length < r[0].length && r[0].slice(r[0].length - o[0].length) === o[0] &&
                    (sub < 0 || rows[sub][0].length < o[0].length)) sub = j;
            });
            return new Among(r[0], sub, r[1]);
        });
    }

    var ${name} = function (_SnowballStemmer) {
        _inherits(${name}, _SnowballStemmer);
        function ${name}() {
            _classCallCheck(this, ${name});
            return _possibleConstructorReturn(this, Object.getPrototypeOf(${name}).apply(this, arguments));
        }
        return ${name};
    }(SnowballStemmer);
    var p = ${name}.prototype;
    p.sliceFrom = function (s) { this.slice_from$esjava$1(s); return true; };
    p.sliceTo = function () { this.slice_check$esjava$0(); return this.current.toString().substring(this.bra, this.ket); };
    p.charCount = function () { return Array.from(this.current.toString()).length; };

${out.join("\n")}

    var stemmer = new ${name}();
    all[${JSON.stringify(lang)}] = function (word) {
        stemmer.setCurrent(word);
        stemmer.stem();
        return stemmer.getCurrent();
    };
})(typeof self !== "undefined" ? self : globalThis);
`;
writeFileSync(new URL(`../themes/default/static/stem/${lang}.js`, import.meta.url), body);

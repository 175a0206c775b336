// Search benchmark: helpsite's index next to Pagefind's default CLI
// output on the same built pages. Not a test: it prints a JSON report.
//
//   node bench/search/measure.mjs SITE_DIR QUERIES.json > result.json
//
// SITE_DIR holds a helpsite build with search/ and Pagefind's pagefind/.
// QUERIES.json: [[lang, query, expectedUrlPart or null], ...]; null means
// "should find nothing".
//
// For each query, in a fresh browser context (empty cache) on /<lang>/:
// - helpsite: focus the box, type the query, wait for the results the popup
//   shows (8, with excerpts); count every byte fetched after the page load
//   (search.js, manifest, shards, document chunks).
// - Pagefind: import /pagefind/pagefind.js, search, and load the data of the
//   first 8 results (what its UI shows); count every byte after page load.
//   This is Pagefind's API, its smallest path: the Default UI adds its own JS
//   and CSS on top.
// Bytes are counted as stored and as sent with gzip (level 6, what static
// hosts do for JSON/JS/CSS); Pagefind's .pf_* and wasm files are gzip
// already and count as stored.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch } from '../../tests/browser/lib/browser.mjs';

const [siteDir, queriesFile] = process.argv.slice(2);
if (!siteDir || !queriesFile) {
  console.error('usage: node bench/search/measure.mjs SITE_DIR QUERIES.json');
  process.exit(2);
}
const root = path.resolve(siteDir);
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.xml': 'application/xml',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.xml', '.txt', '.svg']);
const gzipCache = new Map();
function sizes(file) {
  if (!gzipCache.has(file)) {
    const bytes = fs.readFileSync(file);
    const ext = path.extname(file);
    const gz = COMPRESSIBLE.has(ext) ? zlib.gzipSync(bytes, { level: 6 }).length : bytes.length;
    gzipCache.set(file, { raw: bytes.length, gzip: gz });
  }
  return gzipCache.get(file);
}

let log = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) return res.writeHead(404).end();
  log.push({ path: url.pathname, ...sizes(file) });
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();

async function fresh(lang) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/${lang}/`, { waitUntil: 'networkidle' });
  log = [];
  return { context, page };
}

function total(entries) {
  return entries.reduce((a, e) => ({ raw: a.raw + e.raw, gzip: a.gzip + e.gzip, requests: a.requests + 1 }), { raw: 0, gzip: 0, requests: 0 });
}

async function ours(lang, query) {
  const { context, page } = await fresh(lang);
  await page.locator('#search-input').focus();
  await page.locator('#search-input').fill(query);
  const loading = await page.locator('form.search-form').getAttribute('data-loading');
  await page.waitForFunction((loading) => {
    const s = document.querySelector('.search-status');
    return s && s.textContent && s.textContent !== loading;
  }, loading, { timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const urls = await page.locator('.search-results [role=option]').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  const status = await page.locator('.search-status').textContent();
  // "1 558 tulosta", "۱٬۰۵۴ نتیجه": digits of any script, any group separator.
  const count = Number((status.match(/[\d٠-٩۰-۹০-৯][\d٠-٩۰-۹০-৯,٬.\s\u00a0\u202f]*/) || ['0'])[0].replace(/[^\d٠-٩۰-۹০-৯]/g, '')
    .replace(/[٠-٩]/g, (d) => d.charCodeAt(0) - 0x660).replace(/[۰-۹]/g, (d) => d.charCodeAt(0) - 0x6f0)
    .replace(/[০-৯]/g, (d) => d.charCodeAt(0) - 0x9e6));
  const bytes = total(log);
  const files = log.map((e) => e.path);
  await context.close();
  return { count: urls.length ? count : 0, urls, bytes, files };
}

async function pagefind(lang, query) {
  const { context, page } = await fresh(lang);
  const r = await page.evaluate(async (q) => {
    const pf = await import('/pagefind/pagefind.js');
    const s = await pf.search(q);
    const data = await Promise.all(s.results.slice(0, 8).map((x) => x.data()));
    return { count: s.results.length, urls: data.map((d) => (d.sub_results && d.sub_results[0] ? d.sub_results[0].url : d.url)) };
  }, query);
  await page.waitForLoadState('networkidle');
  const bytes = total(log);
  const files = log.map((e) => e.path);
  await context.close();
  return { ...r, bytes, files };
}

function indexBytes(lang) {
  const sum = (dir, filter) => {
    let raw = 0, gzip = 0, files = 0;
    if (!fs.existsSync(dir)) return { raw, gzip, files };
    for (const e of fs.readdirSync(dir, { recursive: true })) {
      const f = path.join(dir, e);
      if (!fs.statSync(f).isFile() || !filter(e)) continue;
      const s = sizes(f);
      raw += s.raw; gzip += s.gzip; files += 1;
    }
    return { raw, gzip, files };
  };
  // Pagefind writes language codes in lowercase (zh-hans); it falls back
  // to wasm.unknown.pagefind for languages it has no stemmer for.
  const pf = lang.toLowerCase();
  return {
    ours: sum(path.join(root, 'search', lang), () => true),
    // The language's stemmer (static/stem/<lang>.<hash>.js) and the runtime
    // it runs on (static/stem/base.<hash>.js), if the manifest names them.
    stemmer: sum(path.join(root, 'static', 'stem'), (e) => {
      const m = JSON.parse(fs.readFileSync(path.join(root, 'search', lang, 'index.json'), 'utf8'));
      return [m.stem, m.stem_base].some((u) => typeof u === 'string' && u.endsWith('/' + e));
    }),
    pagefind: sum(path.join(root, 'pagefind'), (e) => {
      const b = path.basename(e);
      return b.startsWith(`${pf}_`) || b.startsWith(`pagefind.${pf}_`) || b === `wasm.${pf}.pagefind`;
    }),
  };
}

const report = { site: root, languages: {}, queries: [] };
for (const lang of [...new Set(queries.map((q) => q[0]))]) report.languages[lang] = indexBytes(lang);
for (const [lang, query, expected] of queries) {
  const a = await ours(lang, query);
  const b = await pagefind(lang, query);
  const ok = (r) => (expected === null ? r.count === 0 : r.urls.some((u) => u.includes(expected)));
  report.queries.push({
    lang, query, expected,
    ours: { count: a.count, ok: ok(a), top: a.urls.slice(0, 3), bytes: a.bytes, files: a.files },
    pagefind: { count: b.count, ok: ok(b), top: b.urls.slice(0, 3), bytes: b.bytes, files: b.files },
  });
  console.error(`${lang} ${JSON.stringify(query)}: ours ${a.count} hits ${a.bytes.gzip} B gz (${a.bytes.raw} raw, ${a.bytes.requests} req) ${ok(a) ? 'ok' : 'WRONG'}; ` +
    `pagefind ${b.count} hits ${b.bytes.gzip} B gz (${b.bytes.raw} raw, ${b.bytes.requests} req) ${ok(b) ? 'ok' : 'WRONG'}`);
}
await browser.close();
server.close();
process.stdout.write(JSON.stringify(report, null, 1) + '\n');

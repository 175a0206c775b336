#!/usr/bin/env node
// Page report (not a test): Lighthouse scores and first-load page weight of
// the built help center, written to bench/pages/REPORT.md.
//
//   node bench/pages/report.mjs            build the repo's site and report
//   node bench/pages/report.mjs --check    also exit 1 unless accessibility,
//                                          best practices and SEO are all 100
//   HELPSITE_SITE_DIR=dir node ...         report on an already built site
//     (HELPSITE_SITE_COMMIT=<rev> says which commit it was built from)
//
// The repo's site has no sections (its pages sit at the top level), so the
// section page and an article inside a section come from the help-center
// fixture (tests/fixtures/helpcenter), built here with the same helpsite.
//
// Lighthouse (mobile defaults, simulated throttling) runs in Debian's Chromium
// (CHROME_PATH, default /usr/bin/chromium) against the test suite's static
// server, which sends the site's strict Content-Security-Policy. Page weight
// is the HTML plus every stylesheet and script the page references, as
// stored and gzip-compressed (node's zlib, level 9), on a first visit.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { staticServer } from '../../tests/browser/lib/server.mjs';
import { siteDir, buildFixture, REPO } from '../../tests/browser/lib/site.mjs';
import { CHROMIUM_ARGS } from '../../tests/browser/lib/browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
// [label, path under /<lang>/, site]: 'repo' is the repo's site, 'helpcenter' the fixture.
const KINDS = [
  ['home', '', 'repo'],
  ['section (helpcenter billing)', 'billing/', 'helpcenter'],
  ['article in a section (helpcenter card)', 'billing/payments/card/', 'helpcenter'],
  ['article (payment-safety)', 'payment-safety/', 'repo'],
  ['FAQ (billing)', 'billing/', 'repo'],
  ['policy (refund-policy)', 'refund-policy/', 'repo'],
  ['contact', 'contact/', 'repo'],
];
const LANGS = ['en', 'fa'];
const CHECKED = ['accessibility', 'best-practices', 'seo'];

const dirs = { repo: siteDir(), helpcenter: buildFixture('helpcenter') };

// --- page weight ------------------------------------------------------------
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;

function assetsOf(html) {
  const found = [];
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (/\brel=["']?stylesheet/i.test(tag)) {
      const href = tag.match(/\bhref=["']?([^"' >]+)/i)?.[1];
      const media = tag.match(/\bmedia=["']?([^"'>]+)/i)?.[1];
      if (href) found.push({ kind: 'css', url: href, media: media ?? 'all' });
    }
  }
  for (const m of html.matchAll(/<script\b[^>]*\bsrc=["']?([^"' >]+)[^>]*>/gi)) {
    found.push({ kind: 'js', url: m[1] });
  }
  return found;
}

function weigh(dir, urlPath) {
  const htmlFile = path.join(dir, urlPath, 'index.html');
  const html = fs.readFileSync(htmlFile);
  const row = { html: [html.length, gz(html)], css: [0, 0], js: [0, 0], files: [] };
  for (const a of assetsOf(html.toString('utf8'))) {
    if (/^[a-z]+:/i.test(a.url) || a.url.startsWith('//')) throw new Error(`${urlPath} loads ${a.url} from elsewhere`);
    const file = path.join(dir, new URL(a.url, 'http://x' + urlPath).pathname);
    const buf = fs.readFileSync(file);
    row[a.kind][0] += buf.length;
    row[a.kind][1] += gz(buf);
    row.files.push(path.basename(file) + (a.media && a.media !== 'all' ? ` (${a.media})` : ''));
  }
  row.total = [row.html[0] + row.css[0] + row.js[0], row.html[1] + row.css[1] + row.js[1]];
  return row;
}

// --- Lighthouse ---------------------------------------------------------------
async function audit(servers) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
  const results = {};
  try {
    for (const lang of LANGS) {
      for (const [kind, p, site] of KINDS) {
        const server = servers[site];
        const url = `${server.url}/${lang}/${p}`;
        process.stderr.write(`lighthouse ${url}\n`);
        const r = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: CATEGORIES,
        });
        const lhr = r.lhr;
        const failing = [];
        for (const cat of CATEGORIES) {
          for (const ref of lhr.categories[cat].auditRefs) {
            const a = lhr.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative') {
              const items = (a.details?.items ?? [])
                .map((i) => [i.source, i.description, i.url ?? i.sourceLocation?.url].filter(Boolean).join(' '))
                .filter(Boolean)
                .slice(0, 3);
              failing.push(
                `${cat}: ${a.id} (${a.displayValue ? a.displayValue + ', ' : ''}score ${Math.round(a.score * 100)})` +
                  (items.length ? ` — ${items.join(' | ').replace(/\|/g, '\\|').replaceAll(server.url, '')}` : ''),
              );
            }
          }
        }
        results[`${lang} ${kind}`] = {
          lang,
          kind,
          url: `/${lang}/${p}`,
          scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(lhr.categories[c].score * 100)])),
          fcp: lhr.audits['first-contentful-paint']?.displayValue,
          lcp: lhr.audits['largest-contentful-paint']?.displayValue,
          cls: lhr.audits['cumulative-layout-shift']?.displayValue,
          tbt: lhr.audits['total-blocking-time']?.displayValue,
          failing,
          runWarnings: lhr.runWarnings,
          lighthouse: lhr.lighthouseVersion,
          ua: lhr.environment?.hostUserAgent,
        };
      }
    }
  } finally {
    await chrome.kill();
  }
  return results;
}

// --- report -----------------------------------------------------------------
const kb = (n) => (n / 1024).toFixed(1);

function markdown(results, weights, meta) {
  const out = [];
  out.push('# Page report: Lighthouse and page weight', '');
  out.push(`Generated by \`node bench/pages/report.mjs\` on ${meta.date}.`, '');
  out.push(
    `- Lighthouse ${meta.lighthouse}, default (mobile) settings with simulated throttling, in ${meta.chromium}`,
    `- served by the test suite's static server on 127.0.0.1 with the site's strict Content-Security-Policy`,
    `- machine: ${os.cpus().length} cores, ${meta.node}; the site built from commit ${meta.commit}`,
    '',
  );
  out.push('## Lighthouse scores (0–100)', '');
  out.push('| page | lang | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of Object.values(results)) {
    const s = r.scores;
    out.push(
      `| ${r.kind} \`${r.url}\` | ${r.lang} | ${s.performance} | ${s.accessibility} | ${s['best-practices']} | ${s.seo} | ${r.fcp ?? ''} | ${r.lcp ?? ''} | ${r.tbt ?? ''} | ${r.cls ?? ''} |`,
    );
  }
  out.push('');
  const notes = Object.values(results).filter((r) => r.failing.length || r.runWarnings?.length);
  out.push('### Audits scoring below 90', '');
  if (!notes.length) out.push('None.');
  for (const r of notes) {
    out.push(`- \`${r.url}\`: ${[...r.failing, ...(r.runWarnings ?? []).map((w) => 'warning: ' + w)].join('; ')}`);
  }
  out.push('');
  out.push('## Page weight on first load (HTML + CSS + JS)', '');
  out.push('KiB as stored / gzip -9. CSS includes the print stylesheet (browsers fetch it at low priority).', '');
  out.push('| page | lang | HTML | CSS | JS | total | total gzip | files |');
  out.push('|---|---|---:|---:|---:|---:|---:|---|');
  for (const [key, w] of Object.entries(weights)) {
    const [lang, ...rest] = key.split(' ');
    out.push(
      `| ${rest.join(' ')} | ${lang} | ${kb(w.html[0])} / ${kb(w.html[1])} | ${kb(w.css[0])} / ${kb(w.css[1])} | ${kb(w.js[0])} / ${kb(w.js[1])} | ${kb(w.total[0])} | **${kb(w.total[1])}** | ${w.files.join(', ')} |`,
    );
  }
  out.push('');
  out.push(
    'The site loads no fonts, images or third-party resources: the text uses the system fonts, so a page is only what is listed here.',
    '',
  );
  return out.join('\n');
}

const servers = { repo: await staticServer(dirs.repo), helpcenter: await staticServer(dirs.helpcenter) };
try {
  const weights = {};
  for (const lang of LANGS) for (const [kind, p, site] of KINDS) weights[`${lang} ${kind}`] = weigh(dirs[site], `${lang}/${p}`);
  const results = await audit(servers);
  const first = Object.values(results)[0];
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'site.toml', 'content', 'themes', 'generator'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim();
    if (process.env.HELPSITE_SITE_COMMIT) commit = process.env.HELPSITE_SITE_COMMIT;
    else if (process.env.HELPSITE_SITE_DIR) commit += ' (or a build given in HELPSITE_SITE_DIR)';
    else if (dirty) commit += ' plus uncommitted changes';
  } catch {}
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    lighthouse: first.lighthouse,
    chromium: execFileSync(CHROME, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    node: `node ${process.version}`,
    commit,
  };
  const md = markdown(results, weights, meta);
  fs.writeFileSync(path.join(HERE, 'REPORT.md'), md + '\n');
  fs.writeFileSync(path.join(HERE, 'results.json'), JSON.stringify({ meta, results, weights }, null, 2) + '\n');
  process.stdout.write(md + '\n');
  if (process.argv.includes('--check')) {
    const low = Object.values(results).flatMap((r) =>
      CHECKED.filter((c) => r.scores[c] < 100).map((c) => `${r.url} (${r.kind}): ${c} ${r.scores[c]}`),
    );
    if (low.length) {
      process.stderr.write(`report: below 100:\n  ${low.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  }
} finally {
  await servers.repo.close();
  await servers.helpcenter.close();
}

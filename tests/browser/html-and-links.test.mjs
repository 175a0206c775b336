// Gates over the built files, no browser: the Nu HTML checker (vnu.jar) finds
// no error in any page or stylesheet, and lychee finds no broken link or
// fragment (#anchor) anywhere in the site, the absolute canonical and
// hreflang URLs included (they are mapped onto the built folder).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, siteDir, htmlFiles } from './lib/site.mjs';

const VNU = path.join(REPO, 'node_modules/vnu-jar/build/dist/vnu.jar');
const LYCHEE = process.env.LYCHEE || path.join(REPO, '.venv/bin/lychee');

let dir;
const temps = [];
before(() => {
  dir = siteDir();
});
after(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function vnu(files, extra = []) {
  // One JVM for every file; JSON goes to stderr.
  const r = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...extra, ...files], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  let report;
  try {
    report = JSON.parse(r.stderr || r.stdout);
  } catch {
    throw new Error(`vnu.jar gave no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
}

function formatVnu(messages) {
  return messages
    .map((m) => {
      const file = decodeURIComponent(String(m.url).replace(/^file:/, '')).replace(dir + '/', '');
      const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
      return `  ${file}:${m.lastLine ?? '?'}:${m.firstColumn ?? '?'}: ${m.message}${extract}`;
    })
    .join('\n');
}

test('Nu HTML checker: no errors in any built page', { timeout: 120_000 }, () => {
  const files = htmlFiles(dir).map((f) => path.join(dir, f));
  assert.ok(files.length >= 45, `only ${files.length} HTML files`);
  // A page with a known error rides along in the same JVM run, to show the
  // gate would see one.
  const canaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-vnu-'));
  temps.push(canaryDir);
  const canary = path.join(canaryDir, 'canary.html');
  fs.writeFileSync(canary, '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"></head>\n<body><p>no title</p></body>\n</html>\n');
  const all = vnu([...files, canary]);
  const isCanary = (m) => decodeURIComponent(String(m.url)).endsWith('/canary.html');
  assert.ok(all.some(isCanary), 'vnu.jar did not report the planted page without <title>: is the gate working?');
  const errors = all.filter((m) => !isCanary(m));
  assert.deepEqual(errors, [], `vnu.jar errors (${errors.length}):\n${formatVnu(errors)}`);
});

test('Nu HTML checker: no errors in the stylesheets', { timeout: 60_000 }, () => {
  const staticDir = path.join(dir, 'static');
  const css = fs.readdirSync(staticDir).filter((f) => f.endsWith('.css')).map((f) => path.join(staticDir, f));
  assert.ok(css.length > 0, 'no stylesheet in static/');
  const errors = vnu(css, ['--also-check-css']);
  assert.deepEqual(errors, [], `vnu.jar CSS errors (${errors.length}):\n${formatVnu(errors)}`);
});

function baseUrl(siteRoot) {
  const toml = fs.readFileSync(path.join(siteRoot, 'site.toml'), 'utf8');
  return toml.match(/^base_url\s*=\s*"([^"]+)"/m)?.[1]?.replace(/\/+$/, '');
}

function lychee(root) {
  const args = [
    '--offline',
    '--include-fragments',
    '--no-progress',
    '--index-files', 'index.html',
    '--root-dir', root,
    // The contact and feedback forms post to the handler, which is no file of the site.
    '--exclude', '/api/(contact|feedback)$',
    '--format', 'json',
  ];
  const base = baseUrl(REPO);
  if (base) {
    // canonical and hreflang links use the public address: check them on disk.
    const re = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    args.push('--remap', `^${re}/(.*)$ file://${root}/$1`);
  }
  args.push(`${root}/**/*.html`);
  const r = spawnSync(LYCHEE, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`lychee gave no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const broken = [];
  for (const [file, list] of Object.entries(report.error_map ?? {})) {
    for (const e of list) {
      broken.push({
        file: file.replace(root + '/', ''),
        line: e.span?.line,
        url: decodeURIComponent(e.url.replace(`file://${root}`, '')),
        why: e.status?.text,
      });
    }
  }
  return { report, broken, exit: r.status };
}

const formatLinks = (broken) => broken.map((b) => `  ${b.file}:${b.line}: ${b.url} — ${b.why}`).join('\n');

test('lychee: no broken links or anchors in the built site', { timeout: 120_000 }, () => {
  const { report, broken, exit } = lychee(dir);
  assert.ok(report.total > 100, `lychee saw only ${report.total} links`);
  assert.deepEqual(broken, [], `broken links (${broken.length}):\n${formatLinks(broken)}`);
  assert.equal(exit, 0);
});

test('lychee gate catches a planted broken page link and a broken Bengali #fragment', { timeout: 120_000 }, () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-lychee-'));
  temps.push(copy);
  fs.cpSync(dir, copy, { recursive: true });
  const page = path.join(copy, 'bn/index.html');
  const html = fs.readFileSync(page, 'utf8');
  const bnIds = [...fs.readFileSync(path.join(copy, 'bn/billing/index.html'), 'utf8').matchAll(/<details[^>]* id="([^"]+)"/g)].map(
    (m) => m[1],
  );
  assert.ok(bnIds.length > 0, 'no FAQ ids on /bn/billing/');
  const planted =
    `<p><a href="/bn/no-such-page/">x</a> <a href="/bn/billing/#${encodeURIComponent(bnIds[0])}">ok</a>` +
    ` <a href="/bn/billing/#${encodeURIComponent('নেই-এমন-প্রশ্ন')}">x</a></p>`;
  fs.writeFileSync(page, html.replace('</main>', planted + '</main>'));
  const { broken } = lychee(copy);
  const urls = broken.map((b) => b.url);
  assert.ok(urls.some((u) => u.includes('/bn/no-such-page')), `missing page not reported:\n${formatLinks(broken)}`);
  assert.ok(urls.some((u) => u.includes('নেই-এমন-প্রশ্ন')), `missing fragment not reported:\n${formatLinks(broken)}`);
  assert.ok(!urls.some((u) => u.endsWith('#' + bnIds[0])), `a real Bengali fragment was reported:\n${formatLinks(broken)}`);
  assert.equal(broken.length, 2, formatLinks(broken));
});

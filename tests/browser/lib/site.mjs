// The site under test: where the repo is, how to run helpsite, and the
// built site (built once by tests/browser/run.sh and passed in
// HELPSITE_SITE_DIR, or built here into a temp folder when a test file is
// run on its own).

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LANGS = ['en', 'fi', 'ru', 'bn', 'fa'];
export const RTL = new Set(['fa']);

/**
 * [command, args] that run helpsite with the given arguments: the binary in
 * HELPSITE_BIN when set (run.sh builds it once), else `cargo run`.
 */
export function helpsiteCommand(args) {
  const bin = process.env.HELPSITE_BIN;
  if (bin && fs.existsSync(bin)) return [bin, args];
  return ['cargo', ['run', '-q', '-p', 'generator', '--', ...args]];
}

function runHelpsite(args, opts = {}) {
  const [cmd, argv] = helpsiteCommand(args);
  return spawnSync(cmd, argv, { cwd: REPO, encoding: 'utf8', maxBuffer: 16 << 20, ...opts });
}

let hasServeCache;
/** Whether this helpsite has the `serve` subcommand (its --help lists it). */
export function helpsiteHasServe() {
  if (hasServeCache === undefined) {
    const r = runHelpsite(['--help']);
    hasServeCache = r.status === 0 && /^\s+serve\b/m.test(r.stdout);
  }
  return hasServeCache;
}

let builtDir;
/** The built site's folder: HELPSITE_SITE_DIR, or a fresh build of the repo. */
export function siteDir() {
  if (builtDir) return builtDir;
  const given = process.env.HELPSITE_SITE_DIR;
  if (given) {
    if (!fs.existsSync(path.join(given, 'index.html'))) {
      throw new Error(`HELPSITE_SITE_DIR=${given} holds no built site (no index.html)`);
    }
    builtDir = given;
    return builtDir;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-site-'));
  const r = runHelpsite(['build', '--root', REPO, '--out', out]);
  if (r.status !== 0) {
    throw new Error(`helpsite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  builtDir = out;
  return builtDir;
}

/** Every .html file of the site, as paths relative to its folder ('en/billing/index.html'). */
export function htmlFiles(dir = siteDir()) {
  const found = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.html')) found.push(r);
    }
  };
  walk('');
  return found.sort();
}

/** The URL path a browser uses for a built file: 'en/billing/index.html' → '/en/billing/'. */
export function urlPathOf(rel) {
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

/** Every page of the site as URL paths. */
export function pagePaths(dir = siteDir()) {
  return htmlFiles(dir).map(urlPathOf);
}

/** The language a URL path belongs to ('/fa/billing/' → 'fa'; '/' → null). */
export function langOf(urlPath) {
  const first = urlPath.split('/').filter(Boolean)[0];
  return LANGS.includes(first) ? first : null;
}

/**
 * Copies the repo's site root (site.toml, content/, themes/) into a new temp
 * folder, for `helpsite serve`, which writes .outbox/ (and its build) there.
 */
export async function copySiteRoot() {
  const dst = await fsp.mkdtemp(path.join(os.tmpdir(), 'helpsite-root-'));
  await fsp.copyFile(path.join(REPO, 'site.toml'), path.join(dst, 'site.toml'));
  for (const d of ['content', 'themes']) {
    if (fs.existsSync(path.join(REPO, d))) {
      await fsp.cp(path.join(REPO, d), path.join(dst, d), { recursive: true });
    }
  }
  return dst;
}

/** Whether a command exists on PATH. */
export function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Builds the fixture site tests/fixtures/<name> into a new temp folder (removed on exit). */
export function buildFixture(name) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `helpsite-${name}-`));
  const r = runHelpsite(['build', '--root', path.join(REPO, 'tests', 'fixtures', name), '--out', out]);
  if (r.status !== 0) {
    throw new Error(`helpsite build of ${name} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  return out;
}

// Servers for the browser tests.
//
// staticServer(dir): a tiny, bounded static file server for a built site on
//   127.0.0.1 with an ephemeral port. Directories answer with their
//   index.html, missing paths with the nearest 404.html (the language's own
//   one, else the site's) and status 404. Every HTML response carries the
//   strict Content-Security-Policy below, so a page that relies on inline
//   script or style, or loads anything from elsewhere, fails the tests.
//
// helpsiteServe(root): spawns `helpsite serve --root <root> --port <free port>`
//   (which builds the site, serves it and answers the contact form at
//   /api/contact), waits until it answers, and stops it by PID on close().
//
// Both return { url, close() }; tests call close() in after().

import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { helpsiteCommand } from './site.mjs';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function isFile(p) {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a URL path to a file inside root, or null; never escapes root. */
async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  if (await isFile(full)) return full;
  // A directory (with or without trailing slash) answers with its index.html.
  const index = path.join(full, 'index.html');
  if (decoded.endsWith('/') && (await isFile(index))) return index;
  return null;
}

async function notFoundPage(root, urlPath) {
  const first = urlPath.split('/').filter(Boolean)[0];
  if (first && /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(first)) {
    const own = path.join(root, first, '404.html');
    if (await isFile(own)) return own;
  }
  const site = path.join(root, '404.html');
  return (await isFile(site)) ? site : null;
}

/**
 * Starts the static server. Options: onRequest(req) is called for every
 * request (tests use it to see what the browser asked for); csp replaces
 * the policy above (a site whose form posts to another origin).
 */
export async function staticServer(dir, { onRequest, csp = CSP } = {}) {
  const root = path.resolve(dir);
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    onRequest?.(req);
    const send = (status, file, extra = {}) => {
      const type = contentType(file);
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra };
      if (type.startsWith('text/html')) {
        headers['Content-Security-Policy'] = csp;
        headers['X-Content-Type-Options'] = 'nosniff';
      }
      res.writeHead(status, headers);
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    };
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // A static host has no contact form handler behind it.
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('method not allowed\n');
      }
      const file = await resolveFile(root, url.pathname);
      if (file) return send(200, file);
      // A folder asked for without its slash: redirect like a static host does.
      const asDir = await resolveFile(root, url.pathname + '/');
      if (asDir && !url.pathname.endsWith('/')) {
        res.writeHead(301, { Location: url.pathname + '/' + url.search });
        return res.end();
      }
      const missing = await notFoundPage(root, url.pathname);
      if (missing) return send(404, missing);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(err));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    root,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `helpsite serve --root <root> --port <port>` and waits until it
 * answers GET / (it builds first). Throws with the process output if it
 * exits or does not answer within timeoutMs.
 */
export async function helpsiteServe(root, { timeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const [cmd, args] = helpsiteCommand(['serve', '--root', root, '--port', String(port)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`helpsite serve exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    try {
      const r = await fetch(url + '/', { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`helpsite serve did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return {
    url,
    port,
    pid: child.pid,
    output: () => output,
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) process.kill(child.pid, 'SIGKILL');
      }, 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

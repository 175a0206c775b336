// The handler configured for AWS, on loopback: moto's server mode standing
// in for S3 and SES v2, and `handler-local` (the handler's HTTP server with
// the `aws` feature) reading the same CONTACT_* environment the Lambda does.
//
// moto comes from <repo>/.venv (tests/setup/python.sh installs it);
// motoSkip() says why these tests cannot run without it.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { REPO } from './site.mjs';
import { freePort } from './server.mjs';

const PYTHON = path.join(REPO, '.venv', 'bin', 'python');
const MOTO = path.join(REPO, '.venv', 'bin', 'moto_server');

/**
 * false when moto is installed; else the reason to skip. Under CI the
 * setup installs it, so its absence there is a failure, not a skip.
 */
export function motoSkip() {
  if (fs.existsSync(MOTO) && fs.existsSync(PYTHON)) return false;
  const why = `moto is not installed (${MOTO} is missing; run tests/setup/python.sh)`;
  if (process.env.CI) throw new Error(why);
  return why;
}

/** The environment without the caller's AWS settings, plus moto's test credentials. */
function awsEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A child process whose output is kept (the last 20 kB) and that is stopped by PID. */
function child(cmd, args, env) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  proc.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  return {
    pid: proc.pid,
    output: () => output,
    exited: () => exited,
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => proc.once('exit', resolve));
      process.kill(proc.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) process.kill(proc.pid, 'SIGKILL');
      }, 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Polls url until it answers (any status below 500) or the process exits or time runs out. */
async function waitUntilUp(url, proc, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited()) throw new Error(`${what} exited (${JSON.stringify(proc.exited())}):\n${proc.output()}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await proc.close();
      throw new Error(`${what} did not answer on ${url} within ${timeoutMs} ms:\n${proc.output()}`);
    }
    await sleep(200);
  }
}

/** Runs a Python snippet in the venv (boto3 and the email package at hand); its stdout as JSON. */
function python(code, env) {
  const r = spawnSync(PYTHON, ['-c', code], { env: awsEnv(env), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout || 'null');
}

/**
 * Starts moto_server on a free loopback port. A browser's preflight to a
 * bucket is answered from the bucket's CORS rules (403 for an origin they do
 * not list); moto adds its own CORS headers only to the answers after it, as
 * it answers a presigned POST without the bucket's.
 */
export async function motoServer() {
  const port = await freePort();
  const proc = child(MOTO, ['-H', '127.0.0.1', '-p', String(port)], awsEnv());
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/moto-api/data.json`, proc, 'moto_server', 60_000);
  return {
    url,
    port,
    output: proc.output,
    close: proc.close,
    /**
     * The archive bucket with the deployment template's CORS rule (POST
     * from `origin`, any header), and the sender's domain verified in SES.
     */
    prepare(bucket, origin, domain) {
      python(
        `
import boto3, json, os
kw = dict(endpoint_url=os.environ["MOTO_URL"], region_name="us-east-1")
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket=os.environ["BUCKET"])
s3.put_bucket_cors(Bucket=os.environ["BUCKET"], CORSConfiguration={"CORSRules": [{
    "AllowedMethods": ["POST"], "AllowedOrigins": [os.environ["ORIGIN"]],
    "AllowedHeaders": ["*"], "MaxAgeSeconds": 600}]})
boto3.client("sesv2", **kw).create_email_identity(EmailIdentity=os.environ["DOMAIN"])
print(json.dumps(True))
`,
        { MOTO_URL: url, BUCKET: bucket, ORIGIN: origin, DOMAIN: domain },
      );
    },
    /** The status and allowed origin of a browser's preflight of a POST to `bucket` from `origin`. */
    async preflight(bucket, origin) {
      const { status, headers } = await new Promise((resolve, reject) => {
        const req = http.request(`${url}/${bucket}`, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
          timeout: 10_000,
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      });
      return { status, allowOrigin: headers['access-control-allow-origin'] };
    },
    /** Every message SES accepted: recipients, subject, and the decoded text and HTML parts. */
    sent() {
      return python(
        `
import email, email.policy, json, os, urllib.request
with urllib.request.urlopen(os.environ["MOTO_URL"] + "/moto-api/data.json", timeout=30) as r:
    raw = json.load(r).get("ses", {}).get("RawMessage", [])
out = []
for m in raw:
    msg = email.message_from_string(m["raw_data"], policy=email.policy.default)
    def part(kind):
        body = msg.get_body((kind,))
        return body.get_content() if body else ""
    out.append({"to": m["destinations"], "subject": str(msg["subject"]),
                "text": part("plain"), "html": part("html")})
print(json.dumps(out))
`,
        { MOTO_URL: url },
      );
    },
  };
}

/**
 * The `handler-local` binary: HANDLER_LOCAL_BIN when set (tests/browser/run.sh
 * builds it once), else built here with cargo.
 */
export function handlerLocalBin() {
  const given = process.env.HANDLER_LOCAL_BIN;
  if (given && fs.existsSync(given)) return given;
  const build = spawnSync('cargo', ['build', '-q', '--locked', '-p', 'handler', '--bin', 'handler-local'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (build.status !== 0) throw new Error(`building handler-local failed:\n${build.stderr}`);
  let target = process.env.CARGO_TARGET_DIR;
  if (!target) {
    const meta = spawnSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    target = JSON.parse(meta.stdout).target_directory;
  }
  return path.resolve(REPO, target, 'debug', 'handler-local');
}

/**
 * Starts `handler-local --port <port>` with `vars` (CONTACT_*) on top of
 * moto's credentials, and waits until it answers.
 */
export async function handlerLocal(port, vars) {
  const proc = child(handlerLocalBin(), ['--port', String(port)], awsEnv(vars));
  const url = `http://127.0.0.1:${port}`;
  // Any answer will do: an OPTIONS without an Origin is refused, but answered.
  await waitUntilUp(`${url}/contact`, proc, 'handler-local', 60_000);
  return { url, port, output: proc.output, close: proc.close };
}

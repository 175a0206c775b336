#!/usr/bin/env python3
"""Cold start: time from process spawn to the first answered request.

Two ways, each over many repetitions, with two binaries interleaved (so a
change in machine load hits both alike):

  local   spawn a server binary listening on 127.0.0.1:PORT and POST to it
          until it answers 2xx (connection refused → retry at once).
  lambda  spawn a Lambda binary against a local Lambda Runtime API emulator
          (this script: GET /2018-06-01/runtime/invocation/next hands out one
          API Gateway HTTP API event, POST .../response ends the clock). This is
          the real Lambda init path: runtime client, configuration, eager
          service construction (AWS SDK clients), first invocation.

Output: one JSON object on stdout (samples in ms, medians, ratio).
Standard library only. Traffic goes to 127.0.0.1 only.

  coldstart.py local  --runs 40 --a-cmd '...' --b-cmd '...' --a-port 18801 --b-port 18802 --path /contact --body ...
  coldstart.py lambda --runs 40 --a-cmd '...' --b-cmd '...' --body ...
"""

import argparse
import base64
import http.server
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time


def post_once(port, path, body, ctype):
    """One HTTP/1.1 POST; returns the status code, or None if refused."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except (ConnectionRefusedError, OSError):
        return None
    try:
        req = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: {ctype}\r\nAccept: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body
        s.sendall(req)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return None
            data += chunk
        return int(data.split(b" ", 2)[1])
    except OSError:
        return None
    finally:
        s.close()


def run_local(cmd, port, path, body, ctype, env, timeout=10.0):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            status = post_once(port, path, body, ctype)
            if status is not None:
                t = (time.perf_counter() - t0) * 1000
                if not 200 <= status < 300:
                    raise RuntimeError(f"{cmd[0]} answered {status}, expected 2xx")
                return t
            if p.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {p.returncode} before answering")
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{cmd[0]}: no answer within {timeout}s")
            time.sleep(0.0002)
    finally:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# --- Lambda Runtime API emulator ------------------------------------------


class Runtime:
    """Serves one invocation per spawned process and records when it ends."""

    def __init__(self, event):
        self.event = event
        self.done = threading.Event()
        self.response = None
        self.served = False
        self.lock = threading.Lock()


def make_handler(rt):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def _reply(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.endswith("/runtime/invocation/next"):
                with rt.lock:
                    first = not rt.served
                    rt.served = True
                if not first:
                    # Later polls: hold them until the process is killed.
                    rt.done.wait(10)
                    time.sleep(10)
                    return
                body = json.dumps(rt.event).encode()
                self._reply(
                    200,
                    body,
                    [
                        ("Content-Type", "application/json"),
                        ("Lambda-Runtime-Aws-Request-Id", "bench-0001"),
                        ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000)),
                        ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:000000000000:function:bench"),
                        ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000"),
                    ],
                )
            else:
                self._reply(404)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else b""
            self._reply(202, b"{}", [("Content-Type", "application/json")])
            if "/response" in self.path or "/error" in self.path:
                rt.response = (self.path, data)
                rt.t_end = time.perf_counter()
                rt.done.set()

    return H


def api_gateway_event(path, body, ctype):
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": ctype,
            "accept": "application/json",
            "host": "bench.lambda-url.eu-west-1.on.aws",
            "user-agent": "coldstart.py",
        },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "bench",
            "domainName": "bench.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "bench",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "coldstart.py",
            },
            "requestId": "bench-0001",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000,
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed runtime client resets its connection: expected


def run_lambda(cmd, event, env, timeout=10.0):
    # A fresh emulator (and port) per process: a poll still in flight from the
    # previous, killed process must not take this one's event.
    rt = Runtime(event)
    srv = QuietServer(("127.0.0.1", 0), make_handler(rt))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{srv.server_address[1]}")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not rt.done.wait(timeout):
            raise RuntimeError(f"{cmd[0]}: no Lambda response within {timeout}s (exit {p.poll()})")
        t = (rt.t_end - t0) * 1000
        path, data = rt.response
        if "/error" in path:
            raise RuntimeError(f"{cmd[0]} reported an invocation error: {data[:300]!r}")
        status = json.loads(data or b"{}").get("statusCode")
        if status is not None and not 200 <= int(status) < 300:
            raise RuntimeError(f"{cmd[0]} answered {status}, expected 2xx: {data[:300]!r}")
        return t
    finally:
        p.kill()
        p.wait()
        srv.shutdown()
        srv.server_close()


def summarize(samples):
    s = sorted(samples)
    return {
        "samples_ms": [round(x, 3) for x in samples],
        "median_ms": round(statistics.median(s), 3),
        "min_ms": round(s[0], 3),
        "p90_ms": round(s[min(len(s) - 1, int(len(s) * 0.9))], 3),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["local", "lambda"])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--a-cmd", required=True, help="the project's binary (command line)")
    ap.add_argument("--b-cmd", required=True, help="the hello-world baseline (command line)")
    ap.add_argument("--a-port", type=int, default=0)
    ap.add_argument("--b-port", type=int, default=0)
    ap.add_argument("--a-env", action="append", default=[], help="KEY=VALUE for a only")
    ap.add_argument("--b-env", action="append", default=[], help="KEY=VALUE for b only")
    ap.add_argument("--path", default="/contact")
    ap.add_argument("--body", default="name=Cold&email=cold%40example.com&topic=billing&message=Hi&website=http%3A%2F%2Fspam")
    ap.add_argument("--ctype", default="application/x-www-form-urlencoded")
    a = ap.parse_args()

    base_env = dict(os.environ)
    a_env = dict(base_env, **dict(kv.split("=", 1) for kv in a.a_env))
    cmds = {"a": shlex.split(a.a_cmd), "b": shlex.split(a.b_cmd)}
    b_env = dict(base_env, **dict(kv.split("=", 1) for kv in a.b_env))
    envs = {"a": a_env, "b": b_env}
    samples = {"a": [], "b": []}
    body = a.body.encode()

    if a.mode == "local":
        ports = {"a": a.a_port, "b": a.b_port}
        for i in range(a.runs + 1):
            for k in ("a", "b") if i % 2 == 0 else ("b", "a"):
                t = run_local(cmds[k], ports[k], a.path, body, a.ctype, envs[k])
                if i > 0:  # the first round warms the page cache
                    samples[k].append(t)
    else:
        event = api_gateway_event(a.path, body, a.ctype)
        lambda_env = {
            "AWS_LAMBDA_FUNCTION_NAME": "bench",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
            "AWS_LAMBDA_LOG_GROUP_NAME": "bench",
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "AKIDBENCHMARK",
            "AWS_SECRET_ACCESS_KEY": "benchmark-secret",
            "AWS_SESSION_TOKEN": "benchmark-token",
            # Never reach for an instance metadata endpoint.
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        envs = {k: dict(v, **lambda_env) for k, v in envs.items()}
        for i in range(a.runs + 1):
            for k in ("a", "b") if i % 2 == 0 else ("b", "a"):
                t = run_lambda(cmds[k], event, envs[k])
                if i > 0:
                    samples[k].append(t)

    out = {"mode": a.mode, "runs": a.runs, "a": summarize(samples["a"]), "b": summarize(samples["b"])}
    out["ratio_median"] = round(out["a"]["median_ms"] / out["b"]["median_ms"], 3)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()

"""Posts exactly N votes, each from its own page view, over keep-alive
connections from a few threads, then counts what the archive holds.

    python3 bench/insights/post_votes.py PORT ARCHIVE_DIR [N]

Prints `posted=N ok=… stored=… lost=…`; every vote must be answered 200 and
stored once (repeated posts of the same view are tried too: they must not add).
"""
import http.client
import os
import sys
import threading


def worker(port, ids, results):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ok = 0
    for i in ids:
        body = f"lang=bn&page=%2Fbn%2Fbilling%2F&vote={'no' if i % 3 == 0 else 'yes'}&view=count{i:010d}"
        for _ in range(2 if i % 10 == 0 else 1):  # every 10th vote posted twice
            conn.request("POST", "/api/feedback", body,
                         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
            r = conn.getresponse()
            r.read()
        ok += r.status == 200
    results.append(ok)


def main():
    port, archive = int(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    threads, results = [], []
    for t in range(8):
        th = threading.Thread(target=worker, args=(port, range(t, n, 8), results))
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    stored = 0
    for root, _, files in os.walk(os.path.join(archive, "feedback")):
        # A vote is an empty `.e` file named for it (older handlers: a `.json` file).
        stored += sum(1 for f in files if f.startswith("count") and f.endswith((".e", ".json")))
    print(f"posted={n} ok={sum(results)} stored={stored} lost={n - stored}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""HTML bytes per page of built benchmark sites, by page kind.

    python3 bench/navsize.py before=/dev/shm/out-a after=/dev/shm/out-b

Each argument is LABEL=DIR, a `helpsite build` output of a corpus written
by bench/corpus.py. Prints a Markdown table: for home, section and article
pages, how many, and the mean and largest HTML size (bytes as stored, and
gzip -9 of the mean page). Shows how the sidebar's size follows the shape
of the site: a page outside a section's listing should not grow with the
number of articles in that section. Python standard library only.
"""

import gzip
import os
import sys


def kind_of(rel):
    parts = rel.split(os.sep)
    if len(parts) == 2:
        return "home"
    if len(parts) == 3 and parts[1].startswith("section-"):
        return "section"
    if len(parts) == 4:
        return "article"
    return None


def measure(root):
    sizes = {"home": [], "section": [], "article": []}
    for dirpath, _, files in os.walk(root):
        if "index.html" not in files:
            continue
        path = os.path.join(dirpath, "index.html")
        kind = kind_of(os.path.relpath(path, root))
        if kind:
            with open(path, "rb") as f:
                sizes[kind].append(f.read())
    return sizes


def main(args):
    if not args or any("=" not in a for a in args):
        sys.exit(__doc__)
    print("| site | kind | pages | mean bytes | max bytes | mean gzip |")
    print("|---|---|---:|---:|---:|---:|")
    for arg in args:
        label, root = arg.split("=", 1)
        if not os.path.isdir(root):
            sys.exit(f"navsize: {root} is not a folder")
        for kind, pages in measure(root).items():
            if not pages:
                continue
            mean = sum(map(len, pages)) // len(pages)
            gz = sum(len(gzip.compress(p, 9)) for p in pages) // len(pages)
            big = max(map(len, pages))
            print(f"| {label} | {kind} | {len(pages)} | {mean:,} | {big:,} | {gz:,} |")


if __name__ == "__main__":
    main(sys.argv[1:])

"""A synthetic archive of "Was this helpful?" votes for `helpsite insights`.

    python3 bench/insights/make_archive.py DIR --votes 1000000 [--layout names|files|jsonl]

Writes what the handler writes (handler/src/core/event.rs): an empty file per vote
and per query whose name holds the event, a small JSON file per reason (`names`,
the current layout); one small JSON file per event under feedback/<day>/ and
insights/<day>/ (`files`, the older layout), or one `<day>.jsonl` per day and kind
(`jsonl`, the compact form `helpsite insights` also reads).
Every 4th vote is a No, every 3rd No carries a reason; one zero-hit query per
10 votes. Deterministic (seeded) so runs compare.
"""
import argparse
import json
import os
import random

LANGS = ["en", "fi", "ru", "bn", "fa"]
REASONS = ["unclear", "incomplete", "outdated", "not_my_question", "other"]
DAY_MS = 86_400_000
START = 1_764_547_200_000  # 2025-12-01


def events(n, rng):
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        t = START + rng.randrange(30 * DAY_MS)
        view = f"{i:012x}{rng.getrandbits(32):08x}"
        page = f"/{lang}/article-{rng.randrange(500)}/"
        q = f"question-{rng.randrange(8)}" if i % 3 == 0 else ""
        no = i % 4 == 0
        yield "feedback", t, f"{view}-{q}-v", {"t": t, "k": "vote", "l": lang, "v": view, "p": page, "q": q,
                                              "y": "no" if no else "yes"}
        if no and i % 3 == 0:
            yield "feedback", t + 5000, f"{view}-{q}-r", {"t": t + 5000, "k": "reason", "l": lang, "v": view, "p": page,
                                                         "q": q, "r": rng.choice(REASONS),
                                                         "x": "the steps did not match what I see"}
        if i % 10 == 0:
            query = f"missing thing {rng.randrange(300)}"
            yield "insights", t, f"{view}-z", {"t": t, "k": "zero_hits", "l": lang, "x": query, "v": view}


def esc(s):
    return "".join("".join(f"%{b:02X}" for b in c.encode()) if c in "%/~" or ord(c) < 32 or ord(c) == 127 else c
                   for c in s)


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def fact_name(ev):
    """The name the handler gives an event (Event::fact_name), or None for a reason."""
    if ev["k"] == "vote":
        qh = fnv1a(ev["q"].encode()) & 0xFFFFFFFF
        return f"{ev['v']}-{qh:08x}-v~" + "~".join(esc(ev[f]) for f in "ylpq") + ".e"
    if ev["k"] == "zero_hits":
        return f"{ev.get('v', 'view')}-z{fnv1a(ev['x'].encode()):016x}~{esc(ev['l'])}~{esc(ev['x'])}.e"
    return None


def day(t):
    import datetime
    return datetime.datetime.fromtimestamp(t / 1000, datetime.timezone.utc).strftime("%Y-%m-%d")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--votes", type=int, default=1_000_000)
    ap.add_argument("--layout", choices=["names", "files", "jsonl"], default="names")
    a = ap.parse_args()
    rng = random.Random(7)
    days = {}
    open_files = {}
    for folder, t, name, ev in events(a.votes, rng):
        d = days.get(t // DAY_MS) or days.setdefault(t // DAY_MS, day(t))
        stored = {k: v for k, v in ev.items() if not (k == "v" and folder == "insights")}
        line = json.dumps(stored, separators=(",", ":")) + "\n"
        named = fact_name(ev) if a.layout == "names" else None
        if a.layout in ("files", "names"):
            path = os.path.join(a.dir, folder, d)
            if (folder, d) not in open_files:
                os.makedirs(path, exist_ok=True)
                open_files[(folder, d)] = True
            if named:
                open(os.path.join(path, named), "w").close()
                continue
            with open(os.path.join(path, name + ".json"), "w") as f:
                f.write(line)
        else:
            key = (folder, d)
            if key not in open_files:
                os.makedirs(os.path.join(a.dir, folder), exist_ok=True)
                open_files[key] = open(os.path.join(a.dir, folder, d + ".jsonl"), "w")
            open_files[key].write(line)
    if a.layout == "jsonl":
        for f in open_files.values():
            f.close()


if __name__ == "__main__":
    main()

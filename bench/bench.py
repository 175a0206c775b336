#!/usr/bin/env python3
"""The benchmarks behind BENCHMARKS.md; `bash bench/run.sh` builds what is needed and
calls this. Each stage appends to a results JSON (so a late failure keeps the
earlier figures), and the report BENCHMARKS.md is rendered from it:

    bench.py run --results R.json --work DIR --helpsite BIN [...]
    bench.py report --results R.json --out BENCHMARKS.md

Timings are measurements for the report, never assertions.
Standard library only (plus the tools run.sh installs).
"""

import argparse
import datetime
import glob
import json
import os
import platform
import queue
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LANGS = 5


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    """Run, return stdout (text); raise with stderr on failure."""
    r = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd!r} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}")
    return r.stdout


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def mem_available_kb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def wait_quiet(max_wait, threshold):
    """Timings on a shared 2-core machine are only meaningful when it is idle:
    wait (up to max_wait s) for the 1-minute load average to fall below
    threshold. Returns the load average when the stage starts."""
    t0 = time.time()
    la = loadavg()
    announced = False
    while la > threshold and time.time() - t0 < max_wait:
        if not announced:
            log(f"load average {la:.2f} > {threshold}: waiting up to {max_wait}s for a quieter machine")
            announced = True
        time.sleep(10)
        la = loadavg()
    return la


class Results:
    def __init__(self, path):
        self.path = path
        self.data = {}
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)

    def set(self, key, value):
        self.data[key] = value
        self.save()

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1, ensure_ascii=False)
        os.replace(tmp, self.path)


# --- machine ----------------------------------------------------------------


def machine(args):
    cpu = "?"
    try:
        for line in sh("lscpu").splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except Exception:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    os_name = platform.platform()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass

    def version(cmd):
        try:
            return sh(cmd).strip().splitlines()[0]
        except Exception as e:  # noqa: BLE001
            return f"unavailable ({str(e).splitlines()[0][:80]})"

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "rustc": version("rustc -V"),
        "hugo": version("hugo version"),
        "zola": (version(f"{shlex.quote(args.zola)} --version") + " (built locally from source)") if getattr(args, "zola", None)
                else "not measured: " + ZOLA_SKIPPED,
        "hyperfine": version("hyperfine --version"),
        "wrk": version("wrk -v 2>&1 | head -1 || true"),
        "valgrind": version("valgrind --version"),
        "source": args.source_desc,
        "tmpfs": args.shm,
        "load_at_start": loadavg(),
    }


# --- generator --------------------------------------------------------------


def tree_stats(d):
    files = size = pages = 0
    for root, _, names in os.walk(d):
        for n in names:
            files += 1
            size += os.path.getsize(os.path.join(root, n))
            if n == "index.html":
                pages += 1
    return {"files": files, "bytes": size, "index_html": pages}


def hyperfine(cmds, runs, warmup, prepare, export, env=None):
    """cmds: [(name, command)]; prepare: command run before each timing."""
    argv = ["hyperfine", "--style", "none", "--warmup", str(warmup), "--runs", str(runs), "--export-json", export]
    for name, cmd in cmds:
        argv += ["--command-name", name]
        if prepare:
            argv += ["--prepare", prepare]
    argv += [c for _, c in cmds]
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"hyperfine failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    with open(export) as f:
        data = json.load(f)
    out = {}
    for res in data["results"]:
        out[res["command"]] = {
            "median_s": res["median"],
            "mean_s": res["mean"],
            "stddev_s": res.get("stddev"),
            "min_s": res["min"],
            "max_s": res["max"],
            "user_s": res["user"],
            "system_s": res["system"],
            "runs": len(res["times"]),
            "times_s": res["times"],
        }
    return out


def timed(cmd, env=None, timeout=None):
    """One run under /usr/bin/time: wall, user, sys, peak RSS."""
    fmt = "BENCHTIME %e %U %S %M"
    r = subprocess.run(
        ["/usr/bin/time", "-f", fmt] + cmd, capture_output=True, text=True, env=env, timeout=timeout
    )
    if r.returncode != 0:
        raise RuntimeError(f"{cmd!r} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    line = [l for l in r.stderr.splitlines() if l.startswith("BENCHTIME")][-1]
    _, wall, user, sys_, rss = line.split()
    return {
        "wall_s": float(wall),
        "user_s": float(user),
        "system_s": float(sys_),
        "peak_rss_mb": round(int(rss) / 1024, 1),
        "stdout": r.stdout[-4000:],
        "stderr": r.stderr[-500:],
    }


def fit_exponent(points):
    """Least-squares b in y = a * x^b over (x, y) points (log-log)."""
    import math

    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    num = sum((p[0] - mx) * (p[1] - my) for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return round(num / den, 2) if den else None


def project(done, n, key):
    """Projects a figure to size n from the measured sizes (power law fitted
    over the last two; at least linear)."""
    pts = sorted((int(k), v[key]) for k, v in done.items() if v.get(key))
    if not pts:
        return None
    if len(pts) == 1:
        b = 2.0  # unknown: assume the worst case we have seen (quadratic)
    else:
        b = max(1.0, fit_exponent(pts[-2:]) or 1.0)
    x0, y0 = pts[-1]
    return y0 * (n / x0) ** b


def generator_stage(args, res):
    shm = args.shm
    env = dict(os.environ)
    gen = res.data.setdefault("generator", {})
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        key = str(n)
        log(f"generator: corpus of {n} articles x {LANGS} languages")
        cdir = os.path.join(args.work, f"corpus-{n}")
        corpus_out = sh([sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(n), "--out", cdir]
                        + (["--zola"] if args.zola else [])).strip()
        site, hugo, zola = os.path.join(cdir, "site"), os.path.join(cdir, "hugo"), os.path.join(cdir, "zola")
        out_hs = os.path.join(shm, "out-helpsite")
        out_hugo = os.path.join(shm, "out-hugo")
        out_zola = os.path.join(shm, "out-zola")
        hugo_cache = os.path.join(shm, "hugo-cache")
        entry = {"articles_per_language": n, "corpus": corpus_out}

        # Guard: the projected memory, output size and time of this size.
        mem_kb = mem_available_kb()
        prj_rss = project(gen, n, "helpsite_peak_rss_mb")
        prj_out = project(gen, n, "helpsite_output_mb")
        prj_cpu = project(gen, n, "helpsite_cpu_s")
        out_parent = shm
        skip = None
        if prj_rss is not None:
            entry["projection"] = {
                "peak_rss_mb": round(prj_rss),
                "output_mb": round(prj_out or 0),
                "cpu_s": round(prj_cpu or 0, 1),
                "mem_available_mb": mem_kb // 1024,
            }
            # A shared machine: never take more than 40% of what is free.
            budget = mem_kb / 1024 * args.mem_share
            if prj_rss > budget or (prj_cpu or 0) > args.max_cpu_s:
                skip = (
                    f"helpsite not run at this size: projected from the smaller sizes to "
                    f"{prj_rss / 1024:.1f} GB peak memory, {(prj_out or 0) / 1024:.1f} GB of output and "
                    f"{prj_cpu:.0f} CPU-seconds per build (limits of this run: {budget / 1024:.1f} GB, "
                    f"{args.max_cpu_s} CPU-s)"
                )
                entry["skipped"] = skip
                log("generator:", skip)
            elif prj_rss + (prj_out or 0) > budget:
                # The output would not fit in memory beside the build: write it to disk.
                out_parent = os.path.join(args.work, "disk-out")
                os.makedirs(out_parent, exist_ok=True)
                entry["output_on"] = f"disk ({out_parent}): the projected output ({prj_out / 1024:.1f} GB) would not fit in tmpfs beside the build"
                out_hs = os.path.join(out_parent, "out-helpsite")
        hs_cmd = [args.helpsite, "build", "--root", site, "--out", out_hs]
        gen[key] = entry

        if not skip:
            # One run for the page count, output size, peak memory and CPU.
            shutil.rmtree(out_hs, ignore_errors=True)
            entry["load_before"] = wait_quiet(args.quiet_wait, args.quiet_load)
            log(f"generator: helpsite build at {n}")
            t = timed(hs_cmd + ["--timings"], timeout=args.max_cpu_s * 4)
            m = re.search(r"built (\d+) pages", t["stdout"] + t["stderr"])
            entry["helpsite_pages"] = int(m.group(1)) if m else None
            entry["phases"] = [[ph, float(ms)] for ms, ph in re.findall(r"^\s*([\d.]+) ms  (.+)$", t["stdout"], re.M)]
            if n == args.incremental_size and entry["phases"]:
                res.set("timings", {"pages": entry["helpsite_pages"], "phases": entry["phases"]})
            st = tree_stats(out_hs)
            entry["helpsite_output"] = st
            entry["helpsite_output_mb"] = round(st["bytes"] / 1e6, 1)
            entry["helpsite_peak_rss_mb"] = t["peak_rss_mb"]
            entry["helpsite_cpu_s"] = round(t["user_s"] + t["system_s"], 2)
            entry["helpsite_single"] = {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")}
            entry["search_index"] = sorted(
                os.path.relpath(p, out_hs) for p in glob.glob(os.path.join(out_hs, "**", "*search*"), recursive=True)
            )[:10]
            res.save()

        # Hugo: one run each for memory and output size.
        log(f"generator: hugo build at {n}")
        hugo_cmd = ["hugo", "--quiet", "-s", hugo, "-d", out_hugo, "--cacheDir", hugo_cache]
        shutil.rmtree(out_hugo, ignore_errors=True)
        t = timed(hugo_cmd)
        entry["hugo_peak_rss_mb"] = t["peak_rss_mb"]
        entry["hugo_single"] = {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")}
        entry["hugo_output"] = tree_stats(out_hugo)
        with_nav = n <= args.hugo_nav_max
        if with_nav:
            log(f"generator: hugo build with the full site nav at {n}")
            shutil.rmtree(out_hugo, ignore_errors=True)
            t = timed(hugo_cmd, env=dict(env, HUGO_BENCH_NAV="full"))
            entry["hugo_nav_peak_rss_mb"] = t["peak_rss_mb"]
            entry["hugo_nav_single"] = {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")}
            entry["hugo_nav_output"] = tree_stats(out_hugo)
        zola_cmd = None
        if args.zola:
            log(f"generator: zola build at {n}")
            zola_cmd = [args.zola, "--root", zola, "build", "--output-dir", out_zola, "--force"]
            shutil.rmtree(out_zola, ignore_errors=True)
            t = timed(zola_cmd)
            entry["zola_single"] = {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")}
            entry["zola_output"] = tree_stats(out_zola)
        res.save()

        # Timings: clean output before each run, for every tool alike.
        big = entry.get("helpsite_cpu_s", 0) > 20
        runs = 1 if big else args.runs
        warmup = 0 if big else 1
        q = lambda p: shlex.quote(p)
        cmds = [("hugo", " ".join(q(c) for c in hugo_cmd))]
        if zola_cmd:
            cmds.append(("zola", " ".join(q(c) for c in zola_cmd)))
        if not skip:
            cmds.insert(0, ("helpsite", " ".join(q(c) for c in hs_cmd)))
        entry["load_before_timing"] = wait_quiet(args.quiet_wait, args.quiet_load)
        log(f"generator: timing helpsite and hugo at {n} ({runs} runs)")
        tm = hyperfine(
            cmds,
            runs,
            warmup,
            f"rm -rf {q(out_hs)} {q(out_hugo)} {q(out_zola)}",
            os.path.join(args.work, f"hyperfine-{n}.json"),
        )
        if with_nav:
            nav_single = entry["hugo_nav_single"]["user_s"] + entry["hugo_nav_single"]["system_s"]
            nav_runs = 1 if nav_single > 40 else max(1, min(args.runs, 3))
            log(f"generator: timing hugo with the full site nav at {n} ({nav_runs} runs)")
            tm.update(
                hyperfine(
                    [("hugo-nav", " ".join(q(c) for c in hugo_cmd))],
                    nav_runs,
                    0,
                    f"rm -rf {q(out_hugo)}",
                    os.path.join(args.work, f"hyperfine-{n}-nav.json"),
                    env=dict(env, HUGO_BENCH_NAV="full"),
                )
            )
        entry["timing"] = tm
        entry["load_after"] = loadavg()
        res.save()
        shutil.rmtree(out_hugo, ignore_errors=True)
        shutil.rmtree(out_zola, ignore_errors=True)
        if out_parent != shm:
            shutil.rmtree(out_hs, ignore_errors=True)

    # Incremental: `helpsite serve` over the corpus, one article edited at a time.
    n_inc = args.incremental_size
    if n_inc and str(n_inc) in gen and "timing" in gen[str(n_inc)]:
        log(f"generator: one-page edits under helpsite serve at {n_inc}")
        wait_quiet(args.quiet_wait, args.quiet_load)
        res.set("incremental", incremental_serve(args, os.path.join(args.work, f"corpus-{n_inc}", "site"), n_inc,
                                                  gen[str(n_inc)].get("helpsite_pages")))
    shutil.rmtree(os.path.join(shm, "out-helpsite"), ignore_errors=True)


def page_bytes(out):
    """HTML bytes per page of a helpsite output, by kind of page."""
    kinds = {
        "article": glob.glob(os.path.join(out, "*", "section-*", "article-*", "index.html")),
        "section": glob.glob(os.path.join(out, "*", "section-*", "index.html")),
        "home": glob.glob(os.path.join(out, "*", "index.html")),
    }
    stats = {}
    for kind, files in kinds.items():
        sizes = [os.path.getsize(f) for f in files]
        if sizes:
            stats[kind] = {"pages": len(sizes), "mean": round(statistics.mean(sizes)),
                           "median": round(statistics.median(sizes)), "max": max(sizes)}
    return stats


def sections_stage(args, res):
    """The same N articles per language in sections of 50 and in one section
    of N: build time, memory and HTML bytes per page side by side."""
    n = args.big_section
    if not n:
        return
    variants = {}
    res.set("sections", {"articles_per_language": n, "variants": variants})
    for size in (50, n):
        log(f"sections: {n} articles x {LANGS} languages in sections of {size}")
        cdir = os.path.join(args.work, f"corpus-{n}-sections-{size}")
        sh([sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(n), "--out", cdir, "--no-hugo",
            "--section-size", str(size)])
        out_hs = os.path.join(args.shm, "out-sections")
        hs_cmd = [args.helpsite, "build", "--root", os.path.join(cdir, "site"), "--out", out_hs]
        shutil.rmtree(out_hs, ignore_errors=True)
        v = {"section_size": size, "load_before": wait_quiet(args.quiet_wait, args.quiet_load)}
        t = timed(hs_cmd)
        m = re.search(r"built (\d+) pages", t["stdout"] + t["stderr"])
        v["pages"] = int(m.group(1)) if m else None
        v["single"] = {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")}
        v["output"] = tree_stats(out_hs)
        v["page_bytes"] = page_bytes(out_hs)
        q = shlex.quote
        v["timing"] = hyperfine([("helpsite", " ".join(q(c) for c in hs_cmd))], args.runs, 1, f"rm -rf {q(out_hs)}",
                                os.path.join(args.work, f"hyperfine-sections-{size}.json"))
        variants[str(size)] = v
        res.save()
        shutil.rmtree(out_hs, ignore_errors=True)
        shutil.rmtree(cdir, ignore_errors=True)


def incremental_serve(args, site, n, pages):
    """Edits one English article `runs` times under `helpsite serve` and takes,
    per edit: serve's own figure (change seen -> files written, its "rebuilt 1
    page(s) in X ms" line), the end-to-end time (file saved -> the new text
    served over HTTP, including the watcher's debounce), and the search-index
    refresh that follows."""
    import urllib.request

    page = os.path.join(site, "content", "en", "section-001", "article-00001.md")
    url_path = "/en/section-001/article-00001/"
    with open(page, encoding="utf-8") as f:
        # Without the line an interrupted earlier run may have left.
        original = re.sub(r"\n\nEdited: bench-edit-[\d-]+\.\n$", "", f.read())
    port = free_port()
    proc = subprocess.Popen([args.helpsite, "serve", "--root", site, "--port", str(port), "--exit-after", "900"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    q = queue.Queue()
    threading.Thread(target=lambda: [q.put(l) for l in proc.stdout] + [q.put(None)], daemon=True).start()

    def read_until(pattern, timeout):
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = q.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            if line is None:
                raise RuntimeError("helpsite serve stopped: " + "".join(lines[-20:]))
            lines.append(line)
            m = re.search(pattern, line)
            if m:
                return m
        raise RuntimeError(f"no line matching {pattern!r} within {timeout} s; last lines: " + "".join(lines[-10:]))

    runs = []
    try:
        read_until(r"^listening on", 300)
        read_until(r"^watching", 30)
        for i in range(max(args.runs, 5) * 2):
            marker = f"bench-edit-{i}-{time.time_ns()}"
            t0 = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(original + f"\n\nEdited: {marker}.\n")
            served = None
            while time.perf_counter() - t0 < 30:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{url_path}", timeout=5) as r:
                        if marker in r.read().decode("utf-8"):
                            served = (time.perf_counter() - t0) * 1000
                            break
                except OSError:
                    pass
                time.sleep(0.002)
            m = read_until(r"^rebuilt (\d+) page\(s\) in ([\d.]+) ms", 30)
            s = read_until(r"^search index of \d+ language\(s\) updated in ([\d.]+) ms", 60)
            runs.append({"pages": int(m.group(1)), "rebuild_ms": float(m.group(2)), "served_ms": served,
                         "search_ms": float(s.group(1))})
            time.sleep(0.3)
    finally:
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        stop(proc)
    med = lambda k: statistics.median([r[k] for r in runs if r[k] is not None])
    return {"articles_per_language": n, "pages": pages, "runs": len(runs), "detail": runs,
            "rebuild_ms_median": med("rebuild_ms"), "rebuild_ms_max": max(r["rebuild_ms"] for r in runs),
            "served_ms_median": med("served_ms"), "search_ms_median": med("search_ms")}


# --- what if: the default theme without its site nav ------------------------


def make_no_nav_site(cdir, theme_src):
    """corpus/site-no-nav: the same content and site.toml, and a copy of the
    default theme without the site-nav block in base.html. None if the theme
    has no such block."""
    alt = os.path.join(cdir, "site-no-nav")
    shutil.rmtree(alt, ignore_errors=True)
    os.makedirs(os.path.join(alt, "themes"))
    os.symlink(os.path.join(cdir, "site", "content"), os.path.join(alt, "content"))
    shutil.copy(os.path.join(cdir, "site", "site.toml"), alt)
    theme = os.path.join(alt, "themes", "default")
    shutil.copytree(theme_src, theme)
    base = os.path.join(theme, "templates", "base.html")
    with open(base, encoding="utf-8") as f:
        html = f.read()
    html2 = re.sub(r'<nav class="site-nav".*?</nav>\n?', "", html, flags=re.S)
    if html2 == html:
        return None
    with open(base, "w", encoding="utf-8") as f:
        f.write(html2)
    return alt


def whatif_stage(args, res):
    """The same build with a copy of the default theme whose base.html has no
    site-nav loop (the generator still computes the nav): how much of the
    build is that one template loop and its output."""
    if not args.theme_src or not os.path.isdir(args.theme_src):
        log("whatif: no --theme-src, skipped")
        return
    out = res.data.setdefault("whatif_no_nav", {})
    for n in [int(x) for x in args.whatif_sizes.split(",") if x]:
        cdir = os.path.join(args.work, f"corpus-{n}")
        if not os.path.exists(os.path.join(cdir, "site")):
            sh([sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(n), "--out", cdir, "--no-hugo"])
        alt = make_no_nav_site(cdir, args.theme_src)
        if not alt:
            log("whatif: no site-nav block found in base.html; skipped")
            return
        o = os.path.join(args.shm, "out-no-nav")
        cmd = [args.helpsite, "build", "--root", alt, "--out", o]
        shutil.rmtree(o, ignore_errors=True)
        log(f"whatif: default theme without the site nav at {n}")
        t = timed(cmd)
        st = tree_stats(o)
        wait_quiet(args.quiet_wait, args.quiet_load)
        tm = hyperfine([("no-nav", " ".join(shlex.quote(c) for c in cmd))], args.runs, 1, f"rm -rf {shlex.quote(o)}",
                       os.path.join(args.work, f"hyperfine-no-nav-{n}.json"))
        out[str(n)] = {"single": {k: t[k] for k in ("wall_s", "user_s", "system_s", "peak_rss_mb")},
                       "output": st, "timing": tm["no-nav"]}
        res.save()
        shutil.rmtree(o, ignore_errors=True)


# --- profile ----------------------------------------------------------------

# Inclusive-cost phases: the first pattern (regex on the demangled function)
# that matches names the phase.
PHASES = [
    ("load: site.toml, theme, catalogs, templates", [r"generator::config::SiteConfig::load$", r"generator::i18n::catalog::Catalogs::load$", r"generator::templates::load$", r"generator::site::assets::collect$"]),
    ("load: read content + TOML front matter (pages parsed in parallel: the parse counted on every thread)", [r"generator::content::load$", r"generator::content::page::SourcePage::parse$"]),
    ("markdown: pulldown-cmark + ids, alerts, FAQ, links (per page)", [r"generator::site::render_markdown$", r"generator::markdown::render$"]),
    ("check: links, anchors, headings", [r"generator::site::links::check_pages$"]),
    ("templates: context + Tera, per page (`context::render_page`)", [r"generator::site::context::render_page$"]),
    ("  of which: Tera rendering (`context::render` → `Tera::render`)", [r"generator::site::context::render$", r"<tera::tera::Tera>::render$"]),
    ("  of which: serialising page values (`tera::Context::insert`)", [r"tera::context::Context::insert$"]),
    ("  of which: dropping context values (`drop_in_place<serde_json::Value>`)", [r"core::ptr::drop_in_place<serde_json::value::Value>$"]),
    ("search sections cut from each page's content HTML, a language at a time (`SearchPage::from_html`)", [r"generator::search::SearchPage::from_html$"]),
    ("templates: entry, 404 and search pages", [r"generator::site::context::render_extra$", r"generator::site::site_files$"]),
    ("sitemap.xml", [r"generator::site::sitemap::sitemap$"]),
    ("search index, one language at a time beside its own pages' templates (`site::language_index`)", [r"generator::site::language_index$", r"generator::site::search_index$"]),
    ("write: output files (user-space part; the kernel's is in sys time)", [r"generator::site::output::Staging::write$"]),
    ("malloc + free, everywhere (self)", []),
]


def callgrind_functions(outfile, inclusive):
    txt = sh(
        ["callgrind_annotate", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", outfile]
    )
    rows = []
    total = None
    for line in txt.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"^\s*([\d,]+)\s+(?:\(\s*([\d.]+)%\)\s+)?(\S.*?)(?:\s+\[(.*)\])?$", line)
        if m and ":" in m.group(3):
            ir = int(m.group(1).replace(",", ""))
            fn = m.group(3).split(":", 1)[1] if not m.group(3).startswith("0x") else m.group(3)
            rows.append((ir, fn.strip()))
    return total, rows


def clean_fn(fn):
    fn = re.sub(r" \([\d,]+x\)$", "", fn)
    fn = re.sub(r"::h[0-9a-f]{16}$", "", fn)
    fn = re.sub(r"<(.{60}).*>", r"<\1…>", fn) if len(fn) > 140 else fn
    return fn


def analyse_callgrind(cg, n, took):
    total, incl = callgrind_functions(cg, True)
    _, selfc = callgrind_functions(cg, False)
    total = total or max(ir for ir, _ in incl)
    phases = []
    # glibc's names, and mimalloc's (the generator's global allocator).
    alloc_self = sum(ir for ir, fn in selfc if re.match(r"^(malloc|free|_int_malloc|_int_free|malloc_consolidate|unlink_chunk.*|realloc|_int_realloc|cfree|__libc_malloc|__libc_free|sysmalloc|_?mi_[a-z_]+.*|mi_[a-z_]+.*)$", fn))
    for name, pats in PHASES:
        if not pats:
            phases.append({"phase": name, "ir": alloc_self, "pct": round(100 * alloc_self / total, 1), "function": "allocator (mimalloc; glibc names too)"})
            continue
        best = 0
        hit = None
        for ir, fn in incl:
            fn_c = clean_fn(fn)
            if any(re.search(p, fn_c) for p in pats) and ir > best:
                best, hit = ir, fn_c
        phases.append({"phase": name, "ir": best, "pct": round(100 * best / total, 1), "function": hit})

    def merged(rows, skip):
        best = {}
        for ir, fn in rows:
            if skip and re.search(skip, fn):
                continue
            f = clean_fn(fn)
            best[f] = max(best.get(f, 0), ir) if skip else best.get(f, 0) + ir
        return sorted(((ir, f) for f, ir in best.items()), reverse=True)

    # Inclusive: one row per function (max over the files its inlined lines
    # come from), without recursion copies ('2) and thread/rayon plumbing.
    noise = r"('\d+( \(|$)|^0x|^main$|__libc|_start|std::rt::|std::sys::|<std::sys::|core::ops::function|rayon|std::panicking|std::panic|__rust_begin|start_thread|clone3?$|\?\?\?|^generator::main|^generator::run|::main( \(|$))"
    top_incl = [{"ir": ir, "pct": round(100 * ir / total, 1), "function": f} for ir, f in merged(incl, noise)[:30]]
    top_self = [{"ir": ir, "pct": round(100 * ir / total, 1), "function": f} for ir, f in merged(selfc, "")[:25]]
    return {
        "articles_per_language": n,
        "total_ir": total,
        "valgrind_seconds": round(took, 1),
        "phases": phases,
        "top_inclusive": top_incl,
        "top_self": top_self,
    }


def profile_stage(args, res):
    n = args.profile_size
    cdir = os.path.join(args.work, f"corpus-{n}")
    if not os.path.exists(os.path.join(cdir, "site")):
        sh([sys.executable, os.path.join(HERE, "corpus.py"), "--pages", str(n), "--out", cdir, "--no-hugo"])
    runs = [("profile", os.path.join(cdir, "site"), "callgrind.out")]
    if "whatif" in args.stages.split(",") and args.theme_src and os.path.isdir(args.theme_src):
        alt = make_no_nav_site(cdir, args.theme_src)
        if alt:
            runs.append(("profile_no_nav", alt, "callgrind-no-nav.out"))
    for key, site, name in runs:
        log(f"profile: callgrind over a build of {n} articles x {LANGS} languages ({key})")
        out = os.path.join(args.shm, "out-profile")
        cg = os.path.join(args.work, name)
        t0 = time.time()
        if args.reuse_callgrind and os.path.exists(cg):
            log("profile: reusing", cg)
        else:
            cmd = [args.helpsite_prof, "build", "--root", site, "--out", out]
            sh(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}"] + cmd)
        res.set(key, analyse_callgrind(cg, n, time.time() - t0))
        shutil.rmtree(out, ignore_errors=True)


# --- handler ----------------------------------------------------------------


def handler_env(tmp):
    """handler-local from the environment: local archive and outbox in tmp,
    no rate limit (the load test comes from one address)."""
    return {
        "CONTACT_SENDER": "Help Center <help@example.com>",
        "CONTACT_RECIPIENTS": "support@example.com",
        "CONTACT_LANGUAGES": "en,fi,ru,bn,fa",
        "CONTACT_ARCHIVE": os.path.join(tmp, "archive"),
        "CONTACT_MAILER": "outbox",
        "CONTACT_OUTBOX": os.path.join(tmp, "outbox"),
        "CONTACT_RATE_LIMIT": "off",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def stop(proc):
    """Ends a process this script started: asked first, killed after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS"):
                out[k] = round(int(v.split()[0]) / 1024, 1)
    return out


def wait_port(port, timeout=10):
    import socket

    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nothing listens on {port}")


def parse_wrk(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("BENCH "):
            for kv in line[6:].split():
                k, v = kv.split("=")
                out[k] = float(v)
        m = re.match(r"Requests/sec:\s+([\d.]+)", line.strip())
        if m:
            out["rps"] = float(m.group(1))
    return out


def handler_sizes(args, res):
    h = res.data.setdefault("handler", {})
    rel = args.handler_dir
    sizes = {}
    for name, path in [
        ("handler (Lambda)", os.path.join(rel, "handler")),
        ("handler-local", os.path.join(rel, "handler-local")),
        ("hello (lambda_http)", os.path.join(args.hello_dir, "hello")),
        ("hello-local (axum)", os.path.join(args.hello_dir, "hello-local")),
    ]:
        if os.path.exists(path):
            stripped = "not stripped" not in sh(["file", "-L", path])
            sizes[name] = {"bytes": os.path.getsize(path), "stripped": stripped}
    for name, path in [("handler (Lambda)", args.handler_zip), ("hello (lambda_http)", args.hello_zip)]:
        if path and os.path.exists(path):
            sizes.setdefault(name, {})["zip_bytes"] = os.path.getsize(path)
            with zipfile.ZipFile(path) as z:
                sizes[name]["lambda_bootstrap_bytes"] = z.getinfo("bootstrap").file_size
    h["sizes"] = sizes
    res.save()


def cold_valid_submission(args, handler, lenv, coldstart):
    """Cold start of `handler` answering a valid submission (stored in S3 and
    sent through SES v2, both moto's server mode on 127.0.0.1) vs the
    hello-world answering the same event; every submission is then counted
    in moto's bucket and sent mail."""
    exe = os.path.join(ROOT, ".venv", "bin", "moto_server")
    if not os.path.exists(exe):
        return {"skipped": "no moto_server in .venv (tests/setup/python.sh installs it)"}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, timeout=120)
        # The bucket and the sender's identity, through the venv's boto3 (moto
        # tells services apart by their signed requests).
        venv_python = os.path.join(ROOT, ".venv", "bin", "python")
        aws = ("import boto3, sys\n"
               "kw = dict(endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n"
               "s3 = boto3.client('s3', **kw)\n"
               "if sys.argv[2] == 'setup':\n"
               "    s3.create_bucket(Bucket='bench-archive')\n"
               "    boto3.client('sesv2', **kw).create_email_identity(EmailIdentity='example.com')\n"
               "else:\n"
               "    keys = [o['Key'] for o in s3.list_objects_v2(Bucket='bench-archive').get('Contents', [])]\n"
               "    print(sys.argv[3:] and '\\n'.join(keys) or len(keys))\n")
        sh([venv_python, "-c", aws, url, "setup"])
        env = dict(lenv, CONTACT_AWS_REGION="us-east-1", CONTACT_SES_ENDPOINT=url, CONTACT_S3_ENDPOINT=url,
                   AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
                   AWS_LAMBDA_FUNCTION_NAME="bench", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        body = "name=Cold&email=cold%40example.com&topic=billing&message=Hello%20from%20a%20cold%20start&lang=en"
        log(f"handler: first valid submission in a fresh process, against moto ({args.cold_runs} runs each)")
        wait_quiet(args.quiet_wait, args.quiet_load)
        r = coldstart("lambda", handler, shlex.quote(os.path.join(args.hello_dir, "hello")), env,
                      extra=("--body", body))
        # coldstart.py's first round warms the page cache: one more each.
        r["submitted"] = args.cold_runs + 1
        r["archived"] = int(sh([venv_python, "-c", aws, url, "count"]).strip())
        import urllib.request
        with urllib.request.urlopen(url + "/moto-api/data.json", timeout=30) as f:
            sent = json.load(f)
        r["sent"] = sum(len(sent.get("ses", {}).get(k, [])) for k in ("Message", "RawMessage"))
        return r
    except Exception as e:  # a measurement, not a test: say what happened
        return {"skipped": f"moto stage failed: {e}"}
    finally:
        stop(moto)


def handler_stage(args, res):
    handler_sizes(args, res)
    h = res.data["handler"]
    rel = args.handler_dir
    tmp = os.path.join(args.work, "handler-tmp")
    os.makedirs(tmp, exist_ok=True)
    henv = handler_env(tmp)

    def coldstart(mode, a_cmd, b_cmd, a_env, b_env=None, extra=()):
        """bench/coldstart.py: interleaved runs of a and b, its JSON result."""
        cmd = [sys.executable, os.path.join(HERE, "coldstart.py"), mode, "--runs", str(args.cold_runs),
               "--a-cmd", a_cmd, "--b-cmd", b_cmd, *extra]
        for flag, env in (("--a-env", a_env), ("--b-env", b_env or {})):
            cmd += [x for k, v in env.items() for x in (flag, f"{k}={v}")]
        return json.loads(sh(cmd))

    # Cold start, local server: handler-local vs hello-local.
    pa, pb = free_port(), free_port()
    log(f"handler: local cold start ({args.cold_runs} runs each)")
    wait_quiet(args.quiet_wait, args.quiet_load)
    h["cold_local"] = coldstart(
        "local",
        f"{shlex.quote(os.path.join(rel, 'handler-local'))} --port {pa}",
        f"{shlex.quote(os.path.join(args.hello_dir, 'hello-local'))} {pb}",
        henv,
        extra=("--a-port", str(pa), "--b-port", str(pb)),
    )
    res.save()

    # Cold start, Lambda runtime emulator: handler (SES + S3 configured, as
    # deployed) vs hello.
    log(f"handler: Lambda cold start ({args.cold_runs} runs each)")
    lenv = {
        "CONTACT_SENDER": "Help Center <help@example.com>",
        "CONTACT_RECIPIENTS": "support@example.com",
        "CONTACT_LANGUAGES": "en,fi,ru,bn,fa",
        "CONTACT_ARCHIVE": "s3://bench-archive/submissions",
        "CONTACT_MAILER": "ses",
        "CONTACT_AWS_REGION": "eu-west-1",
    }
    handler = shlex.quote(os.path.join(rel, "handler"))
    h["cold_lambda"] = coldstart("lambda", handler, shlex.quote(os.path.join(args.hello_dir, "hello")), lenv)
    res.save()

    # Diagnosis: the same Lambda binary with and without the AWS SDK in its
    # configuration (outbox + local archive need no SDK client).
    log(f"handler: Lambda cold start, SES + S3 vs outbox + local archive ({args.cold_runs} runs each)")
    h["cold_lambda_sdk"] = coldstart("lambda", handler, handler, lenv, henv)
    res.save()

    # The first valid submission in a fresh process, AWS config loading,
    # SDK clients, S3 archive write and SES send included, against moto on
    # loopback (skipped, and said so, without it).
    h["cold_lambda_valid"] = cold_valid_submission(args, handler, lenv, coldstart)
    res.save()

    # Load on the validation path.
    port = free_port()
    p = subprocess.Popen(
        [os.path.join(rel, "handler-local"), "--port", str(port)],
        env=dict(os.environ, **henv),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        h["rss_idle_mb"] = proc_status(p.pid).get("VmRSS")
        url = f"http://127.0.0.1:{port}/api/contact"
        lua = os.path.join(HERE, "wrk", "post.lua")
        bodies = {
            "invalid e-mail (422)": "name=Bench&email=not-an-address&topic=billing&message=Hello&lang=en",
            "honeypot filled (200, nothing sent)": "name=Bench&email=bench%40example.com&topic=billing&message=Hello&lang=fi&website=http%3A%2F%2Fspam.example",
        }
        runs = []
        # Paced: 10 connections, each waiting 10 ms between requests (~1,000 req/s).
        plans = [
            ("paced ~1,000 req/s", "2", "10", "10", args.wrk_seconds),
            ("saturated", "2", "32", "0", args.wrk_seconds),
        ]
        wait_quiet(args.quiet_wait, args.quiet_load)
        for label, threads, conns, delay, secs in plans:
            for bname, body in bodies.items():
                log(f"handler: wrk {label}, {bname}")
                out = sh(
                    ["wrk", "-t", threads, "-c", conns, "-d", f"{secs}s", "--latency", "-s", lua, url],
                    env=dict(os.environ, BENCH_BODY=body, BENCH_DELAY=delay),
                )
                w = parse_wrk(out)
                w.update({"load": label, "request": bname, "connections": int(conns), "delay_ms": int(delay), "seconds": secs})
                runs.append(w)
                h["load"] = runs
                res.save()
        h["rss_peak_mb"] = proc_status(p.pid).get("VmHWM")
        h["rss_after_mb"] = proc_status(p.pid).get("VmRSS")
        h["outbox_files_after_load"] = len(os.listdir(henv["CONTACT_OUTBOX"])) if os.path.isdir(henv["CONTACT_OUTBOX"]) else 0
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
    res.save()


# --- report -----------------------------------------------------------------


def fmt_s(x):
    if x is None:
        return "–"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def mb(b):
    return f"{b / 1e6:.1f} MB" if b < 1e9 else f"{b / 1e9:.2f} GB"


def esc(s):
    return s.replace("|", "\\|")


def sections_ratio(data):
    """Mean article-page HTML bytes, one big section over sections of 50."""
    sec = data.get("sections") or {}
    v = sec.get("variants", {})
    small, big = v.get("50"), v.get(str(sec.get("articles_per_language")))
    if not small or not big or small is big:
        return None
    return big["page_bytes"]["article"]["mean"] / small["page_bytes"]["article"]["mean"]


def render_sections(data, w):
    sec = data.get("sections")
    if not sec or not sec.get("variants"):
        return
    n = sec["articles_per_language"]
    w(f"## Generator: one section of {n:,} articles vs sections of 50")
    w("")
    w(f"The same {n:,} articles × 5 languages (`bench/corpus.py --section-size`), once in sections of 50 and once all in "
      "one section: build time, memory, and HTML bytes per page by kind. An article page must not grow with its "
      f"section. (Pages written differ by the {max(0, -(-n // 50) - 1)} × 5 extra section pages of the sections of 50.)")
    w("")
    w("| sections | pages written | median wall | CPU | peak memory | article page HTML (mean / max) | section page HTML (mean / max) | home page HTML (mean) | output |")
    w("|---|---|---|---|---|---|---|---|---|")
    for key in sorted(sec["variants"], key=int):
        v = sec["variants"][key]
        size = int(key)
        label = f"{n // size} of {size:,}" if size < n else f"1 of {n:,}"
        pb = v.get("page_bytes", {})
        kb = lambda k, f: f"{pb[k][f] / 1024:.1f} KB" if k in pb else "–"
        t = v.get("timing", {}).get("helpsite")
        single = v["single"]
        w(f"| {label} | {v.get('pages') or 0:,} | {fmt_s(t['median_s'] if t else single['wall_s'])} | "
          f"{fmt_s(single['user_s'] + single['system_s'])} | {single['peak_rss_mb']:.0f} MB | "
          f"{kb('article', 'mean')} / {kb('article', 'max')} | {kb('section', 'mean')} / {kb('section', 'max')} | "
          f"{kb('home', 'mean')} | {mb(v['output']['bytes'])} |")
    w("")


def render(data, quick=False):
    L = []
    w = L.append
    m = data.get("machine", {})
    w("# Benchmarks")
    w("")
    w((data.get("how") or "Generated by `bash bench/run.sh`") + (" (`--quick`: small sizes, few runs — not the reference figures)" if data.get("quick") else "") +
      f" on {m.get('date', '?')}" + (f", in {data['run_seconds'] // 60} min {data['run_seconds'] % 60} s (builds included)" if data.get("run_seconds") else "") +
      ". Timings are measurements, never test assertions. "
      "How each figure is taken: [bench/README.md](bench/README.md).")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for k, label in [
        ("cpu", "CPU"), ("cores", "cores"), ("memory_gib", "memory (GiB)"), ("os", "OS"), ("kernel", "kernel"),
        ("rustc", "Rust"), ("hugo", "Hugo"), ("zola", "Zola"), ("hyperfine", "hyperfine"), ("wrk", "wrk"), ("valgrind", "valgrind"),
        ("source", "helpsite source"), ("tmpfs", "output (tmpfs)"), ("load_at_start", "load average at start"),
    ]:
        if k in m:
            w(f"| {label} | {m[k]} |")
    w("")
    loads = []
    for e in data.get("generator", {}).values():
        for k in ("load_before", "load_before_timing", "load_after"):
            if k in e:
                loads.append(e[k])
    if loads and max(loads) > 1.5:
        w(f"> [!WARNING]\n> The machine was shared while these figures were taken (1-minute load average up to "
          f"{max(loads):.1f} on {m.get('cores', 2)} cores): wall-clock times are inflated by waiting for a CPU. "
          "CPU time (user + sys) and instruction counts (callgrind) are affected much less; both are given.")
        w("")

    goals = []
    gen = data.get("generator", {})
    if gen:
        w("## Generator: full build")
        w("")
        w("Synthetic help center (`bench/corpus.py`): N articles × 5 languages (en, fi, ru, bn, fa), each with headings, "
          "a list, a table, a GitHub alert and links to other articles; every fifth is an FAQ page; ~1.2 KB of markdown "
          "per English article. Sections of 50 with an `_index.md`, plus each language's home. "
          "`helpsite build` with the default theme (search index and sitemap included) vs Hugo over the same markdown files, "
          "output on tmpfs, cleaned before every run. Median of hyperfine runs; CPU = user + sys of one run.")
        w("")
        w("| articles × languages | tool | pages written | median wall | CPU | per page (wall) | peak memory | output | helpsite vs Hugo |")
        w("|---|---|---|---|---|---|---|---|---|")
        for key in sorted(gen, key=int):
            e = gen[key]
            n = int(key)
            label = f"{n:,} × 5"
            tm = e.get("timing", {})
            pages = e.get("helpsite_pages") or n * 5
            hugo_pages = e.get("hugo_output", {}).get("index_html") or pages
            hs = tm.get("helpsite")
            hg = tm.get("hugo")
            hn = tm.get("hugo-nav")

            def row(tool, t, single, pages_, out, ratio):
                cpu = (single["user_s"] + single["system_s"]) if single else None
                med = t["median_s"] if t else (single["wall_s"] if single else None)
                per = f"{med / pages_ * 1000:.2f} ms" if med else "–"
                w(f"| {label} | {tool} | {pages_:,} | {fmt_s(med)} | {fmt_s(cpu)} | {per} | "
                  f"{single['peak_rss_mb']:.0f} MB | {mb(out['bytes']) if out else '–'} | {ratio} |")

            cpu_of = lambda k: (e[k]["user_s"] + e[k]["system_s"]) if e.get(k) else None
            r_min = f"**{hs['median_s'] / hg['median_s']:.2f}×** wall, {cpu_of('helpsite_single') / cpu_of('hugo_single'):.2f}× CPU" if hs and hg else "–"
            if "skipped" in e:
                w(f"| {label} | helpsite | – | – | – | – | – | – | {e['skipped']} |")
            elif e.get("helpsite_single"):
                vs_nav = (f"; **{hs['median_s'] / hn['median_s']:.2f}×** wall, {cpu_of('helpsite_single') / cpu_of('hugo_nav_single'):.2f}× CPU "
                          "of Hugo with the same site nav") if hs and hn else ""
                row("helpsite", hs, e.get("helpsite_single"), pages, e.get("helpsite_output"), f"{r_min} of Hugo (minimal){vs_nav}")
            if hg:
                row("Hugo (minimal templates)", hg, e.get("hugo_single"), hugo_pages if not e.get("skipped") else e.get("hugo_output", {}).get("index_html", 0), e.get("hugo_output"), "1")
            if hn:
                row("Hugo (templates + full site nav, like the default theme)", hn, e.get("hugo_nav_single"), hugo_pages, e.get("hugo_nav_output"), "1")
            zl = tm.get("zola")
            if zl:
                r_zola = (f"helpsite: **{hs['median_s'] / zl['median_s']:.2f}×** wall, "
                          f"{cpu_of('helpsite_single') / cpu_of('zola_single'):.2f}× CPU of Zola") if hs else "–"
                row("Zola (minimal templates)", zl, e.get("zola_single"), e.get("zola_output", {}).get("index_html") or pages,
                    e.get("zola_output"), r_zola)
            if e.get("output_on"):
                w(f"| | | | | | | | | output on {e['output_on']} |")
        w("")
        # Scaling.
        pts_wall = [(int(k) * 5, e["timing"]["helpsite"]["median_s"]) for k, e in gen.items() if e.get("timing", {}).get("helpsite")]
        pts_cpu = [(int(k) * 5, e["helpsite_cpu_s"]) for k, e in gen.items() if e.get("helpsite_cpu_s")]
        pts_mem = [(int(k) * 5, e["helpsite_peak_rss_mb"]) for k, e in gen.items() if e.get("helpsite_peak_rss_mb")]
        pts_out = [(int(k) * 5, e["helpsite_output_mb"]) for k, e in gen.items() if e.get("helpsite_output_mb")]
        pts_hugo = [(int(k) * 5, e["timing"]["hugo"]["median_s"]) for k, e in gen.items() if e.get("timing", {}).get("hugo")]
        hcpu = lambda e: e["hugo_single"]["user_s"] + e["hugo_single"]["system_s"]
        pts_hugo_cpu = [(int(k) * 5, hcpu(e)) for k, e in gen.items() if e.get("hugo_single")]
        pts_hugo_mem = [(int(k) * 5, e["hugo_single"]["peak_rss_mb"]) for k, e in gen.items() if e.get("hugo_single")]
        pts_hugo_out = [(int(k) * 5, e["hugo_output"]["bytes"]) for k, e in gen.items() if e.get("hugo_output")]
        if len(pts_cpu) >= 2:
            w("Scaling (exponent b of a power law `y ∝ pages^b` fitted over the sizes measured; 1 = linear, 2 = quadratic):")
            w("")
            w("| figure | helpsite | Hugo (minimal) |")
            w("|---|---|---|")
            w(f"| CPU time | {fit_exponent(pts_cpu)} | {fit_exponent(pts_hugo_cpu)} |")
            w(f"| build time (wall) | {fit_exponent(pts_wall)} | {fit_exponent(pts_hugo)} |")
            w(f"| peak memory | {fit_exponent(pts_mem)} | {fit_exponent(pts_hugo_mem)} |")
            w(f"| output bytes | {fit_exponent(pts_out)} | {fit_exponent(pts_hugo_out)} |")
            w("")
        wi = data.get("whatif_no_nav")
        if wi:
            w("### What if the default theme had no all-pages site nav")
            w("")
            w("The same corpus with a copy of the default theme whose `base.html` lacks the `<nav class=\"site-nav\">` loop "
              "(the generator code is unchanged and still computes the nav list for every page). This isolates what that one "
              "template loop and its output cost:")
            w("")
            w("| articles × languages | with the nav (default theme): CPU, wall, peak memory | without the nav loop | output with → without |")
            w("|---|---|---|---|")
            for key in sorted(wi, key=int):
                x = wi[key]
                g = gen.get(key, {})
                hs = g.get("timing", {}).get("helpsite")
                cpu_w = g["helpsite_cpu_s"] if g.get("helpsite_cpu_s") else None
                cpu_n = x["single"]["user_s"] + x["single"]["system_s"]
                with_ = f"{fmt_s(cpu_w)} CPU, {fmt_s(hs['median_s'])} wall, {g['helpsite_peak_rss_mb']:.0f} MB" if hs else (g.get("skipped", "–")[:60] + "…" if g.get("skipped") else "–")
                out_w = mb(g["helpsite_output"]["bytes"]) if g.get("helpsite_output") else "–"
                w(f"| {int(key):,} × 5 | {with_} | {fmt_s(cpu_n)} CPU, {fmt_s(x['timing']['median_s'])} wall, "
                  f"{x['single']['peak_rss_mb']:.0f} MB | {out_w} → {mb(x['output']['bytes'])} |")
            w("")
        render_sections(data, w)
        inc = data.get("incremental")
        if inc and "rebuild_ms_median" in inc:
            w("## Generator: one-page edit under `helpsite serve`")
            w("")
            w(f"`helpsite serve` over the {inc['articles_per_language']:,} × 5 corpus ({inc['pages']:,} pages); one English article "
              f"saved {inc['runs']} times with new text. Serve keeps the loaded site and rendered markdown between edits, re-renders "
              "the edited page (one per language that shows it) and writes it; the search index of that language is rebuilt "
              "just after, so the browser reloads first.")
            w("")
            w("| figure | median | |")
            w("|---|---|---|")
            w(f"| change seen → page written (serve's own “rebuilt 1 page(s) in …”) | **{inc['rebuild_ms_median']:.1f} ms** | max {inc['rebuild_ms_max']:.1f} ms |")
            w(f"| file saved → new text served over HTTP (includes the watcher's 30 ms debounce and the poll) | {inc['served_ms_median']:.0f} ms | |")
            w(f"| then: that language's search index rebuilt and written | {inc['search_ms_median']:.0f} ms | |")
            w("")
        tmg = data.get("timings")
        if tmg:
            w(f"### Phases of one build (`helpsite build --timings`, {tmg['pages']:,} pages)")
            w("")
            w("Wall time per phase of one build. The templates and the search index run side by side (`rayon::join`), so "
              "those two rows overlap.")
            w("")
            w("| phase | wall |")
            w("|---|---|")
            for ph, ms in tmg["phases"]:
                w(f"| {ph} | {ms:.1f} ms |")
            w("")

    prof = data.get("profile")
    if prof:
        w("## Generator: where the time goes (callgrind)")
        w("")
        w(f"`valgrind --tool=callgrind` over a build of {prof['articles_per_language']:,} × 5 articles "
          f"({prof['total_ir'] / 1e9:.2f} G instructions in all; instruction counts do not depend on machine load). "
          "Inclusive instructions per phase of `generator::site::render_site` (a phase's row includes everything it calls; "
          "“of which” rows are part of the row above):")
        w("")
        nn = data.get("profile_no_nav")
        if nn:
            w(f"The last two columns: the same build with the default theme minus its site-nav loop "
              f"({nn['total_ir'] / 1e9:.2f} G instructions in all), i.e. what is left once the nav is out of the templates.")
            w("")
        w("| phase | instructions | share | function |" + (" without the nav loop | share |" if nn else ""))
        w("|---|---|---|---|" + ("---|---|" if nn else ""))
        for i, p in enumerate(prof["phases"]):
            extra = ""
            if nn:
                q = nn["phases"][i]
                extra = f" {q['ir'] / 1e6:,.0f} M | {q['pct']}% |"
            w(f"| {p['phase']} | {p['ir'] / 1e6:,.0f} M | {p['pct']}% | `{p['function'] or 'not seen (inlined or absent)'}` |{extra}")
        w("")
        w("<details><summary>Top functions by inclusive and by self instructions</summary>")
        w("")
        w("| inclusive | share | function |")
        w("|---|---|---|")
        for f in prof["top_inclusive"][:25]:
            w(f"| {f['ir'] / 1e6:,.0f} M | {f['pct']}% | `{esc(f['function'])}` |")
        w("")
        w("| self | share | function |")
        w("|---|---|---|")
        for f in prof["top_self"][:20]:
            w(f"| {f['ir'] / 1e6:,.0f} M | {f['pct']}% | `{esc(f['function'])}` |")
        w("")
        w("</details>")
        w("")

    h = data.get("handler")
    if h:
        w("## Handler")
        w("")
        w("### Size")
        w("")
        w("The handler's binaries with the `lambda-release` profile the deployed zips use (the workspace's `release`: "
          "`lto = true`, `codegen-units = 1`, `strip = true`; plus `opt-level = \"s\"`, `panic = \"abort\"`); zip from "
          "`cargo lambda build --profile lambda-release --output-format zip` (x86_64), the bootstrap is the binary inside it. "
          "The baseline is `bench/hello-lambda`, a minimal lambda_http hello-world (default features) with the plain "
          "`release` profile (`cargo lambda build --release`).")
        w("")
        w("| binary | size (host build) | Lambda bootstrap | Lambda zip |")
        w("|---|---|---|---|")
        for name, s in h.get("sizes", {}).items():
            w(f"| {name} | {mb(s['bytes']) if 'bytes' in s else '–'} | {mb(s['lambda_bootstrap_bytes']) if 'lambda_bootstrap_bytes' in s else '–'} | {mb(s['zip_bytes']) if 'zip_bytes' in s else '–'} |")
        w("")
        w("### Cold start")
        w("")
        w("Spawn → first answered request, median of interleaved runs (the project's binary and the hello-world alternate).")
        w("")
        w("| how | helpsite handler | hello-world | ratio (goal ≤ 1.2×) |")
        w("|---|---|---|---|")
        for key, label in [
            ("cold_local", "local server: `handler-local` (config from `CONTACT_*`) vs `hello-local` (axum), POST until 2xx"),
            ("cold_lambda", "Lambda Runtime API emulator (`bench/coldstart.py`): `handler` with SES + S3 configured vs `hello` (lambda_http), one API Gateway v2 event"),
            ("cold_lambda_sdk", "diagnosis, same emulator: `handler` with SES + S3 configured vs the same `handler` with outbox + local archive (no AWS SDK client built)"),
            ("cold_lambda_valid", "first valid submission in a fresh process, same emulator: `handler` loading its AWS config, building the SDK clients, writing the S3 archive and sending through SES v2 (moto's server mode on 127.0.0.1) vs `hello` answering the same event"),
        ]:
            c = h.get(key)
            if c and "skipped" in c:
                w(f"| {label} | {c['skipped']} | – | – |")
            elif c:
                stored = f"; of {c['submitted']} submitted, {c['archived']} archived and {c['sent']} sent" if "archived" in c else ""
                w(f"| {label} | {c['a']['median_ms']:.1f} ms (min {c['a']['min_ms']:.1f}) | {c['b']['median_ms']:.1f} ms (min {c['b']['min_ms']:.1f}) | **{c['ratio_median']:.2f}×** ({c['runs']} runs{stored}) |")
        w("")
        if h.get("load"):
            w("### Validation path under load")
            w("")
            w("`wrk` against `handler-local` on 127.0.0.1 (config from `CONTACT_*`, rate limit off, log lines to /dev/null), "
              "JSON answers. wrk shares the 2 cores with the server. “Paced” = 10 connections each waiting 10 ms between "
              "requests (wrk has no fixed-rate mode; wrk2 is not packaged).")
            w("")
            w("| load | request | req/s | p50 | p90 | p99 | p99.9 | max | socket errors |")
            w("|---|---|---|---|---|---|---|---|---|")
            for r in h["load"]:
                us = lambda k: f"{r[k] / 1000:.2f} ms" if k in r else "–"
                w(f"| {r['load']} | {r['request']} | {r.get('rps', 0):,.0f} | {us('p50_us')} | {us('p90_us')} | {us('p99_us')} | {us('p99.9_us')} | {us('max_us')} | {int(r.get('socket_errors', 0))} |")
            w("")
            w(f"Resident memory of `handler-local`: {h.get('rss_idle_mb')} MB idle, **{h.get('rss_peak_mb')} MB peak** (VmHWM) after all load runs. "
              f"Mails written during the load: {h.get('outbox_files_after_load', 0)}.")
            w("")

    # Goals.
    w("## Goals")
    w("")
    w("| goal | measured | met? |")
    w("|---|---|---|")
    g1000 = gen.get("1000", {})
    g4000 = gen.get("4000", {})
    t1000 = g1000.get("timing", {}).get("helpsite")
    if t1000:
        pages = g1000.get("helpsite_pages")
        med = t1000["median_s"]
        cpu = g1000["helpsite_cpu_s"]
        w(f"| full build of ~5,000 pages ≤ 0.4 s on 2 cores | {pages:,} pages: {fmt_s(med)} median wall "
          f"({fmt_s(cpu)} CPU in the separate run that also took peak memory and `--timings`) | {'yes' if med <= 0.4 else '**no**'} |")
        zl = g1000.get("timing", {}).get("zola")
        if zl:
            r = med / zl["median_s"]
            w(f"| ≤ 0.45× Zola, same corpus, same run | {r:.2f}× Zola ({fmt_s(zl['median_s'])}) | {'yes' if r <= 0.45 else '**no**'} |")
        else:
            zola = 0.22e-3 * pages
            w(f"| ≤ 0.45× Zola (not measured in this run, {ZOLA_SKIPPED}; anchor from the issue: 0.22 ms/page) | {med / zola:.2f}× the anchor | {'yes' if med <= 0.45 * zola else '**no**'} |")
        hg = g1000.get("timing", {}).get("hugo")
        hn = g1000.get("timing", {}).get("hugo-nav")
        if hg:
            r = med / hg["median_s"]
            w(f"| ≤ 0.25× Hugo, same corpus, same run | {r:.2f}× Hugo with minimal templates" + (f"; {med / hn['median_s']:.2f}× Hugo with the same site nav as the default theme" if hn else "") + f" | {'yes' if r <= 0.25 else '**no**'} (vs minimal)" + (f", {'yes' if med / hn['median_s'] <= 0.25 else '**no**'} (vs equivalent)" if hn else "") + " |")
    if g4000:
        if "skipped" in g4000:
            w(f"| 20,000 pages: linear scaling, peak memory ≤ 200 MB | {g4000['skipped']} | **no** |")
        elif g4000.get("timing"):
            pts = [(int(k) * 5, e["helpsite_cpu_s"]) for k, e in gen.items() if e.get("helpsite_cpu_s")]
            b = fit_exponent(pts)
            w(f"| 20,000 pages scaling linearly | CPU time ∝ pages^{b} | {'yes' if b is not None and b <= 1.15 else '**no**'} |")
            mem = [(int(k) * 5, e["helpsite_peak_rss_mb"]) for k, e in gen.items() if e.get("helpsite_peak_rss_mb")]
            w(f"| peak memory ≤ 200 MB for 20,000 pages, growing sub-linearly | {g4000['helpsite_peak_rss_mb']:.0f} MB; peak ∝ pages^{fit_exponent(mem)} | "
              f"{'yes' if g4000['helpsite_peak_rss_mb'] <= 200 else '**no**'} |")
    r = sections_ratio(data)
    if r is not None:
        n = data["sections"]["articles_per_language"]
        w(f"| article pages no heavier in one section of {n:,} than in sections of 50 | mean article page HTML {r:.3f}× | {'yes' if r <= 1.01 else '**no**'} |")
    inc = data.get("incremental")
    if inc and "rebuild_ms_median" in inc:
        ok = inc['rebuild_ms_median'] <= 50
        w(f"| one-page incremental rebuild ≤ 50 ms | {inc['rebuild_ms_median']:.1f} ms median, {inc['rebuild_ms_max']:.1f} ms max, change → page written under `helpsite serve` "
          f"({inc['served_ms_median']:.0f} ms from saving to serving, debounce included; search index {inc['search_ms_median']:.0f} ms after) | {'yes' if ok else '**no**'} |")
    if h:
        lz = h.get("sizes", {}).get("handler (Lambda)", {})
        if "zip_bytes" in lz and "lambda_bootstrap_bytes" in lz:
            w(f"| Lambda zip ≤ 3 MB, bootstrap ≤ 8 MB | zip {mb(lz['zip_bytes'])}, bootstrap {mb(lz['lambda_bootstrap_bytes'])} | "
              f"{'yes' if lz['zip_bytes'] <= 3e6 and lz['lambda_bootstrap_bytes'] <= 8e6 else '**no**'} |")
        for key, label in [("cold_lambda", "Lambda cold start ≤ 1.2× hello-world"), ("cold_local", "local cold start ≤ 1.2× hello-world")]:
            c = h.get(key)
            if c:
                w(f"| {label} | {c['ratio_median']:.2f}× ({c['a']['median_ms']:.1f} vs {c['b']['median_ms']:.1f} ms) | {'yes' if c['ratio_median'] <= 1.2 else '**no**'} |")
        c = h.get("cold_lambda_valid")
        if c and "a" in c:
            w(f"| first valid submission in a fresh container reported | {c['a']['median_ms']:.1f} ms median (min {c['a']['min_ms']:.1f}), "
              f"{c['archived']} of {c['submitted']} submissions archived, {c['sent']} sent (moto on loopback) | {'yes' if c['archived'] == c['sent'] == c['submitted'] else '**no**'} |")
        paced = [r for r in h.get("load", []) if r["load"].startswith("paced")]
        if paced:
            worst = max(r.get("p99_us", 0) for r in paced) / 1000
            rate = min(r.get("rps", 0) for r in paced)
            w(f"| p99 < 1 ms at ~1,000 req/s | worst p99 {worst:.2f} ms at {rate:,.0f} req/s | {'yes' if worst < 1 else '**no**'} |")
        if h.get("rss_peak_mb") is not None:
            w(f"| RSS < 30 MB under that load | {h['rss_peak_mb']} MB peak | {'yes' if h['rss_peak_mb'] < 30 else '**no**'} |")
    w("")
    notes = data.get("notes_md")
    if notes:
        w(notes.strip())
        w("")
    return "\n".join(L) + "\n"


ZOLA_SKIPPED = "Zola skipped: bench/zola.sh could not build it (see its message), and neither ZOLA_BIN nor `zola` on PATH gives one"


def find_zola():
    """ZOLA_BIN, else `zola` on PATH, else None (the report says Zola was skipped)."""
    path = os.environ.get("ZOLA_BIN") or shutil.which("zola")
    if path and os.access(path, os.X_OK):
        return path
    if path:
        log(f"ZOLA_BIN={path} is not an executable file")
    return None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--results", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--shm", default="/dev/shm/hsbench")
    r.add_argument("--stages", default="generator,profile,handler")
    r.add_argument("--theme-src", help="the default theme folder, for the what-if stage")
    r.add_argument("--whatif-sizes", default="1000")
    r.add_argument("--helpsite")
    r.add_argument("--helpsite-prof")
    r.add_argument("--sizes", default="200,1000,4000")
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--hugo-nav-max", type=int, default=0, help="largest size timed with Hugo's full-nav templates")
    r.add_argument("--incremental-size", type=int, default=1000)
    r.add_argument("--big-section", type=int, default=1000, help="stage `sections`: articles per language, in sections of 50 vs one section")
    r.add_argument("--profile-size", type=int, default=200)
    r.add_argument("--reuse-callgrind", action="store_true", help="analyse the last callgrind.out again")
    r.add_argument("--max-cpu-s", type=int, default=600, help="skip a size projected to need more CPU-seconds per build")
    r.add_argument("--mem-share", type=float, default=0.4, help="skip a size projected to need more than this share of the available memory")
    r.add_argument("--quiet-wait", type=int, default=300)
    r.add_argument("--quiet-load", type=float, default=1.0)
    r.add_argument("--handler-dir")
    r.add_argument("--hello-dir")
    r.add_argument("--handler-zip")
    r.add_argument("--hello-zip")
    r.add_argument("--cold-runs", type=int, default=40)
    r.add_argument("--wrk-seconds", type=int, default=10)
    r.add_argument("--source-desc", default="?")
    r.add_argument("--quick", action="store_true")
    r.add_argument("--notes", help="markdown file appended to the report")
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--notes", action="append", default=[], help="markdown files appended to the report, in order")
    p.add_argument("--run-seconds", type=int)
    a = ap.parse_args()

    if a.cmd == "run":
        a.zola = find_zola()
        if not a.zola and "generator" in a.stages.split(","):
            log(ZOLA_SKIPPED)
        os.makedirs(a.work, exist_ok=True)
        os.makedirs(a.shm, exist_ok=True)
        res = Results(a.results)
        res.set("quick", a.quick)
        res.set("machine", machine(a))
        stages = a.stages.split(",")
        failures = []
        for name, fn in [("generator", generator_stage), ("sections", sections_stage), ("whatif", whatif_stage), ("profile", profile_stage), ("handler", handler_stage), ("handler-size", handler_sizes)]:
            if name not in stages:
                continue
            try:
                fn(a, res)
            except Exception as e:  # noqa: BLE001 — one stage failing must not lose the others
                log(f"stage {name} failed: {e}")
                failures.append(f"{name}: {str(e)[:1500]}")
        res.set("failures", failures)
        res.data["machine"]["load_at_end"] = loadavg()
        res.save()
        sys.exit(1 if failures else 0)
    else:
        with open(a.results) as f:
            data = json.load(f)
        if a.run_seconds:
            data["run_seconds"] = a.run_seconds
        notes = []
        for path in a.notes:
            if os.path.exists(path):
                with open(path) as f:
                    notes.append(f.read().strip())
        if notes:
            data["notes_md"] = "\n\n".join(notes)
        md = render(data)
        if data.get("failures"):
            md += "\n## Stages that failed in this run\n\n" + "\n".join(f"- `{x.splitlines()[0]}`" for x in data["failures"]) + "\n"
        with open(a.out, "w") as f:
            f.write(md)
        log(f"wrote {a.out}")


if __name__ == "__main__":
    main()

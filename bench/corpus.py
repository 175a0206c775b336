#!/usr/bin/env python3
"""Synthetic help center for the benchmarks: N articles x 5 languages.

    python3 bench/corpus.py --pages 1000 --out /dev/shm/hsbench/c1000

writes

    OUT/site/      a helpsite site root (site.toml, content/<lang>/...; no
                   themes/, so the generator uses its default theme)
    OUT/hugo/      a Hugo project over the *same* markdown files (contentDir
                   per language points into OUT/site/content/<lang>) with
                   minimal templates equivalent to the default theme

Every article exists in en, fi, ru, bn and fa with the same structure: an
intro, `##` sections, a list, a table, a GitHub alert, links to other
articles as `other.md` / `../section/other.md`; every fifth article is a
`kind = "faq"` page whose `##` headings are questions. Text comes from the
sentence pools in bench/text/<lang>.json (taken from the shipped example
content, so each language is real text in its own script). About 1 KB of
markdown per English article (Bengali and Persian are more bytes for the same
text). Articles are grouped into sections of 50 with an `_index.md` each
(`--section-size 1000`: sections of 1,000, so `--pages 1000` is one big
section, the shape of a help center's largest category).

`--zola` also writes OUT/zola/, a Zola project over a copy of the same
markdown (Zola wants translations as `name.<lang>.md` beside each other and
internal links as `@/path.md`; front matter keys Zola does not know go under
`[extra]`), with minimal templates equivalent to the Hugo ones.

The output is a pure function of (--pages, --seed): the same corpus on every
run and machine. Python standard library only.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys

LANGS = ["en", "fi", "ru", "bn", "fa"]
NAMES = {"en": "English", "fi": "Suomi", "ru": "Русский", "bn": "বাংলা", "fa": "فارسی"}
SECTION_SIZE = 50

# Table vocabulary per language: header, renewal words.
TABLE = {
    "en": (["Product", "Price", "Renewal"], ["yearly", "monthly", "one-time"]),
    "fi": (["Tuote", "Hinta", "Uusiutuminen"], ["vuosittain", "kuukausittain", "kertamaksu"]),
    "ru": (["Продукт", "Цена", "Продление"], ["ежегодно", "ежемесячно", "разово"]),
    "bn": (["পণ্য", "মূল্য", "নবায়ন"], ["বার্ষিক", "মাসিক", "এককালীন"]),
    "fa": (["محصول", "قیمت", "تمدید"], ["سالانه", "ماهانه", "یک‌باره"]),
}
PRODUCTS = ["Lumo Notes", "Lumo Backup", "Lumo Studio", "Lumo Sync"]
ALERTS = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]
# "Section N" and "see also" words per language.
SECTION_WORD = {"en": "Section", "fi": "Osio", "ru": "Раздел", "bn": "বিভাগ", "fa": "بخش"}
SEE_ALSO = {"en": "See also", "fi": "Katso myös", "ru": "См. также", "bn": "আরও দেখুন", "fa": "همچنین ببینید"}
HOME = {
    "en": "Help Center",
    "fi": "Tukikeskus",
    "ru": "Справочный центр",
    "bn": "সহায়তা কেন্দ্র",
    "fa": "مرکز راهنما",
}


def load_pools(text_dir):
    pools = {}
    for lang in LANGS:
        with open(os.path.join(text_dir, f"{lang}.json"), encoding="utf-8") as f:
            p = json.load(f)
        p["questions"] = [h for h in p["headings"] if h.endswith(("?", "؟"))] or p["headings"]
        pools[lang] = p
    return pools


def section_of(i):
    return i // SECTION_SIZE


def set_section_size(n):
    global SECTION_SIZE
    SECTION_SIZE = n


def key_of(i):
    return f"section-{section_of(i) + 1:03d}/article-{i + 1:05d}"


def rel_link(from_i, to_i):
    """Link from article from_i to article to_i as the file, relative."""
    name = f"article-{to_i + 1:05d}.md"
    if section_of(from_i) == section_of(to_i):
        return name
    return f"../section-{section_of(to_i) + 1:03d}/{name}"


def date_of(rng):
    return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def front(title, description, kind, updated, weight):
    lines = ["+++", f"title = {toml_str(title)}", f"description = {toml_str(description)}"]
    lines.append(f'kind = "{kind}"')
    if updated:
        lines.append(f"updated = {updated}")
    lines.append(f"weight = {weight}")
    lines.append("+++")
    return "\n".join(lines) + "\n\n"


def article(i, n, lang, pool, plan):
    """The markdown of article i in lang. `plan` holds the language-independent
    choices (same structure, same links in every language)."""
    s = pool["sentences"]
    h = pool["headings"]
    items = pool["items"]
    pick = lambda seq, idxs: [seq[k % len(seq)] for k in idxs]
    title = f"{h[plan['title'] % len(h)]} {i + 1}"
    desc = s[plan["desc"] % len(s)]
    links = plan["links"]
    head, sents = plan["headings"], plan["sentences"]
    lt = [f"[{h[(plan['title'] + 7 * (k + 1)) % len(h)]}]({rel_link(i, t)})" for k, t in enumerate(links)]
    if plan["faq"]:
        qs = pick(pool["questions"], plan["questions"])
        body = [" ".join(pick(s, sents[0:1])), ""]
        for q, (a, b) in zip(qs, zip(sents[1::2], sents[2::2])):
            body += [f"## {q}", "", f"{s[a % len(s)]} {s[b % len(s)]}", ""]
        body += [f"{SEE_ALSO[lang]}: {lt[0]}, {lt[1]}.", ""]
        kind = "faq"
    else:
        hd, tbl_head = pick(h, head), TABLE[lang]
        header, renew = tbl_head
        rows = []
        for r in range(3):
            prod = PRODUCTS[(plan["table"] + r) % len(PRODUCTS)]
            price = f"€{(plan['table'] * 7 + r * 10) % 90 + 9}"
            rows.append(f"| {prod} | {price} | {renew[(plan['table'] + r) % len(renew)]} |")
        body = [
            " ".join(pick(s, sents[0:2])),
            "",
            f"## {hd[0]}",
            "",
            " ".join(pick(s, sents[2:4])) + f" {lt[0]}.",
            "",
            *[f"- {it}" for it in pick(items, plan["items"])],
            "",
            f"## {hd[1]}",
            "",
            f"| {' | '.join(header)} |",
            "|---|---|---:|",
            *rows,
            "",
            f"> [!{ALERTS[plan['alert'] % len(ALERTS)]}]",
            f"> {s[sents[4] % len(s)]}",
            "",
            f"### {hd[2]}",
            "",
            f"{s[sents[5] % len(s)]} {SEE_ALSO[lang]}: {lt[1]}, {lt[2]}.",
            "",
        ]
        kind = "page"
    weight = i % SECTION_SIZE + 1
    return front(title, desc, kind, plan["updated"], weight) + "\n".join(body)


def plans(n, seed):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        faq = i % 5 == 4
        # Two links inside the section, one to another section (when there is one).
        sec = section_of(i)
        lo, hi = sec * SECTION_SIZE, min(n, (sec + 1) * SECTION_SIZE)
        same = [j for j in (rng.randrange(lo, hi), rng.randrange(lo, hi)) if j != i] or [i]
        while len(same) < 2:
            same.append(same[0])
        other = rng.randrange(n)
        out.append(
            {
                "faq": faq,
                "title": rng.randrange(10_000),
                "desc": rng.randrange(10_000),
                "headings": rng.sample(range(32), 3),
                "questions": rng.sample(range(9), 4),
                "sentences": [rng.randrange(10_000) for _ in range(9)],
                "items": [rng.randrange(10_000) for _ in range(3)],
                "table": rng.randrange(100),
                "alert": rng.randrange(5),
                "links": [same[0], same[1], other] if not faq else [same[0], other, other],
                "updated": date_of(rng),
            }
        )
    return out


def site_toml():
    langs = "\n".join(f'[languages.{l}]\nname = "{NAMES[l]}"\n' for l in LANGS)
    return (
        'title = "Benchmark Help Center"\n'
        'base_url = "https://help.example.com"\n'
        'default_language = "en"\n\n' + langs
    )


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_site(out, n, seed, pools):
    site = os.path.join(out, "site")
    write(os.path.join(site, "site.toml"), site_toml())
    ps = plans(n, seed)
    nsec = section_of(n - 1) + 1
    total_bytes = 0
    for lang in LANGS:
        pool = pools[lang]
        base = os.path.join(site, "content", lang)
        sents = pool["sentences"]
        home = front(HOME[lang], sents[0], "page", None, 0) + sents[1] + "\n\n" + "\n".join(
            f"- [{SECTION_WORD[lang]} {k + 1}](section-{k + 1:03d}/_index.md)" for k in range(min(nsec, 30))
        ) + "\n"
        write(os.path.join(base, "_index.md"), home)
        for k in range(nsec):
            text = front(f"{SECTION_WORD[lang]} {k + 1}", sents[k % len(sents)], "page", None, k + 1)
            text += sents[(k + 3) % len(sents)] + "\n"
            write(os.path.join(base, f"section-{k + 1:03d}", "_index.md"), text)
        for i in range(n):
            md = article(i, n, lang, pool, ps[i])
            total_bytes += len(md.encode())
            write(os.path.join(base, key_of(i) + ".md"), md)
    return site, total_bytes


# --- Hugo -----------------------------------------------------------------

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Language.Lang }}" dir="{{ .Language.LanguageDirection | default "ltr" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">
{{ end }}<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with .Sites.First }}{{ end }}<link rel="stylesheet" href="/style.css">
</head>
<body class="kind-{{ .Params.kind | default "page" }}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="site-title" href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav class="lang-switcher" aria-label="Languages">
<ul>
{{ $cur := .Language.Lang }}{{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}" hreflang="{{ .Language.Lang }}"{{ if eq .Language.Lang $cur }} aria-current="page"{{ end }}>{{ .Language.LanguageName }}</a></li>
{{ end }}</ul>
</nav>
</header>
<main id="main" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
{{ if eq (getenv "HUGO_BENCH_NAV") "full" }}{{ $here := .RelPermalink }}<nav class="site-nav" aria-label="Site">
<ul>
{{ range (where .Site.Pages "Kind" "in" (slice "page" "section")).ByWeight }}<li><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $here }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul>
</nav>
{{ end }}<footer class="site-footer"></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}<article class="page">
<header class="page-header"><h1>{{ .Title }}</h1>
{{ with .Params.updated }}<p class="updated"><time datetime="{{ . }}">{{ . }}</time></p>{{ end }}
</header>
<div class="content">
{{ .Content }}
</div>
</article>
{{ end }}
"""

HUGO_LIST = HUGO_SINGLE

HUGO_LINK_HOOK = """{{- $u := urls.Parse .Destination -}}
{{- $href := .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
{{- $href = relref .Page $u.Path -}}{{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
{{- /**/ -}}
"""

# Search index: one JSON per language (title, url, plain text), as the
# generator's search index is built from the same pages.
HUGO_SEARCH = """[{{ range $i, $p := where .Site.RegularPages "Kind" "page" }}{{ if $i }},{{ end }}{{ dict "t" $p.Title "u" $p.RelPermalink "b" ($p.Plain | truncate 2000) | jsonify }}{{ end }}]
"""


def make_hugo(out, site_dir):
    hugo = os.path.join(out, "hugo")
    content = os.path.join(os.path.abspath(site_dir), "content")
    langs = "\n".join(
        f'[languages.{l}]\nlanguageName = "{NAMES[l]}"\nweight = {k + 1}\n'
        f'contentDir = "{content}/{l}"\n'
        + ('languageDirection = "rtl"\n' if l == "fa" else "")
        for k, l in enumerate(LANGS)
    )
    cfg = f"""baseURL = "https://help.example.com/"
title = "Benchmark Help Center"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS"]
enableGitInfo = false

[outputs]
home = ["HTML", "SearchIndex"]

[outputFormats.SearchIndex]
mediaType = "application/json"
baseName = "search-index"
isPlainText = true
notAlternative = true

[markup.goldmark.renderer]
unsafe = false
[markup.goldmark.parser.attribute]
title = true

{langs}"""
    write(os.path.join(hugo, "config.toml"), cfg)
    lay = os.path.join(hugo, "layouts")
    write(os.path.join(lay, "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(lay, "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(lay, "_default", "list.html"), HUGO_LIST)
    write(os.path.join(lay, "_default", "_markup", "render-link.html"), HUGO_LINK_HOOK)
    write(os.path.join(lay, "index.searchindex.json"), HUGO_SEARCH)
    write(os.path.join(hugo, "static", "style.css"), "body{margin:0}\n")
    return hugo


# --- Zola -----------------------------------------------------------------

ZOLA_BASE = """<!DOCTYPE html>
{%- set p = page | default(value=section) %}
<html lang="{{ lang }}" dir="{% if lang == "fa" %}rtl{% else %}ltr{% endif %}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ p.title }} · {{ config.title }}</title>
{% if p.description %}<meta name="description" content="{{ p.description }}">
{% endif %}<link rel="canonical" href="{{ p.permalink }}">
{% for t in p.translations %}<link rel="alternate" hreflang="{{ t.lang }}" href="{{ t.permalink }}">
{% endfor %}<link rel="stylesheet" href="/style.css">
</head>
<body class="kind-{{ p.extra.kind | default(value="page") }}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="site-title" href="{% if lang == config.default_language %}/{% else %}/{{ lang }}/{% endif %}">{{ config.title }}</a>
<nav class="lang-switcher" aria-label="Languages">
<ul>
{% for t in p.translations %}<li><a href="{{ t.permalink }}" lang="{{ t.lang }}" hreflang="{{ t.lang }}"{% if t.lang == lang %} aria-current="page"{% endif %}>{{ config.extra.names[t.lang] }}</a></li>
{% endfor %}</ul>
</nav>
</header>
<main id="main" tabindex="-1">
<article class="page">
<header class="page-header"><h1>{{ p.title }}</h1>
{% if p.updated %}<p class="updated"><time datetime="{{ p.updated }}">{{ p.updated }}</time></p>{% endif %}
</header>
<div class="content">
{{ p.content | safe }}
</div>
</article>
</main>
<footer class="site-footer"></footer>
</body>
</html>
"""


def zola_front(md, section):
    """The front matter for Zola: `kind` (and `updated` on sections, which
    Zola's section front matter does not have) under [extra]."""
    _, fm, body = md.split("+++", 2)
    keep, extra = [], []
    for line in fm.strip().splitlines():
        key = line.split("=", 1)[0].strip()
        if key == "kind" or (section and key == "updated"):
            extra.append(line)
        else:
            keep.append(line)
    return "+++\n" + "\n".join(keep + (["[extra]"] + extra if extra else [])) + "\n+++" + body


def zola_links(md, lang, rel_dir):
    """Relative `.md` links as Zola's `@/` internal links (with the language
    suffix Zola's translations carry)."""
    suffix = "" if lang == LANGS[0] else f".{lang}"

    def repl(m):
        target = os.path.normpath(os.path.join(rel_dir, m.group(1)))
        return f"](@/{target[:-3]}{suffix}.md)"

    return re.sub(r"\]\(([^)\s]+\.md)\)", repl, md)


def make_zola(out, site_dir):
    zola = os.path.join(out, "zola")
    src = os.path.join(site_dir, "content")
    names = "\n".join(f'{l} = "{NAMES[l]}"' for l in LANGS)
    langs = "\n".join(f'[languages.{l}]\ntitle = "Benchmark Help Center"\nbuild_search_index = true\n' for l in LANGS[1:])
    cfg = f"""base_url = "https://help.example.com"
title = "Benchmark Help Center"
default_language = "{LANGS[0]}"
compile_sass = false
generate_feeds = false
build_search_index = true

[search]
index_format = "fuse_json"

[markdown]
github_alerts = true

{langs}
[extra.names]
{names}
"""
    write(os.path.join(zola, "config.toml"), cfg)
    for lang in LANGS:
        suffix = "" if lang == LANGS[0] else f".{lang}"
        root = os.path.join(src, lang)
        for dirpath, _, files in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root)
            for name in files:
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    md = f.read()
                md = zola_links(zola_front(md, name == "_index.md"), lang, rel_dir)
                dest = os.path.join(zola, "content", rel_dir, name[:-3] + suffix + ".md")
                write(os.path.normpath(dest), md)
    for name in ("index.html", "section.html", "page.html"):
        write(os.path.join(zola, "templates", name), ZOLA_BASE)
    write(os.path.join(zola, "static", "style.css"), "body{margin:0}\n")
    return zola


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True, help="articles per language")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--zola", action="store_true", help="also write a Zola project (OUT/zola)")
    ap.add_argument("--section-size", type=int, default=SECTION_SIZE, help="articles per section (default 50)")
    a = ap.parse_args()
    if a.section_size < 1:
        sys.exit("--section-size must be at least 1")
    set_section_size(a.section_size)
    if a.pages < 2:
        sys.exit("--pages must be at least 2")
    here = os.path.dirname(os.path.abspath(__file__))
    pools = load_pools(os.path.join(here, "text"))
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    site, nbytes = make_site(a.out, a.pages, a.seed, pools)
    if not a.no_hugo:
        make_hugo(a.out, site)
    if a.zola:
        make_zola(a.out, site)
    files = a.pages * len(LANGS)
    print(f"{files} articles ({a.pages} x {len(LANGS)} languages), "
          f"{nbytes / files:.0f} bytes of markdown each on average, in {a.out}")


if __name__ == "__main__":
    main()

"""Content-Security-Policy checking for a built helpsite site.

parse_policy() reads a CSP header value; Policy.allows_url() and
Policy.allows_inline() answer the questions a browser asks (CSP Level 3,
"does url match source list", with the directive fallback lists); scan_site()
walks the built HTML (html.parser) and the stylesheets it loads and reports
every load or inline construct the policy would block.

Standard library only.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

# CSP3 §6.8.3-ish: the directives consulted, in order, for each kind of load.
FALLBACKS = {
    "script-src-elem": ["script-src-elem", "script-src", "default-src"],
    "script-src-attr": ["script-src-attr", "script-src", "default-src"],
    "style-src-elem": ["style-src-elem", "style-src", "default-src"],
    "style-src-attr": ["style-src-attr", "style-src", "default-src"],
    "img-src": ["img-src", "default-src"],
    "font-src": ["font-src", "default-src"],
    "connect-src": ["connect-src", "default-src"],
    "media-src": ["media-src", "default-src"],
    "manifest-src": ["manifest-src", "default-src"],
    "frame-src": ["frame-src", "child-src", "default-src"],
    "object-src": ["object-src", "default-src"],
    "worker-src": ["worker-src", "child-src", "script-src", "default-src"],
    # Navigation directives have no fallback: absent means "anything".
    "form-action": ["form-action"],
    "base-uri": ["base-uri"],
}

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}

# Script types that are data blocks (never executed, CSP does not apply).
# Deliberately narrow: any other inline <script> is reported.
DATA_BLOCK_TYPES = {"application/ld+json"}


class PolicyError(ValueError):
    pass


@dataclass
class Policy:
    directives: dict[str, list[str]]
    origin: str  # the protected resource's origin, for 'self'

    def source_list(self, directive: str) -> list[str] | None:
        """The source list that governs `directive`, or None (no restriction)."""
        for name in FALLBACKS.get(directive, [directive]):
            if name in self.directives:
                return self.directives[name]
        return None

    def allows_url(self, directive: str, url: str, redirected: bool = False) -> bool:
        sources = self.source_list(directive)
        if sources is None:
            return True
        return any(_matches(expr, url, self.origin, redirected) for expr in sources)

    def allows_inline(self, directive: str) -> bool:
        """Inline script/style (elements or attributes) per the source list."""
        sources = self.source_list(directive)
        if sources is None:
            return True
        lowered = [s.lower() for s in sources]
        if "'unsafe-inline'" not in lowered:
            return False
        # 'unsafe-inline' is ignored when a nonce or hash is present
        # (and, for scripts, with 'strict-dynamic').
        return not any(
            s.startswith("'nonce-") or s.startswith("'sha") or s == "'strict-dynamic'"
            for s in lowered
        )


def parse_policy(header: str, origin: str) -> Policy:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not re.fullmatch(r"[a-z0-9-]+", name):
            raise PolicyError(f"bad directive name {tokens[0]!r}")
        if name in directives:
            # Browsers ignore repeated directives; a policy that has one is a mistake.
            raise PolicyError(f"directive {name} appears twice")
        directives[name] = tokens[1:]
    return Policy(directives, origin.rstrip("/"))


def _split_origin(origin: str):
    u = urllib.parse.urlsplit(origin)
    return u.scheme, (u.hostname or "").lower(), u.port or DEFAULT_PORTS.get(u.scheme)


def _scheme_ok(expr_scheme: str, url_scheme: str) -> bool:
    if expr_scheme == url_scheme:
        return True
    # CSP allows the secure variant of an insecure scheme.
    return (expr_scheme, url_scheme) in {("http", "https"), ("ws", "wss")}


def _matches(expr: str, url: str, origin: str, redirected: bool) -> bool:
    u = urllib.parse.urlsplit(url)
    scheme = u.scheme.lower()
    e = expr.strip()
    el = e.lower()
    if el == "'none'":
        return False
    if el == "'self'":
        o_scheme, o_host, o_port = _split_origin(origin)
        port = u.port or DEFAULT_PORTS.get(scheme)
        if (u.hostname or "").lower() != o_host:
            return False
        if scheme == o_scheme and port == o_port:
            return True
        # http: page may load https:/wss: from its own host on default ports.
        return o_scheme in ("http", "ws") and scheme in ("https", "wss") and port == DEFAULT_PORTS[scheme]
    if el.startswith("'"):
        return False  # keywords, nonces, hashes: never match a URL
    if e == "*":
        return scheme in NETWORK_SCHEMES
    m = re.fullmatch(r"([a-zA-Z][a-zA-Z0-9+.-]*):", e)
    if m:  # scheme-source, e.g. https: or data:
        return _scheme_ok(m.group(1).lower(), scheme)
    m = re.fullmatch(
        r"(?:([a-zA-Z][a-zA-Z0-9+.-]*)://)?(\*|(?:\*\.)?[^/:*]+)(?::(\*|[0-9]+))?(/[^?#]*)?", e
    )
    if not m:
        return False
    e_scheme, e_host, e_port, e_path = m.groups()
    if scheme not in NETWORK_SCHEMES:
        return False
    if e_scheme:
        if not _scheme_ok(e_scheme.lower(), scheme):
            return False
    else:
        o_scheme = urllib.parse.urlsplit(origin).scheme
        if not _scheme_ok(o_scheme, scheme):
            return False
    host = (u.hostname or "").lower()
    e_host = e_host.lower()
    if e_host == "*":
        pass
    elif e_host.startswith("*."):
        if not host.endswith(e_host[1:]):
            return False
    elif host != e_host:
        return False
    port = u.port or DEFAULT_PORTS.get(scheme)
    if e_port != "*":
        if e_port is None:
            wanted = DEFAULT_PORTS.get((e_scheme or scheme).lower())
            # a port-less expression also matches the upgraded scheme's default port
            if port != wanted and not (port == 443 and wanted == 80 and scheme in ("https", "wss")):
                return False
        elif port != int(e_port):
            return False
    if e_path and not redirected:
        want = urllib.parse.unquote(e_path)
        have = urllib.parse.unquote(u.path or "/")
        if want.endswith("/"):
            if not have.startswith(want):
                return False
        elif have != want:
            return False
    return True


# ------------------------------------------------------------------ scanning


@dataclass
class Load:
    """One thing a page would load or run, and the directive that governs it."""

    directive: str
    what: str  # human description
    url: str | None = None  # None: inline


@dataclass
class Finding:
    file: str
    line: int
    load: Load
    reason: str

    def __str__(self) -> str:
        target = self.load.url if self.load.url is not None else "(inline)"
        return f"{self.file}:{self.line}: {self.load.what} {target}: {self.reason}"


@dataclass
class PageScan:
    loads: list[tuple[int, Load]] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)


def _srcset_urls(value: str) -> list[str]:
    out = []
    for candidate in value.split(","):
        parts = candidate.strip().split()
        if parts:
            out.append(parts[0])
    return out


_DATA_URL_ATTR = re.compile(r"data-[a-z0-9-]*(index|url|endpoint|src|json|api)")
_DATA_SCRIPT_ATTR = re.compile(r"data-[a-z0-9-]*(script|js)")
_DATA_STYLE_ATTR = re.compile(r"data-[a-z0-9-]*(style|css|stylesheet)")


class _PageParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.base = page_url
        self.scan = PageScan()
        self._in_picture = 0
        self._media_parent: list[str] = []
        self._open_script: tuple[int, str] | None = None
        self._open_style: int | None = None

    def _abs(self, ref: str) -> str:
        return urllib.parse.urljoin(self.base, ref.strip())

    def _add(self, directive: str, what: str, url: str | None):
        self.scan.loads.append((self.getpos()[0], Load(directive, what, url)))

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        line = self.getpos()[0]
        for name, value in a.items():
            if name.startswith("on"):
                self._add("script-src-attr", f"<{tag} {name}=> event handler", None)
            if name == "style":
                self._add("style-src-attr", f"<{tag} style=> attribute", None)
            if name in ("href", "src", "action", "formaction", "data") and value.strip().lower().startswith("javascript:"):
                self._add("script-src-elem", f"<{tag} {name}=javascript:> URL", None)
            if name.startswith("data-") and value.strip().startswith(("/", "http:", "https:", "//", "./", "../")):
                url = self._abs(value)
                if _DATA_SCRIPT_ATTR.fullmatch(name):
                    # e.g. data-search-script="/static/search.<hash>.js": loaded by the page's script
                    self._add("script-src-elem", f"<{tag} {name}> (script loaded by script)", url)
                    self.scan.scripts.append(url)
                elif _DATA_STYLE_ATTR.fullmatch(name):
                    self._add("style-src-elem", f"<{tag} {name}> (stylesheet loaded by script)", url)
                    self.scan.stylesheets.append(url)
                elif _DATA_URL_ATTR.match(name):
                    # e.g. data-search-index="/search/": a base URL the page's script fetches from
                    self._add("connect-src", f"<{tag} {name}> (fetched by script)", url)
        if tag == "base" and "href" in a:
            url = self._abs(a["href"])
            self._add("base-uri", "<base href>", url)
            self.base = url
        elif tag == "script":
            if "src" in a:
                url = self._abs(a["src"])
                self._add("script-src-elem", "<script src>", url)
                self.scan.scripts.append(url)
            else:
                self._open_script = (line, a.get("type", "").strip().lower())
        elif tag == "style":
            self._open_style = line
        elif tag == "link":
            rels = set(a.get("rel", "").lower().split())
            href = a.get("href")
            if href is None:
                return
            url = self._abs(href)
            if "stylesheet" in rels:
                self._add("style-src-elem", "<link rel=stylesheet>", url)
                self.scan.stylesheets.append(url)
            elif "modulepreload" in rels:
                self._add("script-src-elem", "<link rel=modulepreload>", url)
            elif "preload" in rels:
                kind = {"script": "script-src-elem", "style": "style-src-elem", "font": "font-src",
                        "image": "img-src", "fetch": "connect-src"}.get(a.get("as", "").lower())
                if kind:
                    self._add(kind, f"<link rel=preload as={a.get('as')}>", url)
            elif rels & {"icon", "apple-touch-icon", "mask-icon"}:
                self._add("img-src", "<link rel=icon>", url)
            elif "manifest" in rels:
                self._add("manifest-src", "<link rel=manifest>", url)
        elif tag in ("img", "input") and (tag == "img" or a.get("type", "").lower() == "image"):
            if a.get("src"):
                self._add("img-src", f"<{tag} src>", self._abs(a["src"]))
            for ref in _srcset_urls(a.get("srcset", "")):
                self._add("img-src", f"<{tag} srcset>", self._abs(ref))
        elif tag == "picture":
            self._in_picture += 1
        elif tag in ("video", "audio"):
            self._media_parent.append(tag)
            if a.get("src"):
                self._add("media-src", f"<{tag} src>", self._abs(a["src"]))
            if a.get("poster"):
                self._add("img-src", f"<{tag} poster>", self._abs(a["poster"]))
        elif tag == "source":
            if self._in_picture:
                for ref in _srcset_urls(a.get("srcset", "")):
                    self._add("img-src", "<picture><source srcset>", self._abs(ref))
            elif a.get("src"):
                self._add("media-src", "<source src>", self._abs(a["src"]))
        elif tag == "track" and a.get("src"):
            self._add("media-src", "<track src>", self._abs(a["src"]))
        elif tag in ("iframe", "frame") and a.get("src"):
            self._add("frame-src", f"<{tag} src>", self._abs(a["src"]))
        elif tag == "object" and a.get("data"):
            self._add("object-src", "<object data>", self._abs(a["data"]))
        elif tag == "embed" and a.get("src"):
            self._add("object-src", "<embed src>", self._abs(a["src"]))
        elif tag == "form":
            # A form without action submits to the page itself.
            url = self._abs(a.get("action") or self.base)
            self._add("form-action", "<form action>", url)
            self.scan.forms.append(url)
            if a.get("method", "get").lower() == "post":
                # site.js submits forms with fetch(form.action): connect-src too.
                self._add("connect-src", "fetch(form.action)", url)
        if tag in ("button", "input") and a.get("formaction"):
            self._add("form-action", f"<{tag} formaction>", self._abs(a["formaction"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script" and self._open_script:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._open_script is not None:
            line, typ = self._open_script
            self._open_script = None
            essence = typ.split(";")[0].strip()
            if essence in DATA_BLOCK_TYPES:
                return
            label = f"inline <script type={typ}>" if typ else "inline <script>"
            self.scan.loads.append((line, Load("script-src-elem", label, None)))
        elif tag == "style" and self._open_style is not None:
            self.scan.loads.append((self._open_style, Load("style-src-elem", "<style> element", None)))
            self._open_style = None
        elif tag == "picture" and self._in_picture:
            self._in_picture -= 1
        elif tag in ("video", "audio") and self._media_parent:
            self._media_parent.pop()


_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_FONT_EXT = (".woff2", ".woff", ".ttf", ".otf", ".eot")


def css_loads(text: str, css_url: str) -> list[tuple[int, Load]]:
    """url(...) and @import references of a stylesheet, with their directives."""
    out = []
    clean = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    imports = set()
    for m in _CSS_IMPORT.finditer(clean):
        line = clean.count("\n", 0, m.start()) + 1
        url = urllib.parse.urljoin(css_url, m.group(1))
        imports.add(url)
        out.append((line, Load("style-src-elem", "@import", url)))
    for m in _CSS_URL.finditer(clean):
        ref = next(g for g in m.groups() if g is not None).strip()
        if not ref or ref.startswith("#"):
            continue  # fragment-only references point into the document
        url = urllib.parse.urljoin(css_url, ref)
        if url in imports:
            continue
        line = clean.count("\n", 0, m.start()) + 1
        path = urllib.parse.urlsplit(url).path.lower()
        directive = "font-src" if path.endswith(_FONT_EXT) else "img-src"
        out.append((line, Load(directive, "url() in stylesheet", url)))
    return out


_JS_FETCH = re.compile(
    r"""(?:\bfetch|\bnew\s+EventSource|\bnew\s+WebSocket|\bsendBeacon|\.open\(\s*["'][A-Z]+["']\s*,)\s*\(?\s*(["'`])([^"'`]+)\1"""
)


def js_loads(text: str, js_url: str) -> list[tuple[int, Load]]:
    """fetch("…"), EventSource, WebSocket, sendBeacon, xhr.open with a literal URL."""
    out = []
    for m in _JS_FETCH.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        url = urllib.parse.urljoin(js_url, m.group(2))
        out.append((line, Load("connect-src", "literal URL fetched by script", url)))
    return out


def page_url_for(rel: str, origin: str) -> str:
    """The URL a built file is served at: en/billing/index.html -> /en/billing/."""
    rel = rel.replace(os.sep, "/")
    if rel == "index.html":
        path = "/"
    elif rel.endswith("/index.html"):
        path = "/" + rel[: -len("index.html")]
    else:
        path = "/" + rel
    return origin.rstrip("/") + path


def local_file(site: str, url: str, origin: str) -> str | None:
    """The file of the built site a same-origin URL names, if any."""
    u = urllib.parse.urlsplit(url)
    o = urllib.parse.urlsplit(origin)
    if (u.scheme, u.netloc) != (o.scheme, o.netloc):
        return None
    path = urllib.parse.unquote(u.path)
    if path.endswith("/"):
        path += "index.html"
    full = os.path.normpath(os.path.join(site, path.lstrip("/")))
    if not full.startswith(os.path.normpath(site) + os.sep):
        return None
    return full


def check_loads(policy: Policy, file: str, loads: list[tuple[int, Load]]) -> list[Finding]:
    findings = []
    for line, load in loads:
        if load.url is None:
            if not policy.allows_inline(load.directive):
                findings.append(Finding(file, line, load, f"inline code blocked by {load.directive}"))
        elif load.url.startswith("data:") or load.url.startswith("blob:"):
            scheme = load.url.split(":", 1)[0] + ":"
            sources = policy.source_list(load.directive) or [scheme]
            if scheme not in [s.lower() for s in sources]:
                findings.append(Finding(file, line, load, f"{scheme} not allowed by {load.directive}"))
        elif not policy.allows_url(load.directive, load.url):
            sources = policy.source_list(load.directive)
            findings.append(
                Finding(file, line, load, f"not allowed by {load.directive} ({' '.join(sources or [])})")
            )
    return findings


@dataclass
class FileResult:
    file: str
    kind: str  # html, css, js
    loads: int
    findings: list[Finding]
    forms: list[str] = field(default_factory=list)


def scan_html(policy: Policy, site: str, rel: str, text: str, origin: str) -> tuple[FileResult, PageScan]:
    parser = _PageParser(page_url_for(rel, origin))
    parser.feed(text)
    parser.close()
    scan = parser.scan
    return FileResult(rel, "html", len(scan.loads), check_loads(policy, rel, scan.loads), scan.forms), scan


def scan_site(policy: Policy, site: str, origin: str) -> list[FileResult]:
    """Every HTML page of the site, then every same-origin stylesheet and
    script those pages load (missing local files are findings too)."""
    results: list[FileResult] = []
    stylesheets: dict[str, str] = {}
    scripts: dict[str, str] = {}
    for dirpath, _dirs, files in sorted(os.walk(site)):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, site)
            with open(full, encoding="utf-8") as f:
                result, scan = scan_html(policy, site, rel, f.read(), origin)
            for kind, urls, seen in (("stylesheet", scan.stylesheets, stylesheets), ("script", scan.scripts, scripts)):
                for url in urls:
                    local = local_file(site, url, origin)
                    if local is None:
                        continue
                    if not os.path.isfile(local):
                        result.findings.append(
                            Finding(rel, 0, Load("default-src", f"{kind}", url), "file missing from the built site")
                        )
                    else:
                        seen.setdefault(url, local)
            results.append(result)
    for url, local in sorted(stylesheets.items()):
        rel = os.path.relpath(local, site)
        with open(local, encoding="utf-8") as f:
            loads = css_loads(f.read(), url)
        results.append(FileResult(rel, "css", len(loads), check_loads(policy, rel, loads)))
    for url, local in sorted(scripts.items()):
        rel = os.path.relpath(local, site)
        with open(local, encoding="utf-8") as f:
            loads = js_loads(f.read(), url)
        results.append(FileResult(rel, "js", len(loads), check_loads(policy, rel, loads)))
    return results

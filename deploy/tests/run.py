"""Offline tests of deploy/template.yaml against a built site.

    .venv/bin/python deploy/tests/run.py --site DIR [--endpoint URL] [--root DIR]

- The site's Content-Security-Policy (from the template's response-headers
  policy) allows everything every built page loads: scripts, stylesheets,
  images, fonts and imports inside the stylesheets, literal fetches in the
  scripts, and the contact form's action (form-action and connect-src);
  no inline script (other than application/ld+json data) or style.
- Negative controls: synthetic pages that break the policy must fail the
  checker, so it cannot pass vacuously.
- The template's outputs, headers, caching, error pages, IAM scope, buckets,
  functions, API throttling and CORS origin are what README.md (Deploy)
  promises.
- The CloudFront directory-index function (run under node) maps every page
  URL of the built site to its file.

--endpoint defaults to $HELPSITE_FORM_ENDPOINT: the URL the site was built
with, standing in for the stack's FormEndpoint output. The site origin is
site.toml's base_url (as if deployed with CustomDomain = its host).
Output ends with "N passed, M failed"; exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cfn  # noqa: E402
import csp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLOUDFRONT_DOMAIN = "d111111abcdef8.cloudfront.net"

results: list[tuple[str, str | None]] = []


def record(name: str, error: str | None) -> None:
    results.append((name, error))
    if error is None:
        print(f"ok - {name}")
    else:
        print(f"not ok - {name}")
        for line in error.rstrip().splitlines():
            print(f"    {line}")


def run(name: str, fn, *args) -> None:
    try:
        fn(*args)
    except AssertionError as e:
        record(name, str(e) or "assertion failed")
    except Exception:  # a broken test is a failed test
        record(name, traceback.format_exc())
    else:
        record(name, None)


class Env:
    """Everything the tests share, computed once."""

    def __init__(self, args):
        self.template_path = args.template
        self.template = cfn.load(args.template)
        self.site = args.site
        self.endpoint = args.endpoint
        with open(os.path.join(args.root, "site.toml"), "rb") as f:
            base_url = tomllib.load(f)["base_url"]
        u = urllib.parse.urlsplit(base_url)
        self.origin = f"{u.scheme}://{u.netloc}"
        e = urllib.parse.urlsplit(self.endpoint)
        # The API's base URL: the endpoint without its /contact route.
        api = f"{e.scheme}://{e.netloc}" + (e.path[: -len("/contact")] if e.path.endswith("/contact") else "")
        self.attributes = {
            "ContactApi.ApiEndpoint": api,
            "Distribution.DomainName": CLOUDFRONT_DOMAIN,
            "SiteBucket.Arn": "arn:aws:s3:::helpsite-sitebucket-abc",
            "SiteBucket.RegionalDomainName": "helpsite-sitebucket-abc.s3.us-east-1.amazonaws.com",
            "ArchiveBucket.Arn": "arn:aws:s3:::helpsite-archivebucket-abc",
            "HandlerLogGroup.Arn": "arn:aws:logs:us-east-1:123456789012:log-group:helpsite-HandlerLogGroup:*",
            "RedeliverLogGroup.Arn": "arn:aws:logs:us-east-1:123456789012:log-group:helpsite-RedeliverLogGroup:*",
            "ContactRole.Arn": "arn:aws:iam::123456789012:role/helpsite-ContactRole",
            "ContactFunction.Arn": "arn:aws:lambda:us-east-1:123456789012:function:helpsite-ContactFunction",
            "SiteOriginAccessControl.Id": "E2OAC",
            "DirectoryIndexFunction.FunctionMetadata.FunctionARN": "arn:aws:cloudfront::123456789012:function/x",
        }
        self.refs = {
            "ArchiveBucket": "helpsite-archivebucket-abc",
            "SiteBucket": "helpsite-sitebucket-abc",
            "Distribution": "E1DIST",
            "ContactApi": urllib.parse.urlsplit(api).hostname.split(".")[0],
            "ContactIntegration": "integ1",
            "ContactFunction": "helpsite-ContactFunction",
            "RedeliverFunction": "helpsite-RedeliverFunction",
            "PagesCachePolicy": "pages-cache",
            "AssetsCachePolicy": "assets-cache",
            "PagesHeadersPolicy": "pages-headers",
            "AssetsHeadersPolicy": "assets-headers",
            "HandlerLogGroup": "helpsite-HandlerLogGroup",
            "RedeliverLogGroup": "helpsite-RedeliverLogGroup",
        }
        self.required = {
            "SesIdentity": "example.com",
            "SenderAddress": "Help <help@example.com>",
            "SupportRecipients": "support@example.com",
        }
        # As deployed for this site: its base_url host as the custom domain.
        self.custom = self.resolver({
            "CustomDomain": u.hostname,
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        })
        # As deployed on the CloudFront domain alone.
        self.plain = self.resolver({})
        self.resources = self.template["Resources"]
        self.csp_header = self.custom.resolve(
            self.resources["PagesHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
            ["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        )
        self.policy = csp.parse_policy(self.csp_header, self.origin)

    def resolver(self, extra: dict) -> cfn.Resolver:
        return cfn.Resolver(self.template, {**self.required, **extra}, self.refs, self.attributes)

    def resource(self, name: str, resolver: cfn.Resolver | None = None) -> dict:
        return (resolver or self.custom).resolve(self.resources[name])


# ------------------------------------------------------------ CSP and pages


def t_policy_is_strict(env: Env):
    d = env.policy.directives
    print(f"    CSP: {env.csp_header}")
    for name in ("default-src", "script-src", "style-src", "form-action", "connect-src",
                 "base-uri", "object-src", "frame-ancestors"):
        assert name in d, f"CSP has no {name}"
    for name in ("default-src", "script-src", "style-src", "img-src", "font-src"):
        bad = [s for s in d.get(name, []) if s.lower() in
               ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:",
                "https:", "http:", "blob:")]
        assert not bad, f"{name} allows {bad}"
    assert d["object-src"] == ["'none'"], d["object-src"]
    assert d["base-uri"] == ["'none'"], d["base-uri"]
    assert d["frame-ancestors"] == ["'none'"], d["frame-ancestors"]
    # form-action and connect-src: the handler's URL, and the site itself
    # (the 303 to the thank-you page; the search index).
    # The handler's siblings: votes are posted (form-action, connect-src),
    # insights only sent by script (connect-src).
    base = env.endpoint[: -len("/contact")] if env.endpoint.endswith("/contact") else env.endpoint
    # Attachments: the grant (the handler), then the presigned POST to the
    # archive bucket in the stack's region. The bucket is not named: its
    # CORS names the distribution, whose headers policy holds this CSP.
    region = urllib.parse.urlsplit(env.endpoint).netloc.split(".")[2]
    expected = {
        "form-action": ["'self'", env.endpoint, base + "/feedback"],
        "connect-src": ["'self'", env.endpoint, base + "/feedback", base + "/insights",
                        env.endpoint + "/uploads", f"https://*.s3.{region}.amazonaws.com"],
    }
    for name, want in expected.items():
        assert sorted(d[name]) == sorted(want), f"{name} is {d[name]}, expected {want}"
    assert not env.policy.allows_inline("script-src-elem") and not env.policy.allows_inline("style-src-attr")


def t_pages_within_policy(env: Env, results_by_file):
    html = [r for r in results_by_file if r.kind == "html"]
    assert html, f"no HTML pages in {env.site}"


def t_contact_forms_post_to_endpoint(env: Env, results_by_file):
    forms = [(r.file, f) for r in results_by_file for f in r.forms]
    assert forms, "no <form> in the built site: is the contact page missing?"
    to_endpoint = [x for x in forms if x[1] == env.endpoint]
    assert to_endpoint, (
        f"no form posts to {env.endpoint} (forms: {sorted(set(f for _, f in forms))}); "
        "was the site built with HELPSITE_FORM_ENDPOINT?"
    )
    print(f"    {len(to_endpoint)} contact form(s) post to {env.endpoint}")


def t_error_pages_use_root_relative_urls(env: Env):
    # /404.html is served as the error page at any path: a relative URL in
    # it would resolve against the missing page's path.
    problems = []
    for rel in ["404.html"] + [os.path.join(d, "404.html") for d in sorted(os.listdir(env.site))]:
        full = os.path.join(env.site, rel)
        if not os.path.isfile(full):
            continue
        with open(full, encoding="utf-8") as f:
            scan = csp._PageParser("https://x.invalid/deep/missing/path/")
            scan.feed(f.read())
        for line, load in scan.scan.loads:
            if load.url and not load.url.startswith(("https://x.invalid/static/", env.endpoint)) \
                    and urllib.parse.urlsplit(load.url).path.startswith("/deep/"):
                problems.append(f"{rel}:{line}: {load.what} resolves relative to the request path")
    assert os.path.isfile(os.path.join(env.site, "404.html")), "the site has no /404.html"
    assert not problems, "\n".join(problems)


NEGATIVE = {
    "inline script": '<script>alert(1)</script>',
    "module inline script": '<script type="module">import "/x.js"</script>',
    "unknown data block type": '<script type="text/template"><b>x</b></script>',
    "off-origin script": '<script src="https://cdn.example.net/lib.js"></script>',
    "protocol-relative script": '<script src="//cdn.example.net/lib.js"></script>',
    "off-origin stylesheet": '<link rel="stylesheet" href="https://fonts.example.net/a.css">',
    "style element": "<style>body{color:red}</style>",
    "style attribute": '<p style="color:red">x</p>',
    "event handler attribute": '<button onclick="go()">x</button>',
    "javascript: URL": '<a href="javascript:go()">x</a>',
    "form to another endpoint": '<form method="post" action="https://evil.example/collect"></form>',
    "form to the endpoint on another path": '<form method="post" action="{api}/other"></form>',
    "off-origin image": '<img src="https://tracker.example/p.gif" alt="">',
    "data: image": '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">',
    "iframe": '<iframe src="https://www.example.com/embed"></iframe>',
    "object": '<object data="/static/x.swf"></object>',
    "base element": '<base href="https://evil.example/">',
    "stylesheet loading a remote font": '<link rel="stylesheet" href="/static/remote-font.css">',
    "script fetching another origin": '<script src="/static/beacon.js"></script>',
    "script told to fetch from another origin": '<form data-search-index="https://index.example/search/"></form>',
    "script told to load a script from another origin": '<form data-search-script="https://cdn.example.net/s.js"></form>',
}

POSITIVE = {
    "ld+json data block": '<script type="application/ld+json">{"@type":"FAQPage"}</script>',
    "own script and stylesheet": '<script src="/static/ok.js" defer></script>'
                                 '<link rel="stylesheet" href="/static/ok.css">',
    "contact form to the endpoint": '<form method="post" action="{endpoint}"></form>',
    "own image": '<img src="/static/logo.png" alt="">',
    "print stylesheet": '<link rel="stylesheet" href="/static/ok.css" media="print">',
    "search form with its own index and script": '<form role="search" action="/en/search/" data-search-index="/search/"'
                                                 ' data-search-script="/static/ok.js"><input name="q"></form>',
}


def synthetic_site(body: str) -> str:
    d = tempfile.mkdtemp(prefix="csp-control-")
    os.makedirs(os.path.join(d, "static"))
    files = {
        "static/ok.js": 'fetch("/search/en/index.json").then(function (r) { return r.json(); });\n',
        "static/ok.css": "body { background: url(/static/bg.png); }\n",
        "static/remote-font.css": '@font-face { font-family: X; src: url("https://fonts.example.net/x.woff2"); }\n',
        "static/beacon.js": 'fetch("https://analytics.example/collect", { method: "POST" });\n',
        "static/bg.png": "", "static/logo.png": "",
    }
    for rel, text in files.items():
        with open(os.path.join(d, rel), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(d, "index.html"), "w", encoding="utf-8") as f:
        f.write(f"<!DOCTYPE html><html lang=en><head><title>t</title></head><body>{body}</body></html>")
    return d


def t_control(env: Env, body: str, must_fail: bool):
    api = env.attributes["ContactApi.ApiEndpoint"]
    d = synthetic_site(body.replace("{endpoint}", env.endpoint).replace("{api}", api))
    try:
        findings = [f for r in csp.scan_site(env.policy, d, env.origin) for f in r.findings]
    finally:
        shutil.rmtree(d)
    if must_fail:
        assert findings, f"the checker let this through: {body}"
        print(f"    caught: {findings[0]}")
    else:
        assert not findings, "\n".join(map(str, findings))


def t_checker_not_hardwired(env: Env):
    # The same inline script passes a policy that allows it: the checker
    # reads the policy rather than rejecting inline code unconditionally.
    lax = csp.parse_policy("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'",
                           env.origin)
    d = synthetic_site('<script>1</script><p style="x">x</p>')
    try:
        findings = [f for r in csp.scan_site(lax, d, env.origin) for f in r.findings]
    finally:
        shutil.rmtree(d)
    assert not findings, "\n".join(map(str, findings))
    assert csp.parse_policy("form-action https://a.example/contact", env.origin).allows_url(
        "form-action", "https://a.example/contact")
    assert not csp.parse_policy("form-action https://a.example/contact", env.origin).allows_url(
        "form-action", "https://a.example/contact/x")
    assert csp.parse_policy("img-src *.example.com", env.origin).allows_url("img-src", "https://a.example.com/x")
    assert not csp.parse_policy("img-src *.example.com", env.origin).allows_url("img-src", "https://example.com/x")


# ------------------------------------------------------------ the template


def t_outputs(env: Env):
    outputs = env.template["Outputs"]
    for name in ("SiteURL", "FormEndpoint", "SiteBucketName", "DistributionId"):
        assert name in outputs, f"no output {name}"
    got = env.custom.resolve(outputs["FormEndpoint"]["Value"])
    assert got == env.endpoint, f"FormEndpoint output resolves to {got}, the site was built with {env.endpoint}"
    assert env.custom.resolve(outputs["SiteURL"]["Value"]) == env.origin
    assert env.plain.resolve(outputs["SiteURL"]["Value"]) == f"https://{CLOUDFRONT_DOMAIN}"


def headers_policy(env: Env, name: str) -> dict:
    return env.resource(name)["Properties"]["ResponseHeadersPolicyConfig"]


def custom_headers(cfg: dict) -> dict:
    return {h["Header"].lower(): h["Value"] for h in cfg.get("CustomHeadersConfig", {}).get("Items", [])}


def t_security_headers(env: Env):
    for name in ("PagesHeadersPolicy", "AssetsHeadersPolicy"):
        cfg = headers_policy(env, name)
        sec = cfg["SecurityHeadersConfig"]
        assert sec["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000, name
        assert sec["StrictTransportSecurity"]["Override"] is True, name
        assert sec["ContentTypeOptions"]["Override"] is True, f"{name}: no X-Content-Type-Options"
        assert sec["ReferrerPolicy"]["ReferrerPolicy"] in (
            "no-referrer", "strict-origin-when-cross-origin", "same-origin", "strict-origin"), name
    pages = headers_policy(env, "PagesHeadersPolicy")
    assert pages["SecurityHeadersConfig"]["ContentSecurityPolicy"]["Override"] is True
    pp = custom_headers(pages).get("permissions-policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in pp, f"Permissions-Policy lacks {feature}: {pp}"


def t_caching(env: Env):
    dist = env.resource("Distribution")["Properties"]["DistributionConfig"]
    default = dist["DefaultCacheBehavior"]
    assert default["ResponseHeadersPolicyId"] == "pages-headers"
    assert default["CachePolicyId"] == "pages-cache"
    static = [b for b in dist["CacheBehaviors"] if b["PathPattern"] == "/static/*"]
    assert len(static) == 1, "no /static/* cache behavior"
    assert static[0]["ResponseHeadersPolicyId"] == "assets-headers"
    assert static[0]["CachePolicyId"] == "assets-cache"
    assets_cc = custom_headers(headers_policy(env, "AssetsHeadersPolicy"))["cache-control"]
    assert "immutable" in assets_cc and "max-age=31536000" in assets_cc, assets_cc
    pages_cc = custom_headers(headers_policy(env, "PagesHeadersPolicy"))["cache-control"]
    age = int(pages_cc.split("max-age=")[1].split(",")[0])
    assert age <= 600 and "immutable" not in pages_cc, pages_cc
    assets_ttl = env.resource("AssetsCachePolicy")["Properties"]["CachePolicyConfig"]
    pages_ttl = env.resource("PagesCachePolicy")["Properties"]["CachePolicyConfig"]
    assert assets_ttl["DefaultTTL"] >= 31536000 and assets_ttl["MinTTL"] >= 86400
    assert pages_ttl["DefaultTTL"] <= 600 and pages_ttl["MaxTTL"] <= 3600
    for b in [default] + static:
        assert b["ViewerProtocolPolicy"] == "redirect-to-https" and b["Compress"] is True
    # the hashed assets really are under /static/ with a 10-hex hash
    import re
    for folder, _, names in os.walk(os.path.join(env.site, "static")):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), env.site)
            assert re.fullmatch(r"[a-z0-9_-]+\.[0-9a-f]{10}\.[a-z0-9]+", name), \
                f"{rel} is not <name>.<hash>.<ext>: it would be cached for a year"


def t_error_responses(env: Env):
    dist = env.resource("Distribution")["Properties"]["DistributionConfig"]
    errs = {e["ErrorCode"]: e for e in dist["CustomErrorResponses"]}
    for code in (403, 404):
        assert errs[code]["ResponsePagePath"] == "/404.html" and errs[code]["ResponseCode"] == 404, errs.get(code)
    assert os.path.isfile(os.path.join(env.site, "404.html"))


def t_site_bucket_private(env: Env):
    bucket = env.resource("SiteBucket")["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    dist = env.resource("Distribution")["Properties"]["DistributionConfig"]
    origin = dist["Origins"][0]
    assert origin["OriginAccessControlId"] == "E2OAC" and origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    policy = env.resource("SiteBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in policy if s["Effect"] == "Allow"]
    assert len(allows) == 1, allows
    s = allows[0]
    assert s["Principal"] == {"Service": "cloudfront.amazonaws.com"} and s["Action"] == "s3:GetObject", s
    assert s["Condition"]["StringEquals"]["AWS:SourceArn"].endswith(":distribution/E1DIST"), s


def t_archive_bucket(env: Env):
    props = env.resource("ArchiveBucket")["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values()) and len(props["PublicAccessBlockConfiguration"]) == 4
    enc = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert enc["SSEAlgorithm"] in ("AES256", "aws:kms"), enc
    rules = props["LifecycleConfiguration"]["Rules"]
    expiring = [r for r in rules if r["Status"] == "Enabled" and "ExpirationInDays" in r]
    assert expiring and expiring[0]["Prefix"] == "submissions/", rules
    # Votes and insights expire on their own schedule.
    signal_days = str(env.template["Parameters"]["SignalRetentionDays"]["Default"])
    for prefix in ("feedback/", "insights/"):
        rule = [r for r in expiring if r["Prefix"] == prefix]
        assert rule and str(rule[0]["ExpirationInDays"]) == signal_days, (prefix, rules)
    # Uploads no submission named vanish after a day; kept files live as
    # long as their records.
    uploads = [r for r in expiring if r["Prefix"] == "uploads/"]
    assert uploads and str(uploads[0]["ExpirationInDays"]) == "1", rules
    kept = [r for r in expiring if r["Prefix"] == "attachments/"]
    assert kept and kept[0]["ExpirationInDays"] == expiring[0]["ExpirationInDays"], rules
    # Browsers POST uploads from the site's origin only.
    cors = env.custom.resolve(props["CorsConfiguration"])["CorsRules"]
    assert [r["AllowedMethods"] for r in cors] == [["POST"]], cors
    assert env.origin in cors[0]["AllowedOrigins"] and "*" not in cors[0]["AllowedOrigins"], cors
    assert env.resources["ArchiveBucket"].get("DeletionPolicy") == "Retain"


def allow_statements(env: Env, resolver: cfn.Resolver):
    role = env.resource("ContactRole", resolver)["Properties"]
    out = []
    for p in role["Policies"]:
        for s in p["PolicyDocument"]["Statement"]:
            assert s["Effect"] == "Allow", s
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            out.append((p["PolicyName"], actions, resources))
    return out


def t_least_privilege(env: Env):
    identity = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    bucket = env.attributes["ArchiveBucket.Arn"]
    seen = set()
    for name, actions, resources in allow_statements(env, env.custom):
        for a in actions:
            assert "*" not in a, f"{name}: wildcard action {a}"
            seen.add(a)
        for r in resources:
            assert r != "*", f"{name}: Resource * for {actions}"
        if any(a.startswith("ses:") for a in actions):
            assert set(actions) <= {"ses:SendEmail", "ses:SendRawEmail"}, actions
            assert resources == [identity], resources
        elif any(a.startswith("s3:") for a in actions):
            assert set(actions) <= {"s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"}, actions
            for r in resources:
                assert r == bucket or r.startswith(bucket + "/"), r
            if "s3:DeleteObject" in actions:
                # Markers and claims only: a record is never deleted.
                assert sorted(resources) == [bucket + "/leases/*", bucket + "/pending/*", bucket + "/webhook-pending/*"], resources
            signals = [r for r in resources if r.startswith((bucket + "/feedback/", bucket + "/insights/"))]
            if signals:
                # Anonymous signals: written once, never read or deleted by the functions.
                assert actions == ["s3:PutObject"], actions
                assert sorted(resources) == [bucket + "/feedback/*", bucket + "/insights/*"], resources
            files = [r for r in resources if r.startswith((bucket + "/uploads/", bucket + "/attachments/"))]
            if files:
                # Sign and check uploads, keep and link attachments: never delete.
                assert set(actions) == {"s3:PutObject", "s3:GetObject"} and len(files) == len(resources), (actions, resources)
            if "s3:ListBucket" in actions:
                assert resources == [bucket], resources
        elif any(a.startswith("logs:") for a in actions):
            assert set(actions) <= {"logs:CreateLogStream", "logs:PutLogEvents"}, actions
        else:
            raise AssertionError(f"{name}: unexpected actions {actions}")
    for needed in ("ses:SendEmail", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"):
        assert needed in seen, f"the role lacks {needed}, which the handler needs"
    # With a configuration set, SES also authorizes against it: exactly one more ARN.
    with_set = env.resolver({"SesConfigurationSet": "helpsite"})
    ses = [r for _, a, r in allow_statements(env, with_set) if "ses:SendEmail" in a][0]
    assert ses == [identity, "arn:aws:ses:us-east-1:123456789012:configuration-set/helpsite"], ses
    # Nothing else in the template grants anything to anyone.
    for name, res in env.resources.items():
        if res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User"):
            raise AssertionError(f"unexpected IAM resource {name}")
        if res["Type"] == "AWS::Serverless::Function":
            assert "Policies" not in res["Properties"], f"{name}: extra SAM policies"
            assert res["Properties"]["Role"] == {"Fn::GetAtt": ["ContactRole", "Arn"]}, name


def t_functions(env: Env):
    glob = env.template["Globals"]["Function"]
    assert glob["Runtime"] == "provided.al2023" and glob["Architectures"] == ["x86_64"] and glob["Handler"] == "bootstrap"
    fns = {n: r["Properties"] for n, r in env.resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert fns["ContactFunction"]["CodeUri"] == "build/handler.zip"
    assert fns["RedeliverFunction"]["CodeUri"] == "build/redeliver.zip"
    events = fns["RedeliverFunction"]["Events"]
    assert [e["Type"] for e in events.values()] == ["Schedule"], events
    for p in fns.values():
        assert "Runtime" not in p and "Architectures" not in p, "per-function runtime overrides the Globals"
    envvars = env.custom.resolve(glob["Environment"]["Variables"])
    assert envvars["CONTACT_ARCHIVE"] == "s3://helpsite-archivebucket-abc/"
    assert envvars["CONTACT_MAILER"] == "ses"
    # the site's texts, which deploy/package.sh puts into both zips
    assert envvars["CONTACT_FORM_DEFINITION"] == "/var/task/form.json"
    assert envvars["CONTACT_THANKS_URL"] == env.origin + "/{lang}/contact/thanks/?ref={ref}", envvars["CONTACT_THANKS_URL"]
    assert envvars["CONTACT_ERROR_URL"] == env.origin + "/{lang}/contact/error/?code={code}"
    # the redirect targets exist in the built site, for every language
    for lang in envvars["CONTACT_LANGUAGES"].split(","):
        for page in ("thanks", "error"):
            f = os.path.join(env.site, lang, "contact", page, "index.html")
            assert os.path.isfile(f), f"{f} missing: the handler would redirect to a 404"
    # the handler reads only variables it knows (handler/src/config.rs)
    with open(os.path.join(REPO, "handler", "src", "config.rs"), encoding="utf-8") as f:
        config_rs = f.read()
    for name in envvars:
        assert f'"{name}"' in config_rs, f"{name} is not read by handler/src/config.rs"


def t_api_and_cors(env: Env):
    routes = sorted(r["Properties"]["RouteKey"] for r in env.resources.values() if r["Type"] == "AWS::ApiGatewayV2::Route")
    assert routes == ["OPTIONS /contact", "OPTIONS /contact/uploads", "OPTIONS /feedback", "OPTIONS /insights",
                      "POST /contact", "POST /contact/uploads", "POST /feedback", "POST /insights"], routes
    stage = env.resource("ContactApiStage")["Properties"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert int(stage["DefaultRouteSettings"]["ThrottlingRateLimit"]) > 0
    assert int(stage["DefaultRouteSettings"]["ThrottlingBurstLimit"]) > 0
    for route in ("POST /feedback", "POST /insights"):
        limits = stage["RouteSettings"][route]
        assert int(limits["ThrottlingRateLimit"]) > 0 and int(limits["ThrottlingBurstLimit"]) > 0, limits
    arns = sorted(r["Properties"]["SourceArn"]["Fn::Sub"].rsplit("/", 1)[1]
                  for r in env.resources.values() if r["Type"] == "AWS::Lambda::Permission"
                  and "execute-api" in str(r["Properties"]["SourceArn"]))
    assert arns == ["contact", "feedback", "insights", "uploads"], arns
    glob = env.template["Globals"]["Function"]["Environment"]["Variables"]
    origins = env.custom.resolve(glob["CONTACT_ALLOWED_ORIGINS"]).split(",")
    assert env.origin in origins and "*" not in origins, origins
    assert set(origins) <= {env.origin, f"https://{CLOUDFRONT_DOMAIN}"}, origins
    assert env.plain.resolve(glob["CONTACT_ALLOWED_ORIGINS"]) == f"https://{CLOUDFRONT_DOMAIN}"
    perm = env.resource("ContactApiInvokePermission")["Properties"]
    assert perm["Principal"] == "apigateway.amazonaws.com" and perm["SourceArn"].endswith("/contact"), perm


# ------------------------------------------------------------ CloudFront Function

NODE_HARNESS = r"""
const code = require('fs').readFileSync(process.argv[process.argv.length - 1], 'utf8');
const handler = new Function(code + '\nreturn handler;')();
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map(c => {
  const r = handler({version: '1.0', context: {eventType: 'viewer-request'}, viewer: {ip: '192.0.2.1'},
    request: {method: 'GET', uri: c.uri, querystring: c.qs || {}, headers: {}, cookies: {}}});
  return r.statusCode ? {status: r.statusCode, location: r.headers.location.value} : {uri: r.uri};
});
process.stdout.write(JSON.stringify(out));
"""


def t_directory_index_function(env: Env):
    node = shutil.which("node")
    assert node, "node is needed to run the CloudFront Function (apt-get install nodejs)"
    fn = env.resources["DirectoryIndexFunction"]["Properties"]
    assert fn["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    code = fn["FunctionCode"]
    assert len(code.encode()) < 10240, "CloudFront Functions are limited to 10 KB"
    cases = [
        ({"uri": "/"}, {"uri": "/index.html"}),
        ({"uri": "/en/"}, {"uri": "/en/index.html"}),
        ({"uri": "/en/billing"}, {"status": 301, "location": "/en/billing/"}),
        ({"uri": "/en/contact/thanks", "qs": {"ref": {"value": "HS-7K4M-2QXF"}}},
         {"status": 301, "location": "/en/contact/thanks/?ref=HS-7K4M-2QXF"}),
        ({"uri": "/fi/x", "qs": {"a": {"value": "1", "multiValue": [{"value": "1"}, {"value": "2"}]}, "b": {"value": ""}}},
         {"status": 301, "location": "/fi/x/?a=1&a=2&b"}),
        ({"uri": "/sitemap.xml"}, {"uri": "/sitemap.xml"}),
        ({"uri": "/en/404.html"}, {"uri": "/en/404.html"}),
    ]
    # every page of the built site, by its public URL, reaches its file
    for dirpath, _d, files in os.walk(env.site):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), env.site).replace(os.sep, "/")
            if name == "index.html":
                url = urllib.parse.urlsplit(csp.page_url_for(rel, "https://x")).path
                cases.append(({"uri": url}, {"uri": "/" + rel}))
                if url != "/":
                    cases.append(({"uri": url.rstrip("/")}, {"status": 301, "location": url}))
            else:
                cases.append(({"uri": "/" + rel}, {"uri": "/" + rel}))
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(code)
    try:
        proc = subprocess.run([node, "-e", NODE_HARNESS, f.name], input=json.dumps([c for c, _ in cases]),
                              capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(f.name)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    wrong = [f"{c['uri']}{'?' + json.dumps(c['qs']) if c.get('qs') else ''}: got {g}, want {w}"
             for (c, w), g in zip(cases, got) if g != w]
    assert not wrong, "\n".join(wrong)
    print(f"    {len(cases)} request URIs checked")


# ------------------------------------------------------------ publish.py against moto


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """moto_server on a free loopback port, stopped by PID."""

    def __init__(self):
        exe = os.path.join(REPO, ".venv", "bin", "moto_server")
        assert os.path.exists(exe), f"{exe} missing: run tests/setup/python.sh"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        import socket
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert self.proc.poll() is None, "moto_server exited"
                assert time.time() < deadline, "moto_server did not start in 120 s"
                time.sleep(0.2)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(AWS_ENDPOINT_URL=self.url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                        AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
                        AWS_SHARED_CREDENTIALS_FILE=os.devnull)

    def client(self, name):
        import boto3
        return boto3.client(name, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def fake_stack(moto: Moto, name: str, bucket: str, site_url: str, endpoint: str) -> str:
    cf = moto.client("cloudfront")
    dist = cf.create_distribution(DistributionConfig={
        "CallerReference": name, "Comment": name, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{bucket}.s3.us-east-1.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
    })["Distribution"]["Id"]
    body = {
        "Resources": {"SiteBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}},
        "Outputs": {
            "SiteURL": {"Value": site_url},
            "FormEndpoint": {"Value": endpoint},
            "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
            "DistributionId": {"Value": dist},
        },
    }
    moto.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(body))
    return dist


def publish(moto: Moto, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, os.path.join(REPO, "deploy", "publish.py"), *args],
                          env=moto.env, capture_output=True, text=True, timeout=300)


def t_publish(env: Env, moto: Moto):
    import datetime as dt
    dist = fake_stack(moto, "helpsite-test", "helpsite-site-test", env.origin, env.endpoint)
    s3 = moto.client("s3")
    s3.put_object(Bucket="helpsite-site-test", Key="en/removed-page/index.html", Body=b"old")
    s3.put_object(Bucket="helpsite-site-test", Key="static/style.0123456789.css", Body=b"old")
    r = publish(moto, "--stack", "helpsite-test", "--site", env.site, "--root", REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    want = {}
    for dirpath, _d, files in os.walk(env.site):
        for name in files:
            key = os.path.relpath(os.path.join(dirpath, name), env.site).replace(os.sep, "/")
            want[key] = key
    problems = []
    for key in sorted(want):
        head = s3.head_object(Bucket="helpsite-site-test", Key=key)
        ext = os.path.splitext(key)[1]
        ctype = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
                 ".txt": "text/plain; charset=utf-8", ".json": "application/json; charset=utf-8",
                 ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(ext)
        cache = "public, max-age=31536000, immutable" if key.startswith("static/") else "public, max-age=300"
        if ctype is None:
            problems.append(f"{key}: the test knows no Content-Type for {ext!r}")
        elif head["ContentType"] != ctype:
            problems.append(f"{key}: Content-Type {head['ContentType']}, want {ctype}")
        if head.get("CacheControl") != cache:
            problems.append(f"{key}: Cache-Control {head.get('CacheControl')}, want {cache}")
        with open(os.path.join(env.site, key), "rb") as f:
            if s3.get_object(Bucket="helpsite-site-test", Key=key)["Body"].read() != f.read():
                problems.append(f"{key}: uploaded bytes differ")
    assert not problems, "\n".join(problems)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="helpsite-site-test").get("Contents", [])}
    assert "en/removed-page/index.html" not in keys, "a page the build no longer has was left online"
    assert "static/style.0123456789.css" in keys, "a superseded asset was deleted at once"
    assert keys == set(want) | {"static/style.0123456789.css"}, sorted(keys ^ set(want))
    out = r.stdout.splitlines()
    puts = [line.split("/", 3)[3].split()[0] for line in out if line.startswith("publish: put ")]
    first_html = min(i for i, k in enumerate(puts) if k.endswith(".html"))
    assert all(k.startswith("static/") for k in puts[:1]) and not any(
        k.startswith("static/") for k in puts[first_html:]), "assets must go up before pages"
    inv = moto.client("cloudfront").list_invalidations(DistributionId=dist)["InvalidationList"]
    assert inv.get("Quantity", 0) == 1, inv
    print(f"    {len(want)} files uploaded with their types and caching; stale page removed; /* invalidated")


def t_publish_refuses(env: Env, moto: Moto):
    fake_stack(moto, "helpsite-cf", "helpsite-site-cf", "https://d222222abcdef8.cloudfront.net", env.endpoint)
    r = publish(moto, "--stack", "helpsite-cf", "--site", env.site, "--root", REPO)
    assert r.returncode == 1 and "base_url" in r.stderr, r.stdout + r.stderr
    d = tempfile.mkdtemp()
    try:
        shutil.copytree(env.site, os.path.join(d, "s"))
        open(os.path.join(d, "s", "static", "x.unknownext"), "w").close()
        r = publish(moto, "--stack", "helpsite-test", "--site", os.path.join(d, "s"), "--root", REPO)
        assert r.returncode == 1 and "x.unknownext" in r.stderr, r.stdout + r.stderr
    finally:
        shutil.rmtree(d)
    r = publish(moto, "--stack", "no-such-stack", "--site", env.site, "--root", REPO)
    assert r.returncode != 0


# ------------------------------------------------------------ the Lambda zips, run


class FakeLambdaRuntime:
    """The Lambda Runtime API on a loopback port: hands the function one
    event at a time and collects its answers."""

    def __init__(self):
        import http.server
        import queue
        import threading
        self.events: "queue.Queue" = queue.Queue()
        self.answers: "queue.Queue" = queue.Queue()
        self.stop = threading.Event()
        runtime = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.send_error(404)
                    return
                while not runtime.stop.is_set():
                    try:
                        rid, event = runtime.events.get(timeout=0.2)
                        break
                    except Exception:
                        continue
                else:
                    return
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                                 "arn:aws:lambda:us-east-1:123456789012:function:helpsite-ContactFunction")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                parts = self.path.split("/")
                kind = parts[-1]  # response | error (invocation or init)
                runtime.answers.put((kind, data.decode("utf-8", "replace")))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def invoke(self, event: dict, proc) -> tuple[str, str]:
        import queue
        rid = f"req-{time.time_ns()}"
        self.events.put((rid, event))
        deadline = time.time() + 90
        while True:
            try:
                return self.answers.get(timeout=0.5)
            except queue.Empty:
                assert proc.poll() is None, "the function exited"
                assert time.time() < deadline, "no answer from the function in 90 s"

    def close(self):
        self.stop.set()
        self.server.shutdown()


def run_bootstrap(env: Env, moto: Moto, zip_path: str, function: str, runtime: FakeLambdaRuntime, workdir: str):
    import zipfile
    workdir = os.path.join(workdir, function)
    os.makedirs(workdir)
    with zipfile.ZipFile(zip_path) as z:
        z.extract("bootstrap", workdir)
        # the site's form definition, beside the bootstrap as in /var/task
        z.extract("form.json", workdir)
    exe = os.path.join(workdir, "bootstrap")
    os.chmod(exe, 0o755)
    variables = env.custom.resolve(env.template["Globals"]["Function"]["Environment"]["Variables"])
    proc_env = {k: str(v) for k, v in variables.items()}
    proc_env.update(
        PATH=os.environ.get("PATH", "/usr/bin:/bin"),
        AWS_LAMBDA_RUNTIME_API=runtime.address,
        AWS_LAMBDA_FUNCTION_NAME=function, AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{function}",
        AWS_LAMBDA_LOG_STREAM_NAME="smoke", AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
        AWS_EC2_METADATA_DISABLED="true",
        # the only change from the deployed configuration: AWS is moto on loopback
        CONTACT_SES_ENDPOINT=moto.url, CONTACT_S3_ENDPOINT=moto.url, CONTACT_S3_PATH_STYLE="true",
        # and the task root is this folder, not /var/task
        CONTACT_FORM_DEFINITION=os.path.join(workdir, "form.json"),
    )
    log = open(os.path.join(workdir, f"{function}.log"), "w+")
    proc = subprocess.Popen([exe], env=proc_env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    return proc, log


def apigw_event(method: str, headers: dict, body: str = "", path: str = "/contact") -> dict:
    return {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
        "headers": {**headers, "host": "abc123defg.execute-api.us-east-1.amazonaws.com"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123defg", "stage": "$default", "requestId": f"r{time.time_ns()}",
            "domainName": "abc123defg.execute-api.us-east-1.amazonaws.com", "domainPrefix": "abc123defg",
            "routeKey": f"{method} {path}", "time": "23/Nov/2026:17:00:00 +0000", "timeEpoch": int(time.time() * 1000),
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7",
                     "userAgent": "deploy-smoke"},
        },
        "body": body, "isBase64Encoded": False,
    }


def multipart(fields: dict, file: bytes, content_type: str) -> tuple[bytes, str]:
    """A browser's multipart/form-data post: the fields, then the file."""
    boundary = f"----smoke{time.time_ns()}"
    out = b""
    for k, v in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode() + file + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def t_ticket_with_attachment(call, moto: Moto, site: str) -> str:
    """Uploads a PNG the way the page does and sends a ticket naming it; the
    support email's presigned link downloads it. Returns the link."""
    png = b"\x89PNG\r\n\x1a\nsmoke-test screenshot"
    sid = f"smoke-{time.time_ns()}"
    ask = {"submission_id": sid, "files": [{"n": 1, "name": "shot.png", "size": len(png), "type": "image/png"}]}
    status, h, body = call(apigw_event("POST", {"origin": site, "content-type": "application/json"},
                                       json.dumps(ask), path="/contact/uploads"))
    assert status == 200 and h.get("access-control-allow-origin") == site, (status, body)
    target = json.loads(body)["uploads"][0]
    assert target["method"] == "post" and target["url"].startswith(moto.url), target
    data, ctype = multipart(target["fields"], png, "image/png")
    req = urllib.request.Request(target["url"], data=data, headers={"Content-Type": ctype}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 204, r.status
    fields = {"name": "Aino", "email": "aino@example.com", "topic": "billing", "message": "A screenshot",
              "lang": "en", "submission_id": sid, "attachments": target["key"]}
    status, _, body = call(apigw_event("POST", {"origin": site, "content-type": "application/json",
                                                "accept": "application/json"}, json.dumps(fields)))
    assert status == 200 and json.loads(body)["ok"] is True, (status, body)
    with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=30) as r:
        sent = json.load(r)["ses"]["RawMessage"]
    raw = sent[-1]["raw_data"]
    text = email.message_from_string(raw, policy=email.policy.default).get_body(("plain",)).get_content()
    links = re.findall(r"https?://\S+X-Amz-Signature=\S+", text)
    assert len(links) == 1, text
    with urllib.request.urlopen(links[0], timeout=30) as r:
        assert r.read() == png, "the link does not download the upload"
    return links[0]


def t_lambda_zips(env: Env, moto: Moto, zips: str):
    variables = env.custom.resolve(env.template["Globals"]["Function"]["Environment"]["Variables"])
    bucket = variables["CONTACT_ARCHIVE"][len("s3://"):].strip("/")
    moto.client("s3").create_bucket(Bucket=bucket)
    moto.client("sesv2").create_email_identity(EmailIdentity="example.com")
    work = tempfile.mkdtemp(prefix="lambda-smoke-")
    runtime = FakeLambdaRuntime()
    procs = []
    try:
        proc, log = run_bootstrap(env, moto, os.path.join(zips, "handler.zip"), "helpsite-ContactFunction", runtime, work)
        procs.append((proc, log))

        def call(event):
            kind, body = runtime.invoke(event, proc)
            if kind != "response":
                log.seek(0)
                raise AssertionError(f"the function answered {kind}: {body}\n{log.read()[-3000:]}")
            r = json.loads(body)
            return r["statusCode"], {k.lower(): v for k, v in (r.get("headers") or {}).items()}, r.get("body") or ""

        site = env.origin
        status, h, _ = call(apigw_event("OPTIONS", {"origin": site, "access-control-request-method": "POST",
                                                    "access-control-request-headers": "content-type,accept"}))
        assert status == 204 and h.get("access-control-allow-origin") == site, (status, h)
        status, h, _ = call(apigw_event("OPTIONS", {"origin": "https://evil.example",
                                                    "access-control-request-method": "POST"}))
        assert status == 403 and "access-control-allow-origin" not in h, (status, h)
        fields = {"name": "Aino", "email": "aino@example.com", "topic": "billing", "message": "Hello from the smoke test",
                  "lang": "fi", "website": ""}
        status, h, body = call(apigw_event("POST", {"origin": site, "content-type": "application/json",
                                                    "accept": "application/json"}, json.dumps(fields)))
        assert status == 200 and json.loads(body)["ok"] is True, (status, body)
        assert h.get("access-control-allow-origin") == site, h
        ref1 = json.loads(body)["reference"]
        status, h, _ = call(apigw_event("POST", {"origin": site, "content-type": "application/x-www-form-urlencoded",
                                                 "accept": "text/html"}, urllib.parse.urlencode({**fields, "lang": "en"})))
        assert status == 303, (status, h)
        assert h["location"].startswith(f"{site}/en/contact/thanks/?ref="), h["location"]
        ref2 = urllib.parse.parse_qs(urllib.parse.urlsplit(h["location"]).query)["ref"][0]
        status, h, body = call(apigw_event("POST", {"origin": site, "content-type": "application/x-www-form-urlencoded",
                                                    "accept": "text/html"}, urllib.parse.urlencode({**fields, "email": "x"})))
        assert status == 303 and h["location"].startswith(f"{site}/fi/contact/error/?code="), (status, h)

        with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=30) as r:
            sent = json.load(r)["ses"]["RawMessage"]
        assert len(sent) == 2, f"{len(sent)} messages reached SES, expected 2"
        for m in sent:
            assert set(m["destinations"]) == {"support@example.com"}, m["destinations"]
        keys = {o["Key"] for o in moto.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])}
        assert {f"submissions/{ref1}.json", f"submissions/{ref2}.json"} <= keys, keys
        assert not [k for k in keys if k.startswith("pending/")], keys

        # A vote, posted twice from one page view without JavaScript: back to the page, stored once, never mailed.
        vote = urllib.parse.urlencode({"lang": "fi", "page": "/fi/billing/", "vote": "no", "view": "smokeview01"})
        for _ in range(2):
            status, h, _ = call(apigw_event("POST", {"origin": site, "content-type": "application/x-www-form-urlencoded",
                                                     "accept": "text/html"}, vote, path="/feedback"))
            assert status == 303 and h["location"] == f"{site}/fi/billing/#feedback-more", (status, h)
        keys = {o["Key"] for o in moto.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])}
        votes = [k for k in keys if k.startswith("feedback/")]
        assert len(votes) == 1, votes
        with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=30) as r:
            assert len(json.load(r)["ses"]["RawMessage"]) == 2, "a vote sent mail"

        # An attachment as the page sends it: a grant, a presigned POST straight to S3, then the ticket naming it.
        link = t_ticket_with_attachment(call, moto, site)

        # redeliver: the scheduled function boots with the same settings and finds nothing pending
        proc.terminate()
        proc.wait(timeout=10)
        # (a runtime of its own: the stopped handler's pending /next would take the event)
        runtime.close()
        runtime = FakeLambdaRuntime()
        rproc, rlog = run_bootstrap(env, moto, os.path.join(zips, "redeliver.zip"), "helpsite-RedeliverFunction",
                                    runtime, work)
        procs.append((rproc, rlog))
        kind, body = runtime.invoke({"version": "0", "detail-type": "Scheduled Event", "source": "aws.events",
                                     "detail": {}}, rproc)
        assert kind == "response", body
        report = json.loads(body)
        assert report.get("failed") == 0 and report.get("sent") == 0, report
        print(f"    handler: preflight 204/403, JSON 200, form 303 to the site, 2 mails via SES, a vote stored once, "
              f"a ticket with a presigned-POST attachment linked ({link.split('?')[0]}), "
              f"records {ref1} {ref2} archived; redeliver: {body}")
    finally:
        for p, log in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            log.close()
        runtime.close()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, help="a built site (helpsite build --out DIR)")
    ap.add_argument("--endpoint", default=os.environ.get("HELPSITE_FORM_ENDPOINT"),
                    help="the form endpoint the site was built with (default: $HELPSITE_FORM_ENDPOINT)")
    ap.add_argument("--root", default=REPO, help="the site root (for site.toml's base_url)")
    ap.add_argument("--template", default=os.path.join(REPO, "deploy", "template.yaml"))
    ap.add_argument("--zips", help="also run the built Lambda zips (handler.zip, redeliver.zip in this folder) "
                                   "under a local Lambda Runtime API, with moto as SES and S3")
    args = ap.parse_args()
    if not args.endpoint:
        ap.error("no --endpoint and no HELPSITE_FORM_ENDPOINT")

    env = Env(args)
    print(f"# site {args.site} as {env.origin}, form endpoint {env.endpoint}")

    run("template CSP is strict (no inline, no wildcards; form-action/connect-src = site + handler)", t_policy_is_strict, env)

    scanned = csp.scan_site(env.policy, env.site, env.origin)
    run("built site has pages", t_pages_within_policy, env, scanned)
    for r in scanned:
        def check(r=r):
            assert not r.findings, "\n".join(map(str, r.findings))
        run(f"CSP allows everything in {r.file} ({r.loads} loads)", check)
    run("contact forms post to the deployed endpoint", t_contact_forms_post_to_endpoint, env, scanned)
    run("404 pages work at any path (no path-relative URLs)", t_error_pages_use_root_relative_urls, env)

    for name, body in NEGATIVE.items():
        run(f"negative control fails the checker: {name}", t_control, env, body, True)
    for name, body in POSITIVE.items():
        run(f"positive control passes the checker: {name}", t_control, env, body, False)
    run("checker follows the policy (a lax policy allows inline)", t_checker_not_hardwired, env)

    run("outputs: SiteURL, FormEndpoint (= the endpoint the site was built with)", t_outputs, env)
    run("security headers: HSTS, nosniff, Referrer-Policy, Permissions-Policy, CSP", t_security_headers, env)
    run("caching: /static/* immutable for a year, pages short-lived", t_caching, env)
    run("403/404 from the origin become /404.html with status 404", t_error_responses, env)
    run("site bucket private, read only by this distribution through OAC", t_site_bucket_private, env)
    run("archive bucket encrypted, private, expiring, retained", t_archive_bucket, env)
    run("IAM: SES on the identity only, S3 on the archive only", t_least_privilege, env)
    run("functions: provided.al2023 x86_64 bootstrap zips, scheduled redeliver, env = handler config", t_functions, env)
    run("HTTP API: POST/OPTIONS /contact only, throttled; CORS = the site's origin", t_api_and_cors, env)
    run("CloudFront Function resolves every page URL of the built site", t_directory_index_function, env)

    moto = None
    try:
        moto = Moto()
    except Exception:
        record("moto_server starts (for publish.py)", traceback.format_exc())
    if moto is not None:
        try:
            run("publish.py uploads the build with content types and caching, prunes, invalidates", t_publish, env, moto)
            run("publish.py refuses a base_url mismatch, unknown file types, a missing stack", t_publish_refuses, env, moto)
            if args.zips:
                run("Lambda zips run with the template's environment: CORS, JSON, 303 redirects, SES, S3, redeliver",
                    t_lambda_zips, env, moto, args.zips)
        finally:
            moto.close()

    passed = sum(1 for _, e in results if e is None)
    failed = len(results) - passed
    print(f"# pass {passed}")
    print(f"# fail {failed}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

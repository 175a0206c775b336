"""Build the site for a deployed stack and put it online.

    .venv/bin/python deploy/publish.py --stack helpsite [--region eu-north-1]

1. Reads the stack's outputs: SiteURL, FormEndpoint, SiteBucketName,
   DistributionId.
2. Builds the site with HELPSITE_FORM_ENDPOINT=<FormEndpoint>
   (`cargo run --release --bin helpsite -- build`), so the contact form posts
   to this stack's handler; refuses when site.toml's base_url is not the
   stack's SiteURL (canonical links, hreflang and the sitemap would name
   another host).
3. Uploads every file with an explicit Content-Type and Cache-Control:
   /static/* (content-hashed) "public, max-age=31536000, immutable",
   everything else "public, max-age=300". Assets first, pages last, so no
   page is ever online before what it loads.
4. Deletes what the new build no longer has; superseded /static/ files only
   once they are older than --keep-old-assets-days (pages cached in browsers
   for up to 5 minutes still load them).
5. Invalidates the CloudFront cache ("/*").

AWS credentials and region come from the usual places (environment, profile,
--region); needs boto3 (in the repo's .venv).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse

import boto3

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Every kind of file a helpsite build writes, and a few a theme may add.
# An extension not listed here stops the upload rather than being guessed:
# with X-Content-Type-Options: nosniff a wrong type breaks the page.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
}
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


class PublishError(Exception):
    pass


def stack_outputs(cfn, stack: str) -> dict[str, str]:
    desc = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in desc.get("Outputs", [])}
    missing = [k for k in ("SiteURL", "FormEndpoint", "SiteBucketName", "DistributionId") if k not in outputs]
    if missing:
        raise PublishError(f"stack {stack} has no output {', '.join(missing)}: is it deploy/template.yaml?")
    return outputs


def check_base_url(root: str, site_url: str) -> None:
    with open(os.path.join(root, "site.toml"), "rb") as f:
        base_url = tomllib.load(f).get("base_url", "")
    if base_url.rstrip("/") != site_url.rstrip("/"):
        raise PublishError(
            f"site.toml has base_url = {base_url!r}, but the stack serves the site at {site_url}.\n"
            f"Set base_url = \"{site_url}\" in {os.path.join(root, 'site.toml')} (canonical links, "
            "hreflang and sitemap.xml use it), or pass --any-base-url to publish anyway."
        )


def build_site(root: str, out: str, endpoint: str, helpsite: list[str]) -> None:
    env = dict(os.environ, HELPSITE_FORM_ENDPOINT=endpoint)
    cmd = helpsite + ["build", "--root", root, "--out", out]
    print(f"publish: HELPSITE_FORM_ENDPOINT={endpoint} {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=REPO)


def plan(site: str) -> list[tuple[str, str, str, str]]:
    """(key, path, content type, cache control) for every file, assets first,
    then other files, HTML last."""
    files = []
    problems = []
    for dirpath, dirs, names in os.walk(site):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            key = os.path.relpath(path, site).replace(os.sep, "/")
            ext = os.path.splitext(name)[1].lower()
            ctype = CONTENT_TYPES.get(ext)
            if ctype is None:
                problems.append(key)
                continue
            cache = IMMUTABLE if key.startswith("static/") else SHORT
            files.append((key, path, ctype, cache))
    if problems:
        raise PublishError(
            "no content type known for: " + ", ".join(problems) + " (add the extension to CONTENT_TYPES in deploy/publish.py)"
        )
    order = {"static": 0, "other": 1, "html": 2}

    def rank(f):
        if f[0].startswith("static/"):
            return order["static"]
        return order["html"] if f[0].endswith(".html") else order["other"]

    return sorted(files, key=lambda f: (rank(f), f[0]))


def upload(s3, bucket: str, files, dry_run: bool) -> None:
    for key, path, ctype, cache in files:
        print(f"publish: put s3://{bucket}/{key}  [{ctype}; {cache}]")
        if dry_run:
            continue
        with open(path, "rb") as body:
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=ctype, CacheControl=cache)


def remove_stale(s3, bucket: str, keep: set[str], keep_assets_days: int, dry_run: bool) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key in keep:
                continue
            if key.startswith("static/") and now - obj["LastModified"] < dt.timedelta(days=keep_assets_days):
                print(f"publish: keep superseded s3://{bucket}/{key} (younger than {keep_assets_days} days)")
                continue
            stale.append(key)
    for i in range(0, len(stale), 1000):
        chunk = stale[i:i + 1000]
        for key in chunk:
            print(f"publish: delete s3://{bucket}/{key}")
        if not dry_run:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})


def invalidate(cloudfront, distribution: str, dry_run: bool) -> str | None:
    print(f"publish: invalidate /* on CloudFront distribution {distribution}")
    if dry_run:
        return None
    r = cloudfront.create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"helpsite-{time.time_ns()}"},
    )
    return r["Invalidation"]["Id"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stack", required=True, help="the CloudFormation stack name given to sam deploy")
    ap.add_argument("--region", help="the stack's region (default: from the AWS configuration)")
    ap.add_argument("--root", default=REPO, help="the site root (default: this repository)")
    ap.add_argument("--site", help="upload this already built folder instead of building "
                                   "(it must have been built with HELPSITE_FORM_ENDPOINT = the stack's FormEndpoint)")
    ap.add_argument("--out", help="build into this folder and keep it (default: a temporary folder)")
    ap.add_argument("--helpsite", default="cargo run --quiet --release --bin helpsite --",
                    help="command that runs helpsite (default: %(default)s)")
    ap.add_argument("--any-base-url", action="store_true", help="publish even if site.toml's base_url is not the SiteURL")
    ap.add_argument("--keep-old-assets-days", type=int, default=7)
    ap.add_argument("--no-invalidate", action="store_true")
    ap.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    args = ap.parse_args(argv)

    session = boto3.session.Session(region_name=args.region)
    try:
        outputs = stack_outputs(session.client("cloudformation"), args.stack)
        print(f"publish: stack {args.stack}: site {outputs['SiteURL']}, form endpoint {outputs['FormEndpoint']}, "
              f"bucket {outputs['SiteBucketName']}, distribution {outputs['DistributionId']}")
        if not args.any_base_url:
            check_base_url(args.root, outputs["SiteURL"])
        with tempfile.TemporaryDirectory(prefix="helpsite-publish-") as tmp:
            site = args.site
            if site is None:
                site = args.out or os.path.join(tmp, "public")
                build_site(os.path.abspath(args.root), site, outputs["FormEndpoint"], args.helpsite.split())
            files = plan(site)
            if not any(k == "index.html" for k, *_ in files) or not any(k == "404.html" for k, *_ in files):
                raise PublishError(f"{site} has no index.html or 404.html: not a built helpsite site")
            s3 = session.client("s3")
            upload(s3, outputs["SiteBucketName"], files, args.dry_run)
            remove_stale(s3, outputs["SiteBucketName"], {k for k, *_ in files}, args.keep_old_assets_days, args.dry_run)
        if not args.no_invalidate:
            inv = invalidate(session.client("cloudfront"), outputs["DistributionId"], args.dry_run)
            if inv:
                print(f"publish: invalidation {inv} started (a minute or two)")
        print(f"publish: {len(files)} files published to {outputs['SiteURL']}")
    except PublishError as e:
        print(f"publish: error: {e}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as e:
        print(f"publish: error: the site build failed ({e})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writes a Lambda zip: `bootstrap` from cargo-lambda's zip plus form.json,
both deflated with zopfli, then reads the result back to check it.

    repack.py CARGO_LAMBDA_ZIP FORM_JSON OUT_ZIP

Zopfli's deflate is the same format any unzip reads (Lambda included), about
3 % smaller than zlib's best level on the bootstrap, at a few seconds of CPU
per package. Python's zipfile has no hook for a foreign deflate encoder, so
its internal compressor factory is replaced for the duration of the write;
the read-back check below catches a Python whose zipfile no longer uses it.
"""

import sys
import zipfile

import zopfli.zopfli

# Measured on the handler's bootstrap: 5 iterations take most of the gain of
# zopfli's default 15 in a third of the time.
ITERATIONS = 5


class ZopfliDeflate:
    """The compressobj interface zipfile expects, raw deflate out."""

    def __init__(self):
        self.parts = []

    def compress(self, data):
        self.parts.append(data)
        return b""

    def flush(self):
        zlib_stream = zopfli.zopfli.compress(b"".join(self.parts), gzip_mode=0, numiterations=ITERATIONS)
        return zlib_stream[2:-4]  # drop the zlib header and Adler-32 trailer


def main(src, form_json, out):
    with zipfile.ZipFile(src) as z:
        boot_info = z.getinfo("bootstrap")
        boot = z.read("bootstrap")
    with open(form_json, "rb") as f:
        form = f.read()
    form_info = zipfile.ZipInfo("form.json", date_time=(2020, 1, 1, 0, 0, 0))
    form_info.external_attr = 0o644 << 16
    boot_out = zipfile.ZipInfo("bootstrap", date_time=boot_info.date_time)
    boot_out.external_attr = boot_info.external_attr
    boot_out.create_system = boot_info.create_system
    original = zipfile._get_compressor
    zipfile._get_compressor = lambda kind, level=None: (
        ZopfliDeflate() if kind == zipfile.ZIP_DEFLATED else original(kind, level)
    )
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in ((boot_out, boot), (form_info, form)):
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    finally:
        zipfile._get_compressor = original
    with zipfile.ZipFile(out) as z:
        if z.testzip() is not None or z.read("bootstrap") != boot or z.read("form.json") != form:
            sys.exit(f"repack.py: {out} does not read back as written")
        if z.getinfo("bootstrap").external_attr != boot_info.external_attr:
            sys.exit(f"repack.py: {out} lost the bootstrap's file mode")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

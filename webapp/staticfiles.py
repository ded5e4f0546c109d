"""Static files for a phone network: content-hashed names cached forever, gzip and brotli.

At start the files under static/ are hashed; a build directory named after the whole set holds
each file under its original and its hashed name (`css/app.1a2b3c4d5e6f.css`), plus the `.gz`
and `.br` versions WhiteNoise negotiates. A build that exists is reused, so only the first start
after a change pays for compression. WhiteNoise wraps the WSGI app and answers /static/ itself:
hashed names are `immutable` for a year, original names (bookmarks, old pages) for a minute.
HTML pages stay uncompressed: they carry CSRF tokens next to reflected input (BREACH).
"""
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask, url_for
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

HASH_LENGTH = 12
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LENGTH)
ORIGINALS_MAX_AGE = 60  # seconds: unhashed names may change with the next release
# Builds unused (no process started on them) for this long are removed; a process running longer
# on an old build would lose its files, so keep this well above any server's lifetime between deploys.
STALE_BUILD_SECONDS = 7 * 24 * 3600


def hashed_name(name: str, digest: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{extension}"


def build_manifest(source: Path) -> dict[str, str]:
    """{'css/app.css': 'css/app.<hash>.css', ...} for every file under source."""
    manifest = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        manifest[name] = hashed_name(name, digest)
    return manifest


def ensure_build(source: Path, builds: Path, manifest: dict[str, str]) -> Path:
    """The build directory for this manifest, made once. Safe when several processes start at
    the same moment: each builds in a private directory and only the first rename wins."""
    build_id = hashlib.sha256(repr(sorted(manifest.items())).encode()).hexdigest()[:HASH_LENGTH]
    target = builds / build_id
    if target.is_dir():
        os.utime(target)  # in use again: not stale
        return target
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    compressor = Compressor(quiet=True)
    for name, hashed in manifest.items():
        for out_name in {name, hashed}:
            out = staging / out_name
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, out)
            if compressor.should_compress(out_name):
                compressor.compress(str(out))
    try:
        os.rename(staging, target)
    except OSError:  # another process finished first: its build is identical
        shutil.rmtree(staging, ignore_errors=True)
    _remove_stale_builds(builds, keep=target)
    return target


def _remove_stale_builds(builds: Path, keep: Path) -> None:
    cutoff = time.time() - STALE_BUILD_SECONDS
    for other in builds.iterdir():
        if other != keep and other.is_dir() and other.stat().st_mtime < cutoff:
            shutil.rmtree(other, ignore_errors=True)


def _nosniff(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def _static_paths_only(files, app, prefix: str):
    """Only /static/ requests go through WhiteNoise. Every other request, a WebSocket's included,
    then calls the app from a plain function: no object's __call__, so one C frame less on the
    stack that each idle socket's greenlet keeps saved (bench/fanout.py, RSS per socket)."""

    def dispatch(environ, start_response):
        if (environ.get("PATH_INFO") or "").startswith(prefix):
            return files(environ, start_response)
        return app(environ, start_response)

    return dispatch


def init_app(app: Flask) -> None:
    source = Path(app.static_folder)
    manifest = build_manifest(source)
    build = ensure_build(source, Path(app.config["STATIC_BUILD_DIR"]), manifest)
    app.extensions["static_manifest"] = manifest
    files = WhiteNoise(app.wsgi_app, root=str(build), prefix=app.static_url_path + "/",
                       max_age=ORIGINALS_MAX_AGE, add_headers_function=_nosniff,
                       immutable_file_test=lambda path, url: bool(HASHED_NAME.search(url)))
    app.wsgi_app = _static_paths_only(files, app.wsgi_app, app.static_url_path + "/")

    def static_url(filename: str) -> str:
        """The URL of a static file under its content-hashed name (unknown names unchanged)."""
        return url_for("static", filename=manifest.get(filename, filename))

    app.jinja_env.globals["static_url"] = static_url

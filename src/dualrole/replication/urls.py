"""Replica URLs: which are accepted, how they are shown, and their S3 endpoint.

``file:///path`` (or a plain absolute path), ``s3://bucket/path`` (the endpoint of an
S3-compatible service as ``?endpoint=https://…`` or ``LITESTREAM_S3_ENDPOINT``; AWS when
none), ``sftp://user@host[:port]/path`` — and the other kinds Litestream knows (``gs://``,
``abs://``, ``webdav://``…), passed through as they are.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

SCHEMES = ("file", "s3", "sftp", "gs", "abs", "webdav", "webdavs", "oss", "nats")


class UrlError(ValueError):
    """A replica URL dualrole cannot use (one sentence)."""


def normalise(text: str) -> str:
    """The URL as stored: a plain path becomes ``file://``; anything else is checked."""
    text = text.strip()
    if not text:
        raise UrlError("The replica URL is empty; give file:///path, s3://bucket/path or sftp://…")
    if "://" not in text:
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = path.resolve()
        return path.as_uri()
    parts = urllib.parse.urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UrlError(
            f"{scheme}:// is not a replica kind Litestream knows; use file://, s3:// or sftp://."
        )
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise UrlError("A file:// replica needs an absolute path: file:///mnt/nas/dualrole.")
    elif not parts.netloc:
        raise UrlError(f"{text} names no bucket or host; e.g. s3://bucket/dualrole.")
    if scheme in ("s3", "sftp", "gs", "abs") and parts.path.strip("/") == "":
        raise UrlError(f"{shown(text)} needs a path inside the bucket or host, e.g. /dualrole.")
    return text


def scheme(url: str) -> str:
    return urllib.parse.urlsplit(url).scheme.lower()


def file_path(url: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))


def shown(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and the top bar)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def s3_endpoint(url: str, env: Mapping[str, str] | None = None) -> str | None:
    """The S3 endpoint of ``url``: its ``endpoint`` query, else the environment, else None."""
    if env is None:
        env = os.environ
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    for value in query.get("endpoint", []):
        if value:
            return value if "://" in value else f"https://{value}"
    for name in ("LITESTREAM_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        if env.get(name):
            return env[name]
    return None

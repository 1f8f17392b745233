"""Replica URLs: which are accepted, how they are shown, and their S3 endpoint.

``file:///path`` (or a plain absolute path), ``s3://bucket/path`` (the endpoint of an
S3-compatible service as ``?endpoint=https://…`` or ``LITESTREAM_S3_ENDPOINT``; AWS when
none), ``sftp://user@host[:port]/path`` — and the other kinds Litestream knows (``gs://``,
``abs://``, ``webdav://``…), passed through as they are.

One rule turns what the owner typed into the folder a ``file`` replica lives in: a plain
path is taken literally (``/media/My Passport``, ``/a%41`` is a folder named ``a%41``), a
``file:`` URL is percent-decoded (``file:///a%20b`` is the folder ``a b``; a ``#`` or ``?``
in it is part of the path, as file URLs have no query). Either way the URL is stored in
one canonical form (:meth:`pathlib.Path.as_uri`), :func:`file_path` gives the folder back,
and Litestream is handed that folder as a path, never the URL (it would not decode it).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from dualrole.core.printable import visible

SCHEMES = ("file", "s3", "sftp", "gs", "abs", "webdav", "webdavs", "oss", "nats")
# A password in a URL (``://user:secret@``), also inside an encoded one in a query value.
_PASSWORD = re.compile(r"(?i)(://[^/@:\s]*:)[^@\s/]*@")
_ENCODED_PASSWORD = re.compile(r"(?i)(%3A%2F%2F(?:(?!%40|%3A|[&/\s]).)*%3A)(?:(?!%40|[&\s]).)*%40")


class UrlError(ValueError):
    """A replica URL dualrole cannot use (one sentence)."""


def _has_control(text: str) -> bool:
    return visible(text) != text


def normalise(text: str) -> str:
    """The URL as stored: a plain path becomes ``file://``; anything else is checked."""
    text = text.strip()
    if _has_control(text):
        raise UrlError(
            f"The replica URL {shown(text)} contains a control character (shown as ␛, ␊…); "
            "type it again without one."
        )
    if not text:
        raise UrlError("The replica URL is empty; give file:///path, s3://bucket/path or sftp://…")
    if "://" not in text and not text.lower().startswith("file:"):
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = path.resolve()
        return path.as_uri()
    if text[:5].lower() == "file:":
        return _file_url(text)
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise UrlError(f"{shown(text)} is not a URL dualrole can read ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UrlError(
            f"{scheme}:// is not a replica kind Litestream knows; use file://, s3:// or sftp://."
        )
    if not parts.netloc:
        raise UrlError(f"{shown(text)} names no bucket or host; e.g. s3://bucket/dualrole.")
    if scheme in ("s3", "sftp", "gs", "abs") and parts.path.strip("/") == "":
        raise UrlError(f"{shown(text)} needs a path inside the bucket or host, e.g. /dualrole.")
    return text


def _file_url(text: str) -> str:
    """``file:`` URL → its canonical form (the typed path percent-decoded, see the docstring)."""
    rest = text[5:]
    host, path = "", rest
    if rest.startswith("//"):
        host, slash, path = rest[2:].partition("/")
        path = slash + path
    if host.lower() not in ("", "localhost") or not path.startswith("/"):
        raise UrlError("A file:// replica needs an absolute path: file:///mnt/nas/dualrole.")
    folder = urllib.parse.unquote(path)
    if _has_control(folder):
        raise UrlError(
            f"The replica folder {visible(folder)} contains a control character; "
            "type it again without one."
        )
    return Path(folder).as_uri()


def scheme(url: str) -> str:
    return url.partition(":")[0].lower() if ":" in url else ""


def file_path(url: str) -> Path:
    """The folder of a ``file`` replica (the canonical URL percent-decoded)."""
    rest = url[5:]
    if rest.startswith("//"):
        rest = "/" + rest[2:].partition("/")[2]
    return Path(urllib.parse.unquote(rest))


def mask(text: str) -> str:
    """``text`` with every password of a URL in it (also in a query value) as ``***``."""
    text = _PASSWORD.sub(r"\1***@", text)
    return _ENCODED_PASSWORD.sub(r"\1***%40", text)


def shown(url: str) -> str:
    """The URL for messages and the top bar: passwords as ``***``, control characters visible."""
    return visible(mask(url))


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

"""One writer per replica: a ``dualrole-writer.json`` beside Litestream's files.

Two machines replicating into one place would interleave their transactions and ruin it,
and Litestream does not stop them. So before replicating (and again every few seconds
while it runs) dualrole reads the marker: someone else's, it refuses with a sentence naming
that machine, until the owner says ``--take-over`` (the move-to-a-new-machine step); absent,
it creates its own *atomically*, so of two machines starting at the same moment exactly one
wins and the other is refused: a folder's marker is linked into place (``link`` fails if
the name exists, like ``O_CREAT|O_EXCL``, with the content complete), an S3 marker is put
with ``If-None-Match: *`` (AWS S3 and SeaweedFS refuse it with 412 when the object exists).
The marker is then read back: a server that ignores the condition is caught when the other
machine's marker is read back (not when both writes land before either reads back — a race
such a server leaves open; the check every few seconds then stops the one that lost).
The marker is read and written directly for ``file://`` replicas and with a small signed
request (AWS Signature V4) for ``s3://`` ones; other kinds (``sftp://``…) are replicated
without the check, which ``replicate`` says.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dualrole.core.errors import DestinationError
from dualrole.core.printable import visible
from dualrole.replication import urls
from dualrole.replication.litestream import ReplicaError
from dualrole.storage import replica_settings as settings
from dualrole.storage.files import write_file

NAME = "dualrole-writer.json"
TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Writer:
    writer_id: str
    host: str
    workspace: str
    since: str

    def describe(self) -> str:
        """For messages: what the replica says, control characters made visible."""
        return visible(f"{self.workspace} on {self.host} (since {self.since})")


def supported(url: str) -> bool:
    return urls.scheme(url) in ("file", "s3")


def me(writer_id: str, db_path: Path) -> Writer:
    return Writer(
        writer_id=writer_id,
        host=socket.gethostname(),
        workspace=str(Path(db_path).resolve()),
        since=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def read(url: str) -> Writer | None:
    """The replica's writer, or None when none is recorded (or the kind is not supported)."""
    kind = urls.scheme(url)
    raw: bytes | None
    if kind == "file":
        path = urls.file_path(url) / NAME
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ReplicaError(
                f"The replica at {urls.shown(url)} cannot be read ({exc.strerror})."
            ) from exc
    elif kind == "s3":
        raw = _s3(url, "GET")
        if raw is None:
            return None
    else:
        return None
    try:
        data = json.loads(raw)
        return Writer(
            str(data["writer_id"]), str(data["host"]), str(data["workspace"]), str(data["since"])
        )
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: treated as absent, rewritten by the next claim


def write(url: str, writer: Writer, *, exclusive: bool = False) -> bool:
    """Write the marker; with ``exclusive``, only if none exists (False when one does)."""
    body = json.dumps(
        {"format": "dualrole-writer", **writer.__dict__}, indent=2, sort_keys=True
    ).encode()
    kind = urls.scheme(url)
    if kind == "file":
        folder = urls.file_path(url)
        try:
            if not folder.is_dir():
                folder.mkdir(parents=True, mode=0o700, exist_ok=True)
                os.chmod(folder, 0o700)
            write_file(folder / NAME, body, force=not exclusive)
        except (OSError, DestinationError) as exc:
            if exclusive and isinstance(exc, DestinationError) and (folder / NAME).exists():
                return False  # another machine's marker got there first
            cause = exc if isinstance(exc, OSError) else exc.__cause__
            where = urls.shown(url)
            if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
                raise ReplicaError(f"The replica at {where} is full; free space there.") from exc
            why = cause.strerror if isinstance(cause, OSError) else str(exc)
            raise ReplicaError(f"The replica at {where} cannot be written ({why}).") from exc
    elif kind == "s3":
        if exclusive:
            try:
                _s3(url, "PUT", body, {"If-None-Match": "*"})
            except _PreconditionFailed:
                return False
            except _NotImplemented:
                _s3(url, "PUT", body)  # the server has no conditional write: read back decides
        else:
            _s3(url, "PUT", body)
    return True


def _refused(url: str, holder: Writer | None) -> ReplicaError:
    if holder is None:
        return ReplicaError(
            f"{urls.shown(url)} holds a writer marker ({NAME}) that dualrole cannot read; if no "
            "other machine replicates there, run `dualrole replicate --to URL --take-over`."
        )
    return ReplicaError(
        f"{urls.shown(url)} is already the replica of {holder.describe()}; two machines "
        "writing to one replica would ruin it. If you moved to this machine, stop dualrole "
        "on the old one, then run `dualrole replicate --to URL --take-over`."
    )


def claim(url: str, writer_id: str, db_path: Path, *, take_over: bool = False) -> Writer | None:
    """Make this workspace the replica's writer; return the previous foreign writer, if any.

    Raises ReplicaError when another writer holds it (or claims it at the same moment and
    wins) and ``take_over`` is not given.
    """
    current = read(url)
    if current is not None and current.writer_id == writer_id:
        return None
    if current is not None and not take_over:
        raise _refused(url, current)
    if not supported(url):
        return current
    if take_over:
        write(url, me(writer_id, db_path))
    elif not write(url, me(writer_id, db_path), exclusive=True):
        current = read(url)  # someone's marker appeared between our read and our write
        if current is None or current.writer_id != writer_id:
            raise _refused(url, current)
        return None
    after = read(url)
    if after is None or after.writer_id != writer_id:
        raise _refused(url, after)
    return current


def still_mine(url: str, writer_id: str) -> Writer | None:
    """None while the replica is ours (or unmarked); the new writer once taken over."""
    current = read(url)
    if current is None or current.writer_id == writer_id:
        return None
    return current


# --- a minimal S3 client for one small object (AWS Signature Version 4) --------------------


def _s3_target(url: str) -> tuple[str, str, str]:
    """(request URL, host header, region) of the marker object of an s3:// replica."""
    env = settings.child_environment()
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    region = (
        (query.get("region") or [""])[0]
        or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    bucket = parts.netloc
    # The key Litestream uses: the URL's path decoded (Go's url.Parse), our file beside it.
    key = "/".join(p for p in (urllib.parse.unquote(parts.path).strip("/"), NAME) if p)
    endpoint = urls.s3_endpoint(url, env)
    quoted = urllib.parse.quote(key, safe="/-_.~")
    if endpoint:
        base = urllib.parse.urlsplit(endpoint)
        return f"{base.scheme}://{base.netloc}/{bucket}/{quoted}", base.netloc, region
    host = f"{bucket}.s3.{region}.amazonaws.com"
    return f"https://{host}/{quoted}", host, region


def _sign(method: str, target: str, host: str, region: str, body: bytes) -> dict[str, str]:
    env = settings.child_environment()
    key_id = env.get("AWS_ACCESS_KEY_ID") or env.get("LITESTREAM_ACCESS_KEY_ID")
    secret = env.get("AWS_SECRET_ACCESS_KEY") or env.get("LITESTREAM_SECRET_ACCESS_KEY")
    payload = hashlib.sha256(body).hexdigest()
    now = dt.datetime.now(dt.UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"host": host, "x-amz-content-sha256": payload, "x-amz-date": stamp}
    if env.get("AWS_SESSION_TOKEN"):
        headers["x-amz-security-token"] = env["AWS_SESSION_TOKEN"]
    if not key_id or not secret:
        return headers  # anonymous (a public or open test server)
    names = sorted(headers)
    canonical = "\n".join(
        [
            method,
            urllib.parse.urlsplit(target).path,
            "",
            "".join(f"{n}:{headers[n]}\n" for n in names),
            ";".join(names),
            payload,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    signing = f"AWS4{secret}".encode()
    for part in (day, region, "s3", "aws4_request"):
        signing = hmac.new(signing, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}"
    )
    return headers


class _PreconditionFailed(Exception):
    """HTTP 412: the object exists (a conditional put lost)."""


class _NotImplemented(Exception):
    """HTTP 501: the server does not do conditional puts."""


def _s3(
    url: str, method: str, body: bytes = b"", extra: dict[str, str] | None = None
) -> bytes | None:
    target, host, region = _s3_target(url)
    headers = _sign(method, target, host, region, body)
    headers.pop("host")
    headers.update(extra or {})
    request = urllib.request.Request(
        target, data=body if method == "PUT" else None, headers=headers, method=method
    )
    where = urls.shown(url)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer: bytes = response.read()  # urlopen's response is untyped (Any)
            return answer
    except urllib.error.HTTPError as exc:
        if method == "GET" and exc.code == 404:
            return None
        if extra and exc.code in (409, 412):  # 409: a conditional put racing another
            raise _PreconditionFailed from exc
        if extra and exc.code == 501:
            raise _NotImplemented from exc
        detail = exc.read(400).decode("utf-8", "replace")
        if "NoSuchBucket" in detail:
            raise ReplicaError(f"The bucket of {where} does not exist; create it first.") from exc
        if exc.code in (401, 403):
            raise ReplicaError(
                f"{where} refused the credentials; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."
            ) from exc
        if "QuotaExceeded" in detail or exc.code == 507:
            raise ReplicaError(f"The replica at {where} is full; free space there.") from exc
        raise ReplicaError(f"{where} answered HTTP {exc.code} to dualrole's writer check.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ReplicaError(
            f"The replica at {where} cannot be reached; check the address and the network."
        ) from exc

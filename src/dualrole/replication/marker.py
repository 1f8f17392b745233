"""One writer per replica: a ``dualrole-writer.json`` beside Litestream's files.

Two machines replicating into one place would interleave their transactions and ruin it,
and Litestream does not stop them. So before replicating (and again every few seconds
while it runs) dualrole reads the marker: absent, it writes its own; someone else's, it
refuses with a sentence naming that machine, until the owner says ``--take-over`` (the
move-to-a-new-machine step). The marker is read and written directly for ``file://``
replicas and with a small signed request (AWS Signature V4) for ``s3://`` ones; other
kinds (``sftp://``…) are replicated without the check, which ``replicate`` says.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dualrole import replica_settings as settings
from dualrole.errors import DestinationError
from dualrole.files import write_file
from dualrole.replication import urls
from dualrole.replication.litestream import ReplicaError

NAME = "dualrole-writer.json"
TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Writer:
    writer_id: str
    host: str
    workspace: str
    since: str

    def describe(self) -> str:
        return f"{self.workspace} on {self.host} (since {self.since})"


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
            raise ReplicaError(f"The replica at {url} cannot be read ({exc.strerror}).") from exc
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


def write(url: str, writer: Writer) -> None:
    body = json.dumps(
        {"format": "dualrole-writer", **writer.__dict__}, indent=2, sort_keys=True
    ).encode()
    kind = urls.scheme(url)
    if kind == "file":
        folder = urls.file_path(url)
        try:
            folder.mkdir(parents=True, mode=0o700, exist_ok=True)
            write_file(folder / NAME, body, force=True)
        except (OSError, DestinationError) as exc:
            cause = exc if isinstance(exc, OSError) else exc.__cause__
            if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
                raise ReplicaError(f"The replica at {url} is full; free space there.") from exc
            why = cause.strerror if isinstance(cause, OSError) else str(exc)
            raise ReplicaError(f"The replica at {url} cannot be written ({why}).") from exc
    elif kind == "s3":
        _s3(url, "PUT", body)


def claim(url: str, writer_id: str, db_path: Path, *, take_over: bool = False) -> Writer | None:
    """Make this workspace the replica's writer; return the previous foreign writer, if any.

    Raises ReplicaError when another writer holds it and ``take_over`` is not given.
    """
    current = read(url)
    if current is not None and current.writer_id == writer_id:
        return None
    if current is not None and not take_over:
        raise ReplicaError(
            f"{urls.shown(url)} is already the replica of {current.describe()}; two machines "
            "writing to one replica would ruin it. If you moved to this machine, stop dualrole "
            "on the old one, then run `dualrole replicate --to URL --take-over`."
        )
    if supported(url):
        write(url, me(writer_id, db_path))
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
    key = "/".join(p for p in (parts.path.strip("/"), NAME) if p)
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


def _s3(url: str, method: str, body: bytes = b"") -> bytes | None:
    target, host, region = _s3_target(url)
    headers = _sign(method, target, host, region, body)
    headers.pop("host")
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

"""``litestream replicate`` as a supervised child process, and what it has achieved.

:class:`Replicator` is used the same way by ``dualrole replicate`` (foreground) and by the
app (while it is open): ``start()`` claims the replica (:mod:`.marker`), takes this
workspace's replication lock (one replicator per workspace per machine: the app leaves it
to a running ``dualrole replicate``), and runs Litestream on a private config; a monitor
thread reads Litestream's JSON log for errors and compares, every ``poll_s`` seconds, the
transaction the workspace is at (what was written to it, :func:`.litestream.workspace_txid`,
not only what Litestream read) with the replica's newest one. ``stop()`` sends SIGTERM:
Litestream syncs what is left (10 s at most), then exits; if Litestream had died, one is
started again for that last sync. Then the replica's position is read once more and compared
with the workspace's: the final state says the replica holds everything only when it does,
else its ``error`` says what is missing.

The state is also written to a small status file (0600, in the config folder) that
``dualrole replica status`` reads from another process. Litestream dies with its parent
(``PR_SET_PDEATHSIG`` on Linux), so a killed replicator leaves no orphan behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TypedDict, Unpack

from dualrole.core.errors import DestinationError
from dualrole.replication import binaries, litestream, marker, urls
from dualrole.replication.litestream import ReplicaError
from dualrole.storage import replica_settings as settings
from dualrole.storage.db import StorageError
from dualrole.storage.files import write_file
from dualrole.storage.replica_settings import ReplicaSetting

MARKER_EVERY_S = 10.0
RESTART_AFTER_S = 5.0


class AlreadyReplicating(ReplicaError):
    """Another process on this machine replicates this workspace."""


@dataclass(frozen=True)
class ReplicaState:
    """What the replicator knows, all moments in UTC ISO text (JSON-friendly)."""

    url: str
    running: bool = False
    pid: int = 0
    started_at: str = ""
    checked_at: str = ""  # the last time the replica's position was read
    synced_at: str = ""  # the last time the replica held everything Litestream had
    local_txid: int = 0
    replica_txid: int = 0
    replica_at: str = ""  # when the replica's newest transaction was written
    pending_since: str = ""  # since when the replica is behind
    error: str = ""
    error_since: str = ""
    stopped_reason: str = ""

    def lag_s(self, now: dt.datetime | None = None) -> float:
        if not self.pending_since:
            return 0.0
        now = now or _now()
        return max((now - _parse(self.pending_since)).total_seconds(), 0.0)

    def label(self, now: dt.datetime | None = None) -> str:
        """The top bar's words: "replicated 4 s ago", "replica unreachable since 10:42"."""
        now = now or _now()
        if self.stopped_reason:
            return "replica stopped"
        if self.error:
            since = _parse(self.error_since or self.checked_at or _iso(now)).astimezone()
            word = "unreachable" if "reach" in self.error or "answer" in self.error else "failing"
            return f"replica {word} since {since:%H:%M}"
        if not self.synced_at:
            return "replicating…"
        age = max(int((now - _parse(self.synced_at)).total_seconds()), 0)
        if self.pending_since and self.lag_s(now) >= 5:
            return f"replica {int(self.lag_s(now))} s behind"
        return f"replicated {_ago(age)} ago"


class _Changes(TypedDict, total=False):
    """The fields of a ReplicaState that the replicator updates (all but its URL)."""

    running: bool
    pid: int
    started_at: str
    checked_at: str
    synced_at: str
    local_txid: int
    replica_txid: int
    replica_at: str
    pending_since: str
    error: str
    error_since: str
    stopped_reason: str


def _ago(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def status_path(db_path: Path) -> Path:
    return settings.status_file(db_path, ".json")


def lock_path(db_path: Path) -> Path:
    return settings.status_file(db_path, ".lock")


def read_status(db_path: Path) -> tuple[ReplicaState | None, bool]:
    """The last state a replicator wrote for the workspace, and whether one runs now."""
    running = settings.lock_held(lock_path(db_path))
    try:
        data = json.loads(status_path(db_path).read_text(encoding="utf-8"))
        state = ReplicaState(**{k: v for k, v in data.items() if k in ReplicaState.__annotations__})
    except (OSError, ValueError, TypeError):
        return None, running
    return state, running


class Replicator:
    """Replicates one workspace to its replica while started (see the module docstring)."""

    def __init__(
        self,
        db_path: Path,
        setting: ReplicaSetting,
        *,
        sync_interval: str = litestream.DEFAULT_SYNC_INTERVAL,
        poll_s: float = 2.0,
        take_over: bool = False,
    ) -> None:
        self.db_path = Path(db_path).resolve()
        self.setting = setting
        self.url = setting.url
        self.sync_interval = sync_interval
        self.poll_s = poll_s
        self.take_over = take_over
        self._state = ReplicaState(url=urls.shown(self.url))
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[str] | None = None
        self._lock_fd: int | None = None
        self._holder: sqlite3.Connection | None = None
        self._exited = ""  # how the last Litestream ended, when it ended by itself
        self._refusal: list[str] = []  # its last lines that were not JSON (a refused config)
        self.previous_writer: marker.Writer | None = None
        self._status_path = status_path(self.db_path)  # fixed now: the environment may change
        self._lock_path = lock_path(self.db_path)

    # --- public ---------------------------------------------------------------------------

    @property
    def state(self) -> ReplicaState:
        with self._mutex:
            return self._state

    def start(self) -> None:
        """Claim the replica, take the lock and start Litestream; ReplicaError if it cannot."""
        binaries.litestream()
        self._take_lock()
        try:
            self.previous_writer = marker.claim(
                self.url, self.setting.writer_id, self.db_path, take_over=self.take_over
            )
        except BaseException:
            self._release_lock()
            raise
        self._hold_wal()
        self._update(started_at=_iso(_now()), running=True, pid=os.getpid())
        self._thread = threading.Thread(target=self._run, name="replicator", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> ReplicaState:
        """Stop Litestream after its last sync, verify the replica holds everything; release.

        The returned state's ``error`` is empty only when the replica was seen holding the
        transaction the workspace is at; otherwise it says what is missing and why.
        """
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout + 5)
        synced = self._verify()
        if not self.state.stopped_reason and (synced is False or (synced is None and self._exited)):
            # Litestream died, or its shutdown sync fell short: one more, for the last sync.
            synced = self._final_sync(timeout)
        if synced is False and not self.state.stopped_reason:
            self._update(error=self._missing(), error_since=self.state.error_since or _iso(_now()))
        # synced is None: the replica could not be read; its error says so.
        self._update(running=False)
        self._write_status()
        self._release_lock()
        if self._holder is not None:
            with contextlib.suppress(sqlite3.Error):
                self._holder.close()
            self._holder = None
        return self.state

    def _hold_wal(self) -> None:
        """Keep a connection to the workspace open (no transaction) while replicating.

        When the last connection to a WAL database closes, SQLite checkpoints the WAL into
        the file and deletes it. With Litestream dead (killed, crashed), changes written then
        would vanish from the WAL unseen, and nothing could tell they never reached the
        replica. While this connection is open no other one is the last, so the WAL keeps
        them for the next Litestream, and :func:`.litestream.unread_changes` sees them.
        """
        with contextlib.suppress(sqlite3.Error):
            holder = sqlite3.connect(self.db_path, timeout=10, check_same_thread=False)
            holder.execute("SELECT count(*) FROM sqlite_master").fetchall()
            self._holder = holder

    def wait_synced(self, deadline_s: float) -> bool:
        """Wait until the replica holds everything Litestream took (tests, bench)."""
        end = time.monotonic() + deadline_s
        called = _iso(_now())
        while time.monotonic() < end:
            self._wake.set()
            state = self.state
            fresh = state.checked_at > called  # a check begun after this call (ISO sorts)
            if fresh and state.synced_at and not state.pending_since and not state.error:
                return True
            time.sleep(0.05)
        return False

    # --- the last sync ----------------------------------------------------------------------

    def _verify(self, timeout: float = 5.0) -> bool | None:
        """Read the replica's position once more: whether it holds what the workspace has
        (None when it cannot be read)."""
        try:
            self._check_position(timeout=timeout)
        except (ReplicaError, StorageError, OSError):
            return None
        state = self.state
        return not state.pending_since and state.replica_txid >= state.local_txid > 0

    def _final_sync(self, timeout: float) -> bool | None:
        """Start Litestream once more, wait until the replica holds everything, stop it."""
        try:
            self._spawn()
        except (OSError, ReplicaError, StorageError):
            return False
        end = time.monotonic() + timeout
        try:
            while time.monotonic() < end:
                if self._process is not None and self._process.poll() is not None:
                    break
                if self._verify(timeout=max(end - time.monotonic(), 1.0)):
                    break
                time.sleep(0.1)
        finally:
            self._terminate()
        return self._verify()

    def _missing(self) -> str:
        """What the replica lacks, and why, in one sentence (the state's last check)."""
        state = self.state
        where = urls.shown(self.url)
        reason = state.error.removesuffix(" Restarting it.").rstrip(";. ")
        because = f" ({reason})" if reason else ""
        return (
            f"The replica at {where} holds transaction {state.replica_txid} but this workspace "
            f"is at {state.local_txid}: its newest changes did not reach the replica{because}; "
            "run `dualrole replicate` again to send them."
        )

    # --- the monitor thread -----------------------------------------------------------------

    def _run(self) -> None:
        last_marker = time.monotonic()
        while not self._stop.is_set():
            if self._process is None or self._process.poll() is not None:
                if self._process is not None:
                    code = self._process.returncode
                    self._exited = f"exit {code}"
                    self._error(self._exit_message(code) + " Restarting it.")
                    if self._stop.wait(RESTART_AFTER_S):
                        break
                self._spawn()
            with contextlib.suppress(ReplicaError, OSError):
                self._check_position()
            if time.monotonic() - last_marker >= MARKER_EVERY_S:
                last_marker = time.monotonic()
                with contextlib.suppress(ReplicaError):
                    taker = marker.still_mine(self.url, self.setting.writer_id)
                    if taker is not None:
                        self._update(
                            stopped_reason=f"taken over by {taker.describe()}",
                            error=f"{urls.shown(self.url)} was taken over by "
                            f"{taker.describe()}; this workspace stopped replicating there.",
                            error_since=_iso(_now()),
                        )
                        self._write_status()
                        break
            self._write_status()
            self._wake.wait(self.poll_s)
            self._wake.clear()
        self._terminate()

    def _exit_message(self, code: int) -> str:
        """Why Litestream ended by itself: its own words when it refused to start."""
        if self._refusal:
            why = litestream.explain(self.url, " ".join(self._refusal))
            return f"Litestream stopped (exit {code}): {why}"
        return f"Litestream stopped unexpectedly (exit {code})."

    def _spawn(self) -> None:
        self._refusal = []
        with litestream.config_file(
            self.db_path, self.url, sync_interval=self.sync_interval
        ) as config:
            command = [
                str(binaries.litestream()),
                "replicate",
                "-config",
                str(config),
                "-no-expand-env",
            ]
            self._process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,  # Ctrl-C reaches us only; we stop it with a final sync
                **litestream.child_options(self.url, config),
            )
        threading.Thread(
            target=self._read_log, args=(self._process,), name="litestream-log", daemon=True
        ).start()

    def _read_log(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                entry = json.loads(line)
            except ValueError:
                if line.strip():
                    self._refusal = [*self._refusal[-2:], line.strip()]
                continue
            if not isinstance(entry, dict) or entry.get("level") not in ("ERROR", "WARN"):
                continue
            if entry.get("level") == "WARN" and "error" not in entry:
                continue
            detail = f"{entry.get('msg', '')} {entry.get('error', '')}"
            self._error(litestream.explain(self.url, detail))

    def _terminate(self) -> None:
        process = self._process
        if process is None:
            return
        if process.poll() is not None:  # it ended by itself, unseen by the monitor
            self._exited = self._exited or f"exit {process.returncode}"
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _check_position(self, timeout: float | None = None) -> None:
        local = litestream.workspace_txid(self.db_path)
        try:
            wait = timeout or float(
                os.environ.get("DUALROLE_REPLICA_TIMEOUT") or max(5.0, self.poll_s * 5)
            )
            position = litestream.position(self.db_path, self.url, timeout=wait)
        except ReplicaError as exc:
            self._error(str(exc))
            raise
        now = _now()
        replica_txid = position.txid if position else 0
        with self._mutex:
            state = self._state
            checked = replace(
                state,
                checked_at=_iso(now),
                local_txid=local,
                replica_txid=replica_txid,
                replica_at=_iso(position.at) if position else "",
            )
            if local and replica_txid >= local:
                checked = replace(checked, synced_at=_iso(now), pending_since="")
                if not state.stopped_reason:  # caught up: whatever failed before works now
                    checked = replace(checked, error="", error_since="")
            elif not state.pending_since:
                checked = replace(checked, pending_since=_iso(now))
            self._state = checked

    def _error(self, message: str) -> None:
        with self._mutex:
            since = self._state.error_since or _iso(_now())
            self._state = replace(self._state, error=message, error_since=since)

    def _update(self, **changes: Unpack[_Changes]) -> None:
        with self._mutex:
            self._state = replace(self._state, **changes)

    def _write_status(self) -> None:
        path = self._status_path
        with contextlib.suppress(OSError, DestinationError):  # status is advisory
            path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
            write_file(path, json.dumps(asdict(self.state)), force=True)

    def _take_lock(self) -> None:
        path = self._lock_path
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise AlreadyReplicating(
                f"{self.db_path} is already being replicated by another dualrole on this "
                "machine (`dualrole replicate` or the open app)."
            ) from exc
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

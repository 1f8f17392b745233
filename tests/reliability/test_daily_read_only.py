"""The daily commands on a read-only workspace: reading works, writing says so in one
sentence and changes nothing."""

from __future__ import annotations

from pathlib import Path

from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store

from .faults import one_sentence, read_only, run_cli, snapshot


def test_read_only_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "shelf"
    folder.mkdir()
    path = folder / "work.db"
    with open_store(path) as store:
        pid = sales.create_prospect(store, ProspectIn(name="Margaretha Quill")).id
        sales.create_followup(store, FollowUpIn(prospect_id=pid, title="Call", due_date="today"))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = snapshot(path)
    db = ("--db", str(path))
    with read_only(folder), read_only(path):
        today = run_cli(*db, "today")
        assert today.returncode == 0 and "f1  Margaretha Quill — Call" in today.stdout
        for args in (
            ("log", "quill", "Call"),
            ("add", "New One"),
            ("done", "f1"),
            ("snooze", "f1", "mon"),
            ("stage", "quill", "won"),
        ):
            result = run_cli(*db, *args)
            assert result.returncode == 1
            assert "is read-only" in one_sentence(result), args
    assert snapshot(path)[0] == before[0]

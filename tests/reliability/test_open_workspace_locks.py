"""Naming the open workspace where a contacts file or a backup is expected keeps its locks.

A plain descriptor opened and closed on a file drops every POSIX lock this process holds on
it, SQLite's included. Another program closing its connection then takes the workspace for
unused: it checkpoints and deletes the -wal this process still writes to, and later saves
are lost. So a file the user names is never sniffed while it is the workspace open here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.interop.importer import preview
from dualrole.services import sales
from dualrole.storage.backup import restore
from dualrole.storage.db import StorageError, is_workspace, open_store

OTHER_PROGRAM = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "c.execute('SELECT count(*) FROM prospects').fetchone(); c.close()"
)


def another_program_opens_and_closes(path: Path) -> None:
    subprocess.run([sys.executable, "-c", OTHER_PROGRAM, str(path)], check=True)


@pytest.mark.parametrize("named_as", ["contacts", "backup", "workspace check"])
def test_the_open_workspace_named_as_a_file_keeps_its_wal(tmp_path: Path, named_as: str):
    path = tmp_path / "work.db"
    link = tmp_path / "another-name.csv"
    link.symlink_to(path)
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Kept"))
        if named_as == "contacts":
            with pytest.raises(StorageError, match="workspace open here"):
                preview(store, link)
        elif named_as == "backup":
            with pytest.raises(StorageError, match="workspace open here"):
                restore(store, path)
        else:
            assert is_workspace(link)
        another_program_opens_and_closes(path)
        assert Path(f"{path}-wal").exists(), "the other program took the workspace for unused"
        sales.create_prospect(store, ProspectIn(name="Later"))
        assert store.check_wal() is None
    assert not list(tmp_path.glob("*.recovered-*"))
    with open_store(path) as store:
        names = {row[0] for row in store.query("SELECT name FROM prospects")}
    assert names == {"Kept", "Later"}

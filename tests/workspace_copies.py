"""Workspaces built once per test process and copied for each test (or example) that asks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dualrole.demo.workspace import DemoSize, generate
from dualrole.storage.db import Store, connect, open_memory, open_store


class Workspaces:
    """Workspace files built once per test process (each xdist worker has its own) and
    copied for each test that asks: migrating an empty file or generating a demo takes far
    longer than copying one, and hundreds of tests start from the same few.

    A copy is the file :func:`open_store` (and :func:`generate`) would have left: built with
    the asking test's own clock and time zone (a different ``DUALROLE_NOW`` gets its own
    build), closed, so the WAL is folded into it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[object, ...], Path] = {}

    def copy(self, dest: Path, *, seed: int | None = None, size: DemoSize | None = None) -> Path:
        """Put a workspace at ``dest``: empty, or the demo of ``seed`` (and ``size``)."""
        key = (seed, size, os.environ.get("DUALROLE_NOW"), os.environ.get("TZ"))
        template = self.built.get(key)
        if template is None:
            template = self.folder / f"workspace-{len(self.built)}.db"
            with open_store(template) as opened:
                if seed is not None:
                    generate(opened, seed=seed, size=size)
            self.built[key] = template
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, dest)  # contents and mode (0600)
        return dest


_memory_template: Store | None = None


def empty_memory() -> Store:
    """An empty in-memory workspace, as :func:`open_memory` makes one: a copy (SQLite's
    backup) of one migrated once per process. A property test opens one per example."""
    global _memory_template
    if _memory_template is None:
        _memory_template = open_memory()
    conn = connect(":memory:")
    _memory_template.conn.backup(conn)
    return Store(conn, None)

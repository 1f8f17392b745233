"""Shared fixtures: every test gets its own temporary database, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from dualrole.storage.db import Store, open_store
from workspace_copies import Workspaces, empty_memory

# CI runs the same generated examples every time (a property test must not pass or fail by
# chance); `make explore` draws new ones to look for what they have not found yet.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FROZEN_NOW = "2026-11-20T10:00:00"  # a Friday, week 2026-W47


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Freeze the clock and point every default path into the test's own folder."""
    monkeypatch.setenv("DUALROLE_NOW", FROZEN_NOW)
    monkeypatch.setenv("DUALROLE_DB", str(tmp_path / "default" / "dualrole.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    # Kept money layouts; beside the test's folder, which some tests expect unchanged.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.with_name(f"{tmp_path.name}-cache")))
    monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path / "config"))  # replica settings
    monkeypatch.setenv("TZ", "Europe/Berlin")
    for name in ("DUALROLE_CONFIG", "DUALROLE_THEME", "DUALROLE_LOCALE", "DUALROLE_KEYMAP"):
        monkeypatch.delenv(name, raising=False)  # the person's app config (dualrole.config)
    from dualrole.core.dates.when import use_date_style
    from dualrole.core.money import DEFAULT_LOCALE, use_locale

    use_locale(DEFAULT_LOCALE)  # a command or the app before may have set another
    use_date_style("day-month")
    import time

    time.tzset()


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory workspace (a copy of one migrated once per process)."""
    with empty_memory() as memory:
        yield memory


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "work.db"


@pytest.fixture(scope="session")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> Workspaces:
    return Workspaces(tmp_path_factory.mktemp("workspaces"))


@pytest.fixture
def file_store(db_path: Path, workspaces: Workspaces) -> Iterator[Store]:
    """An empty workspace in a real file (WAL, permissions)."""
    with open_store(workspaces.copy(db_path)) as opened:
        yield opened


@pytest.fixture
def demo_store(tmp_path: Path, workspaces: Workspaces) -> Iterator[Store]:
    """The demo workspace (seed 7) in a file."""
    with open_store(workspaces.copy(tmp_path / "demo.db", seed=7)) as opened:
        yield opened

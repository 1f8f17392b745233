"""Fixtures for the app's tests: a demo workspace in a temporary file, and screen readers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from dualrole.storage.db import Store, open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.paged_list import PagedList
from workspace_copies import Workspaces


@pytest.fixture
def demo_path(tmp_path: Path, workspaces: Workspaces) -> Path:
    """The demo workspace (seed 7) in a file, closed (a copy of one built once per run)."""
    return workspaces.copy(tmp_path / "demo.db", seed=7)


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Store]:
    with open_store(demo_path) as store:
        yield store


@pytest.fixture
def app(demo: Store) -> DualroleApp:
    return DualroleApp(demo)


def _lines(widget: PagedList) -> list[str]:
    return [
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    ]


@pytest.fixture
def lines():
    """``lines(paged_list)``: what a paged list shows, one string per screen line."""
    return _lines


async def _wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], *, timeout: float = 60.0
) -> None:
    """Let the app run until ``condition()`` holds; the deadline is only a safety net."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting ({timeout:.0f} s) for {condition}")
        await pilot.pause(0.01)


@pytest.fixture
def wait_until():
    """``await wait_until(pilot, lambda: ...)``: wait for a condition, never a fixed time."""
    return _wait_until


_DESELECTED = pytest.StashKey[list[pytest.Item]]()


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Remember what ``-k``/``-m`` left out: those tests still exist (see test_snapshot_files)."""
    if items:
        config = items[0].config
        config.stash.setdefault(_DESELECTED, []).extend(items)


@pytest.fixture
def collected_tests(request: pytest.FixtureRequest) -> list[pytest.Item]:
    """Every test this run collected, the deselected ones too."""
    return [*request.session.items, *request.config.stash.get(_DESELECTED, [])]

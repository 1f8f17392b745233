"""Fixtures for the app's tests: a demo workspace in a temporary file, and screen readers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dualrole.db import Store, open_store
from dualrole.demo import generate
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.paged_list import PagedList


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with open_store(path) as store:
        generate(store, seed=7)
    return path


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

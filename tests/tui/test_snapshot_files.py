"""Every stored screenshot belongs to a test.

Serially, syrupy fails a run that leaves a snapshot unused (a renamed or deleted test); under
pytest-xdist no process sees every test, so syrupy skips that check, and this test makes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "__snapshots__"


def test_every_stored_snapshot_belongs_to_a_collected_test(
    collected_tests: list[pytest.Item],
) -> None:
    names: dict[str, set[str]] = {}
    for item in collected_tests:
        names.setdefault(item.path.stem, set()).add(item.name)
    checked = 0
    for svg in sorted(SNAPSHOTS.glob("*/*.svg")):
        module = svg.parent.name
        if module not in names:
            continue  # that module was not part of this run
        assert svg.stem in names[module], f"{svg.relative_to(SNAPSHOTS)} belongs to no test"
        checked += 1
    if names.keys() & {folder.name for folder in SNAPSHOTS.iterdir()}:
        assert checked, f"no snapshot found in {SNAPSHOTS}"

"""SVGs of each main screen on the demo data: ``python -m dualrole.tui.screenshots DIR``.

Time is frozen (``DUALROLE_NOW``, default 2026-11-20 10:00) and the demo uses a fixed seed, so
the pictures only change when the app does. ``make screenshots`` runs this into screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from dualrole.tui.areas import AREAS

FROZEN_NOW = "2026-11-20T10:00:00"
SIZE = (120, 36)

SHOTS: dict[str, tuple[str, ...]] = {name: keys for area in AREAS for name, keys in area.shots}
"""File name → keys pressed after the app opens (Today), from each area's ``shots``."""


async def _shoot(db: Path, name: str, keys: tuple[str, ...], folder: Path) -> Path:
    from dualrole.storage.db import open_store
    from dualrole.tui.app import DualroleApp

    with open_store(db) as store:
        app = DualroleApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()  # e.g. the review builds in a worker
            await pilot.pause(0.2)
            app.clear_notifications()
            await pilot.pause()
            return Path(app.save_screenshot(f"{name}.svg", str(folder)))


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DUALROLE_NOW", FROZEN_NOW)
    os.environ.setdefault("TZ", "Europe/Berlin")
    time.tzset()
    from dualrole.demo.workspace import generate
    from dualrole.storage.db import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        with open_store(db) as store:
            generate(store, seed=7)
        for name, keys in SHOTS.items():
            path = asyncio.run(_shoot(db, name, keys, folder))
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

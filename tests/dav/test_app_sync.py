"""The app's palette command "Sync with phone": a worker syncs, a toast says what it did."""

from __future__ import annotations

from pathlib import Path

from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp

from .conftest import Phone


async def test_the_palette_syncs_with_the_phone_and_says_so(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    import asyncio

    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Sync with phone")
        await pilot.pause()
        await pilot.press("enter")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while not any("Synced:" in str(n.message) for n in app._notifications):
            assert loop.time() < deadline, "no toast"
            await pilot.pause(0.05)
        message = next(str(n.message) for n in app._notifications if "Synced:" in str(n.message))
        assert message.startswith("Synced: 0 changes in, 83 changes out.")
    assert len(phone.cards()) == 60
    assert demo.scalar("SELECT count(*) FROM dav_links") == 83


async def test_a_sync_that_fails_is_one_sentence_in_a_toast(
    demo: Store, demo_path: Path, phone: Phone, monkeypatch: object
) -> None:
    import asyncio

    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", "wrong")
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Sync with phone")
        await pilot.pause()
        await pilot.press("enter")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while not any(n.severity == "error" for n in app._notifications):
            assert loop.time() < deadline, "no toast"
            await pilot.pause(0.05)
        error = next(n for n in app._notifications if n.severity == "error")
        assert "refused the user name or password (owner)" in str(error.message)
        assert "wrong" not in str(error.message).replace("the user name", "")

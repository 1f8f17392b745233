"""Phone sync in the app against a real Radicale: ``P`` and the palette, the periodic sync
(no key pressed), the top bar's words, a server that stops and comes back, and the one
sentence when the workspace is not connected."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from dualrole.core.models import ProspectIn
from dualrole.dav import connect
from dualrole.services import sales
from dualrole.storage.db import Store, open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.topbar import TopBar

from . import radicale_server
from .conftest import Phone
from .radicale_server import PASSWORD, USER, Radicale


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 90.0
) -> None:
    """Let the app run until ``condition()`` holds; the deadline is only a safety net."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"gave up waiting for {condition}"
        await pilot.pause(0.05)


def bar_text(app: DualroleApp) -> str:
    bar = app.screen.query_one(TopBar)
    return "".join(segment.text for segment in bar.render_line(0))


def shown(app: DualroleApp) -> list[str]:
    """The lines the current screen's list shows (blank ones left out)."""
    from dualrole.tui.widgets.paged_list import PagedList

    widget = app.screen.query(PagedList).first()
    lines = (
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )
    return [line for line in lines if line.strip()]


def toasts(app: DualroleApp, severity: str | None = None) -> list[str]:
    return [str(n.message) for n in app._notifications if severity in (None, n.severity)]


async def test_P_syncs_once_and_the_top_bar_and_database_show_it(
    demo: Store, demo_path: Path, phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dualrole.dav import last_sync

    gate = threading.Event()  # the sync waits for it: still running at the second press
    real_run = last_sync.run

    def held_run(*args: Any, **options: Any) -> Any:
        assert gate.wait(120)
        return real_run(*args, **options)

    monkeypatch.setattr(last_sync, "run", held_run)
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "phone not synced yet" in bar_text(app))
        await pilot.press("P")
        await wait_until(pilot, lambda: "phone syncing…" in bar_text(app))
        await pilot.press("P")  # a second press while it runs starts nothing
        assert "A phone sync is running; the top bar shows when it is done." in toasts(app)
        gate.set()
        await wait_until(pilot, lambda: "phone synced 10:00" in bar_text(app))
        assert app.phone_sync.attempts == 1
        done = [t for t in toasts(app) if t.startswith("Synced:")]
        assert done == ["Synced: 0 changes in, 83 changes out."]
        assert len(phone.cards()) == 60
        assert demo.scalar("SELECT count(*) FROM dav_links") == 83

        # A name changed on the phone shows on Sales after the next sync, by itself.
        await pilot.press("s")
        await wait_until(pilot, lambda: bool(shown(app)))
        names = [str(row[0]) for row in demo.query("SELECT name FROM prospects")]
        name = next(n for line in shown(app) for n in names if n in line)
        href, etag, body = phone.card_of(f"FN:{name}\n")
        lines = [line for line in body.splitlines() if not line.startswith("REV")]
        renamed = [line.replace(f"FN:{name}", "FN:Aaron Renamed") for line in lines]
        phone.put(href, "\r\n".join(renamed), etag)  # no REV: the newer; sorts first
        await pilot.press("P")
        await wait_until(pilot, lambda: any("Aaron Renamed" in line for line in shown(app)))


async def test_the_palette_syncs_with_the_phone_and_says_so(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Sync with phone")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Synced:" in t for t in toasts(app)))
        message = next(t for t in toasts(app) if "Synced:" in t)
        assert message.startswith("Synced: 0 changes in, 83 changes out.")
    assert len(phone.cards()) == 60
    assert demo.scalar("SELECT count(*) FROM dav_links") == 83


def card(uid: str, name: str, email: str) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", f"EMAIL:{email}"]
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


async def test_contacts_only_on_the_phone_are_imported_from_the_palette(
    demo: Store, demo_path: Path, phone: Phone
) -> None:
    phone.new_card("ios-9", card("ios-9", "Only [b]On[/b] Phone", "only@phone.example"))
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("P")
        await wait_until(pilot, lambda: any("Synced:" in t for t in toasts(app)))
        message = next(t for t in toasts(app) if "Synced:" in t)
        assert "1 contact on the server is not in dualrole." in message
        assert "To import them: ctrl+p → “Sync with phone and import new contacts”." in message
        assert "--import-new" not in message
        await pilot.press("ctrl+p", *"import new contacts")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: sum("Synced:" in t for t in toasts(app)) == 2)
        assert "1 imported" in toasts(app)[-1]
    found = demo.scalar("SELECT name FROM prospects WHERE email = 'only@phone.example'")
    assert found == "Only [b]On[/b] Phone"


async def test_without_a_connection_P_says_how_to_make_one(tmp_path: Path) -> None:
    with open_store(tmp_path / "plain.db") as store:
        app = DualroleApp(store, phone_sync_minute=0.05)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("P")
            await wait_until(pilot, lambda: toasts(app, "warning"))
            assert toasts(app, "warning") == [
                "This workspace is not connected to a contacts server yet; run "
                "`dualrole dav connect URL --user NAME` first."
            ]
            assert app.phone_sync.attempts == 0 and "phone" not in bar_text(app)


@pytest.fixture
def own_radicale(tmp_path: Path) -> Iterator[Radicale]:
    """A server of the test's own, to stop and start again without disturbing others."""
    server = radicale_server.start(tmp_path / "own-radicale")
    yield server
    server.stop()


@pytest.fixture
def small(
    tmp_path: Path, own_radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, Store]]:
    """Two prospects, connected to the test's own server (its own collections)."""
    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", PASSWORD)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    path = tmp_path / "small.db"
    with open_store(path) as store:
        for name, email in (("Ada Lovelace", "ada@example.com"), ("Alan Turing", "al@ex.org")):
            sales.create_prospect(store, ProspectIn(name=name, email=email))
        connect.connect(path, store, own_radicale.url, USER, PASSWORD, tasks=False, every_minutes=1)
        yield path, store


async def test_the_app_syncs_every_interval_and_survives_a_server_that_stops(
    small: tuple[Path, Store], own_radicale: Radicale
) -> None:
    _path, store = small
    app = DualroleApp(store, phone_sync_minute=0.2)  # `dav every 1`: 0.2 s
    async with app.run_test(size=(100, 30)) as pilot:
        # Nothing pressed: the timer syncs, and the bar says when.
        await wait_until(pilot, lambda: "phone synced 10:00" in bar_text(app))
        assert store.scalar("SELECT count(*) FROM dav_links") == 2
        assert not toasts(app)  # a periodic sync that worked is no toast

        own_radicale.stop()
        stopped_at = app.phone_sync.attempts + 1  # a sync in flight may fail otherwise
        await wait_until(pilot, lambda: app.phone_sync.attempts > stopped_at)
        await wait_until(pilot, lambda: "phone sync failed 10:00" in bar_text(app))
        said = toasts(app, "error")
        assert said and said[-1].startswith("Cannot reach 127.0.0.1"), said
        failed_at = app.phone_sync.attempts
        await wait_until(pilot, lambda: app.phone_sync.attempts >= failed_at + 3)
        assert toasts(app, "error") == said  # one toast for the fault, not one per tick
        assert "phone sync failed 10:00" in bar_text(app)  # the bar keeps showing it

        sales.create_prospect(store, ProspectIn(name="Grace Hopper", email="gh@example.com"))
        own_radicale.restart()
        await wait_until(pilot, lambda: "phone synced 10:00" in bar_text(app))
        await wait_until(pilot, lambda: store.scalar("SELECT count(*) FROM dav_links") == 3)
        assert app.phone_sync.fault is None


async def test_the_app_follows_dav_every_and_connect_made_in_a_shell(
    small: tuple[Path, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dualrole.dav import settings
    from dualrole.tui import phone_sync

    monkeypatch.setattr(phone_sync, "SETTINGS_CHECK_SECONDS", 0.05)
    path, store = small
    saved = settings.set_every(path, None)
    settings_file = settings.settings_path()
    kept = settings_file.read_bytes()
    settings_file.unlink()  # not connected when the app starts
    app = DualroleApp(store, phone_sync_minute=0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.phone_sync._seen is None)  # read: no file
        assert "phone" not in bar_text(app) and app.phone_sync.timer is None
        written = settings_file.with_suffix(".new")
        written.write_bytes(kept)
        written.chmod(0o600)
        written.rename(settings_file)  # `dualrole dav connect` in a shell
        await wait_until(pilot, lambda: "phone not synced yet" in bar_text(app))
        assert app.phone_sync.timer is None and app.phone_sync.attempts == 0  # interval off
        assert saved.every_minutes is None
        settings.set_every(path, 1)  # `dualrole dav every 1`
        await wait_until(pilot, lambda: "phone synced 10:00" in bar_text(app))
        settings.set_every(path, None)  # `dualrole dav every off`
        await wait_until(pilot, lambda: app.phone_sync.timer is None)
    assert store.scalar("SELECT count(*) FROM dav_links") == 2


async def test_a_sync_that_fails_is_one_sentence_in_a_toast(
    demo: Store, demo_path: Path, phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", "wrong")
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Sync with phone")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: toasts(app, "error"))
        error = toasts(app, "error")[0]
        assert "refused the user name or password (owner)" in error
        assert "wrong" not in error.replace("the user name", "")
        await wait_until(pilot, lambda: "phone sync failed 10:00" in bar_text(app))


async def test_the_timer_starts_nothing_while_the_app_quits(
    small: tuple[Path, Store],
) -> None:
    _path, store = small
    app = DualroleApp(store)  # `dav every 1`: a real minute, the test calls the tick itself
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.phone_sync.timer is not None)
        app._quitting = True  # as before_shutdown sets it
        app.phone_sync.tick()
        assert app.phone_sync.attempts == 0 and not app.phone_sync.running
        app._quitting = False
        app.phone_sync.tick()
        assert app.phone_sync.attempts == 1
        await wait_until(pilot, lambda: "phone synced 10:00" in bar_text(app))

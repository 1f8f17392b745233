"""``dualrole dav every`` and ``dualrole dav status`` (and ``dav connect --every``): the app's
interval kept beside the connection, checked in one sentence; the status never shows the
password."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dualrole.dav import settings
from dualrole.storage.db import open_store
from in_process import dualrole

from .conftest import Phone
from .radicale_server import PASSWORD, USER, Radicale


@pytest.fixture
def connected(tmp_path: Path) -> Path:
    """A workspace with a saved connection (no server needed to set the interval)."""
    db = tmp_path / "work.db"
    open_store(db).close()
    settings.save(
        db,
        settings.Connection(
            url="https://dav.example.com/",
            user="me",
            addressbook="https://dav.example.com/me/dualrole/",
            calendar=None,
        ),
    )
    return db


def dav_json() -> dict[str, object]:
    return json.loads(settings.settings_path().read_text())  # type: ignore[no-any-return]


def test_every_keeps_the_interval_beside_the_connection(connected: Path) -> None:
    done = dualrole("--db", str(connected), "dav", "every", "15")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "The app syncs with the phone every 15 min while it is open.\n"
    connection = settings.get(connected)
    assert connection is not None and connection.every_minutes == 15
    assert connection.url == "https://dav.example.com/"  # the rest as it was
    assert stat.S_IMODE(settings.settings_path().stat().st_mode) == 0o600

    done = dualrole("--db", str(connected), "dav", "every", "off")
    assert done.returncode == 0, done.stderr
    assert "only when asked" in done.stdout
    connection = settings.get(connected)
    assert connection is not None and connection.every_minutes is None


@pytest.mark.parametrize("wrong", ["soon", "five", "1441", "1.5", ""])
def test_a_wrong_interval_is_one_sentence_and_changes_nothing(connected: Path, wrong: str) -> None:
    dualrole("--db", str(connected), "dav", "every", "20")
    before = settings.settings_path().read_bytes()
    done = dualrole("--db", str(connected), "dav", "every", wrong)
    assert done.returncode == 1
    assert done.stderr == (
        "Error: Give the minutes between the app's phone syncs as a whole number from 1 to "
        f"1440, or off (not {wrong!r}).\n"
    )
    assert settings.settings_path().read_bytes() == before


def test_every_without_a_connection_says_how_to_make_one(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    open_store(db).close()
    done = dualrole("--db", str(db), "dav", "every", "15")
    assert done.returncode == 1
    assert done.stderr == (
        "Error: This workspace is not connected to a contacts server yet; run "
        "`dualrole dav connect URL --user NAME` first.\n"
    )
    status = dualrole("--db", str(db), "dav", "status")
    assert status.returncode == 0
    assert status.stdout.startswith("This workspace is not connected to a contacts server yet")


def test_status_shows_connection_interval_and_password_source_never_the_password(
    connected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("DUALROLE_DAV_PASSWORD", raising=False)
    dualrole("--db", str(connected), "dav", "every", "30")
    done = dualrole("--db", str(connected), "dav", "status")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:5] == [
        "Server: https://dav.example.com/ (user me).",
        "Contacts: https://dav.example.com/me/dualrole/.",
        "Follow-ups: not synced (--no-tasks).",
        "The app syncs with the phone every 30 min while it is open.",
        "Last sync: never.",
    ]
    assert lines[5].startswith("Password: none stored: `dualrole dav sync` asks for it")
    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", "s3cret-pass")
    done = dualrole("--db", str(connected), "dav", "status")
    assert done.stdout.splitlines()[5] == "Password: from DUALROLE_DAV_PASSWORD."
    assert "s3cret-pass" not in done.stdout + done.stderr


def test_connect_every_then_sync_and_a_failure_show_in_status(
    tmp_path: Path, radicale: Radicale, phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli.db"
    open_store(db).close()
    args = ["--db", str(db), "dav", "connect", radicale.url, "--user", USER]
    named = ["--addressbook", phone.book_name, "--calendar", phone.calendar_name]
    wrong = dualrole(*args, *named, "--every", "often")
    assert wrong.returncode == 2
    assert "whole number from 1 to 1440, or off (not 'often')" in wrong.stderr
    assert settings.get(db) is None  # nothing kept
    done = dualrole(*args, *named, "--every", "10")
    assert done.returncode == 0, done.stderr
    assert "The app syncs with the phone every 10 min while it is open." in done.stdout
    connection = settings.get(db)
    assert connection is not None and connection.every_minutes == 10
    again = dualrole(*args, *named)  # connecting again keeps the interval
    assert again.returncode == 0, again.stderr
    connection = settings.get(db)
    assert connection is not None and connection.every_minutes == 10

    synced = dualrole("--db", str(db), "dav", "sync")
    assert synced.returncode == 0, synced.stderr
    status = dualrole("--db", str(db), "dav", "status").stdout
    assert "Last sync: Fri 20 Nov 2026 10:00 — Synced: 0 changes in, 0 changes out." in status
    assert "Password: from DUALROLE_DAV_PASSWORD." in status

    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", "wrong")
    assert dualrole("--db", str(db), "dav", "sync").returncode == 1
    status = dualrole("--db", str(db), "dav", "status").stdout
    assert "Last sync: Fri 20 Nov 2026 10:00, failed — " in status
    assert "refused the user name or password (owner)" in status
    assert "The last good one: Fri 20 Nov 2026 10:00." in status
    assert PASSWORD not in status and "wrong" not in status.replace("the user name", "")


def test_the_top_bar_words_say_the_day_when_it_is_not_today() -> None:
    from dualrole.core.dates.when import use_date_style
    from dualrole.dav.last_sync import LastSync, top_bar_words

    today = LastSync(at="2026-11-20T09:00:00Z", ok=True, message="Synced: …")
    earlier = LastSync(at="2026-11-19T08:12:00Z", ok=False, message="Cannot reach …")
    assert top_bar_words(today) == "phone synced 10:00"  # Berlin, the tests' zone
    assert top_bar_words(earlier) == "phone sync failed Thu 19 Nov 09:12"
    use_date_style("iso")
    assert top_bar_words(earlier) == "phone sync failed Thu 2026-11-19 09:12"
    assert top_bar_words(None) == "phone not synced yet"
    assert top_bar_words(today, syncing=True) == "phone syncing…"

"""Fetching in the background while the app is open: off until turned on, never two at
once, what is new in one toast, and each fault told once while it lasts."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.mail import fetch as mail_fetch
from dualrole.mail.fetch import FetchReport
from dualrole.services.mail import add_source, fetch_every, set_fetch_every
from dualrole.services.sales import interactions_for
from dualrole.storage.db import StorageError, Store
from dualrole.tui import mail_watch
from dualrole.tui.app import DualroleApp
from dualrole.tui.mail_watch import MailWatch

from .conftest import ME, message, put_maildir, recording_toasts

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Checks every 20 ms instead of 30 s; counts checks and fetches."""
    monkeypatch.setattr(mail_watch, "FIRST_CHECK_SECONDS", 0.02)
    monkeypatch.setattr(mail_watch, "CHECK_SECONDS", 0.02)
    counts = {"checks": 0, "fetches": 0}
    check, fetch_all = MailWatch.check, mail_fetch.fetch_all

    def counting_check(self: MailWatch) -> None:
        counts["checks"] += 1
        check(self)

    def counting_fetch(store: Store, **kw: object) -> FetchReport:
        counts["fetches"] += 1
        return fetch_all(store, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MailWatch, "check", counting_check)
    monkeypatch.setattr(mail_fetch, "fetch_all", counting_fetch)
    return counts


async def _until(pilot, condition) -> None:
    """Let the app run until ``condition()`` holds (60 s only as a safety net)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while not condition():
        assert loop.time() < deadline, f"gave up waiting for {condition}"
        await pilot.pause(0.01)


async def test_off_until_turned_on_then_every_so_often_with_one_toast(
    people: Store, tmp_path: Path, quick: dict[str, int]
) -> None:
    put_maildir(tmp_path / "M", "1", message())  # Ana, a prospect
    cleo = message(sender="Cleo <cleo@initech.example>", message_id="<c>")  # unknown
    put_maildir(tmp_path / "M", "2", cleo)
    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    app = DualroleApp(people)
    told = recording_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: quick["checks"] >= 3)
        assert quick["fetches"] == 0  # off by default
        set_fetch_every(people, 1)  # as `mail settings --fetch-every 1` from a shell
        await _until(pilot, lambda: quick["fetches"] == 1 and not app.mail_watch.running)
        await _until(pilot, lambda: any("logged" in t for t in told))
        assert [t for t in told if "logged" in t] == [
            "1 new message(s) logged; 1 sender(s) wait in triage (Sales → E)."
        ]
        seen = quick["checks"]
        await _until(pilot, lambda: quick["checks"] >= seen + 5)
        assert quick["fetches"] == 1  # not due again for a minute
    [logged] = interactions_for(people, 1)
    assert logged.summary == "Pricing question"


async def test_never_two_at_once_and_each_fault_told_once(
    people: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    outcomes = iter(
        [["Cannot reach the mail server at x:993: refused."]] * 2
        + [[]]
        + [["Cannot reach the mail server at x:993: refused."]]
    )
    started: list[int] = []

    def slow_fetch(store: Store, **kw: object) -> FetchReport:
        started.append(1)
        assert gate.wait(60)
        return FetchReport(problems=next(outcomes))

    monkeypatch.setattr(mail_fetch, "fetch_all", slow_fetch)
    app = DualroleApp(people)
    told = recording_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        watch = app.mail_watch
        assert watch is not None
        assert watch.fetch_now() is True
        await _until(pilot, lambda: len(started) == 1)
        assert watch.fetch_now() is False  # one is running: no second
        gate.set()
        await _until(pilot, lambda: not watch.running)
        for _ in range(3):  # the same fault again, then none, then it is back
            assert watch.fetch_now() is True
            await _until(pilot, lambda: not watch.running)
        faults = [t for t in told if t.startswith("Cannot reach")]
        assert len(faults) == 2 and len(started) == 4


def test_cli_turns_it_on_and_off_in_one_sentence(people: Store, db_path: Path) -> None:
    run = CliRunner()

    def settings(*args: str) -> tuple[int, str]:
        result = run.invoke(cli, ["--db", str(db_path), "mail", "settings", *args])
        return result.exit_code, result.output

    code, shown = settings()
    assert code == 0 and "The app fetches mail only when asked" in shown
    code, shown = settings("--fetch-every", "15")
    assert code == 0 and "fetches new mail every 15 minute(s)" in shown
    code, shown = settings("--fetch-every", "100000")
    assert code == 1 and "Fetch every 1 to 1440 minutes (0 turns it off), not 100000." in shown
    assert fetch_every(people) == 15
    with pytest.raises(StorageError):
        set_fetch_every(people, -1)

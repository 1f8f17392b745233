"""Fetching mail in the background while the app is open, when the owner turned it on.

``dualrole mail settings --fetch-every MINUTES`` sets how often (0, the default: never by
itself). The app looks at that setting every :data:`CHECK_SECONDS` (so a change made from a
shell takes effect without a restart) and, when a fetch is due, runs
:func:`dualrole.mail.fetch.fetch_all` in a thread on a connection of its own — never two at
once. The password comes from ``DUALROLE_MAIL_PASSWORD`` or the keyring: the app asks for
none. What it did is a toast only when something new was logged or waits in triage; a
fault is one toast the first time it happens, not at every fetch while it lasts. The top
bar is left alone (the phone sync owns its corner).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from dualrole.storage.db import StorageError, open_store

if TYPE_CHECKING:
    from dualrole.mail.fetch import FetchReport
    from dualrole.tui.app import DualroleApp

FIRST_CHECK_SECONDS = 5.0
"""The first look, after the app's first frames (and its daily backup) are done."""
CHECK_SECONDS = 30.0
"""How often the setting is read and the time since the last fetch compared with it."""


class MailWatch:
    """The app's background fetch: its timer, whether one is running, the faults told."""

    def __init__(self, app: DualroleApp) -> None:
        self.app = app
        self.running = False
        """A fetch is under way (no second one starts until it ends)."""
        self.started_at: float | None = None
        """When the last fetch started (``time.monotonic``); None: not yet."""
        self.faults: set[str] = set()
        """The faults of the last fetch, each told once while it lasts."""

    def start(self) -> None:
        self.app.set_timer(FIRST_CHECK_SECONDS, self._first_check)

    def _first_check(self) -> None:
        self.check()
        self.app.set_interval(CHECK_SECONDS, self.check)

    def minutes(self) -> int:
        from dualrole.services.mail import fetch_every

        try:
            return fetch_every(self.app.store)
        except StorageError:
            return 0

    def check(self) -> None:
        """Fetch when it is turned on and due."""
        minutes = self.minutes()
        if minutes <= 0:
            return
        if self.started_at is None or time.monotonic() - self.started_at >= minutes * 60:
            self.fetch_now()

    def fetch_now(self) -> bool:
        """Start a fetch unless one is running; whether one started."""
        path = self.app.store.path
        if self.running or path is None:
            return False
        self.running = True
        self.started_at = time.monotonic()

        def in_background() -> None:
            from dualrole.mail.fetch import FetchReport, fetch_all

            try:
                with open_store(path, create=False, backup_before_migrate=False) as own:
                    report = fetch_all(own)
            except StorageError as exc:
                report = FetchReport(problems=[str(exc)])
            except Exception as exc:  # never a traceback over the app: one sentence instead
                report = FetchReport(problems=[f"Mail could not be fetched: {exc}"])
            self.app.call_from_thread(self._done, report)

        self.app.run_worker(in_background, thread=True, group="mail-watch", exit_on_error=False)
        return True

    def _done(self, report: FetchReport) -> None:
        self.running = False
        new_faults = [p for p in report.problems if p not in self.faults]
        self.faults = set(report.problems)
        for problem in new_faults:
            self.app.notify(problem, title="Mail", severity="warning", timeout=12, markup=False)
        tally = report.tally
        if tally.logged or tally.waiting:
            waiting = self._waiting_in_triage()
            parts = [f"{tally.logged} new message(s) logged"] if tally.logged else []
            if waiting:
                parts.append(f"{waiting} sender(s) wait in triage (Sales → E)")
            self.app.notify("; ".join(parts) + ".", title="Mail", markup=False)

    def _waiting_in_triage(self) -> int:
        from dualrole.services.mail_triage import triage

        try:
            return len(triage(self.app.store))
        except StorageError:
            return 0


def start_mail_watch(app: DualroleApp) -> MailWatch:
    """The app's background fetch, started (it does nothing until it is turned on)."""
    watch = MailWatch(app)
    watch.start()
    return watch

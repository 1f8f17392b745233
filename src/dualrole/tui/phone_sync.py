"""Phone sync inside the app: ``P`` and the palette, and every N minutes while it is open.

The app holds one :class:`PhoneSync`. A sync runs as ``dualrole dav sync`` does
(:func:`dualrole.dav.last_sync.run`, on its own connection in a thread worker), never two at
once: a press while one runs says so and starts nothing. The owner's interval
(``dualrole dav every 15``, in ``dav.json``) starts a timer; a tick is skipped while a sync
runs or the app quits. A failed sync is one toast when its sentence is new (a server down
for an hour is not a toast every tick) and stays in the top bar until one works. What a
sync changed reaches the screens through the data-changed signal, like any other write.

The top bar's words (``phone synced 10:00``) are the app's ``phone_label`` reactive.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from dualrole.storage.db import StorageError, open_store

if TYPE_CHECKING:
    from dualrole.dav.last_sync import LastSync
    from dualrole.dav.side import SyncReport
    from dualrole.tui.app import DualroleApp

IMPORT_NEW_LABEL = "sales: Sync with phone and import new contacts"
"""The palette entry that brings in the contacts only the server has (``--import-new``)."""
START_AFTER = 1.0
"""Seconds after the start before the connection is read (not in the first frame's way)."""
TITLE = "Phone sync"


class PhoneSync:
    """The app's phone sync: by hand, on a timer, and the top bar's words."""

    def __init__(self, app: DualroleApp, every_seconds: float | None = None) -> None:
        self.app = app
        self.every_seconds = every_seconds
        """Overrides the connection's interval (tests); None: the owner's ``dav every``."""
        self.running = False
        self.fault: str | None = None
        """The last sync's failure (said once in a toast), None once one works again."""
        self.connected = False
        self.attempts = 0
        """How many syncs this app started (the tests count the timer's)."""

    # --- the start --------------------------------------------------------------------

    def start(self) -> None:
        """Read the connection: the top bar's words, and the timer when the owner set one."""
        from dualrole.dav.settings import DavSettingsError, get

        path = self.app.store.path
        if path is None:
            return
        try:
            connection = get(path)
        except DavSettingsError as exc:
            self.app.notify(str(exc), title=TITLE, severity="warning", markup=False)
            return
        if connection is None:
            return
        self.connected = True
        self.show_last()
        seconds = self.every_seconds
        if seconds is None and connection.every_minutes:
            seconds = connection.every_minutes * 60.0
        if seconds and not self.app.store.read_only:
            self.app.set_interval(seconds, self.tick)

    def show_last(self) -> None:
        """The top bar's words from the last recorded sync (the app's, a shell's, cron's)."""
        from dualrole.dav import last_sync

        if self.connected and not self.running and self.app.store.path is not None:
            self.app.phone_label = last_sync.top_bar_words(last_sync.last(self.app.store.path))

    # --- starting a sync --------------------------------------------------------------

    def tick(self) -> None:
        """The timer: a sync unless one runs or the app is quitting."""
        if self.running or self.app._quitting or not self.app.is_running:
            return
        self._begin(import_new=False, by_hand=False)

    def by_hand(self, import_new: bool = False) -> None:
        """``P`` or the palette: a sync now, or one sentence saying why not."""
        from dualrole.dav.settings import NOT_CONNECTED, DavSettingsError, get

        path = self.app.store.path
        if path is None:
            self._say("This workspace is in memory; phone sync needs a file.", "warning")
            return
        if self.running:
            self._say("A phone sync is running; the top bar shows when it is done.", "information")
            return
        try:
            connection = get(path)
        except DavSettingsError as exc:
            self._say(str(exc), "error")
            return
        if connection is None:
            self._say(NOT_CONNECTED, "warning")
            return
        self.connected = True
        self._begin(import_new=import_new, by_hand=True)

    def _begin(self, *, import_new: bool, by_hand: bool) -> None:
        self.running = True
        self.attempts += 1
        if by_hand or self.fault is None:  # the timer's retries leave the fault in sight
            self.app.phone_label = "phone syncing…"
        self.app.run_worker(
            partial(self._work, import_new, by_hand),
            name="phone-sync",
            group="phone-sync",
            thread=True,
            exit_on_error=False,
        )

    # --- the sync (a thread) ------------------------------------------------------------

    def _work(self, import_new: bool, by_hand: bool) -> None:
        """The sync on its own connection; its outcome goes back to the UI thread. The
        password comes from DUALROLE_DAV_PASSWORD or the keyring (the app never prompts)."""
        from dualrole.dav import last_sync
        from dualrole.dav.client import DavError
        from dualrole.dav.secret import NoPassword
        from dualrole.dav.settings import DavSettingsError

        path = self.app.store.path
        assert path is not None
        try:
            with open_store(path, create=False) as own:
                report = last_sync.run(path, own, import_new=import_new)
        except (DavError, DavSettingsError, NoPassword, StorageError) as exc:
            self._back(self._failed, str(exc), by_hand, last_sync.last(path))
            return
        except Exception as exc:  # a bug must not stop later syncs: said, and the next tries
            sentence = f"The phone sync stopped on an error ({type(exc).__name__}: {exc})."
            self._back(self._failed, sentence, by_hand, last_sync.last(path))
            return
        self._back(self._done, report, by_hand, last_sync.last(path))

    def _back(self, callback: object, *args: object) -> None:
        """Back on the UI thread; when the app has quit meanwhile, nothing is left to show."""
        self.app._from_thread(callback, *args)  # type: ignore[arg-type]

    # --- the outcome (UI thread) ----------------------------------------------------------

    def _done(self, report: SyncReport, by_hand: bool, last: LastSync | None) -> None:
        from dualrole.dav import last_sync

        self.running = False
        self.fault = None
        self.app.phone_label = last_sync.top_bar_words(last)
        self.app.data_changes.check()  # the sync's writes, on the screens now
        if by_hand:
            self._say("\n".join(toast_lines(report)), "information", timeout=15)

    def _failed(self, sentence: str, by_hand: bool, last: LastSync | None) -> None:
        from dualrole.dav import last_sync

        self.running = False
        self.app.phone_label = (
            last_sync.top_bar_words(last) if last and not last.ok else "phone sync failed"
        )
        if by_hand or sentence != self.fault:
            self._say(sentence, "error", timeout=20)
        self.fault = sentence

    def _say(self, sentence: str, severity: str, *, timeout: float = 8) -> None:
        self.app.notify(
            sentence,
            title=TITLE,
            severity=severity,  # type: ignore[arg-type]
            timeout=timeout,
            markup=False,
        )


def toast_lines(report: SyncReport, most: int = 5) -> list[str]:
    """What a sync did, for a toast: its summary, then its first notes; contacts only the
    server has are brought in by the palette's entry (the CLI's ``--import-new``)."""
    summary = report.summary().replace(" (--import-new brings them in).", ".")
    lines = [summary, *report.notes[:most]]
    if len(report.notes) > most:
        lines.append(f"… and {len(report.notes) - most} more (`dualrole dav sync` lists all).")
    if report.not_imported:
        lines.append(f"To import them: ctrl+p → “{IMPORT_NEW_LABEL.split(': ', 1)[1]}”.")
    return lines

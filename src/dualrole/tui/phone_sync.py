"""Phone sync inside the app: ``P`` and the palette, and every N minutes while it is open.

The app holds one :class:`PhoneSync`. A sync runs as ``dualrole dav sync`` does
(:func:`dualrole.dav.last_sync.run`, on its own connection in a thread worker), never two at
once: a press while one runs says so and starts nothing. The owner's interval
(``dualrole dav every 15``, in ``dav.json``, followed while the app runs) starts a timer; a
tick is skipped while a sync runs or the app quits. A failed sync is one toast when its
sentence is new (a server down for an hour is not a toast every tick) and stays in the top
bar until one works. What a sync changed reaches the screens through the data-changed
signal, like any other write.

The top bar's words (``phone synced 10:00``) are the app's ``phone_label`` reactive.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from dualrole.storage.db import StorageError, open_store

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from textual.timer import Timer

    from dualrole.dav.last_sync import LastSync
    from dualrole.dav.side import SyncReport
    from dualrole.tui.app import DualroleApp

IMPORT_NEW_LABEL = "sales: Sync with phone and import new contacts"
"""The palette entry that brings in the contacts only the server has (``--import-new``)."""
START_AFTER = 1.0
"""Seconds after the start before the connection is read (not in the first frame's way)."""
SETTINGS_CHECK_SECONDS = 5.0
"""How often the app looks whether ``dav.json`` changed (one ``stat``)."""
TITLE = "Phone sync"
NOT_READ = object()
"""``dav.json``'s stamp before the app first read it."""


class PhoneSync:
    """The app's phone sync: by hand, on a timer, and the top bar's words."""

    def __init__(self, app: DualroleApp, minute: float = 60.0) -> None:
        self.app = app
        self.minute = minute
        """Seconds in one of the interval's minutes: tests make ``dav every 1`` quick."""
        self.running = False
        self.fault: str | None = None
        """The last sync's failure (said once in a toast), None once one works again."""
        self.connected = False
        self.attempts = 0
        """How many syncs this app started (the tests count the timer's)."""
        self.timer: Timer | None = None
        self.busy = threading.Event()
        """Set while a sync's thread works: quitting then waits for it (see ``launch``)."""
        self._every: float | None = None
        self._seen: object = NOT_READ

    # --- the connection, read at the start and whenever dav.json changes -----------------

    def start(self) -> None:
        """Follow the connection: now, and after each change to ``dav.json`` (``dualrole dav
        connect`` or ``dav every`` in a shell while the app is open)."""
        if self.app.store.path is None:
            return
        self.follow()
        self.app.set_interval(SETTINGS_CHECK_SECONDS, self.follow_if_changed)

    def _stamp(self) -> object:
        from dualrole.dav.settings import settings_path

        try:
            info = settings_path().stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size  # written whole: a new file

    def follow_if_changed(self) -> None:
        if self._stamp() != self._seen:
            self.follow()

    def follow(self) -> None:
        """The top bar's words, and the timer at the owner's interval (none when off)."""
        from dualrole.dav.settings import DavSettingsError, get

        path = self.app.store.path
        assert path is not None
        self._seen = self._stamp()
        try:
            connection = get(path)
        except DavSettingsError as exc:
            self.app.notify(str(exc), title=TITLE, severity="warning", markup=False)
            connection = None
        self.connected = connection is not None
        if connection is None:
            self.app.phone_label = ""
        else:
            self.show_last()
        minutes = connection.every_minutes if connection else None
        every = minutes * self.minute if minutes and not self.app.store.read_only else None
        if every != self._every:
            if self.timer is not None:
                self.timer.stop()
                self.timer = None
            if every:
                self.timer = self.app.set_interval(every, self.tick)
            self._every = every

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
        path = self.app.store.path
        assert path is not None
        self.busy.set()
        try:
            self._sync(path, import_new, by_hand)
        finally:
            self.busy.clear()

    def _sync(self, path: Path, import_new: bool, by_hand: bool) -> None:
        from dualrole.dav import last_sync
        from dualrole.dav.client import DavError
        from dualrole.dav.secret import NoPassword
        from dualrole.dav.settings import DavSettingsError

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

    def _back(self, callback: Callable[..., object], *args: object) -> None:
        """Back on the UI thread; when the app has quit meanwhile, nothing is left to show."""
        self.app._from_thread(callback, *args)

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
    lines = [report.summary(import_hint=None), *report.notes[:most]]
    if len(report.notes) > most:
        lines.append(f"… and {len(report.notes) - most} more (`dualrole dav sync` lists all).")
    if report.not_imported:
        lines.append(f"To import them: ctrl+p → “{IMPORT_NEW_LABEL.split(': ', 1)[1]}”.")
    return lines

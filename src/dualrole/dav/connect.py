"""Connecting a workspace to the owner's server and running a sync: what the CLI and the app
share. Discovery follows RFC 6764 and RFC 4791/6352: the principal, its address book and
calendar homes; without a named collection, dualrole's own ("dualrole", "dualrole
follow-ups") is found or made."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dualrole.dav import secret, settings
from dualrole.dav.client import Collection, DavError, DavSession
from dualrole.dav.engine import Progress, SyncReport, sync

__all__ = ["Connected", "SyncReport", "connect", "run"]
from dualrole.services import phone_sync
from dualrole.storage.db import Store
from dualrole.storage.replica_settings import status_file

ADDRESSBOOK_NAME = "dualrole"
CALENDAR_NAME = "dualrole follow-ups"


@dataclass(frozen=True)
class Connected:
    connection: settings.Connection
    addressbook: Collection | None
    calendar: Collection | None
    made: list[str]


def _pick(
    found: list[Collection], wanted: str | None, default: str, what: str
) -> Collection | None:
    if wanted:
        for collection in found:
            if wanted in (collection.name, collection.url, collection.url.rstrip("/")):
                return collection
        names = ", ".join(sorted(c.name for c in found)) or "none"
        raise DavError(f"There is no {what} named {wanted!r} on the server (there: {names}).")
    return next((c for c in found if c.name == default), None)


def _calendar(
    session: DavSession,
    home: str | None,
    calendar: str | None,
    url: str,
    user: str,
    made: list[str],
) -> Collection:
    if home is None:
        raise DavError(
            f"{url} offers no calendar (CalDAV) for {user}; give the calendar server with "
            "--tasks-url, or sync contacts only with --no-tasks."
        )
    cals = [c for c in session.collections(home) if c.kind == "calendar" and c.todos]
    cal = _pick(cals, calendar, CALENDAR_NAME, "task calendar")
    if cal is None:
        cal = session.make_calendar(home, CALENDAR_NAME)
        made.append(f"task list “{CALENDAR_NAME}”")
    return cal


def connect(
    db_path: Path,
    store: Store,
    url: str,
    user: str,
    password: str,
    *,
    addressbook: str | None = None,
    calendar: str | None = None,
    contacts: bool = True,
    tasks: bool = True,
    tasks_url: str | None = None,
    every_minutes: int | Literal["keep"] | None = "keep",
) -> Connected:
    """Discover, find or make the collections, and remember the choice for ``db_path``.

    ``tasks_url`` is where to discover the task calendar when the server keeps calendars
    on another host than contacts (iCloud's caldav.icloud.com, Fastmail's caldav host).
    ``every_minutes`` is how often the app syncs (``"keep"``: as before, for a reconnect).
    """
    made: list[str] = []
    with DavSession(url, user, password) as session:
        principal = session.principal()
        book_home, cal_home = session.homes(principal)
        cal: Collection | None = None
        if tasks and tasks_url:
            with DavSession(tasks_url, user, password) as other:
                cal_home = other.homes(other.principal())[1]
                cal = _calendar(other, cal_home, calendar, tasks_url, user, made)
        book = None
        if contacts:
            if book_home is None:
                raise DavError(f"{url} offers no address book (CardDAV) for {user}.")
            books = [c for c in session.collections(book_home) if c.kind == "addressbook"]
            book = _pick(books, addressbook, ADDRESSBOOK_NAME, "address book")
            if book is None:
                book = session.make_addressbook(book_home, ADDRESSBOOK_NAME)
                made.append(f"address book “{ADDRESSBOOK_NAME}”")
        if tasks and not tasks_url:
            cal = _calendar(session, cal_home, calendar, url, user, made)
        elif not tasks:
            cal = None
    before = settings.get(db_path)
    connection = settings.Connection(
        url=url,
        user=user,
        addressbook=book.url if book else None,
        calendar=cal.url if cal else None,
        tasks_url=tasks_url if tasks else None,
        every_minutes=(before.every_minutes if before else None)
        if every_minutes == "keep"
        else every_minutes,
    )
    if before is None or (before.addressbook, before.calendar) != (
        connection.addressbook,
        connection.calendar,
    ):
        phone_sync.forget_collections(store)  # other collections: links start afresh
    return Connected(settings.save(db_path, connection), book, cal, made)


def run(
    db_path: Path,
    store: Store,
    *,
    import_new: bool = False,
    ask: Callable[[], str] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the workspace with the server it was connected to (``dualrole dav sync``)."""
    connection = settings.get(db_path)
    if connection is None:
        raise DavError(settings.NOT_CONNECTED)
    password, _source = secret.password(connection.user, connection.url, ask)
    with contextlib.ExitStack() as stack:
        stack.enter_context(one_at_a_time(db_path))
        session = stack.enter_context(DavSession(connection.url, connection.user, password))
        tasks_session = None
        if connection.tasks_url and connection.calendar:
            tasks_session = stack.enter_context(
                DavSession(connection.tasks_url, connection.user, password)
            )
        return sync(
            store,
            session,
            addressbook=connection.addressbook,
            calendar=connection.calendar,
            import_new=import_new,
            progress=progress,
            tasks_session=tasks_session,
        )


@contextlib.contextmanager
def one_at_a_time(db_path: Path) -> Iterator[None]:
    """Refuse a second sync of the same workspace while one runs (the app's and cron's)."""
    path = status_file(db_path, ".dav.lock")
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DavError(
                "Another phone sync of this workspace is running; wait for it to finish."
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock

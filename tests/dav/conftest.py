"""Phone-sync tests run against a real Radicale (CardDAV/CalDAV), started once per session
(per worker) on 127.0.0.1 with a random port and its own folder. Each test gets its own
address book and task list, so tests never see each other's cards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dualrole.dav import connect
from dualrole.dav.client import DavSession
from dualrole.storage.db import Store

from . import radicale_server
from .radicale_server import PASSWORD, USER, Radicale


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = radicale_server.start(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@dataclass
class Phone:
    """The server side, as a phone would change it: raw WebDAV on the test's collections."""

    session: DavSession
    book: str
    calendar: str
    book_name: str
    calendar_name: str

    def resources(self, which: str) -> dict[str, tuple[str, str]]:
        """href → (etag, body) of every card (``book``) or task (``calendar``)."""
        url = self.book if which == "book" else self.calendar
        kind = "addressbook" if which == "book" else "calendar"
        listing = self.session.changes(url, None)
        hrefs = [entry.href for entry in listing.changed]
        return {
            href: (etag, body)
            for batch in self.session.multiget(url, kind, hrefs)
            for href, etag, body in batch
        }

    def cards(self) -> dict[str, tuple[str, str]]:
        return self.resources("book")

    def tasks(self) -> dict[str, tuple[str, str]]:
        return self.resources("calendar")

    def card_of(self, text: str) -> tuple[str, str, str]:
        """(href, etag, body) of the one card whose body holds ``text``."""
        found = [(h, e, b) for h, (e, b) in self.cards().items() if text in b]
        assert len(found) == 1, f"{len(found)} cards hold {text!r}"
        return found[0]

    def task_of(self, text: str) -> tuple[str, str, str]:
        found = [(h, e, b) for h, (e, b) in self.tasks().items() if text in b]
        assert len(found) == 1, f"{len(found)} tasks hold {text!r}"
        return found[0]

    def put(self, href: str, body: str, etag: str | None = None, *, card: bool = True) -> None:
        kind = "text/vcard" if card else "text/calendar"
        self.session.put(href, body, kind, etag)

    def new_card(self, uid: str, body: str) -> str:
        href = self.session.member(self.book, uid, ".vcf")
        self.put(href, body)
        return href

    def own_contact(self) -> None:
        """A card the owner already had: the address book is not empty, so dualrole's
        cards go one request each (an empty one is filled in one request)."""
        body = "\r\n".join(
            ["BEGIN:VCARD", "VERSION:3.0", "UID:owners-own", "FN:Owner's Dentist",
             "N:Dentist;Owner's;;;", "END:VCARD", ""]
        )  # fmt: skip
        self.new_card("owners-own", body)

    def collection_props(self, which: str) -> str:
        """The collection's name and (task list) components, as the server lists them."""
        url = self.book if which == "book" else self.calendar
        tree = self.session.propfind(
            url, "<d:displayname/><k:supported-calendar-component-set/>", 0
        )
        name = tree.findtext(".//{DAV:}displayname") or ""
        comps = sorted(c.get("name", "") for c in tree.iter("{urn:ietf:params:xml:ns:caldav}comp"))
        return f"{name} {','.join(comps)}".strip()


@pytest.fixture
def phone(radicale: Radicale, monkeypatch: pytest.MonkeyPatch) -> Iterator[Phone]:
    monkeypatch.setenv("DUALROLE_DAV_PASSWORD", PASSWORD)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    tag = uuid.uuid4().hex[:8]
    with DavSession(radicale.url, USER, PASSWORD) as session:
        principal = session.principal()
        book_home, cal_home = session.homes(principal)
        assert book_home and cal_home
        book = session.make_addressbook(book_home, f"book-{tag}")
        cal = session.make_calendar(cal_home, f"tasks-{tag}")
        yield Phone(session, book.url, cal.url, book.name, cal.name)


def link(db_path: Path, store: Store, radicale: Radicale, phone: Phone) -> None:
    """``dualrole dav connect`` to the test's own collections."""
    connect.connect(
        db_path,
        store,
        radicale.url,
        USER,
        PASSWORD,
        addressbook=phone.book_name,
        calendar=phone.calendar_name,
    )


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    return tmp_path / "demo.db"


@pytest.fixture
def demo(demo_path: Path, radicale: Radicale, phone: Phone) -> Iterator[Store]:
    """The demo workspace, connected to the test's collections (not synced yet)."""
    from dualrole.demo.workspace import generate
    from dualrole.storage.db import open_store

    with open_store(demo_path) as store:
        generate(store, seed=7)
        link(demo_path, store, radicale, phone)
        yield store


@contextlib.contextmanager
def requests_made() -> Iterator[list[str]]:
    """The HTTP methods the sync sends while inside the block, in order."""
    methods: list[str] = []
    original = DavSession.request

    def counted(self: DavSession, method: str, url: str, *args: object, **kw: object) -> object:
        methods.append(method)
        return original(self, method, url, *args, **kw)  # type: ignore[arg-type]

    DavSession.request = counted  # type: ignore[method-assign]
    try:
        yield methods
    finally:
        DavSession.request = original  # type: ignore[method-assign]


def sync(demo_path: Path, store: Store, **options: object) -> connect.SyncReport:
    return connect.run(demo_path, store, **options)  # type: ignore[arg-type]

"""What both halves of a sync share: the report, and one collection's pull and push steps
(the rules are in :mod:`dualrole.dav.engine`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dualrole.core.words import counted
from dualrole.dav.client import DavSession, Precondition, TokenExpired
from dualrole.dav.mapping import Fields
from dualrole.services import phone_sync
from dualrole.services.phone_sync import Link
from dualrole.storage.db import Store


@dataclass
class SyncReport:
    """What one sync did, counted, with one line per thing the owner should know."""

    received: int = 0
    sent: int = 0
    created_there: int = 0
    removed_there: int = 0
    linked: int = 0
    imported: int = 0
    completed: int = 0
    not_imported: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{counted(self.received, 'change')} in",
            f"{counted(self.sent + self.created_there, 'change')} out",
        ]
        if self.linked:
            parts.append(f"{self.linked} matched and linked")
        if self.imported:
            parts.append(f"{self.imported} imported")
        if self.completed:
            parts.append(f"{counted(self.completed, 'follow-up')} done on the phone")
        if self.removed_there:
            parts.append(f"{self.removed_there} removed there")
        text = "Synced: " + ", ".join(parts) + "."
        if self.not_imported:
            text += (
                f" {counted(self.not_imported, 'contact')} on the server "
                f"{'is' if self.not_imported == 1 else 'are'} not in dualrole "
                "(--import-new brings them in)."
            )
        return text


Progress = Callable[[str, int, int], None]


class Side:
    kind = ""
    resource = ""
    suffix = ""
    content_type = ""

    def __init__(
        self,
        store: Store,
        session: DavSession,
        url: str,
        report: SyncReport,
        progress: Progress | None,
    ) -> None:
        self.store, self.session, self.url, self.report = store, session, url, report
        self.progress = progress or (lambda step, done, total: None)

    def run(self) -> None:
        self.pull()
        self.push()

    # --- pull ----------------------------------------------------------------------------

    def pull(self) -> None:
        token = self.start_token()
        try:
            changes = self.session.changes(self.url, token)
        except TokenExpired:
            changes = self.session.changes(self.url, None)
        links = phone_sync.links(self.store, self.kind)
        by_href = {link.href: link for link in links.values() if link.href}
        wanted = [
            entry.href
            for entry in changes.changed
            if entry.href not in by_href or by_href[entry.href].etag != entry.etag
        ]
        gone = [href for href in changes.deleted if href in by_href]
        if changes.full:
            listed = {entry.href for entry in changes.changed}
            gone += [href for href in by_href if href not in listed and href not in gone]
        done = 0
        for batch in self.session.multiget(self.url, self.resource, wanted):
            with self.store.transaction():
                for href, etag, body in batch:
                    self.take(href, etag, body, by_href.get(href))
            done += len(batch)
            self.progress(f"{self.kind}s in", done, len(wanted))
        for href in gone:
            self.gone(by_href[href])
        phone_sync.set_token(self.store, self.url, self.resource, changes.token)

    def start_token(self) -> str | None:
        return phone_sync.token(self.store, self.url)

    def take(self, href: str, etag: str, body: str, link: Link | None) -> None:
        raise NotImplementedError

    def gone(self, link: Link) -> None:
        """Deleted on the phone: kept here, unlinked (not sent again), and reported."""
        if link.state == "linked":
            note = self.gone_note(link)
            if note:
                self.report.notes.append(note)
        phone_sync.save_link(
            self.store,
            self.kind,
            link.record_id,
            uid=link.uid,
            href=None,
            etag=None,
            synced=link.synced,
            body=None,
            state="unlinked",
        )

    def gone_note(self, link: Link) -> str | None:
        """What the report says of a record deleted on the phone (None: nothing to say)."""
        raise NotImplementedError

    # --- push ----------------------------------------------------------------------------

    def push(self) -> None:
        raise NotImplementedError

    def send(
        self,
        record_id: int,
        uid: str,
        fields: Fields,
        body: str,
        link: Link | None,
        label: str,
        state: str = "linked",
    ) -> bool:
        """PUT one resource and record its link; False when the server changed it first."""
        href = link.href if link and link.href else self.session.member(self.url, uid, self.suffix)
        etag = link.etag if link else None
        try:
            new_etag = self.session.put(href, body, self.content_type, etag)
        except Precondition:
            if link is None:  # there already: a copy from a sync killed after its PUT
                self.adopt(record_id, uid, href)
                return False
            self.report.notes.append(
                f"{label} changed on the server while syncing; the next sync brings that in."
            )
            return False
        phone_sync.save_link(
            self.store,
            self.kind,
            record_id,
            uid=uid,
            href=href,
            etag=new_etag,
            synced=fields,
            body=body,
            state=state,
        )
        if link is None:
            self.report.created_there += 1
        else:
            self.report.sent += 1
        return True

    def adopt(self, record_id: int, uid: str, href: str) -> None:
        """Link to the server's existing copy at ``href``; the next sync reconciles it."""
        for batch in self.session.multiget(self.url, self.resource, [href]):
            for _href, etag, body in batch:
                phone_sync.save_link(
                    self.store,
                    self.kind,
                    record_id,
                    uid=uid,
                    href=href,
                    etag=etag,
                    synced={},
                    body=body,
                )
                # ``synced`` empty: the next push compares against nothing agreed, so the
                # pull of this copy merges it field by field first.
                phone_sync.set_token(self.store, self.url, self.resource, None)

    def remove(self, link: Link, label: str) -> None:
        """The record is gone here: delete it on the server (unless changed there since)."""
        if link.href is None or link.state != "linked":
            phone_sync.drop_link(self.store, link.id)
            return
        try:
            self.session.delete(link.href, link.etag)
        except Precondition:
            phone_sync.set_state(self.store, link.id, "unlinked")
            self.report.notes.append(
                f"{label} was deleted here but changed on the phone since; kept on the phone."
            )
            return
        phone_sync.drop_link(self.store, link.id)
        self.report.removed_there += 1

"""What both halves of a sync share: the report, and one collection's pull and push steps
(the rules are in :mod:`dualrole.dav.engine`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dualrole.core.words import counted
from dualrole.dav.client import BATCH, Changes, DavSession, Precondition, TokenExpired
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

    def summary(self, import_hint: str | None = "--import-new brings them in") -> str:
        """One sentence of what was done; ``import_hint`` says how to import the contacts
        only the server has (None: the caller says it its own way)."""
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
                f"{'is' if self.not_imported == 1 else 'are'} not in dualrole"
                + (f" ({import_hint})." if import_hint else ".")
            )
        return text


Progress = Callable[[str, int, int], None]

BULK_MIN = 20
"""New resources from which an empty collection is filled in one request (where the server
takes a whole collection); below it, one request each is as quick."""


@dataclass(frozen=True)
class Outgoing:
    """One resource to send: the record, its fields and the body built from them."""

    record_id: int
    uid: str
    fields: Fields
    body: str
    link: Link | None
    label: str
    state: str = "linked"


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

    def pull(self, uploaded: dict[str, Link] | None = None, since: str = "") -> None:
        """Bring in what changed on the server. ``uploaded``: resources just sent in one
        request, by href, with what was sent (the whole collection is then listed);
        ``since``: the collection's ETag right after that upload."""
        token = None if uploaded else self.start_token()
        try:
            changes = self.session.changes(self.url, token)
        except TokenExpired:
            changes = self.session.changes(self.url, None)
        links = phone_sync.links(self.store, self.kind)
        by_href = {link.href: link for link in links.values() if link.href}
        gone = [href for href in changes.deleted if href in by_href]
        if changes.full:
            listed = {entry.href for entry in changes.changed}
            gone += [href for href in by_href if href not in listed and href not in gone]
        linked: set[str] = set()
        if uploaded and self.unchanged(changes, uploaded, since):
            self.link_uploaded(changes, list(uploaded.values()))
            linked = set(uploaded)
        else:
            by_href.update(uploaded or {})
        wanted = [
            entry.href
            for entry in changes.changed
            if entry.href not in linked
            and (entry.href not in by_href or by_href[entry.href].etag != entry.etag)
        ]
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

    def unchanged(self, changes: Changes, uploaded: dict[str, Link], since: str) -> bool:
        """Whether the collection lists exactly what was uploaded and has not changed since
        (its ETag then and now): the resources are then what was sent, not to be fetched."""
        listed = {entry.href for entry in changes.changed}
        return (
            bool(since)
            and listed == set(uploaded)
            and not changes.deleted
            and self.session.collection_etag(self.url) == since
        )

    def link_uploaded(self, changes: Changes, uploaded: list[Link]) -> None:
        """Link each uploaded resource with its listed ETag, in batches (one transaction
        each, so a sync stopped half-way fetches and compares the rest next time)."""
        etags = {entry.href: entry.etag for entry in changes.changed}
        for start in range(0, len(uploaded), BATCH):
            batch = uploaded[start : start + BATCH]
            with self.store.transaction():
                for link in batch:
                    phone_sync.save_link(
                        self.store, self.kind, link.record_id, uid=link.uid, href=link.href,
                        etag=etags[str(link.href)], synced=link.synced, body=link.body,
                        state=link.state,
                    )  # fmt: skip
            self.progress(f"{self.kind}s linked", start + len(batch), len(uploaded))

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

    def send_all(self, outgoing: list[Outgoing], step: str) -> None:
        """Send every changed and new resource; new ones in one request when they fill an
        empty collection on a server that takes that, else one request each."""
        new = [item for item in outgoing if item.link is None]
        if len(new) >= BULK_MIN and self.upload(new, step):
            outgoing = [item for item in outgoing if item.link is not None]
        for done, item in enumerate(outgoing, 1):
            self.send(
                item.record_id, item.uid, item.fields, item.body, item.link, item.label, item.state
            )
            self.progress(step, done, len(outgoing))

    def upload(self, new: list[Outgoing], step: str) -> bool:
        """Fill the empty collection with ``new`` in one request; False when it is not
        empty or the server does not take whole collections (nothing was sent then).

        The upload is all or nothing on the server. The links are then made by listing
        the collection: when it lists exactly what was sent and its ETag has not changed
        since the upload, each is linked with its listed ETag; otherwise (the phone added
        or changed something meanwhile, or the server named them otherwise) each is
        fetched and compared with what was sent, as a phone's card is. A sync stopped
        after the upload fetches, compares and links the rest next time."""
        own, present, kept = self.session.members(self.url)
        if own is None or present:
            return False
        self.progress(step, 0, len(new))
        body = self.collection_body([item.body for item in new])
        with self.session.patience(len(new)):
            since = self.session.put_collection(self.url, body, self.content_type, own, kept)
        if since is None:
            return False
        uploaded = {}
        for item in new:
            href = self.session.member(self.url, item.uid, self.suffix)
            uploaded[href] = Link(
                0, self.kind, item.record_id, item.uid, href, None, item.fields, item.body,
                item.state,
            )  # fmt: skip
        self.report.created_there += len(new)
        with self.session.patience(len(new)):
            self.pull(uploaded, since)
        self.progress(step, len(new), len(new))
        return True

    def collection_body(self, bodies: list[str]) -> str:
        """One request's body holding every resource of ``bodies``."""
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

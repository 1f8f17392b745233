"""One sync: the phone's changes come in, then dualrole's go out; nothing is lost.

For each collection (the address book, the task calendar):

1. **Pull.** ``sync-collection`` from the stored token lists what changed on the server;
   only resources whose ETag differs from the link's are fetched (``multiget``, in
   batches), so a sync with nothing changed is one small request per collection. Each
   batch is applied in one transaction with its links; the new token is stored only when
   every batch is in, so a sync killed half-way simply pulls the rest next time.
2. **Push.** Prospects and open follow-ups whose fields differ from what both sides last
   agreed on (``dav_links.synced``) are sent with ``If-Match`` (or ``If-None-Match: *``
   for new ones, at an href derived from the record, so a repeat after a crash finds its
   earlier copy instead of making a second one).

Rules (also in docs/phone-sync.md):
- **Both sides changed a field**: the newer change wins — the card's ``REV`` against the
  prospect's last edit (a card without ``REV`` counts as the newer; a tie keeps
  dualrole's; on a first link nothing was agreed yet and dualrole's value is kept) — and
  the other value is kept in the prospect's notes with the date. For a task, done on the phone
  always wins; a title or due date changed on both sides keeps dualrole's.
- **Deleted on the phone**: the prospect (or follow-up) stays here, unlinked, and is
  reported; it is not sent again. **Deleted here**: removed from the server.
- **Contacts already on the server**: linked to the prospect with the same email or phone,
  never duplicated; others are imported only with ``import_new``.
- **412** (changed on the server while we were sending): left for the next sync, which
  pulls the phone's change first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dualrole.core import clock
from dualrole.core.words import counted
from dualrole.dav import mapping
from dualrole.dav.client import DavSession, Precondition, TokenExpired
from dualrole.dav.mapping import Fields, Unreadable
from dualrole.services import phone_sync
from dualrole.services.phone_sync import Link, Refused
from dualrole.storage.db import Store

VCARD = "text/vcard"
ICAL = "text/calendar"


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


def sync(
    store: Store,
    session: DavSession,
    *,
    addressbook: str | None,
    calendar: str | None,
    import_new: bool = False,
    progress: Progress | None = None,
    tasks_session: DavSession | None = None,
) -> SyncReport:
    """Sync both collections; ``tasks_session`` when the tasks live on another server."""
    report = SyncReport()
    if addressbook:
        Contacts(store, session, addressbook, report, import_new, progress).run()
    if calendar:
        Tasks(store, tasks_session or session, calendar, report, progress).run()
    return report


class _Side:
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


class Contacts(_Side):
    kind = "contact"
    resource = "addressbook"
    suffix = ".vcf"
    content_type = VCARD

    def __init__(
        self,
        store: Store,
        session: DavSession,
        url: str,
        report: SyncReport,
        import_new: bool,
        progress: Progress | None,
    ) -> None:
        super().__init__(store, session, url, report, progress)
        self.import_new = import_new
        self._index: dict[str, int] | None = None

    def live(self) -> dict[int, Any]:
        rows = self.store.query(
            "SELECT id, name, email, phone, company, title, website, notes, updated_at, "
            "created_at FROM prospects WHERE deleted_at IS NULL"
        )
        return {int(row["id"]): row for row in rows}

    def start_token(self) -> str | None:
        """Importing lists the whole address book: cards left alone before are seen again."""
        return None if self.import_new else super().start_token()

    def prospect(self, prospect_id: int) -> Any:
        rows = self.store.query(
            "SELECT * FROM prospects WHERE id = ? AND deleted_at IS NULL", (prospect_id,)
        )
        return rows[0] if rows else None

    def match(self, fields: Fields) -> int | None:
        """A live, unlinked prospect with the card's email or phone."""
        if self._index is None:
            linked = set(phone_sync.links(self.store, self.kind))
            self._index = {}
            for pid, row in self.live().items():
                if pid in linked:
                    continue
                if row["email"]:
                    self._index.setdefault("e:" + str(row["email"]).casefold(), pid)
                if row["phone"]:
                    self._index.setdefault("p:" + _digits(str(row["phone"])), pid)
        for key in ("e:" + fields["email"].casefold(), "p:" + _digits(fields["phone"])):
            if key not in ("e:", "p:") and key in self._index:
                return self._index.pop(key)
        return None

    def take(self, href: str, etag: str, body: str, link: Link | None) -> None:
        try:
            uid, fields = mapping.card_fields(body)
        except Unreadable as exc:
            self.report.notes.append(f"The card at {href} {exc}; left as it is.")
            return
        if link is not None:
            if link.state == "linked":
                self.merge(link.record_id, fields, link.synced, body)
            phone_sync.save_link(
                self.store,
                self.kind,
                link.record_id,
                uid=link.uid,
                href=href,
                etag=etag,
                synced=fields if link.state == "linked" else link.synced,
                body=body,
                state=link.state,
            )
            return
        own = mapping.uid_record(uid, "contact")
        mine = own is not None and self.prospect(own) is not None
        prospect_id = own if mine else self.match(fields)
        if prospect_id is not None:
            if not mine:
                self.report.linked += 1
            self.merge(prospect_id, fields, {}, body)
        elif self.import_new:
            try:
                prospect_id = phone_sync.create_contact(self.store, fields)
            except Refused as exc:
                self.report.notes.append(f"The card {fields['name']!r} was not imported: {exc}.")
                return
            self.report.imported += 1
        else:
            self.report.not_imported += 1
            return
        phone_sync.save_link(
            self.store,
            self.kind,
            prospect_id,
            uid=uid or mapping.contact_uid(prospect_id),
            href=href,
            etag=etag,
            synced=fields,
            body=body,
        )

    def merge(self, prospect_id: int, remote: Fields, base: dict[str, str], body: str) -> None:
        """Take the phone's changes into the prospect (conflicts: newer wins, see module)."""
        row = self.prospect(prospect_id)
        if row is None:
            return  # deleted here: the push removes it from the server
        local = mapping.prospect_fields(row)
        merged = dict(local)
        kept: list[str] = []
        changed_here = clock.from_db(row["updated_at"] or row["created_at"])
        phone_newer = bool(base) and _rev(body) > (
            changed_here or dt.datetime.min.replace(tzinfo=dt.UTC)
        )
        for key in mapping.CONTACT_FIELDS:
            theirs, ours, agreed = remote[key], local[key], base.get(key, "")
            if theirs in (agreed, ours):
                continue
            if ours == agreed or not ours:
                merged[key] = theirs
            elif not theirs:
                continue  # a field only dualrole has (a first link): it goes out
            elif phone_newer:
                merged[key] = theirs
                kept.append(f"{key} here was “{ours}”")
            else:
                kept.append(f"{key} on the phone was “{theirs}”")
        if kept:
            when = clock.today().isoformat()
            line = f"Phone sync {when}: " + "; ".join(kept) + " (kept the newer)."
            merged["notes"] = "\n\n".join(p for p in (merged["notes"].rstrip(), line) if p)
        if merged == local:
            return
        try:
            phone_sync.update_contact(self.store, prospect_id, merged)
        except Refused as exc:
            self.report.notes.append(
                f"The phone's change to {local['name']!r} was not taken: {exc}."
            )
            return
        self.report.received += 1

    def gone(self, link: Link) -> None:
        if link.state == "linked":
            rows = self.store.query("SELECT name FROM prospects WHERE id = ?", (link.record_id,))
            if rows:
                self.report.notes.append(
                    f"{rows[0]['name']} was deleted on the phone; kept here, no longer synced."
                )
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

    def push(self) -> None:
        live = self.live()
        links = phone_sync.links(self.store, self.kind)
        todo = [
            pid
            for pid, row in live.items()
            if pid not in links
            or (links[pid].state == "linked" and mapping.prospect_fields(row) != links[pid].synced)
        ]
        for done, pid in enumerate(todo, 1):
            row, link = live[pid], links.get(pid)
            fields = mapping.prospect_fields(row)
            uid = link.uid if link else mapping.contact_uid(pid)
            body = mapping.build_card(fields, uid, pid, link.body if link else None)
            self.send(pid, uid, fields, body, link, str(row["name"]))
            self.progress("contacts out", done, len(todo))
        for pid, link in links.items():
            if pid not in live:
                self.remove(link, f"Prospect #{pid}")


class Tasks(_Side):
    kind = "task"
    resource = "calendar"
    suffix = ".ics"
    content_type = ICAL

    def rows(self) -> dict[int, Any]:
        """Follow-ups of live prospects: open ones, and done ones still linked."""
        rows = self.store.query(
            "SELECT f.id, f.title, f.due_date, f.due_time, f.done_at, f.prospect_id, "
            "p.name, p.company, p.email, p.phone FROM followups f "
            "JOIN prospects p ON p.id = f.prospect_id "
            "WHERE f.deleted_at IS NULL AND p.deleted_at IS NULL AND (f.done_at IS NULL "
            "OR f.id IN (SELECT record_id FROM dav_links WHERE kind = 'task' "
            "AND state = 'linked'))"
        )
        return {int(row["id"]): row for row in rows}

    def row(self, followup_id: int) -> Any:
        rows = self.store.query(
            "SELECT f.id, f.title, f.due_date, f.due_time, f.done_at, f.prospect_id, p.name "
            "FROM followups f JOIN prospects p ON p.id = f.prospect_id "
            "WHERE f.id = ? AND f.deleted_at IS NULL AND p.deleted_at IS NULL",
            (followup_id,),
        )
        return rows[0] if rows else None

    def take(self, href: str, etag: str, body: str, link: Link | None) -> None:
        if link is None:
            return  # a task made on the phone: not a follow-up of anyone's; left alone
        row = self.row(link.record_id)
        try:
            _uid, remote = mapping.todo_fields(body, str(row["name"]) if row else "")
        except Unreadable as exc:
            self.report.notes.append(f"The task at {href} {exc}; left as it is.")
            return
        state = link.state
        if row is not None and link.state == "linked":
            state = self.merge(row, remote, link.synced)
        phone_sync.save_link(
            self.store,
            self.kind,
            link.record_id,
            uid=link.uid,
            href=href,
            etag=etag,
            synced=remote,
            body=body,
            state=state,
        )

    def merge(self, row: Any, remote: Fields, base: dict[str, str]) -> str:
        local = mapping.followup_fields(row)
        fid = int(row["id"])
        if remote["done"] and not local["done"]:
            upcoming = phone_sync.complete_task(self.store, fid)
            self.report.completed += 1
            self.report.received += 1
            if upcoming:
                self.report.notes.append(
                    f"{row['name']} — {row['title']}: done on the phone; the next one is scheduled."
                )
            return "done"
        if local["done"]:
            return "linked"  # done here: the push marks it done there
        changed = [k for k in ("title", "due_date", "due_time") if remote[k] != base.get(k, "")]
        if changed and all(local[k] == base.get(k, "") for k in changed) and remote["due_date"]:
            try:
                phone_sync.update_task(
                    self.store,
                    fid,
                    remote["title"] or local["title"],
                    remote["due_date"],
                    remote["due_time"],
                )
            except Refused as exc:
                self.report.notes.append(
                    f"The phone's change to {row['name']} — {row['title']} was not taken: {exc}."
                )
                return "linked"
            self.report.received += 1
        return "linked"

    def gone(self, link: Link) -> None:
        if link.state == "linked":
            self.report.notes.append(
                f"Follow-up f{link.record_id} was deleted on the phone; kept here, no longer "
                "synced."
            )
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

    def push(self) -> None:
        rows = self.rows()
        links = phone_sync.links(self.store, self.kind)
        todo = [
            fid
            for fid, row in rows.items()
            if (fid not in links and not row["done_at"])
            or (
                fid in links
                and links[fid].state == "linked"
                and mapping.followup_fields(row) != links[fid].synced
            )
            or (fid in links and links[fid].state == "done" and not row["done_at"])  # reopened
        ]
        for done, fid in enumerate(todo, 1):
            row, link = rows[fid], links.get(fid)
            fields = mapping.followup_fields(row)
            uid = link.uid if link else mapping.task_uid(fid)
            details = [f"Follow-up with {row['name']} (dualrole f{fid})"]
            details += [str(row[k]) for k in ("company", "email", "phone") if row[k]]
            body = mapping.build_todo(
                fields, uid, str(row["name"]), "\n".join(details), link.body if link else None
            )
            state = "done" if fields["done"] else "linked"
            self.send(fid, uid, fields, body, link, f"{row['name']} — {row['title']}", state)
            self.progress("follow-ups out", done, len(todo))
        for fid, link in links.items():
            if fid not in rows and link.state == "linked":
                self.remove(link, f"Follow-up f{fid}")


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-9:] if len(digits) >= 6 else ""


def _rev(body: str) -> dt.datetime:
    """When the card says it last changed (``REV``); when it does not say, the change is
    taken as the newest (it was made after the last sync, which wrote a ``REV``)."""
    for line in body.splitlines():
        if line.upper().startswith("REV"):
            value = line.split(":", 1)[-1].strip()
            for fmt in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%S%z"):
                try:
                    stamp = dt.datetime.strptime(value, fmt)
                except ValueError:
                    continue
                return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    return dt.datetime.max.replace(tzinfo=dt.UTC)

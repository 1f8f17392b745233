"""Prospects ⇄ contacts (vCards): one address book's pull and push."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualrole.core.dates import clock
from dualrole.dav import mapping
from dualrole.dav.client import DavSession
from dualrole.dav.mapping import Fields, Unreadable
from dualrole.dav.side import Outgoing, Progress, Side, SyncReport
from dualrole.services import phone_sync
from dualrole.services.phone_sync import Link, Refused
from dualrole.storage.db import Store

VCARD = "text/vcard"


class Contacts(Side):
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

    def gone_note(self, link: Link) -> str | None:
        rows = self.store.query("SELECT name FROM prospects WHERE id = ?", (link.record_id,))
        if not rows:
            return None
        return f"{rows[0]['name']} was deleted on the phone; kept here, no longer synced."

    def push(self) -> None:
        live = self.live()
        links = phone_sync.links(self.store, self.kind)
        todo = [
            pid
            for pid, row in live.items()
            if pid not in links
            or (links[pid].state == "linked" and mapping.prospect_fields(row) != links[pid].synced)
        ]
        outgoing = []
        for pid in todo:
            row, link = live[pid], links.get(pid)
            fields = mapping.prospect_fields(row)
            uid = link.uid if link else mapping.contact_uid(pid)
            body = mapping.build_card(fields, uid, pid, link.body if link else None)
            outgoing.append(Outgoing(pid, uid, fields, body, link, str(row["name"])))
        self.send_all(outgoing, "contacts out")
        for pid, link in links.items():
            if pid not in live:
                self.remove(link, f"Prospect #{pid}")

    def collection_body(self, bodies: list[str]) -> str:
        return "".join(bodies)  # vCards simply follow one another


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

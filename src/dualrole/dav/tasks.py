"""Open follow-ups ⇄ tasks (VTODOs): one task calendar's pull and push."""

from __future__ import annotations

from typing import Any

from dualrole.dav import mapping
from dualrole.dav.mapping import Fields, Unreadable
from dualrole.dav.side import Outgoing, Side
from dualrole.services import phone_sync
from dualrole.services.phone_sync import Link, Refused

ICAL = "text/calendar"


class Tasks(Side):
    kind = "task"
    resource = "calendar"
    suffix = ".ics"
    content_type = ICAL

    _linked: set[int] | None = None
    """Follow-ups linked when the first task of ours without a link was seen."""

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
            self.adopt_own(href, etag, body)
            return
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

    def adopt_own(self, href: str, etag: str, body: str) -> None:
        """A task of ours the link of which was never written (a sync killed right after
        sending it): linked again. Tasks made on the phone are left alone."""
        try:
            uid, remote = mapping.todo_fields(body)
        except Unreadable:
            return
        own = mapping.uid_record(uid, self.kind)
        if self._linked is None:
            self._linked = set(phone_sync.links(self.store, self.kind))
        row = self.row(own) if own is not None and own not in self._linked else None
        if own is None or row is None:
            return
        self._linked.add(own)
        _uid, remote = mapping.todo_fields(body, str(row["name"]))
        phone_sync.save_link(
            self.store, self.kind, own, uid=uid, href=href, etag=etag, synced=remote,
            body=body, state="done" if remote["done"] else "linked",
        )  # fmt: skip

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

    def gone_note(self, link: Link) -> str | None:
        return f"Follow-up f{link.record_id} was deleted on the phone; kept here, no longer synced."

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
        outgoing = []
        for fid in todo:
            row, link = rows[fid], links.get(fid)
            fields = mapping.followup_fields(row)
            uid = link.uid if link else mapping.task_uid(fid)
            details = [f"Follow-up with {row['name']} (dualrole f{fid})"]
            details += [str(row[k]) for k in ("company", "email", "phone") if row[k]]
            body = mapping.build_todo(
                fields, uid, str(row["name"]), "\n".join(details), link.body if link else None
            )
            state = "done" if fields["done"] else "linked"
            label = f"{row['name']} — {row['title']}"
            outgoing.append(Outgoing(fid, uid, fields, body, link, label, state))
        self.send_all(outgoing, "follow-ups out")
        for fid, link in links.items():
            if fid not in rows and link.state == "linked":
                self.remove(link, f"Follow-up f{fid}")

    def collection_body(self, bodies: list[str]) -> str:
        return mapping.todo_collection(bodies)

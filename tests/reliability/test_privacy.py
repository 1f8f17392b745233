"""Deleted records' text is gone from the file once it can no longer be undone."""

from __future__ import annotations

import re
from pathlib import Path

from dualrole.core.models import FollowUpIn, InteractionIn, ProspectIn, ResearchNoteIn, SegmentIn
from dualrole.services import marketing, records, sales
from dualrole.storage.db import open_store

SECRETS = ["Quuxwidget", "Flibbertigibbet", "Snorkelmaid", "Zanzibarcode", "Grumblewick"]


def file_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def lingering(data: bytes) -> list[str]:
    found = []
    for word in SECRETS:
        for form in (word, word.lower()):  # FTS indexes keep the folded token
            if re.search(re.escape(form.encode()), data) or form.encode("utf-16-le") in data:
                found.append(form)
    return found


def test_purged_records_leave_no_text_behind(db_path):
    with open_store(db_path) as store:
        keep = sales.create_prospect(store, ProspectIn(name="Someone else", notes="ordinary"))
        pid = sales.create_prospect(
            store,
            ProspectIn(
                name=f"{SECRETS[0]} Person",
                company=SECRETS[1],
                email="snorkelmaid@example.com",
                notes=f"Private notes: {SECRETS[3]}",
                tags=[SECRETS[4]],
            ),
        ).id
        sales.log_interaction(store, InteractionIn(prospect_id=pid, summary=f"Call {SECRETS[3]}"))
        sales.create_followup(
            store, FollowUpIn(prospect_id=pid, title=f"Ask {SECRETS[1]}", due_date="today")
        )
        note = marketing.create_note(store, ResearchNoteIn(title=f"About {SECRETS[0]}"))
        segment = marketing.create_segment(store, SegmentIn(name=f"Seg {SECRETS[1]}"))
        for entity, record_id in (
            ("prospect", pid),
            ("research_note", note.id),
            ("segment", segment.id),
        ):
            records.soft_delete(store, entity, record_id)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert lingering(file_bytes(db_path)), "still in the trash: the text must be there"

        assert records.purge_trash(store, keep=0) == 3
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert lingering(file_bytes(db_path)) == []
        assert sales.get_prospect(store, keep.id).notes == "ordinary"
    assert lingering(file_bytes(db_path)) == []


def test_the_database_and_its_backups_are_private(db_path):
    from dualrole.storage.backup import automatic_backup

    with open_store(db_path) as store:
        sales.create_prospect(store, ProspectIn(name="Private"))
        made = automatic_backup(store, "manual")
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o777 == 0o700
    assert db_path.stat().st_mode & 0o777 == 0o600

"""Done when: a Maildir and an IMAP folder with the demo's prospects' mail become
interactions exactly once (the same messages in both)."""

from __future__ import annotations

from pathlib import Path

from dualrole.mail.fetch import fetch_all
from dualrole.services.mail import add_source
from dualrole.storage.db import Store

from .conftest import ME, Imap, message, put_maildir


def test_demo_prospects_mail_in_a_maildir_and_an_imap_folder(
    demo_store: Store, imap: Imap, tmp_path: Path
) -> None:
    people = demo_store.query(
        "SELECT id, email FROM prospects WHERE email IS NOT NULL AND deleted_at IS NULL "
        "ORDER BY id LIMIT 12"
    )
    assert len(people) == 12
    before = demo_store.scalar("SELECT count(*) FROM interactions")
    for uid, row in enumerate(people, start=1):
        inbound = uid % 2 == 0
        raw = message(
            sender=row["email"] if inbound else ME,
            to=ME if inbound else row["email"],
            subject=f"Thread {uid}",
            message_id=f"<demo{uid}@mail.example>",
        )
        put_maildir(tmp_path / "Mail", str(uid), raw)
        imap.put("INBOX", uid, raw)
    add_source(demo_store, f"maildir:{tmp_path / 'Mail'}", [ME], [])
    add_source(demo_store, imap.url(), [ME], [])

    first = fetch_all(demo_store)
    again = fetch_all(demo_store)

    assert first.problems == [] and again.problems == []
    assert demo_store.scalar("SELECT count(*) FROM interactions") == before + 12
    assert (
        demo_store.scalar(
            "SELECT count(DISTINCT prospect_id) FROM interactions i JOIN mail_log l "
            "ON l.interaction_id = i.id"
        )
        == 12
    )
    assert demo_store.scalar("SELECT count(*) FROM mail_log WHERE direction = 'in'") == 6

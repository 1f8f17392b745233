"""Capture from Maildir and mbox: in, out, unknown, lists; each message logged once, ever."""

from __future__ import annotations

from pathlib import Path

from dualrole.mail.fetch import fetch_all
from dualrole.services.mail import add_source, excerpt_of
from dualrole.services.mail_triage import triage
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store

from .conftest import ANA, BEN, ME, message, put_maildir


def _logged(store: Store, address: str) -> list[tuple[str, str, str]]:
    prospect = find_by_email(store, address)
    assert prospect is not None
    found = []
    for interaction in interactions_for(store, prospect.id):
        direction, excerpt = excerpt_of(store, interaction.id) or ("?", "")
        found.append((interaction.summary, direction, excerpt))
    return found


def test_maildir_in_out_unknown_and_lists(people: Store, tmp_path: Path) -> None:
    inbox, sent = tmp_path / "Mail" / "INBOX", tmp_path / "Mail" / "Sent"
    put_maildir(inbox, "1", message())
    put_maildir(
        sent,
        "2",
        message(
            sender=ME,
            to=f"Ben <{BEN}>",
            subject="Proposal",
            message_id="<s1@mybiz>",
            body="Here it is.",
        ),
    )
    put_maildir(
        inbox,
        "3",
        message(
            sender="Cleo Chen <cleo@initech.example>", subject="Intro", message_id="<c1@initech>"
        ),
    )
    put_maildir(
        inbox,
        "4",
        message(
            sender="news@shop.example",
            message_id="<n1@shop>",
            extra="List-Unsubscribe: <mailto:u@shop.example>",
        ),
    )
    put_maildir(inbox, "5", message(sender="no-reply@saas.example", message_id="<n2@saas>"))
    add_source(people, f"maildir:{tmp_path / 'Mail'}", [ME], ["INBOX", "Sent"])

    report = fetch_all(people)

    assert report.problems == []
    assert _logged(people, ANA) == [("Pricing question", "in", "Could you send a quote?")]
    assert _logged(people, BEN) == [("Proposal", "out", "Here it is.")]
    prospect = find_by_email(people, ANA)
    assert prospect is not None and prospect.last_contact_at is not None
    assert prospect.last_contact_at.isoformat().startswith("2026-11-17T08:30")  # the Date:
    assert [(e.address, e.name, e.subject) for e in triage(people)] == [
        ("cleo@initech.example", "Cleo Chen", "Intro")
    ]
    assert (report.tally.read, report.tally.logged, report.tally.lists) == (5, 2, 2)


def test_refetch_moved_and_copied_messages_add_nothing(people: Store, tmp_path: Path) -> None:
    inbox = tmp_path / "Mail" / "INBOX"
    first = put_maildir(inbox, "1", message())
    add_source(people, f"maildir:{tmp_path / 'Mail'}", [ME], ["INBOX", "Archive"])
    add_source(people, f"maildir:{tmp_path / 'Copy'}", [ME], [])
    fetch_all(people)
    assert len(_logged(people, ANA)) == 1

    assert fetch_all(people).tally.read == 0  # nothing new: no file is even opened
    archive = tmp_path / "Mail" / "Archive"
    put_maildir(archive, "1-moved", first.read_bytes())  # moved: a new file elsewhere
    first.unlink()
    put_maildir(tmp_path / "Copy", "1-copy", message())  # the same message in a second source
    report = fetch_all(people)

    assert len(_logged(people, ANA)) == 1
    assert report.tally.known == 2 and report.tally.logged == 0


def test_a_message_without_message_id_is_still_logged_once(people: Store, tmp_path: Path) -> None:
    raw = message(message_id=None)
    put_maildir(tmp_path / "A", "1", raw)
    put_maildir(tmp_path / "B", "1", raw)
    add_source(people, f"maildir:{tmp_path / 'A'}", [ME], [])
    add_source(people, f"maildir:{tmp_path / 'B'}", [ME], [])
    fetch_all(people)
    assert len(_logged(people, ANA)) == 1


def test_mbox_streams_and_resumes_from_its_offset(people: Store, tmp_path: Path) -> None:
    box = tmp_path / "mail.mbox"
    one = b"From ana@acme.example Tue Nov 17 09:30:00 2026\n" + message().replace(b"\r\n", b"\n")
    two = b"From ana@acme.example Wed Nov 18 09:30:00 2026\n" + message(
        subject="Follow-up", message_id="<m2@acme.example>", body=">From the top\nhi"
    ).replace(b"\r\n", b"\n")
    box.write_bytes(one + b"\n")
    add_source(people, f"mbox:{box}", [ME], [])
    fetch_all(people)
    assert [s for s, _, _ in _logged(people, ANA)] == ["Pricing question"]

    with box.open("ab") as handle:
        handle.write(two + b"\n")
    report = fetch_all(people)

    assert report.tally.read == 1  # only what was appended is read
    assert [s for s, _, _ in _logged(people, ANA)] == ["Follow-up", "Pricing question"]


def test_a_reply_closes_the_due_follow_up_only_when_turned_on(
    people: Store, tmp_path: Path, db_path: Path
) -> None:
    import datetime as dt

    from click.testing import CliRunner

    from dualrole.cli.main import cli
    from dualrole.core.models import FollowUpIn
    from dualrole.services.sales import create_followup, followups_for

    prospect = find_by_email(people, ANA)
    assert prospect is not None
    for title, day in (("Chase the quote", 16), ("Later call", 30)):
        create_followup(
            people, FollowUpIn(prospect_id=prospect.id, title=title,
                               due_date=dt.date(2026, 11, day))
        )  # fmt: skip
    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    put_maildir(tmp_path / "M", "1", message(message_id="<r1@acme>"))  # 17 Nov
    fetch_all(people)
    assert len(followups_for(people, prospect.id, open_only=True)) == 2  # off by default

    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "mail", "settings", "--reply-closes-followup"]
    )
    assert "marks its due follow-up done" in result.output
    put_maildir(tmp_path / "M", "2", message(message_id="<r2@acme>"))
    fetch_all(people)
    assert [f.title for f in followups_for(people, prospect.id, open_only=True)] == ["Later call"]


def test_the_whole_text_is_kept_only_when_turned_on(people: Store, tmp_path: Path) -> None:
    from dualrole.services.mail import FULL_BODY
    from dualrole.services.settings import set_setting

    long_body = "First line.\r\n\r\n" + "More words here. " * 40 + "\r\nLast line \x1b[2J."
    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    put_maildir(tmp_path / "M", "1", message(body=long_body, message_id="<b1@acme>"))
    fetch_all(people)
    set_setting(people, FULL_BODY, True)
    put_maildir(tmp_path / "M", "2", message(body=long_body, message_id="<b2@acme>"))
    fetch_all(people)
    short, full = sorted((e for _, _, e in _logged(people, ANA)), key=len)
    assert len(short) == 280 and "\n" not in short
    assert full.startswith("First line.\n\nMore words") and full.endswith("Last line [2J.")


def test_a_file_synced_with_an_old_modification_time_is_still_read(
    people: Store, tmp_path: Path
) -> None:
    import os

    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    put_maildir(tmp_path / "M", "1", message(message_id="<t1@acme>"))
    fetch_all(people)
    old = put_maildir(tmp_path / "M", "2", message(subject="Old", message_id="<t2@acme>"))
    os.utime(old, (946684800, 946684800))  # mtime set to the message's date, as some tools do
    fetch_all(people)
    assert sorted(s for s, _, _ in _logged(people, ANA)) == ["Old", "Pricing question"]

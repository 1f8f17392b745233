"""Capture from a real IMAP server (Twisted's, see imap_server.py) on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualrole.mail import sources as mail_sources
from dualrole.mail.fetch import fetch_all
from dualrole.mail.sources import MailError, parse_source
from dualrole.services.mail import add_source, folder_state, sources
from dualrole.services.mail_triage import triage
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store

from .conftest import ANA, BEN, ME, Imap, message, start_imap


def _count(store: Store, address: str) -> int:
    prospect = find_by_email(store, address)
    assert prospect is not None
    return len(interactions_for(store, prospect.id))


def test_inbox_and_sent_become_interactions_once(people: Store, imap: Imap) -> None:
    imap.put("INBOX", 1, message())
    imap.put("INBOX", 2, message(sender="Cleo <cleo@initech.example>", message_id="<c@i>"))
    imap.put("Sent", 1, message(sender=ME, to=BEN, subject="Proposal", message_id="<s@me>"))
    add_source(people, imap.url(), [ME], ["Sent"])

    report = fetch_all(people)
    again = fetch_all(people)

    assert report.problems == [] and again.problems == []
    assert (_count(people, ANA), _count(people, BEN)) == (1, 1)
    assert [e.address for e in triage(people)] == ["cleo@initech.example"]
    assert again.tally.read == 0  # UIDs above the last one read: nothing new
    assert folder_state(people, sources(people)[0].id, "INBOX").position == "2"
    # Only headers and the start of the text were asked for, never whole messages.
    asked = imap.log.read_bytes()
    assert b"BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.65536>" in asked
    assert b"RFC822" not in asked and b"BODY[]" not in asked


def test_moved_message_and_copy_in_two_folders_add_nothing(people: Store, imap: Imap) -> None:
    first = imap.put("INBOX", 1, message())
    add_source(people, imap.url(), [ME], ["CRM"])
    fetch_all(people)
    imap.put("CRM", 7, first.read_bytes())  # moved to CRM: a new UID there
    first.unlink()
    imap.put("CRM", 8, message(subject="Copy", message_id="<m9@acme.example>"))
    imap.put("INBOX", 2, message(subject="Copy", message_id="<m9@acme.example>"))

    report = fetch_all(people)

    assert report.problems == []
    assert _count(people, ANA) == 2  # the first message once, the copied one once
    assert report.tally.known == 2


def test_a_killed_fetch_resumes_after_its_last_batch(
    people: Store, imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mail_sources, "BATCH", 8)  # two messages a FETCH
    for uid in range(1, 7):
        imap.put("INBOX", uid, message(subject=f"Note {uid}", message_id=f"<n{uid}@acme>"))
    add_source(people, imap.url(), [ME], [])

    def killed(_folder: str, tally: object) -> None:
        raise KeyboardInterrupt  # as if the process stopped right after the first batch

    with pytest.raises(KeyboardInterrupt):
        fetch_all(people, on_batch=killed)
    assert _count(people, ANA) == 2
    report = fetch_all(people)

    assert report.tally.read == 4 and _count(people, ANA) == 6


def test_a_server_dropping_mid_folder_keeps_what_was_read(
    people: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_MAIL_PASSWORD", "s3cret")
    monkeypatch.setattr(mail_sources, "BATCH", 8)
    dropping = start_imap(tmp_path, "--drop-after", "3")
    try:
        for uid in range(1, 7):
            dropping.put("INBOX", uid, message(subject=f"N{uid}", message_id=f"<d{uid}@acme>"))
        add_source(people, dropping.url(), [ME], [])
        report = fetch_all(people)
    finally:
        dropping.process.kill()
        dropping.process.wait()
    assert len(report.problems) == 1
    assert "dropped while reading INBOX" in report.problems[0]
    assert _count(people, ANA) == 2  # the first whole batch; the broken one not half-written

    steady = start_imap(tmp_path)  # the same folder, served again
    try:
        add_source(people, steady.url(), [ME], [])
        assert fetch_all(people, only=steady.url()).problems == []
    finally:
        steady.process.kill()
        steady.process.wait()
    assert _count(people, ANA) == 6


def test_wrong_password_is_one_sentence_and_never_shown(
    people: Store, imap: Imap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_MAIL_PASSWORD", "wrong-pass")
    add_source(people, imap.url(), [ME], [])
    report = fetch_all(people)
    assert len(report.problems) == 1
    assert "refused the user name or password for owner" in report.problems[0]
    assert "wrong-pass" not in report.problems[0]
    stored = "".join(str(tuple(r)) for r in people.query("SELECT * FROM mail_sources"))
    assert "wrong-pass" not in stored and "s3cret" not in stored


def test_tls_refused_by_a_plain_server(people: Store, imap: Imap) -> None:
    add_source(people, f"imap://owner@127.0.0.1:{imap.port}/INBOX", [ME], [])
    add_source(people, f"imap+starttls://owner@127.0.0.1:{imap.port}/INBOX", [ME], [])
    problems = fetch_all(people).problems
    assert "did not speak TLS; nothing was sent." in problems[0]
    assert "does not offer STARTTLS, so the password was not sent" in problems[1]
    assert b"LOGIN" not in imap.log.read_bytes()


def test_plain_imap_only_to_loopback_and_never_a_password_in_the_url() -> None:
    with pytest.raises(MailError, match=r"only for 127\.0\.0\.1"):
        parse_source("imap+plain://me@mail.example.com/INBOX")
    with pytest.raises(MailError, match="Leave the password out"):
        parse_source("imap://me:pw@mail.example.com/INBOX")
    assert parse_source("imap://me@mail.example.com/INBOX").text() == (
        "imap://me@mail.example.com/INBOX"
    )
    gmail = parse_source("imap://you%40gmail.com@imap.gmail.com/CRM")
    assert (gmail.user, gmail.host, gmail.folder) == ("you@gmail.com", "imap.gmail.com", "CRM")
    assert parse_source(gmail.text()) == gmail


def test_a_folder_name_beyond_ascii_is_sent_in_modified_utf7(people: Store, imap: Imap) -> None:
    from dualrole.mail.sources import imap_utf7

    assert imap_utf7("日本語") == "&ZeVnLIqe-" and imap_utf7("A&B") == "A&-B"  # RFC 3501
    imap.put("Entwürfe", 1, message())
    add_source(people, imap.url("INBOX"), [ME], ["Entwürfe"])
    report = fetch_all(people)
    assert report.problems == [] and _count(people, ANA) == 1
    assert b'"Entw&APw-rfe"' in imap.log.read_bytes()


def test_a_fetch_killed_with_sigkill_resumes_exactly(
    people: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    monkeypatch.setenv("DUALROLE_MAIL_PASSWORD", "s3cret")
    hanging = start_imap(tmp_path, "--hang-after", "60")  # the second FETCH of 50 never ends
    for uid in range(1, 121):
        hanging.put("INBOX", uid, message(subject=f"K{uid}", message_id=f"<k{uid}@acme>"))
    add_source(people, hanging.url(), [ME], [])
    fetch = subprocess.Popen(
        [sys.executable, "-m", "dualrole", "--db", str(db_path), "mail", "fetch"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _count(people, ANA) < 50:  # the first batch is committed
            assert fetch.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(fetch.pid, signal.SIGKILL)
        fetch.wait()
    finally:
        hanging.process.kill()
        hanging.process.wait()
    assert _count(people, ANA) == 50
    killed = next(s for s in sources(people) if s.url == hanging.url())
    assert folder_state(people, killed.id, "INBOX").position == "50"  # where it goes on

    steady = start_imap(tmp_path)
    try:
        add_source(people, steady.url(), [ME], [])
        report = fetch_all(people, only=steady.url())
    finally:
        steady.process.kill()
        steady.process.wait()
    assert report.problems == [] and _count(people, ANA) == 120

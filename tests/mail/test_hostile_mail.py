"""Hostile mail is input like any import: never a crash, never control text, never read whole."""

from __future__ import annotations

import base64
from pathlib import Path

from dualrole.mail.fetch import fetch_all
from dualrole.mail.parsing import parse_message
from dualrole.services.mail import add_source
from dualrole.services.mail_triage import triage
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store

from .conftest import ANA, ME, Imap, message, put_maildir


def test_encoded_headers_are_decoded() -> None:
    raw = message(
        sender="=?utf-8?q?Jos=C3=A9_N=C3=BA=C3=B1ez?= <jose@acme.example>",
        subject="=?utf-8?b?" + base64.b64encode("Angebot für Sie ✓".encode()).decode() + "?=",
    )
    parsed = parse_message(raw)
    assert parsed.sender is not None and parsed.sender.name == "José Núñez"
    assert parsed.subject == "Angebot für Sie ✓"


def test_control_characters_and_bidi_overrides_are_dropped() -> None:
    raw = message(
        sender="=?utf-8?q?Eve=1B[2J=E2=80=AEevil?= <eve@x.example>",
        subject="=?utf-8?q?Hi=07=1B]0;pwned=07_there=E2=80=AE?=",
        body="line\x1b[31m red\u202e",
    )
    parsed = parse_message(raw)
    for text in (parsed.subject, parsed.sender.name if parsed.sender else "", parsed.excerpt):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text), text
        assert "\u202e" not in text


def test_broken_mime_and_raw_8bit_headers_never_raise() -> None:
    samples = [
        b"",
        b"\xff\xfe\x00garbage",
        b"From: <<<@@@>>>\r\nSubject: \xe9t\xe9\r\nContent-Type: multipart/mixed\r\n\r\nnone",
        b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: text/plain; charset=no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n",
        b"Date: not a date\r\nMessage-ID: " + b"x" * 5000 + b"\r\n\r\nbody",
    ]
    for raw in samples:
        parsed = parse_message(raw)
        assert len(parsed.key) < 400


def test_html_only_body_becomes_text() -> None:
    raw = message(
        body="<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;<b>there</b>"
        "</p><script>alert(1)</script></body></html>",
        extra="Content-Type: text/html; charset=utf-8",
    )
    assert parse_message(raw).excerpt == "Hello there"


def test_a_50_mb_attachment_is_never_read(people: Store, tmp_path: Path) -> None:
    head = (
        f"From: {ANA}\r\nTo: {ME}\r\nSubject: Big file\r\nMessage-ID: <big@acme>\r\n"
        "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        "Content-Type: text/plain\r\n\r\nSee attached.\r\n--B\r\n"
        "Content-Type: application/octet-stream\r\nContent-Disposition: attachment\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode()
    path = put_maildir(tmp_path / "M", "big", head)
    with path.open("ab") as handle:
        line = b"QUJD" * 19 + b"\r\n"
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    opened: list[int] = []
    import builtins

    real_open = builtins.open

    def spy(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(file, mode, *args, **kwargs)
        if str(file) == str(path):
            real_read = handle.read

            def read(size=-1):  # type: ignore[no-untyped-def]
                opened.append(size)
                return real_read(size)

            handle.read = read
        return handle

    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    builtins.open = spy
    try:
        fetch_all(people)
    finally:
        builtins.open = real_open
    assert opened and all(0 < size <= 256 * 1024 for size in opened)
    prospect = find_by_email(people, ANA)
    assert prospect is not None
    assert [i.summary for i in interactions_for(people, prospect.id)] == ["Big file"]


def test_hostile_messages_over_imap(people: Store, imap: Imap) -> None:
    imap.put("INBOX", 1, b"From: <<<@@@>>>\r\nSubject: \xe9t\xe9\r\n\r\n\xff\xfe")
    imap.put("INBOX", 2, b"\r\n\r\n")
    imap.put(
        "INBOX",
        3,
        b"From: =?utf-8?q?Mal=E2=80=AEory?= <mal@evil.example>\r\nTo: "
        + ME.encode()
        + b"\r\nSubject: =?utf-8?q?Hey=1B[2J?=\r\nMessage-ID: <h3@evil>\r\n\r\n"
        + b"x" * 200_000,
    )
    add_source(people, imap.url(), [ME], [])
    report = fetch_all(people)
    assert report.problems == [] and report.tally.read == 3
    [entry] = triage(people)
    assert entry.address == "mal@evil.example" and "\u202e" not in entry.name
    assert "\x1b" not in entry.subject

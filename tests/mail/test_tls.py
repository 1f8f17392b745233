"""TLS for real: IMAP over TLS and with STARTTLS (a certificate checked), SMTP with STARTTLS
and with TLS."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from dualrole.mail.fetch import fetch_all
from dualrole.mail.send import compose, deliver, parse_via
from dualrole.mail.sources import MailError
from dualrole.services.mail import add_source
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store

from .conftest import ANA, ME, Certificate, Imap, message, start_imap, start_smtp, tls_front


def test_imap_over_tls_checks_the_certificate(
    people: Store, imap: Imap, certificate: Certificate
) -> None:
    imap.put("INBOX", 1, message())
    port, stop = tls_front(imap.port, certificate.server_context())
    try:
        add_source(people, f"imap://owner@127.0.0.1:{port}/INBOX", [ME], [])
        untrusted = fetch_all(people)
        trusted = fetch_all(people, cafile=str(certificate.cert))
    finally:
        stop()
    assert "certificate that could not be verified" in untrusted.problems[0]
    assert imap.log.read_bytes().count(b" LOGIN ") == 1  # the untrusted try sent nothing
    assert trusted.problems == []
    prospect = find_by_email(people, ANA)
    assert prospect is not None and len(interactions_for(people, prospect.id)) == 1


# aiosmtpd cannot tell that a connection is TLS from its start, so it warns that AUTH is
# allowed without TLS; the TLS is real (the client verifies the certificate).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_smtp_with_tls_and_a_login(certificate: Certificate, scheme: str) -> None:
    context = certificate.server_context()
    if scheme == "smtps":
        sink, stop = start_smtp(implicit=context, password="s3cret")
    else:
        sink, stop = start_smtp(starttls=context, password="s3cret")
    try:
        via = parse_via(f"{scheme}://owner@127.0.0.1:{sink.port}")
        sent = compose(ME, ANA, "Hello", "Body text")
        with pytest.raises(MailError, match="refused the user name or password"):
            deliver(sent, via, "wrong", cafile=str(certificate.cert))
        deliver(sent, via, "s3cret", cafile=str(certificate.cert))
    finally:
        stop()
    [raw] = sink.received
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == "Hello"


def test_imap_starttls_checks_the_certificate_then_logs_in(
    people: Store, tmp_path: Path, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_MAIL_PASSWORD", "s3cret")
    server = start_imap(tmp_path, "--starttls", str(certificate.cert), str(certificate.key))
    try:
        server.put("INBOX", 1, message())
        add_source(people, f"imap+starttls://owner@127.0.0.1:{server.port}/INBOX", [ME], [])
        untrusted = fetch_all(people)
        trusted = fetch_all(people, cafile=str(certificate.cert))
    finally:
        server.process.kill()
        server.process.wait()
    assert "certificate that could not be verified" in untrusted.problems[0]
    commands = server.log.read_bytes()
    assert commands.count(b" STARTTLS") == 2 and commands.count(b" LOGIN ") == 1
    assert commands.index(b" LOGIN ") > commands.rindex(b" STARTTLS")  # inside TLS only
    assert trusted.problems == []
    prospect = find_by_email(people, ANA)
    assert prospect is not None and len(interactions_for(people, prospect.id)) == 1

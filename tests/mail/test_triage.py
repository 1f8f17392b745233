"""Triage: unknown senders wait; make a lead, link to a prospect, or ignore forever (CLI too)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.mail.fetch import fetch_all
from dualrole.services.mail import add_source
from dualrole.services.mail_triage import ignore_address, link_address, make_lead, triage
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store

from .conftest import ANA, ME, message, put_maildir

CLEO = "Cleo Chen <cleo@initech.example>"


def _waiting(people: Store, tmp_path: Path) -> None:
    put_maildir(
        tmp_path / "M",
        "1",
        message(
            sender=CLEO, subject="Intro", message_id="<c1@i>", extra="Organization: Initech GmbH"
        ),
    )
    put_maildir(
        tmp_path / "M",
        "2",
        message(
            sender=ME,
            to=CLEO,
            subject="Re: Intro",
            message_id="<c2@me>",
            date="Wed, 18 Nov 2026 10:00:00 +0100",
        ),
    )
    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    fetch_all(people)


def test_make_lead_takes_name_and_company_and_logs_the_waiting_mail(
    people: Store, tmp_path: Path
) -> None:
    _waiting(people, tmp_path)
    [entry] = triage(people)
    assert (entry.name, entry.organisation, entry.messages) == ("Cleo Chen", "Initech GmbH", 2)

    prospect = make_lead(people, "CLEO@initech.example")

    assert (prospect.name, prospect.company, prospect.email) == (
        "Cleo Chen",
        "Initech GmbH",
        "cleo@initech.example",
    )
    assert prospect.source == "inbound" and prospect.tags == ["email"]
    assert [i.summary for i in interactions_for(people, prospect.id)] == ["Re: Intro", "Intro"]
    assert triage(people) == []
    fetch_all(people)  # nothing again
    assert len(interactions_for(people, prospect.id)) == 2


def test_link_gives_a_prospect_a_second_address(people: Store, tmp_path: Path) -> None:
    _waiting(people, tmp_path)
    ana = find_by_email(people, ANA)
    assert ana is not None
    link_address(people, "cleo@initech.example", ana.id)
    assert len(interactions_for(people, ana.id)) == 2
    put_maildir(
        tmp_path / "M",
        "3",
        message(
            sender=CLEO,
            message_id="<c3@i>",
            subject="Later",
            date="Thu, 19 Nov 2026 10:00:00 +0100",
        ),
    )
    fetch_all(people)
    assert interactions_for(people, ana.id)[0].summary == "Later"


def test_ignored_sender_never_waits_again(people: Store, tmp_path: Path) -> None:
    _waiting(people, tmp_path)
    assert ignore_address(people, "cleo@initech.example") == 2
    put_maildir(tmp_path / "M", "3", message(sender=CLEO, message_id="<c3@i>"))
    fetch_all(people)
    assert triage(people) == []


def test_cli_connect_fetch_triage_and_actions(people: Store, db_path: Path, tmp_path: Path) -> None:
    put_maildir(tmp_path / "M", "1", message())
    put_maildir(tmp_path / "M", "2", message(sender=CLEO, message_id="<c1@i>"))
    put_maildir(tmp_path / "M", "3", message(sender="dan@dan.example", message_id="<d1@d>"))
    run = CliRunner()

    def ok(*args: str) -> str:
        result = run.invoke(cli, ["--db", str(db_path), "mail", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Connected maildir:" in ok("connect", f"maildir:{tmp_path / 'M'}", "--me", ME)
    assert "3 messages: 1 logged for 1 prospects, 2 waiting in triage" in ok("fetch")
    listed = json.loads(ok("triage", "--format", "json"))
    assert sorted(e["address"] for e in listed) == ["cleo@initech.example", "dan@dan.example"]
    assert "New lead" in ok("lead", "cleo@initech.example", "--company", "Initech")
    assert "is now an address of" in ok("link", "dan@dan.example", "Ana Alves")
    assert ok("triage") == "Nobody waits in triage.\n"
    cleo = find_by_email(people, "cleo@initech.example")
    assert cleo is not None and cleo.company == "Initech"

    missing = run.invoke(cli, ["--db", str(db_path), "mail", "ignore", "zed@z.example"])
    assert missing.exit_code != 0


def test_cli_imap_without_folder_and_without_password(db_path: Path, people: Store) -> None:
    run = CliRunner()
    result = run.invoke(
        cli, ["--db", str(db_path), "mail", "connect", "imap://me@127.0.0.1:1", "--me", ME]
    )
    assert result.exit_code == 1 and "never reads a whole mailbox" in result.output


def test_a_lead_company_from_the_domain_unless_free_mail(people: Store, tmp_path: Path) -> None:
    from dualrole.services.mail_triage import guess_lead

    senders = ["ann@mail.blue-fox.co.uk", "bob@gmail.com", "cy@initech.example"]
    for index, sender in enumerate(senders):
        put_maildir(tmp_path / "M", str(index), message(sender=sender, message_id=f"<{index}@x>"))
    add_source(people, f"maildir:{tmp_path / 'M'}", [ME], [])
    fetch_all(people)
    assert [(guess_lead(people, s).name, guess_lead(people, s).company) for s in senders] == [
        ("Ann", "Blue Fox"),
        ("Bob", None),
        ("Cy", "Initech"),
    ]


def test_connect_says_at_once_when_a_maildir_or_mbox_is_not_there(
    db_path: Path, tmp_path: Path
) -> None:
    run = CliRunner()
    for source in (f"maildir:{tmp_path / 'nope'}", f"mbox:{tmp_path / 'nope.mbox'}"):
        result = run.invoke(cli, ["--db", str(db_path), "mail", "connect", source, "--me", ME])
        assert result.exit_code == 1
        assert "is not a Maildir" in result.output or "There is no mbox file" in result.output


def test_a_sender_added_by_hand_meanwhile_leaves_triage(people: Store, tmp_path: Path) -> None:
    from dualrole.core.models import ProspectIn
    from dualrole.services.sales import create_prospect

    _waiting(people, tmp_path)
    cleo = create_prospect(people, ProspectIn(name="Cleo", email="cleo@initech.example"))
    assert make_lead(people, "cleo@initech.example").id == cleo.id  # no duplicate
    assert len(interactions_for(people, cleo.id)) == 2

    put_maildir(tmp_path / "M", "9", message(sender="Dot <dot@d.example>", message_id="<d@d>"))
    fetch_all(people)
    dot = create_prospect(people, ProspectIn(name="Dot", email="dot@d.example"))
    fetch_all(people)  # nothing new, but Dot's waiting mail is hers now
    assert triage(people) == [] and len(interactions_for(people, dot.id)) == 1

"""Outreach: templates with segment fields, preview, send to a real SMTP sink, sequences."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.models import PromotionIn, ProspectIn, SegmentIn
from dualrole.mail.fetch import fetch_all
from dualrole.services import marketing
from dualrole.services.mail import add_source
from dualrole.services.outreach import (
    enrolment_paused,
    parse_steps,
    save_sequence,
    save_template,
    start_sequence,
)
from dualrole.services.sales import (
    attach_to_promotion,
    find_by_email,
    followups_for,
    interactions_for,
    update_prospect,
)
from dualrole.storage.db import Store

from .conftest import ANA, ME, SmtpSink, message, put_maildir

BODY = (
    "Hi {{ first_name }},\n\nYou mentioned {{ objection }}. Teams like {{ company.name }} "
    "tell us about {{ segment.pain_points | join(' and ') }}.\n"
    "({{ promotion.name }})\n"
)


@pytest.fixture
def ana(people: Store) -> int:
    segment = marketing.create_segment(
        people,
        SegmentIn(
            name="Small agencies",
            pain_points="- late invoices\n- scattered notes",
            values="calm",
            objections="the price\nthe setup time",
        ),
    )
    promotion = marketing.create_promotion(people, PromotionIn(name="Autumn webinar"))
    prospect = find_by_email(people, ANA)
    assert prospect is not None
    update_prospect(
        people,
        prospect.id,
        prospect.version,
        ProspectIn(name="Ana Alves", company="Acme", email=ANA, segment_id=segment.id),
    )
    attach_to_promotion(people, prospect.id, promotion.id)
    save_template(people, "intro", "Notes for {{ company.name }}", BODY)
    return prospect.id


def _cli(db_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "mail", *args], env=env)
    return result.exit_code, result.output


def test_preview_fills_segment_and_promotion_fields(ana: int, db_path: Path) -> None:
    code, shown = _cli(db_path, "preview", "intro", "Ana Alves")
    assert code == 0, shown
    assert "Subject: Notes for Acme" in shown
    assert (
        "You mentioned the price. Teams like Acme tell us about late invoices and "
        "scattered notes." in shown
    )
    assert "(Autumn webinar)" in shown


def test_an_unknown_field_is_one_clear_sentence(ana: int, people: Store, db_path: Path) -> None:
    save_template(people, "broken", "Hi", "Dear {{ prospect.nickname }}")
    code, shown = _cli(db_path, "preview", "broken", "Ana Alves")
    assert code == 1
    assert "uses a field that does not exist (no field 'nickname')" in shown
    assert "Traceback" not in shown


def test_send_reaches_the_smtp_sink_and_is_logged_once(
    ana: int, people: Store, db_path: Path, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    code, shown = _cli(
        db_path,
        "send",
        "intro",
        "Ana Alves",
        "--via",
        f"smtp+plain://127.0.0.1:{smtp_sink.port}",
        "--from",
        ME,
        "--yes",
        env={"EDITOR": "sed -i s/Hi/Howdy/"},  # the owner edits the message before it goes
    )
    assert code == 0, shown
    [raw] = smtp_sink.received
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["To"] == ANA and sent["Subject"] == "Notes for Acme"
    assert "Howdy Ana," in sent.get_content()
    assert [i.summary for i in interactions_for(people, ana)] == ["Notes for Acme"]

    put_maildir(tmp_path / "Sent", "1", raw)  # the copy in Sent, fetched later: nothing new
    add_source(people, f"maildir:{tmp_path / 'Sent'}", [ME], [])
    fetch_all(people)
    assert len(interactions_for(people, ana)) == 1


def test_starttls_refused_sends_nothing(
    ana: int, people: Store, db_path: Path, smtp_sink: SmtpSink
) -> None:
    code, shown = _cli(
        db_path,
        "send",
        "intro",
        "Ana Alves",
        "--via",
        f"smtp+starttls://owner@127.0.0.1:{smtp_sink.port}",
        "--from",
        ME,
        "--yes",
        "--no-edit",
        env={"DUALROLE_MAIL_PASSWORD": "pw"},
    )
    assert code == 1 and "does not offer STARTTLS, so the password was not sent" in shown
    assert smtp_sink.received == [] and interactions_for(people, ana) == []


def test_sequence_creates_follow_ups_and_pauses_on_a_reply(
    ana: int, people: Store, tmp_path: Path
) -> None:
    save_template(people, "case", "A case study", "…")
    save_template(people, "check", "Checking in", "…")
    save_sequence(people, "new-leads", parse_steps(["4:case", "0:intro", "10:check"]))
    start = dt.date(2026, 11, 20)
    start_sequence(people, "new-leads", ana, start)
    due = sorted((f.due_date - start).days for f in followups_for(people, ana, open_only=True))
    assert due == [0, 4, 10]

    put_maildir(tmp_path / "In", "1", message(subject="Re: Notes", message_id="<reply@acme>"))
    add_source(people, f"maildir:{tmp_path / 'In'}", [ME], [])
    fetch_all(people)

    assert enrolment_paused(people, "new-leads", ana)
    assert followups_for(people, ana, open_only=True) == []


def test_template_fields_lists_what_a_template_sees(ana: int, db_path: Path) -> None:
    import json

    code, shown = _cli(db_path, "template", "fields", "Ana Alves")
    assert code == 0, shown
    fields = json.loads(shown)
    assert fields["segment"]["objections"] == ["the price", "the setup time"]
    assert fields["promotion"]["name"] == "Autumn webinar" and fields["first_name"] == "Ana"

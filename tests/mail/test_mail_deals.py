"""Captured mail and deals: a message belongs to the person's only open deal; with several
open deals the owner picks one (or none) in triage, from the CLI and in the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.enums import Stage
from dualrole.core.models import DealIn, InteractionIn
from dualrole.mail.fetch import fetch_all
from dualrole.services.deals import change_deal_stage, create_deal, deals_for
from dualrole.services.mail import add_source
from dualrole.services.mail_deals import file_under_deal, messages_to_file
from dualrole.services.sales import find_by_email, interactions_for, log_interaction
from dualrole.storage.db import NotFoundError, StorageError, Store

from .conftest import ANA, BEN, ME, message, put_maildir


def _ids(store: Store, address: str) -> int:
    prospect = find_by_email(store, address)
    assert prospect is not None
    return prospect.id


def _fetch(store: Store, tmp_path: Path, *raws: bytes) -> None:
    for index, raw in enumerate(raws):
        put_maildir(tmp_path / "M", f"m{index}", raw)
    add_source(store, f"maildir:{tmp_path / 'M'}", [ME], [])
    assert fetch_all(store).problems == []


def test_a_message_goes_to_the_only_open_deal(people: Store, tmp_path: Path) -> None:
    ana = _ids(people, ANA)
    [first] = deals_for(people, ana)
    change_deal_stage(people, first.id, "won", value=None, reason=None)
    second = create_deal(people, ana, DealIn(title="Support contract"))  # the only open one
    _fetch(people, tmp_path, message())
    [logged] = interactions_for(people, ana)
    assert logged.deal_id == second.id
    assert messages_to_file(people) == []


def test_with_several_open_deals_the_owner_picks_one_or_none(people: Store, tmp_path: Path) -> None:
    ana = _ids(people, ANA)
    [first] = deals_for(people, ana)
    second = create_deal(people, ana, DealIn(title="Support contract"))
    _fetch(
        people,
        tmp_path,
        message(),
        message(subject="Re: support", message_id="<m2@acme.example>"),
        message(sender=BEN, message_id="<b1@globex.example>"),  # Ben has one deal
    )
    assert interactions_for(people, _ids(people, BEN))[0].deal_id is not None
    waiting = messages_to_file(people)
    assert sorted(m.subject for m in waiting) == ["Pricing question", "Re: support"]
    assert all(m.interaction_id and m.person == "Ana Alves" for m in waiting)
    assert {d.id for d in waiting[0].deals} == {first.id, second.id}
    assert all(i.deal_id is None for i in interactions_for(people, ana))

    by_subject = {m.subject: m.interaction_id for m in waiting}
    file_under_deal(people, by_subject["Re: support"], second.id)
    file_under_deal(people, by_subject["Pricing question"], None)
    assert messages_to_file(people) == []
    assert {i.summary: i.deal_id for i in interactions_for(people, ana)} == {
        "Re: support": second.id,
        "Pricing question": None,
    }
    with pytest.raises(NotFoundError, match="waits for its deal"):
        file_under_deal(people, by_subject["Re: support"], first.id)  # already filed


def test_a_deal_of_someone_else_is_refused_in_one_sentence(people: Store, tmp_path: Path) -> None:
    ana = _ids(people, ANA)
    create_deal(people, ana, DealIn(title="Support contract"))
    _fetch(people, tmp_path, message())
    [waiting] = messages_to_file(people)
    [bens] = deals_for(people, _ids(people, BEN))
    with pytest.raises(StorageError, match=f"Deal d{bens.id} is not one of this person's deals"):
        file_under_deal(people, waiting.interaction_id, bens.id)
    assert len(messages_to_file(people)) == 1  # still waiting, nothing half-written
    with pytest.raises(StorageError, match="is not one of this person's deals"):
        log_interaction(people, InteractionIn(prospect_id=ana, summary="Call", deal_id=bens.id))


def test_cli_lists_and_files_waiting_messages(people: Store, db_path: Path, tmp_path: Path) -> None:
    ana = _ids(people, ANA)
    [first] = deals_for(people, ana)
    second = create_deal(people, ana, DealIn(title="Support contract"))
    _fetch(people, tmp_path, message())
    run = CliRunner()

    def ok(*args: str) -> str:
        result = run.invoke(cli, ["--db", str(db_path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 message(s) of people with several open deals wait" in ok("mail", "triage")
    [listed] = json.loads(ok("mail", "deals", "--format", "json"))
    assert listed["subject"] == "Pricing question" and listed["person"] == "Ana Alves"
    assert {d["deal"] for d in listed["deals"]} == {first.ref, second.ref}
    text = ok("mail", "deals")
    assert f"#{listed['interaction']}" in text and "Support contract" in text

    bad = run.invoke(cli, ["--db", str(db_path), "mail", "deal", str(listed["interaction"]), "x"])
    assert bad.exit_code != 0 and "Name a deal as dN" in bad.output
    shown = ok("mail", "deal", str(listed["interaction"]), second.ref)
    assert f"filed under {second.ref}" in shown
    assert ok("mail", "deals") == "No captured message waits for its deal.\n"
    assert interactions_for(people, ana)[0].deal_id == second.id


def test_cli_log_on_a_deal_and_on_the_only_open_deal(people: Store, db_path: Path) -> None:
    ana = _ids(people, ANA)
    [first] = deals_for(people, ana)
    run = CliRunner()
    logged = run.invoke(cli, ["--db", str(db_path), "log", "Ana Alves", "Intro call"])
    assert logged.exit_code == 0, logged.output
    assert interactions_for(people, ana)[0].deal_id == first.id  # the only open deal
    second = create_deal(people, ana, DealIn(title="Support contract"))
    change_deal_stage(people, first.id, Stage.won.value, value=None, reason=None)
    logged = run.invoke(cli, ["--db", str(db_path), "log", second.ref, "Renewal call"])
    assert logged.exit_code == 0, logged.output
    assert f"for {second.ref}" in logged.output
    assert interactions_for(people, ana)[0].deal_id == second.id


def test_a_message_sent_to_someone_with_several_open_deals_waits_too(people: Store) -> None:
    from dualrole.services.outreach import log_sent

    ana, ben = _ids(people, ANA), _ids(people, BEN)
    create_deal(people, ana, DealIn(title="Support contract"))
    log_sent(people, ana, "Proposal", "<p1@mybiz.example>")
    log_sent(people, ben, "Hello", "<h1@mybiz.example>")  # one open deal: filed at once
    [waiting] = messages_to_file(people)
    assert (waiting.subject, waiting.direction, waiting.prospect_id) == ("Proposal", "out", ana)
    [bens] = deals_for(people, ben)
    assert interactions_for(people, ben)[0].deal_id == bens.id

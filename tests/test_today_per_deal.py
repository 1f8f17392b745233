"""Today judges each deal, not a person's first one: idle deals and keep-in-touch (issue 27's
leftover), in the agenda and in ``dualrole today --format json`` (the same function)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.dates import clock
from dualrole.core.models import DealIn, InteractionIn, ProspectIn, Stage
from dualrole.services import deals, sales
from dualrole.services.today import agenda
from dualrole.storage.db import Store, open_store

MONTH_AGO = "2026-10-20T10:00:00"  # 31 days before the frozen clock (2026-11-20 10:00)


def _contact(store: Store, prospect_id: int, at: dt.datetime) -> None:
    sales.log_interaction(
        store, InteractionIn(prospect_id=prospect_id, summary="Call", occurred_at=at)
    )


def _chloe(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[int, deals.Deal, deals.Deal]:
    """Chloe, first deal won and a retainer opened a month ago (idle), and a workshop opened
    today (active)."""
    now = clock.now()
    monkeypatch.setenv("DUALROLE_NOW", MONTH_AGO)
    chloe = sales.create_prospect(
        store, ProspectIn(name="Chloe Becker", company="Lotus Labs", value="1000")
    )
    sales.move_stage(store, chloe.id, Stage.won)
    retainer = deals.create_deal(store, chloe.id, DealIn(title="Retainer", value="500"))
    monkeypatch.setenv("DUALROLE_NOW", now.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    workshop = deals.create_deal(store, chloe.id, DealIn(title="Workshop", value="900"))
    return chloe.id, retainer, workshop


def test_a_persons_idle_deal_shows_though_their_first_is_won_and_another_is_active(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    chloe, retainer, _workshop = _chloe(store, monkeypatch)
    idle = agenda(store).idle_deals
    assert [(i.label, i.detail, i.record_id, i.prospect_id) for i in idle] == [
        ("Chloe Becker · Retainer", "31d · lead", retainer.id, chloe)
    ]


def test_a_new_deal_of_an_idle_person_is_not_idle_and_namesakes_are_told_apart(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    now = clock.now()
    monkeypatch.setenv("DUALROLE_NOW", MONTH_AGO)
    ada = sales.create_prospect(store, ProspectIn(name="Ada", company="Mosaic Cafe"))
    monkeypatch.setenv("DUALROLE_NOW", now.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    long_ago = now - dt.timedelta(days=20)
    _contact(store, ada.id, long_ago)
    deals.create_deal(store, ada.id, DealIn(title="Catering"))  # opened now: active
    first = deals.first_deal_id(store, ada.id)
    idle = agenda(store).idle_deals
    assert [(i.label, i.detail, i.record_id) for i in idle] == [("Ada", "20d · lead", first)]
    other = sales.create_prospect(store, ProspectIn(name="ada", company="Harbor Bakery", value="5"))
    _contact(store, other.id, long_ago)
    labels = [i.label for i in agenda(store).idle_deals]
    assert labels == ["ada · Harbor Bakery", "Ada · Mosaic Cafe"]


def test_keep_in_touch_follows_the_person_whose_first_deal_is_lost(store: Store):
    long_ago = clock.now() - dt.timedelta(days=10)
    kept, gone = (
        sales.create_prospect(store, ProspectIn(name=name, keep_in_touch_days=7))
        for name in ("Kept Customer", "Gone Lead")
    )
    for person in (kept, gone):
        _contact(store, person.id, long_ago)
        sales.move_stage(store, person.id, Stage.lost, reason="timing")
    deals.create_deal(store, kept.id, DealIn(title="Second try"))
    # ``log_interaction`` of the second try would reset the cadence; the deal alone does not
    touch = agenda(store).keep_in_touch
    assert [(i.label, i.detail, i.prospect_id) for i in touch] == [
        ("Kept Customer", "every 7d", kept.id)
    ]


def test_the_cli_today_document_names_each_idle_deal(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with open_store(db_path) as store:
        chloe, retainer, _workshop = _chloe(store, monkeypatch)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "today", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["idle_deals"] == [
        {"id": chloe, "deal": f"d{retainer.id}", "name": "Chloe Becker · Retainer",
         "detail": "31d · lead"}
    ]  # fmt: skip

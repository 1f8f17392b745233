"""Promotions keep their currency (issue 28 leftover): their budget and spend were kept
without one and re-labelled when the workspace's currency changed (€500 read $500)."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from pathlib import Path

from dualrole.core.models import PromotionIn, PromotionResultIn, PromotionStatus
from dualrole.interop.dump import write_json
from dualrole.services import marketing
from dualrole.services.lists import promotions_query
from dualrole.services.settings import change_settings, set_setting
from dualrole.storage.db import open_store

FIXTURE = Path(__file__).parent / "fixtures" / "release-10.db"


def test_a_promotion_keeps_its_currency_when_the_workspace_changes(store):
    fair = marketing.create_promotion(store, PromotionIn(name="Fair", budget="500"))
    marketing.log_result(store, PromotionResultIn(promotion_id=fair.id, day="today", spend="120"))
    assert fair.currency == "EUR"
    notes = change_settings(store, {"currency": "USD"})
    assert any("1 promotion keep their spend and budget in their own currency" in n for n in notes)
    radio = marketing.create_promotion(store, PromotionIn(name="Radio", budget="90"))
    assert radio.currency == "USD"  # a new one takes the workspace's of the day
    # An edit from the form (which does not ask for a currency) keeps the promotion's own.
    edited = PromotionIn(name="Fair 2", budget="600", status=PromotionStatus.running)
    fair = marketing.update_promotion(store, fair.id, fair.version, edited)
    assert (fair.currency, fair.budget) == ("EUR", 60000)
    query = promotions_query(currency="USD")
    rows = {row.name: row for row in query.page(store, 0, 10)}
    assert (rows["Fair 2"].currency, rows["Fair 2"].spend_minor) == ("EUR", 12000)
    assert rows["Radio"].currency == "USD"


def test_the_export_carries_each_promotions_currency(store):
    marketing.create_promotion(store, PromotionIn(name="Fair", budget="500"))
    set_setting(store, "currency", "JPY")
    marketing.create_promotion(store, PromotionIn(name="Flyers", budget="8000", currency="jpy"))
    out = io.BytesIO()
    write_json(store, out)
    promotions = json.loads(out.getvalue())["tables"]["promotions"]
    assert [(p["name"], p["budget_minor"], p["currency"]) for p in promotions] == [
        ("Fair", 50000, "EUR"),
        ("Flyers", 800000, "JPY"),
    ]


def test_the_review_says_when_spend_adds_other_currencies(store):
    from dualrole.core.dates.reading import parse_week
    from dualrole.review import build_review

    fair = marketing.create_promotion(store, PromotionIn(name="Fair", budget="500"))
    marketing.log_result(store, PromotionResultIn(promotion_id=fair.id, day="today", spend="120"))
    assert build_review(store, parse_week("2026-W47")).currency_note == ""
    set_setting(store, "currency", "USD")
    note = build_review(store, parse_week("2026-W47")).currency_note
    assert note == "Spend adds promotions' amounts in other currencies (EUR) as if in USD; " + (
        "nothing is converted."
    )


def test_the_upgrade_gives_promotions_the_workspace_currency(tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('currency', '\"GBP\"')")
        count = raw.execute("SELECT count(*) FROM promotions").fetchone()[0]
    raw.close()
    assert count > 0
    with open_store(path) as store:
        currencies = [row[0] for row in store.query("SELECT currency FROM promotions")]
    assert currencies == ["GBP"] * count

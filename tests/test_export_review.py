"""Review exports: every number of the hand-built week in every format, escaping, agreement."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualrole.core.dates.reading import parse_week
from dualrole.core.models import ProspectIn
from dualrole.render import render
from dualrole.render.markdown import cell, escape
from dualrole.render.tabular import CSV_HEADER, major_units, safe_cell
from dualrole.review import BY_KEY, build_review, build_reviews, show_target, show_value
from dualrole.services import sales
from dualrole.services.settings import set_setting
from review_week import EXPECTED, FEEDBACK_TITLE, at, build_week

W47 = parse_week("2026-W47")


@pytest.fixture
def review(store, monkeypatch):
    build_week(store, monkeypatch)
    at(monkeypatch, "2026-11-23T09:00:00")  # W47 has ended: graded for good
    return build_review(store, W47)


def _shown(key: str, value) -> str:
    return show_value(value, BY_KEY[key].unit)


def test_json_carries_every_number(review):
    document = json.loads(render([review], "json"))
    assert document["schema_version"] == 1
    (data,) = document["reviews"]
    metrics = {m["key"]: m for m in data["marketing"] + data["sales"]}
    assert set(metrics) == set(EXPECTED)
    for key, (actual, target, grade, w46) in EXPECTED.items():
        m = metrics[key]
        assert m["actual"] == pytest.approx(actual, abs=0.05), key
        assert (m["target"], m["grade"]) == (target, grade), key
        if BY_KEY[key].trend:
            assert m["previous"] == [None] * 7 + [w46], key
    assert isinstance(metrics["leads"]["actual"], int)  # whole numbers stay integers
    assert data["scores"]["marketing"]["score"] == 90
    assert data["scores"]["sales"]["score"] == 70
    assert data["handoff"]["feedback_titles"] == [FEEDBACK_TITLE]
    assert data["balance"]["marketing_hours"] == 2
    assert data["reflection"]["focus_next"] == "<script>alert(1)</script>"


def test_csv_carries_every_number(review):
    rows = list(csv.reader(io.StringIO(render([review], "csv"))))
    assert rows[0] == CSV_HEADER
    by_key = {row[2]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_key) == set(EXPECTED)
    for key, (actual, target, grade, w46) in EXPECTED.items():
        row = by_key[key]
        money = BY_KEY[key].unit == "money"
        assert row["currency"] == ("EUR" if money else ""), key

        def cell(value, money=money):  # money in major units with two decimals
            return "" if value is None else f"{value / 100:.2f}" if money else str(value)

        assert float(row["actual"]) == pytest.approx(actual / (100 if money else 1), abs=0.05)
        assert row["target"] == cell(target), key
        assert row["grade"] == (grade or ""), key
        if BY_KEY[key].trend:
            assert row["w-1"] == cell(w46), key
            assert row["w-8"] == "", key
    assert by_key["reach"]["actual"] == "12400"  # a number, not "12,400"
    assert by_key["revenue"]["actual"] == "8400.00"  # €8,400, not 840000


def test_csv_money_names_its_currency_in_a_mixed_currency_workspace(review, store):
    """Deals in euros, the workspace switched to the yen: the CSV says JPY and writes yen
    the way the review and the JSON count them, never minor units a reader cannot place."""
    set_setting(store, "currency", "JPY")
    sales.create_prospect(store, ProspectIn(name="Dollar deal", value="10.25", currency="USD"))
    review = build_review(store, W47)
    assert review.currency == "JPY" and review.currency_note  # the mixed totals are noted
    rows = list(csv.reader(io.StringIO(render([review], "csv"))))
    by_key = {row[2]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    data = json.loads(render([review], "json"))["reviews"][0]
    assert data["currency"] == "JPY"
    metrics = {m["key"]: m for m in data["marketing"] + data["sales"]}
    for key, row in by_key.items():
        if BY_KEY[key].unit != "money":
            assert row["currency"] == "", key
            continue
        assert row["currency"] == "JPY", key
        json_actual = metrics[key]["actual"]
        assert row["actual"] == ("" if json_actual is None else f"{json_actual / 100:g}"), key
    assert by_key["revenue"]["actual"] == "8400"  # the yen has no decimals
    assert by_key["cost_per_lead"]["target"] == "50"
    assert by_key["pipeline_open"]["actual"] == "9010.25"  # a fraction keeps two decimals


def test_markdown_and_html_show_every_number(review):
    markdown = render([review], "md")
    page = render([review], "html")
    for key, (actual, _target, grade, _w46) in EXPECTED.items():
        metric = review.metric(key)
        shown = _shown(key, actual)
        target_text = show_target(metric)
        row = re.search(rf"^\| {re.escape(cell(metric.label))} \| (.*)$", markdown, re.M)
        assert row, key
        assert row.group(1).startswith(cell(shown)), key
        assert f"| {cell(target_text)} | {grade or ''} |" in row.group(0), key
        html_row = re.search(
            rf"<tr><td>{re.escape(escape_html(metric.label))}</td>(.*?)</tr>", page
        )
        assert html_row, key
        assert f'<td class="num">{escape_html(shown)}' in html_row.group(1), key
        assert f'<td class="{grade or ""}">{grade or ""}</td>' in html_row.group(1), key
    for text in ("**Marketing 90/100**", "**Sales 70/100**", "4 new leads", "1 feedback note"):
        assert text in markdown
    assert "1 feedback notes" not in markdown and "1 feedback notes" not in page  # one note
    assert "1 feedback note" in page
    assert "Marketing 90/100" in page and "Sales 70/100" in page
    assert "focus hours: marketing 2.0, sales 3.0" in markdown
    assert "focus hours: marketing 2.0, sales 3.0" in page


def escape_html(text: str) -> str:
    from html import escape as html_escape

    return html_escape(text)


def test_markdown_escapes_user_text(review):
    markdown = render([review], "md")
    assert r"pricing \| \*unclear\* \<b\>=SUM(A1)\</b\>" in markdown
    assert r"Fair \| \*busy\*" in markdown
    assert r"\# not a heading" in markdown
    assert "<script>" not in markdown


def test_html_is_self_contained_and_escaped(review):
    page = render([review], "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "pricing | *unclear* &lt;b&gt;=SUM(A1)&lt;/b&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)  # no external requests
    assert page.count("<svg") == 2  # one chart per side

    class Check(HTMLParser):
        tags: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

    parser = Check()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags


def test_csv_neutralises_formulas_and_keeps_numbers(review):
    rows = list(csv.reader(io.StringIO(render([review], "csv"))))
    for row in rows[1:]:
        for value in row:
            if value and value[0] in "=+@\t\r":
                pytest.fail(f"formula-like cell {value!r}")
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-3") == "'-3" and safe_cell(-3) == -3
    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx"


@given(st.text())
def test_markdown_cell_never_breaks_a_row(text):
    escaped = cell(text)
    assert "\n" not in escaped
    assert re.search(r"(?<!\\)\|", escaped) is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_markdown_escape_keeps_the_text(text):
    unescaped = re.sub(r"\\(.)", r"\1", escape(text))
    assert unescaped == text.replace("\r\n", "\n").replace("\r", "\n")


def test_multi_week_exports(store, monkeypatch):
    build_week(store, monkeypatch)
    reviews = build_reviews(store, parse_week("2026-W46"), W47)
    markdown = render(reviews, "md")
    assert markdown.startswith("# Progress review — 2026-W46 to 2026-W47 (2 weeks)")
    assert "## Week 46, 2026 (9–15 Nov)" in markdown and "## Week 47, 2026 (16–22 Nov)" in markdown
    assert [r["week"] for r in json.loads(render(reviews, "json"))["reviews"]] == [
        "2026-W46",
        "2026-W47",
    ]
    rows = list(csv.reader(io.StringIO(render(reviews, "csv"))))
    assert len(rows) == 1 + 2 * len(EXPECTED)
    assert render(reviews, "html").count("<h2>") == 2


def test_the_four_exports_of_the_demo_agree(demo_store):
    review = build_review(demo_store, W47)
    data = json.loads(render([review], "json"))["reviews"][0]
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(render([review], "csv")))}
    markdown, page = render([review], "md"), render([review], "html")
    for metric in data["marketing"] + data["sales"]:
        key, actual = metric["key"], metric["actual"]
        model = review.metric(key)
        assert actual == (None if model.actual is None else pytest.approx(model.actual))
        if metric["unit"] == "money":  # the CSV in major units, the JSON in minor units
            assert rows[key]["currency"] == data["currency"]
            assert rows[key]["actual"] == major_units(actual, data["currency"])
        else:
            assert rows[key]["actual"] == ("" if actual is None else str(actual))
        assert rows[key]["grade"] == (metric["grade"] or "")
        shown = show_value(model.actual, model.unit)
        assert f"| {cell(model.label)} | {cell(shown)}" in markdown
        assert f'<tr><td>{escape_html(model.label)}</td><td class="num">{shown}' in page
    assert data["status"] == "in progress"  # the demo's W47 is this week (Fri 20 Nov)
    for side in ("marketing", "sales"):
        score = data["scores"][side]["score"]
        assert f"**{side.capitalize()} {score}/100 so far**" in markdown
        assert f"{side.capitalize()} {score}/100 so far" in page

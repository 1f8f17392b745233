"""``dualrole insights`` on the command line, and the range review export's insights."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.storage.db import open_store
from insights_fixture import build_weeks


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        build_weeks(store, monkeypatch)
    return path


def run(path, *args, input=None):
    return CliRunner().invoke(cli, ["--db", str(path), *args], input=input)


def test_insights_default_to_13_weeks_of_markdown(workspace):
    result = run(workspace, "insights")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Insights — 2026-08-24 to 2026-11-22 (13 weeks)")
    # 13 weeks reach back to W45: Early and Fair's €50 count now
    # one money formatter (issue 13): cents when there are any, €250 ÷ 3 leads = €83.33
    assert (
        "| event | €250 | 3 | 1 | €1,000 | €83.33 | €250 | 300 % | 33 % | 4.0 d |" in result.output
    )


def test_insights_period_by_and_formats(workspace, tmp_path):
    result = run(workspace, "insights", "--from", "2026-11-09", "--to", "2026-W47", "--by",
                 "segment", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["segment"] * 3 + ["total"]
    assert "segment,2,Dentists,EUR,100.00,3,0,0.00,33.33,,-1.0,0.0," in lines
    out = tmp_path / "insights.json"
    written = run(workspace, "insights", "--from", "2026-W46", "--to", "2026-W47", "-o", str(out))
    assert written.exit_code == 0, written.output
    assert "Wrote the json insights of 2026-11-09 to 2026-11-22" in written.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    document = json.loads(out.read_text())
    assert document["totals"]["leads"] == 4 and document["funnel_stall"] == "negotiation"
    assert set(document) >= {"channels", "promotions", "segments", "funnel", "lost_reasons",
                             "forecast"}  # fmt: skip
    again = run(workspace, "insights", "-o", str(out), input="n\n")
    assert again.exit_code != 0 and "overwrite" in again.output
    html = tmp_path / "q.html"
    assert run(workspace, "insights", "-o", str(html)).exit_code == 0
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_insights_bad_input_is_one_sentence(workspace):
    backwards = run(workspace, "insights", "--from", "2026-11-20", "--to", "2026-11-01")
    assert backwards.exit_code != 0 and "--to comes before --from" in backwards.output
    assert "Traceback" not in backwards.output
    bad = run(workspace, "insights", "--from", "yesteryear")
    assert bad.exit_code != 0 and "is not a date" in bad.output
    assert run(workspace, "insights", "-o", str(workspace)).exit_code != 0  # the database


def test_the_range_review_carries_the_insights(workspace):
    md = run(workspace, "review", "--from", "2026-W46", "--to", "2026-W47")
    assert md.exit_code == 0, md.output
    assert "## Insights — 2026-11-09 to 2026-11-22 (2 weeks)" in md.output
    assert "### Stage funnel" in md.output
    data = run(workspace, "review", "--from", "2026-W46", "--to", "2026-W47", "--format", "json")
    document = json.loads(data.output)
    assert document["insights"]["totals"]["leads"] == 4
    single = run(workspace, "review", "--week", "2026-W47")
    assert "Insights" not in single.output

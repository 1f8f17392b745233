"""``dualrole review`` and ``dualrole targets`` on the command line, and safe file writing."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.errors import DestinationError
from dualrole.services.settings import set_setting
from dualrole.storage.db import open_store
from dualrole.storage.files import write_file
from review_week import build_week


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        build_week(store, monkeypatch)
    return path


def run(path, *args, input=None):
    return CliRunner().invoke(cli, ["--db", str(path), *args], input=input)


def test_review_to_stdout_defaults_to_this_week_markdown(workspace):
    result = run(workspace, "review")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Progress review — week 47, 2026 (16–22 Nov)")
    assert "**Marketing 90/100 so far** · **Sales 70/100 so far**" in result.output


def test_review_formats_and_files(workspace, tmp_path):
    out = tmp_path / "review.json"
    result = run(workspace, "review", "--week", "2026-W47", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["reviews"][0]["week"] == "2026-W47"
    again = run(workspace, "review", "-o", str(out), input="n\n")
    assert again.exit_code != 0 and "overwrite" in again.output
    assert json.loads(out.read_text())["reviews"][0]["week"] == "2026-W47"
    forced = run(workspace, "review", "--week", "2026-W46", "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert json.loads(out.read_text())["reviews"][0]["week"] == "2026-W46"
    csv_out = run(workspace, "review", "--from", "2026-W46", "--to", "2026-W47", "--format", "csv")
    assert csv_out.exit_code == 0 and csv_out.output.count("\n2026-W46,") == 27


def test_review_refuses_the_database_symlinks_and_bad_weeks(workspace, tmp_path):
    result = run(workspace, "review", "-o", str(workspace))
    assert result.exit_code != 0
    wal = run(workspace, "review", "-o", f"{workspace}-wal")
    assert wal.exit_code != 0
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    assert run(workspace, "review", "-o", str(link)).exit_code != 0
    assert not (tmp_path / "elsewhere.md").exists()
    bad = run(workspace, "review", "--week", "2026-W60")
    assert bad.exit_code == 2 and "has no week 60" in bad.output
    both = run(workspace, "review", "--week", "2026-W47", "--from", "2026-W40")
    assert both.exit_code == 2


def test_targets_show_and_set(workspace):
    shown = run(workspace, "targets")
    assert shown.exit_code == 0
    assert "leads" in shown.output and "cost_per_lead" in shown.output
    changed = run(workspace, "targets", "--set", "leads=8", "--set", "cost_per_lead=40")
    assert changed.exit_code == 0, changed.output
    assert any(
        line.split()[1:3] == ["leads", "8"] and "(changed)" in line
        for line in changed.output.splitlines()
    )
    assert "≤ €40" in changed.output
    assert "Marketing 86/100" in run(workspace, "review").output  # leads now 4 of 8
    refused = run(workspace, "targets", "--set", "leads=-2")
    assert refused.exit_code != 0
    assert isinstance(refused.exception, ValueError) and "negative" in str(refused.exception)
    reset = run(workspace, "targets", "--reset")
    assert reset.exit_code == 0 and "(changed)" not in reset.output


def test_targets_show_money_in_the_workspace_currency(workspace):
    """Issue 24: ``targets`` listed money targets in euros whatever the workspace's currency."""
    with open_store(workspace) as store:
        set_setting(store, "currency", "GBP")
    shown = run(workspace, "targets", "--set", "cost_per_lead=40")
    assert shown.exit_code == 0, shown.output
    assert "≤ £40" in shown.output and "€" not in shown.output


def test_targets_without_a_value_is_a_usage_error(workspace):
    missing = run(workspace, "targets", "--set", "leads")
    assert missing.exit_code == 2, missing.output
    assert "Invalid value for --set: 'leads': write METRIC=VALUE" in missing.output


def test_main_turns_errors_into_one_sentence(workspace, tmp_path, capsys, monkeypatch):
    from dualrole.cli.main import main

    monkeypatch.setattr("sys.argv", ["dualrole", "--db", str(workspace), "targets", "--set", "x=1"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: 'x' is not a metric") and "Traceback" not in err


def test_write_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "out.md"
    write_file(target, "one")
    write_file(target, "two", force=True)
    assert target.read_text() == "two"
    assert os.listdir(tmp_path) == ["out.md"]
    with pytest.raises(DestinationError, match="folder"):
        write_file(tmp_path, "x")
    with pytest.raises(DestinationError, match="does not exist"):
        write_file(tmp_path / "missing" / "x.md", "x")

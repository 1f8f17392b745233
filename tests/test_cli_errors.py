"""Every command refuses with one form: ``Error: …``, as click's own usage errors (issue 24).

Ours said ``error:`` (storage, bad values, files) while click said ``Error:`` (usage,
``ClickException``); whichever part of the command line refuses, the line starts the same.
"""

from __future__ import annotations

import sys

import pytest

from dualrole.cli.main import main
from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store


@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "w.db"
    with open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="Ann Lee"))
        sales.create_prospect(store, ProspectIn(name="Ann Kim"))
    return path


REFUSALS = [
    ["--no-such-option"],  # click: usage
    ["no-such-command"],  # click: usage
    ["find", "zzqx"],  # ours, through click.ClickException
    ["log", "Nobody Here", "called"],  # ours: an unknown prospect (StorageError)
    ["log", "ann", "called"],  # ours: several match
    ["show", "#999"],
    ["done", "f999"],
    ["snooze", "f999"],
    ["stage", "Ann Lee", "no-such-stage"],
    ["follow-up", "Ann Lee", "Call", "--due", "the day after never"],
    ["review", "--week", "not-a-week"],
    ["insights", "--from", "not-a-week"],
    ["targets", "--set", "x=1"],
    ["restore", "/nonexistent/backup.db", "--yes"],
]


@pytest.mark.parametrize("args", REFUSALS, ids=" ".join)
def test_every_refusal_starts_with_error_as_clicks_do(workspace, monkeypatch, capsys, args):
    monkeypatch.setattr(sys, "argv", ["dualrole", "--db", str(workspace), *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code not in (0, None)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines, "a refusal must say something"
    # The refusal is the last message; a choice of prospects follows it indented, one a line.
    messages = [line for line in lines if not line.startswith("  ")]
    assert messages[-1].startswith("Error: "), lines
    assert not any(line.startswith("error:") for line in lines), lines

"""Hostile text in every output: the terminal never obeys it, files keep to their format.

Names with escape sequences (set the title, clear the screen), BEL, C1 controls and bidi
overrides reach the command line's messages and reports as visible placeholders (``␛``), the
JSON report escaped, the Markdown review made visible, the calendar without control
characters (RFC 5545), and vCards folded at 75 octets with every character kept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from dualrole.core.models import FollowUpIn, ProspectIn, ReflectionIn
from dualrole.interop.calendar import to_ics
from dualrole.interop.dump import write_vcard
from dualrole.interop.importer import import_contacts
from dualrole.services import sales
from dualrole.storage.db import open_memory, open_store

from .faults import run_cli

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eEvil\x7f"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls(text: str) -> list[str]:
    return RAW.findall(text)


def kept(data, **raw):
    """``data`` with ``raw`` text as an older release stored it: one-line fields refuse
    control characters now, but rows written before still hold them."""
    return data.model_copy(update=raw)


@pytest.fixture
def hostile_csv(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Email", "Notizen"])
        writer.writerow([HOSTILE, "not-an-email", "x"])  # skipped: its name is in the report
        writer.writerow([HOSTILE, "evil@example.com", "x"])
        writer.writerow([HOSTILE, "EVIL@example.com", "x"])  # merged: named again
    return path


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_report_shows_names_without_obeying_them(tmp_path, hostile_csv, dry_run):
    args = ["--db", str(tmp_path / "w.db"), "import", str(hostile_csv)]
    result = run_cli(*args, *(["--dry-run"] if dry_run else []))
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout + result.stderr) == []
    assert "␛]0;pwned␇␛[2J" in result.stdout
    assert "Not used: Notizen" in result.stdout and "--map notes=Notizen" in result.stdout


def test_the_json_report_is_escaped_and_exact(tmp_path, hostile_csv):
    result = run_cli("--db", str(tmp_path / "w.db"), "import", str(hostile_csv), "--json")
    assert raw_controls(result.stdout) == []
    report = json.loads(result.stdout)
    assert {record["name"] for record in report["records"]} == {HOSTILE}
    assert report["unused_columns"] == ["Notizen"]


def test_the_calendar_carries_no_control_characters():
    with open_memory() as store:
        prospect = sales.create_prospect(
            store, kept(ProspectIn(name="P"), name=HOSTILE, company="A\x07B")
        )
        followup = FollowUpIn(prospect_id=prospect.id, title="Call", due_date="2026-11-23")
        sales.create_followup(store, kept(followup, title="Call\x1b[5m"))
        data = to_ics(store).decode("utf-8")
    assert raw_controls(data.replace("\r\n", "")) == []
    assert "pwned␇␛[2J" in data.replace("\r\n ", "")


def test_vcard_lines_are_folded_at_75_octets_and_keep_every_character(tmp_path):
    notes = "Grüße aus Köln — 日本語のメモ 👩🏽‍💻 " * 6 + "\\:\\\\" * 30 + "one\rtwo\r\nthree"
    with open_memory() as store:
        sales.create_prospect(store, ProspectIn(name="Zoë Ökonom", notes=notes))
        out = io.BytesIO()
        write_vcard(store, out)
    data = out.getvalue()
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75, max(lines, key=len)
    for line in lines:
        line.decode("utf-8")  # never split inside a character
    path = tmp_path / "p.vcf"
    path.write_bytes(data)
    with open_memory() as target:
        import_contacts(target, path)
        assert target.scalar("SELECT notes FROM prospects") == notes


def run_on_a_terminal(*args: str) -> str:
    """``dualrole ARGS`` with its standard output on a pseudo-terminal; what it printed."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dualrole", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize(
    "command",
    [
        ["export", "csv"],
        ["export", "json"],
        ["export", "vcard"],
        ["review"],
        ["review", "--format", "html"],
    ],
)
def test_data_printed_to_a_terminal_is_shown_not_obeyed(tmp_path, command):
    path = tmp_path / "w.db"
    with open_store(path) as store:
        sales.create_prospect(store, kept(ProspectIn(name="P", notes=HOSTILE), name=HOSTILE))
        from dualrole.review import save_reflection

        save_reflection(store, "2026-W47", ReflectionIn(went_well=HOSTILE))
    shown = run_on_a_terminal("--db", str(path), *command)
    assert raw_controls(shown.replace("\r", "")) == []
    assert "pwned" in shown

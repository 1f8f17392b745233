"""Deals and companies from the shell, in the JSON export and through an import (issue 27)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.interop.dump import write_csv, write_json, write_vcard
from dualrole.interop.importer import import_contacts
from dualrole.storage.db import Store, open_store


def invoke(path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(path), *args])


def ok(path: Path, *args: str) -> str:
    result = invoke(path, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def shell(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """What a shell sees: the exit code and the one-sentence error on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "dualrole", "--db", str(path), *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_two_deals_for_one_person_and_two_people_of_one_company(tmp_path: Path):
    db = tmp_path / "w.db"
    ok(db, "add", "Chloe Becker", "--company", "Lotus Labs", "--value", "1000")
    ok(db, "add", "Paul Becker", "--company", "LOTUS LABS", "--email", "paul@lotus.example")
    assert ok(db, "stage", "Chloe", "won").startswith("Chloe Becker (#1): lead → won")
    # the second sale: printed as dN
    out = ok(db, "deal", "add", "Chloe", "Second project", "--value", "400", "--close", "+30d")
    assert out == "d3\n"
    out = ok(db, "deal", "add", "Chloe", "Training", "--stage", "qualified", "--source", "event")
    assert out == "d4\n"
    # several open deals: the candidates, exit 1, nothing moved
    refused = shell(db, "stage", "Chloe", "proposal")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "Error: Chloe Becker has 2 open deals; name one (dN):",
        "  d4  Training · Chloe Becker · Lotus Labs · qualified",
        "  d3  Second project · Chloe Becker · Lotus Labs · lead",
    ]
    moved = ok(db, "stage", "d3", "won", "--value", "450")
    assert moved == "Chloe Becker (#1) d3 Second project: lead → won, value €450.\n"
    # one open deal left: the prospect's move moves it
    assert "d4 Training: qualified → proposal" in ok(db, "stage", "Chloe", "proposal")
    shown = ok(db, "show", "Chloe")
    for line in ("d1  First deal · won · €1,000", "d3  Second project · won · €450",
                 "d4  Training · proposal"):  # fmt: skip
        assert line in shown
    page = ok(db, "company", "show", "lotus labs")
    assert page.startswith("Lotus Labs\nrevenue won €1,450")
    assert "#1  Chloe Becker" in page and "#2  Paul Becker" in page
    assert "2 people · 4 deals" in page
    missing = shell(db, "company", "show", "Nowhere")
    assert (missing.returncode, missing.stderr) == (1, "Error: No company is called 'Nowhere'.\n")
    # every export carries them
    with open_store(db) as store:
        doc = json.loads(_export(store, write_json))
        tables = doc["tables"]
        assert [c["name"] for c in tables["companies"]] == ["Lotus Labs"]
        assert {d["id"]: (d["prospect_id"], d["company_id"], d["title"], d["stage"],
                          d["value_minor"]) for d in tables["deals"]} == {
            1: (1, 1, "First deal", "won", 100000),
            2: (2, 1, "First deal", "lead", None),
            3: (1, 1, "Second project", "won", 45000),
            4: (1, 1, "Training", "proposal", None),
        }  # fmt: skip
        assert {p["company_id"] for p in tables["prospects"]} == {1}
        assert b"Lotus Labs" in _export(store, write_csv)
        assert b"ORG:LOTUS LABS" in _export(store, write_vcard)


def test_a_bad_deal_is_one_sentence_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "w.db"
    ok(db, "add", "Ada")
    for args in (["deal", "add", "Ada", "X", "--stage", "later"],
                 ["deal", "add", "Ada", "X", "--value", "lots"],
                 ["deal", "add", "Ada", " "]):  # fmt: skip
        result = shell(db, *args)
        assert result.returncode != 0 and result.stderr.startswith("Error: "), result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM deals") == 1


def test_import_maps_each_company_to_one_record(store: Store, tmp_path: Path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Name,Email,Company\n"
        "Ada,ada@example.com,Mosaic Cafe\n"
        "Ben,ben@example.com,MOSAIC CAFE\n"
        "Cy,cy@example.com,Harbor Bakery\n"
        "Ada L.,ADA@example.com,Other Co\n",
        encoding="utf-8",
    )
    import_contacts(store, path)
    rows = store.query(
        "SELECT p.name, c.name FROM prospects p JOIN companies c ON c.id = p.company_id "
        "ORDER BY p.id"
    )
    assert [tuple(r) for r in rows] == [
        ("Ada", "Mosaic Cafe"), ("Ben", "Mosaic Cafe"), ("Cy", "Harbor Bakery"),
    ]  # fmt: skip
    assert store.scalar("SELECT count(*) FROM deals") == 3
    assert store.scalar("SELECT count(*) FROM stage_changes WHERE deal_id IS NULL") == 0
    # an existing person whose company the import fills in is linked to its record
    path.write_text("Name,Email,Company\nDee,dee@example.com,\n", encoding="utf-8")
    import_contacts(store, path)
    path.write_text("Name,Email,Company\nDee,dee@example.com,harbor bakery\n", encoding="utf-8")
    import_contacts(store, path)
    linked = store.scalar("SELECT c.name FROM prospects p JOIN companies c ON c.id = p.company_id "
                          "WHERE p.name = 'Dee'")  # fmt: skip
    assert linked == "Harbor Bakery"


def _export(store: Store, writer) -> bytes:
    out = io.BytesIO()
    writer(store, out)
    return out.getvalue()

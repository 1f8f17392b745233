"""JSON/CSV/vCard export, safe output files, and the import/export commands."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest
import vobject
from interop_helpers import SAMPLES, prospects, tags_of

from dualrole.core.models import ProspectIn, Stage
from dualrole.interop.dump import write_csv, write_json, write_vcard
from dualrole.interop.importer import import_contacts
from dualrole.services import sales
from dualrole.storage.db import StorageError, open_store
from dualrole.storage.files import workspace_files, write_file
from dualrole.storage.migrations import SCHEMA_VERSION
from in_process import dualrole

FORMULAS = ['=HYPERLINK("http://x")', "+49 30 123", "-1", "@SUM(A1)", "'quoted", "''twice"]


def export(store, writer) -> bytes:
    out = io.BytesIO()
    writer(store, out)
    return out.getvalue()


def test_json_has_every_table_and_its_schema_version(demo_store):
    doc = json.loads(export(demo_store, write_json))
    assert doc["format"] == "dualrole-export" and doc["format_version"] == 1
    assert doc["schema_version"] == SCHEMA_VERSION
    tables = doc["tables"]
    for table in ("prospects", "interactions", "followups", "promotions", "stage_changes"):
        count = demo_store.scalar(f"SELECT count(*) FROM {table}")
        assert len(tables[table]) == count > 0
    assert not any("_fts" in name for name in tables)
    assert {"id", "name", "value_minor", "created_at"} <= set(tables["prospects"][0])


def test_csv_cells_are_formula_safe_and_reimport_exactly(store, tmp_path):
    for i, text in enumerate(FORMULAS):
        sales.create_prospect(
            store,
            ProspectIn(name=f"{text} {i}", company=text, phone=text, notes=text, tags=["t"]),
        )
    data = export(store, write_csv)
    rows = data.decode().splitlines()[1:]
    assert all(row[0] not in "=+-@" for row in rows)  # nothing a spreadsheet would run
    path = tmp_path / "prospects.csv"
    path.write_bytes(data)
    with open_store(tmp_path / "other.db") as other:
        report = import_contacts(other, path)
        assert report.shape.format == "dualrole CSV" and report.created == len(FORMULAS)
        keys = ("name", "company", "phone", "notes", "stage")

        def texts(s):
            return sorted(tuple(p[k] for k in keys) for p in prospects(s))

        assert texts(other) == texts(store)
        assert export(other, write_csv) == data  # no accumulating escapes


def test_csv_keeps_stage_value_currency_source_and_tags(store, tmp_path):
    made = sales.create_prospect(
        store,
        ProspectIn(name="Deal", value="1,200.50", currency="USD", source="referral", tags=["a b"]),
        stage=Stage.proposal,
    )
    path = tmp_path / "p.csv"
    path.write_bytes(export(store, write_csv))
    with open_store(tmp_path / "other.db") as other:
        import_contacts(other, path)
        (deal,) = prospects(other)
        assert (deal["stage"], deal["value_minor"], deal["currency"], deal["source"]) == (
            "proposal",
            120050,
            "USD",
            "referral",
        )
        assert tags_of(other, deal["id"]) == tags_of(store, made.id) == ["a b"]


def test_vcard_export_reads_back(store, tmp_path):
    sales.create_prospect(
        store,
        ProspectIn(
            name="Zoë O'Neil",
            company="Acme; Inc, Ltd",
            title="CTO",
            email="zoe@acme.example",
            phone="+1 555",
            website="https://acme.example/a,b;c",
            notes="line 1\nline 2, with; punctuation \\ and more",
            tags=["vip", "q4"],
        ),
    )
    data = export(store, write_vcard)
    card = vobject.readOne(data.decode())
    assert card.version.value == "3.0" and card.fn.value == "Zoë O'Neil"
    assert card.n.value.family == "O'Neil" and card.email.value == "zoe@acme.example"
    path = tmp_path / "p.vcf"
    path.write_bytes(data)
    with open_store(tmp_path / "other.db") as other:
        import_contacts(other, path)
        keys = ("name", "company", "title", "email", "phone", "website", "notes")
        assert [{k: p[k] for k in keys} for p in prospects(other)] == [
            {k: p[k] for k in keys} for p in prospects(store)
        ]
        assert tags_of(other, 1) == ["q4", "vip"]


def test_output_files_are_atomic_private_and_careful(file_store, tmp_path):
    dest = tmp_path / "out.json"
    write_file(dest, lambda out: out.write(b"{}"))
    assert dest.read_bytes() == b"{}"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with pytest.raises(StorageError, match="--force"):
        write_file(dest, lambda out: out.write(b"new"))
    write_file(dest, lambda out: out.write(b"new"), force=True)
    assert dest.read_bytes() == b"new"

    def fail(out):
        out.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(dest, fail, force=True)
    assert dest.read_bytes() == b"new"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
    link = tmp_path / "link.json"
    link.symlink_to(dest)
    with pytest.raises(StorageError, match="symbolic link"):
        write_file(link, lambda out: out.write(b"x"), force=True)
    for path in workspace_files(file_store.path)[:3]:
        with pytest.raises(StorageError, match="database"):
            write_file(path, lambda out: out.write(b"x"), force=True, database=file_store.path)
    with pytest.raises(StorageError, match="folder"):
        write_file(tmp_path, lambda out: out.write(b"x"), force=True)


def test_cli_import_report_json_and_export(tmp_path):
    db = str(tmp_path / "cli.db")
    sample = str(SAMPLES / "linkedin_Connections.csv")
    dry = dualrole("--db", db, "import", sample, "--dry-run", "--tag", "linkedin")
    assert dry.returncode == 0
    assert "Would import linkedin_Connections.csv (LinkedIn Connections): 4 created" in dry.stdout
    assert "line 9: skipped: no name and no email" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    done = dualrole("--db", db, "import", sample, "--json", "--source", "referral")
    report = json.loads(done.stdout)
    assert report["counts"] == {"created": 4, "merged": 0, "skipped": 1}
    csv_out = dualrole("--db", db, "export", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("Name,Company,Title,Email")
    assert len(csv_out.stdout.splitlines()) == 5
    ics = tmp_path / "f.ics"
    assert dualrole("--db", db, "export", "ics", "-o", str(ics)).returncode == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    again = dualrole("--db", db, "export", "ics", "-o", str(ics))
    assert again.returncode == 1 and "pass --force" in again.stderr
    over_db = dualrole("--db", db, "export", "json", "-o", db, "--force")
    assert over_db.returncode == 1 and "is the database" in over_db.stderr
    bad_map = dualrole("--db", db, "import", sample, "--map", "email=Nope")
    assert bad_map.returncode == 2 and "no such column" in bad_map.stderr
    assert os.path.exists(db)

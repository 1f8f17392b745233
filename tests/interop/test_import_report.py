"""What the command line says after an import: every column it did not use, no phantom
"… more" lines, and a ``--json`` report that holds every record."""

from __future__ import annotations

import json

from dualrole.interop.importer import MAX_CREATED_DETAILS, import_contacts
from in_process import dualrole

ROWS = MAX_CREATED_DETAILS + 150  # more created records than the report keeps by default


def many_contacts(tmp_path, *, bad: int = 0):
    path = tmp_path / "many.csv"
    lines = ["Name,Email"] + [f"Person {n},p{n}@example.com" for n in range(ROWS)]
    lines += [",not an email" for _ in range(bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_no_more_line_when_nothing_went_wrong(tmp_path):
    result = dualrole("--db", str(tmp_path / "w.db"), "import", str(many_contacts(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert f"{ROWS:,} created, 0 merged, 0 skipped" in result.stdout
    assert "more" not in result.stdout, result.stdout


def test_the_more_line_counts_only_problems_not_shown(tmp_path):
    path = many_contacts(tmp_path, bad=60)
    result = dualrole("--db", str(tmp_path / "w.db"), "import", str(path), "--dry-run")
    assert "60 skipped" in result.stdout
    assert result.stdout.count(": skipped") == 50
    assert "… and 10 more (--json lists them all)." in result.stdout


def test_json_holds_every_record(tmp_path):
    path = many_contacts(tmp_path, bad=3)
    result = dualrole("--db", str(tmp_path / "w.db"), "import", str(path), "--json")
    report = json.loads(result.stdout)
    assert report["counts"] == {"created": ROWS, "merged": 0, "skipped": 3}
    assert len(report["records"]) == ROWS + 3 and report["omitted"] == 0


def test_the_app_preview_keeps_its_bounded_report(store, tmp_path):
    report = import_contacts(store, many_contacts(tmp_path), dry_run=True)
    assert report.created == ROWS and len(report.outcomes) == MAX_CREATED_DETAILS


def test_unused_columns_are_named_with_how_to_map_them(tmp_path):
    path = tmp_path / "kontakte.csv"
    path.write_text(
        "Name,E-Mail,Notizen,Geburtstag\nJürgen,j@example.de,mag Kaffee,1970-01-01\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "w.db")
    result = dualrole("--db", db, "import", str(path), "--dry-run")
    assert "Not used: Notizen, Geburtstag" in result.stdout, result.stdout
    assert "--map notes=Notizen" in result.stdout
    mapped = dualrole("--db", db, "import", str(path), "--map", "notes=Notizen", "--dry-run")
    assert "notes ← Notizen" in mapped.stdout and "Not used: Geburtstag" in mapped.stdout

"""The upgrade to companies and deals (m014) on a workspace written by the release before it.

``tests/fixtures/release-10.db`` was written by that release (schema 10: the demo, seed 27,
plus a second spelling of a company, a person without company and one in the trash; see
``make_release_10.py.txt`` beside it). The upgrade must keep every row of every table, give
each prospect one deal carrying its stage, value, currency, source, promotion, lost reason
and stage history, and make one company record per company name (case-insensitive).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dualrole.storage.db import open_store
from dualrole.storage.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "release-10.db"
# Tables whose rows are counted (or summed) by the stage totals, not kept as they were.
REBUILT = {"stage_totals"}


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "release-10.db"
    shutil.copyfile(FIXTURE, path)
    return path


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every ordinary table, with the columns it had before the upgrade."""
    raw = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT GLOB '*_fts*' AND name NOT GLOB '*_grams*' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        snap = {}
        for table in tables:
            names = ", ".join(f'"{r[1]}"' for r in raw.execute(f'PRAGMA table_info("{table}")'))
            rows = raw.execute(f'SELECT {names} FROM "{table}"').fetchall()
            snap[table] = sorted(rows, key=repr)
        return snap
    finally:
        raw.close()


def old_columns(path: Path, table: str) -> list[str]:
    raw = sqlite3.connect(path)
    try:
        return [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
    finally:
        raw.close()


def test_the_fixture_is_from_the_release_before_deals():
    raw = sqlite3.connect(FIXTURE)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 10
        assert raw.execute("SELECT count(*) FROM prospects").fetchone()[0] > 40
    finally:
        raw.close()
    assert SCHEMA_VERSION > 10


def test_the_upgrade_keeps_every_row_and_gives_each_prospect_one_deal(old_file: Path):
    before = snapshot(old_file)
    columns = {table: old_columns(old_file, table) for table in before}
    with open_store(old_file) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        # every table of the old file: the same rows, column for column
        for table, rows in before.items():
            if table in REBUILT or table == "_sqlite_migrations":
                continue
            names = ", ".join(f'"{c}"' for c in columns[table])
            after = sorted(
                (tuple(r) for r in store.query(f'SELECT {names} FROM "{table}"')), key=repr
            )
            assert after == rows, table
        # counts and sums per table
        prospects = store.query("SELECT count(*), coalesce(sum(value_minor), 0) FROM prospects")[0]
        deals = store.query("SELECT count(*), coalesce(sum(value_minor), 0) FROM deals")[0]
        assert tuple(deals) == tuple(prospects)
        assert prospects[0] == len(before["prospects"])
        # each deal carries its prospect's fields
        mismatched = store.query(
            "SELECT p.id FROM prospects p JOIN deals d ON d.prospect_id = p.id "
            "WHERE d.stage IS NOT p.stage OR d.value_minor IS NOT p.value_minor "
            "OR d.currency IS NOT p.currency OR d.source IS NOT p.source "
            "OR d.promotion_id IS NOT p.promotion_id OR d.lost_reason IS NOT p.lost_reason "
            "OR d.deleted_at IS NOT p.deleted_at OR d.created_at IS NOT p.created_at "
            "OR d.company_id IS NOT p.company_id"
        )
        assert mismatched == []
        assert store.scalar("SELECT count(DISTINCT prospect_id) FROM deals") == len(
            before["prospects"]
        )
        # the stage history moves to the deals, none left without one
        assert store.scalar("SELECT count(*) FROM stage_changes WHERE deal_id IS NULL") == 0
        assert (
            store.scalar(
                "SELECT count(*) FROM stage_changes c JOIN deals d ON d.id = c.deal_id "
                "WHERE d.prospect_id != c.prospect_id"
            )
            == 0
        )
        # one company per name, whatever its case
        names = {
            str(row[0]).strip().casefold()
            for row in store.query("SELECT company FROM prospects WHERE company IS NOT NULL")
        }
        assert store.scalar("SELECT count(*) FROM companies") == len(names)
        unlinked = store.scalar(
            "SELECT count(*) FROM prospects WHERE company IS NOT NULL AND company_id IS NULL"
        )
        assert unlinked == 0
        spellings = store.query(
            "SELECT count(DISTINCT p.company), count(DISTINCT p.company_id) FROM prospects p "
            "JOIN companies c ON c.id = p.company_id GROUP BY c.id ORDER BY 1 DESC LIMIT 1"
        )[0]
        assert tuple(spellings) == (2, 1)  # "Lotus Labs" and "LOTUS LABS": one company
        # the pipeline's totals count the live deals
        totals = {row[0]: (row[1], row[2]) for row in store.query("SELECT * FROM stage_totals")}
        live = {
            row[0]: (row[1], row[2])
            for row in store.query(
                "SELECT stage, count(*), coalesce(sum(value_minor), 0) FROM deals "
                "WHERE deleted_at IS NULL GROUP BY stage"
            )
        }
        assert {k: v for k, v in totals.items() if v[0]} == live
    # a copy of the old file was taken first
    copies = list((old_file.parent / f"{old_file.name}.backups").iterdir())
    assert any("before-migration-10-to" in copy.name for copy in copies)


STOPPER = """
import sys, time
import sqlite_utils
plain = sqlite_utils.Database.execute
def execute(self, sql, *args, **kwargs):
    if sql.startswith("UPDATE stage_changes SET deal_id"):
        print("mid-migration", flush=True)
        time.sleep(600)
    return plain(self, sql, *args, **kwargs)
sqlite_utils.Database.execute = execute
from dualrole.storage.db import open_store
open_store(sys.argv[1], backup_before_migrate=False).close()
"""


def test_a_kill_in_the_middle_of_the_upgrade_leaves_the_old_file_intact(old_file: Path):
    before = snapshot(old_file)
    log = old_file.parent / "child.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", STOPPER, str(old_file)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while "mid-migration" not in log.read_text():
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        # companies and deals are written by now, inside the one transaction
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    raw = sqlite3.connect(old_file)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 10
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        assert "deals" not in tables and "companies" not in tables
    finally:
        raw.close()
    assert snapshot(old_file) == before
    # and it upgrades on the next open
    with open_store(old_file) as store:
        assert store.scalar("SELECT count(*) FROM deals") == len(before["prospects"])

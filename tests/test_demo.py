"""The demo generator's bulk path writes the same workspace as the row-by-row path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dualrole.demo import workspace as demo
from dualrole.demo.workspace import DemoSize, generate
from dualrole.storage.db import open_memory, open_store

SIZE = DemoSize(prospects=400, interactions=3_000)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every user table's rows, in a stable order."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
                "AND name NOT LIKE '%grams%' "  # full-text indexes: same rows, other bytes
                "AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_%' ESCAPE '\\'"
            )
        ]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()


def schema(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (row[0], row[1])
        for row in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }


@pytest.fixture
def bulk_and_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The same seed and size generated once in bulk mode and once row by row."""
    paths = tmp_path / "bulk.db", tmp_path / "plain.db"
    for path, bulk_from in zip(paths, (1, 10**9), strict=True):
        monkeypatch.setattr(demo, "BULK_FROM", bulk_from)
        with open_store(path) as store:
            generate(store, seed=11, size=SIZE)
    return paths


def test_bulk_mode_writes_the_same_rows(bulk_and_plain):
    bulk, plain = (dump(path) for path in bulk_and_plain)
    assert bulk == plain
    assert len(bulk["interactions"]) == SIZE.interactions


def test_bulk_mode_leaves_a_whole_workspace(bulk_and_plain):
    bulk, _plain = bulk_and_plain
    with open_memory() as fresh:
        expected = schema(fresh.conn)
    with open_store(bulk) as store:
        conn = store.conn
        assert schema(conn) == expected, "every index and trigger is back"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for fts in (
            "prospects_fts",
            "prospects_grams",
            "interactions_fts",
        ):  # raises if out of step with rows
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        found = conn.execute(
            "SELECT count(*) FROM interactions_fts WHERE interactions_fts MATCH 'pricing'"
        ).fetchone()[0]
        scanned = conn.execute(
            "SELECT count(*) FROM interactions WHERE summary LIKE '%pricing%' "
            "OR outcome LIKE '%pricing%'"
        ).fetchone()[0]
        assert found == scanned > 0
        stale = conn.execute(
            "SELECT count(*) FROM prospects p WHERE last_contact_at IS NOT "
            "(SELECT max(occurred_at) FROM interactions WHERE prospect_id = p.id) "
            "OR next_followup_date IS NOT (SELECT min(due_date) FROM followups "
            "WHERE prospect_id = p.id AND done_at IS NULL)"
        ).fetchone()[0]
        assert stale == 0
        totals = conn.execute("SELECT * FROM stage_totals ORDER BY stage").fetchall()
        counted = conn.execute(
            "SELECT stage, count(*), coalesce(sum(value_minor), 0) FROM deals "
            "WHERE deleted_at IS NULL GROUP BY stage ORDER BY stage"
        ).fetchall()
        assert totals == counted and len(totals) > 3


def test_bulk_mode_gives_the_connection_back_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "BULK_FROM", 1)
    with open_store(tmp_path / "demo.db") as store:
        before = {name: store.scalar(f"PRAGMA {name}") for name in demo.BULK_PRAGMAS}
        generate(store, seed=2, size=DemoSize(prospects=50))
        assert {name: store.scalar(f"PRAGMA {name}") for name in demo.BULK_PRAGMAS} == before
        assert before["journal_mode"] == "wal" and before["foreign_keys"] == 1
        assert not Path(f"{tmp_path / 'demo.db'}-journal").exists()
        # The -wal that leaving WAL mode deleted was no loss: nothing to recover, and the
        # watch is on the new -wal, so a real deletion is still caught.
        assert store.check_wal() is None
        assert not list(tmp_path.glob("*.recovered-*"))
        Path(f"{tmp_path / 'demo.db'}-wal").unlink()
        assert store.check_wal() is not None


def test_demo_tasks_and_promotions_hang_together(demo_store):
    """A task that names a promotion is linked to it; a promotion speaks to its segment."""
    promotions = {row["name"]: row for row in demo_store.query("SELECT * FROM promotions")}
    for task in demo_store.query("SELECT title, promotion_id FROM marketing_tasks"):
        named = [name for name in promotions if name.split()[0] in task["title"]]
        if named:
            assert task["promotion_id"] == promotions[named[0]]["id"], task["title"]
    segment = demo_store.query(
        "SELECT s.name FROM promotions m JOIN segments s ON s.id = m.segment_id "
        "WHERE m.name = 'Trade fair Berlin'"
    )[0][0]
    assert "café" in segment
    dentists = demo_store.query(
        "SELECT s.name FROM promotions m JOIN segments s ON s.id = m.segment_id "
        "WHERE m.name = 'Google Ads: dentists'"
    )[0][0]
    assert "Dental" in dentists


@pytest.mark.parametrize("seed", [7, 1, 2, 3])
def test_demo_prospects_have_distinct_names(tmp_path, seed):
    """No two demo prospects share a full name (seed 7 drew three Chloe Beckers)."""
    with open_store(tmp_path / "demo.db") as store:
        generate(store, seed=seed)
        repeated = store.query(
            "SELECT name, count(*) AS n FROM prospects GROUP BY name HAVING n > 1"
        )
        assert [tuple(row) for row in repeated] == []


def test_a_repeated_name_keeps_its_last_name():
    from dualrole.demo.prospects import FIRST, distinct_names

    names = distinct_names(["Chloe"] * 3 + ["Omar"], ["Becker"] * 3 + ["Becker"])
    assert len(set(names)) == 4
    assert [last for _first, last in names] == ["Becker"] * 4
    assert names[0] == ("Chloe", "Becker")
    at_scale = distinct_names(FIRST * 30, ["Khan"] * len(FIRST) * 30)  # more than can differ
    assert len(at_scale) == len(FIRST) * 30


def test_demo_research_notes_are_filed_under_their_segment(demo_store):
    """A note about one segment is under it (the dentists' survey was under e-commerce
    founders); a feedback note is under the segment of the prospect who gave it."""
    notes = {
        row["title"]: row
        for row in demo_store.query(
            "SELECT n.title, s.name AS segment, n.prospect_id, "
            "(SELECT p.segment_id FROM prospects p WHERE p.id = n.prospect_id) AS theirs, "
            "n.segment_id FROM research_notes n LEFT JOIN segments s ON s.id = n.segment_id"
        )
    }
    assert notes["Survey: what dentists read"]["segment"] == "Dental practices"
    assert notes["Interview notes: café owners"]["segment"] == "Independent café owners"
    assert notes["Agency X pricing page"]["segment"] == "E-commerce founders"
    feedback = [row for row in notes.values() if row["prospect_id"] is not None]
    assert feedback and all(row["segment_id"] == row["theirs"] for row in feedback)

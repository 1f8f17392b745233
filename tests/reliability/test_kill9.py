"""kill -9 in the middle of writes: saving, bulk demo generation, migrating.

Each child prints what it has committed (after the commit returns); after the kill the
file must pass ``integrity_check``, hold every printed change, and show no half-applied
operation. 20 kills by default, 100 with ``DUALROLE_FULL_RELIABILITY=1``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from dualrole.services.lists import ProspectFilter, prospects_query
from dualrole.storage.db import open_store
from dualrole.storage.migrations import SCHEMA_VERSION

from .faults import FULL, make_old_file

KILLS = 100 if FULL else 20
SAVE_KILLS, DEMO_KILLS = KILLS // 2, KILLS // 4
MIGRATE_KILLS = KILLS - SAVE_KILLS - DEMO_KILLS

SAVER = """
import random, sys
from dualrole.storage.db import open_store
from dualrole.core.models import FollowUpIn, InteractionIn, ProspectIn
from dualrole.services import records, sales
path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
with open_store(path) as store:
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        tags = ["kill", f"s{seed}"]
        p = sales.create_prospect(store, ProspectIn(
            name=f"K{seed}-{n}", notes="n" * rng.randint(0, 50000), tags=tags))
        print(f"P {p.id}", flush=True)
        f = sales.create_followup(store, FollowUpIn(
            prospect_id=p.id, title="call", due_date=f"2026-12-{rng.randint(1, 28):02d}"))
        print(f"F {f.id} {p.id}", flush=True)
        u = sales.update_prospect(store, p.id, p.version, ProspectIn(
            name=f"K{seed}-{n} edited", notes="e" * rng.randint(0, 50000), tags=tags))
        print(f"U {u.id} {u.version}", flush=True)
        i = sales.log_interaction(store, InteractionIn(prospect_id=p.id, summary="call"))
        print(f"I {i.id} {p.id}", flush=True)
        if n % 3 == 0:
            print(f"d {p.id}", flush=True)  # may or may not commit before a kill
            records.soft_delete(store, "prospect", p.id)
            print(f"D {p.id}", flush=True)
"""

MIGRATOR = """
import sys
print("opening", flush=True)
from dualrole.storage.db import open_store
open_store(sys.argv[1]).close()
print("migrated", flush=True)
"""


def kill_after(command: list[str], log: Path, marker: str, delay: float) -> None:
    """Start ``command``, wait until it prints ``marker``, sleep ``delay``, SIGKILL it."""
    with log.open("w") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while marker not in log.read_text() and child.poll() is None:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.005)
    time.sleep(delay)
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()


def committed(log: Path) -> list[tuple[str, ...]]:
    """Complete lines only: a line cut by the kill was not reported as committed."""
    text = log.read_text()
    lines = text.split("\n")[:-1]
    return [tuple(line.split()) for line in lines if line and line != "ready"]


def integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_kill_while_saving(tmp_path):
    path = tmp_path / "work.db"
    open_store(path).close()
    rng = random.Random(1)
    seen: dict[str, set] = {"P": set(), "F": set(), "I": set(), "D": set(), "d": set()}
    versions: dict[int, int] = {}
    for kill in range(SAVE_KILLS):
        log = tmp_path / f"save{kill}.log"
        command = [sys.executable, "-c", SAVER, str(path), str(kill)]
        kill_after(command, log, "ready", rng.uniform(0.02, 0.4))
        for entry in committed(log):
            if entry[0] == "U":
                versions[int(entry[1])] = int(entry[2])
            elif entry[0] in ("F", "I"):
                seen[entry[0]].add((int(entry[1]), int(entry[2])))
            else:
                seen[entry[0]].add(int(entry[1]))
        integrity(path)
        with open_store(path) as store:
            ids = {row[0] for row in store.query("SELECT id FROM prospects")}
            # deleted ones may since have been purged from the trash for good
            assert seen["P"] - seen["d"] <= ids, "a committed prospect is missing"
            live = {
                row[0] for row in store.query("SELECT id FROM prospects WHERE deleted_at IS NULL")
            }
            assert seen["D"].isdisjoint(live), "a committed delete was undone"
            for kind, table in (("F", "followups"), ("I", "interactions")):
                rows = {r[0] for r in store.query(f"SELECT id FROM {table}")}
                lost = {rid for rid, pid in seen[kind] if rid not in rows and pid not in seen["d"]}
                assert not lost, f"committed {table} are missing: {sorted(lost)[:5]}"
                assert (
                    store.scalar(
                        f"SELECT count(*) FROM {table} WHERE prospect_id NOT IN "
                        "(SELECT id FROM prospects)"
                    )
                    == 0
                )
            for pid, version in versions.items():
                if pid not in ids:
                    continue
                row = store.query("SELECT version, name FROM prospects WHERE id = ?", (pid,))[0]
                assert row["version"] >= version and row["name"].endswith("edited")
            # nothing half-applied: each operation's rows all exist together
            assert (
                store.scalar(
                    "SELECT count(*) FROM prospects p WHERE NOT EXISTS "
                    "(SELECT 1 FROM stage_changes s WHERE s.prospect_id = p.id)"
                )
                == 0
            )
            assert (
                store.scalar(
                    "SELECT count(*) FROM prospects p WHERE (SELECT count(*) FROM prospect_tags t "
                    "WHERE t.prospect_id = p.id) != 2"
                )
                == 0
            )
            assert (
                store.scalar(
                    "SELECT count(*) FROM prospects p WHERE p.next_followup_date IS NOT "
                    "(SELECT min(due_date) FROM followups f WHERE f.prospect_id = p.id "
                    "AND f.done_at IS NULL AND f.deleted_at IS NULL)"
                )
                == 0
            )
            assert (
                store.scalar(
                    "SELECT count(*) FROM prospects p WHERE p.deleted_at IS NOT NULL "
                    "AND NOT EXISTS (SELECT 1 FROM trash t "
                    "WHERE t.entity = 'prospect' AND t.record_id = p.id)"
                )
                == 0
            )
            assert (
                store.scalar(
                    "SELECT count(*) FROM interactions i JOIN prospects p ON p.id = i.prospect_id "
                    "WHERE p.last_contact_at IS NULL OR p.last_contact_at < i.occurred_at"
                )
                == 0
            )
            for fts in ("prospects_fts", "interactions_fts"):
                store.conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    assert len(seen["P"]) >= SAVE_KILLS // 2, "the children barely wrote anything"
    print(f"saving: {SAVE_KILLS} kills, {len(seen['P'])} prospects committed")


def _table_counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("prospects", "interactions", "stage_changes")
        )
    finally:
        conn.close()


def test_kill_during_bulk_demo_generation(tmp_path):
    path = tmp_path / "demo.db"
    from .faults import run_cli

    assert run_cli("--db", str(path), "demo", "--no-open", "--prospects", "60").returncode == 0
    expected = {60: _table_counts(path)}
    rng = random.Random(2)
    outcomes = {"kept": 0, "replaced": 0}
    for kill in range(DEMO_KILLS):
        size = rng.choice([8000, 12000])
        log = tmp_path / f"demo{kill}.log"
        command = [
            sys.executable,
            "-m",
            "dualrole",
            "--db",
            str(path),
            "demo",
            "--no-open",
            "--force",
            "--seed",
            "7",
            "--prospects",
            str(size),
        ]
        kill_after(command, log, "", rng.uniform(0.2, 1.2))
        integrity(path)
        counts = _table_counts(path)
        if "written to" in log.read_text():
            expected[counts[0]] = counts
        assert counts[0] in expected, f"a half-built workspace replaced the old one: {counts}"
        assert counts == expected[counts[0]]
        outcomes["kept" if counts[0] == 60 else "replaced"] += 1
        with open_store(path) as store:
            assert (
                store.scalar(
                    "SELECT count(*) FROM prospects WHERE last_contact_at IS NULL "
                    "AND id IN (SELECT prospect_id FROM interactions)"
                )
                == 0
            )
    assert sum(outcomes.values()) == DEMO_KILLS
    print(f"demo: {DEMO_KILLS} kills, {outcomes}")


def test_kill_during_migration(tmp_path):
    template = tmp_path / "template.db"
    make_old_file(template, stop_before="m002_indexes", prospects=30000)
    rng = random.Random(3)
    outcomes = {"old": 0, "migrated": 0}
    for kill in range(MIGRATE_KILLS):
        path = tmp_path / f"old{kill}.db"
        shutil.copyfile(template, path)
        log = tmp_path / f"migrate{kill}.log"
        kill_after(
            [sys.executable, "-c", MIGRATOR, str(path)], log, "opening", rng.uniform(0.1, 0.45)
        )
        integrity(path)
        conn = sqlite3.connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert conn.execute("SELECT count(*) FROM prospects").fetchone()[0] == 30000
        conn.close()
        assert version in (1, SCHEMA_VERSION), "a migration was half-applied"
        assert ("prospects_fts" in tables) == (version == SCHEMA_VERSION)
        if "migrated" in log.read_text():
            assert version == SCHEMA_VERSION
        outcomes["old" if version == 1 else "migrated"] += 1
        with open_store(path) as store:  # the next start finishes the job
            assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
            search = prospects_query(store, ProspectFilter(search="old prospect 29999"))
            assert search.count(store) >= 1
    assert sum(outcomes.values()) == MIGRATE_KILLS
    print(f"migration: {MIGRATE_KILLS} kills, {outcomes}")

"""The code runs one way: every table of the schema has its writers under ``services/``.

The layers themselves are import-linter contracts (``[tool.importlinter]`` in
``pyproject.toml``, run by ``make test``); these are the rules a contract cannot express.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dualrole
from dualrole.storage.db import open_memory

SRC = Path(dualrole.__file__).parent


def schema_tables() -> list[str]:
    """Every table a new workspace has (full-text indexes and their shadow tables included),
    read from the migrated schema itself, so a table added later is checked too."""
    with open_memory() as store:
        rows = store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    return sorted((str(row[0]) for row in rows), key=lambda name: (-len(name), name))


VERB = r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)"
# Between the verb and the table: spaces, line breaks, quotes (also of two string literals
# joined across lines).
GAP = r"""[\s"']+"""
TABLES = schema_tables()
WRITE = re.compile(rf"{VERB}{GAP}(?:{'|'.join(map(re.escape, TABLES))})\b", re.IGNORECASE)
# A table named at run time (an f-string) could be any of them.
DYNAMIC_WRITE = re.compile(rf"{VERB}{GAP}\{{", re.IGNORECASE)
# sqlite-utils' writers on a table: ``store.db["targets"].insert(...)``, ``db.table(...)``.
UTILS_WRITE = re.compile(
    r"\bdb(?:\[[^\]]*\]|\.table\([^)]*\))\s*\.\s*"
    r"(?:insert|insert_all|upsert|upsert_all|update|delete|delete_where)\s*\("
)
# The schema's own statements (tables, triggers, migrations) are not writers of rows.
SCHEMA = {"migrations.py", "schema.py"}
# Writes into a file that is not a workspace: the benchmark's raw-executemany baseline.
NOT_A_WORKSPACE = {
    ("bench/measures.py", 'dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)')
}


def writers_in(relative: str, text: str) -> list[str]:
    """The lines of ``text`` (the file ``relative``) that write a table's rows."""
    lines = text.splitlines()
    numbers = set()
    for pattern in (WRITE, DYNAMIC_WRITE, UTILS_WRITE):
        for match in pattern.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            if (relative, lines[number - 1].strip()) not in NOT_A_WORKSPACE:
                numbers.add(number)
    return [f"{relative}:{number}: {lines[number - 1].strip()}" for number in sorted(numbers)]


def writers_outside_services(src: Path = SRC) -> list[str]:
    found = []
    for path in sorted(src.rglob("*.py")):
        relative = path.relative_to(src)
        if relative.parts[0] == "services" or relative.name in SCHEMA:
            continue
        found += writers_in(relative.as_posix(), path.read_text(encoding="utf-8"))
    return found


def test_rows_are_written_only_under_services():
    """Every table changes through services/: the review's targets and reflections too, and
    the importer and the demo use its bulk path."""
    assert writers_outside_services() == []


def test_the_table_list_comes_from_the_schema():
    for table in (
        "settings", "segments", "promotions", "promotion_results", "prospects", "stage_changes",
        "research_notes", "marketing_tasks", "interactions", "followups", "tags",
        "prospect_tags", "note_tags", "targets", "reflections", "focus_sessions", "trash",
        "stage_totals", "prospects_fts",
    ):  # fmt: skip
        assert table in TABLES


def test_the_writer_check_sees_a_write():
    assert WRITE.search('"INSERT OR IGNORE INTO prospect_tags(prospect_id) VALUES (?)"')
    assert WRITE.search("UPDATE prospects SET name = ?")
    assert WRITE.search("DELETE FROM targets")
    assert WRITE.search('"INSERT INTO "\n    "reflections(week) VALUES (?)"')
    assert WRITE.search("REPLACE INTO settings VALUES (?, ?)")
    assert DYNAMIC_WRITE.search("f\"INSERT INTO {fts}({fts}) VALUES ('rebuild')\"")
    assert UTILS_WRITE.search('store.db["focus_sessions"].insert({"role": "sales"})')
    assert not WRITE.search("SELECT * FROM prospects")
    assert not WRITE.search("SELECT value FROM targets")
    assert not WRITE.search("ON CONFLICT(week) DO UPDATE SET went_well = excluded.went_well")


def test_a_write_outside_services_is_found(tmp_path: Path):
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "targets.py").write_text('x = "DELETE FROM targets"\n')
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "targets.py").write_text('\n\nx = "DELETE FROM targets"\n')
    assert writers_outside_services(tmp_path) == ['review/targets.py:3: x = "DELETE FROM targets"']


# Money is shown only by dualrole.core.money (in the workspace's or the record's currency); the
# parser reads the signs people type, and the demo's own words may name a price.
EURO_ALLOWED = {"core/money.py", "core/parsing.py", "demo/workspace.py"}


def euro_literals_outside_money() -> list[str]:
    """Every ``€`` in a string of the code (docstrings aside) outside :data:`EURO_ALLOWED`."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.as_posix() in EURO_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "€" in node.value
                and id(node) not in docstrings
            ):
                found.append(f"{relative}:{node.lineno}: {node.value!r}")
    return found


def test_no_euro_sign_is_written_outside_the_money_formatter():
    """Issue 24: Today, the board and Insights' headings printed a fixed ``€`` whatever the
    workspace's currency; every amount and money heading comes from dualrole.core.money."""
    assert euro_literals_outside_money() == []

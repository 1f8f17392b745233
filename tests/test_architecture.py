"""The code runs one way: the sales tables have one writer.

The layers themselves are import-linter contracts (``[tool.importlinter]`` in
``pyproject.toml``, run by ``make test``); these are the rules a contract cannot express.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dualrole

SRC = Path(dualrole.__file__).parent


SALES_TABLES = "prospects|stage_changes|followups|interactions|tags|prospect_tags"
WRITE = re.compile(
    rf"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"
    rf"[\"']?(?:{SALES_TABLES})\b",
    re.IGNORECASE,
)
# The schema's own statements (tables, triggers, migrations) are not writers of rows.
SCHEMA = {"migrations.py", "schema.py"}


def writers_outside_services() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "services" or relative.name in SCHEMA:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_sales_rows_are_written_only_under_services():
    """Prospects, stage changes, follow-ups, interactions and tags change through services/
    (the importer and the demo use its bulk path)."""
    assert writers_outside_services() == []


def test_the_writer_check_sees_a_write():
    assert WRITE.search('"INSERT OR IGNORE INTO prospect_tags(prospect_id) VALUES (?)"')
    assert WRITE.search("UPDATE prospects SET name = ?")
    assert not WRITE.search("SELECT * FROM prospects")


# Money is shown only by dualrole.money (in the workspace's or the record's currency); the
# parser reads the signs people type, and the demo's own words may name a price.
EURO_ALLOWED = {"money.py", "parsing.py", "demo.py"}


def euro_literals_outside_money() -> list[str]:
    """Every ``€`` in a string of the code (docstrings aside) outside :data:`EURO_ALLOWED`."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.name in EURO_ALLOWED:
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
    workspace's currency; every amount and money heading comes from dualrole.money."""
    assert euro_literals_outside_money() == []

"""The code runs one way: the sales tables have one writer.

The layers themselves are import-linter contracts (``[tool.importlinter]`` in
``pyproject.toml``, run by ``make test``); these are the rules a contract cannot express.
"""

from __future__ import annotations

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

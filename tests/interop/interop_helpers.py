"""Helpers shared by the import/export tests (imported by name: pytest puts this folder on
sys.path because the tests folders are not packages)."""

from __future__ import annotations

from pathlib import Path

from dualrole.storage.db import Store

SAMPLES = Path(__file__).parent / "samples"


def prospects(store: Store) -> list[dict]:
    """Live prospects as plain dicts, in id order."""
    rows = store.query("SELECT * FROM prospects WHERE deleted_at IS NULL ORDER BY id")
    return [dict(row) for row in rows]


def tags_of(store: Store, prospect_id: int) -> list[str]:
    rows = store.query(
        "SELECT t.name FROM tags t JOIN prospect_tags pt ON pt.tag_id = t.id "
        "WHERE pt.prospect_id = ? ORDER BY t.name",
        (prospect_id,),
    )
    return [row[0] for row in rows]

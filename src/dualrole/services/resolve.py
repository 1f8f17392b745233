"""Which prospect a person means: an id, an email, a name or a part of a name.

The command line names prospects the way people remember them. :func:`resolve_prospect` tries,
in order: an id (``12`` or ``#12``), an email (any case), the exact name (any case and
accents), then the start of words in the name (``quill``, ``marg qu``; full-text, accents and
case ignored). Exactly one match is the answer; several raise :class:`AmbiguousProspect`
listing them with their ids, none raises :class:`UnknownProspect`. Every step reads an index
(``prospects_by_email``, ``prospects_by_name``, ``prospects_fts``), so it stays instant at
100,000 prospects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dualrole.core.parsing import email_spellings
from dualrole.core.printable import visible
from dualrole.services.search import find_prospect_ids, fold, fts_query
from dualrole.storage.db import NotFoundError, StorageError, Store

SHOWN = 10  # candidates listed when a name is ambiguous
SCAN = 200  # full-text hits looked at for an exact (accent-insensitive) name

_COLUMNS = "id, name, company, email, stage"
_LIVE = "deleted_at IS NULL"


@dataclass(frozen=True)
class Candidate:
    """A prospect as listed when choosing between several."""

    id: int
    name: str
    company: str | None
    email: str | None
    stage: str

    def line(self) -> str:
        """``#12  Margaretha Quill · Quill & Sons · m.quill@example.org · lead`` (safe text)."""
        parts = [self.name, self.company or "", self.email or "", self.stage]
        return f"#{self.id}  " + " · ".join(visible(part) for part in parts if part)


class UnknownProspect(NotFoundError):
    """No prospect matches what was typed."""


class AmbiguousProspect(StorageError):
    """Several prospects match; nothing may be written until one is chosen."""

    def __init__(self, text: str, candidates: list[Candidate], more: int):
        self.text = text
        self.candidates = candidates
        self.more = more
        total = len(candidates) + more
        lines = [c.line() for c in candidates]
        if more:
            lines.append(f"… and {more:,}{'+' if total >= SCAN else ''} more")
        super().__init__(
            f"{visible(text)!r} matches {total:,}{'+' if total >= SCAN else ''} prospects; "
            "nothing was changed, name one by its id (e.g. #"
            f"{candidates[0].id}) or email:\n  " + "\n  ".join(lines)
        )


def _candidates(
    store: Store, where: str, params: tuple[object, ...], limit: int
) -> list[Candidate]:
    rows = store.query(
        f"SELECT {_COLUMNS} FROM prospects WHERE {_LIVE} AND {where} LIMIT ?", (*params, limit)
    )
    return [Candidate(r["id"], r["name"], r["company"], r["email"], r["stage"]) for r in rows]


def _fts_ids(store: Store, text: str, limit: int) -> list[int]:
    match = fts_query(text)
    if match is None:
        return []
    rows = store.query(
        "SELECT rowid FROM prospects_fts WHERE prospects_fts MATCH ? LIMIT ?",
        (f"{{name}} : ({match})", limit),
    )
    return [int(row[0]) for row in rows]


def _by_ids(store: Store, ids: list[int]) -> list[Candidate]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    found = _candidates(store, f"id IN ({marks})", tuple(ids), len(ids))
    return sorted(found, key=lambda c: (fold(c.name), c.id))


def _one(text: str, found: list[Candidate], more: int = 0) -> int:
    if len(found) == 1 and not more:
        return found[0].id
    raise AmbiguousProspect(text, found[:SHOWN], more + max(0, len(found) - SHOWN))


def resolve_prospect(store: Store, text: str) -> int:
    """The id of the one live prospect ``text`` names (see the module docstring)."""
    raw = " ".join(str(text or "").split())
    if not raw:
        raise ValueError("say which prospect: an email, a name, a part of a name or an id")
    number = re.fullmatch(r"#?(\d{1,18})", raw)
    if number:
        found = _candidates(store, "id = ?", (int(number[1]),), 1)
        if found:
            return found[0].id
        if raw.startswith("#"):
            raise UnknownProspect(f"There is no prospect #{number[1]} (deleted, or a typo?).")
    if "@" in raw:
        found = _candidates(store, "email COLLATE NOCASE IN (?, ?)", email_spellings(raw), SCAN)
        if not found:
            raise UnknownProspect(f"No prospect has the email {visible(raw)!r}.")
        return _one(raw, found)
    exact = _candidates(store, "name = ? COLLATE NOCASE", (raw,), SCAN)
    if exact:
        return _one(raw, exact)
    ids = _fts_ids(store, raw, SCAN)
    hits = _by_ids(store, ids)
    same = [c for c in hits if fold(c.name) == fold(raw)]
    if same:
        return _one(raw, same)
    if not hits:
        raise UnknownProspect(
            f"No prospect matches {visible(raw)!r}; `dualrole find` lists names and ids."
        )
    return _one(raw, hits, len(ids) - len(hits) if len(ids) >= SCAN else 0)


def find_prospects(store: Store, text: str, limit: int = 20) -> list[Candidate]:
    """What ``text`` finds (``services.search.prospect_match``): name matches first."""
    ids = find_prospect_ids(store, text, limit)
    found = {c.id: c for c in _by_ids(store, ids)}
    return [found[i] for i in ids if i in found]


def complete_prospects(store: Store, incomplete: str, limit: int = 20) -> list[Candidate]:
    """Names for shell completion: those starting with ``incomplete`` first, then the rest."""
    text = incomplete.strip().strip("\"'")
    if not text:
        return _candidates(store, "1 ORDER BY name COLLATE NOCASE, id", (), limit)
    if "@" in text:
        low = email_spellings(text)[0].lower()
        return _candidates(
            store,
            "email >= ? COLLATE NOCASE AND email < ? COLLATE NOCASE",
            (low, low + "\uffff"),
            limit,
        )
    hits = _by_ids(store, _fts_ids(store, text, limit * 3))
    start = fold(text)
    return sorted(hits, key=lambda c: (not fold(c.name).startswith(start), fold(c.name)))[:limit]

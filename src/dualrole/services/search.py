"""What typed text finds: one way for the lists, the command palette and the command line.

Every word becomes a quoted prefix term (``"acm"*``), so quotes, ``NEAR(``, ``AND`` or a lone
``-`` are searched for as text, never parsed as query syntax. The word indexes (``*_fts``,
FTS5 ``unicode61 remove_diacritics 2``) fold case and accents of the text and of the query
alike: ``jose`` finds José, ``muller`` Müller. :func:`fold` is the same folding in Python,
for comparing names and tags outside SQLite.

Prospects are what people search most, in three places (``/`` on a list, ``ctrl+p``,
``dualrole find``); :func:`prospect_match` is the one answer for all three:

1. the prospect's **name** has a word starting with each typed word (``kh`` → Sofia Khan,
   ``garcia`` → José García) — listed first;
2. then a tag starting with the text; from three characters also a word of the company,
   email, title or notes starting with it, the text inside any of these (the trigram index
   of m010: "ret" finds Greta) or inside a tag, and a word of a logged interaction's summary
   or outcome (the word index ``interactions_fts`` of m003: "pricing" finds whoever a call
   about pricing was logged for; :func:`matched_interactions` says which interaction).
   One or two letters are in the words of a fifth of all prospects' notes and emails; they
   stay with names and tags.

Both parts are id sets read from indexes, so a search stays instant at 100,000 prospects.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from dualrole.core.dates import clock
from dualrole.storage.db import Store

_WORD = re.compile(r"\w+", re.UNICODE)
_INSIDE_FROM = 3  # characters from which text is also found inside words (trigrams)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: ``José`` and ``jose`` fold alike.

    Accents come off Latin letters only, as the word indexes' tokenizer does (``й`` stays
    a letter of its own, as in FTS5), so a folded word finds what the index holds.
    """
    letters = (
        "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00
        else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    return " ".join("".join(letters).lower().split())


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for ``text``; None when it holds no searchable word."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words[:12])


def trigram_query(text: str) -> str | None:
    """A MATCH expression for a trigram index: every word of 3+ characters, as a substring."""
    words = [word for word in _WORD.findall(text or "") if len(word) >= _INSIDE_FROM]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"' for word in words[:12])


@dataclass(frozen=True)
class ProspectMatch:
    """The prospects a text finds, as two SQL selects of ids (live and deleted alike).

    ``names`` selects those whose name has a word starting with each typed word; ``ids``
    selects every match, ``names`` included. Each ``*_params`` go with their select.
    """

    names: str
    names_params: tuple[Any, ...]
    ids: str
    ids_params: tuple[Any, ...]


_NAMES = "SELECT rowid AS id FROM prospects_fts WHERE prospects_fts MATCH ?"
_INSIDE = "SELECT rowid AS id FROM prospects_grams WHERE prospects_grams MATCH ?"
_LOGGED = (
    "SELECT prospect_id FROM interactions WHERE deleted_at IS NULL AND id IN "
    "(SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?)"
)


def matching_tags(store: Store, text: str) -> list[int]:
    """Ids of the tags starting with ``text`` (containing it, from three characters), folded."""
    needle = fold(text).lstrip("#").strip()
    if not needle:
        return []
    inside = len(needle) >= _INSIDE_FROM
    return [
        int(row[0])
        for row in store.query("SELECT id, name FROM tags")
        if (needle in fold(row[1]) if inside else fold(row[1]).startswith(needle))
    ]


def prospect_match(store: Store, text: str) -> ProspectMatch | None:
    """What ``text`` finds among prospects (see the module docstring); None: no word in it."""
    words = fts_query(text)
    if words is None:
        return None
    names = f"{{name}} : ({words})"
    inside = trigram_query(text)
    selects: list[str] = [_NAMES]
    params: list[Any] = [words if inside is not None else names]
    if inside is not None:
        selects.extend((_INSIDE, _LOGGED))
        params.extend((inside, words))
    tags = matching_tags(store, text)
    if tags:
        marks = ", ".join("?" for _ in tags)
        selects.append(f"SELECT prospect_id FROM prospect_tags WHERE tag_id IN ({marks})")
        params.extend(tags)
    return ProspectMatch(_NAMES, (names,), " UNION ".join(selects), tuple(params))


def find_prospect_ids(store: Store, text: str, limit: int) -> list[int]:
    """Up to ``limit`` live prospects ``text`` finds: name matches first, each part by name."""
    match = prospect_match(store, text)
    if match is None:
        return []
    order = "ORDER BY name COLLATE NOCASE, id LIMIT ?"
    live = "SELECT id FROM prospects WHERE deleted_at IS NULL AND id IN"
    first = [
        int(row[0])
        for row in store.query(f"{live} ({match.names}) {order}", (*match.names_params, limit))
    ]
    if len(first) >= limit:
        return first
    rest = store.query(
        f"{live} ({match.ids}) AND id NOT IN ({match.names}) {order}",
        (*match.ids_params, *match.names_params, limit - len(first)),
    )
    return first + [int(row[0]) for row in rest]


@dataclass(frozen=True)
class InteractionHit:
    """The latest logged interaction of a prospect whose text ``text`` found."""

    prospect_id: int
    id: int
    kind: str
    occurred_at: dt.datetime
    summary: str


def matched_interactions(
    store: Store, text: str, prospect_ids: list[int]
) -> dict[int, InteractionHit]:
    """For each of ``prospect_ids`` (a page of results), its latest live interaction whose
    summary or outcome has a word starting with each typed word, as :func:`prospect_match`
    finds them; a prospect found otherwise (no such interaction) is left out."""
    words = fts_query(text)
    if words is None or trigram_query(text) is None or not prospect_ids:
        return {}
    marks = ", ".join("?" for _ in prospect_ids)
    rows = store.query(
        "SELECT prospect_id, id, kind, occurred_at, summary FROM interactions "
        f"WHERE prospect_id IN ({marks}) AND deleted_at IS NULL AND id IN "
        "(SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?) "
        "ORDER BY occurred_at DESC, id DESC",
        (*prospect_ids, words),
    )
    hits: dict[int, InteractionHit] = {}
    for row in rows:
        hit = InteractionHit(
            int(row[0]), int(row[1]), str(row[2]), clock.from_db(str(row[3])), str(row[4])
        )
        hits.setdefault(hit.prospect_id, hit)
    return hits

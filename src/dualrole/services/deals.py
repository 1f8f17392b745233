"""Deals: a person's sales over time, each with its own stage, value, source and history.

Invariants kept here (and by the bulk paths at the bottom):
- every prospect has at least one deal; its *first* deal (lowest id) carries what the
  prospect's own ``stage``, ``value_minor``, ``currency``, ``lost_reason``, ``source`` and
  ``promotion_id`` columns show, so every list, insight and index built on those columns
  keeps measuring first sales (a lead becoming a customer) exactly as before;
- every deal's stage change is a ``stage_changes`` row naming the deal and its person;
- ``stage_totals`` counts live deals (triggers on ``deals``, m014); a trashed prospect's
  deals are trashed and restored with it (:mod:`dualrole.services.records`);

Moving "a prospect" moves its one open deal; with several open, :class:`AmbiguousDeal`
lists them and nothing moves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from dualrole.core.dates import clock
from dualrole.core.enums import OPEN_STAGES, LeadSource, Stage
from dualrole.core.models import DealIn
from dualrole.core.printable import visible
from dualrole.services.records import insert, now_text
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import NotFoundError, StorageError, Store
from dualrole.storage.migrations import (
    COMPANIES_FROM_PROSPECTS,
    FIRST_DEAL_COLUMNS,
    FIRST_DEAL_SELECT,
    LINK_COMPANIES,
    LINK_STAGE_CHANGES,
)

FIRST_DEAL_TITLE = "First deal"
OPEN_LIST = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
_DEAL_REF = re.compile(r"[dD](\d+)")


@dataclass(frozen=True)
class Deal:
    """One deal as shown: with its person's and company's names."""

    id: int
    prospect_id: int
    person: str
    company_id: int | None
    company: str | None
    title: str
    stage: Stage
    value_minor: int | None
    currency: str
    source: str | None
    promotion_id: int | None
    expected_close: str | None
    lost_reason: str | None
    stage_changed_at: str | None
    created_at: str
    version: int

    @property
    def ref(self) -> str:
        return f"d{self.id}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def line(self) -> str:
        """``d12  Website rebuild · Chloe Becker · Lotus Labs · proposal`` (safe text)."""
        parts = [self.title, self.person, self.company or "", self.stage.value]
        return f"{self.ref}  " + " · ".join(visible(p) for p in parts if p)


class AmbiguousDeal(StorageError):
    """A prospect has several open deals; the owner picks one (``dN``)."""

    listed = True  # its choices stand one a line (the command line keeps the line breaks)

    def __init__(self, person: str, deals: list[Deal]):
        self.deals = deals
        lines = "\n".join(f"  {deal.line()}" for deal in deals)
        super().__init__(f"{visible(person)} has {len(deals)} open deals; name one (dN):\n{lines}")


DEAL_SELECT = (
    "SELECT d.*, c.name AS company FROM deals d LEFT JOIN companies c ON c.id = d.company_id"
)


def deal_from_row(row: Any) -> Deal:
    return Deal(
        id=int(row["id"]),
        prospect_id=int(row["prospect_id"]),
        person=str(row["person"]),
        company_id=row["company_id"],
        company=row["company"],
        title=str(row["title"]),
        stage=Stage(row["stage"]),
        value_minor=row["value_minor"],
        currency=str(row["currency"]),
        source=row["source"],
        promotion_id=row["promotion_id"],
        expected_close=row["expected_close"],
        lost_reason=row["lost_reason"],
        stage_changed_at=row["stage_changed_at"],
        created_at=str(row["created_at"]),
        version=int(row["version"]),
    )


def parse_deal_ref(text: str) -> int | None:
    """``d12`` → 12; anything else → None (a prospect, then)."""
    match = _DEAL_REF.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def get_deal(store: Store, deal_id: int) -> Deal:
    rows = store.query(f"{DEAL_SELECT} WHERE d.id = ? AND d.deleted_at IS NULL", (deal_id,))
    if not rows:
        raise NotFoundError(f"There is no deal d{deal_id} (deleted, or never made).")
    return deal_from_row(rows[0])


def deals_for(store: Store, prospect_id: int, *, open_only: bool = False) -> list[Deal]:
    """A person's deals, open ones first, newest first (``deals_by_prospect``)."""
    only = f" AND d.stage IN ({OPEN_LIST})" if open_only else ""
    rows = store.query(
        f"{DEAL_SELECT} WHERE d.prospect_id = ? AND d.deleted_at IS NULL{only} "
        f"ORDER BY d.stage NOT IN ({OPEN_LIST}), d.id DESC",
        (prospect_id,),
    )
    return [deal_from_row(row) for row in rows]


def first_deal_id(store: Store, prospect_id: int) -> int | None:
    found = store.scalar("SELECT min(id) FROM deals WHERE prospect_id = ?", (prospect_id,))
    return int(found) if found is not None else None


def deal_to_move(store: Store, prospect_id: int) -> int:
    """The deal "move this prospect" means: its one open deal; none open: its latest deal;
    several open: :class:`AmbiguousDeal`."""
    open_deals = deals_for(store, prospect_id, open_only=True)
    if len(open_deals) == 1:
        return open_deals[0].id
    if len(open_deals) > 1:
        person = open_deals[0].person
        raise AmbiguousDeal(person, open_deals)
    latest = store.scalar(
        "SELECT max(id) FROM deals WHERE prospect_id = ? AND deleted_at IS NULL", (prospect_id,)
    )
    if latest is None:
        raise NotFoundError("That prospect has no deal left (all deleted).")
    return int(latest)


def _mirror(store: Store, deal_id: int, prospect_id: int, columns: dict[str, Any]) -> None:
    """A change to a person's first deal is a change to the prospect's own columns too."""
    if first_deal_id(store, prospect_id) != deal_id:
        return
    shown = {k: v for k, v in columns.items() if k in _MIRRORED}
    if shown:
        sets = ", ".join(f'"{k}" = ?' for k in shown)
        store.execute(
            f"UPDATE prospects SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
            [*shown.values(), now_text(), prospect_id],
        )


_MIRRORED = frozenset(
    {"stage", "stage_changed_at", "lost_reason", "value_minor", "currency", "source",
     "promotion_id"}
)  # fmt: skip


def insert_first_deal(store: Store, prospect_id: int) -> int:
    """The first deal of a new prospect (inside the caller's transaction), from its columns."""
    store.execute(
        f"INSERT INTO deals({FIRST_DEAL_COLUMNS}) {FIRST_DEAL_SELECT} AND p.id = :id",
        {"since": prospect_id, "id": prospect_id},
    )
    deal_id = int(store.scalar("SELECT max(id) FROM deals WHERE prospect_id = ?", (prospect_id,)))
    return deal_id


def create_deal(store: Store, prospect_id: int, data: DealIn) -> Deal:
    """A new deal for a person (and their company), its creation recorded in its history."""
    with store.transaction():
        person = store.query(
            "SELECT company_id, name FROM prospects WHERE id = ? AND deleted_at IS NULL",
            (prospect_id,),
        )
        if not person:
            raise NotFoundError("That prospect no longer exists (deleted elsewhere?).")
        stamp = now_text()
        source = data.source
        if data.promotion_id is not None:
            source = LeadSource.promotion
        deal_id = insert(
            store,
            "deals",
            {
                "prospect_id": prospect_id,
                "person": person[0]["name"],
                "company_id": person[0]["company_id"],
                "title": data.title,
                "stage": data.stage.value,
                "value_minor": data.value,
                "currency": data.currency or workspace_currency(store),
                "source": source.value if source else None,
                "promotion_id": data.promotion_id,
                "expected_close": data.expected_close.isoformat() if data.expected_close else None,
                "stage_changed_at": stamp,
                "created_at": stamp,
            },
            stamp=False,
        )
        store.execute(
            "INSERT INTO stage_changes(prospect_id, deal_id, from_stage, to_stage, changed_at) "
            "VALUES (?, ?, NULL, ?, ?)",
            (prospect_id, deal_id, data.stage.value, stamp),
        )
    return get_deal(store, deal_id)


def move_deal(
    store: Store,
    deal_id: int,
    stage: Stage,
    *,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> Deal | None:
    """Move a deal to ``stage`` and record it; lost needs a reason. None: already there."""
    reason = (reason or "").strip() or None
    if stage == Stage.lost and not reason:
        raise ValueError("reason: say why the deal was lost (e.g. price, timing, competitor)")
    with store.transaction():
        deal = get_deal(store, deal_id)
        if deal.stage == stage:
            return None
        stamp = clock.to_db(at) if at else now_text()
        columns: dict[str, Any] = {
            "stage": stage.value,
            "stage_changed_at": stamp,
            "lost_reason": reason if stage == Stage.lost else None,
        }
        _update(store, deal_id, columns)
        _mirror(store, deal_id, deal.prospect_id, columns)
        store.execute(
            "INSERT INTO stage_changes(prospect_id, deal_id, from_stage, to_stage, changed_at, "
            "reason) VALUES (?, ?, ?, ?, ?, ?)",
            (deal.prospect_id, deal_id, deal.stage.value, stage.value, stamp, reason),
        )
    return get_deal(store, deal_id)


def change_deal_stage(
    store: Store, deal_id: int, stage: str, *, value: str | None, reason: str | None
) -> tuple[Deal, Stage]:
    """``stage dN STAGE [--value] [--reason]``: the deal's value first (when given), then its
    move, in one transaction; returns (now, before)."""
    from dualrole.core.models import DealValueIn

    target = parse_stage(stage)
    with store.transaction():
        before = get_deal(store, deal_id)
        if value is not None:
            amount = DealValueIn.model_validate({"value": value}).value
            if amount != before.value_minor:
                set_deal_value(store, deal_id, amount)
        move_deal(store, deal_id, target, reason=reason)
    return get_deal(store, deal_id), before.stage


def parse_stage(text: str) -> Stage:
    try:
        return Stage(text.strip().lower())
    except ValueError:
        raise ValueError(
            f"{visible(text)!r} is not a stage; use one of " + ", ".join(s.value for s in Stage)
        ) from None


def _update(store: Store, deal_id: int, columns: dict[str, Any]) -> None:
    sets = ", ".join(f'"{k}" = ?' for k in columns)
    store.execute(
        f"UPDATE deals SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
        [*columns.values(), now_text(), deal_id],
    )


def set_deal_value(store: Store, deal_id: int, value: int | None) -> Deal:
    with store.transaction():
        deal = get_deal(store, deal_id)
        _update(store, deal_id, {"value_minor": value})
        _mirror(store, deal_id, deal.prospect_id, {"value_minor": value})
    return get_deal(store, deal_id)


def follow_prospect(store: Store, prospect_id: int, columns: dict[str, Any]) -> None:
    """A prospect's edited value, currency, source, promotion or company reach its first deal
    (inside the caller's transaction)."""
    first = first_deal_id(store, prospect_id)
    wanted = {
        k: v
        for k, v in columns.items()
        if k in {"value_minor", "currency", "source", "promotion_id", "company_id"}
    }
    if first is not None and wanted:
        _update(store, first, wanted)
    if "company_id" in columns:
        store.execute(
            "UPDATE deals SET company_id = ? WHERE prospect_id = ? AND company_id IS NOT ?",
            (columns["company_id"], prospect_id, columns["company_id"]),
        )


# --- the pipeline board: a card per deal ---------------------------------------------------


# A card: ``id`` is the person's (what the prospect keys act on), ``deal_id`` the deal's.
class DealCard(NamedTuple):
    """One card of the pipeline board: a deal, named by its person (and company, title)."""

    id: int
    """The person's id (a card opens its person's page)."""
    deal_id: int
    name: str
    company: str | None
    title: str
    stage: str
    value_minor: int | None
    currency: str


_CARDS = (
    "SELECT d.prospect_id AS id, d.id AS deal_id, d.person AS name, c.name AS company, "
    "d.title, d.stage, d.value_minor, d.currency FROM deals d INDEXED BY deals_board "
    "LEFT JOIN companies c ON c.id = d.company_id WHERE d.stage = ? AND d.deleted_at IS NULL "
)


def board_cards(store: Store, stage: Stage, first: int, count: int) -> list[DealCard]:
    """The cards ``first`` … ``first + count`` of a stage's column, by name: the window's ids
    are counted off the covering index ``deals_board`` alone (an ``OFFSET`` that read each
    skipped deal and its company took 66 ms at the end of a 37k-deal column), then read."""
    rows = store.query(
        _CARDS + "AND d.id IN (SELECT id FROM deals INDEXED BY deals_board WHERE stage = ? "
        "AND deleted_at IS NULL ORDER BY person COLLATE NOCASE, id LIMIT ? OFFSET ?) "
        "ORDER BY d.person COLLATE NOCASE, d.id",
        (stage.value, stage.value, count, first),
    )
    return [DealCard._make(row) for row in rows]


def board_position(store: Store, deal_id: int) -> tuple[Stage, int] | None:
    """Where a deal sits on the board: its stage and its index there by name."""
    rows = store.query(
        "SELECT stage, person FROM deals WHERE id = ? AND deleted_at IS NULL", (deal_id,)
    )
    if not rows:
        return None
    stage, person = rows[0]
    before = store.scalar(
        "SELECT count(*) FROM deals INDEXED BY deals_board WHERE stage = ? "
        "AND deleted_at IS NULL AND (person COLLATE NOCASE, id) < (?, ?)",
        (stage, person, deal_id),
    )
    return Stage(stage), int(before or 0)


def current_deal_id(store: Store, prospect_id: int) -> int | None:
    """The deal of a person the board selects for them: the open one moved last, else the
    one closed last."""
    found = store.scalar(
        f"SELECT id FROM deals WHERE prospect_id = ? AND deleted_at IS NULL "
        f"ORDER BY stage IN ({OPEN_LIST}) DESC, stage_changed_at DESC, id DESC LIMIT 1",
        (prospect_id,),
    )
    return int(found) if found is not None else None


def shared_names(store: Store, stage: Stage, names: list[str]) -> set[str]:
    """Of ``names`` (the cards in view), those two or more live deals at ``stage`` share (case
    folded): the board adds what tells them apart (company, else the deal's title)."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    marks = ",".join("?" for _ in wanted)
    rows = store.query(
        "SELECT person FROM deals INDEXED BY deals_board WHERE stage = ? AND deleted_at IS NULL "
        f"AND person COLLATE NOCASE IN ({marks})",
        (stage.value, *wanted),
    )
    seen: dict[str, int] = {}
    for row in rows:
        key = str(row[0]).casefold()
        seen[key] = seen.get(key, 0) + 1
    return {name for name, n in seen.items() if n > 1}


# --- bulk: the demo's and the importer's first deals and companies -------------------------


def add_first_deals(store: Store, since: int = 0) -> None:
    """Companies (:mod:`dualrole.services.companies`), company links, first deals and their
    history for every prospect from id
    ``since`` on that has none yet (inside the caller's transaction)."""
    params = {"since": since}
    store.execute(COMPANIES_FROM_PROSPECTS, params)
    store.execute(LINK_COMPANIES, params)
    store.execute(f"INSERT INTO deals({FIRST_DEAL_COLUMNS}) {FIRST_DEAL_SELECT}", params)
    store.execute(LINK_STAGE_CHANGES, params)

"""Deals and companies: a person's sales over time, and the companies people work in.

Invariants kept here (and by the bulk paths at the bottom):
- every prospect has at least one deal; its *first* deal (lowest id) carries what the
  prospect's own ``stage``, ``value_minor``, ``currency``, ``lost_reason``, ``source`` and
  ``promotion_id`` columns show, so every list, insight and index built on those columns
  keeps measuring first sales (a lead becoming a customer) exactly as before;
- every deal's stage change is a ``stage_changes`` row naming the deal and its person;
- ``stage_totals`` counts live deals (triggers on ``deals``, m011); a trashed prospect's
  deals are trashed and restored with it (:mod:`dualrole.services.records`);
- a company name is unique whatever its case: :func:`company_id_for` finds or makes it once.

Moving "a prospect" moves its one open deal; with several open, :class:`AmbiguousDeal`
lists them and nothing moves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from dualrole.core import clock
from dualrole.core.enums import OPEN_STAGES, LeadSource, Stage
from dualrole.core.models import CompanyIn, DealIn
from dualrole.core.printable import visible
from dualrole.services.records import get_tags, insert, now_text, set_tags
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
_OPEN = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
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


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    website: str | None
    notes: str
    version: int
    tags: tuple[str, ...] = ()


class AmbiguousDeal(StorageError):
    """A prospect has several open deals; the owner picks one (``dN``)."""

    listed = True  # its choices stand one a line (the command line keeps the line breaks)

    def __init__(self, person: str, deals: list[Deal]):
        self.deals = deals
        lines = "\n".join(f"  {deal.line()}" for deal in deals)
        super().__init__(f"{visible(person)} has {len(deals)} open deals; name one (dN):\n{lines}")


class AmbiguousCompany(StorageError):
    listed = True


_SELECT = "SELECT d.*, c.name AS company FROM deals d LEFT JOIN companies c ON c.id = d.company_id"


def _deal(row: Any) -> Deal:
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
    rows = store.query(f"{_SELECT} WHERE d.id = ? AND d.deleted_at IS NULL", (deal_id,))
    if not rows:
        raise NotFoundError(f"There is no deal d{deal_id} (deleted, or never made).")
    return _deal(rows[0])


def deals_for(store: Store, prospect_id: int, *, open_only: bool = False) -> list[Deal]:
    """A person's deals, open ones first, newest first (``deals_by_prospect``)."""
    only = f" AND d.stage IN ({_OPEN})" if open_only else ""
    rows = store.query(
        f"{_SELECT} WHERE d.prospect_id = ? AND d.deleted_at IS NULL{only} "
        f"ORDER BY d.stage NOT IN ({_OPEN}), d.id DESC",
        (prospect_id,),
    )
    return [_deal(row) for row in rows]


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
_CARDS = (
    "SELECT d.prospect_id AS id, d.id AS deal_id, d.person AS name, c.name AS company, "
    "d.title, d.stage, d.value_minor, d.currency FROM deals d INDEXED BY deals_board "
    "LEFT JOIN companies c ON c.id = d.company_id WHERE d.stage = ? AND d.deleted_at IS NULL "
)


def board_cards(store: Store, stage: Stage, first: int, count: int) -> list[Any]:
    """The cards ``first`` … ``first + count`` of a stage's column, by name: the window's ids
    are counted off the covering index ``deals_board`` alone (an ``OFFSET`` that read each
    skipped deal and its company took 66 ms at the end of a 37k-deal column), then read."""
    return store.query(
        _CARDS + "AND d.id IN (SELECT id FROM deals INDEXED BY deals_board WHERE stage = ? "
        "AND deleted_at IS NULL ORDER BY person COLLATE NOCASE, id LIMIT ? OFFSET ?) "
        "ORDER BY d.person COLLATE NOCASE, d.id",
        (stage.value, stage.value, count, first),
    )


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
        f"ORDER BY stage IN ({_OPEN}) DESC, stage_changed_at DESC, id DESC LIMIT 1",
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


# --- companies -----------------------------------------------------------------------------


def company_id_for(store: Store, name: str | None) -> int | None:
    """The company called ``name`` (any case), made if new; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    found = store.scalar("SELECT id FROM companies WHERE name = ? COLLATE NOCASE", (name,))
    if found is not None:
        return int(found)
    return insert(store, "companies", {"name": name})


def _company(row: Any) -> Company:
    return Company(
        id=int(row["id"]),
        name=str(row["name"]),
        website=row["website"],
        notes=str(row["notes"]),
        version=int(row["version"]),
    )


def get_company(store: Store, company_id: int) -> Company:
    rows = store.query("SELECT * FROM companies WHERE id = ? AND deleted_at IS NULL", (company_id,))
    if not rows:
        raise NotFoundError("That company no longer exists (deleted elsewhere?).")
    tags = get_tags(store, "company_tags", "company_id", company_id)
    return replace(_company(rows[0]), tags=tuple(tags))


def find_company(store: Store, text: str) -> Company:
    """The company named ``text`` (any case), else the one whose name starts with it."""
    text = text.strip()
    rows = store.query(
        "SELECT * FROM companies WHERE deleted_at IS NULL AND name = ? COLLATE NOCASE", (text,)
    )
    if not rows:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = store.query(
            "SELECT * FROM companies WHERE deleted_at IS NULL AND name LIKE ? ESCAPE '\\' "
            "ORDER BY name COLLATE NOCASE LIMIT 11",
            (f"{escaped}%",),
        )
    if not rows:
        raise NotFoundError(f"No company is called {visible(text)!r}.")
    if len(rows) > 1:
        names = "\n".join(f"  {visible(str(row['name']))}" for row in rows[:10])
        more = "+" if len(rows) > 10 else ""
        raise AmbiguousCompany(
            f"{min(len(rows), 10)}{more} companies start with {visible(text)!r}; name one:\n{names}"
        )
    return _company(rows[0])


def update_company(store: Store, company_id: int, data: CompanyIn) -> Company:
    """A company's name (still unique whatever its case), website, notes and tags."""
    with store.transaction():
        clash = store.scalar(
            "SELECT id FROM companies WHERE name = ? COLLATE NOCASE AND id != ?",
            (data.name, company_id),
        )
        if clash is not None:
            raise ValueError(f"name: another company is called {visible(data.name)!r}")
        _ = get_company(store, company_id)
        store.execute(
            "UPDATE companies SET name = ?, website = ?, notes = ?, version = version + 1, "
            "updated_at = ? WHERE id = ?",
            (data.name, data.website, data.notes, now_text(), company_id),
        )
        set_tags(store, "company_tags", "company_id", company_id, data.tags)
        # its people's company as shown in the lists and found by search follows the name
        store.execute(
            "UPDATE prospects SET company = ? WHERE company_id = ? AND company IS NOT ?",
            (data.name, company_id, data.name),
        )
    return get_company(store, company_id)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    title: str | None
    email: str | None


@dataclass(frozen=True)
class Talk:
    prospect: str
    kind: str
    occurred_at: dt.datetime
    summary: str


@dataclass(frozen=True)
class CompanyPage:
    """What the company page and ``dualrole company show`` list."""

    company: Company
    people: list[Person]
    deals: list[Deal]
    history: list[Talk]
    won_minor: int
    open_minor: int
    currency: str
    people_count: int
    deal_count: int


SHOWN = 100
"""People and deals listed on a company page (the counts and sums cover them all)."""
BIG_COMPANY = 200
"""From this many people on, a company's history is read newest first over all interactions."""


def company_page(store: Store, company_id: int, *, history: int = 20) -> CompanyPage:
    """A company's people and deals (the first :data:`SHOWN` of each), its latest
    conversations, and its revenue won and open over all its deals (``deals_by_company``)."""
    company = get_company(store, company_id)
    people_count = int(
        store.scalar(
            "SELECT count(*) FROM prospects WHERE company_id = ? AND deleted_at IS NULL",
            (company_id,),
        )
    )
    sums = store.query(
        "SELECT count(*), coalesce(sum(CASE WHEN stage = 'won' THEN value_minor END), 0), "
        f"coalesce(sum(CASE WHEN stage IN ({_OPEN}) THEN value_minor END), 0) FROM deals "
        "WHERE company_id = ? AND deleted_at IS NULL",
        (company_id,),
    )[0]
    people = [
        Person(int(r["id"]), str(r["name"]), r["title"], r["email"])
        for r in store.query(
            "SELECT id, name, title, email FROM prospects WHERE company_id = ? "
            "AND deleted_at IS NULL ORDER BY name COLLATE NOCASE, id LIMIT ?",
            (company_id, SHOWN),
        )
    ]
    deals = [
        _deal(r)
        for r in store.query(
            f"{_SELECT} WHERE d.company_id = ? AND d.deleted_at IS NULL "
            f"ORDER BY d.stage NOT IN ({_OPEN}), d.id DESC LIMIT ?",
            (company_id, SHOWN),
        )
    ]
    # A company of a few people: their interactions, person by person, then the latest. A
    # big one (thousands of people): the interactions newest first until enough are theirs.
    by_time = people_count > BIG_COMPANY
    index = "INDEXED BY interactions_by_occurred " if by_time else ""
    order = "i.occurred_at DESC" if by_time else "i.occurred_at DESC, i.id DESC"
    rows = store.query(
        f"SELECT p.name, i.kind, i.occurred_at, i.summary FROM interactions i {index}"
        "JOIN prospects p ON p.id = i.prospect_id "
        "WHERE p.company_id = ? AND p.deleted_at IS NULL AND i.deleted_at IS NULL "
        f"ORDER BY {order} LIMIT ?",
        (company_id, history),
    )
    talks = [
        Talk(str(r["name"]), str(r["kind"]), clock.from_db(r["occurred_at"]), str(r["summary"]))
        for r in rows
    ]
    return CompanyPage(
        company, people, deals, talks, int(sums[1]), int(sums[2]), workspace_currency(store),
        people_count, int(sums[0]),
    )  # fmt: skip


# --- bulk: the demo's and the importer's first deals and companies -------------------------


def add_first_deals(store: Store, since: int = 0) -> None:
    """Companies, company links, first deals and their history for every prospect from id
    ``since`` on that has none yet (inside the caller's transaction)."""
    params = {"since": since}
    store.execute(COMPANIES_FROM_PROSPECTS, params)
    store.execute(LINK_COMPANIES, params)
    store.execute(f"INSERT INTO deals({FIRST_DEAL_COLUMNS}) {FIRST_DEAL_SELECT}", params)
    store.execute(LINK_STAGE_CHANGES, params)

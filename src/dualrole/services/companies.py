"""Companies: one record per name (whatever its case), the people in it, their deals,
conversations and revenue (issue 27).

A company record is made the first time its name is typed (:func:`company_id_for`, used by
the prospect services, the importer and the upgrade); ``prospects.company`` keeps the name
as shown and searched, and follows a rename. :func:`company_page` is what the company page
and ``dualrole company show`` show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.models import CompanyIn
from dualrole.core.money import format_money
from dualrole.core.printable import visible
from dualrole.core.words import counted
from dualrole.services.deals import DEAL_SELECT, OPEN_LIST, Deal, deal_from_row
from dualrole.services.records import get_tags, insert, now_text, set_tags
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import NotFoundError, StorageError, Store


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    website: str | None
    notes: str
    version: int
    tags: tuple[str, ...] = ()


class AmbiguousCompany(StorageError):
    listed = True


def company_of(store: Store, prospect_id: int) -> int | None:
    """The id of the company ``prospect_id`` is in, or None."""
    found = store.scalar("SELECT company_id FROM prospects WHERE id = ?", (prospect_id,))
    return None if found is None else int(found)


def company_id_for(store: Store, name: str | None) -> int | None:
    """The company called ``name`` (any case), made if new; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    found = store.scalar("SELECT id FROM companies WHERE name = ? COLLATE NOCASE", (name,))
    if found is not None:
        return int(found)
    return insert(store, "companies", {"name": name})


def names_starting(store: Store, prefix: str, limit: int = 8) -> list[tuple[int, str]]:
    """(id, name) of the companies whose name starts with ``prefix`` (case aside), by name:
    a range read of the unique index ``companies_by_name``, never the whole table (the
    palette and the prospect form's suggestions ask on each key)."""
    prefix = prefix.strip()
    if not prefix:
        return []
    rows = store.query(
        "SELECT id, name FROM companies INDEXED BY companies_by_name "
        "WHERE name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE AND deleted_at IS NULL "
        "ORDER BY name COLLATE NOCASE LIMIT ?",
        (prefix, prefix + "\U0010ffff", limit),
    )
    return [(int(row[0]), str(row[1])) for row in rows]


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
    deal_id: int | None = None  # the deal it was about, if any

    def about(self, deal_count: int) -> str:
        """`` (d12)`` after the person's name when the company has several deals, else ''."""
        return f" (d{self.deal_id})" if self.deal_id is not None and deal_count > 1 else ""


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


def summary_line(page: CompanyPage) -> str:
    """The company's figures in one line, as its page and ``company show`` print them."""
    return (
        f"revenue won {format_money(page.won_minor, page.currency)} · open "
        f"{format_money(page.open_minor, page.currency)} · "
        f"{counted(page.people_count, 'person', 'people')} · {counted(page.deal_count, 'deal')}"
    )


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
        f"coalesce(sum(CASE WHEN stage IN ({OPEN_LIST}) THEN value_minor END), 0) FROM deals "
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
        deal_from_row(r)
        for r in store.query(
            f"{DEAL_SELECT} WHERE d.company_id = ? AND d.deleted_at IS NULL "
            f"ORDER BY d.stage NOT IN ({OPEN_LIST}), d.id DESC LIMIT ?",
            (company_id, SHOWN),
        )
    ]
    # A company of a few people: their interactions, person by person, then the latest. A
    # big one (thousands of people): the interactions newest first until enough are theirs.
    by_time = people_count > BIG_COMPANY
    index = "INDEXED BY interactions_by_occurred " if by_time else ""
    order = "i.occurred_at DESC" if by_time else "i.occurred_at DESC, i.id DESC"
    rows = store.query(
        f"SELECT p.name, i.kind, i.occurred_at, i.summary, i.deal_id FROM interactions i {index}"
        "JOIN prospects p ON p.id = i.prospect_id "
        "WHERE p.company_id = ? AND p.deleted_at IS NULL AND i.deleted_at IS NULL "
        f"ORDER BY {order} LIMIT ?",
        (company_id, history),
    )
    talks = [
        Talk(
            str(r["name"]),
            str(r["kind"]),
            clock.from_db(r["occurred_at"]),
            str(r["summary"]),
            r["deal_id"],
        )
        for r in rows
    ]
    return CompanyPage(
        company, people, deals, talks, int(sums[1]), int(sums[2]), workspace_currency(store),
        people_count, int(sums[0]),
    )  # fmt: skip

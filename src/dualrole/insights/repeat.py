"""Repeat business: first sales apart from repeat sales, revenue per customer (issue 27).

A **won deal** of the period is a live deal that is won now and moved to won in the period
(as lost reasons count lost deals). It is a **repeat** sale when its person had won a deal
before it (earlier, or at the same moment with a lower id); otherwise it is a **first**
sale. A deal without a source of its own is **credited** to its person's original source
(the promotion or source of the prospect), and the figures say how many were.
"""

from __future__ import annotations

from pydantic import BaseModel

from dualrole.storage.db import Store

WON = (
    "SELECT d.id, d.prospect_id, coalesce(d.value_minor, 0), d.source, d.promotion_id, "
    "p.source, p.promotion_id, p.name, p.company, "
    "EXISTS (SELECT 1 FROM deals e WHERE e.prospect_id = d.prospect_id AND e.stage = 'won' "
    "AND e.deleted_at IS NULL AND (e.stage_changed_at < d.stage_changed_at "
    "OR (e.stage_changed_at = d.stage_changed_at AND e.id < d.id))) "
    "FROM deals d INDEXED BY deals_won_by_time JOIN prospects p ON p.id = d.prospect_id "
    "WHERE d.stage = 'won' AND d.deleted_at IS NULL AND p.deleted_at IS NULL "
    "AND d.stage_changed_at >= :start AND d.stage_changed_at < :end"
)
LIFETIME = (
    "SELECT prospect_id, count(*), coalesce(sum(value_minor), 0) FROM deals "
    "WHERE stage = 'won' AND deleted_at IS NULL AND prospect_id IN ({ids}) GROUP BY prospect_id"
)
TOP = 10


class SourceRevenue(BaseModel):
    """Revenue of the period by source (a promotion's name or a lead source)."""

    source: str
    first_minor: int = 0
    repeat_minor: int = 0
    credited_minor: int = 0
    """The part of ``repeat_minor`` credited from the customers' original source."""


class Customer(BaseModel):
    prospect_id: int
    name: str
    company: str | None
    won: int
    """Deals won in the period."""
    revenue_minor: int
    lifetime_won: int
    lifetime_minor: int


class Repeat(BaseModel):
    first_deals: int = 0
    first_minor: int = 0
    repeat_deals: int = 0
    repeat_minor: int = 0
    credited_deals: int = 0
    """Repeat deals without a source of their own, credited to their customer's source."""
    customers: int = 0
    repeat_customers: int = 0
    """Customers of the period who had bought before."""
    by_source: list[SourceRevenue] = []
    top_customers: list[Customer] = []

    @property
    def repeat_share(self) -> float | None:
        total = self.first_minor + self.repeat_minor
        return self.repeat_minor / total if total else None


def build_repeat(store: Store, params: dict[str, str]) -> Repeat:
    names = {int(row[0]): str(row[1]) for row in store.query("SELECT id, name FROM promotions")}

    def label(source: str | None, promotion_id: int | None) -> str:
        if promotion_id is not None and promotion_id in names:
            return names[promotion_id]
        return source or "other"

    result = Repeat()
    sources: dict[str, SourceRevenue] = {}
    people: dict[int, Customer] = {}
    repeaters: set[int] = set()
    for _id, pid, value, own, own_promo, orig, orig_promo, name, company, repeat in store.query(
        WON, params
    ):
        credited = own is None and own_promo is None
        key = label(orig, orig_promo) if credited else label(own, own_promo)
        entry = sources.setdefault(key, SourceRevenue(source=key))
        if repeat:
            result.repeat_deals += 1
            result.repeat_minor += value
            entry.repeat_minor += value
            repeaters.add(pid)
            if credited:
                result.credited_deals += 1
                entry.credited_minor += value
        else:
            result.first_deals += 1
            result.first_minor += value
            entry.first_minor += value
        customer = people.get(pid)
        if customer is None:
            customer = people[pid] = Customer(
                prospect_id=pid, name=name, company=company, won=0, revenue_minor=0,
                lifetime_won=0, lifetime_minor=0,
            )  # fmt: skip
        customer.won += 1
        customer.revenue_minor += value
    result.customers, result.repeat_customers = len(people), len(repeaters)
    result.by_source = sorted(
        sources.values(), key=lambda s: (-(s.first_minor + s.repeat_minor), s.source.lower())
    )
    top = sorted(people.values(), key=lambda c: (-c.revenue_minor, c.name.lower()))[:TOP]
    if top:
        ids = ",".join(str(c.prospect_id) for c in top)  # ints from the database
        for pid, won, revenue in store.query(LIFETIME.format(ids=ids)):
            people[int(pid)].lifetime_won = int(won)
            people[int(pid)].lifetime_minor = int(revenue)
    result.top_customers = top
    return result

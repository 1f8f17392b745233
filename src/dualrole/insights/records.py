"""The records behind an insight: which leads, deals, results or moves make up a figure.

Pure domain code (no Textual). A figure is named by a :class:`FigureRef` — its section
(``group``, ``totals``, ``funnel``, ``lost``, ``forecast``, ``week``), the row's key and the
measure. :func:`records_behind` returns one page of :class:`~dualrole.review.records.Record`
rows and :func:`count_behind` how many there are, following the definitions of
:mod:`dualrole.insights` (same period boundaries, same trash rules):

- a group's (or the totals') leads, conversion and cost per lead → its leads; won, revenue,
  cost per customer, ROI and median days → its won leads; spend → its promotion results;
- a funnel stage's entered, conversion and median days → the moves into it in the period;
  advanced / lost / still there → those moves whose next move advanced / was to lost / that
  have no next move;
- a lost reason → the deals lost in the period for that reason;
- a forecast stage → its open deals now, largest first (the forecast total: all open deals);
- a week → the leads created in it (pass that week's own :class:`Period`, e.g. from
  ``Period.weeks()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dualrole.core.enums import OPEN_STAGES, STAGE_ORDER
from dualrole.core.money import money_sql, show_amounts
from dualrole.insights.build import rank
from dualrole.insights.model import BY, Period
from dualrole.review.records import PROSPECT_DETAIL, Record, RecordKind
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store

Section = Literal["group", "totals", "funnel", "lost", "forecast", "week"]
PAGE = 100
WON_MEASURES = {"won", "revenue", "cost_per_customer", "roi", "median_days_to_won"}
FUNNEL_MEASURES = {"entered", "advanced", "conversion", "median_days", "lost", "still_there"}
LIVE_SEGMENT = "(SELECT s.id FROM segments s WHERE s.deleted_at IS NULL AND s.id = {})"


@dataclass(frozen=True)
class FigureRef:
    """Which figure: ``section``, the row (``by`` + ``key``, a stage, a reason) and measure."""

    section: Section
    key: str = ""
    measure: str = "leads"
    by: str = "channel"


def _leads(where: str, won: bool) -> str:
    return (
        f"SELECT p.id, p.created_at, p.name, {PROSPECT_DETAIL}, p.id FROM prospects p "
        "JOIN promotions m ON m.id = p.promotion_id AND m.deleted_at IS NULL "
        "WHERE p.deleted_at IS NULL AND p.created_at >= :start AND p.created_at < :end"
        + (" AND p.stage = 'won'" if won else "")
        + where
    )


def _results(where: str) -> str:
    return (
        "SELECT r.id, r.day, m.name, m.channel || ' · spend ' || "
        + money_sql("coalesce(r.spend_minor, 0)")
        + " || ' · reach ' || r.reach, NULL "
        "FROM promotion_results r JOIN promotions m ON m.id = r.promotion_id "
        "WHERE m.deleted_at IS NULL AND r.day >= :start_day AND r.day < :end_day "
        "AND coalesce(r.spend_minor, 0) > 0" + where
    )


def _group_filter(by: str, key: str, *, lead: bool) -> tuple[str, dict[str, object]]:
    if by == "channel":
        return " AND m.channel = :key", {"key": key}
    if by == "promotion":
        return " AND m.id = :key", {"key": int(key)}
    if by != "segment":
        raise ValueError(f"{by!r} is not a breakdown; use one of {', '.join(BY)}")
    column = "coalesce(p.segment_id, m.segment_id)" if lead else "m.segment_id"
    segment = LIVE_SEGMENT.format(column)
    if key == "":
        return f" AND {segment} IS NULL", {}
    return f" AND {segment} = :key", {"key": int(key)}


NEXT = (
    "(SELECT n.to_stage FROM stage_changes n WHERE n.prospect_id = c.prospect_id "
    "AND (n.changed_at > c.changed_at OR (n.changed_at = c.changed_at AND n.id > c.id)) "
    "ORDER BY n.changed_at, n.id LIMIT 1)"
)


def _moves(measure: str) -> str:
    where = {
        "advanced": f" AND {rank(NEXT, -1)} > {rank('c.to_stage', 99)}",
        "lost": f" AND {NEXT} = 'lost'",
        "still_there": f" AND {NEXT} IS NULL",
    }.get(measure, "")
    return (
        "SELECT c.id, c.changed_at, p.name, coalesce(c.from_stage, '—') || ' → ' || c.to_stage "
        "|| ' · now ' || p.stage, p.id FROM stage_changes c "
        "JOIN prospects p ON p.id = c.prospect_id WHERE p.deleted_at IS NULL "
        "AND c.changed_at >= :start AND c.changed_at < :end AND c.to_stage = :stage" + where
    )


def _spec(ref: FigureRef) -> tuple[RecordKind, str, str, dict[str, object]]:
    """(kind, SELECT id, when, title, detail, prospect_id …, ORDER BY, extra params)."""
    if ref.section in ("group", "totals"):
        params: dict[str, object] = {}
        where = ""
        if ref.section == "group":
            where, params = _group_filter(ref.by, ref.key, lead=ref.measure != "spend")
        if ref.measure == "spend":
            return "result", _results(where), "2 DESC, 1 DESC", params
        return "prospect", _leads(where, ref.measure in WON_MEASURES), "2 DESC, 1 DESC", params
    if ref.section == "week":
        return "prospect", _leads("", False), "2 DESC, 1 DESC", {}
    if ref.section == "funnel":
        if ref.key not in {stage.value for stage in STAGE_ORDER}:
            raise ValueError(f"{ref.key!r} is not a funnel stage")
        if ref.measure not in FUNNEL_MEASURES:
            raise ValueError(f"{ref.measure!r} is not a funnel figure")
        return "stage_change", _moves(ref.measure), "2 DESC, 1 DESC", {"stage": ref.key}
    if ref.section == "lost":
        sql = (
            f"SELECT p.id, p.stage_changed_at, p.name, {PROSPECT_DETAIL} || ' · ' || "
            "coalesce(p.lost_reason, ''), p.id FROM prospects p "
            "LEFT JOIN promotions m ON m.id = p.promotion_id "
            "WHERE p.deleted_at IS NULL AND p.stage = 'lost' AND p.stage_changed_at >= :start "
            "AND p.stage_changed_at < :end AND lower(trim(coalesce(p.lost_reason, ''))) = :key"
        )
        return "prospect", sql, "2 DESC, 1 DESC", {"key": ref.key}
    if ref.section == "forecast":
        stages = [stage.value for stage in OPEN_STAGES]
        if ref.key and ref.key not in stages:
            raise ValueError(f"{ref.key!r} is not an open stage")
        chosen = [ref.key] if ref.key else stages
        marks = ", ".join(f"'{stage}'" for stage in chosen)
        sql = (
            f"SELECT p.id, p.stage_changed_at, p.name, {PROSPECT_DETAIL}, p.id FROM prospects p "
            f"LEFT JOIN promotions m ON m.id = p.promotion_id "
            f"WHERE p.deleted_at IS NULL AND p.stage IN ({marks})"
        )
        return "prospect", sql, "p.value_minor IS NULL, p.value_minor DESC, 1", {}
    raise ValueError(f"{ref.section!r} is not an insights section")


def _params(period: Period, extra: dict[str, object]) -> dict[str, object]:
    return {**period.params(), **extra}


def count_behind(store: Store, ref: FigureRef, period: Period) -> int:
    """How many records :func:`records_behind` can list for ``ref`` in ``period``."""
    _kind, sql, _order, extra = _spec(ref)
    return int(store.scalar(f"SELECT count(*) FROM ({sql})", _params(period, extra)) or 0)


def records_behind(
    store: Store, ref: FigureRef, period: Period, *, offset: int = 0, limit: int = PAGE
) -> list[Record]:
    """One page (at most ``limit``, capped at 500) of the records behind ``ref``."""
    kind, sql, order, extra = _spec(ref)
    params = {**_params(period, extra), "limit": max(0, min(limit, 500)), "offset": max(0, offset)}
    rows = store.query(f"{sql} ORDER BY {order} LIMIT :limit OFFSET :offset", params)
    currency = workspace_currency(store)
    return [
        Record(
            kind,
            int(row[0]),
            str(row[1] or ""),
            str(row[2] or ""),
            show_amounts(str(row[3] or ""), currency),
            None if row[4] is None else int(row[4]),
        )
        for row in rows
    ]

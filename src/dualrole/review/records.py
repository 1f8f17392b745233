"""The records behind a review figure: which notes, prospects, follow-ups… make up a number.

Pure domain code (no Textual). :func:`records_behind` returns one page of the records that a
metric of the week starting ``monday`` counts, :func:`count_behind` how many there are; both
follow the definitions of :mod:`dualrole.review` and the SQL of :mod:`dualrole.review.data`
(same week boundaries, same trash rules). Pages are read with ``LIMIT/OFFSET`` on the same
index ranges the figures use, so a drill-down is as fast at 1M interactions as at 1,000.

Ratios list the records of both their parts (conversion: the deals won and lost; tasks due
done: the tasks due), cost per lead lists the week's leads, and the open pipeline lists the
open deals now, largest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dualrole.core.dates import clock
from dualrole.core.models import OPEN_STAGES
from dualrole.core.money import money_sql, show_amounts
from dualrole.review.data import ADVANCE, Window
from dualrole.review.model import BY_KEY
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store

RecordKind = Literal[
    "prospect",
    "interaction",
    "followup",
    "research_note",
    "promotion",
    "result",
    "task",
    "stage_change",
]
PAGE = 100
LIVE_PROSPECT = "p.deleted_at IS NULL"


@dataclass(frozen=True)
class Record:
    """One row behind a figure, ready to show: when, what, and a short detail."""

    kind: RecordKind
    id: int
    when: str
    """The moment (UTC, as stored) or the day (ISO) that put the record in the week."""
    title: str
    detail: str
    prospect_id: int | None = None
    """The prospect the record belongs to (opens its page), if any."""


@dataclass(frozen=True)
class Spec:
    kind: RecordKind
    sql: str
    """``SELECT id, when, title, detail, prospect_id …`` with ``:start``/``:end`` etc."""
    order: str


PROSPECT_DETAIL = (
    "p.stage || CASE WHEN p.value_minor THEN ' · ' || "
    + money_sql("p.value_minor", "p.currency")
    + " ELSE '' END || coalesce(' · ' || m.name, '')"
)
"""A deal's stage, value and promotion; the value is shown by
:func:`~dualrole.core.money.show_amounts` (:func:`records_behind`), like every amount of the app."""


def _prospects(where: str) -> str:
    return (
        f"SELECT p.id, p.created_at, p.name, {PROSPECT_DETAIL}, p.id "
        "FROM prospects p LEFT JOIN promotions m ON m.id = p.promotion_id "
        f"WHERE p.deleted_at IS NULL AND {where}"
    )


def _changes(where: str) -> str:
    return (
        "SELECT c.id, c.changed_at, p.name, coalesce(c.from_stage, '—') || ' → ' || c.to_stage "
        "|| ' · ' || p.stage, p.id FROM stage_changes c JOIN prospects p ON p.id = c.prospect_id "
        f"WHERE {LIVE_PROSPECT} AND c.changed_at >= :start AND c.changed_at < :end AND {where}"
    )


def _followups(where: str) -> str:
    return (
        "SELECT f.id, f.due_date, f.title, p.name || ' · ' || CASE WHEN f.done_at IS NULL "
        "THEN 'open' ELSE 'done ' || substr(f.done_at, 1, 10) END, p.id FROM followups f "
        f"JOIN prospects p ON p.id = f.prospect_id WHERE f.deleted_at IS NULL AND {LIVE_PROSPECT} "
        f"AND {where}"
    )


def _tasks(where: str) -> str:
    return (
        "SELECT id, coalesce(due_date, ''), title, CASE WHEN done_at IS NULL THEN 'open' "
        "ELSE 'done ' || substr(done_at, 1, 10) END, NULL FROM marketing_tasks "
        f"WHERE deleted_at IS NULL AND {where}"
    )


def _promotions(where: str) -> str:
    return (
        "SELECT id, coalesce(launched_at, created_at), name, channel || ' · ' || status, NULL "
        f"FROM promotions WHERE deleted_at IS NULL AND launched_at IS NOT NULL AND {where}"
    )


NOTES = Spec(
    "research_note",
    "SELECT id, created_at, title, kind || ' · ' || source, prospect_id FROM research_notes "
    "WHERE deleted_at IS NULL AND created_at >= :start AND created_at < :end",
    "2 DESC, 1 DESC",
)
RESULTS = Spec(
    "result",
    "SELECT r.id, r.day, m.name, 'reach ' || r.reach || ' · engagement ' || r.engagement || "
    "' · clicks ' || r.clicks || ' · spend ' || "
    + money_sql("coalesce(r.spend_minor, 0)", "m.currency")
    + ", NULL "
    "FROM promotion_results r JOIN promotions m ON m.id = r.promotion_id "
    "WHERE m.deleted_at IS NULL AND r.day >= :start_day AND r.day < :end_day",
    "2 DESC, 1 DESC",
)
LEADS = Spec(
    "prospect",
    _prospects("p.created_at >= :start AND p.created_at < :end AND p.promotion_id IS NOT NULL"),
    "2 DESC, 1 DESC",
)
ADDED = Spec(
    "prospect", _prospects("p.created_at >= :start AND p.created_at < :end"), "2 DESC, 1 DESC"
)
TASKS_DUE = Spec("task", _tasks("due_date >= :start_day AND due_date < :end_day"), "2, 1")
FOLLOWUPS_DUE = Spec(
    "followup", _followups("f.due_date >= :start_day AND f.due_date < :end_day"), "2, 1"
)
DEAL_DETAIL = (
    "d.title || ' · ' || d.stage || CASE WHEN d.value_minor THEN ' · ' || "
    + money_sql("d.value_minor", "d.currency")
    + " ELSE '' END || coalesce(' · ' || m.name, '')"
)
WON = Spec(  # distinct deals, as data.py counts them (a customer's second sale too)
    "prospect",
    f"SELECT p.id, max(c.changed_at), p.name, {DEAL_DETAIL}, p.id FROM stage_changes c "
    "JOIN deals d ON d.id = c.deal_id JOIN prospects p ON p.id = d.prospect_id "
    "LEFT JOIN promotions m ON m.id = coalesce(d.promotion_id, p.promotion_id) "
    "WHERE p.deleted_at IS NULL AND d.deleted_at IS NULL AND c.to_stage = 'won' "
    "AND c.changed_at >= :start AND c.changed_at < :end GROUP BY d.id",
    "2 DESC, 1 DESC",
)
OPEN_LIST = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)

SPECS: dict[str, Spec] = {
    "research_notes": NOTES,
    "promotions_launched": Spec(
        "promotion", _promotions("launched_at >= :start AND launched_at < :end"), "2 DESC, 1 DESC"
    ),
    "promotions_running": Spec(
        "promotion",
        _promotions(
            "status != 'cancelled' AND launched_at < :end AND "
            "(finished_at IS NULL OR finished_at >= :start)"
        ),
        "2 DESC, 1 DESC",
    ),
    "promotions_finished": Spec(
        "promotion", _promotions("finished_at >= :start AND finished_at < :end"), "2 DESC, 1 DESC"
    ),
    "reach": RESULTS,
    "engagement": RESULTS,
    "clicks": RESULTS,
    "spend": RESULTS,
    "leads": LEADS,
    "cost_per_lead": LEADS,
    "tasks_due": TASKS_DUE,
    "task_completion": TASKS_DUE,
    "tasks_done": Spec("task", _tasks("done_at >= :start AND done_at < :end"), "2, 1"),
    "prospects_added": ADDED,
    "lead_to_won": ADDED,
    "interactions": Spec(
        "interaction",
        "SELECT i.id, i.occurred_at, p.name, i.kind || ' · ' || coalesce(i.summary, ''), p.id "
        "FROM interactions i JOIN prospects p ON p.id = i.prospect_id "
        f"WHERE i.deleted_at IS NULL AND {LIVE_PROSPECT} "
        "AND i.occurred_at >= :start AND i.occurred_at < :end",
        "2 DESC, 1 DESC",
    ),
    "followups_due": FOLLOWUPS_DUE,
    "followup_completion": FOLLOWUPS_DUE,
    "followups_done": Spec(
        "followup", _followups("f.done_at >= :start AND f.done_at < :end"), "2, 1"
    ),
    "followups_overdue": Spec(
        "followup",
        _followups("f.due_date < :ref_day AND (f.done_at IS NULL OR f.done_at > :ref)"),
        "2, 1",
    ),
    "stage_advances": Spec(
        "stage_change",
        _changes(ADVANCE.replace("to_stage", "c.to_stage").replace("from_stage", "c.from_stage")),
        "2 DESC, 1 DESC",
    ),
    "deals_won": WON,
    "revenue": WON,
    "deals_lost": Spec("stage_change", _changes("c.to_stage = 'lost'"), "2 DESC, 1 DESC"),
    "win_rate": Spec("stage_change", _changes("c.to_stage IN ('won', 'lost')"), "2 DESC, 1 DESC"),
    "pipeline_open": Spec(
        "prospect", _prospects(f"p.stage IN ({OPEN_LIST})"), "p.value_minor DESC, 1"
    ),
    "pipeline_weighted": Spec(
        "prospect", _prospects(f"p.stage IN ({OPEN_LIST})"), "p.value_minor DESC, 1"
    ),
}


def _params(monday: dt.date) -> dict[str, str]:
    window = Window(monday - dt.timedelta(days=monday.weekday()), 0)
    (start, end), (start_day, end_day) = window.moments, window.days
    now, today = clock.to_db(clock.now()), clock.today().isoformat()
    return {
        "start": start,
        "end": end,
        "start_day": start_day,
        "end_day": end_day,
        "ref": min(now, end),
        "ref_day": min(today, end_day),
    }


def _spec(metric: str) -> Spec:
    if metric not in SPECS:
        known = ", ".join(sorted(BY_KEY))
        raise ValueError(f"{metric!r} is not a review metric; known metrics: {known}")
    return SPECS[metric]


def count_behind(store: Store, metric: str, monday: dt.date) -> int:
    """How many records :func:`records_behind` can list for ``metric`` in that week."""
    spec = _spec(metric)
    return int(store.scalar(f"SELECT count(*) FROM ({spec.sql})", _params(monday)) or 0)


def records_behind(
    store: Store, metric: str, monday: dt.date, *, offset: int = 0, limit: int = PAGE
) -> list[Record]:
    """One page (at most ``limit``, capped at 500) of the records behind ``metric``."""
    spec = _spec(metric)
    params = {**_params(monday), "limit": max(0, min(limit, 500)), "offset": max(offset, 0)}
    rows = store.query(f"{spec.sql} ORDER BY {spec.order} LIMIT :limit OFFSET :offset", params)
    currency = workspace_currency(store)
    return [
        Record(
            spec.kind,
            int(row[0]),
            str(row[1] or ""),
            str(row[2] or ""),
            show_amounts(str(row[3] or ""), currency),
            None if row[4] is None else int(row[4]),
        )
        for row in rows
    ]

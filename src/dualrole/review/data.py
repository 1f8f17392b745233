"""The review's SQL: every figure of a week and of the weeks before it, aggregated in SQLite.

Every figure is an aggregate over an index range: one small query per table and week (the
reviewed week and the ``WEEKS_BEFORE`` weeks before it). Measured on 1M interactions, nine
range counts cost 6× less than one query grouping the same rows by week with a ``CASE``,
because a range count only walks index entries. Week boundaries are local midnights as UTC
text (moments) or local ISO days (day columns); rows are never turned into models. Only
placeholders carry values into SQL; the fixed stage names come from the enums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dualrole.core.dates import clock
from dualrole.core.models import OPEN_STAGES, STAGE_ORDER, STAGE_WEIGHT, ResearchKind
from dualrole.core.money import round_minor
from dualrole.review.model import WEEKS_BEFORE
from dualrole.storage.db import Store

TRASHED = " AND prospect_id NOT IN (SELECT id FROM prospects WHERE deleted_at IS NOT NULL)"
_RANK = " ".join(f"WHEN '{stage.value}' THEN {rank}" for rank, stage in enumerate(STAGE_ORDER))
ADVANCE = f"(CASE to_stage {_RANK} ELSE -1 END) > (CASE from_stage {_RANK} ELSE 99 END)"


@dataclass(frozen=True)
class Window:
    """The reviewed week and ``before`` weeks before it: ``n + 1`` boundaries."""

    monday: dt.date
    before: int = WEEKS_BEFORE

    @property
    def n(self) -> int:
        return self.before + 1

    @property
    def mondays(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(weeks=i - self.before) for i in range(self.n + 1)]

    @property
    def moments(self) -> list[str]:
        return [clock.to_db(clock.local_day_start(day)) for day in self.mondays]

    @property
    def days(self) -> list[str]:
        return [day.isoformat() for day in self.mondays]


@dataclass
class Figures:
    """Raw figures per week (lists, oldest first) plus the reviewed week's details."""

    n: int
    series: dict[str, list[float]] = field(default_factory=dict)
    has_records: list[bool] = field(default_factory=list)
    """False for a week that ended before the workspace's first record."""
    notes_by_kind: dict[str, int] = field(default_factory=dict)
    leads_by_promotion: list[tuple[str, int]] = field(default_factory=list)
    leads_by_channel: list[tuple[str, int]] = field(default_factory=list)
    feedback_titles: list[str] = field(default_factory=list)
    pipeline_open: int = 0
    pipeline_weighted: int = 0
    open_deals: int = 0

    def put(self, key: str, index: int, value: float | None) -> None:
        self.series.setdefault(key, [0.0] * self.n)[index] = float(value or 0)

    def get(self, key: str) -> list[float]:
        return self.series.get(key, [0.0] * self.n)


FIRST_RECORD_SOURCES = (
    ("prospects", "created_at"),
    ("interactions", "occurred_at"),
    ("research_notes", "created_at"),
    ("promotions", "created_at"),
    ("promotion_results", "created_at"),
    ("marketing_tasks", "created_at"),
    ("focus_sessions", "started_at"),
)


def first_record(store: Store) -> str | None:
    """The UTC moment of the workspace's earliest record (each an indexed ``min``)."""
    found = [
        store.scalar(f"SELECT min({column}) FROM {table}") for table, column in FIRST_RECORD_SOURCES
    ]
    known = [str(value) for value in found if value]
    return min(known) if known else None


# (figure keys, SQL, bounds): ?1/?2 are the week's start and end as moments or days;
# "days+end" adds ?3, the week's end as a moment. {trashed} skips prospects in the trash.
WEEKLY: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("_results", "reach", "engagement", "clicks", "spend"),
        "SELECT count(*), sum(reach), sum(engagement), sum(clicks), sum(spend_minor) "
        "FROM promotion_results WHERE day >= ?1 AND day < ?2 "
        "AND promotion_id IN (SELECT id FROM promotions WHERE deleted_at IS NULL)",
        "days",
    ),
    (
        ("tasks_due", "_tasks_due_done"),
        "SELECT count(*), sum(done_at < ?3) FROM marketing_tasks "
        "WHERE due_date >= ?1 AND due_date < ?2 AND deleted_at IS NULL",
        "days+end",
    ),
    (
        ("tasks_done",),
        "SELECT count(*) FROM marketing_tasks WHERE done_at >= ?1 AND done_at < ?2 "
        "AND deleted_at IS NULL",
        "moments",
    ),
    (
        ("prospects_added", "leads", "_cohort_won"),
        "SELECT count(*), count(promotion_id), sum(stage = 'won') FROM prospects "
        "WHERE created_at >= ?1 AND created_at < ?2 AND deleted_at IS NULL",
        "moments",
    ),
    (
        ("interactions",),
        "SELECT count(*) FROM interactions WHERE occurred_at >= ?1 AND occurred_at < ?2 "
        "AND deleted_at IS NULL{trashed}",
        "moments",
    ),
    (
        ("followups_due", "_followups_due_done"),
        "SELECT count(*), sum(done_at < ?3) FROM followups "
        "WHERE due_date >= ?1 AND due_date < ?2 AND deleted_at IS NULL{trashed}",
        "days+end",
    ),
    (
        ("followups_done",),
        "SELECT count(*) FROM followups WHERE done_at >= ?1 AND done_at < ?2 "
        "AND deleted_at IS NULL{trashed}",
        "moments",
    ),
    (
        ("stage_advances", "deals_lost", "_stage_changes"),
        f"SELECT sum({ADVANCE}), sum(to_stage = 'lost'), count(from_stage) FROM stage_changes "
        "WHERE changed_at >= ?1 AND changed_at < ?2{trashed}",
        "moments",
    ),
    (
        ("deals_won", "revenue"),
        # deals won, not people: a customer's second sale counts (issue 27)
        "SELECT count(*), sum(d.value_minor) FROM (SELECT DISTINCT deal_id FROM "
        "stage_changes WHERE changed_at >= ?1 AND changed_at < ?2 AND to_stage = 'won') AS w "
        "JOIN deals d ON d.id = w.deal_id WHERE d.deleted_at IS NULL",
        "moments",
    ),
    (
        ("research_notes", "_feedback"),
        "SELECT count(*), sum(kind = 'feedback') FROM research_notes "
        "WHERE created_at >= ?1 AND created_at < ?2 AND deleted_at IS NULL",
        "moments",
    ),
]


def collect(store: Store, monday: dt.date, *, before: int = WEEKS_BEFORE) -> Figures:
    """Every figure of the week starting ``monday`` and of the ``before`` weeks before it."""
    window = Window(monday, before)
    n, moments, days = window.n, window.moments, window.days
    figures = Figures(n=n)
    first = first_record(store)
    figures.has_records = [first is not None and first < moments[i + 1] for i in range(n)]
    has_trash = store.scalar("SELECT 1 FROM prospects WHERE deleted_at IS NOT NULL LIMIT 1")
    trashed = TRASHED if has_trash else ""
    _weekly(store, figures, moments, days, trashed)
    _notes_by_kind(store, figures, moments)
    _promotions(store, figures, moments)
    _overdue(store, figures, moments, days, trashed)
    _leads_by_source(store, figures, moments)
    _open_pipeline(store, figures)
    _feedback(store, figures, moments)
    return figures


def _weekly(
    store: Store, figures: Figures, moments: list[str], days: list[str], trashed: str
) -> None:
    """The ``WEEKLY`` figures: one aggregate row per query and week."""
    for keys, sql, bounds in WEEKLY:
        sql = sql.replace("{trashed}", trashed)
        for i in range(figures.n):
            if bounds == "moments":
                params: tuple[str, ...] = (moments[i], moments[i + 1])
            elif bounds == "days":
                params = (days[i], days[i + 1])
            else:
                params = (days[i], days[i + 1], moments[i + 1])
            row = store.query(sql, params)[0]
            for key, value in zip(keys, row, strict=True):
                figures.put(key, i, value)


def _notes_by_kind(store: Store, figures: Figures, moments: list[str]) -> None:
    """The reviewed week's research notes per kind, in the kinds' order."""
    week_t, end_t = moments[-2], moments[-1]
    for kind, count in store.query(
        "SELECT kind, count(*) FROM research_notes WHERE created_at >= ? AND created_at < ? "
        "AND deleted_at IS NULL GROUP BY kind",
        (week_t, end_t),
    ):
        figures.notes_by_kind[kind] = count
    figures.notes_by_kind = {
        k.value: figures.notes_by_kind[k.value] for k in ResearchKind if k in figures.notes_by_kind
    }


def _promotions(store: Store, figures: Figures, moments: list[str]) -> None:
    """Promotions launched, running and finished (the table is small: one read)."""
    put, get = figures.put, figures.get
    for status, launched, finished in store.query(
        "SELECT status, launched_at, finished_at FROM promotions WHERE deleted_at IS NULL "
        "AND launched_at IS NOT NULL AND launched_at < ? "
        "AND (finished_at IS NULL OR finished_at >= ?)",
        (moments[-1], moments[0]),
    ):
        for i in range(figures.n):
            start, end = moments[i], moments[i + 1]
            if start <= launched < end:
                put("promotions_launched", i, get("promotions_launched")[i] + 1)
            if finished and start <= finished < end:
                put("promotions_finished", i, get("promotions_finished")[i] + 1)
            if status != "cancelled" and launched < end and (not finished or finished >= start):
                put("promotions_running", i, get("promotions_running")[i] + 1)


def _overdue(
    store: Store, figures: Figures, moments: list[str], days: list[str], trashed: str
) -> None:
    """Follow-ups overdue at each week's end (or now, for the current week)."""
    now_t, today = clock.to_db(clock.now()), clock.today().isoformat()
    live = f"deleted_at IS NULL{trashed}"
    for i in range(figures.n):
        ref_t, ref_d = min(now_t, moments[i + 1]), min(today, days[i + 1])
        still_open = store.scalar(
            f"SELECT count(*) FROM followups WHERE done_at IS NULL AND due_date < ? AND {live}",
            (ref_d,),
        )
        done_later = store.scalar(
            f"SELECT count(*) FROM followups WHERE done_at > ? AND due_date < ? AND {live}",
            (ref_t, ref_d),
        )
        figures.put("followups_overdue", i, int(still_open or 0) + int(done_later or 0))


def _leads_by_source(store: Store, figures: Figures, moments: list[str]) -> None:
    """The reviewed week's leads by promotion and by channel."""
    channels: dict[str, int] = {}
    for name, channel, count in store.query(
        "SELECT m.name, m.channel, count(*) FROM prospects p JOIN promotions m "
        "ON m.id = p.promotion_id WHERE p.created_at >= ? AND p.created_at < ? "
        "AND p.deleted_at IS NULL GROUP BY m.id ORDER BY count(*) DESC, m.name, m.id",
        (moments[-2], moments[-1]),
    ):
        figures.leads_by_promotion.append((name, count))
        channels[channel] = channels.get(channel, 0) + count
    figures.leads_by_channel = sorted(channels.items(), key=lambda item: (-item[1], item[0]))


def _open_pipeline(store: Store, figures: Figures) -> None:
    """The open pipeline as it stands now: deals, value, value weighted by stage."""
    weights = " ".join(f"WHEN '{stage.value}' THEN {STAGE_WEIGHT[stage]}" for stage in OPEN_STAGES)
    marks = ", ".join("?" for _ in OPEN_STAGES)
    row = store.query(
        "SELECT count(*), coalesce(sum(value_minor), 0), "
        f"coalesce(sum(value_minor * (CASE stage {weights} ELSE 0 END)), 0) "
        # covering; the planner chose the board's index (stage, person): 35 → 355 ms at 150k
        "FROM deals INDEXED BY deals_by_stage "
        f"WHERE deleted_at IS NULL AND stage IN ({marks})",
        [stage.value for stage in OPEN_STAGES],
    )[0]
    figures.open_deals, figures.pipeline_open = int(row[0]), int(row[1])
    figures.pipeline_weighted = round_minor(row[2])


def _feedback(store: Store, figures: Figures, moments: list[str]) -> None:
    """Handoff: the reviewed week's feedback notes, with titles."""
    figures.feedback_titles = [
        str(r[0])
        for r in store.query(
            "SELECT title FROM research_notes WHERE kind = 'feedback' AND created_at >= ? "
            "AND created_at < ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT 50",
            (moments[-2], moments[-1]),
        )
    ]

"""The weekly review's vocabulary: the metric catalogue, default targets, and the models.

No I/O here. Every metric has a key (stable: JSON, CSV and the ``targets`` table use it),
a side, a label, a unit and a direction. Values are kept in the metric's unit everywhere —
counts as integers, money as integer minor units (cents), rates as percent 0–100, hours as
hours — and targets are stored in that same unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from dualrole.core.models import Side
from dualrole.core.money import format_money

WEEKS_BEFORE = 8  # the trend: this many weeks before the reviewed one


class Grade(StrEnum):
    met = "met"
    partial = "partial"
    missed = "missed"
    in_progress = "in progress"
    """This week, not reached yet: the days to come may still reach it."""
    not_started = "not started"
    """A week that has not begun: nothing to grade yet."""


Status = Literal["ended", "in progress", "not started"]
"""Where a week stands today: graded for good, graded so far, or not begun."""


Unit = Literal["count", "money", "percent"]
Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class MetricDef:
    key: str
    side: Side
    label: str
    unit: Unit = "count"
    better: Better = "higher"
    default_target: float | None = None
    trend: bool = True  # False: a snapshot that has no history


M, S = Side.marketing, Side.sales
CATALOGUE: tuple[MetricDef, ...] = (
    MetricDef("research_notes", M, "research notes", default_target=2),
    MetricDef("promotions_launched", M, "promotions launched"),
    MetricDef("promotions_running", M, "promotions running", default_target=1),
    MetricDef("promotions_finished", M, "promotions finished"),
    MetricDef("reach", M, "reach logged", default_target=5000),
    MetricDef("engagement", M, "engagement logged", default_target=250),
    MetricDef("clicks", M, "clicks logged"),
    MetricDef("leads", M, "leads generated", default_target=5),
    MetricDef("spend", M, "spend", unit="money"),
    MetricDef("cost_per_lead", M, "cost per lead", "money", "lower", default_target=5000),
    MetricDef("tasks_due", M, "marketing tasks due"),
    MetricDef("tasks_done", M, "marketing tasks done"),
    MetricDef("task_completion", M, "tasks due done", "percent", default_target=100),
    MetricDef("prospects_added", S, "prospects added", default_target=3),
    MetricDef("interactions", S, "interactions", default_target=15),
    MetricDef("followups_due", S, "follow-ups due"),
    MetricDef("followups_done", S, "follow-ups done"),
    MetricDef("followup_completion", S, "follow-ups due done", "percent", default_target=100),
    MetricDef("followups_overdue", S, "follow-ups overdue", better="lower", default_target=0),
    MetricDef("stage_advances", S, "stage advances", default_target=3),
    MetricDef("deals_won", S, "deals won", default_target=1),
    MetricDef("revenue", S, "revenue won", unit="money"),
    MetricDef("deals_lost", S, "deals lost"),
    MetricDef("win_rate", S, "conversion (won ÷ closed)", "percent", default_target=30),
    MetricDef("lead_to_won", S, "lead → won (added this week)", "percent"),
    MetricDef("pipeline_open", S, "open pipeline", unit="money", trend=False),
    MetricDef("pipeline_weighted", S, "weighted pipeline", unit="money", trend=False),
)
BY_KEY = {metric.key: metric for metric in CATALOGUE}


class Metric(BaseModel):
    """One metric of one week, graded against its target."""

    key: str
    side: Side
    label: str
    unit: Unit
    better: Better
    actual: float | None
    """None when it cannot be computed (division by zero, no data): shown as "—"."""
    detail: str = ""
    """Plain text that explains the figure, e.g. "2 consumer, 1 product"."""
    target: float | None = None
    grade: Grade | None = None
    credit: float | None = None
    """0–1: how much of the target was reached (what the side's score averages)."""
    reason: str = ""
    previous: list[float | None] = Field(default_factory=list)
    """The same metric for the previous weeks, oldest first."""


class SideScore(BaseModel):
    side: Side
    score: int | None
    """0–100, the average credit of the graded metrics; None when nothing was graded."""
    reasons: list[str]


class Count(BaseModel):
    name: str
    count: int


class Handoff(BaseModel):
    leads: int
    """Marketing → sales: prospects created in the week with a promotion as source."""
    leads_by_promotion: list[Count]
    leads_by_channel: list[Count]
    feedback: int
    """Sales → marketing: feedback research notes created in the week."""
    feedback_titles: list[str]


class Balance(BaseModel):
    marketing_actions: int
    sales_actions: int
    marketing_share: float | None
    """Percent of the week's actions that were marketing; None for an idle week."""
    marketing_hours: float
    sales_hours: float
    marketing_hours_share: float | None
    target_marketing_share: float
    """Percent of the effort meant for marketing (setting ``target_split_marketing``)."""


class ReflectionText(BaseModel):
    went_well: str = ""
    to_improve: str = ""
    focus_next: str = ""


class WeeklyReview(BaseModel):
    week: str
    monday: dt.date
    sunday: dt.date
    previous_weeks: list[str]
    """Labels of the trend weeks, oldest first (matches ``Metric.previous``)."""
    currency: str
    currency_note: str = ""
    """One sentence when deal amounts in other currencies are added up as if in ``currency``
    (nothing is converted); empty when every deal is in it."""
    status: Status = "ended"
    """``in progress`` for the current week (grades so far), ``not started`` for a later one."""
    marketing: list[Metric]
    sales: list[Metric]
    scores: dict[Side, SideScore]
    handoff: Handoff
    balance: Balance
    reflection: ReflectionText

    def metrics(self) -> list[Metric]:
        return [*self.marketing, *self.sales]

    def metric(self, key: str) -> Metric:
        for metric in self.metrics():
            if metric.key == key:
                return metric
        raise KeyError(key)


# --- showing values ----------------------------------------------------------------------

DASH = "—"


def whole_percent(value: float) -> int:
    """The one rounding rule for every percentage shown (figures, grades, scores, shares):
    to a whole number, halves up — 54.5 % and a credit of 0.545 both read 55 %."""
    exact = Decimal(repr(round(float(value), 6)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split(marketing_share: float) -> tuple[int, int]:
    """Marketing's and sales' whole percent of a split; the two always add up to 100."""
    marketing = whole_percent(marketing_share)
    return marketing, 100 - marketing


def show_percent(value: float | None) -> str:
    """``55 %`` (see :func:`whole_percent`); ``—`` for none."""
    return DASH if value is None else f"{whole_percent(value)} %"


def show_value(value: float | None, unit: Unit, currency: str = "EUR") -> str:
    """A value as people read it: ``12,400``, ``€31``, ``50 %``; ``—`` for none."""
    if value is None:
        return DASH
    if unit == "money":
        return format_money(value, currency)
    if unit == "percent":
        return show_percent(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def show_target(metric: Metric, currency: str = "EUR") -> str:
    if metric.target is None:
        return ""
    text = show_value(metric.target, metric.unit, currency)
    return f"≤ {text}" if metric.better == "lower" else text


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """Eight-level bars scaled to the largest value; a space for a week with no value."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    top = max(known)
    low = min(0.0, min(known))
    span = (top - low) or 1.0
    return "".join(
        " " if v is None else SPARKS[min(7, int((v - low) / span * 7 + 0.5))] for v in values
    )

"""Insights' vocabulary: the period, and the pydantic models every screen and export renders.

No I/O here. Money is integer minor units; ``roi`` and ``conversion`` are fractions (0.25 =
25 %); ``None`` means "nothing to measure" and is shown as "—", never 0 % or ∞.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from dualrole.core.dates import clock
from dualrole.core.money import format_money
from dualrole.insights.repeat import Repeat
from dualrole.review.model import show_percent

DEFAULT_WEEKS = 13
DASH = "—"
By = Literal["channel", "promotion", "segment"]
BY: tuple[By, ...] = ("channel", "promotion", "segment")


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` inclusive; moments from ``first``'s midnight to the
    midnight after ``last`` (UTC text, as stored), days as ISO text (``end_day`` exclusive)."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("--to comes before --from; pick a later end of the period")
        if (self.last - self.first).days > 3 * 366:
            raise ValueError("the period is longer than three years; pick a shorter one")

    @property
    def start(self) -> str:
        return clock.to_db(clock.local_day_start(self.first))

    @property
    def end(self) -> str:
        return clock.to_db(clock.local_day_start(self.last + dt.timedelta(days=1)))

    @property
    def start_day(self) -> str:
        return self.first.isoformat()

    @property
    def end_day(self) -> str:
        return (self.last + dt.timedelta(days=1)).isoformat()

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    def params(self) -> dict[str, str]:
        return {
            "start": self.start,
            "end": self.end,
            "start_day": self.start_day,
            "end_day": self.end_day,
        }

    def weeks(self) -> list[Period]:
        """The period cut at Mondays (the first and last piece may be shorter than a week)."""
        pieces: list[Period] = []
        first = self.first
        while first <= self.last:
            sunday = first + dt.timedelta(days=6 - first.weekday())
            pieces.append(Period(first, min(sunday, self.last)))
            first = sunday + dt.timedelta(days=1)
        return pieces


def default_period(weeks: int = DEFAULT_WEEKS) -> Period:
    """The last ``weeks`` ISO weeks, this one included (Monday … this Sunday)."""
    today = clock.today()
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday - dt.timedelta(weeks=weeks - 1), monday + dt.timedelta(days=6))


class Group(BaseModel):
    """What one channel, promotion or segment brought in the period."""

    by: By
    key: str
    """The channel's name, or the promotion's / segment's id as text ("" for no segment)."""
    name: str
    channel: str | None = None
    promotion_id: int | None = None
    segment_id: int | None = None
    spend_minor: int = 0
    leads: int = 0
    won: int = 0
    revenue_minor: int = 0
    cost_per_lead_minor: int | None = None
    cost_per_customer_minor: int | None = None
    roi: float | None = None
    """(revenue − spend) ÷ spend, a fraction; None without spend."""
    conversion: float | None = None
    """won ÷ leads, a fraction; None without leads."""
    median_days_to_won: float | None = None


class Stage(BaseModel):
    """One funnel stage: who entered it in the period and what became of them since."""

    stage: str
    entered: int
    advanced: int | None
    """Moved on to a later stage afterwards (None for won, the last stage)."""
    conversion: float | None
    """advanced ÷ entered."""
    median_days: float | None
    """Median days spent in the stage by those who left it."""
    lost: int = 0
    """Moved to lost straight from this stage."""
    still_there: int = 0
    """Still in this stage now (not moved since)."""
    won_now: int = 0
    closed_now: int = 0


class Funnel(BaseModel):
    stages: list[Stage]
    stall: str | None
    """The open stage with the lowest conversion (where deals stall); None if unmeasured."""


class SegmentObjection(BaseModel):
    segment_id: int | None
    name: str
    count: int
    objections: str


class LostReason(BaseModel):
    key: str
    """The reason as grouped: lower case, outer spaces trimmed ("" for none given)."""
    reason: str
    count: int
    value_minor: int
    share: float | None
    """Of all deals lost in the period."""
    segments: list[SegmentObjection]


class ForecastStage(BaseModel):
    stage: str
    open_deals: int
    open_value_minor: int
    chance: float
    """The stage's set chance of winning (``models.STAGE_WEIGHT``)."""
    weighted_minor: int
    measured_rate: float | None
    """Of the deals that entered this stage in the period and are closed now, the share won."""
    measured_minor: int | None


class Forecast(BaseModel):
    stages: list[ForecastStage]
    open_deals: int
    open_value_minor: int
    by_chance_minor: int
    by_measured_minor: int
    unmeasured_value_minor: int
    """Open value in stages without a measured rate (left out of ``by_measured_minor``)."""


class Week(BaseModel):
    """One week (or part of one) of the period: the trend behind the charts."""

    first: dt.date
    last: dt.date
    spend_minor: int
    leads: int
    won: int
    revenue_minor: int


class Insights(BaseModel):
    first: dt.date
    last: dt.date
    currency: str
    currency_note: str = ""
    """One sentence when revenue adds deals in other currencies as if in ``currency``
    (nothing is converted); empty when every deal is in it."""
    totals: Group
    channels: list[Group]
    promotions: list[Group]
    segments: list[Group]
    funnel: Funnel
    lost_reasons: list[LostReason]
    lost_total: int
    forecast: Forecast
    weeks: list[Week]
    repeat: Repeat = Repeat()
    """First sales apart from repeat sales, revenue per customer (deals, not people)."""

    @property
    def period(self) -> Period:
        return Period(self.first, self.last)

    def groups(self, by: By) -> list[Group]:
        return {"channel": self.channels, "promotion": self.promotions, "segment": self.segments}[
            by
        ]


# --- showing values ----------------------------------------------------------------------


def money(value: int | None, currency: str) -> str:
    return DASH if value is None else format_money(value, currency)


def percent(value: float | None) -> str:
    """A 0–1 share as the review shows percentages (:func:`whole_percent`: halves up)."""
    return DASH if value is None else show_percent(value * 100)


def days(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f} d" if value >= 10 else f"{value:.1f} d"


def count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


BARS = "▏▎▍▌▋▊▉█"


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar of ``width`` cells scaled to ``top`` (eighths of a cell)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BARS[rest - 1] if rest else "")

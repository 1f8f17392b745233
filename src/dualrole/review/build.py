"""Building a :class:`WeeklyReview` from the figures: ratios, grades, scores and reasons."""

from __future__ import annotations

import datetime as dt
import math

from dualrole.core.dates import clock
from dualrole.core.dates.reading import week_label
from dualrole.core.dates.when import format_day
from dualrole.core.models import Side
from dualrole.core.money import per
from dualrole.core.words import counted
from dualrole.review.data import Figures, Window, collect
from dualrole.review.model import (
    CATALOGUE,
    WEEKS_BEFORE,
    Balance,
    Count,
    Grade,
    Handoff,
    Metric,
    MetricDef,
    ReflectionText,
    SideScore,
    Status,
    WeeklyReview,
    show_percent,
    show_target,
    show_value,
    whole_percent,
)
from dualrole.review.targets import get_reflection, get_targets
from dualrole.services.focus import focus_hours
from dualrole.services.settings import get_setting, mixed_currency_note, spend_currency_note
from dualrole.storage.db import Store

PARTIAL_FROM = 0.5  # credit at or above which a missed target is "partial"
# The weeks a review can cover: its trend reaches WEEKS_BEFORE weeks back and its last moment
# is the local midnight after its Sunday, and Python's dates run from 1 Jan 1 to 31 Dec 9999.
FIRST_WEEK = dt.date(1, 3, 5)  # 0001-W10
LAST_WEEK = dt.date(9999, 12, 20)  # 9999-W51


def check_week(monday: dt.date) -> dt.date:
    """``monday`` (moved to its week's Monday), or a ValueError for a week out of range."""
    monday = monday - dt.timedelta(days=monday.weekday())
    if not FIRST_WEEK <= monday <= LAST_WEEK:
        raise ValueError(
            f"{week_label(monday)} is outside the weeks a review can cover "
            f"({week_label(FIRST_WEEK)} to {week_label(LAST_WEEK)}); pick a week in that range"
        )
    return monday


def _ratio(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _values(fig: Figures) -> dict[str, list[float | None]]:
    """Each catalogue metric's value per week (oldest first), ratios computed per week."""
    g = fig.get
    values: dict[str, list[float | None]] = {m.key: list(g(m.key)) for m in CATALOGUE}
    values["cost_per_lead"] = [
        per(int(s), int(n)) if n else None for s, n in zip(g("spend"), g("leads"), strict=True)
    ]
    values["task_completion"] = [
        _ratio(d, n) for d, n in zip(g("_tasks_due_done"), g("tasks_due"), strict=True)
    ]
    values["followup_completion"] = [
        _ratio(d, n) for d, n in zip(g("_followups_due_done"), g("followups_due"), strict=True)
    ]
    values["win_rate"] = [
        _ratio(w, w + lost) for w, lost in zip(g("deals_won"), g("deals_lost"), strict=True)
    ]
    values["lead_to_won"] = [
        _ratio(w, n) for w, n in zip(g("_cohort_won"), g("prospects_added"), strict=True)
    ]
    values["pipeline_open"] = [None] * (fig.n - 1) + [fig.pipeline_open]
    values["pipeline_weighted"] = [None] * (fig.n - 1) + [fig.pipeline_weighted]
    for index, known in enumerate(fig.has_records):
        if not known:  # a week before the first record has no figures at all
            for series in values.values():
                series[index] = None
    return values


def _details(fig: Figures, currency: str) -> dict[str, str]:
    """Plain-text explanations of the reviewed week's figures."""

    def g(key: str) -> int:
        return int(fig.get(key)[-1])

    kinds = ", ".join(f"{n} {kind}" for kind, n in fig.notes_by_kind.items())
    top = ", ".join(f"{n} {name}" for name, n in fig.leads_by_promotion[:3])
    more = len(fig.leads_by_promotion) - 3
    return {
        "research_notes": kinds,
        "leads": top + (f", {counted(more, 'more promotion')}" if more > 0 else ""),
        "cost_per_lead": (
            f"{show_value(g('spend'), 'money', currency)} ÷ {counted(g('leads'), 'lead')}"
        ),
        "task_completion": f"{g('_tasks_due_done')} of {g('tasks_due')} due",
        "followup_completion": f"{g('_followups_due_done')} of {g('followups_due')} due",
        "deals_won": show_value(g("revenue"), "money", currency),
        "win_rate": f"{g('deals_won')} won of {g('deals_won') + g('deals_lost')} closed",
        "lead_to_won": f"{g('_cohort_won')} of {g('prospects_added')} added",
        "pipeline_open": counted(fig.open_deals, "open deal"),
        "pipeline_weighted": "open value × each stage's chance of winning",
    }


def _parts(fig: Figures) -> dict[str, tuple[int, int]]:
    """(part, whole) of the shares where one more of the part adds one to it and not to the
    whole, so "how many short" is a count: tasks and follow-ups due done, lead → won."""

    def g(key: str) -> int:
        return int(fig.get(key)[-1])

    return {
        "task_completion": (g("_tasks_due_done"), g("tasks_due")),
        "followup_completion": (g("_followups_due_done"), g("followups_due")),
        "lead_to_won": (g("_cohort_won"), g("prospects_added")),
    }


def week_status(monday: dt.date) -> Status:
    """``ended``, ``in progress`` (today is in it) or ``not started`` (it begins later)."""
    today = clock.today()
    if today < monday:
        return "not started"
    return "in progress" if today < monday + dt.timedelta(days=7) else "ended"


def grade(
    definition: MetricDef, actual: float | None, target: float | None
) -> tuple[Grade | None, float | None, str]:
    """(grade, credit 0–1, reason) of one figure; no grade without both numbers."""
    if target is None:
        return None, None, "no target set"
    if actual is None:
        return None, None, "not graded: nothing to measure this week"
    if definition.better == "higher":
        reached = actual >= target
        credit = 1.0 if reached else actual / target
    else:
        reached = actual <= target
        credit = 1.0 if reached else target / actual  # actual > target ≥ 0 here
        # a limit of 0 gives 0 ÷ actual = 0: any excess over a zero limit is missed
    # Rounded, a near miss (99.95 %) must not become a full 1.0 and read as met.
    credit = 1.0 if reached else min(round(max(0.0, credit), 3), 0.999)
    result = Grade.met if credit >= 1 else Grade.partial if credit >= PARTIAL_FROM else Grade.missed
    return result, credit, ""


def _reason(metric: Metric, currency: str, parts: tuple[int, int] | None = None) -> str:
    """Why the grade, each figure said once with the one rounding of :func:`show_value`."""
    actual = show_value(metric.actual, metric.unit, currency)
    target = show_target(metric, currency)
    if metric.grade is None or metric.grade == Grade.not_started:
        return metric.reason
    if metric.grade == Grade.met:
        return f"{actual} against a target of {target}: met"
    assert metric.credit is not None and metric.actual is not None and metric.target is not None
    so_far = " so far" if metric.grade == Grade.in_progress else ""
    if metric.better == "lower":
        limit = show_value(metric.target, metric.unit, currency)
        return (
            f"{actual}{so_far} is over the limit of {limit} ({show_percent(metric.credit * 100)})"
        )
    short = "to go" if so_far else "short"
    if metric.unit == "percent":  # a share against a share: the gap said once, in its parts
        if parts is not None:
            part, whole = parts
            needed = max(0, math.ceil(metric.target * whole / 100 - 1e-9) - part)
            return f"{part} of {whole} ({actual}){so_far}, target {target}: {needed} {short}"
        points = whole_percent(metric.target) - whole_percent(metric.actual)
        return f"{actual}{so_far}, target {target}: {points} points {short}"
    gap = show_value(metric.target - metric.actual, metric.unit, currency)
    return f"{actual} of {target}{so_far} ({show_percent(metric.credit * 100)}), {gap} {short}"


def _score(side: Side, metrics: list[Metric], status: Status, monday: dt.date) -> SideScore:
    if status == "not started":
        return SideScore(side=side, score=None, reasons=[not_started(monday)])
    graded = [m for m in metrics if m.credit is not None]
    if not graded:
        return SideScore(side=side, score=None, reasons=["no metric could be graded this week"])
    score = whole_percent(100 * sum(m.credit or 0 for m in graded) / len(graded))
    so_far = " so far" if status == "in progress" else ""
    reasons = [
        f"{score}{so_far} = the average of {counted(len(graded), 'graded metric')} "
        "(met = 100 %, otherwise the share of the target reached)"
    ]
    if so_far:
        sunday = monday + dt.timedelta(days=6)
        reasons.append(f"the week is in progress until {format_day(sunday, year=False)}")
    for which in Grade:
        names = [m for m in graded if m.grade == which]
        if names:
            items = ", ".join(
                m.label
                if which == Grade.met
                else f"{m.label} ({show_percent((m.credit or 0) * 100)})"
                for m in names
            )
            reasons.append(f"{which.value}: {items}")
    return SideScore(side=side, score=score, reasons=reasons)


AT_WEEK_END = frozenset({"followups_overdue"})
"""Metrics read at the week's end (or now): for a week that has not started, not known."""


def not_started(monday: dt.date) -> str:
    return f"not started: the week begins {format_day(monday)}"


def build_review(store: Store, monday: dt.date, *, trend: bool = True) -> WeeklyReview:
    """The review of the ISO week of ``monday`` (local time), with its 8-week trend."""
    before = WEEKS_BEFORE if trend else 0
    monday = check_week(monday)
    sunday = monday + dt.timedelta(days=6)
    currency = str(get_setting(store, "currency") or "EUR")
    figures = collect(store, monday, before=before)
    values = _values(figures)
    details = _details(figures, currency)
    parts = _parts(figures)
    status = week_status(monday)
    targets = get_targets(store)
    sides: dict[Side, list[Metric]] = {Side.marketing: [], Side.sales: []}
    for definition in CATALOGUE:
        series = values[definition.key]
        actual = series[-1]
        if status == "not started" and definition.key in AT_WEEK_END:
            actual = None  # what will be overdue when the week ends is not known yet
        target = targets.get(definition.key)
        result, credit, reason = grade(definition, actual, target)
        if status == "not started" and target is not None:
            result, credit, reason = Grade.not_started, None, not_started(monday)
        elif status == "in progress" and result in (Grade.partial, Grade.missed):
            result = Grade.in_progress  # the days to come may still reach it
        metric = Metric(
            key=definition.key,
            side=definition.side,
            label=definition.label,
            unit=definition.unit,
            better=definition.better,
            actual=actual,
            detail=details.get(definition.key, ""),
            target=target,
            grade=result,
            credit=credit,
            reason=reason,
            previous=series[:-1] if definition.trend else [],
        )
        metric.reason = _reason(metric, currency, parts.get(definition.key))
        sides[definition.side].append(metric)

    def last(key: str) -> int:
        return int(figures.get(key)[-1])

    marketing_actions = sum(
        last(k)
        for k in ("research_notes", "_results", "promotions_launched", "promotions_finished")
    ) + last("tasks_done")
    sales_actions = sum(
        last(k) for k in ("prospects_added", "interactions", "followups_done", "_stage_changes")
    )
    hours = focus_hours(store, monday, sunday)
    m_hours, s_hours = hours[Side.marketing], hours[Side.sales]
    balance = Balance(
        marketing_actions=marketing_actions,
        sales_actions=sales_actions,
        marketing_share=_ratio(marketing_actions, marketing_actions + sales_actions),
        marketing_hours=m_hours,
        sales_hours=s_hours,
        marketing_hours_share=_ratio(m_hours, m_hours + s_hours),
        target_marketing_share=float(get_setting(store, "target_split_marketing") or 0),
    )
    handoff = Handoff(
        leads=last("leads"),
        leads_by_promotion=[Count(name=n, count=c) for n, c in figures.leads_by_promotion],
        leads_by_channel=[Count(name=n, count=c) for n, c in figures.leads_by_channel],
        feedback=last("_feedback"),
        feedback_titles=figures.feedback_titles,
    )
    week = week_label(monday)
    stored = get_reflection(store, week)
    reflection = ReflectionText(**stored.model_dump(exclude={"week"})) if stored else None
    return WeeklyReview(
        week=week,
        monday=monday,
        sunday=sunday,
        previous_weeks=[week_label(day) for day in Window(monday, before).mondays[:before]],
        currency=currency,
        currency_note=" ".join(
            note for note in (mixed_currency_note(store), spend_currency_note(store)) if note
        ),
        status=status,
        marketing=sides[Side.marketing],
        sales=sides[Side.sales],
        scores={side: _score(side, metrics, status, monday) for side, metrics in sides.items()},
        handoff=handoff,
        balance=balance,
        reflection=reflection or ReflectionText(),
    )


def build_reviews(store: Store, first: dt.date, last: dt.date) -> list[WeeklyReview]:
    """One review per week from the week of ``first`` to the week of ``last``."""
    first, last = check_week(first), check_week(last)
    if last < first:
        raise ValueError("--to comes before --from; pick a later last week")
    weeks = (last - first).days // 7 + 1
    if weeks > 106:
        raise ValueError(f"{weeks} weeks is too many at once; review at most two years")
    return [build_review(store, first + dt.timedelta(weeks=i)) for i in range(weeks)]

"""Computing insights: a few aggregate queries over indexed columns, then ratios in Python.

Rows are never turned into models: each query returns a handful of aggregate rows (per
promotion × segment, per stage, per lost reason, per week) over an index range (the
``m009`` indexes say which); medians are taken in SQL with window functions. Only
placeholders carry values into SQL; the fixed stage names come from the enums.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import defaultdict
from typing import TypedDict, Unpack

from dualrole.core.enums import OPEN_STAGES, STAGE_ORDER, STAGE_WEIGHT
from dualrole.core.money import per
from dualrole.insights.model import (
    By,
    Forecast,
    ForecastStage,
    Funnel,
    Group,
    Insights,
    LostReason,
    Period,
    SegmentObjection,
    Stage,
    Week,
)
from dualrole.insights.repeat import build_repeat
from dualrole.services.settings import get_setting, mixed_currency_note, spend_currency_note
from dualrole.storage.db import Store

NO_SEGMENT = "(no segment)"
NO_REASON = "(no reason given)"
_RANK = " ".join(f"WHEN '{stage.value}' THEN {rank}" for rank, stage in enumerate(STAGE_ORDER))


def rank(column: str, missing: int) -> str:
    return f"(CASE {column} {_RANK} ELSE {missing} END)"


# The period's leads (live prospects with a promotion, created in the period), per promotion
# and segment: served by the partial covering index prospects_leads_by_created (m009).
LEADS = (
    "SELECT promotion_id, segment_id, count(*), sum(stage = 'won'), "
    "sum(CASE WHEN stage = 'won' THEN coalesce(value_minor, 0) ELSE 0 END) "
    "FROM prospects INDEXED BY prospects_leads_by_created "
    "WHERE deleted_at IS NULL AND promotion_id IS NOT NULL "
    "AND created_at >= :start AND created_at < :end GROUP BY promotion_id, segment_id"
)
# Days from lead to won (its first deal's last move to won; a repeat sale is not the lead's
# conversion) of each won lead: a median needs the values.
WON_DAYS = (
    "SELECT p.promotion_id, p.segment_id, "
    "julianday(max(c.changed_at)) - julianday(p.created_at) "
    "FROM prospects p INDEXED BY prospects_leads_by_created "
    "JOIN stage_changes c ON c.prospect_id = p.id AND c.to_stage = 'won' "
    "AND c.deal_id = (SELECT min(d.id) FROM deals d WHERE d.prospect_id = p.id) "
    "WHERE p.deleted_at IS NULL AND p.promotion_id IS NOT NULL AND p.stage = 'won' "
    "AND p.created_at >= :start AND p.created_at < :end GROUP BY p.id"
)
SPEND = (
    "SELECT promotion_id, coalesce(sum(spend_minor), 0) FROM promotion_results "
    "WHERE day >= :start_day AND day < :end_day GROUP BY promotion_id"
)
WEEK_LEADS = (
    "SELECT count(*), coalesce(sum(stage = 'won'), 0), "
    "coalesce(sum(CASE WHEN stage = 'won' THEN coalesce(value_minor, 0) ELSE 0 END), 0) "
    "FROM prospects INDEXED BY prospects_leads_by_created "
    "WHERE deleted_at IS NULL AND promotion_id IS NOT NULL "
    "AND created_at >= :start AND created_at < :end {live_promotions}"
)
WEEK_SPEND = (
    "SELECT coalesce(sum(spend_minor), 0) FROM promotion_results "
    "WHERE day >= :start_day AND day < :end_day {live_promotions}"
)
# The funnel reads each deal's stage history (issue 27) from the period's start on (a stage
# entered in the period is only ever left later), each deal's moves in order, from the
# covering index stage_changes_by_deal (m014): no sort, no table lookup. Pairing each move
# with the next one is a single pass in Python over plain tuples; SQLite's window functions
# took 3-10× longer for the same pairs at 300k moves.
HISTORY = (
    "SELECT deal_id, to_stage, julianday(changed_at), changed_at < :end "
    "FROM stage_changes WHERE changed_at >= :start {trashed} "
    "ORDER BY deal_id, changed_at, id"
)
TRASHED = "AND prospect_id NOT IN (SELECT id FROM prospects WHERE deleted_at IS NOT NULL)"
# One move of HISTORY: (prospect id, stage, julianday of the move, whether before the end).
_Move = tuple[int, str, float, int]
RANK = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
# Deals lost in the period (lost now, moved there in the period), by reason and segment
# (every deal, a repeat customer's too: deals_lost_by_time, m014).
LOST = (
    "SELECT lower(trim(coalesce(d.lost_reason, ''))), min(trim(coalesce(d.lost_reason, ''))), "
    "coalesce(p.segment_id, m.segment_id), count(*), coalesce(sum(d.value_minor), 0) "
    "FROM deals d INDEXED BY deals_lost_by_time JOIN prospects p ON p.id = d.prospect_id "
    "LEFT JOIN promotions m ON m.id = coalesce(d.promotion_id, p.promotion_id) "
    "WHERE d.deleted_at IS NULL AND d.stage = 'lost' "
    "AND d.stage_changed_at >= :start AND d.stage_changed_at < :end GROUP BY 1, 3"
)
OPEN_PIPELINE = "SELECT stage, prospects, value_minor FROM stage_totals"


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _finish(group: Group, days: list[float]) -> Group:
    """Fill the ratios of a group from its sums ("—" = None whenever a divisor is 0)."""
    g = group
    g.cost_per_lead_minor = per(g.spend_minor, g.leads) if g.spend_minor else None
    g.cost_per_customer_minor = per(g.spend_minor, g.won) if g.spend_minor else None
    roi = _ratio(g.revenue_minor - g.spend_minor, g.spend_minor)
    g.roi = None if roi is None else round(roi, 4)
    conversion = _ratio(g.won, g.leads)
    g.conversion = None if conversion is None else round(conversion, 4)
    g.median_days_to_won = _median(days)
    return g


def _order(groups: list[Group]) -> list[Group]:
    """Most revenue first, then most leads, then least spend, then by name."""
    return sorted(groups, key=lambda g: (-g.revenue_minor, -g.leads, g.spend_minor, g.name))


class _GroupIds(TypedDict, total=False):
    """What names a group besides its key (given only where it applies)."""

    channel: str
    promotion_id: int
    segment_id: int | None


def build_insights(store: Store, period: Period) -> Insights:
    """Every insight of ``period``: groups, funnel, lost reasons, forecast and weekly trend."""
    params = period.params()
    currency = str(get_setting(store, "currency") or "EUR")
    groups = _Groups(store)
    groups.add_spend(store.query(SPEND, params))
    groups.add_leads(store.query(LEADS, params))
    groups.add_running(period)
    groups.add_won_days(store.query(WON_DAYS, params))
    by_kind = groups.finish()
    return Insights(
        first=period.first,
        last=period.last,
        currency=currency,
        currency_note=" ".join(
            note for note in (mixed_currency_note(store), spend_currency_note(store)) if note
        ),
        totals=groups.totals,
        channels=_order(by_kind["channel"]),
        promotions=_order(by_kind["promotion"]),
        segments=_order(by_kind["segment"]),
        funnel=(funnel := _funnel(store, params)),
        lost_reasons=(lost := _lost(store, params, groups.segments)),
        lost_total=sum(reason.count for reason in lost),
        forecast=_forecast(store, funnel),
        weeks=_weeks(store, period, has_trash=len(groups.promotions) < _all_promotions(store)),
        repeat=build_repeat(store, params),
    )


class _Groups:
    """The groups by channel, promotion and segment: sums per (promotion, segment) row of a
    query, rolled up to the three groups each row belongs to, and the totals over all."""

    def __init__(self, store: Store) -> None:
        self.promotions = {
            int(row[0]): row
            for row in store.query(
                "SELECT id, name, channel, segment_id, status, launched_at, finished_at "
                "FROM promotions WHERE deleted_at IS NULL"
            )
        }
        self.segments = {
            int(row[0]): (str(row[1]), str(row[2] or ""))
            for row in store.query(
                "SELECT id, name, objections FROM segments WHERE deleted_at IS NULL"
            )
        }
        self.sums: dict[tuple[By, str], Group] = {}
        self.totals = Group(by="channel", key="", name="all promotions")
        self.days: dict[tuple[By, str], list[float]] = defaultdict(list)
        self.all_days: list[float] = []

    def segment_of(self, promotion_id: int, segment_id: int | None) -> int | None:
        """A lead's segment: its own, else the one its promotion targets (if still live)."""
        chosen = segment_id if segment_id is not None else self.promotions[promotion_id][3]
        return chosen if chosen in self.segments else None

    def _targeted(self, promotion_id: int) -> int | None:
        """The segment a promotion targets, if still live."""
        seg: int | None = self.promotions[promotion_id][3]
        return seg if seg in self.segments else None

    def group(self, by: By, key: str, **ids: Unpack[_GroupIds]) -> Group:
        found = self.sums.get((by, key))
        if found is None:
            found = self.sums[by, key] = Group(by=by, key=key, name="", **ids)
        return found

    def keys(self, promotion_id: int, segment_id: int | None) -> list[Group]:
        row = self.promotions[promotion_id]
        seg = segment_id
        return [
            self.group("channel", str(row[2]), channel=str(row[2])),
            self.group(
                "promotion", str(promotion_id), promotion_id=promotion_id, channel=str(row[2])
            ),
            self.group("segment", "" if seg is None else str(seg), segment_id=seg),
        ]

    def add_spend(self, rows: list[sqlite3.Row]) -> None:
        for promotion_id, spend in rows:
            if promotion_id not in self.promotions or not spend:
                continue
            for g in self.keys(promotion_id, self._targeted(promotion_id)):
                g.spend_minor += int(spend)
            self.totals.spend_minor += int(spend)

    def add_leads(self, rows: list[sqlite3.Row]) -> None:
        totals = self.totals
        for promotion_id, segment_id, leads, won, revenue in rows:
            if promotion_id not in self.promotions:
                continue  # its promotion is in the trash
            for g in self.keys(promotion_id, self.segment_of(promotion_id, segment_id)):
                g.leads += int(leads)
                g.won += int(won or 0)
                g.revenue_minor += int(revenue or 0)
            totals.leads += int(leads)
            totals.won += int(won or 0)
            totals.revenue_minor += int(revenue or 0)

    def add_running(self, period: Period) -> None:
        """Promotions running in the period count even when they brought nothing."""
        for promotion_id, row in self.promotions.items():
            status, launched, finished = row[4], row[5], row[6]
            if (
                status != "cancelled"
                and launched is not None
                and launched < period.end
                and (finished is None or finished >= period.start)
            ):
                self.keys(promotion_id, self._targeted(promotion_id))

    def add_won_days(self, rows: list[sqlite3.Row]) -> None:
        """The days each won deal took, for the medians."""
        for promotion_id, segment_id, days in rows:
            if promotion_id not in self.promotions:
                continue
            for g in self.keys(promotion_id, self.segment_of(promotion_id, segment_id)):
                self.days[g.by, g.key].append(float(days))
            self.all_days.append(float(days))

    def finish(self) -> dict[By, list[Group]]:
        """Name each group, fill its ratios and the totals' ones; the groups by kind."""
        for (by, key), g in self.sums.items():
            if by == "channel":
                g.name = key
            elif by == "promotion":
                g.name = str(self.promotions[int(key)][1])
            else:
                g.name = self.segments[int(key)][0] if key else NO_SEGMENT
            _finish(g, self.days.get((by, key), []))
        _finish(self.totals, self.all_days)
        by_kind: dict[By, list[Group]] = {"channel": [], "promotion": [], "segment": []}
        for (by, _key), g in self.sums.items():
            by_kind[by].append(g)
        return by_kind


def _all_promotions(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM promotions") or 0)


class _StageTally:
    __slots__ = ("advanced", "closed_now", "days", "entered", "lost", "still_there", "won_now")

    def __init__(self) -> None:
        self.entered = self.advanced = self.lost = self.still_there = 0
        self.won_now = self.closed_now = 0
        self.days: list[float] = []


def _tally(rows: list[_Move], tallies: dict[str, _StageTally]) -> None:
    """One prospect's moves (in order) into the stage tallies."""
    now_stage = rows[-1][1]
    won, closed = now_stage == "won", now_stage in ("won", "lost")
    for index, (_pid, stage, moment, in_period) in enumerate(rows):
        if not in_period:
            break  # later moves are after the period too
        tally = tallies.get(stage)
        if tally is None:
            continue  # moves into lost are not a funnel stage
        tally.entered += 1
        tally.won_now += won
        tally.closed_now += closed
        if index + 1 == len(rows):
            tally.still_there += 1
            continue
        _, following, left, _ = rows[index + 1]
        if following == "lost":
            tally.lost += 1
        elif RANK.get(following, -1) > RANK[stage]:
            tally.advanced += 1
        if stage != "won":
            tally.days.append(left - moment)


def _funnel(store: Store, params: dict[str, str]) -> Funnel:
    has_trash = store.scalar("SELECT 1 FROM prospects WHERE deleted_at IS NOT NULL LIMIT 1")
    sql = HISTORY.replace("{trashed}", TRASHED if has_trash else "")
    tallies = {stage.value: _StageTally() for stage in STAGE_ORDER}
    current: list[_Move] = []
    for row in store.conn.execute(sql, params):
        if current and row[0] != current[0][0]:
            _tally(current, tallies)
            current = []
        current.append(row)
    if current:
        _tally(current, tallies)
    stages: list[Stage] = []
    for stage in STAGE_ORDER:
        t = tallies[stage.value]
        last = stage == STAGE_ORDER[-1]
        advanced = None if last else t.advanced
        conversion = None if advanced is None else _ratio(advanced, t.entered)
        stages.append(
            Stage(
                stage=stage.value,
                entered=t.entered,
                advanced=advanced,
                conversion=None if conversion is None else round(conversion, 4),
                median_days=_median(t.days),
                lost=t.lost,
                still_there=t.still_there,
                won_now=t.won_now,
                closed_now=t.closed_now,
            )
        )
    measured = [s for s in stages if s.conversion is not None]
    stall = (
        min(measured, key=lambda s: (s.conversion, -(s.median_days or 0))).stage
        if measured
        else None
    )
    return Funnel(stages=stages, stall=stall)


class _LostTally:
    """One lost reason's sums: its spellings, deals, their value and deals per segment."""

    def __init__(self) -> None:
        self.spellings: dict[str, int] = {}
        self.count = self.value = 0
        self.segments: dict[int | None, int] = {}


def _lost(
    store: Store, params: dict[str, str], segments: dict[int, tuple[str, str]]
) -> list[LostReason]:
    reasons: dict[str, _LostTally] = {}
    for key, shown, segment_id, n, value in store.query(LOST, params):
        entry = reasons.setdefault(key, _LostTally())
        entry.spellings[shown] = entry.spellings.get(shown, 0) + int(n)
        entry.count += int(n)
        entry.value += int(value)
        seg = segment_id if segment_id in segments else None
        entry.segments[seg] = entry.segments.get(seg, 0) + int(n)
    total = sum(entry.count for entry in reasons.values())
    result = []
    for key, entry in reasons.items():
        objections = [
            SegmentObjection(
                segment_id=seg,
                name=segments[seg][0] if seg is not None else NO_SEGMENT,
                count=n,
                objections=segments[seg][1] if seg is not None else "",
            )
            for seg, n in entry.segments.items()
        ]
        objections.sort(key=lambda s: (-s.count, s.name))
        result.append(
            LostReason(
                key=key,
                # the most used spelling (ties: the first in sort order)
                reason=min(entry.spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0] or NO_REASON,
                count=entry.count,
                value_minor=entry.value,
                share=round(entry.count / total, 4) if total else None,
                segments=objections,
            )
        )
    result.sort(key=lambda r: (-r.count, -r.value_minor, r.reason.lower()))
    return result


def _forecast(store: Store, funnel: Funnel) -> Forecast:
    totals = {str(row[0]): (int(row[1]), int(row[2])) for row in store.query(OPEN_PIPELINE)}
    measured = {s.stage: (s.won_now, s.closed_now) for s in funnel.stages}
    stages: list[ForecastStage] = []
    for stage in OPEN_STAGES:
        deals, value = totals.get(stage.value, (0, 0))
        won, closed = measured.get(stage.value, (0, 0))
        rate = won / closed if closed else None
        stages.append(
            ForecastStage(
                stage=stage.value,
                open_deals=deals,
                open_value_minor=value,
                chance=STAGE_WEIGHT[stage],
                weighted_minor=round(value * STAGE_WEIGHT[stage]),
                measured_rate=None if rate is None else round(rate, 4),
                measured_minor=None if rate is None else round(value * rate),
            )
        )
    return Forecast(
        stages=stages,
        open_deals=sum(s.open_deals for s in stages),
        open_value_minor=sum(s.open_value_minor for s in stages),
        by_chance_minor=sum(s.weighted_minor for s in stages),
        by_measured_minor=sum(s.measured_minor or 0 for s in stages),
        unmeasured_value_minor=sum(s.open_value_minor for s in stages if s.measured_rate is None),
    )


def _weeks(store: Store, period: Period, *, has_trash: bool) -> list[Week]:
    live = (
        " AND promotion_id IN (SELECT id FROM promotions WHERE deleted_at IS NULL)"
        if has_trash
        else ""
    )
    leads_sql = WEEK_LEADS.replace("{live_promotions}", live)
    spend_sql = WEEK_SPEND.replace("{live_promotions}", live)
    weeks = []
    for piece in period.weeks():
        params = piece.params()
        leads, won, revenue = store.query(leads_sql, params)[0]
        spend = store.scalar(spend_sql, params)
        weeks.append(
            Week(
                first=piece.first,
                last=piece.last,
                spend_minor=int(spend or 0),
                leads=int(leads),
                won=int(won),
                revenue_minor=int(revenue),
            )
        )
    return weeks

"""Demo prospects and their stage history, fast enough for 100,000 of them.

Random draws are taken a column at a time (``rng.choices(..., k=n)``) and moments are whole
UTC seconds formatted by :class:`Stamper`, which is several times cheaper than
``datetime.isoformat`` per row; this is what keeps the benchmark workspace within 3× of a
raw ``executemany`` of the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from dualrole.core.enums import STAGE_ORDER, Stage

Row = tuple[Any, ...]  # one row to insert: mixed SQLite values (ints, text, NULLs)

FIRST = (
    "Priya Rahul Ana Tom Lena Marco Aisha Jonas Sofia Kenji Chloe Omar Ines Lukas Nadia David "
    "Elena Samuel Mei Felix Zara Hugo Amara Nils Rosa Ivan Leila Paul Yara Theo"
).split()
LAST = (
    "Sharma Iyer Costa Becker Okafor Rossi Haddad Berg Novak Tanaka Dubois Khan Silva Meyer "
    "Ahmed Fischer Moreau Lindqvist Chen Wagner Osei Romero Kowalski Nakamura Varga"
).split()
COMPANIES = [
    "Northwind", "Lotus Labs", "Bluefin Studio", "Cedar & Co", "Brightpath", "Quarry Digital",
    "Harbor Bakery", "Atlas Dental", "Kite Logistics", "Mosaic Cafe", "Pinecone Legal",
    "Tidewater Yoga", "Orbit Fitness", "Saffron Foods", "Juniper Homes", "Beacon Print",
    "Fable Books", "Granite Works",
]  # fmt: skip
VALUES = [None, 180000, 250000, 420000, 840000, 1200000, 600000]
TITLES = ["Owner", "Founder", "Manager", None]
STAGES = [stage.value for stage in Stage]  # lead … won, lost
STAGE_WEIGHTS = [30, 18, 12, 8, 5, 12, 15]
FUNNEL = [stage.value for stage in STAGE_ORDER]
DAY = 86_400
# Why deals were lost, by the prospect's segment (demo.SEGMENTS order): each segment's own
# objections show up in its losses, so Insights has a story to tell. Picked by the
# prospect's id, not drawn, so the rest of the demo stays the same for a seed.
LOST_REASONS = (
    ("price", "price", "timing"),
    ("privacy worries", "price", "timing"),
    ("chose an agency", "price", "no budget"),
    ("not a priority", "timing", "price"),
)


def distinct_names(firsts: list[str], lasts: list[str]) -> list[tuple[str, str]]:
    """The drawn (first, last) names, a repeated one given the next first name not yet
    used with that last name, so no two demo prospects share a full name and each last
    name keeps its count (unless it was drawn more often than there are first names).
    Past ``len(FIRST) × len(LAST)`` prospects (benchmark scale) names repeat as drawn.
    """
    pairs = list(zip(firsts, lasts, strict=True))
    if len(pairs) > len(FIRST) * len(LAST):
        return pairs
    used: set[tuple[str, str]] = set()
    result = []
    for first, last in pairs:
        name = (first, last)
        start, row = FIRST.index(first), LAST.index(last)
        for step in range(len(FIRST) * len(LAST)):
            # every first name with the drawn last name, then with the next last name
            name = (
                FIRST[(start + step) % len(FIRST)],
                LAST[(row + step // len(FIRST)) % len(LAST)],
            )
            if name not in used:
                break
        used.add(name)
        result.append(name)
    return result


class Stamper:
    """UTC epoch seconds → ``YYYY-MM-DDTHH:MM:SSZ`` (``clock.to_db``'s format).

    Both halves are cached (the day's date, the time of day), so a stamp is two lookups.
    """

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times: dict[int, str] = {}

    def __call__(self, epoch: int) -> str:
        day, rest = divmod(epoch, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = dt.datetime.fromtimestamp(day * DAY, dt.UTC).strftime("%Y-%m-%dT")
            self._days[day] = prefix
        time = self._times.get(rest)
        if time is None:
            hours, seconds = divmod(rest, 3600)
            time = f"{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}Z"
            self._times[rest] = time
        return prefix + time


def prospect_rows(
    rng: random.Random,
    count: int,
    *,
    start: int,
    now: int,
    promotions: list[int],
    segments: int,
    stamp: Stamper,
    report: Callable[[str, int, int], None],
) -> tuple[list[Row], list[Row]]:
    """Rows for ``prospects`` and ``stage_changes``; ``start``/``now`` are epoch seconds."""
    slot = (now - start) * 0.97 / count  # prospect i is created within slot i
    names = distinct_names(rng.choices(FIRST, k=count), rng.choices(LAST, k=count))
    companies = rng.choices(COMPANIES, k=count)
    values = rng.choices(VALUES, k=count)
    titles = rng.choices(TITLES, k=count)
    stages = rng.choices(STAGES, STAGE_WEIGHTS, k=count)
    sources = rng.choices(["referral", "inbound", "outbound"], k=count)
    from_promotion = rng.choices([True, False], [45, 55], k=count)
    promoted = rng.choices(promotions, k=count)
    segment_ids = rng.choices(range(1, segments + 1), k=count)
    cadences = rng.choices([None, None, 30, 60], k=count)
    lost_depths = rng.choices([1, 2, 3, 4], k=count)
    random = rng.random
    prospects: list[Row] = []
    history: list[Row] = []
    for index in range(count):
        pid = index + 1
        stage = stages[index]
        created = start + int(slot * (index + random()))  # ids follow creation time
        lost_reason = None
        if stage == "lost":
            path = [*FUNNEL[: lost_depths[index]], "lost"]
            reasons = LOST_REASONS[(segment_ids[index] - 1) % len(LOST_REASONS)]
            lost_reason = reasons[pid % len(reasons)]
        else:
            path = FUNNEL[: FUNNEL.index(stage) + 1]
        moment = created
        previous = None
        for step in path:
            history.append((pid, previous, step, stamp(moment),
                            lost_reason if step == "lost" else None))  # fmt: skip
            previous = step
            moment = min(now, moment + int(DAY * (1 + 8 * random())))
        company = companies[index]
        first, last = names[index]
        promotion = promoted[index] if from_promotion[index] else None
        prospects.append((
            pid, f"{first} {last}", company, titles[index],
            f"{first.lower()}.{pid}@{company.split()[0].lower()}.example", stage,
            lost_reason, values[index],
            "promotion" if promotion else sources[index], promotion, segment_ids[index],
            f"Met via {company}. Prefers email.", cadences[index], stamp(created), history[-1][3],
        ))  # fmt: skip
        if pid % 10_000 == 0:
            report("prospects", pid, count)
    return prospects, history

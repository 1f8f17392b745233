"""The review as JSON (machine-readable, versioned) and CSV (one row per metric).

JSON schema, version 1 (additions keep the version; a rename or removal bumps it)::

    {"schema_version": 1, "generator": "dualrole", "reviews": [Review, ...]}

    A range export (``review --from … --to …``) adds ``"insights"``: the insights of its
    weeks, as documented in :mod:`dualrole.render.insights` (without its header keys).

    Review  = {week "2026-W47", monday, sunday (ISO dates), previous_weeks [week labels,
               oldest first], currency, status "ended"|"in progress"|"not started",
               marketing [Metric], sales [Metric],
               scores {"marketing"|"sales": {side, score 0-100|null, reasons [text]}},
               handoff {leads, leads_by_promotion [{name, count}], leads_by_channel
               [{name, count}], feedback, feedback_titles [text]},
               balance {marketing_actions, sales_actions, marketing_share %|null,
               marketing_hours, sales_hours, marketing_hours_share %|null,
               target_marketing_share %},
               reflection {went_well, to_improve, focus_next}}
    Metric  = {key, side, label, unit "count"|"money"|"percent", better "higher"|"lower",
               actual, detail, target, grade "met"|"partial"|"missed"|"in progress"
               (this week, not reached yet)|"not started" (a later week)|null, credit 0-1|null,
               reason, previous [8 values, oldest first; [] for snapshots]}

Money is integer minor units (cents), rates are percent; ``null`` means "—" (nothing to
measure, or no target). Whole numbers are written as integers.

CSV columns: week, side, metric, label, unit, currency, actual, target, grade, detail,
reason, then one column per previous week (``w-8`` … ``w-1``). Money is written in major
units with a dot (``1250.00``; ``8400`` for the yen, which has no decimals; two decimals
whenever a fraction remains) and its row names the currency, the JSON's ``currency``;
other rows leave ``currency`` empty. Text cells that a spreadsheet would run
as a formula (starting with ``= + - @``, tab or CR) get a leading apostrophe; numbers stay
numbers.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import partial
from typing import Any

from dualrole.core.money import currency_digits, round_minor
from dualrole.review import WeeklyReview
from dualrole.review.model import WEEKS_BEFORE

SCHEMA_VERSION = 1
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    """Whole floats as ints, recursively (4.0 → 4), so counts read as counts."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def review_data(review: WeeklyReview) -> dict[str, Any]:
    return {k: _plain(v) for k, v in review.model_dump(mode="json").items()}


def render_json(reviews: list[WeeklyReview]) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "generator": "dualrole",
        "reviews": [review_data(review) for review in reviews],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell that would start a formula; leave numbers alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CSV_HEADER = [
    "week",
    "side",
    "metric",
    "label",
    "unit",
    "currency",
    "actual",
    "target",
    "grade",
    "detail",
    "reason",
    *[f"w-{WEEKS_BEFORE - i}" for i in range(WEEKS_BEFORE)],
]


def _number(value: float | None) -> Any:
    return "" if value is None else _plain(value)


def major_units(minor: float | None, currency: str) -> str:
    """An amount of minor units (hundredths) as a spreadsheet reads it: ``1250.00`` for
    125000 euro cents, ``1250`` for the yen (no decimals), never grouped, never rounded to
    less than what is kept."""
    if minor is None:
        return ""
    amount = Decimal(round_minor(minor)) / 100
    digits = currency_digits(currency)
    if amount != round(amount, digits):
        digits = 2
    return f"{amount:.{digits}f}"


def render_csv(reviews: list[WeeklyReview]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for review in reviews:
        for metric in review.metrics():
            money = metric.unit == "money"
            number = partial(major_units, currency=review.currency) if money else _number
            previous = [number(v) for v in metric.previous]
            previous += [""] * (WEEKS_BEFORE - len(previous))
            row = [
                review.week,
                metric.side.value,
                metric.key,
                safe_cell(metric.label),
                metric.unit,
                review.currency if money else "",
                number(metric.actual),
                number(metric.target),
                metric.grade.value if metric.grade else "",
                safe_cell(metric.detail),
                safe_cell(metric.reason),
                *previous,
            ]
            writer.writerow(row)
    return out.getvalue()

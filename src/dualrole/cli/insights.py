"""``dualrole insights``: which marketing makes money, across weeks.

The insights and the exports load inside the command so ``--help`` stays instant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dualrole.cli.context import (
    Context,
    ask_before_replacing,
    deliver,
    document_options,
    pass_ctx,
)

if TYPE_CHECKING:  # the insights load inside the command
    from dualrole.insights import Period
    from dualrole.insights.model import By


def parse_day(text: str | None, option: str, *, end: bool) -> dt.date | None:
    """A day (``2026-09-01``, ``today``…) or an ISO week (its Monday, or Sunday for --to),
    in the years any date can have (1900 to 2200): the period's arithmetic stays clear of the
    calendar's ends."""
    from dualrole.core.dates.reading import MAX_YEAR, MIN_YEAR, parse_date, parse_week

    if text is None:
        return None
    try:
        if "w" in text.lower() and text.strip()[:4].isdigit():
            monday = parse_week(text)
            if not MIN_YEAR <= monday.year <= MAX_YEAR:
                raise ValueError(
                    f"{text.strip()} is outside the years insights cover; pick a week from "
                    f"{MIN_YEAR} to {MAX_YEAR}"
                )
            return monday + dt.timedelta(days=6) if end else monday
        return parse_date(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def period_from(first: dt.date | None, last: dt.date | None) -> Period:
    """The period asked for; a missing end is filled from the default 13 weeks."""
    from dualrole.insights import Period, default_period

    default = default_period()
    if first is None and last is None:
        return default
    if first is None:
        assert last is not None
        first = last - (default.last - default.first)
    return Period(first, last or max(default.last, first))


@click.command()
@click.option("--from", "from_text", metavar="DATE", help="First day (or ISO week) of the period.")
@click.option("--to", "to_text", metavar="DATE", help="Last day (or ISO week) of the period.")
@click.option(
    "--by",
    type=click.Choice(["channel", "promotion", "segment"]),
    help="Only this breakdown (Markdown, HTML, CSV; JSON always has all three).",
)
@document_options
@pass_ctx
def insights(
    ctx: Context,
    from_text: str | None,
    to_text: str | None,
    by: By | None,  # click.Choice admits only these
    fmt: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Which channels, promotions and segments bring customers; funnel, losses, forecast.

    The period defaults to the last 13 weeks (this one included).
    """
    from dualrole.insights import build_insights
    from dualrole.render import format_for
    from dualrole.render.insights import render_insights

    first = parse_day(from_text, "--from", end=False)
    last = parse_day(to_text, "--to", end=True)
    try:
        period = period_from(first, last)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    fmt = format_for(output, fmt)
    ask_before_replacing(ctx, output, force)
    with ctx.open(create=False) as store:
        found = build_insights(store, period)
    text = render_insights(found, fmt, by)
    deliver(ctx, output, text, f"Wrote the {fmt} insights of {period.label}")


COMMANDS = (insights,)

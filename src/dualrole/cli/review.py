"""``dualrole review`` (export the weekly review) and ``dualrole targets``.

The review and the exports load inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dualrole.cli.context import (
    Context,
    ask_before_replacing,
    deliver,
    document_options,
    pass_ctx,
)
from dualrole.core.dates import clock


def _week(text: str | None, option: str) -> dt.date | None:
    from dualrole.core.dates.reading import parse_week
    from dualrole.review.build import check_week

    if text is None:
        return None
    try:
        return check_week(parse_week(text))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


@click.command()
@click.option("--week", "week_text", metavar="YYYY-Www", help="ISO week (default: this week).")
@click.option("--from", "from_text", metavar="YYYY-Www", help="First week of a range.")
@click.option("--to", "to_text", metavar="YYYY-Www", help="Last week of a range.")
@document_options
@pass_ctx
def review(
    ctx: Context,
    week_text: str | None,
    from_text: str | None,
    to_text: str | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Export the weekly review (Markdown, HTML, JSON or CSV)."""
    from dualrole.render import format_for, render
    from dualrole.review import build_review, build_reviews

    week = _week(week_text, "--week")
    first, last = _week(from_text, "--from"), _week(to_text, "--to")
    if week and (first or last):
        raise click.UsageError("Use --week for one week, or --from/--to for a range, not both.")
    fmt = format_for(output, fmt)
    ask_before_replacing(ctx, output, force)
    with ctx.open(create=False) as store:
        found = None
        if first or last:
            from dualrole.insights import Period, build_insights

            this_week = clock.today() - dt.timedelta(days=clock.today().weekday())
            reviews = build_reviews(store, first or last or this_week, last or this_week)
            if fmt != "csv":  # the range's insights (issue 15): Markdown, HTML and JSON
                found = build_insights(store, Period(reviews[0].monday, reviews[-1].sunday))
        else:
            monday = week or clock.today() - dt.timedelta(days=clock.today().weekday())
            reviews = [build_review(store, monday)]
        text = render(reviews, fmt, found)
    weeks = reviews[0].week if len(reviews) == 1 else f"{reviews[0].week}…{reviews[-1].week}"
    deliver(ctx, output, text, f"Wrote the {fmt} review of {weeks}")


@click.command()
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Set a weekly target (money in currency units, rates in %; 'none' stops grading).",
)
@click.option("--reset", is_flag=True, help="Back to the default targets.")
@pass_ctx
def targets(ctx: Context, settings: tuple[str, ...], reset: bool) -> None:
    """Show the weekly targets, or change them."""
    from dualrole.review import BY_KEY, CATALOGUE, get_targets, parse_target, set_target
    from dualrole.review.model import show_value
    from dualrole.services.settings import workspace_currency

    pairs = []
    for item in settings:
        metric, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(
                f"{item!r}: write METRIC=VALUE, e.g. leads=8", param_hint="--set"
            )
        pairs.append((metric.strip(), parse_target(metric.strip(), value)))
    with ctx.open() as store:
        if reset:
            from dualrole.review import reset_targets

            reset_targets(store)
        for metric, target in pairs:
            set_target(store, metric, target)
        current = get_targets(store)
        currency = workspace_currency(store)
    for definition in CATALOGUE:
        target = current[definition.key]
        shown = "—" if target is None else show_value(target, definition.unit, currency)
        if target is not None and BY_KEY[definition.key].better == "lower":
            shown = f"≤ {shown}"
        default = definition.default_target
        note = "" if target == default else " (changed)"
        click.echo(
            f"{definition.side.value:<9} {definition.key:<20} {shown:>10}  {definition.label}{note}"
        )


COMMANDS = (review, targets)

"""Deals and companies from the shell: ``deal add``, ``company show`` (issue 27).

``stage dN STAGE`` and the deals in ``show`` live with the other daily commands
(:mod:`dualrole.cli.daily`). Reads and writes go through :mod:`dualrole.services.deals`.
"""

from __future__ import annotations

import click

from dualrole.cli.context import Context, pass_ctx
from dualrole.cli.daily import PROSPECT, _on, _prospect, _sentences, _store
from dualrole.core.printable import visible


@click.group()
def deal() -> None:
    """A prospect's deals: each sale with its own stage, value and source."""


@deal.command("add")
@PROSPECT
@click.argument("title")
@click.option("--value", help="Deal value in major units, e.g. 2400 or 2,400.50.")
@click.option("--stage", default="lead", show_default=True, help="Pipeline stage.")
@click.option(
    "--source",
    help="referral, inbound, outbound, event, other, or a promotion's name "
    "(default: none; credited to the customer's original source).",
)
@click.option("--close", help='Expected close date, e.g. "end of month", 15 jan, +30d.')
@click.option("--currency", help="Three-letter code (default: the workspace's).")
@pass_ctx
def deal_add(
    ctx: Context, prospect: str, title: str, value: str | None, stage: str, source: str | None,
    close: str | None, currency: str | None,
) -> None:  # fmt: skip
    """Add a deal for PROSPECT (and their company) and print its id (dN)."""
    from dualrole.core.dates.reading import parse_date
    from dualrole.core.models import DealIn
    from dualrole.services import daily, deals

    target = deals.parse_stage(stage)
    day = _on("--close", parse_date, close) if close else None
    with _sentences(), _store(ctx) as store:
        pid = _prospect(store, prospect)
        fields: dict[str, object] = {"title": title, "stage": target, "value": value}
        if day is not None:
            fields["expected_close"] = day
        if currency:
            fields["currency"] = currency
        fields.update(daily.resolve_source(store, source))
        made = deals.create_deal(store, pid, DealIn.model_validate(fields))
    click.echo(made.ref)


@click.group()
def company() -> None:
    """Companies: the people in them, their deals, history and revenue."""


@company.command("show")
@click.argument("name")
@pass_ctx
def company_show(ctx: Context, name: str) -> None:
    """Show the company NAME (any case, or the start of its name)."""
    from dualrole.core.dates.when import format_moment
    from dualrole.core.money import format_money
    from dualrole.services import companies

    with _store(ctx) as store:
        page = companies.company_page(store, companies.find_company(store, name).id)
    c = page.company
    click.echo(f"{visible(c.name)}" + (f" · {visible(c.website)}" if c.website else ""))
    click.echo(companies.summary_line(page))
    click.echo("people")
    for person in page.people:
        extra = [person.title or "", person.email or ""]
        click.echo(
            f"  #{person.id}  {visible(person.name)}"
            + "".join(f" · {visible(x)}" for x in extra if x)
        )
    click.echo("deals")
    for d in page.deals:
        worth = format_money(d.value_minor, d.currency) if d.value_minor is not None else ""
        parts = [d.title, d.person, d.stage.value, worth]
        click.echo(f"  {d.ref}  " + " · ".join(visible(x) for x in parts if x))
    if page.history:
        click.echo("history")
    for t in page.history:
        click.echo(
            f"  {format_moment(t.occurred_at)}  {visible(t.prospect)}{t.about(page.deal_count)}  "
            f"{t.kind}  "
            f"{visible(t.summary)}"
        )


COMMANDS = (deal, company)

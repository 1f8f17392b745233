"""The working day from the shell: add, log, follow-up, stage, today, done, snooze, show, find.

Every command reads and
writes through :mod:`dualrole.services` (``daily``, ``resolve``, ``sales``, ``today``), with the
app's pydantic models and messages, and dates through :mod:`dualrole.core.dates` (reading
and when), the app's own reader. A command echoes what it understood ("due Tue 1 Dec
2026"); a failure is one sentence and a non-zero exit, and nothing is half-written. Stored text
is shown through :func:`~dualrole.core.printable.visible`, never raw.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

from dualrole.cli.context import Context, pass_ctx
from dualrole.core.dates.clock import relative_day
from dualrole.core.printable import visible
from dualrole.storage.db import Store

if TYPE_CHECKING:  # the services are imported when a command runs (start-up time)
    from dualrole.services.due import DueItem
    from dualrole.services.today import Agenda

# JSON escapes C0 controls itself; these (DEL, C1, bidi overrides) would reach a terminal raw.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ROLE_COLOURS = {"marketing": 135, "sales": 208}  # violet and orange, as in the app


OPTIONS = {
    "occurred_at": "--when",
    "due_date": "--due",
    "due_time": "--at",
    "repeat_every": "--repeat",
}
"""Fields named as the option that set them, in a command's error sentence."""


@contextlib.contextmanager
def _sentences() -> Iterator[None]:
    """A pydantic error becomes the app's one line per field (as forms show them), in our
    words (never "Input should be ..."), a field named by its option."""
    from pydantic import ValidationError

    from dualrole.core.models import describe_errors

    try:
        yield
    except ValidationError as exc:
        raise ValueError(describe_errors(exc, OPTIONS)) from None


def _store(ctx: Context, *, create: bool = False) -> Store:
    """The workspace; only ``add`` starts one (the others need records to act on)."""
    return ctx.open(create=create)


def _prospect(store: Store, text: str) -> int:
    from dualrole.services.resolve import resolve_prospect

    return resolve_prospect(store, text)


def _complete_prospect(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of PROSPECT: names from the workspace (nothing if it cannot open)."""
    from dualrole.services.resolve import complete_prospects
    from dualrole.storage.db import open_store, resolve_path

    try:
        path, _ = resolve_path(ctx.find_root().params.get("db_path"))
        with open_store(path, create=False) as store:
            found = complete_prospects(store, incomplete)
    except Exception:  # completion must never print a traceback into the prompt
        return []
    return [CompletionItem(visible(c.name), help=visible(c.company or c.stage)) for c in found]


def _on(option: str, parse: Any, *args: Any, **kw: Any) -> Any:
    """Run a date/time parser; its sentence is prefixed with the option it came from."""
    try:
        return parse(*args, **kw)
    except ValueError as exc:
        raise ValueError(f"{option}: {exc}") from None


def _role(text: str, role: str, colour: bool) -> str:
    return click.style(text, fg=ROLE_COLOURS[role]) if colour else text


def _use_colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


PROSPECT = click.argument("prospect", shell_complete=_complete_prospect)


@click.command()
@click.argument("name")
@click.option("--email", help="Email address (a prospect with it already is refused).")
@click.option("--company")
@click.option("--phone")
@click.option("--title", "job_title", help="Job title.")
@click.option("--stage", default="lead", show_default=True, help="Pipeline stage.")
@click.option("--source", help="referral, inbound, outbound, event, other, or a promotion's name.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--value", help="Deal value in major units, e.g. 2400 or 2,400.50.")
@click.option("--currency", help="Three-letter code (default: the workspace's).")
@pass_ctx
def add(
    ctx: Context, /, name: str, job_title: str | None, tags: tuple[str, ...], **kw: Any
) -> None:
    """Add a prospect."""
    from dualrole.core.money import format_money
    from dualrole.services import daily

    stage = kw.pop("stage")
    with _sentences(), _store(ctx, create=True) as store:
        fields = {k: v for k, v in kw.items() if v is not None and k != "source"}
        fields.update(name=name, tags=list(tags), **daily.resolve_source(store, kw["source"]))
        if job_title is not None:
            fields["title"] = job_title
        p = daily.add_prospect(store, fields, stage)
    extra = f", {format_money(p.value, p.currency)}" if p.value is not None else ""
    click.echo(f"Added #{p.id} {visible(p.name)} ({p.stage.value}{extra}).")


@click.command()
@PROSPECT
@click.argument("summary")
@click.option("--kind", default="call", show_default=True, help="call, email, meeting, …")
@click.option("--when", "when", help='When it happened (default now), e.g. "yesterday 15:00".')
@click.option("--outcome", default="", help="What came of it / what the customer said.")
@click.option("--feedback", is_flag=True, help="Also file it for marketing as a feedback note.")
@pass_ctx
def log(
    ctx: Context, prospect: str, summary: str, kind: str, when: str | None, outcome: str,
    feedback: bool,
) -> None:  # fmt: skip
    """Log an interaction with PROSPECT (an email, a name, part of a name or an id), or on
    deal dN. It belongs to the person's only open deal; with several, name one as dN."""
    from dualrole.core.dates.when import format_moment, parse_moment
    from dualrole.services import daily, deals, sales

    moment = _on("--when", parse_moment, when) if when else None
    with _sentences(), _store(ctx) as store:
        deal_id = deals.parse_deal_ref(prospect)
        pid = deals.get_deal(store, deal_id).prospect_id if deal_id else _prospect(store, prospect)
        fields = {"prospect_id": pid, "kind": kind, "summary": summary, "outcome": outcome}
        if deal_id is not None:
            fields["deal_id"] = deal_id
        if moment is not None:
            fields["occurred_at"] = moment
        item, note = daily.log(store, fields, feedback=feedback)
        name = sales.get_prospect(store, pid).name
    click.echo(
        f"Logged {item.kind.value} with {visible(name)} on {format_moment(item.occurred_at)}"
        f"{f' for d{deal_id}' if deal_id is not None else ''} (interaction #{item.id})."
    )
    if note:
        click.echo(f"Filed for marketing as feedback research note #{note}.")


@click.command("follow-up")
@PROSPECT
@click.argument("title")
@click.option("--due", default="tomorrow", show_default=True, help='e.g. "next tue", +3d, 1 dec.')
@click.option("--at", "at", help="Time of day, e.g. 14:30 or 3pm.")
@click.option("--repeat", help="Repeat after it is done: 3d, 2w, weekly…")
@pass_ctx
def follow_up(
    ctx: Context, prospect: str, title: str, due: str, at: str | None, repeat: str | None
) -> None:
    """Schedule a follow-up with PROSPECT."""
    from dualrole.core.dates.when import format_day, parse_repeat, split_moment
    from dualrole.services import daily, sales

    day, time = _on("--due", split_moment, due, past=False)
    every = _on("--repeat", parse_repeat, repeat)
    with _sentences(), _store(ctx) as store:
        pid = _prospect(store, prospect)
        fields: dict[str, Any] = {"prospect_id": pid, "title": title, "due_date": day}
        if at or time:
            fields["due_time"] = at or time
        f = daily.schedule(store, fields, every)
        name = sales.get_prospect(store, pid).name
    when = format_day(f.due_date) + (f" at {f.due_time:%H:%M}" if f.due_time else "")
    repeats = f", repeats every {f.repeat_every} {f.repeat_unit.value}" if f.repeat_every else ""
    click.echo(f"Follow-up f{f.id} with {visible(name)}: {visible(f.title)}, due {when}{repeats}.")


@click.command()
@PROSPECT
@click.argument("stage", metavar="STAGE")
@click.option("--value", help="Set the deal's value first (major units), e.g. 9600.")
@click.option("--reason", help="Why it was lost (required for lost).")
@pass_ctx
def stage(
    ctx: Context, prospect: str, stage: str, value: str | None, reason: str | None
) -> None:  # fmt: skip
    """Move PROSPECT's deal (or deal dN) to STAGE (lead, contacted, qualified, proposal,
    negotiation, won, lost). A prospect with several open deals: name one as dN."""
    from dualrole.core.money import format_money
    from dualrole.services import daily, deals

    with _sentences(), _store(ctx) as store:
        deal_id = deals.parse_deal_ref(prospect)
        if deal_id is None:
            pid = _prospect(store, prospect)
            if len(deals.deals_for(store, pid)) > 1:  # a repeat customer: say which deal moved
                deal_id = deals.deal_to_move(store, pid)
        if deal_id is not None:
            deal, was = deals.change_deal_stage(store, deal_id, stage, value=value, reason=reason)
            click.echo(_deal_moved(deal, was))
            return
        p, before = daily.change_stage(store, pid, stage, value=value, reason=reason)
    worth = f", value {format_money(p.value, p.currency)}" if p.value is not None else ""
    why = f", reason: {visible(p.lost_reason)}" if p.lost_reason else ""
    move = f"{before.value} → {p.stage.value}" if before != p.stage else f"already {before.value}"
    click.echo(f"{visible(p.name)} (#{p.id}): {move}{worth}{why}.")


def _deal_moved(deal: Any, was: Any) -> str:
    from dualrole.core.money import format_money

    worth = (
        f", value {format_money(deal.value_minor, deal.currency)}"
        if deal.value_minor is not None
        else ""
    )
    why = f", reason: {visible(deal.lost_reason)}" if deal.lost_reason else ""
    move = f"{was.value} → {deal.stage.value}" if was != deal.stage else f"already {was.value}"
    return (
        f"{visible(deal.person)} (#{deal.prospect_id}) {deal.ref} {visible(deal.title)}: "
        f"{move}{worth}{why}."
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--short", is_flag=True, help="One line of counts (for status bars).")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto")
@pass_ctx
def today(ctx: Context, fmt: str, short: bool, colour: str) -> None:
    """What is overdue and due today in both roles (as the Today screen)."""
    from dualrole.services import due
    from dualrole.services.today import agenda

    with _store(ctx) as store:
        day = agenda(store)
    if fmt == "json":
        text = json.dumps(due.today_document(day), ensure_ascii=False, indent=2)
        click.echo(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text))
        return
    use = _use_colour(colour)
    items = due.due_items(day)
    late = sum(1 for i in items if i.overdue_days)
    if short:
        parts = [f"{late} overdue"] if late else []
        parts += [f"{len(items) - late} today"] if len(items) > late else []
        click.echo(" · ".join(parts) or "nothing due", color=use)
        return
    click.echo(_today_text(day, items, late, use), color=use)


def _today_text(day: Agenda, items: list[DueItem], late: int, use: bool) -> str:
    from dualrole.core.dates.when import format_day

    lines = [f"{format_day(day.day)}: {late} overdue, {len(items) - late} due today"]
    width = max((len(str(i.ref)) for i in items), default=2)
    for heading, chosen in (("overdue", True), ("today", False)):
        group = [i for i in items if bool(i.overdue_days) == chosen]
        if group:
            lines.append(heading)
        for i in group:
            what = visible(i.title)
            if i.prospect:
                what = f"{visible(i.prospect)} — {what}"
            if i.time:
                what += f" · {i.time}"
            ref = _role(f"{i.ref!s:<{width}}", i.role, use)
            lines.append(f"  {ref}  {what}  ({relative_day(i.due, day.day)})")
    extra = [
        (len(day.running_promotions), "running promotions"),
        (len(day.idle_deals), "idle deals"),
        (len(day.keep_in_touch), "to keep in touch with"),
    ]
    said = ", ".join(f"{n} {what}" for n, what in extra if n)
    if said:
        lines.append(f"also: {said}")
    return "\n".join(lines)


@click.command()
@click.argument("item_id", metavar="ID")
@pass_ctx
def done(ctx: Context, item_id: str) -> None:
    """Mark follow-up fN or marketing task tN done (a repeating follow-up gets its next one)."""
    from dualrole.core.dates.when import format_day
    from dualrole.services import daily
    from dualrole.services.due import parse_ref

    ref = parse_ref(item_id)
    with _sentences(), _store(ctx) as store:
        result = daily.complete(store, ref)
    who = f" ({visible(result.prospect)})" if result.prospect else ""
    click.echo(f"Done: {ref} {visible(result.title)}{who}.")
    upcoming = result.next_followup
    if upcoming:
        click.echo(f"Next: f{upcoming.id} due {format_day(upcoming.due_date)} (it repeats).")


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("when", metavar="[WHEN]", required=False)
@pass_ctx
def snooze(ctx: Context, item_id: str, when: str | None) -> None:
    """Move follow-up fN or marketing task tN to WHEN (tomorrow, mon, +3d, 1 dec; a
    follow-up also "tomorrow 14:30"); without WHEN to the next business day, as z does."""
    from dualrole.core.dates.when import format_day, split_moment
    from dualrole.services import daily
    from dualrole.services.due import parse_ref

    ref = parse_ref(item_id)
    day, time = _on("WHEN", split_moment, when, past=False) if when else (None, None)
    with _sentences(), _store(ctx) as store:
        day = day or daily.snooze_day(store)
        snoozed = _on("WHEN", daily.snooze, store, ref, day, time)
    at = f" at {time:%H:%M}" if time else ""
    click.echo(f"Snoozed {ref} {visible(snoozed.title)} to {format_day(day)}{at}.")


@click.command()
@PROSPECT
@pass_ctx
def show(ctx: Context, prospect: str) -> None:
    """Show PROSPECT: details, deals and open follow-ups (with ids), recent interactions."""
    from dualrole.core.dates.when import format_day, format_moment
    from dualrole.core.money import format_money
    from dualrole.services import deals, sales

    with _store(ctx) as store:
        p = sales.get_prospect(store, _prospect(store, prospect))
        followups = sales.followups_for(store, p.id, open_only=True)
        talks = sales.interactions_for(store, p.id, limit=5)
        its_deals = deals.deals_for(store, p.id)
    head = [p.name, p.company or "", p.stage.value]
    click.echo(f"#{p.id} " + " · ".join(visible(x) for x in head if x))
    facts = [
        ("email", p.email),
        ("phone", p.phone),
        ("value", format_money(p.value, p.currency) if p.value is not None else None),
        ("source", p.source.value),
        ("tags", ", ".join(p.tags)),
        ("last contact", format_moment(p.last_contact_at) if p.last_contact_at else None),
    ]
    click.echo(" · ".join(f"{k} {visible(v)}" for k, v in facts if v))
    for d in its_deals:
        worth = format_money(d.value_minor, d.currency) if d.value_minor is not None else ""
        parts = [d.title, d.stage.value, worth]
        click.echo(f"  {d.ref}  " + " · ".join(visible(x) for x in parts if x))
    for f in followups:
        at = f" {f.due_time:%H:%M}" if f.due_time else ""
        click.echo(f"  f{f.id}  due {format_day(f.due_date)}{at}  {visible(f.title)}")
    for t in talks:
        click.echo(f"  {format_moment(t.occurred_at)}  {t.kind.value}  {visible(t.summary)}")


@click.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@pass_ctx
def find(ctx: Context, text: str, limit: int) -> None:
    """List the prospects TEXT finds, as `/` and the palette do: a word of the name first
    (accents and case aside: jose finds José), then the company, email, notes, a tag or a
    logged interaction (shown below the prospect)."""
    from dualrole.core.dates.when import format_moment
    from dualrole.services.resolve import find_prospects
    from dualrole.services.search import matched_interactions

    with _store(ctx) as store:
        found = find_prospects(store, text, limit)
        logged = matched_interactions(store, text, [c.id for c in found])
    if not found:
        raise click.ClickException(f"No prospect matches {visible(text)!r}.")
    for candidate in found:
        click.echo(candidate.line())
        hit = logged.get(candidate.id)
        if hit is not None:
            when = format_moment(hit.occurred_at)
            click.echo(f"    logged {when}  {hit.kind}  {visible(hit.summary)}")


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script (e.g. eval "$(dualrole completion bash)")."""
    from click.shell_completion import get_completion_class

    kind = get_completion_class(shell)
    assert kind is not None
    root = click.get_current_context().find_root().command
    click.echo(kind(root, {}, "dualrole", "_DUALROLE_COMPLETE").source())


COMMANDS = (add, log, follow_up, stage, today, done, snooze, show, find, completion)

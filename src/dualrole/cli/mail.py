"""``dualrole mail``: connect mail sources, fetch, and triage unknown senders.

``connect`` remembers a source (never a password); ``fetch`` logs the messages to and from
prospects as interactions; ``triage`` lists unknown people who wrote, and ``lead``,
``link`` and ``ignore`` settle them; ``deals`` lists messages of people with several open
deals and ``deal`` files one under its deal. Outreach commands live in :mod:`dualrole.cli.outreach`.
Heavy modules load inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from dualrole.cli.context import Context, pass_ctx, say
from dualrole.core.printable import visible

if TYPE_CHECKING:
    from dualrole.mail.sources import SourceUrl
    from dualrole.services.mail import Tally


@contextlib.contextmanager
def mail_errors() -> Iterator[None]:
    """A mail source's failure is one sentence and exit 1 (click prints it safely)."""
    from dualrole.mail.sources import MailError

    try:
        yield
    except MailError as exc:
        raise click.ClickException(str(exc)) from None


def prompt_password(label: str) -> str:
    """Asks on a terminal, never echoing; refuses when there is nobody to ask."""
    from dualrole.mail.fetch import PASSWORD_ENV
    from dualrole.mail.sources import MailError

    if not sys.stdin.isatty():
        raise MailError(f"No password: set {PASSWORD_ENV} or store it in the keyring.")
    return str(click.prompt(label, hide_input=True))


@click.group("mail")
def mail() -> None:
    """Log mail to and from prospects; triage unknown senders; outreach templates."""


@mail.command("connect")
@click.argument("source")
@click.option("--me", "me", multiple=True, required=True, help="Your own address (repeatable).")
@click.option(
    "--folder",
    "folders",
    multiple=True,
    help="A folder or label to read (repeatable); IMAP reads only the folders named.",
)
@pass_ctx
def connect(ctx: Context, source: str, me: tuple[str, ...], folders: tuple[str, ...]) -> None:
    """Remember SOURCE: maildir:PATH, mbox:PATH or imap://USER@HOST[:PORT]/FOLDER.

    No password is stored: IMAP reads it from DUALROLE_MAIL_PASSWORD, the keyring, or asks.
    """
    from dualrole.mail.fetch import source_folders
    from dualrole.services.mail import add_source

    with mail_errors():
        from dualrole.mail.sources import MailError, parse_source

        url = parse_source(source)
        if url.is_imap and not url.folder and not folders:
            raise MailError(
                "Name the folders to read (e.g. imap://me@host/INBOX --folder Sent); "
                "dualrole never reads a whole mailbox unasked."
            )
        _check_files(url, folders)
        with ctx.open() as store:
            saved = add_source(store, url.text(), me, folders)
        shown = ", ".join(f or "(the folder itself)" for f in source_folders(saved, url))
        say(f"Connected {saved.url}: {shown}; your addresses: {', '.join(saved.me)}.")


def _check_files(url: SourceUrl, folders: tuple[str, ...]) -> None:
    """A Maildir or mbox that is not there is said at once, not at the first fetch."""
    from pathlib import Path

    from dualrole.mail.sources import MailError, maildir_folder

    if url.scheme == "mbox" and not Path(url.path).is_file():
        raise MailError(f"There is no mbox file at {url.path}.")
    if url.scheme == "maildir":
        for folder in folders or ("",):
            path = maildir_folder(url.path, folder)
            if not (path / "cur").is_dir() and not (path / "new").is_dir():
                raise MailError(f"{path} is not a Maildir (it has no cur/ or new/ folder).")


@mail.command("sources")
@pass_ctx
def list_sources(ctx: Context) -> None:
    """List the connected mail sources."""
    from dualrole.services.mail import sources

    with ctx.open(create=False) as store:
        for source in sources(store):
            say(f"{source.url}  folders: {', '.join(source.folders) or '-'}")


@mail.command("disconnect")
@click.argument("source")
@pass_ctx
def disconnect(ctx: Context, source: str) -> None:
    """Forget a source (what it logged stays)."""
    from dualrole.mail.sources import parse_source
    from dualrole.services.mail import remove_source

    with mail_errors(), ctx.open(create=False) as store:
        if not remove_source(store, parse_source(source).text()):
            raise click.ClickException(f"No source {visible(source)} is connected.")
    say(f"Disconnected {source}.")


@mail.command("fetch")
@click.option("--source", "only", help="Fetch only this source (as `mail sources` shows it).")
@pass_ctx
def fetch(ctx: Context, only: str | None) -> None:
    """Log new mail to and from prospects; unknown senders wait in triage."""
    from dualrole.mail.fetch import fetch_all
    from dualrole.services.mail import sources

    with mail_errors(), ctx.open(create=False) as store:
        if not sources(store):
            raise click.ClickException(
                "No mail source yet: connect one with `dualrole mail connect SOURCE --me ADDRESS`."
            )
        report = fetch_all(store, prompt=prompt_password, only=only, on_batch=_progress)
    if sys.stderr.isatty():
        click.echo("", err=True)
    t = report.tally
    say(
        f"Read {t.read} messages: {t.logged} logged for {len(t.prospects)} prospects, "
        f"{t.waiting} waiting in triage, {t.lists} from lists or no-reply senders, "
        f"{t.known} already known."
    )
    for problem in report.problems:
        say(f"Error: {problem}", err=True)
    if report.problems:
        sys.exit(1)


def _progress(folder: str, tally: Tally) -> None:
    """How far a fetch is, on stderr when it is a terminal (ctrl+c keeps what was read)."""
    if sys.stderr.isatty():
        where = visible(folder or "folder")
        click.echo(f"\rReading {where}: {tally.read:,} messages, {tally.logged:,} logged   ",
                   err=True, nl=False)  # fmt: skip


@mail.command("triage")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def triage_cmd(ctx: Context, fmt: str) -> None:
    """Unknown people who wrote to you: make a lead, link, or ignore each."""
    from dualrole.services.mail_deals import messages_to_file
    from dualrole.services.mail_triage import triage

    with ctx.open(create=False) as store:
        entries = triage(store)
        to_file = len(messages_to_file(store))
    if fmt == "json":
        rows = [
            {
                "address": e.address,
                "name": e.name,
                "organisation": e.organisation,
                "subject": e.subject,
                "last_at": e.last_at.isoformat(),
                "messages": e.messages,
            }
            for e in entries
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not entries:
        say("Nobody waits in triage.")
    for e in entries:
        who = f"{e.name} <{e.address}>" if e.name else e.address
        say(f"{who}  {e.messages} message(s), last {e.last_at:%Y-%m-%d}: {e.subject}")
    if to_file:
        say(f"{to_file} message(s) of people with several open deals wait for their deal: "
            "see `dualrole mail deals`.")  # fmt: skip


@mail.command("lead")
@click.argument("address")
@click.option("--name", help="The lead's name (default: from the message).")
@click.option("--company", help="The lead's company (default: from the message).")
@pass_ctx
def lead(ctx: Context, address: str, name: str | None, company: str | None) -> None:
    """Make a lead of a sender waiting in triage; its messages become interactions."""
    from dualrole.services.mail_triage import guess_lead, make_lead

    with ctx.open(create=False) as store:
        data = guess_lead(store, address)
        if name or company:
            data = data.model_copy(
                update={"name": name or data.name, "company": company or data.company}
            )
            data = type(data).model_validate(data.model_dump())
        prospect = make_lead(store, address, data)
    say(f"New lead #{prospect.id} {prospect.name} ({address}).")


@mail.command("link")
@click.argument("address")
@click.argument("prospect")
@pass_ctx
def link(ctx: Context, address: str, prospect: str) -> None:
    """Give PROSPECT (id, email or name) a second address, from triage."""
    from dualrole.services.mail_triage import link_address
    from dualrole.services.resolve import resolve_prospect

    with ctx.open(create=False) as store:
        found = link_address(store, address, resolve_prospect(store, prospect))
    say(f"{address} is now an address of #{found.id} {found.name}.")


@mail.command("ignore")
@click.argument("address")
@pass_ctx
def ignore(ctx: Context, address: str) -> None:
    """Ignore a sender forever; its waiting messages are dropped."""
    from dualrole.services.mail_triage import ignore_address

    with ctx.open(create=False) as store:
        dropped = ignore_address(store, address)
    say(f"Ignoring {address} from now on ({dropped} waiting message(s) dropped).")


@mail.command("deals")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def deals_cmd(ctx: Context, fmt: str) -> None:
    """Captured messages of people with several open deals, waiting for their deal."""
    from dualrole.services.mail_deals import messages_to_file

    with ctx.open(create=False) as store:
        waiting = messages_to_file(store)
    if fmt == "json":
        rows = [
            {
                "interaction": m.interaction_id,
                "prospect": m.prospect_id,
                "person": m.person,
                "direction": m.direction,
                "occurred_at": m.occurred_at.isoformat(),
                "subject": m.subject,
                "deals": [
                    {"deal": d.ref, "title": d.title, "stage": d.stage.value} for d in m.deals
                ],
            }
            for m in waiting
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not waiting:
        say("No captured message waits for its deal.")
    for m in waiting:
        say(f"#{m.interaction_id}  {m.occurred_at:%Y-%m-%d} {m.direction:<3} {m.person}: "
            f"{m.subject}")  # fmt: skip
        for d in m.deals:
            say(f"    {d.line()}")
    if waiting:
        say("Pick one with `dualrole mail deal ID dN` (or `none`).")


@mail.command("deal")
@click.argument("interaction", type=int)
@click.argument("deal", metavar="dN|none")
@pass_ctx
def deal_cmd(ctx: Context, interaction: int, deal: str) -> None:
    """File captured message INTERACTION (from `mail deals`) under deal dN, or none."""
    from dualrole.services.deals import parse_deal_ref
    from dualrole.services.mail_deals import file_under_deal

    deal_id = None if deal.strip().lower() == "none" else parse_deal_ref(deal)
    if deal_id is None and deal.strip().lower() != "none":
        raise click.BadParameter("Name a deal as dN (e.g. d12), or none.", param_hint="DEAL")
    with ctx.open(create=False) as store:
        file_under_deal(store, interaction, deal_id)
    say(f"Message #{interaction} is filed under d{deal_id}." if deal_id is not None
        else f"Message #{interaction} is filed under no deal.")  # fmt: skip


@mail.command("settings")
@click.option(
    "--reply-closes-followup/--reply-keeps-followup",
    "closes",
    default=None,
    help="Whether a reply captured from a prospect marks its due follow-up done.",
)
@click.option(
    "--full-body/--excerpt-only",
    "full",
    default=None,
    help="Keep each logged message's whole text (the first 256 KB), or a short excerpt.",
)
@click.option(
    "--fetch-every",
    "every",
    type=int,
    metavar="MINUTES",
    help="While the app is open, fetch new mail every MINUTES (0: only when asked).",
)
@pass_ctx
def settings_cmd(ctx: Context, closes: bool | None, full: bool | None, every: int | None) -> None:
    """Show or change how captured mail is kept, acts on follow-ups, and is fetched."""
    from dualrole.services.mail import (
        FULL_BODY,
        REPLY_CLOSES_FOLLOWUP,
        fetch_every,
        set_fetch_every,
    )
    from dualrole.services.settings import get_setting, set_setting
    from dualrole.storage.db import StorageError

    with ctx.open() as store:
        if every is not None:
            try:
                set_fetch_every(store, every)
            except StorageError as exc:  # nothing else is changed by a bad value
                raise click.ClickException(str(exc)) from None
        if closes is not None:
            set_setting(store, REPLY_CLOSES_FOLLOWUP, closes)
        if full is not None:
            set_setting(store, FULL_BODY, full)
        closes_now = bool(get_setting(store, REPLY_CLOSES_FOLLOWUP))
        full_now = bool(get_setting(store, FULL_BODY))
        every_now = fetch_every(store)
    say(
        "A reply from a prospect marks its due follow-up done."
        if closes_now
        else "A reply from a prospect leaves its follow-ups open (--reply-closes-followup)."
    )
    say(
        "Logged mail keeps its whole text."
        if full_now
        else "Logged mail keeps a short excerpt of its text (--full-body keeps all of it)."
    )
    say(
        f"While the app is open it fetches new mail every {every_now} minute(s)."
        if every_now
        else "The app fetches mail only when asked (--fetch-every MINUTES to do it by itself)."
    )


COMMANDS = [mail]  # dualrole.cli.outreach adds its commands to this group

"""``dualrole dav connect``, ``sync``, ``every`` and ``status``: contacts and follow-ups on
the phone.

The work is done by :mod:`dualrole.dav`; this module asks for the password when needed,
prints the result and turns failures into one sentence and a non-zero exit.
"""

from __future__ import annotations

import click

from dualrole.cli.context import Context, pass_ctx, progress, say
from dualrole.storage.db import StorageError


def _every(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """``--every 15`` / ``off``: the app's interval, checked as ``dualrole dav every`` does."""
    from dualrole.dav.settings import DavSettingsError, parse_every

    if value is None:
        return None
    try:
        return parse_every(value)
    except DavSettingsError as exc:
        raise click.BadParameter(str(exc)) from None


def _ask_password(user: str) -> str:
    value: str = click.prompt(f"Password for {user}", hide_input=True, err=True)
    return value


@click.group()
def dav() -> None:
    """Sync prospects and follow-ups with a CardDAV/CalDAV server (the phone's apps)."""


@dav.command()
@click.argument("url")
@click.option("--user", required=True, help="User name on the server (often the email address).")
@click.option("--addressbook", metavar="NAME", help="Use this address book (default: make one).")
@click.option("--calendar", metavar="NAME", help="Use this task calendar (default: make one).")
@click.option("--no-contacts", is_flag=True, help="Sync follow-ups only.")
@click.option("--no-tasks", is_flag=True, help="Sync contacts only.")
@click.option(
    "--tasks-url",
    metavar="URL",
    help="The calendar server, when it is not URL (iCloud, Fastmail keep them apart).",
)
@click.option(
    "--every",
    metavar="MINUTES",
    callback=_every,
    help="Sync every MINUTES while the app is open (off: only when asked; see `dav every`).",
)
@pass_ctx
def connect(
    ctx: Context,
    url: str,
    user: str,
    addressbook: str | None,
    calendar: str | None,
    no_contacts: bool,
    no_tasks: bool,
    tasks_url: str | None,
    every: int | None,
) -> None:
    """Find the address book and task calendar at URL and remember them for this workspace.

    The password comes from DUALROLE_DAV_PASSWORD, the system keyring, or a prompt (then
    kept in the keyring when there is one); it is never written to a file.
    """
    from dualrole.dav import secret
    from dualrole.dav.client import DavError
    from dualrole.dav.connect import connect as do_connect
    from dualrole.dav.settings import DavSettingsError

    if not url.startswith(("http://", "https://")):
        url = "https://" + url
    try:
        password, source = secret.password(user, url, lambda: _ask_password(user))
    except secret.NoPassword as exc:
        raise StorageError(str(exc)) from exc
    store = ctx.open(create=False)
    try:
        done = do_connect(
            ctx.path,
            store,
            url,
            user,
            password,
            addressbook=addressbook,
            calendar=calendar,
            contacts=not no_contacts,
            tasks=not no_tasks,
            tasks_url=tasks_url,
            every_minutes=every if every is not None else "keep",
        )
    except (DavError, DavSettingsError) as exc:
        raise StorageError(str(exc)) from exc
    finally:
        store.close()
    for what in done.made:
        say(f"Made the {what} on the server.")
    if done.addressbook:
        say(f"Contacts: address book “{done.addressbook.name}” ({done.addressbook.url}).")
    if done.calendar:
        say(f"Follow-ups: task list “{done.calendar.name}” ({done.calendar.url}).")
    if source == "prompt":
        kept = secret.save_in_keyring(user, url, password)
        say(
            "Password kept in the system keyring."
            if kept
            else f"No system keyring here: set {secret.ENV} for `dualrole dav sync`."
        )
    if every is not None:
        say(_every_words(every) + ".")
    say("Connected; run `dualrole dav sync` to sync now.")


@dav.command(name="sync")
@click.option("--import-new", is_flag=True, help="Import contacts only the server has.")
@pass_ctx
def sync_command(ctx: Context, import_new: bool) -> None:
    """Sync both ways: the phone's changes come in, dualrole's go out."""
    from dualrole.dav.client import DavError
    from dualrole.dav.last_sync import run
    from dualrole.dav.secret import NoPassword
    from dualrole.dav.settings import DavSettingsError

    store = ctx.open(create=False)
    try:
        report = run(
            ctx.path,
            store,
            import_new=import_new,
            ask=lambda: _ask_password("the server"),
            progress=progress("Phone sync"),
        )
    except (DavError, DavSettingsError, NoPassword) as exc:
        raise StorageError(str(exc)) from exc
    finally:
        store.close()
    for line in report.notes:
        say(line)
    say(report.summary())


@dav.command()
@click.argument("minutes")
@pass_ctx
def every(ctx: Context, minutes: str) -> None:
    """Sync every MINUTES while the app is open (1 to 1440), or `off`: only when asked.

    The app syncs in the background and shows the last sync in its top bar.
    """
    from dualrole.dav.settings import DavSettingsError, parse_every, set_every

    try:
        set_every(ctx.path, parse_every(minutes))
    except DavSettingsError as exc:
        raise StorageError(str(exc)) from exc
    say(_every_words(parse_every(minutes)) + ".")


def _every_words(minutes: int | None) -> str:
    if minutes is None:
        return "The app syncs with the phone only when asked (P, or `dualrole dav sync`)"
    return f"The app syncs with the phone every {minutes} min while it is open"


@dav.command()
@pass_ctx
def status(ctx: Context) -> None:
    """The connection, the app's interval, the last sync and where the password comes from."""
    from dualrole.dav import last_sync
    from dualrole.dav.settings import NOT_CONNECTED, DavSettingsError, get

    try:
        connection = get(ctx.path)
    except DavSettingsError as exc:
        raise StorageError(str(exc)) from exc
    if connection is None:
        say(NOT_CONNECTED)
        return
    say(f"Server: {connection.url} (user {connection.user}).")
    say(f"Contacts: {connection.addressbook or 'not synced (--no-contacts)'}.")
    say(f"Follow-ups: {connection.calendar or 'not synced (--no-tasks)'}.")
    say(_every_words(connection.every_minutes) + ".")
    say(last_sync.describe(last_sync.last(ctx.path)))
    say(f"Password: {_password_source(connection.user, connection.url)}")


def _password_source(user: str, url: str) -> str:
    """Where a sync would find the password — never the password."""
    import os

    from dualrole.dav import secret

    if os.environ.get(secret.ENV):
        return f"from {secret.ENV}."
    if secret.from_keyring(user, url):
        return "in the system keyring."
    return (
        f"none stored: `dualrole dav sync` asks for it; the app needs {secret.ENV} or the "
        "system keyring (`dualrole dav connect` on a terminal keeps it there)."
    )


COMMANDS = (dav,)

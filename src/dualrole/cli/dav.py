"""``dualrole dav connect`` and ``dualrole dav sync``: contacts and follow-ups on the phone.

The work is done by :mod:`dualrole.dav`; this module asks for the password when needed,
prints the result and turns failures into one sentence and a non-zero exit.
"""

from __future__ import annotations

import click

from dualrole.cli.context import Context, pass_ctx, progress, say
from dualrole.storage.db import StorageError


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
    say("Connected; run `dualrole dav sync` to sync now.")


@dav.command(name="sync")
@click.option("--import-new", is_flag=True, help="Import contacts only the server has.")
@pass_ctx
def sync_command(ctx: Context, import_new: bool) -> None:
    """Sync both ways: the phone's changes come in, dualrole's go out."""
    from dualrole.dav.client import DavError
    from dualrole.dav.connect import run
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


COMMANDS = (dav,)

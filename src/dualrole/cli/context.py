"""What every command shares: the workspace it works on, and how it talks to the person.

Every line a command prints goes through :func:`say` (control characters in names and paths
are shown, never obeyed); long work reports through :func:`progress` on a terminal.

A workspace is never made behind the person's back: a command that only reads, or that
needs records (``log``, ``done``…), says there is no workspace at the path yet; one that
starts a workspace (the app, ``add``, ``import``) says on stderr where the new one is when
neither ``--db`` nor ``DUALROLE_DB`` chose it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dualrole.core.printable import visible
from dualrole.storage.db import ENV_VAR, StorageError, Store, open_store, resolve_path

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, db_path: str | None, *, report_config: bool = True):
        from dualrole.config import load_config
        from dualrole.core.money import use_locale

        self.config = load_config()
        """The person's config (:mod:`dualrole.config`): its problems are said on stderr,
        then its defaults used; it never stops a command."""
        if report_config:
            for problem in self.config.problems:
                say(problem, err=True)
        use_locale(self.config.locale)
        self.path_source = "--db" if db_path else ENV_VAR if os.environ.get(ENV_VAR) else "default"
        """Where the workspace's path came from (``dualrole config`` says it)."""
        if not db_path and not os.environ.get(ENV_VAR) and self.config.workspace:
            db_path = str(self.config.workspace)  # the config's default workspace
            self.path_source = self.config.source("workspace")
        self.path, self.is_default = resolve_path(db_path)

    def open(self, *, create: bool = True) -> Store:
        """The workspace; ``create`` makes a new one when there is none (see the module)."""
        from dualrole.core.dates.when import use_date_style
        from dualrole.services.settings import get_setting

        if not self.path.exists() and not self.path.is_symlink():
            if not create:
                raise StorageError(self.missing())
            if self.is_default:
                say(f"New workspace at {self.path} (no --db or DUALROLE_DB given).", err=True)
        store = open_store(self.path, create=create, make_parent=self.is_default)
        use_date_style(str(get_setting(store, "date_style")))
        return store

    def missing(self) -> str:
        """The sentence for a workspace that does not exist yet, with where to look instead."""
        demo = self.path.with_name("demo.db")  # where `dualrole demo` writes without --db
        if self.is_default and demo.is_file():
            return (
                f"There is no workspace at {self.path} yet; the demo is at {demo}: "
                f"pass --db {demo} (or set DUALROLE_DB to it)."
            )
        return (
            f"There is no workspace at {self.path} yet; pass --db FILE (or set DUALROLE_DB) "
            "to use another, or run `dualrole demo` to make a demo."
        )


pass_ctx = click.make_pass_decorator(Context)


def say(message: str, *, err: bool = False) -> None:
    """One line of output; control characters in names and paths are shown, never obeyed."""
    click.echo(visible(message), err=err)


def progress(label: str) -> Callable[[str, int, int], None]:
    """A progress callback drawing ``label: step  42%`` on stderr when it is a terminal."""
    state = {"last": 0.0}

    def report(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - state["last"] > 0.2 or done >= total):
            state["last"] = now
            pct = 100 * done // max(total, 1)
            click.echo(f"\r{label}: {step} {pct:3d}%   ", err=True, nl=False)

    return report


def document_options(command: F) -> F:
    """``--format md|html|json|csv``, ``-o FILE`` and ``--force``: a document's options
    (the review, the insights), handled by :func:`ask_before_replacing` and :func:`deliver`."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["md", "html", "json", "csv"]),
            help="Default: from the file name, else md.",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to this file (default: standard output).",
        ),
        click.option("--force", is_flag=True, help="Overwrite an existing file without asking."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def ask_before_replacing(ctx: Context, output: Path | None, force: bool) -> None:
    """Before the work: refuse a destination dualrole never writes, ask about an existing one."""
    from dualrole.storage.files import inspect_destination

    if output is not None and inspect_destination(output, database=ctx.path) and not force:
        click.confirm(visible(f"{output} exists; overwrite it?"), abort=True, err=True)


def deliver(ctx: Context, output: Path | None, text: str, done: str) -> None:
    """``text`` to ``output`` (replacing was agreed by :func:`ask_before_replacing`), then
    ``done`` (e.g. "Wrote the md review of 2026-W47") on stderr; without ``output``, to
    standard output, where a terminal is shown control characters, never given them."""
    from dualrole.storage.files import write_file

    if output is None:
        click.echo(visible(text, multiline=True) if sys.stdout.isatty() else text, nl=False)
        return
    write_file(output, text, database=ctx.path, force=True)
    say(f"{done} to {output}.", err=True)

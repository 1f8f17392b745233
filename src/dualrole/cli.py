"""The ``dualrole`` command: opens the app, and scripts what the app does.

Errors are one sentence on stderr and a non-zero exit, never a traceback. Heavy imports
(Textual, the review) happen inside the command that needs them, so ``--help`` is instant.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from dualrole.db import DamagedError, StorageError, Store, open_store, resolve_path
from dualrole.entry import one_sentence_errors, run_app


class Context:
    def __init__(self, db_path: str | None):
        self.path, self.is_default = resolve_path(db_path)

    def open(self, *, create: bool = True) -> Store:
        return open_store(self.path, create=create, make_parent=self.is_default)


pass_ctx = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=True, path_type=str),
    help="Database file (default: $DUALROLE_DB, else the user data folder).",
)
@click.version_option(package_name="dualrole")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """dualrole: marketing and sales, kept apart, reviewed weekly.

    With no command, opens the app on your database.
    """
    ctx.obj = Context(db_path)
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.open())


def _progress(label: str):
    state = {"last": 0.0}

    def report(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - state["last"] > 0.2 or done >= total):
            state["last"] = now
            pct = 100 * done // max(total, 1)
            click.echo(f"\r{label}: {step} {pct:3d}%   ", err=True, nl=False)

    return report


@cli.command()
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@click.option("--prospects", default=60, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option(
    "--interactions",
    default=None,
    type=click.IntRange(0, 50_000_000),
    help="Default: about six per prospect.",
)
@click.option("--force", is_flag=True, help="Replace an existing file at the path.")
@click.option("--no-open", is_flag=True, help="Only write the file; do not open the app.")
@click.option(
    "--path",
    "demo_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: --db, else demo.db in the data folder).",
)
@pass_ctx
def demo(
    ctx: Context,
    seed: int,
    prospects: int,
    interactions: int | None,
    force: bool,
    no_open: bool,
    demo_path: Path | None,
) -> None:
    """Create a demo workspace (a small consultancy) and open the app on it."""
    from dualrole.demo import DemoSize, generate

    if demo_path is None:
        demo_path = ctx.path.with_name("demo.db") if ctx.is_default else ctx.path
    if demo_path.exists() and not force:
        if no_open:
            raise StorageError(f"{demo_path} already exists; pass --force to replace it.")
        click.echo(f"{demo_path} already exists; opening it (--force rebuilds it).", err=True)
        run_app(open_store(demo_path))
        return
    if not demo_path.parent.exists():  # a demo may make its own folder
        demo_path.parent.mkdir(parents=True, mode=0o700)
    tmp = demo_path.with_name(f".{demo_path.name}.building")
    # -journal too: a large demo is loaded with a rollback journal (demo.BULK_PRAGMAS)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = open_store(tmp, make_parent=False)
    try:
        counts = generate(
            store, seed=seed, size=DemoSize(prospects, interactions), progress=_progress("demo")
        )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    # Only now drop the old file's WAL (it belongs to the old content) and swap atomically:
    # an interrupted build leaves the previous workspace as it was.
    for suffix in ("-wal", "-shm"):
        Path(f"{demo_path}{suffix}").unlink(missing_ok=True)
    tmp.replace(demo_path)
    elapsed = time.perf_counter() - started
    if sys.stderr.isatty():
        click.echo("", err=True)
    summary = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())
    click.echo(f"Demo workspace written to {demo_path} in {elapsed:.1f}s: {summary}.", err=True)
    if not no_open:
        run_app(open_store(demo_path))


@cli.command()
@pass_ctx
def check(ctx: Context) -> None:
    """Check the database's integrity and schema version."""
    from dualrole.backup import latest_backup_hint
    from dualrole.schema import SCHEMA_VERSION

    latest = " " + latest_backup_hint(ctx.path)
    try:
        store = ctx.open(create=False)
        with store:
            result = [row[0] for row in store.query("PRAGMA integrity_check")]
            fk = store.query("PRAGMA foreign_key_check")
            version = store.scalar("PRAGMA user_version")
            prospects = store.scalar("SELECT count(*) FROM prospects WHERE deleted_at IS NULL")
    except DamagedError as exc:
        said = str(exc)
        if not said.startswith(str(ctx.path)):  # sqlite's words; say which file and what to do
            said = (
                f"{ctx.path} is damaged and cannot be read; restore a backup with "
                "`dualrole restore FILE`."
            )
        raise StorageError(f"{said}{latest}") from exc
    if result != ["ok"]:
        raise StorageError(
            f"{ctx.path} is damaged ({result[0]}); restore it with `dualrole restore FILE`.{latest}"
        )
    if fk:
        raise StorageError(f"{ctx.path} has {len(fk)} broken links between records.{latest}")
    note = f" ({store.read_only_reason})" if store.read_only else ""
    click.echo(
        f"ok: {ctx.path} — integrity ok, schema {version} (this dualrole: {SCHEMA_VERSION}), "
        f"{prospects:,} prospects{note}."
    )


@cli.command()
@click.argument("dest", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def backup(ctx: Context, dest: Path | None) -> None:
    """Copy the database safely (online backup API) to DEST or the backups folder."""
    from dualrole.backup import automatic_backup, backup_to

    with ctx.open(create=False) as store:
        path = backup_to(store, dest) if dest else automatic_backup(store, "manual")
    click.echo(f"Backed up to {path}.")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@pass_ctx
def restore(ctx: Context, source: Path, yes: bool) -> None:
    """Replace the database with a checked backup (the current data is backed up first)."""
    from dualrole.backup import restore_to_path, verify_backup

    verify_backup(source)
    if not yes and not click.confirm(f"Replace {ctx.path} with {source}?", err=True):
        raise click.Abort
    safety = restore_to_path(ctx.path, source, make_parent=ctx.is_default)
    open_store(ctx.path).close()  # migrate a restored older schema now
    click.echo(f"Restored {source} into {ctx.path}; the previous data is in {safety}.")


def main() -> None:
    """Run the command line, turning known failures into one sentence."""
    with one_sentence_errors():
        try:
            cli.main(standalone_mode=False)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)


import dualrole.cli_review  # noqa: E402, F401  (registers review and targets)
from dualrole import (  # noqa: E402
    cli_insights,  # noqa: F401  (registers insights)
    cli_interop,  # noqa: F401  (registers import/export)
)

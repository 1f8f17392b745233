"""The workspace file itself: ``demo``, ``check``, ``backup`` and ``restore``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from dualrole.cli.context import Context, pass_ctx, progress, say
from dualrole.core.errors import DestinationError
from dualrole.core.printable import visible
from dualrole.core.words import counted
from dualrole.launch import run_app
from dualrole.storage.db import DamagedError, StorageError, is_workspace, open_store


@click.command()
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
    from dualrole.demo.workspace import DemoSize, generate
    from dualrole.replication.holders import refuse_if_held
    from dualrole.storage.files import building_folder, inspect_destination, move_into_place

    if demo_path is None:
        demo_path = ctx.path.with_name("demo.db") if ctx.is_default else ctx.path
    if not demo_path.parent.exists():  # a demo may make its own folder
        demo_path.parent.mkdir(parents=True, mode=0o700)
    if inspect_destination(demo_path):
        if not force:
            if no_open:
                raise StorageError(f"{demo_path} already exists; pass --force to replace it.")
            say(f"{demo_path} already exists; opening it (--force rebuilds it).", err=True)
            run_app(open_store(demo_path))
            return
        if not is_workspace(demo_path):
            raise DestinationError(
                f"{demo_path} is not a dualrole workspace, so --force will not replace it; "
                "choose another path."
            )
        refuse_if_held(demo_path, "run `dualrole demo --force` again")
    started = time.perf_counter()
    # Built in a private folder beside the file (SQLite's -wal/-journal stay inside it), then
    # moved into place: an interrupted build leaves the previous workspace as it was.
    with building_folder(demo_path) as folder:
        tmp = folder / demo_path.name
        store = open_store(tmp, make_parent=False)
        try:
            counts = generate(
                store, seed=seed, size=DemoSize(prospects, interactions), progress=progress("demo")
            )
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            store.close()
        if force and demo_path.exists() and not is_workspace(demo_path):  # changed meanwhile
            raise DestinationError(f"{demo_path} is not a dualrole workspace; it was left alone.")
        if force and demo_path.exists():  # opened or replicated while the demo was built
            refuse_if_held(demo_path, "run `dualrole demo --force` again")
        # Only now drop the old file's WAL (it belongs to the old content) and swap.
        for suffix in ("-wal", "-shm"):
            Path(f"{demo_path}{suffix}").unlink(missing_ok=True)
        move_into_place(tmp, demo_path, force=force)
    elapsed = time.perf_counter() - started
    if sys.stderr.isatty():
        click.echo("", err=True)
    summary = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())
    say(f"Demo workspace written to {demo_path} in {elapsed:.1f}s: {summary}.", err=True)
    if not no_open:
        run_app(open_store(demo_path))


@click.command()
@pass_ctx
def check(ctx: Context) -> None:
    """Check the database's integrity and schema version."""
    from dualrole.storage.backup import latest_backup_hint
    from dualrole.storage.schema import SCHEMA_VERSION

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
        raise StorageError(
            f"{ctx.path} has {counted(len(fk), 'broken link')} between records.{latest}"
        )
    note = f" ({store.read_only_reason})" if store.read_only else ""
    say(
        f"ok: {ctx.path} — integrity ok, schema {version} (this dualrole: {SCHEMA_VERSION}), "
        f"{counted(prospects, 'prospect')}{note}."
    )


@click.command()
@click.argument("dest", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@pass_ctx
def backup(ctx: Context, dest: Path | None, force: bool) -> None:
    """Copy the database safely (online backup API) to DEST or the backups folder.

    DEST follows the rules of every file dualrole writes: never the database or its -wal,
    -shm or -journal, never through a symbolic link, only a regular file, an existing one
    only with --force. Without DEST the copy gets a new name in the backups folder.
    """
    from dualrole.storage.backup import automatic_backup, backup_to

    with ctx.open(create=False) as store:
        path = backup_to(store, dest, force=force) if dest else automatic_backup(store, "manual")
    say(f"Backed up to {path}.")


@click.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@click.option("--from-replica", "replica_url", metavar="URL", help="Restore from a replica.")
@click.option("--at", "at_text", metavar="MOMENT", help='With --from-replica: "2026-11-28 17:00".')
@click.option("--force", is_flag=True, help="With --from-replica: replace an existing workspace.")
@pass_ctx
def restore(
    ctx: Context,
    source: Path | None,
    yes: bool,
    replica_url: str | None,
    at_text: str | None,
    force: bool,
) -> None:
    """Replace the database with a checked backup (the current data is backed up first)."""
    from dualrole.storage.backup import restore_to_path, verify_backup

    if replica_url:
        if source is not None:
            raise click.UsageError("Give either a backup FILE or --from-replica URL, not both.")
        from dualrole.cli.replica import restore_from_replica

        restore_from_replica(ctx, replica_url, at_text, force)
        return
    if source is None:
        raise click.UsageError("Give the backup FILE to restore (or --from-replica URL).")
    from dualrole.replication.holders import refuse_if_held

    again = f"restore {source} again"
    refuse_if_held(ctx.path, again)
    verify_backup(source)
    if not yes and not click.confirm(visible(f"Replace {ctx.path} with {source}?"), err=True):
        raise click.Abort
    refuse_if_held(ctx.path, again)  # opened or replicated while the question was asked
    safety = restore_to_path(ctx.path, source, make_parent=ctx.is_default)
    open_store(ctx.path).close()  # migrate a restored older schema now
    say(f"Restored {source} into {ctx.path}; the previous data is in {safety}.")


COMMANDS = (demo, check, backup, restore)

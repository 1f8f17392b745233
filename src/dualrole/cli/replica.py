"""``dualrole replicate`` and ``dualrole replica status``.

``restore --from-replica`` is an option of ``restore`` (:mod:`dualrole.cli.workspace`). The
work is done by :mod:`dualrole.replication`; this module parses, prints and turns failures
into one sentence and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading

import click

from dualrole.cli.context import Context, pass_ctx, progress
from dualrole.core.errors import DiskFullError
from dualrole.storage.db import StorageError


def _fail_replica(exc: Exception) -> StorageError:
    return StorageError(str(exc))


@click.command()
@click.option("--to", "url", metavar="URL", help="file:///path, s3://bucket/path, sftp://…")
@click.option(
    "--take-over",
    is_flag=True,
    help="Make this workspace the replica's writer although another one was (after a move).",
)
@click.option("--sync-interval", default="1s", show_default=True, hidden=True)
@pass_ctx
def replicate(ctx: Context, url: str | None, take_over: bool, sync_interval: str) -> None:
    """Stream every change to the replica until Ctrl-C (then sync what is left)."""

    ctx.open(create=False).close()  # a dualrole workspace, migrated, in WAL mode
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    # From here on Ctrl-C / SIGTERM only ask to stop: the replica gets a last sync first.
    old_int = signal.signal(signal.SIGINT, on_signal)
    old_term = signal.signal(signal.SIGTERM, on_signal)
    try:
        _replicate(ctx, url, take_over, sync_interval, stop)
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


def _replicate(
    ctx: Context, url: str | None, take_over: bool, sync_interval: str, stop: threading.Event
) -> None:
    from dualrole.replication import marker, urls
    from dualrole.replication.litestream import ReplicaError
    from dualrole.replication.supervisor import Replicator
    from dualrole.storage import replica_settings as settings

    try:
        setting = (
            settings.set_replica(ctx.path, urls.normalise(url)) if url else settings.get(ctx.path)
        )
        if setting is None:
            raise StorageError(
                f"No replica is set for {ctx.path}; run `dualrole replicate --to URL` once."
            )
        urls.normalise(setting.url)  # one stored by an older dualrole or by hand
        replicator = Replicator(ctx.path, setting, sync_interval=sync_interval, take_over=take_over)
        replicator.start()
    except (ReplicaError, settings.SettingsError, urls.UrlError) as exc:
        raise _fail_replica(exc) from None
    shown = urls.shown(setting.url)
    if replicator.previous_writer is not None:
        click.echo(f"Took {shown} over from {replicator.previous_writer.describe()}.", err=True)
    if not marker.supported(setting.url):
        click.echo(
            f"Note: {urls.scheme(setting.url)}:// replicas are not checked for a second "
            "writer; replicate to it from one machine only.",
            err=True,
        )
    click.echo(f"Replicating {ctx.path} to {shown}; Ctrl-C stops (after a last sync).", err=True)
    shown_label = shown_error = ""
    try:
        while not stop.wait(1.0):
            state = replicator.state
            label = state.label()
            if state.stopped_reason:
                raise StorageError(state.error)
            if state.error and state.error != shown_error:  # each new problem, in its words
                click.echo(("\r" if sys.stderr.isatty() else "") + state.error, err=True)
                shown_label = ""
            shown_error = state.error
            if label != shown_label and sys.stderr.isatty():
                click.echo(f"\r{label:<60}", err=True, nl=False)
            shown_label = label
    finally:
        final = replicator.stop()
        if sys.stderr.isatty():
            click.echo("", err=True)
    if final.error or final.replica_txid < final.local_txid:
        # Replicator.stop() verified the replica: an error says what it lacks, and why.
        click.echo(f"Stopped. {final.error or 'The replica lacks the newest changes.'}", err=True)
        sys.exit(1)
    click.echo(
        f"Stopped; the replica holds transaction {final.replica_txid} (everything).", err=True
    )


@click.group()
def replica() -> None:
    """The workspace's replica (see `dualrole replicate`)."""


@replica.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def replica_status(ctx: Context, as_json: bool) -> None:
    """Replica, latest position, lag and last error."""
    import json

    from dualrole.replication import litestream, supervisor, urls
    from dualrole.replication.litestream import ReplicaError
    from dualrole.storage import replica_settings as settings

    try:
        setting = settings.get(ctx.path)
    except settings.SettingsError as exc:
        raise StorageError(str(exc)) from None
    if setting is None:
        if not ctx.path.exists():  # no workspace either: say so, and where to look
            raise StorageError(ctx.missing())
        raise StorageError(
            f"No replica is set for {ctx.path}; nothing is sent anywhere. "
            "`dualrole replicate --to URL` sets one."
        )
    state, running = supervisor.read_status(ctx.path)
    error = ""
    try:
        urls.normalise(setting.url)  # one stored by an older dualrole or by hand
        position = litestream.position(ctx.path, setting.url)
    except (ReplicaError, urls.UrlError) as exc:
        position, error = None, str(exc)
    local = litestream.workspace_txid(ctx.path)
    unread = local > litestream.local_txid(ctx.path)
    report = {
        "replica": urls.shown(setting.url),
        "replicating_now": running,
        "replica_txid": position.txid if position else None,
        "replica_written_at": position.at.isoformat() if position else None,
        "local_txid": local,
        "lag_seconds": round(state.lag_s(), 1) if state and running else None,
        "last_synced_at": state.synced_at if state else None,
        "last_error": error or (state.error if state else "") or None,
    }
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(f"replica:     {report['replica']}")
        if position:
            when = position.at.astimezone()
            click.echo(
                f"latest:      transaction {position.txid}, written {when:%Y-%m-%d %H:%M:%S}"
            )
        elif not error:
            click.echo("latest:      nothing replicated yet")
        click.echo(
            f"this machine: transaction {local}"
            + (" (its newest changes not yet read by Litestream)" if unread else "")
        )
        if running and state is not None:
            click.echo(f"replicating: yes — {state.label()} (lag {state.lag_s():.0f} s)")
        else:
            click.echo("replicating: no (run `dualrole replicate`, or open the app)")
        if report["last_error"]:
            click.echo(f"last error:  {report['last_error']}")
    if error:
        sys.exit(1)


def restore_from_replica(ctx: Context, url: str, at_text: str | None, force: bool) -> None:
    """``dualrole restore --from-replica URL`` (called by ``restore``)."""
    from dualrole.replication import urls
    from dualrole.replication.litestream import ReplicaError
    from dualrole.replication.restore import parse_moment, restore_from_replica

    at: dt.datetime | None = parse_moment(at_text) if at_text else None
    if force and ctx.path.exists():
        from dualrole.replication.holders import refuse_if_held

        refuse_if_held(ctx.path, "restore from the replica again")
    report = progress("restore")

    def restoring(done: int, total: int) -> None:
        report("from replica", done, total)

    try:
        result = restore_from_replica(
            urls.normalise(url),
            ctx.path,
            at=at,
            force=force,
            progress=restoring,
            make_parent=ctx.is_default,
        )
    except (ReplicaError, urls.UrlError) as exc:
        raise StorageError(str(exc)) from None
    except DiskFullError as exc:  # the restored copy could not even be read: no room left
        raise StorageError(
            f"The disk holding {exc.filename} (where the workspace lives) is full; free some "
            "space and restore again (nothing was replaced)."
        ) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    moment = f" as it was at {at.astimezone():%Y-%m-%d %H:%M}" if at else ""
    kept = f"; the previous data is in {result.previous}" if result.previous else ""
    click.echo(
        f"Restored {ctx.path} from {urls.shown(url)}{moment} in {result.seconds:.1f}s{kept}.",
    )


COMMANDS = (replicate, replica)

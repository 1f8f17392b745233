"""``dualrole import`` and ``dualrole export {ics,json,csv,vcard}``.

Heavy modules load inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from dualrole.cli.context import Context, pass_ctx, say
from dualrole.core.enums import Stage
from dualrole.core.printable import visible

if TYPE_CHECKING:
    from dualrole.interop.importer import ImportReport

SHOWN_PROBLEMS = 50
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _parse_maps(maps: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in maps:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{item!r}: write FIELD=Column, e.g. email='E-mail 1'")
        mapping[field.strip().lower().replace("-", "_")] = column.strip()
    return mapping


def _stderrprogress(label: str) -> Callable[[int, int], None]:
    """A percentage on stderr (only on a terminal, at most five times a second)."""
    state = {"last": 0.0, "shown": False}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if sys.stderr.isatty() and (now - state["last"] > 0.2 or done >= total):
            state["last"], state["shown"] = now, True
            pct = 100 * done // max(total, 1)
            click.echo(f"\r{label}: {pct:3d}%   ", err=True, nl=False)
            if done >= total:
                click.echo("", err=True)

    return report


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@click.option(
    "--stage",
    type=click.Choice([s.value for s in Stage]),
    default=Stage.lead.value,
    show_default=True,
    help="Stage of the new prospects.",
)
@click.option("--tag", "tags", multiple=True, help="Tag every imported prospect (repeatable).")
@click.option("--source", help="Lead source (referral, inbound, event…) or a promotion's name.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Which CSV column holds a field (name, first_name, last_name, email, company, "
    "title, phone, website, notes, tags…); repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def import_command(
    ctx: Context,
    file: Path,
    dry_run: bool,
    stage: str,
    tags: tuple[str, ...],
    source: str | None,
    maps: tuple[str, ...],
    as_json: bool,
) -> None:
    """Import contacts (Google, LinkedIn, HubSpot, Outlook or any CSV; vCard) as prospects.

    Duplicates (same email, or same name and company) fill empty fields of the existing
    prospect and never overwrite. Running the same import twice adds nothing.
    """
    from dualrole.interop.importer import import_contacts

    with ctx.open() as store:
        report = import_contacts(
            store,
            file,
            dry_run=dry_run,
            stage=Stage(stage),
            tags=list(tags),
            source=source,
            mapping=_parse_maps(maps),
            progress=_stderrprogress("import"),
            keep_all=as_json,
        )
    if as_json:
        click.echo(json_for_terminal(report.to_dict()))
        return
    for line in report_lines(report):
        say(line)


def json_for_terminal(data: object) -> str:
    """JSON with every control and bidi character escaped (``\\u009b``), same data."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def report_lines(report: ImportReport) -> list[str]:
    """The import report as the command line prints it (made visible by ``say``)."""
    from dualrole.interop.csv_formats import FIELDS

    shape = report.shape
    details = [f"encoding {shape.encoding}"]
    if shape.delimiter:
        details.append(f"delimiter {'tab' if shape.delimiter == chr(9) else repr(shape.delimiter)}")
    lines = [f"{report.summary()} ({', '.join(details)}; {report.seconds:.2f}s)"]
    if shape.mapping:
        pairs = "; ".join(f"{f} ← {', '.join(cols)}" for f, cols in shape.mapping.items())
        lines.append(f"Columns: {pairs}")
    if shape.unmapped:
        example = shlex.quote(f"notes={shape.unmapped[0]}")
        lines.append(
            f"Not used: {', '.join(shape.unmapped)} — to import one, say which field it is, "
            f"e.g. --map {example} (fields: {', '.join(FIELDS)})."
        )
    problems = report.problems()
    lines += [f"  {outcome.line()}" for outcome in problems[:SHOWN_PROBLEMS]]
    hidden = report.merged + report.skipped - min(len(problems), SHOWN_PROBLEMS)
    if hidden > 0:
        lines.append(f"  … and {hidden:,} more (--json lists them all).")
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return lines


@click.group("export")
def export_group() -> None:
    """Export follow-ups as a calendar (ics) and all your data (json, csv, vcard)."""


def _output(
    ctx: Context, output: Path | None, force: bool, write: Callable[[BinaryIO], object]
) -> None:
    from dualrole.storage.files import write_file

    if output is None or str(output) == "-":
        stream = sys.stdout.buffer
        if stream.isatty():  # shown on a terminal: control characters visible, never obeyed
            buffer = io.BytesIO()
            write(buffer)
            text = buffer.getvalue().decode("utf-8", errors="replace")
            stream.write(visible(text, multiline=True).encode("utf-8"))
        else:
            write(stream)
        stream.flush()
        return
    write_file(output, write, database=ctx.path, force=force)
    say(f"Wrote {output}.", err=True)


def _export_options(
    func: Callable[[Context, Path | None, bool], None],
) -> Callable[[Path | None, bool], None]:
    func = click.option("--force", is_flag=True, help="Replace FILE if it exists.")(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File to write (default: standard output).",
    )(func)
    return pass_ctx(func)


@export_group.command("ics")
@_export_options
def export_ics(ctx: Context, output: Path | None, force: bool) -> None:
    """Open follow-ups as an iCalendar file (subscribe to it in your calendar)."""
    from dualrole.interop.calendar import to_ics

    with ctx.open(create=False) as store:
        data = to_ics(store)
    _output(ctx, output, force, lambda out: out.write(data))


@export_group.command("json")
@_export_options
def export_json(ctx: Context, output: Path | None, force: bool) -> None:
    """Every table as one JSON document (its layout: the manual's "Import and export")."""
    from dualrole.interop.dump import write_json

    with ctx.open(create=False) as store:
        _output(ctx, output, force, lambda out: write_json(store, out))


@export_group.command("csv")
@_export_options
def export_csv(ctx: Context, output: Path | None, force: bool) -> None:
    """Prospects as CSV (formula-safe; `dualrole import` reads it back exactly)."""
    from dualrole.interop.dump import write_csv

    with ctx.open(create=False) as store:
        _output(ctx, output, force, lambda out: write_csv(store, out))


@export_group.command("vcard")
@_export_options
def export_vcard(ctx: Context, output: Path | None, force: bool) -> None:
    """Prospects as vCard 3.0 (for Google Contacts, phones, or dualrole)."""
    from dualrole.interop.dump import write_vcard

    with ctx.open(create=False) as store:
        _output(ctx, output, force, lambda out: write_vcard(store, out))


COMMANDS = (import_command, export_group)

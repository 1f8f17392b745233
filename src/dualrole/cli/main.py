"""The ``dualrole`` command: the root group, every subcommand, and :func:`main`.

Each module of this package holds the commands of one area and lists them in ``COMMANDS``;
they are added to the group here, so no module reaches back into another. Errors are one
sentence on stderr and a non-zero exit, never a traceback. Heavy imports (Textual, the
review) happen inside the command that needs them, so ``--help`` stays instant.
"""

from __future__ import annotations

import io
import sys

import click

from dualrole.cli import (
    daily,
    dav,
    deals,
    insights,
    interop,
    mail,
    outreach,
    replica,
    review,
    settings,
    workspace,
)
from dualrole.cli.context import Context
from dualrole.core.printable import visible
from dualrole.launch import (
    load_money_layouts,
    one_sentence_errors,
    run_app,
    save_money_layouts,
)


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
    # The layouts and locales an earlier run read from Babel, before the config checks its
    # locale: a command imports Babel only for a currency or locale no run has read yet.
    known = load_money_layouts()
    ctx.obj = Context(db_path, report_config=ctx.invoked_subcommand != "config")
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.open(), ctx.obj.config)
    else:
        ctx.call_on_close(lambda: save_money_layouts(known))


for _module in (
    workspace,
    review,
    interop,
    daily,
    deals,
    insights,
    replica,
    settings,
    dav,
    mail,
    outreach,
):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Run the command line, turning known failures into one sentence."""
    with one_sentence_errors():
        try:
            cli.main(standalone_mode=False)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            shown = io.StringIO()
            exc.show(file=shown)  # usage and message may quote what was typed: made visible
            sys.stderr.write(visible(shown.getvalue(), multiline=True))
            sys.exit(exc.exit_code)

"""The ``dualrole`` command's entry point: straight into the app, or the command line.

``dualrole`` and ``dualrole --db PATH`` open the app, the start a person waits for; that path
does not import click and the subcommands (~10 ms of the start). Everything else (a
subcommand, ``--help``, ``--version``, a mistyped option) goes to :func:`dualrole.cli.main`.
Either way a failure is one sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys

from dualrole.launch import one_sentence_errors, run_app
from dualrole.storage.db import ENV_VAR, open_store, resolve_path

__all__ = ["app_only", "main", "one_sentence_errors", "run_app"]


def app_only(args: list[str]) -> tuple[bool, str | None]:
    """Whether ``args`` only open the app, and the ``--db`` value they give (if any)."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db":
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db="):
        return True, args[0].removeprefix("--db=")
    return False, None


def main() -> None:
    only_app, db_path = app_only(sys.argv[1:])
    if not only_app or os.environ.get("_DUALROLE_COMPLETE"):  # shell completion asks click
        from dualrole.cli.main import main as cli_main

        cli_main()
        return
    with one_sentence_errors():
        from dualrole.config import load_config
        from dualrole.launch import load_money_layouts

        load_money_layouts()  # before the config checks its locale (Babel, ~45 ms)

        config = load_config()  # its problems are shown in the app; it never stops it
        if not db_path and not os.environ.get(ENV_VAR) and config.workspace:
            db_path = str(config.workspace)
        path, is_default = resolve_path(db_path)
        run_app(open_store(path, make_parent=is_default), config)

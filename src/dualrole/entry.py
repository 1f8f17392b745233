"""The ``dualrole`` command's entry point: straight into the app, or the command line.

``dualrole`` and ``dualrole --db PATH`` open the app, the start a person waits for; that path
does not import click and the subcommands (~10 ms of the start). Everything else (a
subcommand, ``--help``, ``--version``, a mistyped option) goes to :func:`dualrole.cli.main`.
Either way a failure is one sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from collections.abc import Iterator

from dualrole.db import StorageError, Store, open_store, resolve_path


def app_only(args: list[str]) -> tuple[bool, str | None]:
    """Whether ``args`` only open the app, and the ``--db`` value they give (if any)."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db":
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db="):
        return True, args[0].removeprefix("--db=")
    return False, None


def run_app(store: Store) -> None:
    """Run the app on ``store`` (it takes the daily backup itself, in the background).

    The garbage collector is paused from here until the app has built its screens (it
    turns it back on itself, see ``DualroleApp._resume_collector``): nearly everything the
    start allocates lives for the whole session, and collecting it is wasted time.
    """
    gc.disable()
    from dualrole.tui.app import DualroleApp

    DualroleApp(store).run()


@contextlib.contextmanager
def one_sentence_errors() -> Iterator[None]:
    """Turn what can go wrong outside click's own parsing into one line and an exit code."""
    try:
        yield
    except StorageError as exc:
        _fail(f"error: {exc}", 1)
    except ValueError as exc:
        _fail(f"error: {exc}", 2)
    except KeyboardInterrupt:
        _fail("Interrupted; nothing half-written was kept.", 130)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            _fail(f"error: The disk is full{where}; nothing was written.", 1)
        _fail(f"error: {exc.strerror or exc}{where}.", 1)
    except Exception as exc:  # never a traceback; DUALROLE_DEBUG=1 shows it
        if os.environ.get("DUALROLE_DEBUG"):
            raise
        _fail(
            f"error: something unexpected went wrong ({type(exc).__name__}: {exc}); "
            "DUALROLE_DEBUG=1 shows the details.",
            1,
        )


def _fail(message: str, code: int) -> None:
    from dualrole.printable import visible  # a name or a path may hold control characters

    print(visible(message), file=sys.stderr)
    sys.exit(code)


def main() -> None:
    only_app, db_path = app_only(sys.argv[1:])
    if not only_app or os.environ.get("_DUALROLE_COMPLETE"):  # shell completion asks click
        from dualrole.cli import main as cli_main

        cli_main()
        return
    with one_sentence_errors():
        path, is_default = resolve_path(db_path)
        run_app(open_store(path, make_parent=is_default))

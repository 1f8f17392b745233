"""Starting the app, and the rule that a failure is one sentence, never a traceback.

Shared by :mod:`dualrole.entry` (the fast path straight into the app) and the command line
(:mod:`dualrole.cli`); imports neither, and not click.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from collections.abc import Iterator

from dualrole.storage.db import StorageError, Store

# Every failure starts the way click's own do ("Error: No such option: --x"), so a script
# or a person sees one form whichever part of the command line refused.
ERROR = "Error: "


def run_app(store: Store) -> None:
    """Run the app on ``store`` (it takes the daily backup itself, in the background).

    The garbage collector is paused from here until the app has built its screens (it
    turns it back on itself, see ``DualroleApp._resume_collector``): nearly everything the
    start allocates lives for the whole session, and collecting it is wasted time.
    """
    gc.disable()
    from dualrole.services.today import prefetch_agenda

    prefetch_agenda(store)  # SQLite reads Today's agenda while the app's modules import
    from dualrole.tui.app import DualroleApp

    DualroleApp(store).run()


@contextlib.contextmanager
def one_sentence_errors() -> Iterator[None]:
    """Turn what can go wrong outside click's own parsing into one line and an exit code."""
    try:
        yield
    except StorageError as exc:
        from dualrole.services.resolve import AmbiguousProspect

        # Its choices stand one a line, each made visible where it was built.
        listed = isinstance(exc, AmbiguousProspect) or getattr(exc, "listed", False)
        _fail(f"{ERROR}{exc}", 1, lines=listed)
    except ValueError as exc:
        from dualrole.core.models import error_sentence  # a ValidationError is a ValueError

        _fail(f"{ERROR}{error_sentence(exc)}", 2)
    except KeyboardInterrupt:
        _fail("Interrupted; nothing half-written was kept.", 130)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            _fail(f"{ERROR}The disk is full{where}; nothing was written.", 1)
        _fail(f"{ERROR}{exc.strerror or exc}{where}.", 1)
    except Exception as exc:  # never a traceback; DUALROLE_DEBUG=1 shows it
        if os.environ.get("DUALROLE_DEBUG"):
            raise
        _fail(
            f"{ERROR}something unexpected went wrong ({type(exc).__name__}: {exc}); "
            "DUALROLE_DEBUG=1 shows the details.",
            1,
        )


def _fail(message: str, code: int, *, lines: bool = False) -> None:
    from dualrole.core.printable import visible  # a name or a path may hold control characters

    print(visible(message, multiline=lines), file=sys.stderr)
    sys.exit(code)

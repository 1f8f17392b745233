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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualrole.storage.db import StorageError, Store

if TYPE_CHECKING:
    from dualrole.config import AppConfig

# Every failure starts the way click's own do ("Error: No such option: --x"), so a script
# or a person sees one form whichever part of the command line refused.
ERROR = "Error: "


def run_app(store: Store, config: AppConfig | None = None) -> None:
    """Run the app on ``store`` (it takes the daily backup itself, in the background) with
    the person's ``config`` (read from its file when not given; see :mod:`dualrole.config`).

    The garbage collector is paused from here until the app has built its screens (it
    turns it back on itself, see ``DualroleApp._resume_collector``): nearly everything the
    start allocates lives for the whole session, and collecting it is wasted time.
    """
    gc.disable()
    from dualrole.services.today import prefetch_agenda

    prefetch_agenda(store)  # SQLite reads Today's agenda while the app's modules import
    known = load_money_layouts()
    if config is None:
        from dualrole.config import load_config

        config = load_config()
    from dualrole.tui.app import DualroleApp

    try:
        DualroleApp(store, config).run()
    finally:
        save_money_layouts(known)


MONEY_LAYOUTS = "money-layouts.json"
"""How the person's locale writes each currency, read from Babel in an earlier run (in the
user cache folder): reading Babel's locale data cost ~45 ms of CPU before the first frame.
The app and every command keep them, so a command imports Babel only for what no earlier run
read (importing it costs a command ~40 ms)."""
_loaded_layouts: dict[str, Any] | None = None
_loaded_locales: list[str] = []


def _layouts_file() -> tuple[Path, str]:
    """The cache file, and which Babel it is for (its path and install time)."""
    import importlib.util

    from platformdirs import user_cache_path

    spec = importlib.util.find_spec("babel")
    origin = spec.origin if spec and spec.origin else ""
    try:
        stamp = f"{origin}:{os.stat(origin).st_mtime_ns}" if origin else ""
    except OSError:
        stamp = ""
    return user_cache_path("dualrole", appauthor=False) / MONEY_LAYOUTS, stamp


def load_money_layouts() -> dict[str, Any]:
    """Give :mod:`dualrole.core.money` the layouts an earlier run kept (same Babel), once;
    returns them (an unreadable or stale file is ignored: Babel is asked again)."""
    global _loaded_layouts, _loaded_locales
    if _loaded_layouts is not None:
        return _loaded_layouts
    import json

    from dualrole.core import money

    _loaded_layouts = {}
    path, stamp = _layouts_file()
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and stamp and saved.get("babel") == stamp:
            layouts = saved.get("layouts")
            if isinstance(layouts, dict):
                money.remember_layouts(layouts)
                money.remember_locales(saved.get("locales"))
                _loaded_layouts = layouts
                _loaded_locales = money.remembered_locales()
    return _loaded_layouts


def save_money_layouts(known: dict[str, Any]) -> None:
    """Keep the layouts this run read (when there are new ones) for the next start; a
    cache: a failure to write it is not worth a word."""
    import json

    from dualrole.core import money
    from dualrole.core.errors import DestinationError
    from dualrole.storage.files import write_file

    layouts, locales = money.remembered_layouts(), money.remembered_locales()
    if layouts == known and set(locales) <= set(_loaded_locales):
        return
    path, stamp = _layouts_file()
    kept = {"babel": stamp, "layouts": layouts, "locales": locales}
    with contextlib.suppress(OSError, DestinationError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_file(path, json.dumps(kept), force=True)


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

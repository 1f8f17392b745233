"""``dualrole ARGS`` run inside the test's own process, seen as a shell sees it.

A fresh interpreter per command costs 0.3-1 s on a busy machine, and the command-line tests
run hundreds. :func:`dualrole` runs the real entry point instead (``dualrole.entry.main``:
the app-or-command-line choice, click's parsing, the one-sentence errors) with ``sys.argv``,
stdin, stdout and stderr swapped for the call only (click's ``CliRunner.isolation``), and
returns what ``subprocess.run`` would: exit code, stdout, stderr. The environment is the
test's own (frozen clock, private paths), as a child would inherit it.

A handful of tests keep a real child process for what only one can show: the installed
script and ``python -m``, pipes, shell completion, a second process holding the file, kill -9,
replication's children and signals.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys

from click.testing import CliRunner


def dualrole(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``dualrole ARGS`` (optionally fed ``stdin``, with ``env`` added to the environment)."""
    from dualrole.entry import main
    from dualrole.storage import db

    environ = dict(os.environ)
    open_before = set(db._OPEN_FILES)
    handlers = list(logging.getLogger().handlers)
    runner = CliRunner()
    with runner.isolation(input=stdin, env=env) as (stdout, stderr, _):
        saved_argv = sys.argv
        sys.argv = ["dualrole", *args]
        code: int = 0
        try:
            main()
        except SystemExit as exit_:
            code = exit_code(exit_.code)
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        out = stdout.getvalue().decode("utf-8", "replace")
        err = stderr.getvalue().decode("utf-8", "replace")
    # Nothing a command changed in this process may reach the next test.
    _restore_environ(environ)
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    assert "Traceback" not in err, err
    # A process ends with its files; here a workspace left open would outlive the command.
    assert set(db._OPEN_FILES) <= open_before, f"dualrole {' '.join(args)} left a workspace open"
    return subprocess.CompletedProcess(["dualrole", *args], code, out, err)


def exit_code(code: object) -> int:
    """The status a process exiting with ``SystemExit(code)`` reports."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"{code}\n")
    return 1


def _restore_environ(saved: dict[str, str]) -> None:
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value

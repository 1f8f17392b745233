"""Commands other than the app import Babel only for what no earlier run read (issue 28
leftover): the layouts and locales a run read are kept in the cache folder, as the app
keeps them, so `today`, `find` and even `show` with an amount start without it."""

from __future__ import annotations

import os
import subprocess
import sys

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store


def babel_imported(db, *args: str) -> bool:
    """Run ``dualrole --db DB ARGS`` as a shell would; whether it imported Babel."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dualrole", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DUALROLE_LOCALE": "de_DE"},  # not the built-in en_US
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return any(line.rstrip().endswith(" babel") for line in result.stderr.splitlines())


def test_commands_use_the_kept_layouts_instead_of_babel(tmp_path):
    db = tmp_path / "w.db"
    with open_store(db) as store:
        sales.create_prospect(store, ProspectIn(name="Kim Ortiz", value="2,500"))
    assert babel_imported(db, "show", "Kim")  # the first run reads de_DE's euro from Babel
    for args in (("today",), ("find", "kim"), ("show", "Kim"), ("today", "--format", "json")):
        assert not babel_imported(db, *args), args

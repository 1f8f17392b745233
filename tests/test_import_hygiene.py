"""The core never imports Textual: every module outside ``tui/`` imports without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import dualrole

SCRIPT = """
import importlib, sys
names = sys.argv[1:]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(len(names), leaked[:3])
sys.exit(1 if leaked else 0)
"""


def core_modules() -> list[str]:
    root = Path(dualrole.__file__).parent
    names = ["dualrole"]
    for info in pkgutil.walk_packages([str(root)], prefix="dualrole."):
        if info.name.startswith("dualrole.tui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_core_modules_do_not_import_textual():
    names = core_modules()
    for required in (
        "dualrole.storage.db",
        "dualrole.core.models",
        "dualrole.services.sales",
        "dualrole.cli",
    ):
        assert required in names
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *names], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{len(names)} []"


def test_importing_opens_no_database(tmp_path):
    """Nothing happens at import time: no connection, no file, no folder."""
    env = {"DUALROLE_DB": str(tmp_path / "x" / "db.sqlite"), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", SCRIPT, *core_modules()], env=env, check=True, capture_output=True
    )
    assert list(tmp_path.iterdir()) == []
